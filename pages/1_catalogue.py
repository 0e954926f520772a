"""Catalogue: every available module as a card, with search, filters and the learner's progress."""

import streamlit as st

from academy.accounts.roles import SIGNED_IN
from academy.learning import progress
from academy.learning.overview import IN_PROGRESS, NOT_STARTED, PASSED, matches, module_overviews
from academy.ui.guard import page
from academy.ui.resources import catalog, engine
from academy.ui.search_view import lesson_results, matching_modules
from academy.ui.widgets import module_card_text, module_link

viewer = page("nav.catalogue", roles=SIGNED_IN)
st.title(viewer.t("catalogue.title"))

cat = catalog()
overviews = module_overviews(cat.modules, progress.module_progress(engine(), viewer.account.id))
titles = {module.id: module.title for module in cat.modules}

search_col, level_col, status_col = st.columns([2, 2, 2])
search = search_col.text_input(viewer.t("catalogue.search"), placeholder=viewer.t("catalogue.search_placeholder"))
levels = level_col.pills(viewer.t("catalogue.level"), ["initiation", "intermediaire", "avance"],
                         selection_mode="multi", format_func=lambda code: viewer.t(f"level.{code}"))
statuses = status_col.pills(viewer.t("catalogue.status"), [NOT_STARTED, IN_PROGRESS, PASSED],
                            selection_mode="multi", format_func=lambda code: viewer.t(f"status.{code}"))

found, lesson_hits = matching_modules(cat, search)
shown = [o for o in overviews
         if matches(o, levels=levels, statuses=statuses) and (found is None or o.module.id in found)]
st.caption(viewer.t("catalogue.count", n=len(shown)))
if not shown:
    st.info(viewer.t("catalogue.none"), icon=":material/search_off:")

for row_start in range(0, len(shown), 2):
    for column, overview in zip(st.columns(2), shown[row_start:row_start + 2], strict=False):
        with column.container(border=True):
            st.markdown(module_card_text(overview, titles, viewer.locale))
            st.progress(overview.completion)
            module_link(overview.module, viewer.t("catalogue.open"))

lesson_results(viewer, cat, lesson_hits)
