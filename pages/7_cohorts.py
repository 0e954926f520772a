"""Cohorts: create cohorts, add learners one by one or from a CSV roster, assign modules with due dates."""

import pandas as pd
import streamlit as st

from academy.accounts.roles import COORDINATORS
from academy.coordination import cohorts, roster_import
from academy.ui.account_forms import PROFESSIONS
from academy.ui.guard import page
from academy.ui.resources import catalog, engine

viewer = page("nav.cohorts", roles=COORDINATORS)
account = viewer.account
state = st.session_state
modules = {module.id: module for module in catalog().modules}
date_format = viewer.t("cohorts.date_format")
st.title(viewer.t("cohorts.title"))
if flash := state.pop("cohorts_flash", None):
    st.success(flash, icon=":material/check:")


def show_error(errors_key: str, field: str) -> None:
    """The message stored by a form callback for `field`, under that field."""
    key = state.get(errors_key, {}).get(field)
    if key:
        st.error(viewer.t(key), icon=":material/error:")


def profession_label(code: str) -> str:
    return viewer.t(f"profession.{code}") if code in PROFESSIONS else code


def module_title(module_id: str) -> str:
    return modules[module_id].title if module_id in modules else module_id


# --- create a cohort --------------------------------------------------------------------------------


def create_cohort() -> None:
    try:
        cohort = cohorts.create_cohort(engine(), state["new_cohort_name"], description=state["new_cohort_description"],
                                       actor_id=account.id)
    except cohorts.CohortError as err:
        state["create_errors"] = err.errors
        return
    state.pop("create_errors", None)
    state["new_cohort_name"] = state["new_cohort_description"] = ""
    state["cohort_id"] = cohort.id
    state["cohorts_flash"] = viewer.t("cohorts.created", name=cohort.name)


all_cohorts = cohorts.list_cohorts(engine())
with (
    st.expander(viewer.t("cohorts.create"), expanded=not all_cohorts, icon=":material/group_add:"),
    st.form("create_cohort", border=False),
):
    st.text_input(viewer.t("cohorts.name"), key="new_cohort_name", max_chars=cohorts.NAME_LENGTH)
    show_error("create_errors", "name")
    st.text_area(viewer.t("cohorts.description"), key="new_cohort_description", height=80)
    st.form_submit_button(viewer.t("cohorts.create_submit"), type="primary", on_click=create_cohort)

if not all_cohorts:
    st.info(viewer.t("cohorts.none"), icon=":material/groups:")
    st.stop()

by_id = {cohort.id: cohort for cohort in all_cohorts}
if state.get("cohort_id") not in by_id:
    state["cohort_id"] = all_cohorts[0].id
cohort_id = st.selectbox(viewer.t("cohorts.choose"), list(by_id), key="cohort_id",
                         format_func=lambda i: by_id[i].name)
cohort = by_id[cohort_id]
if cohort.description:
    st.caption(cohort.description)
members_col, modules_col = st.columns(2)
members_col.metric(viewer.t("cohorts.members_count"), cohort.members)
modules_col.metric(viewer.t("cohorts.modules_count"), cohort.modules)

members_tab, import_tab, modules_tab = st.tabs(
    [viewer.t("cohorts.tab_members"), viewer.t("cohorts.tab_import"), viewer.t("cohorts.tab_modules")],
    key="cohort_tabs",  # a stable identity: a flash message above must not send the coordinator back to tab one
)

# --- members ---------------------------------------------------------------------------------------


def add_member(cohort_id: int) -> None:
    try:
        added = cohorts.add_member(
            engine(), cohort_id, email=state["member_email"], name=state["member_name"],
            profession=state["member_profession"], rpps=state["member_rpps"], actor_id=account.id,
        )
    except cohorts.CohortError as err:
        state["member_errors"] = err.errors
        return
    state.pop("member_errors", None)
    state["member_email"] = state["member_name"] = state["member_rpps"] = ""
    message = "cohorts.member_already" if added.already_member else (
        "cohorts.member_created" if added.created else "cohorts.member_added")
    state["cohorts_flash"] = viewer.t(message, email=added.email)


def remove_member(cohort_id: int, user_id: int, name: str) -> None:
    state.pop("confirm_remove_member", None)
    if cohorts.remove_member(engine(), cohort_id, user_id, actor_id=account.id):
        state["cohorts_flash"] = viewer.t("cohorts.member_removed", name=name)


