"""Attestation and personal-data widgets: the learner's section of My progress, downloads, account erasure.

Downloads are generated when clicked (``st.download_button`` with a callable, run outside the script),
so a page rerun never renders a PDF nor records an export; the callables use no Streamlit command.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy import Engine

from academy.accounts import auth, data_rights
from academy.content.catalog import Module
from academy.coordination import certificates
from academy.coordination.certificates import CertificateInfo
from academy.learning import progress

from .address import public_base_url
from .guard import Viewer
from .resources import catalog, engine
from .text import escape_markdown

_ERASE_ERROR = "erase_error"
_ERASE_DONE = "erase_done"


def _pdf(info: CertificateInfo, base_url: str) -> bytes:
    return certificates.certificate_pdf(info, verify_url=certificates.verify_url(info.code, base_url))


def _base_url_or_warning(viewer: Viewer) -> str | None:
    """The public address attestations print (read during the run: downloads build outside it), or a warning."""
    base_url = public_base_url()
    if base_url is None:
        st.warning(viewer.t("address.missing_for_pdf"), icon=":material/link_off:")
    return base_url


def certificate_download(viewer: Viewer, info: CertificateInfo, *, key: str) -> None:
    """A button downloading an issued attestation's PDF (rendered when clicked)."""
    base_url = _base_url_or_warning(viewer)
    if base_url is None:
        return
    st.download_button(
        viewer.t("mydata.download_pdf"), data=lambda: _pdf(info, base_url), file_name=f"attestation-{info.code}.pdf",
        mime="application/pdf", on_click="ignore", icon=":material/download:", key=key,
    )


def _issue_on_click(eng: Engine, user_id: int, module: Module, base_url: str) -> Callable[[], bytes]:
    def build() -> bytes:
        return _pdf(certificates.issue_certificate(eng, user_id=user_id, module=module), base_url)
    return build


def _issue_programme_on_click(eng: Engine, user_id: int, cohort_id: int, modules: tuple[Module, ...],
                              base_url: str) -> Callable[[], bytes]:
    def build() -> bytes:
        return _pdf(certificates.issue_programme_certificate(eng, user_id=user_id, cohort_id=cohort_id,
                                                             modules=modules), base_url)
    return build


def _export_on_click(eng: Engine, user_id: int, fmt: str) -> Callable[[], bytes]:
    def build() -> bytes:
        data = data_rights.export_personal_data(eng, user_id)
        data_rights.record_export(eng, user_id, actor_id=user_id, fmt=fmt)
        return data_rights.personal_data_json(data) if fmt == "json" else data_rights.personal_data_csv(data)
    return build


def _attestation_row(viewer: Viewer, title: str, held: list[CertificateInfo], key: str,
                     issue: Callable[[], bytes] | None, file_name: str) -> None:
    """One module or programme: its valid attestation, a revocation notice, or issue-on-download."""
    valid = next((c for c in held if c.status == certificates.VALID), None)
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(title)}**")
        if valid is not None:
            st.caption(viewer.t("mydata.issued", code=valid.display_code,
                                date=certificates.format_date(valid.issued_at, viewer.locale)))
            certificate_download(viewer, valid, key=key)
        elif held:
            st.caption(viewer.t("mydata.revoked"))
        else:
            st.caption(viewer.t("mydata.not_issued"))
            if issue is None:  # no public address to print on it
                st.warning(viewer.t("address.missing_for_pdf"), icon=":material/link_off:")
                return
            st.download_button(viewer.t("mydata.download_pdf"), data=issue, file_name=file_name,
                               mime="application/pdf", on_click="ignore", icon=":material/download:", key=key)


