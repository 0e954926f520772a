"""Forgotten password, choosing a password from an invitation or reset link, reminder unsubscription, and the
links shown to administrators and coordinators when mail is not configured."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from academy.accounts import auth, invitations, mail, tokens
from academy.accounts.invitations import InvitationLink
from academy.coordination import reminders
from academy.i18n import t

from .address import public_base_url
from .my_data import escape_markdown
from .resources import engine
from .session import start_session

HOME = "app.py"
_DONE = "password_done"
_ERRORS = "password_errors"


# --- « Mot de passe oublié ? » -------------------------------------------------------------------------------


def _request_reset(locale: str, key: str) -> None:
    state = st.session_state
    email = state.get(f"{key}_email", "").strip()
    if not email:
        state[f"{key}_answer"] = "password.forgot_empty"
        return
    if mail.mail_enabled():
        if invitations.request_reset(engine(), email, base_url=public_base_url()):
            mail.kick(engine())
        state[f"{key}_answer"] = "password.forgot_sent"  # the same answer whether the address exists or not
    else:
        state[f"{key}_answer"] = "password.forgot_no_mail"
    state[f"{key}_email"] = ""


def forgot_password_form(locale: str, key: str = "forgot") -> None:
    """An address field; the answer never tells whether an account has it."""
    with st.form(key):
        st.text_input(t("auth.email", locale), key=f"{key}_email", autocomplete="email")
        st.form_submit_button(t("password.forgot_submit", locale), on_click=_request_reset, args=(locale, key))
    answer = st.session_state.get(f"{key}_answer")
    if answer == "password.forgot_sent":
        st.success(t(answer, locale), icon=":material/mail:")
    elif answer == "password.forgot_empty":
        st.error(t(answer, locale), icon=":material/error:")
    elif answer:
        st.info(t(answer, locale), icon=":material/info:")


# --- the password page (pages/14_password.py) ----------------------------------------------------------------


def _complete(token: str, locale: str) -> None:
    state = st.session_state
    if state["new_password"] != state["new_password2"]:
        state[_ERRORS] = {"password2": t("auth.passwords_differ", locale)}
        return
    try:
        account = invitations.complete(engine(), token, state["new_password"])
    except invitations.LinkError as err:
        state[_ERRORS] = {"link": t(f"password.link_{err.status}", locale)}
        return
    except auth.AccountError as err:
        state[_ERRORS] = err.errors
        return
    state.pop(_ERRORS, None)
    state["new_password"] = state["new_password2"] = ""
    start_session(account)  # a used link signs the person in (its other sessions were revoked)
    state[_DONE] = True
    st.query_params.clear()


def password_page(locale: str) -> None:
    """Choose a password from a link (``?token=``), or ask for a new link."""
    state = st.session_state
    if state.get(_DONE):
        st.title(t("password.done_title", locale))
        st.success(t("password.done", locale), icon=":material/check_circle:")
        st.page_link(HOME, label=t("guard.go_home", locale), icon=":material/home:")
        return
    token = st.query_params.get("token", "")
    if not token:
        st.title(t("password.forgot_title", locale))
        st.markdown(t("password.forgot_intro", locale))
        forgot_password_form(locale, key="forgot_page")
        return
    check = invitations.check_link(engine(), token)
    errors: dict[str, str] = state.get(_ERRORS, {})
    if not check.valid or "link" in errors:
        st.title(t("password.link_title", locale))
        st.error(errors.get("link") or t(f"password.link_{check.status}", locale), icon=":material/link_off:")
        st.subheader(t("password.new_link", locale))
        forgot_password_form(locale, key="forgot_page")
        st.page_link(HOME, label=t("password.go_sign_in", locale), icon=":material/login:")
        return
    invited = check.purpose == tokens.INVITATION
    st.title(t("password.invitation_title" if invited else "password.reset_title", locale))
    st.markdown(t("password.account", locale, email=escape_markdown(check.email)))
    with st.form("set_password"):
        st.text_input(t("auth.password", locale), key="new_password", type="password",
                      help=t("auth.password_help", locale), autocomplete="new-password")
        if "password" in errors:
            st.error(errors["password"], icon=":material/error:")
        st.text_input(t("auth.password_again", locale), key="new_password2", type="password",
                      autocomplete="new-password")
        if "password2" in errors:
            st.error(errors["password2"], icon=":material/error:")
        st.form_submit_button(t("password.submit", locale), type="primary", on_click=_complete,
                              args=(token, locale))


# --- the unsubscribe page (pages/15_unsubscribe.py) ---------------------------------------------------------


def _unsubscribe(token: str, stop: bool) -> None:
    (reminders.unsubscribe if stop else reminders.resubscribe)(engine(), token)


def unsubscribe_page(locale: str) -> None:
    """Stop (or resume) due-date reminders from a reminder mail's link, with one click."""
    st.title(t("unsubscribe.title", locale))
    token = st.query_params.get("token", "")
    check = reminders.check_unsubscribe(engine(), token)
    if not check.valid:
        st.error(t("unsubscribe.invalid", locale), icon=":material/link_off:")
        return
    assert check.user_id is not None
    address = escape_markdown(check.email)
    if reminders.is_unsubscribed(engine(), check.user_id):
        st.success(t("unsubscribe.done", locale, email=address), icon=":material/notifications_off:")
        st.button(t("unsubscribe.resume", locale), on_click=_unsubscribe, args=(token, False), key="resume")
    else:
        st.markdown(t("unsubscribe.confirm", locale, email=address))
        st.button(t("unsubscribe.stop", locale), type="primary", on_click=_unsubscribe, args=(token, True),
                  key="stop", icon=":material/notifications_off:")


# --- links to pass on when mail is off ---------------------------------------------------------------------


def show_links(locale: str, links: Sequence[InvitationLink]) -> None:
    """Invitation/reset links that were not mailed, each with a copy button, and why they are shown."""
    shown = [item for item in links if item.link]
    if not shown:
        return
    st.info(t("links.mail_off", locale), icon=":material/content_copy:")
    for item in shown:
        st.markdown(t(f"links.{item.purpose}", locale, name=escape_markdown(item.name),
                      email=escape_markdown(item.email)))
        st.code(item.link, language=None)


def sent_message(locale: str, links: Sequence[InvitationLink]) -> str | None:
    """A confirmation for links that were mailed (None when none was)."""
    mailed = [item for item in links if item.mailed]
    if not mailed:
        return None
    return t("links.mailed", locale, n=len(mailed))
