"""Admin: accounts and their roles, platform settings, the xAPI outbox to the LRS."""

import streamlit as st

from academy.accounts import auth
from academy.accounts.roles import ADMINS, ROLES
from academy.ui.account_admin import mail_section, password_actions, pending_invitations_section
from academy.ui.address import public_address_panel
from academy.ui.guard import page
from academy.ui.lrs_view import lrs_section
from academy.ui.my_data import erase_account_form
from academy.ui.resources import engine
from academy.ui.text import escape_markdown

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

st.subheader(viewer.t("admin.users"))
search = st.text_input(viewer.t("admin.search"))
accounts = auth.list_accounts(engine(), search=search, limit=50)
if not accounts:
    st.caption(viewer.t("admin.no_user"))
for other in accounts:
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(other.name)}** · {escape_markdown(other.email)}")
        with st.form(f"roles_{other.id}", border=False):
            chosen = st.multiselect(viewer.t("admin.roles"), ROLES, default=sorted(other.roles),
                                    format_func=lambda role: viewer.t(f"role.{role}"))
            if st.form_submit_button(viewer.t("admin.save_roles")):
                try:
                    auth.set_roles(engine(), actor_id=account.id, account_id=other.id, roles=chosen)
                except auth.RoleError as err:
                    st.error(str(err), icon=":material/error:")
                else:
                    st.success(viewer.t("admin.roles_saved"), icon=":material/check:")
        password_actions(viewer, other)

erase_account_form(viewer)
