"""Admin page sections: mail status, pending invitations, the accounts (search, filters, pages, roles, passwords)."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from academy.accounts import auth, directory, invitations, mail
from academy.accounts.auth import Account
from academy.accounts.invitations import InvitationLink
from academy.accounts.roles import ROLES

from .address import public_base_url
from .guard import Viewer
from .my_data import escape_markdown
from .password_forms import show_links
from .resources import engine

_LINKS = "admin_links"
_FLASH = "admin_mail_flash"
_ERRORS = "admin_password_errors"
_PENDING_ROLES = "admin_pending_roles"  # account id → the roles chosen, awaiting confirmation
_ROLE_MESSAGES = "admin_role_messages"  # account id → (saved?, message), shown in the account's box
_PAGE = "admin_page"


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


def _ask_roles(viewer: Viewer, other: Account) -> None:
    """The form's submit: a change of roles waits for its confirmation (nothing is written yet)."""
    chosen = sorted(st.session_state.get(f"roles_{other.id}") or [])
    st.session_state.pop(_ROLE_MESSAGES, None)
    if set(chosen) == set(other.roles):
        st.session_state.pop(_PENDING_ROLES, None)
        st.session_state[_ROLE_MESSAGES] = {other.id: (None, viewer.t("admin.roles_unchanged"))}
    else:
        st.session_state[_PENDING_ROLES] = {other.id: chosen}


def _cancel_roles() -> None:
    st.session_state.pop(_PENDING_ROLES, None)


def _save_roles(viewer: Viewer, other: Account, chosen: list[str]) -> None:
    st.session_state.pop(_PENDING_ROLES, None)
    try:
        auth.set_roles(engine(), actor_id=viewer.account.id, account_id=other.id, roles=chosen)
    except auth.RoleError as err:
        st.session_state[_ROLE_MESSAGES] = {other.id: (False, " ".join(err.errors.values()))}
    except LookupError:  # erased meanwhile
        st.session_state[_ROLE_MESSAGES] = {other.id: (False, viewer.t("admin.account_gone"))}
    else:
        st.session_state[_ROLE_MESSAGES] = {other.id: (True, viewer.t("admin.roles_saved"))}


def _roles_text(viewer: Viewer, roles: list[str] | frozenset[str]) -> str:
    return ", ".join(viewer.t(f"role.{role}") for role in sorted(roles)) or viewer.t("admin.no_role")


def _first_page() -> None:
    st.session_state[_PAGE] = 1


def _turn(step: int) -> None:
    st.session_state[_PAGE] = st.session_state.get(_PAGE, 1) + step


def _account_box(viewer: Viewer, entry: directory.Entry) -> None:
    """One account: name, email, status; its roles (pills, no « select all ») and password actions."""
    other = entry.account
    with st.container(border=True):
        status = viewer.t(f"admin.status.{entry.status}")
        st.markdown(f"**{escape_markdown(other.name)}** · {escape_markdown(other.email)} — {status}")
        if entry.status == "erased":
            return
        with st.form(f"roles_form_{other.id}", border=False):
            st.pills(viewer.t("admin.roles"), ROLES, selection_mode="multi", default=sorted(other.roles),
                     format_func=lambda role: viewer.t(f"role.{role}"), key=f"roles_{other.id}")
            st.form_submit_button(viewer.t("admin.save_roles"), on_click=_ask_roles, args=(viewer, other))
        pending = st.session_state.get(_PENDING_ROLES, {}).get(other.id)
        if pending is not None:  # Roles grant access to personal data: a change is confirmed first
            st.warning(viewer.t("admin.roles_confirm", name=escape_markdown(other.name),
                                before=_roles_text(viewer, other.roles), after=_roles_text(viewer, pending)),
                       icon=":material/admin_panel_settings:")
            confirm_col, cancel_col, _ = st.columns([2, 1, 2])
            confirm_col.button(viewer.t("admin.roles_confirm_button"), key=f"roles_confirm_{other.id}", type="primary",
                               on_click=_save_roles, args=(viewer, other, pending))
            cancel_col.button(viewer.t("admin.roles_cancel"), key=f"roles_cancel_{other.id}", on_click=_cancel_roles)
        saved, message = st.session_state.get(_ROLE_MESSAGES, {}).get(other.id, (None, ""))
        if saved is True:
            st.success(message, icon=":material/check:")
        elif saved is False:
            st.error(message, icon=":material/error:")
        elif message:
            st.info(message, icon=":material/info:")
        password_actions(viewer, other)


def accounts_section(viewer: Viewer) -> None:
    """Find accounts by name or email, role and status; a page of 50 at a time, with the counts."""
    t = viewer.t
    st.subheader(t("admin.users"))
    search_col, role_col, status_col = st.columns([2, 1, 1])
    search = search_col.text_input(t("admin.search"), key="admin_search", placeholder=t("admin.search_placeholder"),
                                   on_change=_first_page)
    # One widget per language: Streamlit 1.67 keeps a select box's choice as its displayed label, so after a
    # language switch the browser went on showing « Tous les rôles »; « All » is "" (None is « nothing selected »).
    role = role_col.selectbox(t("admin.role_filter"), ["", *ROLES], key=f"admin_role:{viewer.locale}",
                              on_change=_first_page,
                              format_func=lambda r: t(f"role.{r}") if r else t("admin.all_roles"),
                              placeholder=t("choose.one")) or None
    status = status_col.selectbox(t("admin.status_filter"), ["", *directory.STATUSES],
                                  key=f"admin_status:{viewer.locale}",
                                  format_func=lambda s: t(f"admin.status.{s}") if s else t("admin.all_statuses"),
                                  on_change=_first_page, placeholder=t("choose.one")) or None
    found = directory.find_accounts(engine(), search=search, role=role, status=status,
                                    page=st.session_state.get(_PAGE, 1))
    st.session_state[_PAGE] = found.page
    shown = len(found.entries)
    filtered = bool(search.strip()) or role is not None or status is not None
    if filtered:
        st.markdown(t("admin.count_matching", total=found.total, matching=found.matching, shown=shown))
    else:
        st.markdown(t("admin.count", total=found.total, shown=shown))
    if not found.entries:
        st.caption(t("admin.no_user"))
        return
    for entry in found.entries:
        _account_box(viewer, entry)
    if found.pages > 1:
        previous_col, where_col, next_col = st.columns([1, 2, 1], vertical_alignment="center")
        previous_col.button(t("admin.previous"), key="admin_previous", icon=":material/chevron_left:",
                            disabled=found.page == 1, on_click=_turn, args=(-1,))
        where_col.markdown(t("admin.page_of", page=found.page, pages=found.pages, first=found.first,
                             last=found.first + shown - 1))
        next_col.button(t("admin.next"), key="admin_next", icon=":material/chevron_right:",
                        disabled=found.page == found.pages, on_click=_turn, args=(1,))
