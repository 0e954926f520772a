"""Home: sign-in and sign-up when signed out; the learner's dashboard when signed in."""

import streamlit as st

from academy.coordination import cohorts
from academy.learning import progress, review
from academy.learning.overview import IN_PROGRESS, PASSED, module_overviews
from academy.ui.account_forms import sign_in_form, sign_up_form
from academy.ui.guard import page
from academy.ui.resources import catalog, engine
from academy.ui.text import escape_markdown
from academy.ui.widgets import hours, module_link

viewer = page("nav.home", roles=None)
if flash := st.session_state.pop("flash", None):
    st.toast(viewer.t(flash), icon=":material/check:")

if viewer.account is None:
    st.title(viewer.t("home.welcome"))
    st.markdown(viewer.t("home.pitch"))
    sign_in_tab, sign_up_tab = st.tabs([viewer.t("home.tab_sign_in"), viewer.t("home.tab_sign_up")], key="home_tabs")
    with sign_in_tab:
        sign_in_form(viewer.locale)
    with sign_up_tab:
        sign_up_form(viewer.locale)
    st.stop()

account = viewer.account
modules = catalog().modules
overviews = module_overviews(modules, progress.module_progress(engine(), account.id))
st.title(viewer.t("home.hello", name=escape_markdown(account.name)))

passed = [o for o in overviews if o.status == PASSED]
started = [o for o in overviews if o.status == IN_PROGRESS]
col1, col2, col3 = st.columns(3)
col1.metric(viewer.t("home.metric_completed"), len(passed))
col2.metric(viewer.t("home.metric_started"), len(started))
col3.metric(viewer.t("home.metric_hours"), f"{hours(sum(o.credited_hours for o in overviews))}\u00a0h")
review.sync_cards(engine(), account.id)
st.page_link("pages/5_review.py", icon=":material/replay:",
             label=viewer.t("review.home_due", n=review.due_count(engine(), account.id, catalog_modules=modules)))

st.subheader(viewer.t("home.continue"))
last = progress.last_activity(engine(), account.id)
current = next((o for o in overviews if last and o.module.id == last.module_id), None)
if current is not None:
    module_link(current.module, viewer.t("home.continue_module", title=current.module.title),
                lesson_id=last.lesson_id)
    st.progress(current.completion)
else:
    st.markdown(viewer.t("home.start_first"))
    st.page_link("pages/1_catalogue.py", label=viewer.t("nav.catalogue"), icon=":material/menu_book:")

st.subheader(viewer.t("home.your_modules"))
mine = [o for o in overviews if o.status != "not_started"]
if not mine:
    st.caption(viewer.t("home.no_modules"))
for overview in mine:
    with st.container(border=True):
        module_link(overview.module, overview.module.title)
        st.progress(overview.completion, text=viewer.t(f"status.{overview.status}"))

assigned = [a for a in cohorts.assignments_for(engine(), account.id) if catalog().module(a.module_id)]
if assigned:
    st.subheader(viewer.t("cohorts.home_title"))
for item in assigned:
    with st.container(border=True):
        module_link(catalog().module(item.module_id), catalog().module(item.module_id).title)
        st.badge(viewer.t(f"cohorts.status.{item.status}"), icon=":material/event:",
                 color={"overdue": "red", "due_soon": "orange", "done": "green"}.get(item.status, "blue"))
        due = item.due_date.strftime(viewer.t("cohorts.date_format")) if item.due_date else ""
        cohort_name = escape_markdown(item.cohort_name)
        st.caption(viewer.t("cohorts.home_due", date=due, cohort=cohort_name) if due
                   else viewer.t("cohorts.home_no_due", cohort=cohort_name))
