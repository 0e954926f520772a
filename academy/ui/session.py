"""The signed-in account of a browser session: token in session state and in a SameSite cookie."""

from __future__ import annotations

import streamlit as st

from academy.accounts import auth
from academy.accounts.auth import Account
from academy.i18n import DEFAULT_LOCALE, LOCALES

from .resources import engine

COOKIE = "academy_session"
COOKIE_MAX_AGE = 30 * 24 * 3600  # seconds; the server-side session expires at the same time
_TOKEN = "auth_token"
_PENDING_COOKIE = "pending_cookie"


def current_account() -> Account | None:
    """The account whose valid token this browser holds (session state first, then the cookie)."""
    token = st.session_state.get(_TOKEN) or _cookie_token()
    if not token:
        return None
    account = auth.account_for_token(engine(), token)
    if account is None:
        st.session_state.pop(_TOKEN, None)
        return None
    if _TOKEN not in st.session_state:
        st.session_state[_TOKEN] = token
        st.session_state.setdefault("locale", account.locale)
    return account


def current_token() -> str | None:
    """This browser's session token, as :func:`current_account` reads it (tells its session apart from others)."""
    return st.session_state.get(_TOKEN) or _cookie_token()


def _cookie_token() -> str | None:
    token = st.context.cookies.get(COOKIE)
    return token if isinstance(token, str) and token else None


def start_session(account: Account) -> None:
    """Open a server-side session for `account` and have the browser store its token."""
    token = auth.create_session(engine(), account.id)
    st.session_state[_TOKEN] = token
    st.session_state[_PENDING_COOKIE] = token
    st.session_state["locale"] = account.locale if account.locale in LOCALES else DEFAULT_LOCALE


def end_session() -> None:
    """Revoke this browser's session and clear its cookie."""
    token = st.session_state.pop(_TOKEN, None) or _cookie_token()
    if token:
        auth.revoke_session(engine(), token)
    st.session_state[_PENDING_COOKIE] = ""


def write_pending_cookie() -> None:
    """Send the cookie set (or cleared) by the last sign-in or sign-out to the browser, once."""
    if _PENDING_COOKIE not in st.session_state:
        return
    token = st.session_state.pop(_PENDING_COOKIE)
    secure = "; Secure" if str(st.context.url or "").startswith("https://") else ""
    max_age = COOKIE_MAX_AGE if token else 0
    # The token is URL-safe base64, so it needs no escaping inside the JavaScript string.
    st.html(
        f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age={max_age}; "
        f"SameSite=Strict{secure}';</script>",
        unsafe_allow_javascript=True,
    )