with members_tab:
    st.subheader(viewer.t("cohorts.add_member"))
    st.caption(viewer.t("cohorts.add_member_help"))
    with st.form("add_member"):
        st.text_input(viewer.t("auth.email"), key="member_email")
        show_error("member_errors", "email")
        st.text_input(viewer.t("auth.name"), key="member_name")
        show_error("member_errors", "name")
        st.selectbox(viewer.t("auth.profession"), PROFESSIONS, key="member_profession", format_func=profession_label)
        show_error("member_errors", "profession")
        st.text_input(viewer.t("auth.rpps"), key="member_rpps", max_chars=11, help=viewer.t("auth.rpps_help"))
        show_error("member_errors", "rpps")
        show_error("member_errors", "cohort")
        show_error("member_errors", "form")
        st.form_submit_button(viewer.t("cohorts.add_submit"), type="primary", on_click=add_member, args=(cohort_id,))

    people = cohorts.members(engine(), cohort_id)
    if not people:
        st.caption(viewer.t("cohorts.no_members"))
    else:
        st.dataframe(pd.DataFrame({
            viewer.t("cohorts.col_name"): [p.name for p in people],
            viewer.t("cohorts.col_email"): [p.email for p in people],
            viewer.t("cohorts.col_profession"): [profession_label(p.profession) for p in people],
            viewer.t("cohorts.col_rpps"): [p.rpps or "" for p in people],
            viewer.t("cohorts.col_added"): [p.added_at.strftime(date_format) for p in people],
        }), hide_index=True, width="stretch")

        st.subheader(viewer.t("cohorts.remove_member"))
        names = {p.user_id: f"{p.name} · {p.email}" for p in people}
        chosen = st.selectbox(viewer.t("cohorts.remove_choose"), list(names), format_func=names.get,
                              index=None, key="remove_member_choice")
        if st.button(viewer.t("cohorts.remove"), icon=":material/person_remove:", disabled=chosen is None):
            state["confirm_remove_member"] = chosen
        pending = state.get("confirm_remove_member")
        if pending in names:
            st.warning(viewer.t("cohorts.confirm_remove_member", name=names[pending]), icon=":material/warning:")
            confirm_col, cancel_col = st.columns(2)
            confirm_col.button(viewer.t("cohorts.confirm"), type="primary", key="confirm_remove",
                               on_click=remove_member, args=(cohort_id, pending, names[pending]))
            cancel_col.button(viewer.t("cohorts.cancel"), key="cancel_remove",
                              on_click=lambda: state.pop("confirm_remove_member", None))

# --- CSV import ------------------------------------------------------------------------------------

with import_tab:
    st.markdown(viewer.t("cohorts.import_help"))
    upload_round = state.get("roster_round", 0)
    upload = st.file_uploader(viewer.t("cohorts.import_file"), type=["csv"], key=f"roster_{upload_round}")
    if upload is not None:
        preview = roster_import.preview_import(upload.getvalue(), engine())
        if preview.encoding:
            st.caption(viewer.t("cohorts.import_read_as", encoding=preview.encoding, delimiter=preview.delimiter))
        if preview.ignored_columns:
            st.caption(viewer.t("cohorts.import_ignored", columns=", ".join(preview.ignored_columns)))
        if preview.issues:
            st.error(viewer.t("cohorts.import_problems", n=len(preview.issues)), icon=":material/error:")
            st.dataframe(pd.DataFrame({
                viewer.t("cohorts.col_line"): [str(i.line) if i.line else viewer.t("cohorts.whole_file")
                                               for i in preview.issues],
                viewer.t("cohorts.col_problem"): [viewer.t(f"cohorts.reason.{i.reason}", value=i.value,
                                                           other_line=i.other_line) for i in preview.issues],
                viewer.t("cohorts.col_value"): [i.value for i in preview.issues],
            }), hide_index=True, width="stretch")
        else:
            rows = preview.rows
            st.success(viewer.t("cohorts.import_ready", rows=len(rows), new=preview.new_accounts,
                                existing=len(rows) - preview.new_accounts), icon=":material/task_alt:")
            st.dataframe(pd.DataFrame({
                viewer.t("cohorts.col_line"): [r.line for r in rows],
                viewer.t("cohorts.col_email"): [r.learner.email for r in rows],
                viewer.t("cohorts.col_name"): [r.learner.name for r in rows],
                viewer.t("cohorts.col_profession"): [profession_label(r.learner.profession) for r in rows],
                viewer.t("cohorts.col_rpps"): [r.learner.rpps or "" for r in rows],
                viewer.t("cohorts.col_account"): [viewer.t("cohorts.account_new" if r.user_id is None
                                                           else "cohorts.account_existing") for r in rows],
            }), hide_index=True, width="stretch")
            if st.button(viewer.t("cohorts.import_confirm", rows=len(rows), cohort=cohort.name), type="primary",
                         icon=":material/upload:", key="import_confirm"):
                try:
                    result = roster_import.apply_import(preview, engine(), cohort_id, account.id)
                except roster_import.RosterImportError as err:
                    st.error(viewer.t(err.key), icon=":material/error:")
                else:
                    message = viewer.t("cohorts.import_done", added=result.added_members,
                                       created=result.created_accounts, already=result.already_members)
                    if result.created_accounts:
                        message += " " + viewer.t("cohorts.import_new_accounts")
                    state["cohorts_flash"] = message
                    state["roster_round"] = upload_round + 1
                    st.rerun()

