"""The Profile page's sections (pages/15_profile.py): identity and language, password, sign-in sessions.

Checks run in the forms' callbacks (:mod:`academy.accounts.profile`); errors show under their field and
confirmations above the sections on the next run (:func:`show_flash`).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import streamlit as st

from academy.accounts import auth, profile
from academy.accounts.professions import PROFESSIONS
from academy.i18n import LOCALES

from .guard import Viewer
from .resources import engine
from .session import current_token
from .text import escape_markdown
from .widgets import relabel

LANGUAGES = {"fr": "Français", "en": "English"}
DEFAULT_TIMEZONE = "Europe/Paris"
_FLASH = "profile_flash"
_IDENTITY_ERRORS = "profile_errors"
_PASSWORD_ERRORS = "password_errors"


def show_flash(viewer: Viewer) -> None:
    """The confirmation left by the last form, if any."""
    if flash := st.session_state.pop(_FLASH, None):
        key, values = flash
        st.success(viewer.t(key, **values), icon=":material/check:")


def _field_error(errors_key: str, field: str) -> None:
    if message := st.session_state.get(errors_key, {}).get(field):
        st.error(message, icon=":material/error:")


# --- identity and language -----------------------------------------------------------------------------


def _save_identity(account_id: int) -> None:
    state = st.session_state
    try:
        account = profile.update_profile(
            engine(), account_id, name=state["profile_name"], profession=state["profile_profession"],
            rpps=state["profile_rpps"].strip() or None, locale=state["profile_locale"],
        )
    except auth.AccountError as err:
        state[_IDENTITY_ERRORS] = err.errors
        return
    state.pop(_IDENTITY_ERRORS, None)
    state["profile_name"], state["profile_rpps"] = account.name, account.rpps or ""  # as stored
    state["locale"] = state["locale_switch"] = account.locale  # this page, now; the next sign-ins, stored
    state[_FLASH] = ("profile.saved", {})


def identity_form(viewer: Viewer) -> None:
    """Name, profession, RPPS and language (the e-mail address and roles are shown, not edited here)."""
    account = viewer.account
    assert account is not None
    state = st.session_state
    if state.get("profile_of") != account.id:  # first visit, or another account signed in on this browser tab
        state["profile_of"] = account.id
        state["profile_name"], state["profile_profession"] = account.name, account.profession
        state["profile_rpps"] = account.rpps or ""
        state["profile_locale"] = account.locale if account.locale in LOCALES else LOCALES[0]
        for stale in (_IDENTITY_ERRORS, _PASSWORD_ERRORS, "pw_current", "pw_new", "pw_new2"):
            state.pop(stale, None)
    professions = list(dict.fromkeys([*PROFESSIONS, account.profession, state["profile_profession"]]))

    def profession_label(code: str) -> str:
        return viewer.t(f"profession.{code}") if code in PROFESSIONS else code or "—"

    st.subheader(viewer.t("profile.identity"))
    roles = ", ".join(viewer.t(f"role.{role}") for role in sorted(account.roles))
    st.caption(viewer.t("profile.account", email=escape_markdown(account.email), roles=roles))
    with st.form("profile_identity"):
        st.text_input(viewer.t("auth.name"), key="profile_name", max_chars=200, autocomplete="name")
        _field_error(_IDENTITY_ERRORS, "name")
        relabel("profile_profession", viewer.locale)
        st.selectbox(viewer.t("auth.profession"), professions, key="profile_profession", format_func=profession_label,
                     placeholder=viewer.t("choose.one"))
        _field_error(_IDENTITY_ERRORS, "profession")
        st.text_input(viewer.t("auth.rpps"), key="profile_rpps", max_chars=11, help=viewer.t("auth.rpps_help"))
        _field_error(_IDENTITY_ERRORS, "rpps")
        st.selectbox(viewer.t("profile.language"), LOCALES, key="profile_locale", format_func=LANGUAGES.get,
                     help=viewer.t("profile.language_help"), placeholder=viewer.t("choose.one"))
        _field_error(_IDENTITY_ERRORS, "locale")
        st.form_submit_button(viewer.t("profile.save"), type="primary", icon=":material/save:",
                              on_click=_save_identity, args=(account.id,))


# --- password ------------------------------------------------------------------------------------------


def _change_password(viewer: Viewer, account_id: int) -> None:
    state = st.session_state
    if state["pw_new"] != state["pw_new2"]:
        state[_PASSWORD_ERRORS] = {"password2": viewer.t("auth.passwords_differ")}
        return
    try:
        others = profile.change_password(engine(), account_id, current_password=state["pw_current"],
                                         new_password=state["pw_new"], keep_token=current_token())
    except auth.AccountError as err:
        state[_PASSWORD_ERRORS] = err.errors
        return
    state.pop(_PASSWORD_ERRORS, None)
    state["pw_current"] = state["pw_new"] = state["pw_new2"] = ""
    state[_FLASH] = ("profile.password_changed", {"n": others})


def password_form(viewer: Viewer) -> None:
    """The current password, then the new one twice; other sessions are signed out when it changes."""
    account = viewer.account
    assert account is not None
    st.subheader(viewer.t("profile.password"))
    with st.form("profile_password"):
        st.text_input(viewer.t("profile.current_password"), key="pw_current", type="password",
                      autocomplete="current-password")
        _field_error(_PASSWORD_ERRORS, "current_password")
        st.text_input(viewer.t("profile.new_password"), key="pw_new", type="password", autocomplete="new-password",
                      help=viewer.t("auth.password_help"))
        _field_error(_PASSWORD_ERRORS, "password")
        st.text_input(viewer.t("auth.password_again"), key="pw_new2", type="password", autocomplete="new-password")
        _field_error(_PASSWORD_ERRORS, "password2")
        st.form_submit_button(viewer.t("profile.change_password"), type="primary", icon=":material/key:",
                              on_click=_change_password, args=(viewer, account.id))


# --- sign-in sessions ----------------------------------------------------------------------------------


def _local_time(moment: datetime | None, viewer: Viewer) -> str:
    if moment is None:
        return ""
    try:
        zone = ZoneInfo(st.context.timezone or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIMEZONE)
    return moment.astimezone(zone).strftime(viewer.t("cohorts.date_format") + " %H:%M")


def _sign_out_elsewhere(account_id: int) -> None:
    revoked = profile.sign_out_everywhere_else(engine(), account_id, keep_token=current_token())
    st.session_state[_FLASH] = ("profile.signed_out_elsewhere", {"n": revoked})


def sessions_section(viewer: Viewer) -> None:
    """The account's active sessions (this browser marked) and « sign out everywhere else »."""
    account = viewer.account
    assert account is not None
    st.subheader(viewer.t("profile.sessions"))
    st.caption(viewer.t("profile.sessions_help"))
    sessions = profile.active_sessions(engine(), account.id, current_token=current_token())
    st.dataframe(pd.DataFrame({
        viewer.t("profile.col_created"): [_local_time(s.created_at, viewer) for s in sessions],
        viewer.t("profile.col_last_seen"): [_local_time(s.last_seen_at, viewer) for s in sessions],
        viewer.t("profile.col_this_browser"): [viewer.t("profile.this_browser") if s.current else ""
                                               for s in sessions],
    }), hide_index=True, width="stretch")
    others = sum(1 for s in sessions if not s.current)
    st.caption(viewer.t("profile.other_sessions", n=others))
    st.button(viewer.t("profile.sign_out_elsewhere"), icon=":material/devices_off:", disabled=not others,
              on_click=_sign_out_elsewhere, args=(account.id,), key="sign_out_elsewhere")
