"""Sign-in and sign-up forms. Checks run in the submit callback; errors show under their field."""

from __future__ import annotations

import math

import streamlit as st

from academy.accounts import auth, invitations, mail
from academy.accounts.professions import PROFESSIONS
from academy.i18n import t

from .address import public_base_url
from .password_forms import forgot_password_form
from .resources import engine
from .session import SSO_ERROR, client_address, sso_configured, start_session

_SIGN_IN_ERROR = "sign_in_error"
_SIGN_UP_ERRORS = "sign_up_errors"
_SIGN_UP_SENT = "sign_up_sent"


def _sign_in(locale: str) -> None:
    state = st.session_state
    try:
        account = auth.authenticate(engine(), state["si_email"], state["si_password"], client=client_address())
    except auth.ThrottledError as err:
        state[_SIGN_IN_ERROR] = t("auth.throttled", locale, minutes=max(1, math.ceil(err.retry_after_seconds / 60)))
        return
    except auth.SignInError:
        state[_SIGN_IN_ERROR] = t("auth.bad_credentials", locale)
        return
    state.pop(_SIGN_IN_ERROR, None)
    state["si_password"] = ""
    start_session(account)


def single_sign_on(locale: str) -> None:
    """« Se connecter avec mon établissement » (``st.login``), only when an OIDC provider is configured."""
    if not sso_configured():
        return
    if code := st.session_state.get(SSO_ERROR):
        st.error(t(f"sso.{code}", locale), icon=":material/error:")
        if st.button(t("auth.sso_sign_out", locale), key="sso_sign_out"):
            st.session_state.pop(SSO_ERROR, None)
            st.logout()
        return
    if st.button(t("auth.sso", locale), icon=":material/account_balance:", type="primary", key="sso_sign_in"):
        st.login()
    st.caption(t("auth.sso_or", locale))


def sign_in_form(locale: str) -> None:
    """Email and password; a generic message on failure (no account enumeration); « Mot de passe oublié ? »."""
    single_sign_on(locale)
    with st.form("sign_in"):
        st.text_input(t("auth.email", locale), key="si_email", autocomplete="email")
        st.text_input(t("auth.password", locale), key="si_password", type="password",
                      autocomplete="current-password")
        if error := st.session_state.get(_SIGN_IN_ERROR):
            st.error(error, icon=":material/error:")
        st.form_submit_button(t("auth.sign_in", locale), type="primary", on_click=_sign_in, args=(locale,))
    with st.expander(t("password.forgot", locale), icon=":material/key:"):
        forgot_password_form(locale)


def _sign_up_by_mail(locale: str) -> None:
    state = st.session_state
    try:
        invitations.sign_up_by_mail(
            engine(), email=state["su_email"], name=state["su_name"], profession=state["su_profession"],
            rpps=state["su_rpps"].strip() or None, locale=locale, base_url=public_base_url(),
        )
    except auth.SignUpError as err:
        state[_SIGN_UP_ERRORS] = err.errors
        return
    mail.kick(engine())
    state.pop(_SIGN_UP_ERRORS, None)
    state[_SIGN_UP_SENT] = True


def _sign_up(locale: str) -> None:
    state = st.session_state
    errors: dict[str, str] = {}
    if state["su_password"] != state["su_password2"]:
        errors["password2"] = t("auth.passwords_differ", locale)
    try:
        if errors:
            raise auth.SignUpError(errors)
        account = auth.sign_up(
            engine(), email=state["su_email"], name=state["su_name"], profession=state["su_profession"],
            password=state["su_password"], rpps=state["su_rpps"].strip() or None, locale=locale,
        )
    except auth.SignUpError as err:
        state[_SIGN_UP_ERRORS] = {**err.errors, **errors}
        return
    state.pop(_SIGN_UP_ERRORS, None)
    state["su_password"] = state["su_password2"] = ""
    start_session(account)


def sign_up_form(locale: str) -> None:
    """Account creation with every error shown under its own field."""
    if not auth.get_setting(engine(), "self_signup"):
        st.info(t("auth.sign_up_closed", locale), icon=":material/lock:")
        return
    errors: dict[str, str] = st.session_state.get(_SIGN_UP_ERRORS, {})
    by_mail = mail.mail_enabled()  # then the answer must not tell whether the address has an account
    if by_mail and st.session_state.pop(_SIGN_UP_SENT, False):
        st.success(t("auth.sign_up_sent", locale), icon=":material/mark_email_read:")
        return

    def field_error(name: str) -> None:
        if name in errors:
            st.error(errors[name], icon=":material/error:")

    with st.form("sign_up"):
        st.text_input(t("auth.email", locale), key="su_email", autocomplete="email")
        field_error("email")
        st.text_input(t("auth.name", locale), key="su_name", autocomplete="name")
        field_error("name")
        st.selectbox(t("auth.profession", locale), PROFESSIONS, key="su_profession",
                     format_func=lambda code: t(f"profession.{code}", locale), placeholder=t("choose.one", locale))
        field_error("profession")
        st.text_input(t("auth.rpps", locale), key="su_rpps", help=t("auth.rpps_help", locale), max_chars=11)
        field_error("rpps")
        if by_mail:
            st.caption(t("auth.sign_up_by_mail", locale))
        else:
            st.text_input(t("auth.password", locale), key="su_password", type="password",
                          help=t("auth.password_help", locale), autocomplete="new-password")
            field_error("password")
            st.text_input(t("auth.password_again", locale), key="su_password2", type="password",
                          autocomplete="new-password")
            field_error("password2")
        field_error("form")
        st.form_submit_button(t("auth.sign_up", locale), type="primary",
                              on_click=_sign_up_by_mail if by_mail else _sign_up, args=(locale,))
