"""The cohorts page's sections (pages/7_cohorts.py): create a cohort, choose one, members, CSV roster, modules,
managers.

Every section reads one :class:`CohortsContext`; the form and button callbacks receive it through their
``args`` and leave their message in the session for the next run (:func:`show_flash`). A coordinator sees
and changes only the cohorts they manage (every domain call passes the viewer); an admin sees them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from academy.accounts import mail
from academy.accounts.auth import Account
from academy.accounts.invitations import InvitationLink
from academy.accounts.professions import PROFESSIONS
from academy.content.catalog import Module
from academy.coordination import cohorts, roster_import
from academy.coordination.cohorts import CohortInfo
from academy.i18n import t as translate

from .address import public_base_url
from .guard import Viewer
from .password_forms import show_links
from .resources import catalog, engine
from .text import escape_markdown
from .widgets import relabel

_FLASH = "cohorts_flash"
_LINKS = "cohorts_links"  # invitation links to pass on (mail not configured), kept until dismissed
_REFUSED = "cohorts_refused"


@dataclass(frozen=True)
class CohortsContext:
    """What the cohorts page's sections read: the viewer and the catalogue's modules by id."""

    viewer: Viewer
    modules: dict[str, Module]

    def t(self, key: str, **values: object) -> str:
        """The interface string `key` in the viewer's locale."""
        return self.viewer.t(key, **values)

    @property
    def account(self) -> Account:
        """The signed-in coordinator: whose cohorts are shown and changed."""
        assert self.viewer.account is not None
        return self.viewer.account

    @property
    def actor_id(self) -> int:
        """The signed-in coordinator, recorded in the audit log."""
        return self.account.id

    def module_title(self, module_id: str) -> str:
        """A module's title, or its id when the catalogue no longer has it."""
        return self.modules[module_id].title if module_id in self.modules else module_id

    def profession_label(self, code: str) -> str:
        """A profession's name, or its code when it is not one of the known professions."""
        return self.t(f"profession.{code}") if code in PROFESSIONS else code


def cohorts_context(viewer: Viewer) -> CohortsContext:
    """The cohorts page's context for this run."""
    return CohortsContext(viewer, {module.id: module for module in catalog().modules})


def show_flash() -> None:
    """The confirmation (or refusal) left by the last callback, if any, and the invitation links to pass on."""
    if flash := st.session_state.pop(_FLASH, None):
        st.success(flash, icon=":material/check:")
    if refusal := st.session_state.pop(_REFUSED, None):
        st.error(refusal, icon=":material/error:")
    links = st.session_state.get(_LINKS)
    if links:
        locale = st.session_state.get("locale", "fr")
        show_links(locale, links)
        st.button(translate("links.dismiss", locale), key="dismiss_links", icon=":material/visibility_off:",
                  on_click=lambda: st.session_state.pop(_LINKS, None))


def _invited(links: list[InvitationLink]) -> None:
    """Wake the mail sender for mailed invitations; keep the others to show."""
    if any(link.mailed for link in links):
        mail.kick(engine())
    st.session_state[_LINKS] = [link for link in links if link.link]


def _show_error(ctx: CohortsContext, errors_key: str, field: str) -> None:
    """The message stored by a form callback for `field`, under that field."""
    key = st.session_state.get(errors_key, {}).get(field)
    if key:
        st.error(ctx.t(key), icon=":material/error:")


def _confirm_buttons(ctx: CohortsContext, pending_key: str, keys: tuple[str, str], on_confirm: Callable[..., None],
                     args: tuple[object, ...]) -> None:
    """Confirm (runs `on_confirm`) and cancel (forgets `pending_key`) side by side."""
    confirm_col, cancel_col = st.columns(2)
    confirm_col.button(ctx.t("cohorts.confirm"), type="primary", key=keys[0], on_click=on_confirm, args=args)
    cancel_col.button(ctx.t("cohorts.cancel"), key=keys[1], on_click=lambda: st.session_state.pop(pending_key, None))


# --- create and choose a cohort ------------------------------------------------------------------------


