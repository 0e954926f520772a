"""Learners' data rights: personal data export (JSON, CSV) and erasure by an admin."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from test_certificates import make_cohort, pass_module, take_quiz

from academy.accounts import auth, data_rights
from academy.accounts.data_rights import ErasureError
from academy.content.catalog import Module, load_catalog
from academy.coordination import certificates
from academy.learning import progress
from academy.store import db
from academy.store.audit import audit_entries
from academy.store.models import Attempt, AuthSession, Evaluation, RateLimit, Response, ReviewCard, User

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content" / "valid"
PASSWORD = "correct-horse-battery"
T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def module() -> Module:
    return load_catalog(FIXTURES).module("bases-ia")


def add(engine: Engine, email: str, name: str, roles: set[str] | None = None) -> auth.Account:
    return auth.add_user(engine, email=email, name=name, password=PASSWORD, roles=roles or {"learner"},
                         profession="Infirmière", rpps="10101010101")


def active_learner(engine: Engine, module: Module) -> tuple[auth.Account, str, certificates.CertificateInfo]:
    """A learner with a bit of everything: session, failed sign-in, lesson, attempts, card, survey, attestation."""
    account = add(engine, "lea.muller@example.org", "Léa Müller")
    token = auth.create_session(engine, account.id)
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "lea.muller@example.org", "not-the-password")
    progress.record_lesson_view(engine, account.id, module.id, module.lessons[0].id, now=T0)
    take_quiz(engine, account.id, module, right=1, now=T0)
    pass_module(engine, account.id, module, now=T0 + timedelta(minutes=20))
    with db.write(engine) as session:
        session.add(ReviewCard(user_id=account.id, module_id=module.id, question_id="sigle", question_hash="h" * 64,
                               state={"stability": 1.5}, due_at=T0 + timedelta(days=1)))
        session.add(Evaluation(user_id=account.id, module_id=module.id, answers={"utilite": 5, "clarte": 4},
                               comment="Très utile, merci à Mme Dupont !", created_at=T0))
    make_cohort(engine, "=HYPERLINK(\"http://x\")", [module.id], [account.id])
    info = certificates.issue_certificate(engine, user_id=account.id, module=module, now=T0 + timedelta(hours=1))
    return account, token, info


def test_export_holds_everything_about_the_learner_and_nothing_else(engine: Engine, module: Module) -> None:
    account, token, info = active_learner(engine, module)
    other = add(engine, "other@example.org", "Autre Personne")
    pass_module(engine, other.id, module)

    data = data_rights.export_personal_data(engine, account.id)
    assert data["account"] == {
        "id": account.id, "email": "lea.muller@example.org", "name": "Léa Müller", "profession": "Infirmière",
        "rpps": "10101010101", "locale": "fr", "created_at": data["account"]["created_at"], "erased_at": None,
    }
    assert data["roles"] == ["learner"]
    assert len(data["sessions"]) == 1 and data["sign_in_throttle"]["failures"] == 1
    assert [c["name"] for c in data["cohorts"]] == ['=HYPERLINK("http://x")']
    assert data["cohorts"][0]["assignments"] == [{"module_id": module.id, "due_date": None}]
    assert [p["lesson_id"] for p in data["lesson_progress"]] == [module.lessons[0].id]
    assert [a["passed"] for a in data["attempts"]] == [False, True]
    assert {r["question_id"] for r in data["attempts"][1]["responses"]} == {q.id for q in module.quiz.questions}
    assert [c["question_id"] for c in data["review_cards"]] == ["sigle"]
    assert data["evaluations"][0]["comment"] == "Très utile, merci à Mme Dupont !"
    assert [c["code"] for c in data["certificates"]] == [info.code]
    actions = {e["action"] for e in data["audit_log"]}
    assert {"user_add", "sign_in_failed", "certificate_issue"} <= actions

    dumped = data_rights.personal_data_json(data).decode("utf-8")
    assert json.loads(dumped) == data and "Léa Müller" in dumped  # accents kept, not \u-escaped
    with db.read(engine) as session:
        password_hash = session.scalar(select(User.password_hash).where(User.id == account.id))
    assert password_hash not in dumped and "password" not in dumped
    assert auth.token_hash(token) not in dumped and token not in dumped
    assert "other@example.org" not in dumped and "Autre Personne" not in dumped
    with pytest.raises(LookupError):
        data_rights.export_personal_data(engine, 9999)


def test_csv_is_one_flat_activity_table_with_formula_injection_neutralised(engine: Engine, module: Module) -> None:
    account, _, info = active_learner(engine, module)
    data = data_rights.export_personal_data(engine, account.id)
    raw = data_rights.personal_data_csv(data)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8 accents right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == data_rights.CSV_COLUMNS
    activities = {row["activity"] for row in rows}
    assert {"account_created", "lesson_viewed", "attempt_submitted_post", "response", "review_card", "evaluation",
            "certificate_issued", "cohort_joined", "audit_sign_in_failed"} <= activities
    assert [row["at"] for row in rows] == sorted(row["at"] for row in rows)
    cohort = next(row for row in rows if row["activity"] == "cohort_joined")
    assert cohort["item"] == "'=HYPERLINK(\"http://x\")"
    certificate = next(row for row in rows if row["activity"] == "certificate_issued")
    assert (certificate["item"], float(certificate["value"])) == (info.code, 1.0)
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row.values())


@pytest.mark.parametrize("value", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_risky_text(value: str) -> None:
    assert data_rights.neutralise(value) == "'" + value
    assert data_rights.neutralise("Léa") == "Léa" and data_rights.neutralise(-2) == -2


def test_record_export_is_audited(engine: Engine) -> None:
    account = add(engine, "lea@example.org", "Léa")
    data_rights.record_export(engine, account.id, actor_id=account.id, fmt="csv")
    [entry] = audit_entries(engine, action="personal_data_export")
    assert (entry.actor_id, entry.target, entry.details) == (account.id, f"user:{account.id}", {"format": "csv"})


def test_erasure_removes_personal_data_and_keeps_statistics(engine: Engine, module: Module) -> None:
    account, token, info = active_learner(engine, module)
    admin = add(engine, "admin@example.org", "Admin", {"admin"})
    with db.read(engine) as session:
        responses_before = session.scalar(select(func.count(Response.id)))
    best_before = progress.module_progress(engine, account.id)[module.id].best_score

    data_rights.erase_learner(engine, account.id, actor_id=admin.id)

    with db.read(engine) as session:
        user = session.get(User, account.id)
        assert (user.name, user.email, user.profession, user.rpps) == (
            "Compte effacé", f"erased-{account.id}@invalid", "", None)
        assert user.erased_at is not None and user.roles == [] and user.password_hash == "!erased"
        assert session.scalar(select(func.count(AuthSession.id)).where(AuthSession.revoked_at.is_(None))) == 0
        assert session.scalar(select(func.count(ReviewCard.id))) == 0
        assert session.scalar(select(func.count()).select_from(RateLimit).where(RateLimit.failures > 0)) == 0
        evaluation = session.scalar(select(Evaluation))
        assert (evaluation.comment, evaluation.answers) == ("", {"utilite": 5, "clarte": 4})
        assert session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id == account.id)) == 2
        assert session.scalar(select(func.count(Response.id))) == responses_before
    assert progress.module_progress(engine, account.id)[module.id].best_score == best_before
    assert certificates.verify(engine, info.code) == certificates.Verification(status="erased")
    assert certificates.certificate(engine, info.code).holder_name == ""

    [entry] = audit_entries(engine, action="user_erase")
    assert (entry.actor_id, entry.target) == (admin.id, f"user:{account.id}")
    assert entry.details["certificates_anonymised"] == 1
    remaining = json.dumps([(e.target, e.details) for e in audit_entries(engine, limit=1000)], ensure_ascii=False)
    assert "lea.muller@example.org" not in remaining and "Léa Müller" not in remaining
    export = data_rights.personal_data_json(data_rights.export_personal_data(engine, account.id)).decode("utf-8")
    assert "Léa Müller" not in export and "lea.muller" not in export and "10101010101" not in export

    # An erased account cannot sign in, nor use an old session.
    assert auth.account_for_token(engine, token) is None
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "lea.muller@example.org", PASSWORD)
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, f"erased-{account.id}@invalid", PASSWORD)


def test_erasure_refusals_change_nothing(engine: Engine) -> None:
    admin = add(engine, "admin@example.org", "Seule Admin", {"admin"})
    with pytest.raises(ErasureError) as err:
        data_rights.erase_learner(engine, admin.id, actor_id=admin.id)
    assert err.value.reason == "last_admin"
    assert auth.get_account(engine, admin.id) == admin
    with pytest.raises(ErasureError, match="unknown_account"):
        data_rights.erase_learner(engine, 9999, actor_id=admin.id)

    second = add(engine, "admin2@example.org", "Deuxième Admin", {"admin"})
    data_rights.erase_learner(engine, admin.id, actor_id=second.id)
    assert auth.get_account(engine, admin.id) is None
    with pytest.raises(ErasureError, match="already_erased"):
        data_rights.erase_learner(engine, admin.id, actor_id=second.id)
    with pytest.raises(ErasureError, match="last_admin"):
        data_rights.erase_learner(engine, second.id, actor_id=second.id)
    assert [e.target for e in audit_entries(engine, action="user_erase")] == [f"user:{admin.id}"]
