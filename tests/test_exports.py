"""Exports: progress, responses and DPC tables on a fixed data set; writers (CSV in both dialects, XLSX read back
with openpyxl), injection, pseudonyms, audit.

`build_dataset` is also used by test_xapi, test_dpc, test_cli_export and test_exports_page.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, update

import quiz
from academy import i18n
from academy.accounts import auth
from academy.content.catalog import Catalog, load_catalog
from academy.interop import dpc, exports
from academy.learning import progress
from academy.store import db
from academy.store.audit import audit_entries
from academy.store.models import Certificate, Cohort, CohortMember, User

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_MODULE = ROOT / "tests" / "fixtures" / "content" / "valid" / "01-bases-ia"
PASSWORD = "correct-horse-battery"
INJECTION = '=HYPERLINK("http://x")'
COHORT = "Internes 2025"
HOME = "https://formation.example.org"  # the public address xAPI statements are built on


def label(code: str, locale: str = "fr") -> str:
    """The header of column ``code`` in XLSX files and the preview."""
    return i18n.t(f"exports.column.{code}", locale)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def iso(*parts: int) -> str:
    """A UTC time as the standard CSV writes it."""
    return f"{at(*parts):%Y-%m-%dT%H:%M:%SZ}"


def paris(*parts: int) -> datetime:
    """A UTC time as a spreadsheet cell holds it: naive, in Europe/Paris."""
    return at(*parts).astimezone(ZoneInfo("Europe/Paris")).replace(tzinfo=None)


ETHICS_MODULE = """---
title: Éthique de l'IA en santé
summary: Principes éthiques et cadre juridique.
duration_minutes: 90
objectives:
  - Identifier les enjeux éthiques.
level: intermediaire
credits_hours: 1.5
---

Vue d'ensemble.
"""

ETHICS_LESSON = """---
title: Principes
duration_minutes: 20
---

Les principes de l'éthique biomédicale.
"""

ETHICS_QUIZ = """---
pass_mark: 0.5
grading: last
---

## Seuil {#seuil .numerique unit=%}

Quelle est la sensibilité ?

- [x] 42,5 {tolerance=0.5}

## Étapes {#etapes .ordre}

Remettez les étapes dans l'ordre.

1. Collecte
2. Annotation
3. Validation

## Standards {#standards .association}

Associez chaque standard à son usage.

- FHIR => Échange
- DICOM => Images

## Hypothèse {#hypothese .tcs}

L'hypothèse devient :

- -2 {panel=0}
- -1 {panel=1}
- 0 {panel=6}
- +1 {panel=3}
- +2 {panel=0}
"""


@dataclass(frozen=True)
class Dataset:
    """The fixed data set: a two-module catalog and the accounts' ids."""

    catalog: Catalog
    lea: int  # accents, RPPS, in the cohort; passes both modules (the second one across New Year)
    evil: int  # name is a formula; fails bases-ia with a formula as an answer
    idle: int  # a learner with no activity
    coordinator: int  # not a learner: never exported (unless in a cohort)
    erased: int  # an erased learner: never exported


def build_catalog(root: Path) -> Catalog:
    """bases-ia (the read-only fixture, copied) and ethique-ia (written here)."""
    shutil.copytree(FIXTURE_MODULE, root / "01-bases-ia")
    ethics = root / "02-ethique-ia"
    ethics.mkdir()
    (ethics / "module.md").write_text(ETHICS_MODULE, encoding="utf-8")
    (ethics / "01-principes.md").write_text(ETHICS_LESSON, encoding="utf-8")
    (ethics / "quiz.md").write_text(ETHICS_QUIZ, encoding="utf-8")
    catalog = load_catalog(root)
    assert not catalog.problems, catalog.problems
    return catalog


def _account(engine: Engine, email: str, name: str, roles: set[str], **extra: Any) -> int:
    return auth.add_user(engine, email=email, name=name, password=PASSWORD, roles=roles, **extra).id


def _attempt(
    engine: Engine, user_id: int, module_id: str, qz: quiz.Quiz, answers: dict[str, Any], *, kind: str,
    start: datetime, submit: datetime, pass_mark: float,
) -> int:
    """An attempt started at `start`, answered one minute apart, submitted at `submit`."""
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id=module_id, kind=kind, quiz=qz,
                                        start_token=f"{user_id}-{module_id}-{start.isoformat()}", now=start)
    for number, (question_id, response) in enumerate(answers.items(), 1):
        progress.save_answer(engine, attempt_id, question_id, response, now=start + timedelta(minutes=number))
    progress.submit_attempt(engine, attempt_id, qz, pass_mark=pass_mark, now=submit)
    return attempt_id