def _create_cohort(ctx: CohortsContext) -> None:
    state = st.session_state
    try:
        cohort = cohorts.create_cohort(engine(), state["new_cohort_name"], description=state["new_cohort_description"],
                                       actor_id=ctx.actor_id)
    except cohorts.CohortError as err:
        state["create_errors"] = err.errors
        return
    state.pop("create_errors", None)
    state["new_cohort_name"] = state["new_cohort_description"] = ""
    state["cohort_id"] = cohort.id
    state[_FLASH] = ctx.t("cohorts.created", name=escape_markdown(cohort.name))


def create_cohort_form(ctx: CohortsContext) -> list[CohortInfo]:
    """The form that creates a cohort (open when there is none yet); returns every cohort."""
    all_cohorts = cohorts.list_cohorts(engine(), viewer=ctx.account)
    with (
        st.expander(ctx.t("cohorts.create"), expanded=not all_cohorts, icon=":material/group_add:"),
        st.form("create_cohort", border=False),
    ):
        st.text_input(ctx.t("cohorts.name"), key="new_cohort_name", max_chars=cohorts.NAME_LENGTH)
        _show_error(ctx, "create_errors", "name")
        st.text_area(ctx.t("cohorts.description"), key="new_cohort_description", height=80)
        st.form_submit_button(ctx.t("cohorts.create_submit"), type="primary", on_click=_create_cohort, args=(ctx,))
    return all_cohorts


def choose_cohort(ctx: CohortsContext, all_cohorts: list[CohortInfo]) -> CohortInfo:
    """The cohort selector (the last created or chosen one first), its description and counts."""
    state = st.session_state
    by_id = {cohort.id: cohort for cohort in all_cohorts}
    if state.get("cohort_id") not in by_id:
        state["cohort_id"] = all_cohorts[0].id
    cohort_id = st.selectbox(ctx.t("cohorts.choose"), list(by_id), key="cohort_id",
                             format_func=lambda i: by_id[i].name, placeholder=ctx.t("choose.one"))
    cohort = by_id[cohort_id]
    if cohort.description:
        st.caption(escape_markdown(cohort.description))
    members_col, modules_col = st.columns(2)
    members_col.metric(ctx.t("cohorts.members_count"), cohort.members)
    modules_col.metric(ctx.t("cohorts.modules_count"), cohort.modules)
    return cohort


# --- members -------------------------------------------------------------------------------------------


def _add_member(ctx: CohortsContext, cohort_id: int) -> None:
    state = st.session_state
    try:
        added = cohorts.add_member(
            engine(), cohort_id, email=state["member_email"], name=state["member_name"],
            profession=state["member_profession"], rpps=state["member_rpps"], actor_id=ctx.actor_id,
            invite_base_url=public_base_url(),
            viewer=ctx.account,
        )
    except cohorts.CohortError as err:
        state["member_errors"] = err.errors
        return
    state.pop("member_errors", None)
    state["member_email"] = state["member_name"] = state["member_rpps"] = ""
    message = "cohorts.member_already" if added.already_member else (
        "cohorts.member_created" if added.created else "cohorts.member_added")
    if added.invitation is not None:
        _invited([added.invitation])
        if not added.invitation.mailed:
            message = "cohorts.member_created_link"
    state[_FLASH] = ctx.t(message, email=escape_markdown(added.email))


def _remove_member(ctx: CohortsContext, cohort_id: int, user_id: int, name: str) -> None:
    st.session_state.pop("confirm_remove_member", None)
    try:
        removed = cohorts.remove_member(engine(), cohort_id, user_id, actor_id=ctx.actor_id, viewer=ctx.account)
    except cohorts.CohortError as err:  # no longer a manager of the cohort (changed meanwhile)
        st.session_state[_REFUSED] = ctx.t(next(iter(err.errors.values())))
        return
    if removed:
        st.session_state[_FLASH] = ctx.t("cohorts.member_removed", name=escape_markdown(name))


