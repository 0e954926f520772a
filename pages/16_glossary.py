"""Glossaire: the curriculum's terms with their definitions, the words to avoid and the modules that teach them."""

import streamlit as st

from academy.accounts.roles import SIGNED_IN
from academy.ui.glossary_view import glossary_page
from academy.ui.guard import page
from academy.ui.resources import catalog

viewer = page("nav.glossary", roles=SIGNED_IN)
st.title(viewer.t("glossary.title"))
glossary_page(viewer, catalog())
