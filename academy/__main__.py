"""`python -m academy …` runs the command-line interface."""

from academy.cli import cli

cli(prog_name="python -m academy")