def build_dataset(engine: Engine, content_root: Path) -> Dataset:
    """Accounts, a cohort, lesson progress, attempts and a certificate at fixed times."""
    catalog = build_catalog(content_root)
    bases = catalog.module("bases-ia").quiz
    ethics = quiz.parse(ETHICS_QUIZ, source="quiz.md")
    assert [q.hash for q in ethics.questions] == [q.hash for q in catalog.module("ethique-ia").quiz.questions]

    lea = _account(engine, "lea.martin@example.org", "Léa Martin-Dupré", {"learner"}, profession="Infirmière",
                   rpps="10101010101")
    evil = _account(engine, "evil@example.org", INJECTION, {"learner"}, profession="Médecin")
    idle = _account(engine, "idle@example.org", "Noé Lefèvre", {"learner"})
    coordinator = _account(engine, "coord@example.org", "Claire Coordination", {"coordinator"})
    erased = _account(engine, "erased@example.org", "Ancien Compte", {"learner"})

    with db.write(engine) as session:
        cohort = Cohort(name=COHORT, created_at=at(2025, 1, 1))
        session.add(cohort)
        session.flush()
        session.add(CohortMember(cohort_id=cohort.id, user_id=lea, added_at=at(2025, 1, 1)))

    # Léa, bases-ia (pass mark 0.6, grading "highest").
    _attempt(engine, lea, "bases-ia", bases, {"definition": "a"}, kind="pre", start=at(2025, 1, 10, 8, 50),
             submit=at(2025, 1, 10, 8, 52), pass_mark=0.6)
    progress.record_lesson_view(engine, lea, "bases-ia", "introduction", seconds=300, now=at(2025, 1, 10, 9, 0))
    progress.mark_lesson_complete(engine, lea, "bases-ia", "introduction", now=at(2025, 1, 10, 9, 5))
    progress.record_lesson_view(engine, lea, "bases-ia", "limites", seconds=240, now=at(2025, 1, 10, 9, 6))
    _attempt(engine, lea, "bases-ia", bases, {"definition": "a", "pratiques": ["a"], "sigle": "rgpd"}, kind="post",
             start=at(2025, 1, 10, 9, 10), submit=at(2025, 1, 10, 9, 22, 30), pass_mark=0.6)
    _attempt(engine, lea, "bases-ia", bases, {"definition": "b", "pratiques": ["a", "b"], "sigle": "RGPD"},
             kind="post", start=at(2025, 1, 11, 10, 0), submit=at(2025, 1, 11, 10, 5), pass_mark=0.6)
    with db.write(engine) as session:
        for code, issued, revoked in (("ATT-REVOKED", at(2025, 1, 11, 10, 6), at(2025, 1, 11, 10, 7)),
                                      ("ATT-LEA-0001", at(2025, 1, 11, 10, 10), None)):
            session.add(Certificate(code=code, user_id=lea, module_id="bases-ia", holder_name="Léa Martin-Dupré",
                                    score=1.0, hours=1.0, issued_at=issued, revoked_at=revoked))

    # Léa, ethique-ia (pass mark 0.5, grading "last"): read on New Year's Eve, passed in January, then failed.
    progress.mark_lesson_complete(engine, lea, "ethique-ia", "principes", now=at(2025, 12, 31, 23, 0))
    right = {"seuil": "42,5", "etapes": ["a", "b", "c"], "standards": {"a": "Échange", "b": "Images"}, "hypothese": 0}
    wrong = {"seuil": "10", "etapes": ["b", "a", "c"], "standards": {"a": "Images", "b": "Échange"}, "hypothese": 1}
    _attempt(engine, lea, "ethique-ia", ethics, right, kind="post", start=at(2026, 1, 2, 8, 0),
             submit=at(2026, 1, 2, 8, 10), pass_mark=0.5)
    _attempt(engine, lea, "ethique-ia", ethics, wrong, kind="post", start=at(2026, 1, 3, 9, 0),
             submit=at(2026, 1, 3, 9, 4), pass_mark=0.5)

    # The learner whose name is a formula fails bases-ia, answering with a formula.
    progress.record_lesson_view(engine, evil, "bases-ia", "introduction", seconds=60, now=at(2025, 2, 1, 14, 0))
    progress.mark_lesson_complete(engine, evil, "bases-ia", "introduction", now=at(2025, 2, 1, 14, 1))
    _attempt(engine, evil, "bases-ia", bases, {"definition": "b", "pratiques": ["a", "b", "c"], "sigle": "=1+1"},
             kind="post", start=at(2025, 2, 1, 14, 10), submit=at(2025, 2, 1, 14, 15), pass_mark=0.6)

    # Neither the coordinator (not a learner) nor the erased learner is exported.
    progress.record_lesson_view(engine, coordinator, "bases-ia", "introduction", seconds=30, now=at(2025, 3, 1))
    progress.record_lesson_view(engine, erased, "bases-ia", "introduction", seconds=30, now=at(2025, 3, 1))
    with db.write(engine) as session:
        session.execute(update(User).where(User.id == erased).values(erased_at=at(2025, 4, 1)))
    return Dataset(catalog, lea, evil, idle, coordinator, erased)