def members_tab(ctx: CohortsContext, cohort_id: int) -> None:
    """Add a learner by email, the members' table, and removing one (confirmed)."""
    t = ctx.t
    st.subheader(t("cohorts.add_member"))
    st.caption(t("cohorts.add_member_help"))
    with st.form("add_member"):
        st.text_input(t("auth.email"), key="member_email")
        _show_error(ctx, "member_errors", "email")
        st.text_input(t("auth.name"), key="member_name")
        _show_error(ctx, "member_errors", "name")
        relabel("member_profession", ctx.viewer.locale)
        st.selectbox(t("auth.profession"), PROFESSIONS, key="member_profession", format_func=ctx.profession_label,
                     placeholder=t("choose.one"))
        _show_error(ctx, "member_errors", "profession")
        st.text_input(t("auth.rpps"), key="member_rpps", max_chars=11, help=t("auth.rpps_help"))
        _show_error(ctx, "member_errors", "rpps")
        _show_error(ctx, "member_errors", "cohort")
        _show_error(ctx, "member_errors", "form")
        st.form_submit_button(t("cohorts.add_submit"), type="primary", on_click=_add_member, args=(ctx, cohort_id))

    people = cohorts.members(engine(), cohort_id)
    if not people:
        st.caption(t("cohorts.no_members"))
        return
    date_format = t("cohorts.date_format")
    st.dataframe(pd.DataFrame({
        t("cohorts.col_name"): [p.name for p in people],
        t("cohorts.col_email"): [p.email for p in people],
        t("cohorts.col_profession"): [ctx.profession_label(p.profession) for p in people],
        t("cohorts.col_rpps"): [p.rpps or "" for p in people],
        t("cohorts.col_added"): [p.added_at.strftime(date_format) for p in people],
    }), hide_index=True, width="stretch")

    st.subheader(t("cohorts.remove_member"))
    names = {p.user_id: f"{p.name} · {p.email}" for p in people}
    chosen = st.selectbox(t("cohorts.remove_choose"), list(names), format_func=names.get,
                          index=None, key="remove_member_choice", placeholder=t("choose.one"))
    if st.button(t("cohorts.remove"), icon=":material/person_remove:", disabled=chosen is None):
        st.session_state["confirm_remove_member"] = chosen
    pending = st.session_state.get("confirm_remove_member")
    if pending in names:
        st.warning(t("cohorts.confirm_remove_member", name=escape_markdown(names[pending])), icon=":material/warning:")
        _confirm_buttons(ctx, "confirm_remove_member", ("confirm_remove", "cancel_remove"), _remove_member,
                         (ctx, cohort_id, pending, names[pending]))


# --- CSV import ----------------------------------------------------------------------------------------


_SKIP_CONFIRM = "roster_skip_confirm"  # the uploaded file whose valid rows the coordinator chose to import


def _issues_table(ctx: CohortsContext, issues: tuple[roster_import.RowIssue, ...]) -> None:
    """Every problem: its line, the reason, the value, and the closest known profession when there is one."""
    t = ctx.t
    st.dataframe(pd.DataFrame({
        t("cohorts.col_line"): [str(i.line) if i.line else t("cohorts.whole_file") for i in issues],
        t("cohorts.col_problem"): [t(f"cohorts.reason.{i.reason}", value=i.value, other_line=i.other_line)
                                   for i in issues],
        t("cohorts.col_value"): [i.value for i in issues],
        t("cohorts.col_suggestion"): [t("cohorts.suggestion", profession=ctx.profession_label(i.suggestion))
                                      if i.suggestion else "" for i in issues],
    }), hide_index=True, width="stretch")


def _rows_table(ctx: CohortsContext, rows: tuple[roster_import.RosterRow, ...]) -> None:
    """The learners an import would add."""
    t = ctx.t
    st.dataframe(pd.DataFrame({
        t("cohorts.col_line"): [r.line for r in rows],
        t("cohorts.col_email"): [r.learner.email for r in rows],
        t("cohorts.col_name"): [r.learner.name for r in rows],
        t("cohorts.col_profession"): [ctx.profession_label(r.learner.profession) for r in rows],
        t("cohorts.col_rpps"): [r.learner.rpps or "" for r in rows],
        t("cohorts.col_account"): [t("cohorts.account_new" if r.user_id is None else "cohorts.account_existing")
                                   for r in rows],
    }), hide_index=True, width="stretch")