def attestations_and_data(viewer: Viewer) -> None:
    """« Mes attestations » (one per passed module and completed cohort programme) and « Mes données »."""
    account = viewer.account
    if account is None:
        return
    eng = engine()
    modules = catalog().modules
    standing = progress.module_progress(eng, account.id)
    held = certificates.user_certificates(eng, account.id, modules=modules)
    by_module: dict[str, list[CertificateInfo]] = {}
    for info in held:
        by_module.setdefault(info.module_id, []).append(info)

    st.subheader(viewer.t("mydata.attestations"))
    st.caption(viewer.t("mydata.attestations_intro"))
    base_url = public_base_url()
    passed = [m for m in modules if (mp := standing.get(m.id)) is not None and mp.passed]
    by_id = {m.id: m for m in modules}
    programmes = certificates.learner_programmes(eng, account.id)
    if not passed and not programmes:
        st.caption(viewer.t("mydata.no_attestation"))
    for module in passed:
        _attestation_row(viewer, module.title, by_module.get(module.id, []), f"attestation_{module.id}",
                         _issue_on_click(eng, account.id, module, base_url) if base_url else None,
                         f"attestation-{module.id}.pdf")
    for programme in programmes:
        title = viewer.t("mydata.programme", name=programme.name)
        done = sum(1 for mid in programme.module_ids if (mp := standing.get(mid)) is not None and mp.passed)
        if done < len(programme.module_ids) or any(mid not in by_id for mid in programme.module_ids):
            with st.container(border=True):
                st.markdown(f"**{escape_markdown(title)}**")
                st.caption(viewer.t("mydata.programme_progress", done=done, total=len(programme.module_ids)))
            continue
        module_id = f"{certificates.PROGRAMME_PREFIX}{programme.cohort_id}"
        assigned = tuple(by_id[mid] for mid in programme.module_ids)
        _attestation_row(viewer, title, by_module.get(module_id, []), f"attestation_programme_{programme.cohort_id}",
                         _issue_programme_on_click(eng, account.id, programme.cohort_id, assigned, base_url)
                         if base_url else None,
                         f"attestation-programme-{programme.cohort_id}.pdf")

    st.subheader(viewer.t("mydata.title"))
    st.caption(viewer.t("mydata.intro"))
    json_col, csv_col = st.columns(2)
    json_col.download_button(viewer.t("mydata.download_json"), data=_export_on_click(eng, account.id, "json"),
                             file_name="mes-donnees.json", mime="application/json", on_click="ignore",
                             icon=":material/data_object:", key="my_data_json")
    csv_col.download_button(viewer.t("mydata.download_csv"), data=_export_on_click(eng, account.id, "csv"),
                            file_name="mon-activite.csv", mime="text/csv", on_click="ignore",
                            icon=":material/table:", key="my_data_csv")


# --- account erasure (Admin) ----------------------------------------------------------------------------


def _erase(actor_id: int) -> None:
    state = st.session_state
    target = state.get("erase_target")
    account = auth.get_account(engine(), target) if target is not None else None
    if account is None:
        state[_ERASE_ERROR] = "erase.error.no_account"
        return
    if auth.normalize_email(state.get("erase_confirm", "")) != account.email:
        state[_ERASE_ERROR] = "erase.error.mismatch"
        return
    try:
        data_rights.erase_learner(engine(), account.id, actor_id=actor_id)
    except data_rights.ErasureError as err:
        state[_ERASE_ERROR] = f"erase.error.{err.reason}"
        return
    state.pop(_ERASE_ERROR, None)
    state["erase_target"] = None
    state["erase_confirm"] = ""
    state[_ERASE_DONE] = True


def erase_account_form(viewer: Viewer) -> None:
    """Admin: choose an account (not one's own), type its email to confirm, erase it."""
    account = viewer.account
    if account is None:
        return
    st.subheader(viewer.t("erase.title"))
    st.caption(viewer.t("erase.help"))
    if st.session_state.pop(_ERASE_DONE, False):
        st.success(viewer.t("erase.done"), icon=":material/check:")
    search = st.text_input(viewer.t("erase.search"), key="erase_search")
    labels = {a.id: f"{a.name} · {a.email}" for a in auth.list_accounts(engine(), search=search, limit=50)
              if a.id != account.id}
    with st.form("erase_account"):
        st.selectbox(viewer.t("erase.account"), list(labels), format_func=labels.get, index=None,
                     placeholder=viewer.t("erase.placeholder"), key="erase_target")
        st.text_input(viewer.t("erase.confirm_email"), key="erase_confirm")
        if error := st.session_state.get(_ERASE_ERROR):
            st.error(viewer.t(error), icon=":material/error:")
        st.form_submit_button(viewer.t("erase.submit"), type="primary", icon=":material/delete_forever:",
                              on_click=_erase, args=(account.id,))
