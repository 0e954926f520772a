"""Profile (every role): name, profession, RPPS, language, password, and the account's sign-in sessions."""

import streamlit as st

from academy.accounts.roles import SIGNED_IN
from academy.ui import profile_view
from academy.ui.guard import page

viewer = page("nav.profile", roles=SIGNED_IN)
st.title(viewer.t("profile.title"))
profile_view.show_flash(viewer)
profile_view.identity_form(viewer)
st.divider()
profile_view.password_form(viewer)
st.divider()
profile_view.sessions_section(viewer)
