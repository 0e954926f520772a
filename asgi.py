"""The app served with its server routes: `streamlit run asgi.py` (what `make run` does) or any ASGI server.

`st.App` wraps app.py (and pages/) in a Starlette application that adds the routes of
academy/ui/server.py: `/healthz` and `/auth/session` (the HttpOnly session cookie).

Before serving, the process imports every module the pages use and parses the curriculum, then moves
everything alive into the collector's permanent generation (`gc.freeze()`): the full collection that
Streamlit runs after each script run (`runner.postScriptGC`) then walks only what the runs create, not
the ~1 million objects of the libraries (docs/performance.md). `ACADEMY_GC_FREEZE=0` turns it off.
"""

import os

import streamlit as st

from academy.ui.server import ROUTES


def _warm_and_freeze() -> None:
    import gc
    import importlib
    import pkgutil

    import academy.ui
    from academy.ui.resources import catalog

    for module in pkgutil.iter_modules(academy.ui.__path__):
        importlib.import_module(f"academy.ui.{module.name}")
    catalog()
    gc.collect()
    gc.freeze()


if os.environ.get("ACADEMY_GC_FREEZE", "1") != "0":
    _warm_and_freeze()

app = st.App("app.py", routes=ROUTES)
