"""Cohorts: create cohorts, add learners one by one or from a CSV roster, assign modules with due dates."""

import streamlit as st

from academy.accounts.roles import COORDINATORS
from academy.ui import cohorts_view
from academy.ui.guard import page

viewer = page("nav.cohorts", roles=COORDINATORS)
ctx = cohorts_view.cohorts_context(viewer)
st.title(viewer.t("cohorts.title"))
cohorts_view.show_flash()

all_cohorts = cohorts_view.create_cohort_form(ctx)
if not all_cohorts:
    st.info(viewer.t("cohorts.none"), icon=":material/groups:")
    st.stop()

cohort = cohorts_view.choose_cohort(ctx, all_cohorts)
members_tab, import_tab, modules_tab, managers_tab = st.tabs(
    [viewer.t("cohorts.tab_members"), viewer.t("cohorts.tab_import"), viewer.t("cohorts.tab_modules"),
     viewer.t("cohorts.tab_managers")],
    key="cohort_tabs",  # a stable identity: a flash message above must not send the coordinator back to tab one
)
with members_tab:
    cohorts_view.members_tab(ctx, cohort.id)
with import_tab:
    cohorts_view.import_tab(ctx, cohort)
with modules_tab:
    cohorts_view.modules_tab(ctx, cohort.id)
with managers_tab:
    cohorts_view.managers_tab(ctx, cohort.id)