def _import(ctx: CohortsContext, cohort: CohortInfo, preview: roster_import.ImportPreview, *,
            skip_invalid: bool) -> None:
    """Write the import; on success leave the outcome for the next run and clear the uploader."""
    t = ctx.t
    state = st.session_state
    try:
        result = roster_import.apply_import(preview, engine(), cohort.id, ctx.actor_id, skip_invalid=skip_invalid,
                                            invite_base_url=public_base_url(), viewer=ctx.account)
    except roster_import.RosterImportError as err:
        st.error(t(err.key), icon=":material/error:")
        return
    message = t("cohorts.import_done", added=result.added_members, created=result.created_accounts,
                already=result.already_members)
    if result.skipped_rows:
        message += " " + t("cohorts.import_skipped_done", n=result.skipped_rows)
    if result.invitations:
        _invited(list(result.invitations))
        message += " " + t("cohorts.import_links" if result.links_to_share else "cohorts.import_new_accounts")
    state[_FLASH] = message
    state.pop(_SKIP_CONFIRM, None)
    state["roster_round"] = state.get("roster_round", 0) + 1
    st.rerun()


def _skip_invalid_choice(ctx: CohortsContext, cohort: CohortInfo, preview: roster_import.ImportPreview,
                         file_id: str) -> None:
    """« Importer les lignes valides et ignorer les autres », then what is skipped and a confirmation."""
    t = ctx.t
    state = st.session_state
    if state.get(_SKIP_CONFIRM) != file_id:
        st.button(t("cohorts.import_skip_invalid", rows=len(preview.rows), skipped=len(preview.skipped_lines)),
                  icon=":material/playlist_remove:", key="import_skip_invalid",
                  on_click=lambda: state.__setitem__(_SKIP_CONFIRM, file_id))
        return
    with st.container(border=True):
        st.warning(t("cohorts.import_skip_list", n=len(preview.skipped_lines)), icon=":material/playlist_remove:")
        reasons: dict[int, list[str]] = {}
        for issue in preview.issues:
            if issue.line is not None:
                reasons.setdefault(issue.line, []).append(
                    t(f"cohorts.reason.{issue.reason}", value=issue.value, other_line=issue.other_line))
        st.markdown("\n".join(t("cohorts.import_skip_line", line=line, reason=escape_markdown(" ".join(texts)))
                              for line, texts in reasons.items()))
        st.markdown(t("cohorts.import_skip_kept", rows=len(preview.rows)))
        _rows_table(ctx, preview.rows)
        confirm_col, cancel_col = st.columns(2)
        if confirm_col.button(t("cohorts.import_confirm", rows=len(preview.rows), cohort=escape_markdown(cohort.name)),
                              type="primary", icon=":material/upload:", key="import_valid_confirm"):
            _import(ctx, cohort, preview, skip_invalid=True)
        cancel_col.button(t("cohorts.cancel"), key="import_valid_cancel",
                          on_click=lambda: state.pop(_SKIP_CONFIRM, None))


