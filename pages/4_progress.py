"""My progress: status per module, scores over time and time spent, as tables and Altair charts."""

import pandas as pd
import streamlit as st

from academy.accounts.roles import SIGNED_IN
from academy.analytics import progress_charts as charts
from academy.learning import progress
from academy.learning.overview import module_overviews
from academy.ui.guard import page
from academy.ui.my_data import attestations_and_data
from academy.ui.resources import catalog, engine

viewer = page("nav.progress", roles=SIGNED_IN)
account = viewer.account
st.title(viewer.t("progress.title"))

modules = catalog().modules
overviews = module_overviews(modules, progress.module_progress(engine(), account.id))
table = pd.DataFrame({
    viewer.t("progress.module"): [o.module.title for o in overviews],
    viewer.t("progress.status"): [viewer.t(f"status.{o.status}") for o in overviews],
    viewer.t("progress.lessons"): [f"{o.lessons_read}/{o.lessons_total}" for o in overviews],
    viewer.t("progress.best"): ["—" if o.best_score is None else f"{round(o.best_score * 100)}\u00a0%"
                                for o in overviews],
    viewer.t("progress.attempts"): [o.attempts for o in overviews],
    viewer.t("progress.minutes"): [round(o.seconds_spent / 60) for o in overviews],
})
st.dataframe(table, hide_index=True, width="stretch")

titles = {module.id: module.title for module in modules}
history = progress.score_history(engine(), account.id)
st.subheader(viewer.t("progress.scores_over_time"))
if history:
    st.vega_lite_chart(spec=charts.scores_over_time(history, titles, viewer.locale), width="stretch")
else:
    st.caption(viewer.t("progress.no_attempt"))

st.subheader(viewer.t("progress.time_per_module"))
st.vega_lite_chart(spec=charts.time_per_module(overviews, viewer.locale), width="stretch")

attestations_and_data(viewer)
