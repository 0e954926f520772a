"""Dashboard: a cohort's completion, deadlines, scores, time, knowledge gain and satisfaction, with filters."""

import math
from datetime import date

import streamlit as st

from academy.accounts.auth import Account
from academy.accounts.roles import COORDINATORS
from academy.analytics import dashboard
from academy.analytics import dashboard_charts as charts_dashboard
from academy.coordination import cohorts
from academy.ui.guard import page
from academy.ui.resources import catalog, database_url, engine, now
from academy.ui.widgets import draw_chart

viewer = page("nav.dashboard", roles=COORDINATORS)
state = st.session_state
modules = {module.id: module for module in catalog().modules}
titles = {module_id: module.title for module_id, module in modules.items()}
date_format = viewer.t("cohorts.date_format")
st.title(viewer.t("dashboard.title"))


@st.cache_data(ttl=60, show_spinner=False, max_entries=20)
def load(database: str, cohort_id: int, module_ids: tuple[str, ...], start: date | None, end: date | None,
         today: date, viewer: Account) -> dashboard.Dashboard:
    """The dashboard's figures of `database` (URL, part of the cache key), kept a minute per filter and viewer."""
    flt = dashboard.DashboardFilter(cohort_id, module_ids, start, end)
    return dashboard.load_dashboard(engine(), flt, today=today, viewer=viewer)


all_cohorts = cohorts.list_cohorts(engine(), viewer=viewer.account)  # the coordinator's own cohorts
if not all_cohorts:
    st.info(viewer.t("dashboard.no_cohort"), icon=":material/groups:")
    st.page_link("pages/7_cohorts.py", label=viewer.t("nav.cohorts"), icon=":material/groups:")
    st.stop()

by_id = {cohort.id: cohort for cohort in all_cohorts}
if state.get("dashboard_cohort") not in by_id:
    state["dashboard_cohort"] = all_cohorts[0].id
cohort_col, modules_col, period_col = st.columns([2, 4, 2], vertical_alignment="bottom")
cohort_id = cohort_col.selectbox(viewer.t("dashboard.cohort"), list(by_id), key="dashboard_cohort",
                                 format_func=lambda i: by_id[i].name, placeholder=viewer.t("choose.one"))
assigned = [a.module_id for a in cohorts.cohort_assignments(engine(), cohort_id) if a.module_id in modules]
chosen = modules_col.multiselect(viewer.t("dashboard.modules"), list(modules), default=assigned,
                                 format_func=titles.get, key=f"dashboard_modules_{cohort_id}",
                                 placeholder=viewer.t("choose.many"), select_all=False)  # « Select all » is English
period = period_col.date_input(viewer.t("dashboard.period"), value=[], format=viewer.t("cohorts.date_input_format"),
                               key="dashboard_period")
start = period[0] if len(period) >= 1 else None
end = period[1] if len(period) == 2 else None
module_ids = tuple(module_id for module_id in modules if module_id in chosen)  # catalogue order

if not module_ids:
    st.info(viewer.t("dashboard.no_modules"), icon=":material/filter_alt:")
    st.stop()
if by_id[cohort_id].members == 0:
    st.info(viewer.t("dashboard.no_members"), icon=":material/group_off:")
    st.stop()

caption_col, refresh_col = st.columns([5, 1], vertical_alignment="center")
if refresh_col.button(viewer.t("dashboard.refresh"), icon=":material/refresh:", width="stretch"):
    load.clear()
board = load(database_url(), cohort_id, module_ids, start, end, now().date(), viewer.account)
caption_col.caption(viewer.t("dashboard.as_of", date=board.reference_day.strftime(date_format),
                             time=now().strftime("%H:%M")))

matrix = board.matrix
cells = matrix.size
passed = int((matrix == dashboard.PASSED).to_numpy().sum())
members_metric, passed_metric, overdue_metric, behind_metric = st.columns(4)
members_metric.metric(viewer.t("dashboard.metric_members"), len(board.learners))
passed_metric.metric(viewer.t("dashboard.metric_passed"), f"{passed} / {cells}",
                     help=viewer.t("dashboard.metric_passed_help"))
