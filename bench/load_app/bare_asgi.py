"""The anchor served the way the app is (`st.App` under `streamlit run`, the same collector settings)."""

import os

import streamlit as st

if os.environ.get("ACADEMY_GC_FREEZE", "1") != "0":  # as asgi.py does after its imports
    import gc

    gc.collect()
    gc.freeze()

app = st.App("bare.py")
