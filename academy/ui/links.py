"""The platform's public address for links built by pages (mails, copied invitation links)."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import streamlit as st

from .resources import PROJECT_ROOT

BASE_URL_ENV = "ACADEMY_BASE_URL"
FALLBACK = "http://localhost:8501"


def _page_names() -> set[str]:
    """The URL names Streamlit gives the pages (``pages/14_password.py`` → ``password``)."""
    return {re.sub(r"^[0-9]+_", "", path.stem) for path in (PROJECT_ROOT / "pages").glob("*.py")}


def public_base_url() -> str:
    """``ACADEMY_BASE_URL`` when set, else the address the browser uses (``st.context.url`` without the page)."""
    configured = os.environ.get(BASE_URL_ENV, "").strip().rstrip("/")
    if configured:
        return configured
    url = st.context.url
    if not url:
        return FALLBACK
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] in _page_names():
        segments.pop()
    path = "/".join(segments)
    return f"{parts.scheme}://{parts.netloc}" + (f"/{path}" if path else "")