# --- assigned modules ------------------------------------------------------------------------------


def assign(cohort_id: int) -> None:
    module_id = state.get("assign_module")
    try:
        cohorts.assign_module(engine(), cohort_id, module_id or "", due_date=state.get("assign_due"),
                              known_modules=modules, actor_id=account.id)
    except cohorts.CohortError as err:
        state["assign_errors"] = err.errors
        return
    state.pop("assign_errors", None)
    state["cohorts_flash"] = viewer.t("cohorts.assigned", title=module_title(module_id))


def save_due(cohort_id: int, module_id: str) -> None:
    try:
        cohorts.assign_module(engine(), cohort_id, module_id, due_date=state.get(f"due_{cohort_id}_{module_id}"),
                              known_modules=modules, actor_id=account.id)
    except cohorts.CohortError as err:
        state["assign_errors"] = err.errors
        return
    state["cohorts_flash"] = viewer.t("cohorts.due_saved", title=module_title(module_id))


def unassign(cohort_id: int, module_id: str) -> None:
    state.pop("confirm_unassign", None)
    if cohorts.unassign(engine(), cohort_id, module_id, actor_id=account.id):
        state["cohorts_flash"] = viewer.t("cohorts.unassigned", title=module_title(module_id))


with modules_tab:
    assigned = cohorts.cohort_assignments(engine(), cohort_id)
    if not assigned:
        st.caption(viewer.t("cohorts.no_assignments"))
    for item in assigned:
        with st.container(border=True):
            st.markdown(f"**{module_title(item.module_id)}**")
            due_col, save_col, remove_col = st.columns([2, 1, 1], vertical_alignment="bottom")
            due_col.date_input(viewer.t("cohorts.due_date"), value=item.due_date,
                               key=f"due_{cohort_id}_{item.module_id}",
                               format=viewer.t("cohorts.date_input_format"))
            save_col.button(viewer.t("cohorts.save_due"), key=f"save_{item.module_id}", icon=":material/event:",
                            on_click=save_due, args=(cohort_id, item.module_id))
            if remove_col.button(viewer.t("cohorts.remove"), key=f"unassign_{item.module_id}",
                                 icon=":material/remove_circle:"):
                state["confirm_unassign"] = item.module_id
            if state.get("confirm_unassign") == item.module_id:
                st.warning(viewer.t("cohorts.confirm_unassign", title=module_title(item.module_id)),
                           icon=":material/warning:")
                confirm_col, cancel_col = st.columns(2)
                confirm_col.button(viewer.t("cohorts.confirm"), type="primary",
                                   key=f"confirm_unassign_{item.module_id}", on_click=unassign,
                                   args=(cohort_id, item.module_id))
                cancel_col.button(viewer.t("cohorts.cancel"), key=f"cancel_unassign_{item.module_id}",
                                  on_click=lambda: state.pop("confirm_unassign", None))

    st.subheader(viewer.t("cohorts.assign"))
    free = [module_id for module_id in modules if module_id not in {a.module_id for a in assigned}]
    if not free:
        st.caption(viewer.t("cohorts.all_assigned"))
    else:
        with st.form("assign_module"):
            st.selectbox(viewer.t("cohorts.module"), free, key="assign_module", format_func=module_title)
            show_error("assign_errors", "module")
            st.date_input(viewer.t("cohorts.due_date"), value=None, key="assign_due",
                          format=viewer.t("cohorts.date_input_format"))
            show_error("assign_errors", "cohort")
            show_error("assign_errors", "form")
            st.form_submit_button(viewer.t("cohorts.assign_submit"), type="primary", on_click=assign,
                                  args=(cohort_id,))
