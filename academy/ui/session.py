"""The signed-in account of a browser session: token in session state and in an HttpOnly cookie.

Right after sign-in the page asks the server for a one-time ticket and has the browser post it to
``/auth/session`` (academy/ui/server.py), which answers with the token in an HttpOnly cookie; Streamlit
reads that cookie back from the WebSocket handshake (``st.context.cookies``) on a refresh or a new tab.
Page JavaScript only ever holds the 30-second, single-use ticket, never the session token.
"""

from __future__ import annotations

import os

import streamlit as st

from academy.accounts import auth, sso
from academy.accounts.auth import Account
from academy.i18n import DEFAULT_LOCALE, LOCALES

from .resources import engine

COOKIE = "academy_session"
COOKIE_MAX_AGE = 30 * 24 * 3600  # seconds; the server-side session expires at the same time
_TOKEN = "auth_token"
_PENDING_COOKIE = "pending_cookie"
SSO_ERROR = "sso_error"
SSO_SIGN_OUT = "sso_sign_out"
TRUSTED_PROXIES_ENV = "ACADEMY_TRUSTED_PROXIES"  # comma-separated addresses of reverse proxies to believe


def current_account() -> Account | None:
    """The account whose valid token this browser holds (session state first, then the cookie)."""
    token = st.session_state.get(_TOKEN) or _cookie_token()
    account = auth.account_for_token(engine(), token) if token else None
    if account is None:
        st.session_state.pop(_TOKEN, None)
        return _single_sign_on()
    if _TOKEN not in st.session_state:
        st.session_state[_TOKEN] = token
        st.session_state.setdefault("locale", account.locale)
    return account


def rerun_page_unless_signed_in(account_id: int) -> None:
    """In a fragment's own rerun, which skips the page's guard: when this browser's session no longer signs
    in `account_id` (signed out in another tab, revoked, expired, erased), rerun the whole page, whose guard
    then refuses it."""
    account = auth.account_for_token(engine(), current_token())
    if account is None or account.id != account_id:
        st.rerun(scope="app")


def sso_configured() -> bool:
    """True when ``[auth]`` in secrets.toml configures an OpenID Connect provider for ``st.login``."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or an unreadable one: no SSO
        return False


def _single_sign_on() -> Account | None:
    """The local account of the identity Streamlit's ``st.login`` established, with a session of ours."""
    if not sso_configured() or not st.user.is_logged_in or st.session_state.get(SSO_SIGN_OUT):
        return None
    try:
        account = sso.account_for_identity(engine(), sso.Identity.from_claims(st.user.to_dict()))
    except sso.IdentityError as err:
        st.session_state[SSO_ERROR] = err.code
        return None
    start_session(account)
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
    for token in {st.session_state.pop(_TOKEN, None), _cookie_token()} - {None}:
        auth.revoke_session(engine(), token)
    st.session_state[_PENDING_COOKIE] = ""
    if sso_configured() and st.user.is_logged_in:
        st.session_state[SSO_SIGN_OUT] = True


def is_https(url: str, forwarded_proto: str | None = None) -> bool:
    """True when the browser reached the app over HTTPS (directly or through a TLS-terminating proxy)."""
    return url.startswith("https://") or (forwarded_proto or "").split(",")[0].strip().lower() == "https"


def write_pending_cookie() -> None:
    """Have the browser fetch (or clear) the HttpOnly session cookie after a sign-in or sign-out, once."""
    if _PENDING_COOKIE not in st.session_state:
        return
    token = st.session_state.pop(_PENDING_COOKIE)
    if token:
        ticket = auth.issue_ticket(engine(), token)
        # The ticket is URL-safe base64: it needs no escaping inside the JavaScript string.
        request = f"{{method: 'POST', credentials: 'same-origin', body: JSON.stringify({{ticket: '{ticket}'}})}}"
    else:
        request = "{method: 'DELETE', credentials: 'same-origin'}"
    st.html(f"<script>fetch('/auth/session', {request});</script>", unsafe_allow_javascript=True)
    if st.session_state.pop(SSO_SIGN_OUT, False):
        st.logout()  # also end the provider's identity cookie, or the next run would sign in again


LOOPBACK = "127.0.0.1"


def client_address() -> str:
    """The browser's address as seen through the trusted proxies (``ACADEMY_TRUSTED_PROXIES``)."""
    trusted = {address.strip() for address in os.environ.get(TRUSTED_PROXIES_ENV, "").split(",") if address.strip()}
    return resolve_client(st.context.ip_address, st.context.headers.get("X-Forwarded-For"), trusted)


def resolve_client(peer: object, forwarded_for: object, trusted: set[str]) -> str:
    """The client address: the peer, or the proxy's ``X-Forwarded-For`` when the peer is a trusted proxy.

    Streamlit gives no peer for loopback (``127.0.0.1``, also a proxy on the same machine). The right-most
    forwarded address that is not itself a trusted proxy is the client: earlier entries can be forged.
    """
    address = peer if isinstance(peer, str) and peer else LOOPBACK
    if address not in trusted:
        return address
    forwarded = [a.strip() for a in forwarded_for.split(",") if a.strip()] if isinstance(forwarded_for, str) else []
    for hop in reversed(forwarded):
        if hop not in trusted:
            return hop
    return address