def import_tab(ctx: CohortsContext, cohort: CohortInfo) -> None:
    """A CSV roster: every problem row by row (and importing only the valid rows), or a preview and the import."""
    t = ctx.t
    state = st.session_state
    st.markdown(t("cohorts.import_help"))
    upload_round = state.get("roster_round", 0)
    # Twice our limit: a file a little too large gets our own message (too_large), not Streamlit's English one.
    upload = st.file_uploader(t("cohorts.import_file"), type=["csv"], key=f"roster_{upload_round}",
                              max_upload_size=2 * roster_import.MAX_BYTES // 1_000_000)
    st.caption(t("upload.limit", types="CSV", size=roster_import.MAX_BYTES // 1_000_000))
    if upload is None:
        return
    preview = roster_import.preview_import(upload.getvalue(), engine())
    if preview.encoding:
        st.caption(t("cohorts.import_read_as", encoding=t(f"cohorts.encoding.{preview.encoding}"),
                     delimiter=preview.delimiter))
    if preview.ignored_columns:
        st.caption(t("cohorts.import_ignored", columns=escape_markdown(", ".join(preview.ignored_columns))))
    if preview.issues:
        st.error(t("cohorts.import_problems", n=len(preview.issues)), icon=":material/error:")
        _issues_table(ctx, preview.issues)
        if preview.can_skip_invalid:
            _skip_invalid_choice(ctx, cohort, preview, upload.file_id)
        return
    rows = preview.rows
    st.success(t("cohorts.import_ready", rows=len(rows), new=preview.new_accounts,
                 existing=len(rows) - preview.new_accounts), icon=":material/task_alt:")
    _rows_table(ctx, rows)
    if st.button(t("cohorts.import_confirm", rows=len(rows), cohort=escape_markdown(cohort.name)), type="primary",
                 icon=":material/upload:", key="import_confirm"):
        _import(ctx, cohort, preview, skip_invalid=False)


# --- assigned modules ----------------------------------------------------------------------------------


def _assign(ctx: CohortsContext, cohort_id: int) -> None:
    state = st.session_state
    module_id = state.get("assign_module")
    try:
        cohorts.assign_module(engine(), cohort_id, module_id or "", due_date=state.get("assign_due"),
                              known_modules=ctx.modules, actor_id=ctx.actor_id, viewer=ctx.account)
    except cohorts.CohortError as err:
        state["assign_errors"] = err.errors
        return
    state.pop("assign_errors", None)
    state[_FLASH] = ctx.t("cohorts.assigned", title=ctx.module_title(module_id))


def _save_due(ctx: CohortsContext, cohort_id: int, module_id: str) -> None:
    state = st.session_state
    try:
        cohorts.assign_module(engine(), cohort_id, module_id, due_date=state.get(f"due_{cohort_id}_{module_id}"),
                              known_modules=ctx.modules, actor_id=ctx.actor_id, viewer=ctx.account)
    except cohorts.CohortError as err:
        state["assign_errors"] = err.errors
        return
    state[_FLASH] = ctx.t("cohorts.due_saved", title=ctx.module_title(module_id))


def _unassign(ctx: CohortsContext, cohort_id: int, module_id: str) -> None:
    st.session_state.pop("confirm_unassign", None)
    try:
        removed = cohorts.unassign(engine(), cohort_id, module_id, actor_id=ctx.actor_id, viewer=ctx.account)
    except cohorts.CohortError as err:  # no longer a manager of the cohort (changed meanwhile)
        st.session_state[_REFUSED] = ctx.t(next(iter(err.errors.values())))
        return
    if removed:
        st.session_state[_FLASH] = ctx.t("cohorts.unassigned", title=ctx.module_title(module_id))


def modules_tab(ctx: CohortsContext, cohort_id: int) -> None:
    """The cohort's modules with their due dates (change, remove), then the form assigning another one."""
    t = ctx.t
    state = st.session_state
    assigned = cohorts.cohort_assignments(engine(), cohort_id)
    if not assigned:
        st.caption(t("cohorts.no_assignments"))
    for item in assigned:
        with st.container(border=True):
            st.markdown(f"**{ctx.module_title(item.module_id)}**")
            due_col, save_col, remove_col = st.columns([2, 1, 1], vertical_alignment="bottom")
            due_col.date_input(t("cohorts.due_date"), value=item.due_date, key=f"due_{cohort_id}_{item.module_id}",
                               format=t("cohorts.date_input_format"))
            save_col.button(t("cohorts.save_due"), key=f"save_{item.module_id}", icon=":material/event:",
                            on_click=_save_due, args=(ctx, cohort_id, item.module_id))
            if remove_col.button(t("cohorts.remove"), key=f"unassign_{item.module_id}",
                                 icon=":material/remove_circle:"):
                state["confirm_unassign"] = item.module_id
            if state.get("confirm_unassign") == item.module_id:
                st.warning(t("cohorts.confirm_unassign", title=ctx.module_title(item.module_id)),
                           icon=":material/warning:")
                _confirm_buttons(ctx, "confirm_unassign",
                                 (f"confirm_unassign_{item.module_id}", f"cancel_unassign_{item.module_id}"),
                                 _unassign, (ctx, cohort_id, item.module_id))

    st.subheader(t("cohorts.assign"))
    free = [module_id for module_id in ctx.modules if module_id not in {a.module_id for a in assigned}]
    if not free:
        st.caption(t("cohorts.all_assigned"))
        return
    with st.form("assign_module"):
        st.selectbox(t("cohorts.module"), free, key="assign_module", format_func=ctx.module_title,
                     placeholder=t("choose.one"))
        _show_error(ctx, "assign_errors", "module")
        st.date_input(t("cohorts.due_date"), value=None, key="assign_due", format=t("cohorts.date_input_format"))
        _show_error(ctx, "assign_errors", "cohort")
        _show_error(ctx, "assign_errors", "form")
        st.form_submit_button(t("cohorts.assign_submit"), type="primary", on_click=_assign, args=(ctx, cohort_id))


# --- managers ------------------------------------------------------------------------------------------


def _add_manager(ctx: CohortsContext, cohort_id: int) -> None:
    state = st.session_state
    try:
        manager, added = cohorts.add_manager(engine(), cohort_id, email=state["manager_email"], viewer=ctx.account)
    except cohorts.CohortError as err:
        state["manager_errors"] = err.errors
        return
    state.pop("manager_errors", None)
    state["manager_email"] = ""
    state[_FLASH] = ctx.t("cohorts.manager_added" if added else "cohorts.manager_already",
                          name=escape_markdown(manager.name))


def _remove_manager(ctx: CohortsContext, cohort_id: int, user_id: int, name: str) -> None:
    state = st.session_state
    state.pop("confirm_remove_manager", None)
    try:
        removed = cohorts.remove_manager(engine(), cohort_id, user_id, viewer=ctx.account)
    except cohorts.CohortError as err:
        state["manager_errors"] = err.errors
        return
    state.pop("manager_errors", None)
    if removed:
        state[_FLASH] = ctx.t("cohorts.manager_removed", name=escape_markdown(name))


def managers_tab(ctx: CohortsContext, cohort_id: int) -> None:
    """Who manages the cohort (sees it, exports it, attests its learners); add a coordinator, remove one."""
    t = ctx.t
    st.caption(t("cohorts.managers_help"))
    people = cohorts.managers(engine(), cohort_id)
    if not people:
        st.info(t("cohorts.no_manager"), icon=":material/admin_panel_settings:")
    else:
        date_format = t("cohorts.date_format")
        st.dataframe(pd.DataFrame({
            t("cohorts.col_name"): [p.name for p in people],
            t("cohorts.col_email"): [p.email for p in people],
            t("cohorts.col_manager_since"): [p.added_at.strftime(date_format) for p in people],
        }), hide_index=True, width="stretch")
    with st.form("add_manager"):
        st.text_input(t("cohorts.manager_email"), key="manager_email", help=t("cohorts.manager_email_help"))
        _show_error(ctx, "manager_errors", "email")
        _show_error(ctx, "manager_errors", "cohort")
        _show_error(ctx, "manager_errors", "form")
        st.form_submit_button(t("cohorts.add_manager"), type="primary", icon=":material/person_add:",
                              on_click=_add_manager, args=(ctx, cohort_id))
    if not people:
        return
    names = {p.user_id: f"{p.name} · {p.email}" for p in people}
    chosen = st.selectbox(t("cohorts.remove_manager_choose"), list(names), format_func=names.get, index=None,
                          key="remove_manager_choice", placeholder=t("choose.one"))
    if st.button(t("cohorts.remove_manager"), icon=":material/person_remove:", disabled=chosen is None,
                 key="remove_manager"):
        st.session_state["confirm_remove_manager"] = chosen
    _show_error(ctx, "manager_errors", "manager")
    pending = st.session_state.get("confirm_remove_manager")
    if pending in names:
        own = pending == ctx.actor_id and not ctx.account.has_role("admin")
        st.warning(t("cohorts.confirm_remove_self" if own else "cohorts.confirm_remove_manager",
                     name=escape_markdown(names[pending])), icon=":material/warning:")
        _confirm_buttons(ctx, "confirm_remove_manager", ("confirm_remove_manager_ok", "cancel_remove_manager"),
                         _remove_manager, (ctx, cohort_id, pending, names[pending]))
