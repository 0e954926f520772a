"""Public verification of an attestation by its code (also read from ?code=); shows only what the attestation shows."""

import streamlit as st

from academy.coordination import certificates
from academy.ui.guard import page
from academy.ui.resources import catalog, engine
from academy.ui.session import client_address
from academy.ui.text import escape_markdown

viewer = page("nav.verify", roles=None)
st.title(viewer.t("verify.title"))
st.markdown(viewer.t("verify.intro"))
code = st.text_input(viewer.t("verify.code"), value=st.query_params.get("code", ""), max_chars=40,
                     placeholder="XXXX-XXXX-XXXX", key="verify_code")
if not code.strip():
    st.stop()

result = certificates.verify(engine(), code, modules=catalog().all_modules, client=client_address())
if result.status == certificates.THROTTLED:
    st.error(viewer.t("verify.throttled", minutes=max(1, -(-result.retry_after_seconds // 60))),
             icon=":material/hourglass:")
    st.stop()
if result.status == certificates.UNKNOWN:
    st.warning(viewer.t("verify.unknown"), icon=":material/help:")
    st.stop()
if result.status == certificates.ERASED:
    st.info(viewer.t("verify.erased"), icon=":material/person_off:")
    st.stop()
if result.status == certificates.REVOKED:
    st.error(viewer.t("verify.revoked", date=certificates.format_date(result.revoked_at, viewer.locale)),
             icon=":material/cancel:")
else:
    st.success(viewer.t("verify.valid"), icon=":material/verified:")

fields = [
    (viewer.t("verify.holder"), result.holder_name),
    (viewer.t("verify.programme" if result.is_programme else "verify.module"), result.title),
    (viewer.t("verify.date"), certificates.format_date(result.issued_at, viewer.locale)),
]
if result.status == certificates.VALID:
    fields += [
        (viewer.t("verify.hours"), f"{certificates.format_hours(result.hours)}\u00a0h"),
        (viewer.t("verify.score"), certificates.format_score(result.score)),
        (viewer.t("verify.issuer"), result.issuer),
    ]
fields.append((viewer.t("verify.code_label"), result.code))
with st.container(border=True):
    for label, value in fields:
        label_col, value_col = st.columns([1, 3])
        label_col.markdown(f"**{label}**")
        value_col.markdown(escape_markdown(value))
