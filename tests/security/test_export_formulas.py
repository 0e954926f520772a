"""Attack: formula injection through exports (issue 12).

A learner whose name, e-mail or profession, or whose free-text (QROC) answer, looks like a formula, and a
coordinator who opens the export in a spreadsheet. The payloads are written straight into the database (sign-up
refuses some of them: the export must be safe whatever is stored). Every export kind and format is read back:

- CSV (``standard`` and ``excel-fr``): the file is split as Excel may split it, with either separator, after CSV
  parsing and on the raw lines; no piece may start with ``=``, ``+``, ``-``, ``@``, a tab, a CR or NUL, except a
  number (a TCS answer -1 is the number -1);
- XLSX: the cell holds the text exactly (no apostrophe), as a string, with the quote-prefix style when it starts
  like a formula, and no ``<f>`` element exists in the workbook; TCS answers are number cells;
- xAPI JSONL: the texts are JSON strings and come back exactly.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, update
from test_exports import (  # noqa: F401  (public_address: the xAPI home, an autouse fixture)
    HOME,
    _attempt,
    at,
    build_dataset,
    public_address,
)

from academy import i18n
from academy.accounts import auth
from academy.coordination import cohorts
from academy.interop import exports
from academy.store import db
from academy.store.models import Cohort, CohortMember, User

# payload → the CSV cell (a ' before each place a split would start a formula) → the XLSX cell's text and whether
# it has the quote-prefix style (NUL cannot be in XML: removed; XML reads a CR as a line feed).
PAYLOADS = {
    "=1+1": ("'=1+1", "=1+1", True),
    "+1": ("'+1", "+1", True),
    "-1+1": ("'-1+1", "-1+1", True),
    "@SUM(1)": ("'@SUM(1)", "@SUM(1)", True),
    "\t=1": ("'\t=1", "\t=1", True),
    "\r=1": ("'\r'=1", "\n=1", True),
    "\x00=1": ("'\x00=1", "=1", True),
    "Dupont;=1+1": ("Dupont;'=1+1", "Dupont;=1+1", False),
    "x,=1+1": ("x,'=1+1", "x,=1+1", False),
    '"a";=1': ('"a";\'=1', '"a";=1', False),
    "=1+1@x.fr": ("'=1+1@x.fr", "=1+1@x.fr", True),
}
TRIGGERS = tuple("=+-@\t\r\x00")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
TCS_ANSWERS = (-1, -2)
CSV_REQUESTS = [(kind, dialect) for kind in exports.KINDS for dialect in exports.DIALECTS]


@dataclass(frozen=True)
class Hostile:
    """The data set of test_exports plus one learner per payload: name, e-mail and profession are the payload,
    the QROC answer too, and the TCS answer is -1 or -2."""

    catalog: Any
    learners: dict[int, str]  # user id → payload


@pytest.fixture
def hostile(engine: Engine, tmp_path: Path) -> Hostile:
    data = build_dataset(engine, tmp_path / "content")
    bases, ethics = data.catalog.module("bases-ia").quiz, data.catalog.module("ethique-ia").quiz
    learners: dict[int, str] = {}
    for number, payload in enumerate(PAYLOADS):
        if "\x00" in payload and engine.dialect.name == "postgresql":
            continue  # PostgreSQL cannot store NUL in text: no export can meet it there
        user_id = auth.insert_account(engine, email=f"hostile{number}@example.org", name=f"Hostile {number}",
                                      password_hash="!", roles={"learner"}).id
        with db.write(engine) as session:  # as stored by a path that did not check (sign-up refuses some)
            session.execute(update(User).where(User.id == user_id).values(name=payload, email=payload,
                                                                          profession=payload))
        _attempt(engine, user_id, "bases-ia", bases, {"definition": "a", "sigle": payload}, kind="post",
                 start=at(2025, 3, 1, 9, number), submit=at(2025, 3, 1, 10, number), pass_mark=0.6)
        tcs = {"hypothese": TCS_ANSWERS[number % 2]}
        _attempt(engine, user_id, "ethique-ia", ethics, tcs, kind="post", start=at(2025, 3, 2, 9, number),
                 submit=at(2025, 3, 2, 10, number), pass_mark=0.5)
        learners[user_id] = payload
    return Hostile(data.catalog, learners)


def export(engine: Engine, hostile: Hostile, kind: str, fmt: str, dialect: str = "standard") -> bytes:
    return exports.export_bytes(engine, hostile.catalog, exports.ExportRequest(kind, fmt, dialect=dialect), home=HOME)


def pieces(text: str) -> list[str]:
    """Every piece a spreadsheet may start a cell with: ``text`` split on line breaks, ``,`` and ``;``, read both
    as raw lines and as CSV parsed with either separator (leading quotes dropped: a quoted field's text follows)."""
    found = [piece for line in re.split(r"\r\n|\r|\n", text) for piece in re.split(r"[,;]", line)]
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            found += [piece for cell in row for piece in re.split(r"[\r\n,;]", cell)]
    return [piece.lstrip('"') for piece in found]


@pytest.mark.parametrize(("kind", "dialect"), CSV_REQUESTS)
def test_no_piece_of_a_csv_starts_a_formula(engine: Engine, hostile: Hostile, kind: str, dialect: str) -> None:
    text = export(engine, hostile, kind, "csv", dialect).decode("utf-8-sig")
    delimiter = ";" if dialect == "excel-fr" else ","
    cells = {cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row}
    assert {PAYLOADS[payload][0] for payload in hostile.learners.values()} <= cells  # every payload is there
    dangerous = [piece for piece in pieces(text) if piece.startswith(TRIGGERS) and not NUMBER.fullmatch(piece)]
    assert dangerous == []


@pytest.mark.parametrize("dialect", exports.DIALECTS)
def test_csv_cells_stay_true(engine: Engine, hostile: Hostile, dialect: str) -> None:
    """Each identity cell and QROC answer is the payload with a ' where a formula could start; TCS answers are
    plain numbers."""
    delimiter = ";" if dialect == "excel-fr" else ","
    for kind in ("progress", "responses", "dpc"):
        text = export(engine, hostile, kind, "csv", dialect).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
        for user_id, payload in hostile.learners.items():
            mine = [row for row in rows if row["user_id"] == str(user_id)]
            assert mine, (kind, payload)
            cell = PAYLOADS[payload][0]
            assert {(row["name"], row["email"], row["profession"]) for row in mine} == {(cell, cell, cell)}, kind
    text = export(engine, hostile, "responses", "csv", dialect).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
    for user_id, payload in hostile.learners.items():
        answers = {row["question_id"]: row["answer"] for row in rows if row["user_id"] == str(user_id)}
        assert answers["sigle"] == PAYLOADS[payload][0]
        assert answers["hypothese"] in ("-1", "-2")
    tcs = [row["response"] for row in csv.DictReader(
        io.StringIO(export(engine, hostile, "xapi", "csv", dialect).decode("utf-8-sig"), newline=""),
        delimiter=delimiter) if row["interaction_type"] == "likert"]
    assert {"-1", "-2"} <= set(tcs)


def sheet_xml(payload: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return [archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")]


TRIMMED = {"\t=1": ("=1", True), "\r=1": ("=1", True)}  # an xAPI fill-in response is the answer trimmed


def column_codes(sheet) -> list[str]:
    """A sheet's header row as column codes (XLSX headers are the French labels of the codes)."""
    codes = {i18n.t(key, "fr"): code for code, key in exports.COLUMN_HEADERS.items()}
    return [codes.get(cell.value, cell.value) for cell in sheet[1]]


@pytest.mark.parametrize(("kind", "learner", "columns"), [
    ("progress", "user_id", ("name", "email", "profession")),
    ("responses", "user_id", ("name", "email", "profession", "answer")),
    ("dpc", "user_id", ("name", "email", "profession")),
    ("xapi", "actor", ("actor_name", "response")),
])
def test_xlsx_cells_hold_the_text_as_typed(engine: Engine, hostile: Hostile, kind: str, learner: str,
                                            columns: tuple[str, ...]) -> None:
    payload = export(engine, hostile, kind, "xlsx")
    assert all(re.search(r"<f[ >]", xml) is None for xml in sheet_xml(payload)), "a formula in the workbook"
    workbook = load_workbook(io.BytesIO(payload))
    checked: dict[str, set[tuple[str, str]]] = {}
    for sheet in workbook.worksheets:
        header = column_codes(sheet)
        for row in sheet.iter_rows(min_row=2):
            cells = dict(zip(header, row, strict=True))
            source = hostile.learners.get(int(cells[learner].value))
            if source is None:
                continue
            for column in columns:
                if column == "answer" and cells["question_id"].value != "sigle":
                    continue
                if column == "response" and not str(cells["object_id"].value).endswith("/sigle"):
                    continue
                text, quoted = PAYLOADS[source][1:]
                if column == "response":
                    text, quoted = TRIMMED.get(source, (text, quoted))
                cell = cells[column]
                assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", quoted), (column, source)
                checked.setdefault(source, set()).add((sheet.title, column))
    assert set(checked) == set(hostile.learners.values())
    assert {column for found in checked.values() for _, column in found} == set(columns)


@pytest.mark.parametrize(("kind", "column", "interaction"), [
    ("responses", "answer", None), ("xapi", "response", "likert"),
])
def test_tcs_answers_are_number_cells(engine: Engine, hostile: Hostile, kind: str, column: str,
                                      interaction: str | None) -> None:
    sheet = load_workbook(io.BytesIO(export(engine, hostile, kind, "xlsx"))).active
    header = column_codes(sheet)
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    if interaction is None:
        tcs = [row[column] for row in rows if row["question_id"].value == "hypothese"]
    else:
        tcs = [row[column] for row in rows if row["interaction_type"].value == interaction]
    assert {cell.value for cell in tcs} >= set(TCS_ANSWERS)
    assert {(cell.data_type, cell.quotePrefix) for cell in tcs} == {("n", False)}


def test_xapi_jsonl_carries_the_texts_exactly(engine: Engine, hostile: Hostile) -> None:
    statements = [json.loads(line) for line in export(engine, hostile, "xapi", "jsonl").decode("utf-8").splitlines()]
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for statement in statements:
        by_actor.setdefault(statement["actor"]["account"]["name"], []).append(statement)
    for user_id, payload in hostile.learners.items():
        mine = by_actor[str(user_id)]
        assert {statement["actor"]["name"] for statement in mine} == {payload}
        responses = {statement["object"]["id"].rsplit("/", 1)[-1]: statement["result"].get("response")
                     for statement in mine if statement["verb"]["id"].endswith("/answered")}
        assert responses["sigle"] == payload.strip()  # a fill-in response is the stored text, trimmed (xAPI)
        assert responses["hypothese"] in ("-1", "-2")  # xAPI responses are strings


def test_a_cohort_named_like_a_formula_is_refused_or_exported_by_its_name(engine: Engine, hostile: Hostile) -> None:
    """Cohort names: those with control characters are refused; the others name a cohort the exports filter on,
    and its file name is a slug."""
    coordinator = auth.insert_account(engine, email="coord2@example.org", name="Coord", password_hash="!",
                                      roles={"coordinator"}).id
    exported = 0
    for user_id, payload in hostile.learners.items():
        if auth.has_control_characters(payload):
            with pytest.raises(cohorts.CohortError):
                cohorts.create_cohort(engine, payload, actor_id=coordinator)
            continue
        cohort = cohorts.create_cohort(engine, payload, actor_id=coordinator)
        with db.write(engine) as session:
            session.add(CohortMember(cohort_id=cohort.id, user_id=user_id, added_at=at(2025, 3, 1)))
            assert session.get(Cohort, cohort.id).name == payload
        request = exports.ExportRequest("progress", "csv", cohort=payload)
        rows = list(csv.DictReader(io.StringIO(
            exports.export_bytes(engine, hostile.catalog, request).decode("utf-8-sig"), newline="")))
        assert {row["user_id"] for row in rows} == {str(user_id)}
        assert re.fullmatch(r"progress-[a-z0-9-]+-\d{8}\.csv", request.file_name(at(2025, 3, 1).date()))
        exported += 1
    assert exported == sum(not auth.has_control_characters(p) for p in hostile.learners.values())