@pytest.fixture(autouse=True)
def public_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """xAPI identifiers are built on the public address, which exports never make up."""
    monkeypatch.setenv("ACADEMY_BASE_URL", "https://formation.example.org")


@pytest.fixture
def data(engine: Engine, tmp_path: Path) -> Dataset:
    return build_dataset(engine, tmp_path / "content")


def table(rows: Any) -> list[dict[str, Any]]:
    """Rows (header first) as dicts."""
    header, *body = list(rows)
    return [dict(zip(header, row, strict=True)) for row in body]


def read_csv(payload: bytes) -> list[dict[str, str]]:
    assert payload.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"), newline="")))


# --- progress -------------------------------------------------------------------------------------

IDENTITY = ("user_id", "name", "email", "profession", "rpps")
PROGRESS_HEADER = (
    "module_id", "module_title", "status", "started_at", "last_activity_at", "completed_at", "lessons_completed",
    "lessons_total", "attempts", "best_score_pct", "recorded_score_pct", "reading_minutes", "quiz_minutes",
    "credits_earned_hours",
)  # fmt: skip


def test_progress_rows(engine: Engine, data: Dataset) -> None:
    rows = list(exports.progress_rows(engine, data.catalog))
    assert rows[0] == IDENTITY + PROGRESS_HEADER
    lea = (data.lea, "Léa Martin-Dupré", "lea.martin@example.org", "Infirmière", "10101010101")
    evil = (data.evil, INJECTION, "evil@example.org", "Médecin", None)
    idle = (data.idle, "Noé Lefèvre", "idle@example.org", "", None)
    bases, ethics = "Les bases de l'IA en santé", "Éthique de l'IA en santé"
    assert rows[1:] == [
        # status, started, last activity, completed, lessons, attempts, best, recorded, reading, quiz, credits
        (*lea, "bases-ia", bases, "passed", iso(2025, 1, 10, 8, 50), iso(2025, 1, 11, 10, 5), iso(2025, 1, 11, 10, 5),
         1, 2, 2, 100.0, 100.0, 9.0, 19.5, 1.0),
        (*lea, "ethique-ia", ethics, "passed", iso(2025, 12, 31, 23), iso(2026, 1, 3, 9, 4), iso(2026, 1, 2, 8, 10),
         1, 1, 2, 100.0, 12.5, 0.0, 14.0, 1.5),
        (*evil, "bases-ia", bases, "in_progress", iso(2025, 2, 1, 14), iso(2025, 2, 1, 14, 15), None,
         1, 2, 1, 33.3, 33.3, 1.0, 5.0, 0.0),
        (*evil, "ethique-ia", ethics, "not_started", None, None, None, 0, 1, 0, None, None, 0.0, 0.0, 0.0),
        (*idle, "bases-ia", bases, "not_started", None, None, None, 0, 2, 0, None, None, 0.0, 0.0, 0.0),
        (*idle, "ethique-ia", ethics, "not_started", None, None, None, 0, 1, 0, None, None, 0.0, 0.0, 0.0),
    ]


def test_progress_filters(engine: Engine, data: Dataset) -> None:
    in_cohort = table(exports.progress_rows(engine, data.catalog, cohort=COHORT))
    assert [(r["user_id"], r["module_id"]) for r in in_cohort] == [(data.lea, "bases-ia"), (data.lea, "ethique-ia")]
    one_module = table(exports.progress_rows(engine, data.catalog, module="ethique-ia"))
    assert [(r["user_id"], r["status"]) for r in one_module] == [
        (data.lea, "passed"), (data.evil, "not_started"), (data.idle, "not_started")
    ]
    both = table(exports.progress_rows(engine, data.catalog, cohort=COHORT, module="bases-ia"))
    assert [(r["user_id"], r["module_id"], r["recorded_score_pct"]) for r in both] == [(data.lea, "bases-ia", 100.0)]


