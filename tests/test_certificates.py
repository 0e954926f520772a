"""Attestations: issue rules, codes, verification (valid, revoked, unknown, erased), revocation, PDF."""

from __future__ import annotations

import dataclasses
import io
import re
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import Engine, func, select, update

from academy.accounts import auth, data_rights
from academy.content.catalog import Module, load_catalog
from academy.coordination import certificates
from academy.coordination.certificates import CertificateError
from academy.learning import progress
from academy.learning.responses import correct_response
from academy.store import db
from academy.store.audit import audit_entries
from academy.store.models import Assignment, Certificate, Cohort, CohortMember, User

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content" / "valid"
NAME = "Élodie Lefèvre-d’Argençon"
T0 = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def module() -> Module:
    return load_catalog(FIXTURES).module("bases-ia")


def learner(engine: Engine, email: str = "elodie@example.org", name: str = NAME) -> auth.Account:
    return auth.add_user(engine, email=email, name=name, password="correct-horse-battery", roles={"learner"})


def take_quiz(engine: Engine, user_id: int, module: Module, *, right: int | None = None,
              now: datetime | None = None) -> progress.AttemptResult:
    """Submit a certifying attempt answering the first `right` questions correctly (all when None)."""
    qz = module.quiz
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id=module.id, kind="post", quiz=qz,
                                        start_token=uuid.uuid4().hex, now=now)
    for question in qz.questions[:right]:
        progress.save_answer(engine, attempt_id, question.id, correct_response(question), now=now)
    return progress.submit_attempt(engine, attempt_id, qz, pass_mark=qz.settings.pass_mark or module.pass_mark,
                                   now=now)


def pass_module(engine: Engine, user_id: int, module: Module, now: datetime | None = None) -> None:
    assert take_quiz(engine, user_id, module, now=now).passed


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


# --- issuing ----------------------------------------------------------------------------------------


def test_not_issued_before_the_module_is_passed(engine: Engine, module: Module) -> None:
    account = learner(engine)
    with pytest.raises(CertificateError) as err:
        certificates.issue_certificate(engine, user_id=account.id, module=module)
    assert err.value.reason == "not_passed"
    assert not take_quiz(engine, account.id, module, right=1).passed
    with pytest.raises(CertificateError, match="not_passed"):
        certificates.issue_certificate(engine, user_id=account.id, module=module)
    with db.read(engine) as session:
        assert session.scalar(select(func.count(Certificate.id))) == 0


