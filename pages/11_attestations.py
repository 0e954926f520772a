"""Attestations (coordinators): find attestations, download or revoke them, issue one for a learner who passed."""

import pandas as pd
import streamlit as st

from academy.accounts.roles import COORDINATORS
from academy.coordination import certificates
from academy.ui.guard import page
from academy.ui.my_data import certificate_download
from academy.ui.resources import catalog, engine
from academy.ui.text import escape_markdown

viewer = page("nav.attestations", roles=COORDINATORS)
account = viewer.account
st.title(viewer.t("attest.title"))
cat = catalog()


def revoke_chosen(code: str) -> None:
    """Form callback: revoke `code` with the typed reason, once confirmed; the outcome shows under the form."""
    if st.session_state.get("revoke_reason", "").strip() and not st.session_state.get("revoke_confirm"):
        st.session_state["revoke_error"] = "attest.revoke_unconfirmed"  # a revocation cannot be undone
        return
    try:
        certificates.revoke(engine(), code, actor_id=account.id, reason=st.session_state.get("revoke_reason", ""),
                            viewer=account)
    except certificates.CertificateError as err:
        st.session_state["revoke_error"] = f"cert.error.{err.reason}"
    else:
        st.session_state.pop("revoke_error", None)
        st.session_state["revoke_reason"] = ""
        st.session_state["revoke_confirm"] = False
        st.toast(viewer.t("attest.revoked_ok", code=certificates.format_code(code)), icon=":material/check:")


find_tab, issue_tab = st.tabs([viewer.t("attest.tab_find"), viewer.t("attest.tab_issue")], key="attest_tabs")

with find_tab:
    query = st.text_input(viewer.t("attest.search"), placeholder=viewer.t("attest.search_placeholder"),
                          key="attest_search")
    found = certificates.search_certificates(engine(), query=query, modules=cat.all_modules, viewer=account)
    if not found:
        st.caption(viewer.t("attest.none"))
    else:
        st.dataframe(pd.DataFrame({
            viewer.t("attest.col_code"): [c.display_code for c in found],
            viewer.t("attest.col_holder"): [c.holder_name for c in found],
            viewer.t("attest.col_title"): [c.title for c in found],
            viewer.t("attest.col_date"): [certificates.format_date(c.issued_at, viewer.locale) for c in found],
            viewer.t("attest.col_score"): [round(c.score * 100) for c in found],
            viewer.t("attest.col_hours"): [f"{certificates.format_hours(c.hours)}\u00a0h" for c in found],
            viewer.t("attest.col_status"): [viewer.t(f"cert.status.{c.status}") for c in found],
        }), hide_index=True, width="stretch")
        by_code = {c.code: c for c in found}
        chosen = st.selectbox(viewer.t("attest.choose"), list(by_code), key="attest_choice",
                              format_func=lambda code: f"{by_code[code].display_code} · {by_code[code].title}",
                              placeholder=viewer.t("choose.one"))
        info = by_code[chosen]
        if info.status == certificates.VALID:
            st.markdown(f"**{escape_markdown(info.holder_name)}** · {escape_markdown(info.title)}")
            certificate_download(viewer, info, key=f"pdf_{info.code}")
            with st.form("revoke"):
                st.text_area(viewer.t("attest.reason"), max_chars=certificates.MAX_REASON_LENGTH, key="revoke_reason")
                st.checkbox(viewer.t("attest.revoke_confirm"), key="revoke_confirm")
                if error := st.session_state.get("revoke_error"):
                    st.error(viewer.t(error), icon=":material/error:")
                st.form_submit_button(viewer.t("attest.revoke"), icon=":material/block:", on_click=revoke_chosen,
                                      args=(info.code,))
        elif info.status == certificates.REVOKED:
            st.error(viewer.t("attest.revoked_on", date=certificates.format_date(info.revoked_at, viewer.locale),
                              reason=escape_markdown(info.revoked_reason or "")), icon=":material/block:")
        else:
            st.info(viewer.t("attest.erased"), icon=":material/person_off:")

with issue_tab:
    kind = st.segmented_control(viewer.t("attest.kind"), ["module", "programme"], default="module", required=True,
                                format_func=lambda k: viewer.t(f"attest.kind_{k}"), key="issue_kind")
    learners: list[certificates.Learner] = []
    if kind == "module":
        gradable = {m.id: m for m in cat.modules if m.quiz is not None}
        module_id = st.selectbox(viewer.t("attest.module"), list(gradable), index=None, key="issue_module",
                                 format_func=lambda mid: gradable[mid].title, placeholder=viewer.t("attest.pick"))
        if module_id is not None:
            search = st.text_input(viewer.t("attest.learner_search"), key="issue_search")
            learners = certificates.passed_learners(engine(), module_id, search=search, viewer=account)
            if not learners:
                st.caption(viewer.t("attest.no_learner"))
    else:
        programmes = {p.cohort_id: p for p in certificates.programmes(engine(), viewer=account)}
        if not programmes:
            st.caption(viewer.t("attest.no_programme"))
        cohort_id = st.selectbox(viewer.t("attest.programme"), list(programmes), index=None, key="issue_programme",
                                 format_func=lambda cid: programmes[cid].name, placeholder=viewer.t("attest.pick"))
        if cohort_id is not None:
            learners = certificates.programme_completers(engine(), programmes[cohort_id])
            if not learners:
                st.caption(viewer.t("attest.no_completer"))
    if learners:
        names = {learner.id: f"{learner.name} · {learner.email}" for learner in learners}
        learner_id = st.selectbox(viewer.t("attest.learner"), list(names), format_func=names.get, key="issue_learner",
                                  placeholder=viewer.t("choose.one"))
        if st.button(viewer.t("attest.issue"), type="primary", icon=":material/workspace_premium:"):
            try:
                if kind == "module":
                    issued = certificates.issue_certificate(engine(), user_id=learner_id, module=gradable[module_id],
                                                            actor_id=account.id, reissue=True, viewer=account)
                else:
                    issued = certificates.issue_programme_certificate(
                        engine(), user_id=learner_id, cohort_id=cohort_id, modules=cat.modules, actor_id=account.id,
                        reissue=True, viewer=account)
            except certificates.CertificateError as err:
                st.error(viewer.t(f"cert.error.{err.reason}"), icon=":material/error:")
            else:
                st.success(viewer.t("attest.issued", code=issued.display_code,
                                    name=escape_markdown(issued.holder_name)), icon=":material/check:")
                certificate_download(viewer, issued, key=f"issued_{issued.code}")