def test_chunks_do_not_change_the_result(engine: Engine, data: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = list(exports.progress_rows(engine, data.catalog))
    monkeypatch.setattr(exports, "CHUNK", 1)  # one learner per query
    assert list(exports.progress_rows(engine, data.catalog)) == whole


def test_a_cohort_member_is_exported_whatever_their_roles(engine: Engine, data: Dataset) -> None:
    with db.write(engine) as session:
        cohort_id = session.query(Cohort.id).filter_by(name=COHORT).scalar()
        session.add(CohortMember(cohort_id=cohort_id, user_id=data.coordinator, added_at=at(2025, 1, 2)))
    rows = table(exports.progress_rows(engine, data.catalog, cohort=COHORT, module="bases-ia"))
    assert [(r["user_id"], r["status"]) for r in rows] == [(data.lea, "passed"), (data.coordinator, "in_progress")]


def test_unknown_filters_are_refused_before_anything_is_read(engine: Engine, data: Dataset) -> None:
    with pytest.raises(exports.ExportError) as cohort_error:
        exports.progress_rows(engine, data.catalog, cohort="Externes 2030")
    assert cohort_error.value.field == "cohort"
    assert cohort_error.value.message("fr") == "Aucune cohorte ne s’appelle «\u00a0Externes 2030\u00a0»."
    assert str(cohort_error.value) == "No cohort is named “Externes 2030”."
    with pytest.raises(exports.ExportError) as module_error:
        exports.response_rows(engine, data.catalog, module="no-such-module")
    assert module_error.value.field == "module"
    request = exports.ExportRequest("progress", "jsonl")
    with pytest.raises(exports.ExportError) as format_error:
        exports.export_rows(engine, data.catalog, request)
    assert format_error.value.field == "fmt"
    with pytest.raises(exports.ExportError):
        exports.export_rows(engine, data.catalog, exports.ExportRequest("grades", "csv"))


def test_progress_csv_is_excel_ready_and_neutralises_formulas(engine: Engine, data: Dataset) -> None:
    request = exports.ExportRequest("progress", "csv")
    payload = exports.export_bytes(engine, data.catalog, request)
    assert payload.startswith(b"\xef\xbb\xbf") and b"\r\n" in payload
    rows = read_csv(payload)
    assert list(rows[0]) == [*IDENTITY, *PROGRESS_HEADER]
    assert rows[0] == {
        "user_id": str(data.lea), "name": "Léa Martin-Dupré", "email": "lea.martin@example.org",
        "profession": "Infirmière", "rpps": "10101010101", "module_id": "bases-ia",
        "module_title": "Les bases de l'IA en santé", "status": "passed", "started_at": "2025-01-10T08:50:00Z",
        "last_activity_at": "2025-01-11T10:05:00Z", "completed_at": "2025-01-11T10:05:00Z",
        "lessons_completed": "1", "lessons_total": "2", "attempts": "2", "best_score_pct": "100.0",
        "recorded_score_pct": "100.0", "reading_minutes": "9.0", "quiz_minutes": "19.5",
        "credits_earned_hours": "1.0",
    }
    assert rows[2]["name"] == "'" + INJECTION
    assert rows[3]["completed_at"] == "" and rows[3]["best_score_pct"] == ""


def test_progress_xlsx(engine: Engine, data: Dataset) -> None:
    payload = exports.export_bytes(engine, data.catalog, exports.ExportRequest("progress", "xlsx"))
    sheet = load_workbook(io.BytesIO(payload)).active
    rows = list(sheet.iter_rows(values_only=True))
    # the header in words (the CSV keeps the codes: test_progress_csv)
    assert rows[0] == tuple(label(code) for code in IDENTITY + PROGRESS_HEADER)
    assert rows[0][:3] == ("N° de compte", "Nom", "Adresse électronique")
    assert rows[0][6:8] == ("Module", "Statut")
    assert rows[0][14] == "Meilleur score (%)"
    assert sheet["A1"].font.bold
    assert rows[1][:3] == (data.lea, "Léa Martin-Dupré", "lea.martin@example.org")
    # Real date-time cells, in Paris time (UTC+1 in January), shown in French order.
    assert rows[1][8:11] == (paris(2025, 1, 10, 8, 50), paris(2025, 1, 11, 10, 5), paris(2025, 1, 11, 10, 5))
    assert rows[1][8] == datetime(2025, 1, 10, 9, 50)
    started = sheet.cell(row=2, column=9)
    assert started.is_date and started.number_format == "dd/mm/yyyy hh:mm:ss"
    assert rows[1][-5:] == (100, 100, 9, 19.5, 1)
    assert all(isinstance(value, int | float) for value in rows[1][11:])  # numbers as numbers
    name = sheet.cell(row=4, column=2)
    assert (name.value, name.data_type, name.quotePrefix) == (INJECTION, "s", True)  # text as typed, never a formula
    assert sheet.freeze_panes == "A2"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), "no cell may be a formula"


# --- responses ------------------------------------------------------------------------------------

RESPONSE_HEADER = (
    "module_id", "attempt_id", "attempt_kind", "attempt_started_at", "attempt_submitted_at", "question_id",
    "question_hash", "answer", "fraction", "certainty", "answered_at",
)  # fmt: skip


