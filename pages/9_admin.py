"""Admin: accounts and their roles, platform settings, the xAPI outbox to the LRS."""

import streamlit as st

from academy.accounts import auth
from academy.accounts.roles import ADMINS
from academy.ui.account_admin import accounts_section, mail_section, pending_invitations_section
from academy.ui.address import public_address_panel
from academy.ui.guard import page
from academy.ui.lrs_view import lrs_section
from academy.ui.my_data import erase_account_form
from academy.ui.resources import engine

viewer = page("nav.admin", roles=ADMINS)
account = viewer.account
st.title(viewer.t("admin.title"))

st.subheader(viewer.t("admin.settings"))
signup_open = auth.get_setting(engine(), "self_signup")
if st.toggle(viewer.t("admin.self_signup"), value=bool(signup_open)) != bool(signup_open):
    auth.set_setting(engine(), "self_signup", not signup_open, actor_id=account.id)
    st.toast(viewer.t("admin.saved"), icon=":material/check:")
    st.rerun()
public_address_panel(viewer)

mail_section(viewer)
pending_invitations_section(viewer)
lrs_section(viewer)

accounts_section(viewer)

erase_account_form(viewer)
