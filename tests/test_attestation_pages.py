"""Attestation pages in AppTest: public verification, coordinators' page, My progress downloads, admin erasure.

Role refusals of the new pages come from tests/security/test_page_access.py (PAGE_ROLES).
"""

from __future__ import annotations

import pytest
from apptest_support import make_account, open_page
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from test_certificates import make_cohort, pass_module

from academy.accounts import auth, data_rights
from academy.content.catalog import Module, load_catalog
from academy.coordination import certificates, cohorts
from academy.store.audit import audit_entries
from academy.ui.resources import PROJECT_ROOT

MODULE = "fondamentaux-ia-sante"


@pytest.fixture(scope="module")
def module() -> Module:
    return load_catalog(PROJECT_ROOT / "content").module(MODULE)


def graduate(engine: Engine, module: Module, email: str, name: str) -> auth.Account:
    account = make_account(engine, "learner", email, name)
    pass_module(engine, account.id, module)
    return account


def markdown(at: AppTest) -> str:
    return "\n".join(node.value for node in at.markdown)


def download_labels(at: AppTest) -> list[str]:
    return [node.proto.label for node in at.get("download_button")]


def click(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def test_verify_page_is_public_and_answers_each_status(app_env: Engine, module: Module) -> None:
    engine = app_env
    valid = certificates.issue_certificate(
        engine, user_id=graduate(engine, module, "elodie@example.org", "Élodie Lefèvre").id, module=module)
    revoked = certificates.issue_certificate(
        engine, user_id=graduate(engine, module, "paul@example.org", "Paul Durand").id, module=module)
    certificates.revoke(engine, revoked.code, actor_id=None, reason="Erreur de saisie")
    erased_holder = graduate(engine, module, "nadia@example.org", "Nadia Benali")
    erased = certificates.issue_certificate(engine, user_id=erased_holder.id, module=module)
    data_rights.erase_learner(engine, erased_holder.id, actor_id=None)

    at = open_page("pages/12_verify.py", query={"code": valid.code})  # signed out, code from the QR URL
    assert not at.exception
    assert [s.value for s in at.success] == ["Attestation valide."]
    page = markdown(at)
    for shown in ("Élodie Lefèvre", module.title, "0,75\u00a0h", "100\u00a0%", "Académie IA Santé"):
        assert shown in page

    at.text_input(key="verify_code").input(revoked.display_code.lower()).run()
    revoked_on = certificates.format_date(certificates.certificate(engine, revoked.code).revoked_at)
    assert [e.value for e in at.error] == [f"Cette attestation a été révoquée le {revoked_on}."]
    assert "Paul Durand" in markdown(at) and "**Score**" not in markdown(at)
    assert "Erreur de saisie" not in markdown(at) and not at.success

    at.text_input(key="verify_code").input("ZZZZ-ZZZZ-ZZZZ").run()
    assert [w.value for w in at.warning] == ["Aucune attestation ne correspond à ce code. Vérifiez votre saisie."]
    assert "**Titulaire**" not in markdown(at)

    at.text_input(key="verify_code").input(erased.code).run()
    assert "les données du titulaire ont été effacées" in at.info[0].value
    assert "Nadia" not in markdown(at) and "**Titulaire**" not in markdown(at)
    assert not at.exception


def test_coordinator_finds_revokes_and_issues(app_env: Engine, module: Module) -> None:
    engine = app_env
    learner = graduate(engine, module, "elodie@example.org", "Élodie Lefèvre")
    info = certificates.issue_certificate(engine, user_id=learner.id, module=module)
    coordinator = make_account(engine, "coordinator")
    promo = cohorts.create_cohort(engine, "Promo 2026", actor_id=coordinator.id)  # a coordinator sees their cohorts
    cohorts.add_member(engine, promo.id, email=learner.email, actor_id=coordinator.id)
    at = open_page("pages/11_attestations.py", auth.create_session(engine, coordinator.id))
    assert not at.exception and at.title[0].value == "Attestations"

    at.text_input(key="attest_search").input(info.display_code).run()
    assert at.dataframe[0].value["Titulaire"].tolist() == ["Élodie Lefèvre"]
    assert "Télécharger l’attestation (PDF)" in download_labels(at)
    click(at, "Révoquer l’attestation")  # no reason: refused, nothing changes
    assert "Indiquez le motif de la révocation." in [e.value for e in at.error]
    assert certificates.verify(engine, info.code).status == "valid"

    at.text_area(key="revoke_reason").input("Attestation délivrée par erreur")
    click(at, "Révoquer l’attestation")  # a reason but no confirmation: refused, nothing changes
    assert "Cochez la case de confirmation pour révoquer l’attestation." in [e.value for e in at.error]
    assert certificates.verify(engine, info.code).status == "valid"
    assert at.text_area(key="revoke_reason").value == "Attestation délivrée par erreur"  # kept for the second step

    at.checkbox(key="revoke_confirm").check()
    click(at, "Révoquer l’attestation")
    assert not at.exception
    assert certificates.verify(engine, info.code).status == "revoked"
    assert at.dataframe[0].value["Statut"].tolist() == ["Révoquée"]
    assert any("Attestation délivrée par erreur" in e.value for e in at.error)
    [entry] = audit_entries(engine, action="certificate_revoke")
    assert entry.actor_id == coordinator.id

    # Issue tab: a coordinator issues a new attestation for a learner who passed.
    at.selectbox(key="issue_module").set_value(module.id).run()
    assert at.selectbox(key="issue_learner").options == ["Élodie Lefèvre · elodie@example.org"]
    click(at, "Délivrer l’attestation")
    assert not at.exception
    [new] = [c for c in certificates.user_certificates(engine, learner.id) if c.status == "valid"]
    assert [s.value for s in at.success] == [f"Attestation {new.display_code} délivrée à Élodie Lefèvre."]
    assert audit_entries(engine, action="certificate_issue")[0].actor_id == coordinator.id


def test_learner_downloads_attestations_and_data_from_my_progress(app_env: Engine, module: Module) -> None:
    engine = app_env
    learner = make_account(engine, "learner", "elodie@example.org", "Élodie Lefèvre")
    token = auth.create_session(engine, learner.id)
    at = open_page("pages/4_progress.py", token)
    assert not at.exception
    assert "Validez un module pour obtenir votre attestation." in [c.value for c in at.caption]
    assert download_labels(at) == ["Télécharger mes données (JSON)", "Télécharger mon activité (CSV)"]

    make_cohort(engine, "DPC Lyon 2026", [module.id], [learner.id])
    at.run()
    assert "Programme « DPC Lyon 2026 »" in markdown(at)
    assert "0/1 modules validés" in [c.value for c in at.caption]

    pass_module(engine, learner.id, module)
    at.run()
    assert module.title in markdown(at)
    assert [c.value for c in at.caption].count("Attestation créée au premier téléchargement") == 2
    assert download_labels(at)[:2] == ["Télécharger l’attestation (PDF)"] * 2

    info = certificates.issue_certificate(engine, user_id=learner.id, module=module)
    at.run()
    assert any(info.display_code in c.value for c in at.caption)
    certificates.revoke(engine, info.code, actor_id=None, reason="Fraude")
    at.run()
    assert "Attestation révoquée\u00a0: contactez votre coordinateur·rice." in [c.value for c in at.caption]
    assert download_labels(at).count("Télécharger l’attestation (PDF)") == 1  # the programme's only
    assert not at.exception


def test_coordinator_issues_a_programme_attestation(app_env: Engine, module: Module) -> None:
    engine = app_env
    learner = graduate(engine, module, "elodie@example.org", "Élodie Lefèvre")
    beginner = make_account(engine, "learner", "paul@example.org", "Paul Durand")
    cohort_id = make_cohort(engine, "DPC Lyon 2026", [module.id], [learner.id, beginner.id])
    coordinator = make_account(engine, "coordinator")
    cohorts.add_manager(engine, cohort_id, email=coordinator.email, viewer=None)  # made without a creator
    at = open_page("pages/11_attestations.py", auth.create_session(engine, coordinator.id))
    at.segmented_control(key="issue_kind").set_value("programme").run()
    at.selectbox(key="issue_programme").set_value(cohort_id).run()
    assert at.selectbox(key="issue_learner").options == ["Élodie Lefèvre · elodie@example.org"]  # Paul has not passed
    click(at, "Délivrer l’attestation")
    assert not at.exception
    [info] = certificates.user_certificates(engine, learner.id)
    assert (info.is_programme, info.title, info.hours) == (True, "DPC Lyon 2026", module.credits_hours)
    assert [s.value for s in at.success] == [f"Attestation {info.display_code} délivrée à Élodie Lefèvre."]


def test_admin_erases_an_account_after_typing_its_email(app_env: Engine, module: Module) -> None:
    engine = app_env
    learner = graduate(engine, module, "elodie@example.org", "Élodie Lefèvre")
    info = certificates.issue_certificate(engine, user_id=learner.id, module=module)
    admin = make_account(engine, "admin")
    at = open_page("pages/9_admin.py", auth.create_session(engine, admin.id))
    assert not at.exception
    assert at.selectbox(key="erase_target").options == ["Élodie Lefèvre · elodie@example.org"]  # not oneself

    at.selectbox(key="erase_target").set_value(learner.id)
    at.text_input(key="erase_confirm").input("someone@example.org")
    click(at, "Effacer définitivement")
    assert "L’adresse saisie ne correspond pas au compte choisi." in [e.value for e in at.error]
    assert auth.get_account(engine, learner.id) is not None

    at.selectbox(key="erase_target").set_value(learner.id)
    at.text_input(key="erase_confirm").input(" Elodie@Example.org ")
    click(at, "Effacer définitivement")
    assert not at.exception
    assert [s.value for s in at.success] == ["Compte effacé."]
    assert auth.get_account(engine, learner.id) is None
    assert certificates.verify(engine, info.code).status == "erased"
    assert [e.actor_id for e in audit_entries(engine, action="user_erase")] == [admin.id]
    assert "Élodie Lefèvre · elodie@example.org" not in at.selectbox(key="erase_target").options