def test_response_rows(engine: Engine, data: Dataset) -> None:
    rows = list(exports.response_rows(engine, data.catalog))
    assert rows[0] == IDENTITY + RESPONSE_HEADER
    body = table(rows)
    assert len(body) == 3 + 3 + 3 + 4 + 4 + 3  # every question of every submitted attempt
    assert {r["user_id"] for r in body} == {data.lea, data.evil}
    hashes = {q.id: q.hash for m in data.catalog.modules for q in m.quiz.questions}
    assert all(r["question_hash"] == hashes[r["question_id"]] for r in body)
    failed = [r for r in body if r["attempt_started_at"] == iso(2025, 1, 10, 9, 10)]
    assert [(r["attempt_kind"], r["question_id"], r["answer"], r["fraction"], r["answered_at"]) for r in failed] == [
        ("post", "definition", "a", 0.0, iso(2025, 1, 10, 9, 11)),
        ("post", "pratiques", '["a"]', 0.5, iso(2025, 1, 10, 9, 12)),
        ("post", "sigle", "rgpd", 1.0, iso(2025, 1, 10, 9, 13)),
    ]
    assert {r["attempt_submitted_at"] for r in failed} == {iso(2025, 1, 10, 9, 22, 30)}
    pre = [r for r in body if r["attempt_kind"] == "pre"]
    assert [(r["question_id"], r["answer"], r["answered_at"]) for r in pre] == [
        ("definition", "a", iso(2025, 1, 10, 8, 51)), ("pratiques", None, None), ("sigle", None, None)
    ]
    matching = next(r for r in body if r["question_id"] == "standards")
    assert matching["answer"] == '{"a": "Échange", "b": "Images"}' and matching["fraction"] == 1.0


def test_responses_csv_neutralises_answers_and_names(engine: Engine, data: Dataset) -> None:
    request = exports.ExportRequest("responses", "csv", module="bases-ia")
    rows = read_csv(exports.export_bytes(engine, data.catalog, request))
    evil = [r for r in rows if r["user_id"] == str(data.evil)]
    assert [(r["name"], r["question_id"], r["answer"], r["fraction"]) for r in evil] == [
        ("'" + INJECTION, "definition", "b", "1.0"),
        ("'" + INJECTION, "pratiques", '["a", "b", "c"]', "0.0"),
        ("'" + INJECTION, "sigle", "'=1+1", "0.0"),
    ]
    assert {r["module_id"] for r in rows} == {"bases-ia"}


