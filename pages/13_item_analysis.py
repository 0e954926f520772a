"""Item analysis: a module quiz's statistics, flagged questions with their reasons, distractors, learner feedback."""

import streamlit as st

from academy.accounts.roles import TRAINERS
from academy.ui import item_analysis_view as view
from academy.ui.guard import page
from academy.ui.resources import catalog

viewer = page("nav.item_analysis", roles=TRAINERS)
t = viewer.t
modules = {module.id: module for module in catalog().modules if module.quiz is not None}

st.title(t("items.title"))
st.caption(t("items.intro"))
if not modules:
    st.info(t("items.no_module"), icon=":material/quiz:")
    st.stop()

module, attempts = view.choose_module(viewer, modules)
analysis = view.analysis_of(module, attempts)
stats_tab, distractors_tab, feedback_tab = st.tabs(
    [t("items.tab_stats"), t("items.tab_distractors"), t("items.tab_feedback")], key="items_tabs")

with stats_tab:
    view.statistics_tab(viewer, module, analysis, attempts)
with distractors_tab:
    view.distractors_tab(viewer, module, analysis, attempts)
with feedback_tab:
    view.feedback_tab(viewer, module)
