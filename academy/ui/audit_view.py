"""The admins' audit log: filters, a page of entries in Paris time, and a CSV of everything that matches."""

from __future__ import annotations

import io
import json

import pandas as pd
import streamlit as st

from academy.interop.exports import write_csv
from academy.store.audit import LOCAL_ZONE, AuditFilter, AuditLine, audit_actions, count_audit, search_audit

from .guard import Viewer
from .resources import engine

PAGE_SIZE = 50
CSV_LIMIT = 100_000
CSV_HEADER = ("at_utc", "actor_id", "actor_email", "actor_name", "action", "target", "details")


def audit_filter(viewer: Viewer) -> AuditFilter:
    """The filter widgets; a change of filter goes back to the first page."""
    t = viewer.t
    actor_col, action_col, period_col = st.columns([2, 3, 2], vertical_alignment="bottom")
    actor = actor_col.text_input(t("audit.actor"), key="audit_actor", on_change=_first_page)
    actions = action_col.multiselect(t("audit.actions"), audit_actions(engine()), key="audit_actions",
                                     format_func=lambda code: action_label(viewer, code),
                                     placeholder=t("audit.actions_placeholder"), on_change=_first_page,
                                     select_all=False)  # Streamlit's « Select all » is English
    period = period_col.date_input(t("audit.period"), value=[], format=t("cohorts.date_input_format"),
                                   key="audit_period", on_change=_first_page)
    start = period[0] if len(period) >= 1 else None
    end = period[1] if len(period) == 2 else start
    return AuditFilter(actor=actor, actions=tuple(actions), start=start, end=end)


def action_label(viewer: Viewer, code: str) -> str:
    """An action code in words (`audit.action.<code>` in audit.toml); a code without a label is shown as is."""
    key = f"audit.action.{code}"
    label = viewer.t(key)
    return code if label == key else label


def _first_page() -> None:
    st.session_state["audit_page"] = 1


def _frame(viewer: Viewer, lines: list[AuditLine]) -> pd.DataFrame:
    t = viewer.t
    moment = t("audit.datetime_format")
    return pd.DataFrame({
        t("audit.col.at"): [line.at.astimezone(LOCAL_ZONE).strftime(moment) for line in lines],
        t("audit.col.actor"): [line.actor_email or t("audit.system") for line in lines],
        t("audit.col.action"): [action_label(viewer, line.action) for line in lines],
        t("audit.col.target"): [line.target for line in lines],
        t("audit.col.details"): [json.dumps(line.details, ensure_ascii=False) if line.details else ""
                                 for line in lines],
    })


def audit_table(viewer: Viewer, wanted: AuditFilter) -> None:
    """One page of matching entries, with the count and previous/next buttons."""
    t = viewer.t
    state = st.session_state
    total = count_audit(engine(), wanted)
    pages = max(1, -(-total // PAGE_SIZE))
    state["audit_page"] = min(max(1, state.get("audit_page", 1)), pages)
    page_number = state["audit_page"]
    lines = search_audit(engine(), wanted, offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    st.caption(t("audit.count", n=total))
    if not lines:
        st.info(t("audit.none"), icon=":material/search_off:")
        return
    st.dataframe(_frame(viewer, lines), hide_index=True, width="stretch")
    previous_col, label_col, next_col = st.columns([1, 2, 1], vertical_alignment="center")
    previous_col.button(t("audit.previous"), icon=":material/chevron_left:", disabled=page_number <= 1,
                        on_click=_turn, args=(-1,), key="audit_previous")
    label_col.caption(t("audit.page", page=page_number, pages=pages))
    next_col.button(t("audit.next"), icon=":material/chevron_right:", disabled=page_number >= pages,
                    on_click=_turn, args=(1,), key="audit_next")


def _turn(step: int) -> None:
    st.session_state["audit_page"] = st.session_state.get("audit_page", 1) + step


def audit_csv(wanted: AuditFilter) -> bytes:
    """Every matching entry (up to ``CSV_LIMIT``) as CSV, spreadsheet formulas neutralised."""
    lines = search_audit(engine(), wanted, limit=CSV_LIMIT)
    rows = [CSV_HEADER] + [
        (line.at.isoformat(), line.actor_id or "", line.actor_email, line.actor_name, line.action, line.target,
         json.dumps(line.details, ensure_ascii=False) if line.details else "")
        for line in lines
    ]
    buffer = io.BytesIO()
    write_csv(rows, buffer)
    return buffer.getvalue()


def audit_download(viewer: Viewer, wanted: AuditFilter) -> None:
    """The CSV download of what the filters select (built when clicked)."""
    st.download_button(viewer.t("audit.download"), data=lambda: audit_csv(wanted), file_name="journal-audit.csv",
                       mime="text/csv", icon=":material/download:", key="audit_download")
