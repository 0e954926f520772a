"""Exports: progress, responses, xAPI statements and DPC traceability; preview, then download (audited)."""

import functools

import streamlit as st

from academy.accounts.roles import COORDINATORS
from academy.interop import exports
from academy.ui.address import public_base_url
from academy.ui.guard import page
from academy.ui.resources import catalog, engine, now
from academy.ui.widgets import relabel

viewer = page("nav.exports", roles=COORDINATORS)
account = viewer.account
st.title(viewer.t("exports.title"))
st.caption(viewer.t("exports.intro"))
eng, cat, home = engine(), catalog(), public_base_url()  # home: xAPI identifiers

kind = st.segmented_control(viewer.t("exports.kind"), exports.KINDS, default="progress", required=True,
                            format_func=lambda k: viewer.t(f"exports.kind.{k}"), key="export_kind")
st.markdown(viewer.t(f"exports.about.{kind}"))
titles = {module.id: module.title for module in cat.modules}
col_format, col_cohort, col_module = st.columns([1, 2, 2])
fmt = col_format.selectbox(viewer.t("exports.format"), exports.FORMATS[kind], format_func=str.upper,
                           key=f"export_format_{kind}", placeholder=viewer.t("choose.one"))
everyone = viewer.t("exports.all_learners" if account.has_role("admin") else "exports.all_my_learners")
# « All » is "" rather than None, which Streamlit takes for « nothing selected »; labels follow a language switch
relabel("export_cohort", viewer.locale)
relabel("export_module", viewer.locale)
cohort = col_cohort.selectbox(viewer.t("exports.cohort"), ["", *exports.cohort_names(eng, viewer=account)],
                              key="export_cohort", format_func=lambda name: name or everyone,
                              placeholder=viewer.t("choose.one")) or None
module = col_module.selectbox(viewer.t("exports.module"), ["", *titles], key="export_module",
                              format_func=lambda mid: titles[mid] if mid else viewer.t("exports.all_modules"),
                              placeholder=viewer.t("choose.one")) or None
pseudonymize = st.toggle(viewer.t("exports.pseudonymize"), help=viewer.t("exports.pseudonymize_help"),
                         key="export_pseudonymize")
dialect = "standard"
if fmt == "csv":
    dialect = st.radio(viewer.t("exports.dialect"), exports.DIALECTS, horizontal=True, key="export_dialect",
                       format_func=lambda d: viewer.t(f"exports.dialect.{d}"))
    st.caption(viewer.t(f"exports.csv_note.{dialect}"))
elif fmt == "xlsx":
    st.caption(viewer.t("exports.xlsx_note"))

request = exports.ExportRequest(kind, fmt, cohort, module, pseudonymize, dialect, locale=viewer.locale)
try:
    table = exports.preview(eng, cat, request, home=home, viewer=account)
except exports.ExportError as err:  # e.g. a cohort deleted since the page was drawn
    st.error(err.message(viewer.locale), icon=":material/error:")
    st.stop()

st.subheader(viewer.t("exports.preview"))
if table.empty:
    st.info(viewer.t("exports.empty"), icon=":material/info:")
else:
    st.dataframe(table, hide_index=True, width="stretch")


def record_download(downloaded: exports.ExportRequest) -> None:
    """Audit a download (the button's click callback) and confirm it."""
    exports.record_export(eng, downloaded, actor_id=account.id, via="page")
    st.toast(viewer.t("exports.downloaded"), icon=":material/history:")


file_name = request.file_name(now().date())
st.download_button(
    viewer.t("exports.download", file=file_name),
    data=functools.partial(exports.export_bytes, eng, cat, request, home=home, viewer=account),  # built when clicked
    file_name=file_name,
    mime=request.mime_type,
    on_click=record_download,
    args=(request,),
    icon=":material/download:",
    type="primary",
    key="export_download",
)
with st.expander(viewer.t("exports.cli")):
    st.code(request.command(file_name), language="bash")
