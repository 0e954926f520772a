"""DPC/CME traceability: chronological actions with proof, credited hours, yearly totals (French calendar years);
sums that never count twice, the XLSX totals sheet read back with openpyxl."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from test_exports import COHORT, INJECTION, Dataset, at, build_catalog, build_dataset, paris, read_csv, table

from academy import i18n
from academy.interop import dpc, exports

IDENTITY = ("user_id", "name", "email", "profession", "rpps")
BASES, ETHICS = "Les bases de l'IA en santé", "Éthique de l'IA en santé"


@pytest.fixture
def data(engine: Engine, tmp_path: Path) -> Dataset:
    return build_dataset(engine, tmp_path / "content")


def test_dpc_rows_of_a_learner(engine: Engine, data: Dataset) -> None:
    rows = list(exports.dpc_rows(engine, data.catalog, cohort=COHORT))
    assert rows[0] == IDENTITY + dpc.COLUMNS
    lea = (data.lea, "Léa Martin-Dupré", "lea.martin@example.org", "Infirmière", "10101010101")
    intro = "Qu'est-ce que l'IA ?"
    assert rows[1:] == [
        # date, year, action, module, title, lesson, lesson title, attempt, kind, score, passed, hours, code,
        # year hours, year modules passed
        (*lea, at(2025, 1, 10, 8, 52), 2025, "quiz_submitted", "bases-ia", BASES, None, None, 1, "pre", 0.0, False,
         None, None, None, None),
        (*lea, at(2025, 1, 10, 9, 5), 2025, "lesson_completed", "bases-ia", BASES, "introduction", intro, None, None,
         None, None, None, None, None, None),
        (*lea, at(2025, 1, 10, 9, 22, 30), 2025, "quiz_submitted", "bases-ia", BASES, None, None, 2, "post", 50.0,
         False, None, None, None, None),
        (*lea, at(2025, 1, 11, 10, 5), 2025, "quiz_submitted", "bases-ia", BASES, None, None, 3, "post", 100.0, True,
         None, None, None, None),
        (*lea, at(2025, 1, 11, 10, 5), 2025, "module_passed", "bases-ia", BASES, None, None, 3, "post", 100.0, True,
         1.0, "ATT-LEA-0001", None, None),
        (*lea, None, 2025, "year_total", None, None, None, None, None, None, None, None, None, None, 1.0, 1),
        # 23:00 UTC on 31 December is already New Year's Day in Paris: a 2026 action.
        (*lea, at(2025, 12, 31, 23), 2026, "lesson_completed", "ethique-ia", ETHICS, "principes", "Principes", None,
         None, None, None, None, None, None, None),
        (*lea, at(2026, 1, 2, 8, 10), 2026, "quiz_submitted", "ethique-ia", ETHICS, None, None, 4, "post", 100.0,
         True, None, None, None, None),
        (*lea, at(2026, 1, 2, 8, 10), 2026, "module_passed", "ethique-ia", ETHICS, None, None, 4, "post", 100.0, True,
         1.5, None, None, None),
        (*lea, at(2026, 1, 3, 9, 4), 2026, "quiz_submitted", "ethique-ia", ETHICS, None, None, 5, "post", 12.5, False,
         None, None, None, None),
        (*lea, None, 2026, "year_total", None, None, None, None, None, None, None, None, None, None, 1.5, 1),
    ]


def test_every_learner_with_activity_in_id_order(engine: Engine, data: Dataset) -> None:
    body = table(exports.dpc_rows(engine, data.catalog))
    assert [r["user_id"] for r in body] == [data.lea] * 11 + [data.evil] * 3  # the idle learner has no action
    evil = [(r["action"], r["score_pct"], r["hours_credited"], r["year_hours_credited"], r["year_modules_passed"])
            for r in body[11:]]
    assert evil == [("lesson_completed", None, None, None, None), ("quiz_submitted", 33.3, None, None, None),
                    ("year_total", None, None, 0.0, 0)]
    only_ethics = table(exports.dpc_rows(engine, data.catalog, module="ethique-ia"))
    assert [(r["action"], r["year"], r["hours_credited"], r["year_hours_credited"]) for r in only_ethics] == [
        ("lesson_completed", 2026, None, None), ("quiz_submitted", 2026, None, None),
        ("module_passed", 2026, 1.5, None), ("quiz_submitted", 2026, None, None), ("year_total", 2026, None, 1.5),
    ]


def test_summing_a_column_never_counts_hours_twice(engine: Engine, data: Dataset) -> None:
    body = table(exports.dpc_rows(engine, data.catalog))
    credited = sum(r["hours_credited"] or 0 for r in body)
    assert credited == 2.5  # 1.0 (bases-ia) + 1.5 (ethique-ia): the module_passed rows only
    assert sum(r["year_hours_credited"] or 0 for r in body) == credited
    assert all(r["hours_credited"] is None for r in body if r["action"] == "year_total")


def test_chunks_do_not_change_the_result(engine: Engine, data: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = list(exports.dpc_rows(engine, data.catalog))
    monkeypatch.setattr(exports, "CHUNK", 1)  # one learner per query
    assert list(exports.dpc_rows(engine, data.catalog)) == whole


def test_dpc_csv_is_neutralised_and_pseudonymisable(engine: Engine, data: Dataset) -> None:
    rows = read_csv(exports.export_bytes(engine, data.catalog, exports.ExportRequest("dpc", "csv")))
    assert {r["name"] for r in rows if r["user_id"] == str(data.evil)} == {"'" + INJECTION}
    passed = next(r for r in rows if r["action"] == "module_passed")
    expected = {"date": "2025-01-11T10:05:00Z", "year": "2025", "attempt_id": "3", "score_pct": "100.0",
                "passed": "true", "hours_credited": "1.0", "certificate_code": "ATT-LEA-0001",
                "year_hours_credited": "", "year_modules_passed": ""}
    assert {key: passed[key] for key in expected} == expected
    pseudonymised = read_csv(exports.export_bytes(engine, data.catalog,
                                                  exports.ExportRequest("dpc", "csv", pseudonymize=True)))
    assert list(pseudonymised[0])[:3] == ["pseudonym", "profession", "date"]
    secret = exports.pseudonym_secret(engine)
    assert {r["pseudonym"] for r in pseudonymised} == {exports.pseudonym(secret, data.lea),
                                                       exports.pseudonym(secret, data.evil)}


def test_dpc_xlsx_has_date_cells_and_a_totals_sheet(engine: Engine, data: Dataset) -> None:
    payload = exports.export_bytes(engine, data.catalog, exports.ExportRequest("dpc", "xlsx"))
    workbook = load_workbook(io.BytesIO(payload))
    assert workbook.sheetnames == ["dpc", "totals"]
    trace = list(workbook["dpc"].iter_rows(values_only=True))
    assert trace[0] == tuple(i18n.t(f"exports.column.{code}", "fr") for code in IDENTITY + dpc.COLUMNS)
    assert len(trace) == 1 + 14
    assert trace[1][5] == paris(2025, 1, 10, 8, 52) == datetime(2025, 1, 10, 9, 52)
    assert workbook["dpc"].cell(row=2, column=6).is_date
    totals = list(workbook["totals"].iter_rows(values_only=True))
    lea = (data.lea, "Léa Martin-Dupré", "lea.martin@example.org", "Infirmière", "10101010101")
    evil = (data.evil, INJECTION, "evil@example.org", "Médecin", None)  # as typed: a quote-prefixed text cell
    assert workbook["totals"].cell(row=4, column=2).quotePrefix
    assert totals[0] == ("N° de compte", "Nom", "Adresse électronique", "Profession", "N° RPPS", "Année",
                         "Heures validées", "Modules réussis")
    assert totals[1:] == [(*lea, 2025, 1, 1), (*lea, 2026, 1.5, 1), (*evil, 2025, 0, 0)]
    hours = len(IDENTITY) + dpc.COLUMNS.index("hours_credited")
    assert sum(row[hours] or 0 for row in trace[1:]) == sum(row[6] for row in totals[1:]) == 2.5


def test_trace_rules(tmp_path: Path) -> None:
    modules = {m.id: m for m in build_catalog(tmp_path / "content").modules}
    actions = [
        dpc.Action(at(2024, 6, 1), dpc.QUIZ_SUBMITTED, "bases-ia", attempt_id=1, attempt_kind="pre", score=0.2,
                   passed=False),
        dpc.Action(at(2024, 6, 2), dpc.QUIZ_SUBMITTED, "bases-ia", attempt_id=2, attempt_kind="post", score=0.9,
                   passed=True),
        dpc.Action(at(2025, 3, 1), dpc.QUIZ_SUBMITTED, "bases-ia", attempt_id=3, attempt_kind="post", score=1.0,
                   passed=True),  # passing again credits nothing more
        dpc.Action(at(2025, 3, 2), dpc.QUIZ_SUBMITTED, "removed", attempt_id=4, attempt_kind="post", score=1.0,
                   passed=True),  # a module no longer in the catalog: traced, no hours
        dpc.Action(at(2025, 3, 3), dpc.LESSON_COMPLETED, "ethique-ia", lesson_id="gone"),
    ]
    rows = list(dpc.trace_rows(actions, modules, {"bases-ia": "CODE-1"}))
    summary = [(r[1], r[2], r[3], r[4], r[6], r[11], r[12], r[13], r[14]) for r in rows]
    assert summary == [
        (2024, "quiz_submitted", "bases-ia", BASES, None, None, None, None, None),
        (2024, "quiz_submitted", "bases-ia", BASES, None, None, None, None, None),
        (2024, "module_passed", "bases-ia", BASES, None, 1.0, "CODE-1", None, None),
        (2024, "year_total", None, None, None, None, None, 1.0, 1),
        (2025, "quiz_submitted", "bases-ia", BASES, None, None, None, None, None),
        (2025, "quiz_submitted", "removed", None, None, None, None, None, None),
        (2025, "module_passed", "removed", None, None, 0.0, None, None, None),
        (2025, "lesson_completed", "ethique-ia", ETHICS, None, None, None, None, None),
        (2025, "year_total", None, None, None, None, None, 0.0, 1),
    ]
    assert [dpc.total_cells(r) for r in rows if r[2] == dpc.YEAR_TOTAL] == [(2024, 1.0, 1), (2025, 0.0, 1)]
    assert list(dpc.trace_rows([], modules, {})) == []
