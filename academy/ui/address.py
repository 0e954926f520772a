"""The platform's public address as a page sees it: ``ACADEMY_BASE_URL``, else the browser's origin.

Attestations issued from a page print this address (QR code and URL), mailed and copied links (invitations,
resets) start with it, and xAPI exports build their identifiers on it. ``st.context.url`` is the address the
browser used: its origin (``scheme://host[:port]``) and the sub-path the app is served under are kept, the
page's own name dropped. The Admin page shows the address in use (:func:`public_address_panel`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import streamlit as st

from academy import settings

from .guard import Viewer
from .resources import PROJECT_ROOT
from .text import escape_markdown


def origin(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL (no user, path, query); None for anything else."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        return None
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def _page_names() -> set[str]:
    """The URL names Streamlit gives the pages (``pages/14_password.py`` → ``password``)."""
    return {re.sub(r"^[0-9]+_", "", path.stem) for path in (PROJECT_ROOT / "pages").glob("*.py")}


def app_address(url: str | None) -> str | None:
    """The app's address in a page URL: its origin and sub-path, without the page name, query or fragment."""
    base = origin(url)
    if base is None:
        return None
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    if segments and segments[-1] in _page_names():
        segments.pop()
    return base + "".join(f"/{segment}" for segment in segments)


def public_base_url() -> str | None:
    """``ACADEMY_BASE_URL`` when set, else the app's address in the browser; None when neither is known."""
    return settings.base_url() or app_address(st.context.url)


def public_address_panel(viewer: Viewer) -> None:
    """Admin: the public address in use, where it comes from, and a warning when it is local."""
    configured = settings.base_url()
    address = configured or app_address(st.context.url)
    st.subheader(viewer.t("address.title"))
    if address is None:
        st.error(viewer.t("address.unknown"), icon=":material/link_off:")
        return
    source = "address.from_setting" if configured else "address.from_browser"
    st.markdown(viewer.t(source, url=escape_markdown(address)))  # the browser's Host header is client input
    if settings.is_local(address):
        st.warning(viewer.t("address.local"), icon=":material/warning:")
    elif not configured:
        st.info(viewer.t("address.set_it"), icon=":material/info:")
