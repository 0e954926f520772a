"""Trainer studio: content health, preview (learner and trainer views), edit, upload and exports of modules."""

import streamlit as st

from academy.accounts.roles import TRAINERS
from academy.ui import studio_view
from academy.ui.guard import page

viewer = page("nav.studio", roles=TRAINERS)
ctx = studio_view.studio_context(viewer)
t = viewer.t

st.title(t("studio.title"))
studio_view.show_flash(viewer.locale)
# A link such as ?module=ID&file=quiz.md (from Item analysis) opens that file in the editor, once.
opened_from_link = studio_view.open_link(ctx)
tab_labels = [t("studio.tab_health"), t("studio.tab_preview"), t("studio.tab_edit"), t("studio.tab_upload"),
              t("studio.tab_exports")]
health_tab, preview_tab, edit_tab, upload_tab, export_tab = st.tabs(
    tab_labels, default=tab_labels[2] if opened_from_link else None, key="studio_tabs")

with health_tab:
    studio_view.content_health(ctx)
with preview_tab:
    studio_view.preview_tab(ctx)
with edit_tab:
    studio_view.edit_tab(ctx)
with upload_tab:
    studio_view.upload_tab(ctx)
with export_tab:
    studio_view.downloads(ctx)
