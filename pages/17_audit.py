"""Audit log (admins): filter by actor, action and date; page through; download as CSV."""

import streamlit as st

from academy.accounts.roles import ADMINS
from academy.ui import audit_view
from academy.ui.guard import page

viewer = page("nav.audit", roles=ADMINS, layout="wide")
st.title(viewer.t("audit.title"))
st.caption(viewer.t("audit.intro"))
wanted = audit_view.audit_filter(viewer)
audit_view.audit_table(viewer, wanted)
audit_view.audit_download(viewer, wanted)
