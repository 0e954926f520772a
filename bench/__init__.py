"""Benchmarks of the bars in DESIGN §6; `python -m bench` runs them all (`make bench`)."""
