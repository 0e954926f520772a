"""The app served with its server routes: `streamlit run asgi.py` (what `make run` does) or any ASGI server.

`st.App` wraps app.py (and pages/) in a Starlette application that adds the routes of
academy/ui/server.py: `/healthz` and `/auth/session` (the HttpOnly session cookie).
"""

import streamlit as st

from academy.ui.server import ROUTES

app = st.App("app.py", routes=ROUTES)
