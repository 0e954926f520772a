"""Admin page sections: mail status, pending invitations, and password actions on any account."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from academy.accounts import auth, invitations, mail
from academy.accounts.auth import Account
from academy.accounts.invitations import InvitationLink

from .address import public_base_url
from .guard import Viewer
from .my_data import escape_markdown
from .password_forms import show_links
from .resources import engine

_LINKS = "admin_links"
_FLASH = "admin_mail_flash"
_ERRORS = "admin_password_errors"


def _deliver(viewer: Viewer, link: InvitationLink, sent_key: str) -> None:
    if link.mailed:
        mail.kick(engine())
        st.session_state[_FLASH] = viewer.t(sent_key, email=link.email)
    else:
        st.session_state[_LINKS] = [*st.session_state.get(_LINKS, []), link]


def _resend(viewer: Viewer, user_id: int) -> None:
    link = invitations.resend_invitation(engine(), user_id, base_url=public_base_url(), actor_id=viewer.account.id)
    _deliver(viewer, link, "admin.invitation_sent")


def _send_reset(viewer: Viewer, user_id: int) -> None:
    link = invitations.reset_link(engine(), user_id, base_url=public_base_url(), actor_id=viewer.account.id)
    _deliver(viewer, link, "admin.reset_sent")


def _set_password(viewer: Viewer, other: Account) -> None:
    state = st.session_state
    first, second = state[f"pw_{other.id}"], state[f"pw2_{other.id}"]
    if first != second:
        state[_ERRORS] = {other.id: viewer.t("auth.passwords_differ")}
        return
    try:
        invitations.set_password(engine(), other.id, first, actor_id=viewer.account.id)
    except auth.AccountError as err:
        state[_ERRORS] = {other.id: " ".join(err.errors.values())}
        return
    state.pop(_ERRORS, None)
    state[f"pw_{other.id}"] = state[f"pw2_{other.id}"] = ""
    state[_FLASH] = viewer.t("admin.password_saved", email=other.email)


def mail_section(viewer: Viewer) -> None:
    """Whether mail is configured (and the outbox's state); the links made while it is not, to copy."""
    st.subheader(viewer.t("admin.mail"))
    try:
        settings = mail.mail_settings()
    except mail.MailSettingsError as err:
        st.error(viewer.t("admin.mail_bad", error=escape_markdown(str(err))), icon=":material/error:")
        settings = None
    else:
        if settings is None:
            st.warning(viewer.t("admin.mail_off"), icon=":material/mail_lock:")
    if settings is not None:
        st.success(viewer.t("admin.mail_on", server=settings.display, sender=escape_markdown(settings.sender)),
                   icon=":material/mail:")
        status = mail.outbox_status(engine())
        st.caption(viewer.t("admin.outbox", pending=status.pending + status.sending, sent=status.sent,
                            failed=status.failed))
        if status.last_error and (status.failed or status.pending):
            st.warning(viewer.t("admin.outbox_error", error=escape_markdown(status.last_error)),
                       icon=":material/warning:")
    if flash := st.session_state.pop(_FLASH, None):
        st.success(flash, icon=":material/check:")
    if st.session_state.get(_LINKS):
        show_links(viewer.locale, st.session_state[_LINKS])
        st.button(viewer.t("links.dismiss"), key="dismiss_admin_links", icon=":material/visibility_off:",
                  on_click=lambda: st.session_state.pop(_LINKS, None))


def pending_invitations_section(viewer: Viewer) -> None:
    """Accounts that have not chosen a password yet, each with « Renvoyer l'invitation »."""
    st.subheader(viewer.t("admin.pending"))
    st.caption(viewer.t("admin.pending_help"))
    pending = invitations.pending_invitations(engine(), limit=100)
    if not pending:
        st.caption(viewer.t("admin.pending_none"))
    fmt = viewer.t("admin.password_date_format")
    now = datetime.now(UTC)
    for item in pending:
        if item.invited_at is None:
            when = viewer.t("admin.never_invited")
        elif item.expired(now):
            when = viewer.t("admin.invitation_expired", sent=item.invited_at.strftime(fmt))
        else:
            when = viewer.t("admin.invited_on", sent=item.invited_at.strftime(fmt),
                            expires=item.expires_at.strftime(fmt))
        name_col, button_col = st.columns([3, 1], vertical_alignment="center")
        name_col.markdown(f"**{escape_markdown(item.name)}** · {escape_markdown(item.email)} — {when}")
        button_col.button(viewer.t("admin.resend"), key=f"resend_{item.user_id}", icon=":material/forward_to_inbox:",
                          on_click=_resend, args=(viewer, item.user_id))


def password_actions(viewer: Viewer, other: Account) -> None:
    """Set or reset one account's password (an expander inside the account's box)."""
    with st.expander(viewer.t("admin.password"), icon=":material/key:"):
        with st.form(f"password_{other.id}", border=False):
            st.text_input(viewer.t("admin.password_new"), key=f"pw_{other.id}", type="password",
                          autocomplete="new-password", help=viewer.t("auth.password_help"))
            st.text_input(viewer.t("auth.password_again"), key=f"pw2_{other.id}", type="password",
                          autocomplete="new-password")
            error = st.session_state.get(_ERRORS, {}).get(other.id)
            if error:
                st.error(error, icon=":material/error:")
            st.form_submit_button(viewer.t("admin.password_set"), on_click=_set_password, args=(viewer, other))
        st.button(viewer.t("admin.send_reset"), key=f"reset_{other.id}", icon=":material/lock_reset:",
                  on_click=_send_reset, args=(viewer, other.id))