overdue_metric.metric(viewer.t("dashboard.metric_overdue"), len(board.overdue))
behind_metric.metric(viewer.t("dashboard.metric_overdue_learners"), board.overdue["user_id"].nunique())

st.subheader(viewer.t("dashboard.section_status"))
draw_chart(charts_dashboard.status_bars(board.status_counts, titles, viewer.locale), viewer.locale)

st.subheader(viewer.t("dashboard.section_completion"))
if board.completion.empty:
    st.caption(viewer.t("dashboard.no_data"))
else:
    draw_chart(charts_dashboard.completion_over_time(board.completion, titles, viewer.locale), viewer.locale)

st.subheader(viewer.t("dashboard.section_heatmap"))
total = len(board.learners)
pages = max(1, math.ceil(total / dashboard.HEATMAP_PAGE_SIZE))
order_col, page_col = st.columns([3, 1])
order = order_col.segmented_control(
    viewer.t("dashboard.heatmap_order"), ["progress", "name"], default="progress", required=True,
    format_func=lambda code: viewer.t(f"dashboard.order_{code}"), key="dashboard_order",
)
page_number = page_col.number_input(viewer.t("dashboard.heatmap_page"), min_value=1, max_value=pages, value=1,
                                    key="dashboard_page")
rows = dashboard.heatmap_rows(board, page=page_number - 1, by=order)
first = (page_number - 1) * dashboard.HEATMAP_PAGE_SIZE + 1
st.caption(viewer.t("dashboard.heatmap_caption", first=first, last=min(total, first + dashboard.HEATMAP_PAGE_SIZE - 1),
                    total=total, size=dashboard.HEATMAP_PAGE_SIZE))
draw_chart(charts_dashboard.status_heatmap(rows, titles, viewer.locale), viewer.locale)

score_col, time_col = st.columns(2)
with score_col:
    st.subheader(viewer.t("dashboard.section_scores"))
    if board.module_stats["mean_score"].isna().all():
        st.caption(viewer.t("dashboard.no_data"))
    else:
        draw_chart(charts_dashboard.score_bars(board.module_stats, titles, viewer.locale), viewer.locale)
with time_col:
    st.subheader(viewer.t("dashboard.section_time"))
    if board.module_stats["mean_minutes"].isna().all():
        st.caption(viewer.t("dashboard.no_data"))
    else:
        draw_chart(charts_dashboard.time_bars(board.module_stats, titles, viewer.locale), viewer.locale)

st.subheader(viewer.t("dashboard.section_overdue"))
if board.overdue.empty:
    st.caption(viewer.t("dashboard.no_overdue"))
else:
    shown = board.overdue.head(500)
    st.caption(viewer.t("dashboard.overdue_caption", shown=len(shown), total=len(board.overdue)))
    st.dataframe(
        shown.assign(
            module=shown["module_id"].map(lambda module_id: titles.get(module_id, module_id)),
            due=shown["due_date"].map(lambda day: day.strftime(date_format)),
        )[["name", "email", "module", "due", "days_late"]].rename(columns={
            "name": viewer.t("cohorts.col_name"), "email": viewer.t("cohorts.col_email"),
            "module": viewer.t("dashboard.module"), "due": viewer.t("dashboard.col_due"),
            "days_late": viewer.t("dashboard.col_days_late"),
        }),
        hide_index=True, width="stretch",
    )

st.subheader(viewer.t("dashboard.section_satisfaction"))
if board.satisfaction.empty:
    st.caption(viewer.t("dashboard.no_data"))
else:
    draw_chart(charts_dashboard.satisfaction_heatmap(board.satisfaction, titles, viewer.locale), viewer.locale)

st.subheader(viewer.t("dashboard.section_gain"), help=viewer.t("dashboard.gain_help"))
if board.gain["gain"].isna().all():
    st.caption(viewer.t("dashboard.no_data"))
else:
    draw_chart(charts_dashboard.gain_bars(board.gain, titles, viewer.locale), viewer.locale)
