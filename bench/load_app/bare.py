"""The load benchmark's anchor: a bare Streamlit script (DESIGN §6, bench/load_bench.py).

With BENCH_BARE_ELEMENTS=N it draws N short Markdown elements instead of one `st.write`: the cost of sending
as many elements as the app's interactions do (`load_bench.py --bare-elements N`), without any of its logic.
"""

import os

import streamlit as st

elements = int(os.environ.get("BENCH_BARE_ELEMENTS", "0"))
if not elements:
    st.write("Bonjour")
for i in range(elements):
    st.markdown(f"Ligne **{i}** d'une leçon, avec un peu de texte pour lui donner une taille ordinaire.")