def test_responses_xlsx(engine: Engine, data: Dataset) -> None:
    request = exports.ExportRequest("responses", "xlsx", cohort=COHORT, module="ethique-ia")
    sheet = load_workbook(io.BytesIO(exports.export_bytes(engine, data.catalog, request))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == tuple(label(code) for code in IDENTITY + RESPONSE_HEADER)
    assert [(row[10], row[12], row[13]) for row in rows] == [
        ("seuil", "42,5", 1), ("etapes", '["a", "b", "c"]', 1), ("standards", '{"a": "Échange", "b": "Images"}', 1),
        ("hypothese", 0, 1), ("seuil", "10", 0), ("etapes", '["b", "a", "c"]', 0),
        ("standards", '{"a": "Images", "b": "Échange"}', 0), ("hypothese", 1, 0.5),
    ]  # a TCS answer is a number
    assert [row[8] for row in rows[:1]] == [paris(2026, 1, 2, 8, 0)]  # attempt_started_at, a date-time cell
    assert all(cell.is_date for cell in next(sheet.iter_rows(min_row=2, min_col=9, max_col=10)))


def test_responses_are_streamed(engine: Engine, data: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """The query is consumed in chunks while rows are yielded, not fetched whole."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    rows = exports.response_rows(engine, data.catalog)
    assert next(rows) == IDENTITY + RESPONSE_HEADER
    first = next(rows)
    assert first[0] == data.lea
    rows.close()  # releases the connection mid-stream
    assert len(list(exports.response_rows(engine, data.catalog))) == 1 + 20


# --- pseudonymisation -----------------------------------------------------------------------------


def test_pseudonymised_exports_hide_identity_with_stable_pseudonyms(engine: Engine, data: Dataset) -> None:
    first = table(exports.progress_rows(engine, data.catalog, pseudonymize=True))
    assert list(first[0]) == ["pseudonym", "profession", *PROGRESS_HEADER]
    pseudonyms = [r["pseudonym"] for r in first]
    assert all(re.fullmatch(r"P-[0-9a-f]{12}", p) for p in pseudonyms)
    assert len(set(pseudonyms)) == 3  # one per learner
    again = table(exports.response_rows(engine, data.catalog, pseudonymize=True))
    assert {r["pseudonym"] for r in again} == {pseudonyms[0], pseudonyms[2]}  # Léa and the formula learner
    secret = exports.pseudonym_secret(engine)
    assert pseudonyms[0] == exports.pseudonym(secret, data.lea)
    payload = b"".join(
        exports.export_bytes(engine, data.catalog, exports.ExportRequest(kind, fmt, pseudonymize=True), home=HOME)
        for kind, fmt in (("progress", "csv"), ("responses", "csv"), ("xapi", "jsonl"), ("dpc", "csv"))
    ).decode("utf-8-sig")
    for secret_text in ("Léa", "Martin", "lea.martin@example.org", "10101010101", "HYPERLINK", "evil@example.org"):
        assert secret_text not in payload


def test_pseudonym_secret_is_created_once(engine: Engine) -> None:
    secret = exports.pseudonym_secret(engine)
    assert len(secret) == 32
    assert exports.pseudonym_secret(engine) == secret
    assert exports.pseudonym(secret, 1) != exports.pseudonym(secret, 2)
    assert exports.pseudonym(b"another secret", 1) != exports.pseudonym(secret, 1)


# --- writers and neutralisation -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx", "\x00=1"])
def test_dangerous_text_gets_a_leading_quote(text: str) -> None:
    assert exports.neutralize(text) == "'" + text


@pytest.mark.parametrize("text", ["Léa", "", "a=b", " =1", "1-2", "'quoted"])
def test_harmless_text_is_unchanged(text: str) -> None:
    assert exports.neutralize(text) == text


def test_writers_neutralise_every_text_cell_but_not_numbers() -> None:
    rows = [("a", "b", "c", "d"), ("=cmd", -2, "@x", datetime(2025, 1, 1, 12, tzinfo=UTC)), (None, True, 1.5, "\x01=x")]
    buffer = io.BytesIO()
    assert exports.write_csv(rows, buffer) == 2
    assert buffer.getvalue().decode("utf-8-sig").splitlines() == [
        "a,b,c,d", "'=cmd,-2,'@x,2025-01-01T12:00:00Z", ",true,1.5,\x01=x"
    ]
    buffer = io.BytesIO()
    assert exports.write_csv(rows, buffer, dialect="excel-fr") == 2
    assert buffer.getvalue().decode("utf-8-sig").splitlines() == [
        "a;b;c;d", "'=cmd;-2;'@x;01/01/2025 13:00:00", ";VRAI;1,5;\x01=x"
    ]
    buffer = io.BytesIO()
    assert exports.write_xlsx(rows, buffer) == 2
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("=cmd", -2, "@x", datetime(2025, 1, 1, 13)), (None, True, 1.5, "=x")  # control characters removed first
    ]
    assert [(cell.data_type, cell.quotePrefix) for row in sheet.iter_rows(min_row=2) for cell in row] == [
        ("s", True), ("n", False), ("s", True), ("d", False), ("n", False), ("b", False), ("n", False), ("s", True),
    ]


def test_empty_exports_still_have_their_header(engine: Engine, tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path / "content")
    assert read_csv(exports.export_bytes(engine, catalog, exports.ExportRequest("progress", "csv"))) == []
    payload = exports.export_bytes(engine, catalog, exports.ExportRequest("dpc", "csv"))
    assert payload.decode("utf-8-sig").startswith("user_id,name,email,profession,rpps,date,year,action")
    assert exports.export_bytes(engine, catalog, exports.ExportRequest("xapi", "jsonl"), home=HOME) == b""


# --- the page's helpers and the audit log ---------------------------------------------------------


def test_preview_shows_the_first_rows(engine: Engine, data: Dataset) -> None:
    frame = exports.preview(engine, data.catalog, exports.ExportRequest("progress", "csv"), limit=2)
    assert list(frame.columns) == [label(code) for code in (*IDENTITY, *PROGRESS_HEADER)]
    assert frame["Identifiant du module"].tolist() == ["bases-ia", "ethique-ia"]
    statements = exports.preview(engine, data.catalog, exports.ExportRequest("xapi", "jsonl", locale="en"), limit=3,
                                 home=HOME)
    assert list(statements.columns) == ["Timestamp", "Actor", "Verb", "Object"]
    assert statements["Verb"].tolist() == ["experienced", "completed", "experienced"]
    assert statements["Actor"].tolist() == [str(data.lea)] * 3


def test_file_name_and_cohort_names(engine: Engine, data: Dataset) -> None:
    request = exports.ExportRequest("responses", "xlsx", cohort=COHORT, module="bases-ia", pseudonymize=True)
    assert request.file_name(date(2026, 3, 1)) == "responses-internes-2025-bases-ia-pseudonymized-20260301.xlsx"
    assert exports.ExportRequest("xapi", "jsonl").file_name(date(2026, 3, 1)) == "xapi-20260301.jsonl"
    assert exports.ExportRequest("xapi", "jsonl").mime_type == "application/x-ndjson"
    french = exports.ExportRequest("progress", "csv", dialect="excel-fr", bom=False)
    assert french.file_name(date(2026, 3, 1)) == "progress-excel-fr-20260301.csv"
    assert french.command("p.csv") == ("python -m academy export progress --format csv --output p.csv "
                                       "--dialect excel-fr --no-bom")
    assert exports.cohort_names(engine) == [COHORT]


def test_record_export_writes_the_audit_log(engine: Engine, data: Dataset) -> None:
    request = exports.ExportRequest("dpc", "csv", cohort=COHORT, pseudonymize=True)
    exports.record_export(engine, request, actor_id=data.coordinator, via="page")
    exports.record_export(engine, exports.ExportRequest("xapi", "jsonl"), actor_id=None, via="cli", rows=12)
    cli_entry, page_entry = audit_entries(engine, action="export")
    assert (page_entry.actor_id, page_entry.target) == (data.coordinator, "export:dpc")
    assert page_entry.details == {"kind": "dpc", "fmt": "csv", "cohort": COHORT, "module": None,
                                  "pseudonymize": True, "dialect": "standard", "bom": True, "locale": "fr",
                                  "via": "page"}
    assert (cli_entry.actor_id, cli_entry.details["via"], cli_entry.details["rows"]) == (None, "cli", 12)


# --- CSV for Excel (France), and the same text read with the other separator --------------------------------------


def read_csv_fr(payload: bytes) -> list[dict[str, str]]:
    assert payload.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_progress_csv_for_french_excel(engine: Engine, data: Dataset) -> None:
    request = exports.ExportRequest("progress", "csv", dialect="excel-fr")
    payload = exports.export_bytes(engine, data.catalog, request)
    assert payload.splitlines()[0] == ("\ufeff" + ";".join((*IDENTITY, *PROGRESS_HEADER))).encode("utf-8")
    rows = read_csv_fr(payload)
    assert rows[0] == {
        "user_id": str(data.lea), "name": "Léa Martin-Dupré", "email": "lea.martin@example.org",
        "profession": "Infirmière", "rpps": "10101010101", "module_id": "bases-ia",
        "module_title": "Les bases de l'IA en santé", "status": "passed", "started_at": "10/01/2025 09:50:00",
        "last_activity_at": "11/01/2025 11:05:00", "completed_at": "11/01/2025 11:05:00",
        "lessons_completed": "1", "lessons_total": "2", "attempts": "2", "best_score_pct": "100,0",
        "recorded_score_pct": "100,0", "reading_minutes": "9,0", "quiz_minutes": "19,5",
        "credits_earned_hours": "1,0",
    }  # Paris times (UTC+1), decimal commas
    assert rows[2]["name"] == "'" + INJECTION
    assert exports.export_bytes(engine, data.catalog, replace(request, bom=False)) == payload[3:]


def test_responses_csv_for_french_excel_keeps_numbers_as_numbers(engine: Engine, data: Dataset) -> None:
    request = exports.ExportRequest("responses", "csv", module="ethique-ia", dialect="excel-fr")
    rows = read_csv_fr(exports.export_bytes(engine, data.catalog, request))
    assert [(r["question_id"], r["answer"], r["fraction"]) for r in rows] == [
        ("seuil", "42,5", "1,0"), ("etapes", '["a", "b", "c"]', "1,0"),
        ("standards", '{"a": "Échange", "b": "Images"}', "1,0"), ("hypothese", "0", "1,0"),
        ("seuil", "10", "0,0"), ("etapes", '["b", "a", "c"]', "0,0"),
        ("standards", '{"a": "Images", "b": "Échange"}', "0,0"), ("hypothese", "1", "0,5"),
    ]
    assert rows[0]["answered_at"] == "02/01/2026 09:01:00"


DANGEROUS = "=+-@\t\r"
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _spreadsheet_cells(payload: bytes, delimiter: str) -> list[str]:
    text = payload.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]


@pytest.mark.parametrize("dialect", exports.DIALECTS)
def test_no_cell_starts_a_formula_whichever_separator_opens_the_file(dialect: str) -> None:
    """A CSV opened with the other dialect's separator is split inside cells: a fragment may not start a formula,
    and numbers stay numbers (a TCS answer -1 is the number -1)."""
    texts = ["Dupont;=HYPERLINK(\"http://x\")", "a,+33 6", 'x;"=1+1', "b,@SUM(A1)", "c;\t=x", "d,\r=x",
             "=1+1", "@x", "1-2", "tiret, -", "e;-f", '["a", "-b"]']
    rows = [("text", "answer", "score"), *((text, -1, -0.5) for text in texts)]
    buffer = io.BytesIO()
    exports.write_csv(rows, buffer, dialect=dialect)
    payload = buffer.getvalue()
    for delimiter in (",", ";"):
        for cell in _spreadsheet_cells(payload, delimiter):
            assert not cell.startswith(tuple(DANGEROUS)) or NUMBER.fullmatch(cell), (delimiter, cell)
    right = ";" if dialect == "excel-fr" else ","
    body = [row for row in csv.reader(io.StringIO(payload.decode("utf-8-sig"), newline=""), delimiter=right)][1:]
    assert [row[1] for row in body] == ["-1"] * len(texts)
    assert {row[2] for row in body} == {"-0,5" if dialect == "excel-fr" else "-0.5"}
    assert [row[0] for row in body][:3] == ["Dupont;'=HYPERLINK(\"http://x\")", "a,'+33 6", 'x;"\'=1+1']


def test_neutralize_csv() -> None:
    assert exports.neutralize_csv("Dupont;=CMD()") == "Dupont;'=CMD()"
    assert exports.neutralize_csv("=a,=b") == "'=a,'=b"
    assert exports.neutralize_csv('x,""-1') == "x,\"\"'-1"
    assert exports.neutralize_csv("a, -1; b") == "a, -1; b"  # a space: not the start of a cell
    assert exports.neutralize_csv("Léa") == "Léa"
    assert exports.neutralize_csv("a\n=1\r\n@x") == "a\n'=1\r\n'@x"  # a raw line starts after a line break
    assert exports.neutralize_csv("x;\x00=1") == "x;'\x00=1"


def test_xlsx_error_codes_stay_text() -> None:
    buffer = io.BytesIO()
    exports.write_xlsx([("a", "b"), ("#N/A", "#DIV/0!")], buffer)
    cells = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(min_row=2))
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in cells] == [
        ("#N/A", "s", True), ("#DIV/0!", "s", True)
    ]


# --- XLSX for every export, read back with openpyxl -----------------------------------------------------------------


@pytest.mark.parametrize(("kind", "time_columns"), [
    ("progress", ("started_at", "last_activity_at", "completed_at")),
    ("responses", ("attempt_started_at", "attempt_submitted_at", "answered_at")),
    ("xapi", ("timestamp",)),
    ("dpc", ("date",)),
])
def test_every_kind_has_an_xlsx_with_date_cells(engine: Engine, data: Dataset, kind: str,
                                               time_columns: tuple[str, ...]) -> None:
    assert "xlsx" in exports.FORMATS[kind]
    payload = exports.export_bytes(engine, data.catalog, exports.ExportRequest(kind, "xlsx"))
    workbook = load_workbook(io.BytesIO(payload))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for name in time_columns:
        column = header.index(label(name)) + 1
        cells = [row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column) if row[0].value]
        assert cells, name
        assert all(cell.is_date and isinstance(cell.value, datetime) for cell in cells), name
        assert {cell.number_format for cell in cells} == {"dd/mm/yyyy hh:mm:ss"}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xapi_as_a_table(engine: Engine, data: Dataset) -> None:
    statements = list(exports.xapi_statements(engine, data.catalog))
    rows = table(exports.xapi_table(statements))
    assert len(rows) == len(statements)
    assert list(rows[0]) == list(exports.XAPI_COLUMNS)
    answered = next(r for r, s in zip(rows, statements, strict=True) if s["verb"]["id"].endswith("answered"))
    assert answered["interaction_type"] == "choice" and answered["registration"]
    assert answered["parent_id"].endswith("/module/bases-ia/pretest")
    payload = exports.export_bytes(engine, data.catalog, exports.ExportRequest("xapi", "csv", dialect="excel-fr"))
    french = read_csv_fr(payload)
    assert [r["statement_id"] for r in french] == [s["id"] for s in statements]
    assert french[0]["timestamp"] == "10/01/2025 10:00:00"  # Léa's first lesson view, 09:00 UTC


@pytest.mark.parametrize(("locale", "passed", "not_started"), [("fr", "Réussi", "Non commencé"),
                                                               ("en", "Passed", "Not started")])
def test_xlsx_writes_codes_as_words_and_csv_keeps_the_codes(engine: Engine, data: Dataset, locale: str, passed: str,
                                                            not_started: str) -> None:
    request = exports.ExportRequest("progress", "xlsx", locale=locale)
    rows = list(load_workbook(io.BytesIO(exports.export_bytes(engine, data.catalog, request))).active
                .iter_rows(values_only=True))
    status = rows[0].index(label("status", locale))
    assert [row[status] for row in rows[1:]].count(passed) == 2
    assert not_started in [row[status] for row in rows[1:]]
    text = exports.export_bytes(engine, data.catalog, exports.ExportRequest("progress", "csv")).decode("utf-8-sig")
    assert ",passed," in text and ",not_started," in text and "Réussi" not in text


def test_labelled_rows_keep_unknown_codes_and_other_columns() -> None:
    rows = [("profession", "status", "module_id"), ("sage_femme", "passed", "passed"), ("Sophrologue", None, "x")]
    assert list(exports.labelled_rows(rows, "fr")) == [
        ("Profession", "Statut", "Identifiant du module"), ("Sage-femme", "Réussi", "passed"),
        ("Sophrologue", None, "x")]
    assert next(exports.labelled_rows([("status", "not_a_column")], "fr")) == ("Statut", "not_a_column")


def test_every_column_has_a_header_label_in_both_languages() -> None:
    assert set(exports.COLUMN_HEADERS) >= {*IDENTITY, *PROGRESS_HEADER, *exports.RESPONSE_COLUMNS,
                                           *exports.XAPI_COLUMNS, *dpc.COLUMNS, *dpc.TOTAL_COLUMNS}
    for key in exports.COLUMN_HEADERS.values():
        assert set(i18n.STRINGS[key]) == {"fr", "en"}, key
    english = next(exports.labelled_rows([IDENTITY + PROGRESS_HEADER], "en"))
    assert english[6:8] == ("Module", "Status") and english[14] == "Best score (%)"
