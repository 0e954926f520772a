"""The load benchmark's anchor: a bare Streamlit script (DESIGN §6, bench/load_bench.py)."""

import streamlit as st

st.write("Bonjour")