def test_issue_is_idempotent_and_copies_the_facts(engine: Engine, module: Module) -> None:
    account = learner(engine)
    pass_module(engine, account.id, module, now=T0)
    first = certificates.issue_certificate(engine, user_id=account.id, module=module, now=T0)
    again = certificates.issue_certificate(engine, user_id=account.id, module=module, now=T0 + timedelta(days=3))

    assert again == first
    assert re.fullmatch(r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{12}", first.code)
    assert first.display_code == f"{first.code[:4]}-{first.code[4:8]}-{first.code[8:]}"
    assert (first.holder_name, first.title, first.hours, first.score) == (NAME, module.title, 1.0, 1.0)
    assert (first.issued_at, first.issuer, first.status) == (T0, "Académie IA Santé", "valid")
    assert [e.target for e in audit_entries(engine, action="certificate_issue")] == [f"certificate:{first.code}"]

    # The holder's name is copied at issue: renaming the account later leaves the attestation as issued.
    with db.write(engine) as session:
        session.execute(update(User).where(User.id == account.id).values(name="Élodie Martin"))
    assert certificates.certificate(engine, first.code, modules=[module]).holder_name == NAME


def test_concurrent_issues_store_one_attestation(engine: Engine, module: Module) -> None:
    account = learner(engine)
    pass_module(engine, account.id, module)
    codes: list[str] = []

    def issue() -> None:
        codes.append(certificates.issue_certificate(engine, user_id=account.id, module=module).code)

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == 4 and len(set(codes)) == 1
    with db.read(engine) as session:
        assert session.scalar(select(func.count(Certificate.id))) == 1


def test_score_follows_the_quiz_grading_policy(engine: Engine, module: Module) -> None:
    account = learner(engine)
    full = take_quiz(engine, account.id, module, now=T0)
    later = take_quiz(engine, account.id, module, right=2, now=T0 + timedelta(hours=1))
    assert full.score == 1.0 and 0 < later.score < 1
    last_policy = dataclasses.replace(
        module, quiz=dataclasses.replace(module.quiz, settings=dataclasses.replace(module.quiz.settings,
                                                                                    grading="last")))
    info = certificates.issue_certificate(engine, user_id=account.id, module=last_policy)
    assert info.score == pytest.approx(later.score)


def test_issuer_comes_from_the_setting_then_the_environment(engine: Engine, module: Module,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_ISSUER", "Faculté de santé de Lyon")
    assert certificates.issuer_name(engine) == "Faculté de santé de Lyon"
    auth.set_setting(engine, certificates.ISSUER_SETTING, "CHU de Bordeaux — DPC")
    assert certificates.issuer_name(engine) == "CHU de Bordeaux — DPC"


# --- verification and revocation ---------------------------------------------------------------------


def test_verify_a_valid_code_shows_what_the_attestation_shows(engine: Engine, module: Module) -> None:
    account = learner(engine)
    pass_module(engine, account.id, module)
    info = certificates.issue_certificate(engine, user_id=account.id, module=module, now=T0)

    typed = f" {info.display_code.lower()} "  # lower case, hyphens and spaces are accepted
    result = certificates.verify(engine, typed, modules=[module])
    assert result == certificates.Verification(
        status="valid", code=info.display_code, title=module.title, holder_name=NAME, issued_at=T0, hours=1.0,
        score=1.0, issuer="Académie IA Santé", revoked_at=None,
    )


@pytest.mark.parametrize("code", ["", "ABCD", "ABCD-EFGH-JKLM", "0O1I-0O1I-0O1I", "x" * 40])
def test_unknown_codes_reveal_nothing(engine: Engine, code: str) -> None:
    assert certificates.verify(engine, code) == certificates.Verification(status="unknown")


def test_revoke_then_verify_and_reissue(engine: Engine, module: Module) -> None:
    account = learner(engine)
    coordinator = auth.add_user(engine, email="coord@example.org", name="Coordination",
                                password="correct-horse-battery", roles={"coordinator"})
    pass_module(engine, account.id, module)
    info = certificates.issue_certificate(engine, user_id=account.id, module=module, now=T0)

    for reason, expected in (("   ", "reason_required"), ("x" * 501, "reason_too_long")):
        with pytest.raises(CertificateError, match=expected):
            certificates.revoke(engine, info.code, actor_id=coordinator.id, reason=reason)
    with pytest.raises(CertificateError, match="unknown_code"):
        certificates.revoke(engine, "ZZZZ-ZZZZ-ZZZZ", actor_id=coordinator.id, reason="Erreur")
    assert certificates.verify(engine, info.code).status == "valid"

    revoked_at = T0 + timedelta(days=2)
    assert certificates.revoke(engine, info.display_code, actor_id=coordinator.id, reason="Fraude  constatée",
                               now=revoked_at)
    assert not certificates.revoke(engine, info.code, actor_id=coordinator.id, reason="Encore")
    result = certificates.verify(engine, info.code, modules=[module])
    assert result == certificates.Verification(status="revoked", code=info.display_code, title=module.title,
                                               holder_name=NAME, issued_at=T0, revoked_at=revoked_at)
    [entry] = audit_entries(engine, action="certificate_revoke")
    assert (entry.actor_id, entry.target, entry.details) == (coordinator.id, f"certificate:{info.code}",
                                                             {"reason": "Fraude constatée"})

    # The learner cannot re-issue what was revoked; a coordinator can, with a new code.
    with pytest.raises(CertificateError, match="revoked"):
        certificates.issue_certificate(engine, user_id=account.id, module=module)
    new = certificates.issue_certificate(engine, user_id=account.id, module=module, actor_id=coordinator.id,
                                         reissue=True, now=revoked_at)
    assert new.code != info.code and new.status == "valid"
    assert certificates.issue_certificate(engine, user_id=account.id, module=module) == new
    assert certificates.verify(engine, info.code).status == "revoked"
    assert [c.code for c in certificates.user_certificates(engine, account.id)] == [new.code, info.code]


def test_verify_after_erasure_says_erased_and_nothing_else(engine: Engine, module: Module) -> None:
    account = learner(engine)
    admin = auth.add_user(engine, email="admin@example.org", name="Admin", password="correct-horse-battery",
                          roles={"admin"})
    pass_module(engine, account.id, module)
    info = certificates.issue_certificate(engine, user_id=account.id, module=module)
    data_rights.erase_learner(engine, account.id, actor_id=admin.id)
    assert certificates.verify(engine, info.code, modules=[module]) == certificates.Verification(status="erased")


# --- programmes, search -----------------------------------------------------------------------------


def make_cohort(engine: Engine, name: str, module_ids: list[str], members: list[int]) -> int:
    with db.write(engine) as session:
        cohort = Cohort(name=name, created_at=db.utcnow())
        session.add(cohort)
        session.flush()
        session.add_all(Assignment(cohort_id=cohort.id, module_id=mid, created_at=db.utcnow()) for mid in module_ids)
        session.add_all(CohortMember(cohort_id=cohort.id, user_id=uid, added_at=db.utcnow()) for uid in members)
        return cohort.id


def test_programme_attestation_once_every_assigned_module_is_passed(engine: Engine, module: Module) -> None:
    other = dataclasses.replace(module, id="ethique-ia", title="Éthique de l’IA", credits_hours=2.5)
    account = learner(engine)
    outsider = learner(engine, "outsider@example.org", "Paul Durand")
    cohort_id = make_cohort(engine, "DPC 2026 — Radiologie", [module.id, other.id], [account.id])
    modules = [module, other]

    with pytest.raises(CertificateError, match="not_member"):
        certificates.issue_programme_certificate(engine, user_id=outsider.id, cohort_id=cohort_id, modules=modules)
    pass_module(engine, account.id, module)
    with pytest.raises(CertificateError, match="not_passed"):
        certificates.issue_programme_certificate(engine, user_id=account.id, cohort_id=cohort_id, modules=modules)
    [programme] = certificates.learner_programmes(engine, account.id)
    assert certificates.programme_completers(engine, programme) == []

    take_quiz(engine, account.id, other, right=2)  # 2 of 3 questions right: passes, score < 1
    other_score = progress.recorded_score(engine, account.id, other.id)
    assert certificates.programme_completers(engine, programme) == [
        certificates.Learner(account.id, NAME, "elodie@example.org")]
    with pytest.raises(CertificateError, match="unknown_module"):
        certificates.issue_programme_certificate(engine, user_id=account.id, cohort_id=cohort_id, modules=[module])
    info = certificates.issue_programme_certificate(engine, user_id=account.id, cohort_id=cohort_id, modules=modules)
    assert info.is_programme and info.title == "DPC 2026 — Radiologie" and info.cohort_id == cohort_id
    assert info.hours == 3.5 and info.score == pytest.approx((1.0 + other_score) / 2)
    assert certificates.issue_programme_certificate(engine, user_id=account.id, cohort_id=cohort_id,
                                                    modules=modules) == info
    result = certificates.verify(engine, info.code)
    assert (result.status, result.title, result.is_programme) == ("valid", "DPC 2026 — Radiologie", True)
    assert "programme de formation" in pdf_text(certificates.certificate_pdf(info, verify_url="https://x/verify"))

    empty = make_cohort(engine, "Sans module", [], [account.id])
    with pytest.raises(CertificateError, match="no_modules"):
        certificates.issue_programme_certificate(engine, user_id=account.id, cohort_id=empty, modules=modules)


def test_search_and_passed_learners(engine: Engine, module: Module) -> None:
    elodie = learner(engine)
    paul = learner(engine, "paul@example.org", "Paul Durand")
    learner(engine, "nadia@example.org", "Nadia Benali")  # never passed
    for account in (elodie, paul):
        pass_module(engine, account.id, module)
    assert [x.name for x in certificates.passed_learners(engine, module.id)] == [NAME, "Paul Durand"]
    assert [x.id for x in certificates.passed_learners(engine, module.id, search="PAUL@")] == [paul.id]

    first = certificates.issue_certificate(engine, user_id=elodie.id, module=module)
    second = certificates.issue_certificate(engine, user_id=paul.id, module=module)
    assert [c.code for c in certificates.search_certificates(engine, query="durand")] == [second.code]
    assert [c.code for c in certificates.search_certificates(engine, query=first.display_code.lower())] == [first.code]
    by_title = certificates.search_certificates(engine, query="bases de l'ia", modules=[module])
    assert {c.code for c in by_title} == {first.code, second.code}
    assert certificates.search_certificates(engine, query="inexistant", modules=[module]) == []


# --- rendering --------------------------------------------------------------------------------------


def test_dates_are_french_calendar_dates() -> None:
    assert certificates.format_date(date(2026, 3, 1)) == "1er mars 2026"
    assert certificates.format_date(date(2026, 11, 29)) == "29 novembre 2026"
    assert certificates.format_date(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) == "30 novembre 2026"  # Paris time
    assert certificates.format_date(date(2026, 8, 1), "en") == "1 August 2026"
    assert certificates.format_hours(0.75) == "0,75" and certificates.format_hours(2.0) == "2"


def test_pdf_embeds_a_unicode_font_and_reads_back(engine: Engine, module: Module) -> None:
    account = learner(engine)
    pass_module(engine, account.id, module)
    info = certificates.issue_certificate(engine, user_id=account.id, module=module, now=T0)
    url = certificates.verify_url(info.code, "https://academie.example.org/")
    assert url == f"https://academie.example.org/verify?code={info.code}"

    data = certificates.certificate_pdf(info, verify_url=url)
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert len(reader.pages) == 1 and float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = pdf_text(data)
    for expected in ("Attestation de formation", NAME, f"« {module.title} »", "Date : 29 novembre 2026",
                     "Score : 100 %", "Heures créditées : 1 h", "Délivrée par : Académie IA Santé",
                     info.display_code, "Vérifiez l’authenticité", url):
        assert expected in text, expected
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    assert any("DejaVuSans" in font["/BaseFont"] for font in fonts)
    assert all("/FontFile2" in font["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts)


def test_pdf_draws_the_qr_code_of_the_verification_url(engine: Engine, module: Module) -> None:
    account = learner(engine)
    pass_module(engine, account.id, module)
    info = certificates.issue_certificate(engine, user_id=account.id, module=module)
    url = certificates.verify_url(info.code, "https://formation.chu.example")
    page = pypdf.PdfReader(io.BytesIO(certificates.certificate_pdf(info, verify_url=url))).pages[0]

    filled = re.findall(r" re f\b", page.get_contents().get_data().decode("latin-1"))
    matrix = certificates.qr_matrix(url)
    assert len(matrix) >= 21 and len(filled) == len(certificates.dark_runs(matrix))
    links = [a.get_object()["/A"]["/URI"] for a in page["/Annots"]]
    assert links == [url]
