"""Coordinator exports: progress, per-question responses, xAPI statements and the DPC/CME traceability file.

Each kind has one function returning an iterator: the tables (progress, responses, dpc) yield the header
row first, then one tuple per row; ``xapi`` yields statements (dicts). Arguments are checked when the
function is called (:class:`ExportError`), rows are produced while iterating, so a caller can write a
large export without holding it in memory: progress and dpc read learners in chunks of ``CHUNK``,
responses and statements come from a streamed query (``yield_per``: a server-side cursor on PostgreSQL).

Who is exported: accounts that are not erased and hold the learner role, or, with ``cohort``, the
members of that cohort (by name). ``module`` keeps one module (an id of the catalog). A coordinator
(``viewer``, see :mod:`academy.coordination.cohorts`) exports only the members of the cohorts they manage:
without ``cohort``, those of all their cohorts; another cohort's name is refused as unknown (its existence
is not revealed). ``viewer=None`` (the command line) and admins are not restricted.

Writers take the rows and a binary file:

- ``write_csv``: UTF-8 with a byte-order mark (so Excel reads the accents; ``bom=False`` for machines),
  CRLF lines (RFC 4180), in one of two dialects (:data:`DIALECTS`):

  - ``standard``: comma-separated, decimal point, times in UTC as ISO 8601 (``2025-01-10T08:50:00Z``),
    booleans ``true``/``false``: for tools (R, pandas, a DPC body's import…);
  - ``excel-fr`` (« CSV pour Excel (France) »): semicolon-separated, decimal comma, times in Europe/Paris
    as ``10/01/2025 09:50:00`` and dates as ``10/01/2025``, booleans ``VRAI``/``FAUX``: what a French Excel
    reads into columns, numbers and dates when the file is opened by double-click;
- ``write_xlsx``: openpyxl in write-only mode (rows are streamed to the file): numbers are number cells,
  times are date-time cells in Europe/Paris local time shown ``dd/mm/yyyy hh:mm:ss`` (Excel has no time
  zones), booleans are boolean cells; the header row is bold and frozen. The DPC workbook has a second
  sheet, ``totals``, with the yearly totals (one row per learner and year);
- ``write_jsonl``: one JSON document per line (xAPI).

CSV files keep stable codes (``passed``, ``sage_femme``, ``pre``…), for tools. XLSX files and the page's
preview are read by people: :func:`labelled_rows` writes those codes as words in the request's ``locale``
(« Réussi », « Sage-femme », « Pré-test »; columns in :data:`LABELLED_COLUMNS`) and the header's codes as
labels (``best_score_pct`` → « Meilleur score (%) »; :data:`COLUMN_HEADERS`). XLSX booleans stay boolean
cells, which Excel shows in its own language (VRAI/FAUX); the preview shows them as « Oui »/« Non », empty
values as empty cells, times in Paris time as ``05/12/2026 14:03`` (:func:`preview`).

Every text cell is protected against formula injection, and every number is a number (a TCS answer -1 is the
number -1, in the xAPI table too). CSV: a leading ``'`` when a text starts with ``=``, ``+``, ``-``, ``@``, a tab,
a carriage return or NUL; a file opened with the other dialect's separator, or read line by line, is split
inside cells whatever the quotes, so a ``'`` is also put before such a character when it follows a ``,``, a
``;`` or a line break (and any quotes) inside a text cell. XLSX: text is written as it is, as an inline string
(never evaluated); one that starts with such a character or is an error code (``#N/A``…) has the quote-prefix
style, so Excel shows it as typed and keeps it text when edited; characters XML cannot hold (NUL…) are removed.
The table exports take their times from the database as ISO text for the standard CSV (no
per-row cost) and as datetimes for the other formats.

Pseudonymisation replaces user id, name, email and RPPS by a stable pseudonym ``P-`` + the first 12 hex
digits of HMAC-SHA256(secret, user id); the secret is created on first use in the ``settings`` table, so a
learner keeps the same pseudonym across exports, and a pseudonym cannot be linked back to a person
without that secret. The profession is kept (research needs it).
Each download or CLI export is written to the audit log by :func:`record_export`.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import hmac
import io
import itertools
import json
import re
import secrets
import shlex
import unicodedata
from collections.abc import Generator, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Select,
    String,
    cast,
    extract,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError

from academy import i18n, settings
from academy.accounts.auth import Account
from academy.accounts.roles import LEARNER
from academy.content.catalog import Catalog, Module
from academy.coordination.cohorts import managed_cohorts, managed_learners, sees_every_cohort
from academy.interop import dpc, xapi
from academy.store import db, outbox
from academy.store.audit import audit
from academy.store.models import (
    Attempt,
    Certificate,
    Cohort,
    CohortMember,
    LearnerModuleStats,
    LessonProgress,
    Response,
    Setting,
    User,
    UserRole,
)

KINDS = ("progress", "responses", "xapi", "dpc")
FORMATS: dict[str, tuple[str, ...]] = {
    "progress": ("csv", "xlsx"),
    "responses": ("csv", "xlsx"),
    "xapi": ("jsonl", "csv", "xlsx"),
    "dpc": ("csv", "xlsx"),
}
DIALECTS = ("standard", "excel-fr")  # CSV only
LOCAL_TIME_ZONE = ZoneInfo("Europe/Paris")  # times shown to people: XLSX cells and the excel-fr CSV
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
XLSX_DATE_FORMAT = "dd/mm/yyyy"
MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson",
}
CHUNK = 1000  # learners per progress query; rows per fetch of a streamed query
SECRET_SETTING = "export_pseudonym_secret"
NOT_STARTED, IN_PROGRESS, PASSED = "not_started", "in_progress", "passed"

IDENTITY_COLUMNS = ("user_id", "name", "email", "profession", "rpps")
PSEUDONYMOUS_COLUMNS = ("pseudonym", "profession")
PROGRESS_COLUMNS = (
    "module_id", "module_title", "status", "started_at", "last_activity_at", "completed_at", "lessons_completed",
    "lessons_total", "attempts", "best_score_pct", "recorded_score_pct", "reading_minutes", "quiz_minutes",
    "credits_earned_hours",
)  # fmt: skip
RESPONSE_COLUMNS = (
    "module_id", "attempt_id", "attempt_kind", "attempt_started_at", "attempt_submitted_at", "question_id",
    "question_hash", "answer", "fraction", "certainty", "answered_at",
)  # fmt: skip
XAPI_COLUMNS = (
    "statement_id", "timestamp", "actor", "actor_name", "verb", "object_id", "object_name", "interaction_type",
    "registration", "parent_id", "score_scaled", "score_raw", "success", "completion", "response", "duration",
)  # fmt: skip

# Columns of codes written as words in XLSX files and the preview: column → interface-string key prefix.
LABELLED_COLUMNS = {"status": "exports.value.status.", "profession": "profession.", "attempt_kind": "kind.",
                    "action": "exports.value.action."}
# Column headers of XLSX files and the preview: column code → interface-string key (CSV files keep the codes).
COLUMN_HEADERS = {
    column: f"exports.column.{column}"
    for column in (*IDENTITY_COLUMNS, *PSEUDONYMOUS_COLUMNS, *PROGRESS_COLUMNS, *RESPONSE_COLUMNS, *XAPI_COLUMNS,
                   *dpc.COLUMNS, *dpc.TOTAL_COLUMNS)
}

_FORMULA_PREFIXES = frozenset("=+-@\t\r\x00")  # a text cell starting with one of these is neutralised
# Inside a CSV text cell: a formula character after a separator of either dialect or a line break (a reader that
# splits the raw file starts a cell there), and any quotes.
_FORMULA_AFTER_SEPARATOR = re.compile(r'([,;\r\n]"*)(?=[=+\-@\t\r\x00])')
_SEPARATORS = re.compile(r"[,;\r\n]")

Rows = Generator[tuple[Any, ...], None, None]
Statements = Generator[dict[str, Any], None, None]


class ExportError(ValueError):
    """An export that cannot be made: ``field`` is the faulty option, ``key`` its interface string."""

    def __init__(self, field: str, key: str, **values: object) -> None:
        self.field = field
        self.key = key
        self.values = values
        super().__init__(i18n.t(key, "en", **values))

    def message(self, locale: str) -> str:
        """The message in ``locale``."""
        return i18n.t(self.key, locale, **self.values)


@dataclass(frozen=True)
class ExportRequest:
    """What to export: kind, format, filters, and for CSV the dialect and the byte-order mark."""

    kind: str
    fmt: str
    cohort: str | None = None
    module: str | None = None
    pseudonymize: bool = False
    dialect: str = "standard"
    bom: bool = True
    locale: str = i18n.DEFAULT_LOCALE  # of the words that replace codes in XLSX files

    @property
    def mime_type(self) -> str:
        return MIME_TYPES.get(self.fmt, "application/octet-stream")

    @property
    def typed_times(self) -> bool:
        """True when times are written as date-time values (XLSX, excel-fr CSV) rather than ISO text."""
        return self.fmt == "xlsx" or (self.fmt == "csv" and self.dialect == "excel-fr")

    def file_name(self, today: date) -> str:
        """A descriptive file name, e.g. ``progress-internes-2025-ia-imagerie-20250301.csv``."""
        parts = [self.kind, _slug(self.cohort or ""), self.module or "", "pseudonymized" if self.pseudonymize else "",
                 "excel-fr" if self.fmt == "csv" and self.dialect == "excel-fr" else ""]
        return "-".join(part for part in parts if part) + f"-{today:%Y%m%d}.{self.fmt}"

    def command(self, output: str) -> str:
        """The same export as a ``python -m academy export …`` command line."""
        words = ["python", "-m", "academy", "export", self.kind, "--format", self.fmt, "--output", output]
        words += ["--cohort", self.cohort] if self.cohort else []
        words += ["--module", self.module] if self.module else []
        words += ["--pseudonymize"] if self.pseudonymize else []
        if self.fmt == "csv":
            words += ["--dialect", self.dialect] if self.dialect != "standard" else []
            words += ["--no-bom"] if not self.bom else []
        return shlex.join(words)


# --- formula injection and cell values ------------------------------------------------------------


def neutralize(text: str) -> str:
    """``text`` made inert in a spreadsheet: a leading ``'`` when it starts with = + - @ tab, CR or NUL."""
    return "'" + text if text[:1] in _FORMULA_PREFIXES else text


def neutralize_csv(text: str) -> str:
    """``text`` made inert in a CSV opened with either separator: :func:`neutralize`, and a ``'`` before a
    formula character that follows a ``,``, a ``;`` or a line break (and any quotes), where a split on that
    separator would start a cell (``"Dupont;=CMD()"`` → ``"Dupont;'=CMD()"``)."""
    if _SEPARATORS.search(text):
        text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", text)
    return neutralize(text)


_neutralize_csv_cached = functools.lru_cache(maxsize=4096)(neutralize_csv)  # titles, names repeat row after row


def _iso(moment: datetime) -> str:
    """``2025-01-10T08:50:00Z`` (UTC, to the second)."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def local_time(moment: datetime) -> datetime:
    """``moment`` as a naive Europe/Paris date-time (a spreadsheet cell has no time zone), to the second."""
    return moment.astimezone(LOCAL_TIME_ZONE).replace(tzinfo=None, microsecond=0)


def plain_decimal(number: float) -> str:
    """A float without exponent (1e-05 → ``0.00001``), with its shortest exact digits."""
    return format(Decimal(repr(number)), "f") if "e" in repr(number) else repr(number)


_CSV_AS_IS = frozenset({int, float, type(None)})  # the csv module writes None as an empty cell


def _csv_cell(value: Any) -> Any:
    """A cell that is not a plain str, int, float or None, as the standard CSV writer takes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralize_csv(value)
    return value


def _csv_row(row: Sequence[Any]) -> list[Any]:
    """A row for the standard CSV writer: text neutralised; the common types are handled inline (this runs per
    cell: the separator search only runs on text holding a separator)."""
    return [
        (("'" + value if value[:1] in _FORMULA_PREFIXES else value) if not _SEPARATORS.search(value)
         else _neutralize_csv_cached(value)) if value.__class__ is str
        else value if value.__class__ in _CSV_AS_IS
        else _iso(value) if value.__class__ is datetime
        else _csv_cell(value)
        for value in row
    ]


def _csv_cell_fr(value: Any) -> Any:
    """A cell as the excel-fr CSV writes it: decimal comma, Paris times, VRAI/FAUX, text neutralised."""
    if value is None or value.__class__ is int:
        return value
    if isinstance(value, str):
        return neutralize_csv(value)
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        return plain_decimal(value).replace(".", ",")
    if isinstance(value, int):
        return int(value)
    if isinstance(value, datetime):
        return f"{local_time(value):%d/%m/%Y %H:%M:%S}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return neutralize_csv(str(value))


def _csv_row_fr(row: Sequence[Any]) -> list[Any]:
    return [_csv_cell_fr(value) for value in row]


def _xlsx_value(worksheet: Any, value: Any) -> Any:
    """A plain cell value for a write-only worksheet (date-times are handled by the caller).

    Text is kept as it is: a text that Excel would take for a formula or an error value is a string cell
    (openpyxl writes strings inline, and Excel never evaluates an inline string) with the quote-prefix style,
    so it is shown as typed, without an apostrophe, and stays text when the cell is edited.
    """
    if isinstance(value, str):
        # Characters XML cannot hold are removed first, so that they cannot hide a leading "=".
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        if text[:1] in _FORMULA_PREFIXES or text in ERROR_CODES:
            cell = WriteOnlyCell(worksheet, value=text)
            cell.data_type = "s"  # openpyxl makes a text starting with "=" a formula, an error code an error
            cell.quotePrefix = True
            return cell
        return text
    return value


# --- writers --------------------------------------------------------------------------------------


def write_csv(rows: Iterable[Sequence[Any]], fileobj: IO[bytes], *, dialect: str = "standard",
              bom: bool = True) -> int:
    """Write ``rows`` (header first) as CSV in ``dialect`` to a binary file; returns the number of data rows.

    ``bom``: start with the UTF-8 byte-order mark, which Excel needs to read the accents; leave it out for
    programs that would take it for part of the first column's name.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}")
    if bom:
        fileobj.write(codecs.BOM_UTF8)  # once: the "utf-8-sig" codec would run in Python for every row
    text = io.TextIOWrapper(fileobj, encoding="utf-8", newline="")
    count = -1
    try:
        if dialect == "excel-fr":
            writer, convert = csv.writer(text, delimiter=";"), _csv_row_fr
        else:
            writer, convert = csv.writer(text), _csv_row
        for row in rows:
            writer.writerow(convert(row))
            count += 1
        text.flush()
    finally:
        text.detach()
    return max(count, 0)


Sheet = tuple[str, Iterable[Sequence[Any]]]


def write_xlsx(rows: Iterable[Sequence[Any]], fileobj: IO[bytes], *, sheet: str = "export",
               more_sheets: Iterable[Sheet] = ()) -> int:
    """Write ``rows`` (header first) as an XLSX workbook; returns the number of data rows of the first sheet.

    ``more_sheets`` are further ``(name, rows)`` sheets, each read only once the sheets before it are written.
    Header rows are bold and frozen; column widths follow the header and the first data row.
    """
    workbook = Workbook(write_only=True)
    count = _write_sheet(workbook, sheet, rows)
    for name, sheet_rows in more_sheets:
        _write_sheet(workbook, name, sheet_rows)
    workbook.save(fileobj)
    return count


def _write_sheet(workbook: Workbook, name: str, rows: Iterable[Sequence[Any]]) -> int:
    worksheet = workbook.create_sheet(name[:31])
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        return 0
    first = next(iterator, None)
    for index, title in enumerate(header, start=1):  # widths must be set before the first row is written
        sample = first[index - 1] if first is not None else None
        width = 19 if isinstance(sample, datetime) else len(str(sample)) if sample is not None else 0
        worksheet.column_dimensions[get_column_letter(index)].width = min(max(len(str(title)), width, 8) + 2, 50)
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for value in header:
        cell = _xlsx_value(worksheet, value)
        cell = cell if isinstance(cell, Cell) else WriteOnlyCell(worksheet, value=cell)
        cell.font = bold
        cells.append(cell)
    worksheet.append(cells)
    if first is None:
        return 0
    count = 0
    for row in itertools.chain([first], iterator):
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
        count += 1
    return count


def _xlsx_cell(worksheet: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(worksheet, value=local_time(value) if value.tzinfo is not None else value)
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    return _xlsx_value(worksheet, value)


def write_jsonl(items: Iterable[dict[str, Any]], fileobj: IO[bytes]) -> int:
    """Write one compact JSON document per line (UTF-8); returns the number of lines."""
    count = 0
    for item in items:
        fileobj.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
        count += 1
    return count


# --- pseudonyms -----------------------------------------------------------------------------------


def pseudonym(secret: bytes, user_id: int) -> str:
    """The learner's stable pseudonym: ``P-`` + 12 hex digits of HMAC-SHA256(secret, user id)."""
    return "P-" + hmac.new(secret, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()[:12]


def pseudonym_secret(engine: Engine) -> bytes:
    """The platform's pseudonymisation secret, created (256 random bits) on first use."""
    with db.read(engine) as session:
        row = session.get(Setting, SECRET_SETTING)
        if row is not None:
            return bytes.fromhex(row.value)
    try:
        with db.write(engine) as session:
            row = session.get(Setting, SECRET_SETTING)
            if row is not None:
                return bytes.fromhex(row.value)
            secret = secrets.token_hex(32)
            session.add(Setting(key=SECRET_SETTING, value=secret, updated_at=db.utcnow()))
            return bytes.fromhex(secret)
    except IntegrityError:  # created concurrently (PostgreSQL): use that one
        with db.read(engine) as session:
            return bytes.fromhex(session.get(Setting, SECRET_SETTING).value)


# --- scope: who and which module ------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    population: Select[Any]  # ids of the exported users
    module_id: str | None
    modules: dict[str, Module]  # every catalog module by id (valid or not)
    secret: bytes | None  # set when pseudonymised
    typed_times: bool = False  # times as datetimes (XLSX, excel-fr CSV) instead of ISO text

    def time(self, engine: Engine, moment: Any) -> Any:
        """SQL for a timestamp column: the column itself (a datetime) or its ISO 8601 text."""
        return moment if self.typed_times else _iso_text(engine, moment)

    @property
    def identity_columns(self) -> tuple[str, ...]:
        return PSEUDONYMOUS_COLUMNS if self.secret is not None else IDENTITY_COLUMNS

    def identity(self, row: Any) -> tuple[Any, ...]:
        """The identity cells of a row holding ``user_id``, ``name``, ``email``, ``profession``, ``rpps``."""
        if self.secret is not None:
            return (pseudonym(self.secret, row.user_id), row.profession)
        return (row.user_id, row.name, row.email, row.profession, row.rpps)

    def learner(self, row: Any) -> xapi.Learner:
        if self.secret is not None:
            return xapi.Learner(pseudonym(self.secret, row.user_id))
        return xapi.Learner(str(row.user_id), row.name)

    def title(self, module_id: str) -> str | None:
        module = self.modules.get(module_id)
        return module.title if module is not None else None


def _scope(
    engine: Engine, catalog: Catalog, cohort: str | None, module: str | None, pseudonymize: bool,
    typed_times: bool = False, viewer: Account | None = None,
) -> _Scope:
    """Check the filters and resolve them within ``viewer``'s cohorts; raises :class:`ExportError`."""
    modules: dict[str, Module] = {}
    for item in catalog.all_modules:
        modules.setdefault(item.id, item)
    if module is not None and module not in modules:
        raise ExportError("module", "exports.error.unknown_module", module=module)
    population = select(User.id).where(User.erased_at.is_(None))
    scoped = not sees_every_cohort(viewer)
    if cohort is None and scoped:
        population = population.where(User.id.in_(managed_learners(viewer)))
    elif cohort is None:
        population = population.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == LEARNER)))
    else:
        named = select(Cohort.id).where(Cohort.name == cohort.strip())
        with db.read(engine) as session:
            cohort_id = session.scalar(named.where(Cohort.id.in_(managed_cohorts(viewer))) if scoped else named)
        if cohort_id is None:
            raise ExportError("cohort", "exports.error.unknown_cohort", cohort=cohort)
        members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
        population = population.where(User.id.in_(members))
    secret = pseudonym_secret(engine) if pseudonymize else None
    return _Scope(population, module, modules, secret, typed_times)


_USER_COLUMNS = (User.id.label("user_id"), User.name, User.email, User.profession, User.rpps)


def _iso_text(engine: Engine, moment: Any) -> ColumnElement[Any]:
    """SQL for a UTC timestamp as ISO 8601 text, ``2025-01-10T08:50:00Z``.

    The table exports format their timestamps in the database: the text sorts like the time, reads the
    same in CSV, XLSX and the preview, and costs nothing per row in Python.
    """
    if engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", moment), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    return func.strftime("%Y-%m-%dT%H:%M:%SZ", moment)


def _seconds_between(engine: Engine, start: Any, end: Any) -> ColumnElement[Any]:
    """SQL for ``end - start`` in seconds (the two backends spell it differently)."""
    if engine.dialect.name == "postgresql":
        return extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _answer_cell(answer: Any) -> str | int | float | None:
    """A stored answer as a cell: text as is, a number as a number (a TCS answer -1 stays the number -1),
    other shapes (lists, dicts) as JSON."""
    if answer is None or isinstance(answer, str):
        return answer
    if isinstance(answer, int | float) and not isinstance(answer, bool):
        return answer
    return json.dumps(answer, ensure_ascii=False, sort_keys=True)


# --- progress -------------------------------------------------------------------------------------


def progress_rows(
    engine: Engine, catalog: Catalog, *, cohort: str | None = None, module: str | None = None,
    pseudonymize: bool = False, typed_times: bool = False, viewer: Account | None = None,
) -> Rows:
    """One row per learner × module: status, dates, best and recorded score, attempts, time, credits.

    Modules are the catalog's valid modules (or the one named by ``module``), in catalogue order;
    learners are in id order. Read from the learner × module rollup (:mod:`academy.store.rollup`):
    ``started_at``/``last_activity_at`` are the first and latest lesson view, attempt start or submission
    (autosaves inside an attempt do not count); ``attempts``, scores and ``completed_at`` (first pass)
    count submitted certifying attempts; the recorded score follows the quiz's grading policy;
    ``reading_minutes`` is the time measured on lessons, ``quiz_minutes`` the time between start and
    submission of every submitted attempt; ``credits_earned_hours`` is the module's ``credits_hours``
    once passed. Times are ISO 8601 UTC text, or datetimes with ``typed_times``.
    """
    scope = _scope(engine, catalog, cohort, module, pseudonymize, typed_times=typed_times, viewer=viewer)
    modules = [scope.modules[module]] if module is not None else list(catalog.modules)
    return _progress(engine, scope, modules)


def _progress(engine: Engine, scope: _Scope, modules: list[Module]) -> Rows:
    yield scope.identity_columns + PROGRESS_COLUMNS
    # Per module: id, title, lessons, the grading policy (which score is recorded), credits.
    static = [(m.id, m.title, len(m.lessons), m.quiz.settings.grading if m.quiz else "highest", m.credits_hours)
              for m in modules]
    last_id = 0
    while True:
        users, stats, quiz_seconds = _progress_chunk(engine, scope, last_id)
        if not users:
            return
        for user in users:
            identity = scope.identity(user)
            for module_id, title, total, grading, credits in static:
                key = (user.user_id, module_id)
                row = stats.get(key)
                if row is None:
                    yield (*identity, module_id, title, NOT_STARTED, None, None, None, 0, total, 0, None, None, 0.0,
                           0.0, 0.0)
                else:
                    yield (*identity, module_id, title,
                           *_progress_cells(row, quiz_seconds.get(key, 0.0), total, grading, credits))
        last_id = users[-1].user_id


def _progress_chunk(
    engine: Engine, scope: _Scope, last_id: int
) -> tuple[list[Any], dict[tuple[int, str], tuple[Any, ...]], dict[tuple[int, str], float]]:
    """The next ``CHUNK`` learners after ``last_id``, their rollup rows and their quiz seconds by (user, module)."""
    users_query = select(*_USER_COLUMNS).where(User.id.in_(scope.population), User.id > last_id)
    with db.read_connection(engine) as connection:
        users = connection.execute(users_query.order_by(User.id).limit(CHUNK)).all()
        if not users:
            return [], {}, {}
        # The chunk's id range: rows of users outside the population are read but never looked up.
        span = (last_id, users[-1].user_id)
        stats_rows = connection.execute(_progress_stats(engine, scope, span)).all()
        seconds_rows = connection.execute(_quiz_seconds(engine, span, scope.module_id)).all()
    # Plain tuples (the figures after user and module id): the caller's loop runs for every row.
    return users, {(r[0], r[1]): r[2:] for r in stats_rows}, {(r[0], r[1]): r[2] for r in seconds_rows}


def _progress_stats(engine: Engine, scope: _Scope, span: tuple[int, int]) -> Select[Any]:
    """The rollup rows (:mod:`academy.store.rollup`) of users ``span[0] < id <= span[1]``."""
    st = LearnerModuleStats
    query = select(
        st.user_id, st.module_id, scope.time(engine, st.first_activity_at), scope.time(engine, st.last_activity_at),
        scope.time(engine, st.first_passed_at), st.lessons_completed, st.seconds_spent, st.attempts, st.best_score,
        st.first_score, st.last_score, st.score_sum,
    ).where(st.user_id > span[0], st.user_id <= span[1])
    return query.where(st.module_id == scope.module_id) if scope.module_id is not None else query


def _quiz_seconds(engine: Engine, span: tuple[int, int], module_id: str | None) -> Select[Any]:
    """Per user and module of users ``span[0] < id <= span[1]``: seconds from start to submission of every
    submitted attempt (pre-tests and reviews included)."""
    a = Attempt
    query = (
        select(a.user_id, a.module_id, func.sum(_seconds_between(engine, a.started_at, a.submitted_at)))
        .where(a.user_id > span[0], a.user_id <= span[1], a.submitted_at.is_not(None))
        .group_by(a.user_id, a.module_id)
    )
    return query.where(a.module_id == module_id) if module_id is not None else query


def _progress_cells(
    stats: tuple[Any, ...], quiz_seconds: float, total: int, grading: str, credits: float
) -> tuple[Any, ...]:
    """The cells after module id and title, for a learner who started the module (a rollup row)."""
    first, last, completed_at, completed, seconds, count, best, first_score, last_score, score_sum = stats
    recorded = {"highest": best, "first": first_score, "last": last_score,
                "average": score_sum / count if count else None}[grading]
    return (
        IN_PROGRESS if completed_at is None else PASSED,
        first,
        last,
        completed_at,
        min(completed, total),
        total,
        count,
        None if best is None else round(best * 100, 1),
        None if recorded is None or not count else round(float(recorded) * 100, 1),
        round(seconds / 60, 1),
        round(float(quiz_seconds or 0) / 60, 1),
        0.0 if completed_at is None else credits,
    )


# --- responses ------------------------------------------------------------------------------------


def response_rows(
    engine: Engine, catalog: Catalog, *, cohort: str | None = None, module: str | None = None,
    pseudonymize: bool = False, typed_times: bool = False, viewer: Account | None = None,
) -> Rows:
    """One row per question of every submitted attempt: answered ones, and unanswered ones (answer empty).

    Streamed from the database in answer order; ``answer`` is the stored response (text as is, other
    shapes as JSON, numbers as numbers), ``fraction`` the share of the question's points earned (0..1). Times
    are ISO 8601 UTC text, or datetimes with ``typed_times``.
    """
    scope = _scope(engine, catalog, cohort, module, pseudonymize, typed_times=typed_times, viewer=viewer)
    query = (
        select(
            *_USER_COLUMNS,
            Attempt.module_id,
            Attempt.id.label("attempt_id"),
            Attempt.kind,
            scope.time(engine, Attempt.started_at).label("started_at"),
            scope.time(engine, Attempt.submitted_at).label("submitted_at"),
            Response.question_id,
            Response.question_hash,
            Response.answer,
            Response.fraction,
            Response.certainty,
            scope.time(engine, Response.answered_at).label("answered_at"),
        )
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.user_id.in_(scope.population))
        .order_by(Response.id)
    )
    if module is not None:
        query = query.where(Attempt.module_id == module)
    return _responses(engine, scope, query)


def _responses(engine: Engine, scope: _Scope, query: Select[Any]) -> Rows:
    yield scope.identity_columns + RESPONSE_COLUMNS
    with db.stream_connection(engine) as connection:
        for row in connection.execution_options(yield_per=CHUNK).execute(query):
            yield (
                *scope.identity(row), row.module_id, row.attempt_id, row.kind, row.started_at, row.submitted_at,
                row.question_id, row.question_hash, _answer_cell(row.answer), row.fraction, row.certainty,
                row.answered_at,
            )


# --- xAPI -----------------------------------------------------------------------------------------


def xapi_statements(
    engine: Engine, catalog: Catalog, *, cohort: str | None = None, module: str | None = None,
    pseudonymize: bool = False, home: str | None = None, viewer: Account | None = None,
) -> Statements:
    """xAPI statements of the learners' activity (see :mod:`academy.interop.xapi`), streamed.

    Lessons: ``experienced`` at the first view, ``completed`` when marked as read. Each submitted
    attempt: ``attempted``, one ``answered`` per answered question, then ``passed``/``failed`` (certifying quiz)
    or ``completed`` (pre-test, review); the first pass of a module adds ``completed`` on the module.
    ``home`` is the platform's public address (IRIs and statement ids derive from it): pages pass theirs,
    otherwise ``ACADEMY_BASE_URL``; without either, :class:`ExportError` (never a made-up localhost address).
    """
    home = (home or settings.base_url() or "").rstrip("/")
    if not home:
        raise ExportError("home", "exports.error.no_base_url")
    scope = _scope(engine, catalog, cohort, module, pseudonymize, viewer=viewer)
    factory = xapi.StatementFactory(home, pseudonymized=pseudonymize)
    return _statements(engine, scope, factory)


def statements_for_events(
    engine: Engine, catalog: Catalog, events: Iterable[tuple[str, int]], user_ids: Iterable[int], *,
    home: str | None = None,
) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """The statements of outbox events (:mod:`academy.store.outbox`): ``(event, source id)`` → its statements, the
    very ones the xAPI export gives for the same rows (same ids). ``user_ids`` are the events' users; erased
    accounts are left out, so their events get no statement."""
    wanted = set(events)
    modules: dict[str, Module] = {}
    for item in catalog.all_modules:
        modules.setdefault(item.id, item)
    population = select(User.id).where(User.id.in_(sorted(set(user_ids))), User.erased_at.is_(None))
    scope = _Scope(population, None, modules, None)
    home = (home or settings.base_url() or "").rstrip("/")
    if not home:
        raise ExportError("home", "exports.error.no_base_url")
    factory = xapi.StatementFactory(home)
    lesson_ids = sorted({source for event, source in wanted if event != outbox.ATTEMPT_SUBMITTED})
    attempt_ids = sorted({source for event, source in wanted if event == outbox.ATTEMPT_SUBMITTED})
    found: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for key, statement in _tagged_statements(engine, scope, factory, lesson_ids=lesson_ids, attempt_ids=attempt_ids):
        if key in wanted:
            found.setdefault(key, []).append(statement)
    return found


def _statements(engine: Engine, scope: _Scope, factory: xapi.StatementFactory) -> Statements:
    for _, statement in _tagged_statements(engine, scope, factory):
        yield statement


def _tagged_statements(
    engine: Engine, scope: _Scope, factory: xapi.StatementFactory, *, lesson_ids: list[int] | None = None,
    attempt_ids: list[int] | None = None,
) -> Generator[tuple[tuple[str, int], dict[str, Any]], None, None]:
    """Each statement with the outbox event it belongs to, ``(event, source id)``; ``lesson_ids`` and
    ``attempt_ids`` keep those lesson_progress and attempt rows only (None: all)."""
    lp = LessonProgress
    lessons = (
        select(*_USER_COLUMNS, lp.id, lp.module_id, lp.lesson_id, lp.first_viewed_at, lp.completed_at)
        .join(User, User.id == lp.user_id)
        .where(lp.user_id.in_(scope.population))
        .order_by(lp.id)
    )
    if lesson_ids is not None:
        lessons = lessons.where(lp.id.in_(lesson_ids))
    a = Attempt
    ranked_query = select(
        a.id, a.user_id, a.module_id, a.kind, a.started_at, a.submitted_at, a.score, a.points, a.max_points, a.passed,
        func.row_number()
        .over(partition_by=(a.user_id, a.module_id, a.kind, a.passed), order_by=(a.submitted_at, a.id))
        .label("rank"),
    ).where(a.submitted_at.is_not(None), a.user_id.in_(scope.population))
    if scope.module_id is not None:
        lessons = lessons.where(lp.module_id == scope.module_id)
        ranked_query = ranked_query.where(a.module_id == scope.module_id)
    ranked = ranked_query.subquery()
    r = Response
    attempts = (
        select(
            ranked, User.name, User.email, User.profession, User.rpps, r.id.label("response_id"), r.question_id,
            r.question_hash, r.answer, r.fraction, r.certainty, r.answered_at,
        )
        .join(User, User.id == ranked.c.user_id)
        .outerjoin(r, r.attempt_id == ranked.c.id)
        .order_by(ranked.c.id, r.id)
    )
    if attempt_ids is not None:  # after ranking: the rank needs the learner's other attempts
        attempts = attempts.where(ranked.c.id.in_(attempt_ids))
    with db.stream_connection(engine) as connection:
        if lesson_ids is None or lesson_ids:
            for row in connection.execution_options(yield_per=CHUNK).execute(lessons):
                module = scope.modules.get(row.module_id)
                lesson = module.lesson(row.lesson_id) if module is not None else None
                args = (scope.learner(row), row.id, row.module_id, scope.title(row.module_id), row.lesson_id,
                        lesson.title if lesson is not None else None)
                yield (outbox.LESSON_VIEWED, row.id), factory.lesson_experienced(*args, row.first_viewed_at)
                if row.completed_at is not None:
                    yield (outbox.LESSON_COMPLETED, row.id), factory.lesson_completed(*args, row.completed_at)
        if attempt_ids is None or attempt_ids:
            rows = connection.execution_options(yield_per=CHUNK).execute(attempts)
            for attempt_id, group in itertools.groupby(rows, key=lambda row: row.id):
                for statement in _attempt_statements(scope, factory, list(group)):
                    yield (outbox.ATTEMPT_SUBMITTED, attempt_id), statement


def _attempt_statements(scope: _Scope, factory: xapi.StatementFactory, rows: list[Any]) -> Statements:
    first = rows[0]
    learner = scope.learner(first)
    title = scope.title(first.module_id)
    module = scope.modules.get(first.module_id)
    questions = {q.id: q for q in module.quiz.questions} if module is not None and module.quiz is not None else {}
    yield factory.attempt_started(learner, first.id, first.module_id, title, first.kind, first.started_at)
    for row in rows:
        if row.response_id is None or row.answer is None:  # no response rows, or an unanswered question
            continue
        question = questions.get(row.question_id)
        yield factory.question_answered(
            learner,
            response_id=row.response_id,
            attempt_id=row.id,
            module_id=row.module_id,
            module_title=title,
            kind=row.kind,
            question_id=row.question_id,
            question_hash=row.question_hash,
            question=question if question is not None and question.hash == row.question_hash else None,
            answer=row.answer,
            fraction=row.fraction,
            certainty=row.certainty,
            at=row.answered_at or row.submitted_at,
        )
    yield factory.attempt_finished(
        learner,
        attempt_id=first.id,
        module_id=first.module_id,
        module_title=title,
        kind=first.kind,
        score=first.score or 0.0,
        points=first.points or 0.0,
        max_points=first.max_points or 0.0,
        passed=bool(first.passed),
        started_at=first.started_at,
        submitted_at=first.submitted_at,
    )
    if first.kind == "post" and first.passed and first.rank == 1:
        yield factory.module_completed(learner, attempt_id=first.id, module_id=first.module_id, module_title=title,
                                       score=first.score or 0.0, at=first.submitted_at)


# --- DPC/CME traceability -------------------------------------------------------------------------


def dpc_rows(
    engine: Engine, catalog: Catalog, *, cohort: str | None = None, module: str | None = None,
    pseudonymize: bool = False, viewer: Account | None = None,
) -> Rows:
    """Per learner, the actions in chronological order with proof, hours credited and yearly totals.

    See :mod:`academy.interop.dpc` for the rules. Learners come in id order, read in chunks of ``CHUNK`` learners
    (their actions sorted by the database, one chunk in memory at a time).
    """
    scope = _scope(engine, catalog, cohort, module, pseudonymize, viewer=viewer)
    return _dpc(engine, scope)


def _dpc(engine: Engine, scope: _Scope) -> Rows:
    yield scope.identity_columns + dpc.COLUMNS
    ids_query = select(User.id).where(User.id.in_(scope.population)).order_by(User.id).limit(CHUNK)
    last_id = 0
    while True:
        with db.read_connection(engine) as connection:
            ids = connection.execute(ids_query.where(User.id > last_id)).scalars().all()
            if not ids:
                return
            span = (last_id, ids[-1])
            certificates: dict[int, dict[str, str]] = {}
            for row in connection.execute(_certificates(scope, span)):
                certificates.setdefault(row.user_id, {})[row.module_id] = row.code  # the latest issued wins
            rows = connection.execute(_dpc_actions(scope, span)).all()
        for user_id, group in itertools.groupby(rows, key=lambda row: row.user_id):
            first = next(group)
            identity = scope.identity(first)
            actions = (_action(row) for row in itertools.chain([first], group))
            for cells in dpc.trace_rows(actions, scope.modules, certificates.get(user_id, {})):
                yield identity + cells
        last_id = span[1]


def _dpc_actions(scope: _Scope, span: tuple[int, int]) -> Select[Any]:
    """Submitted attempts and completed lessons of the learners ``span[0] < id <= span[1]``, in time order."""
    a, lp = Attempt, LessonProgress
    submitted = select(
        a.user_id, a.submitted_at.label("at"), literal(dpc.QUIZ_SUBMITTED).label("action"), a.module_id,
        cast(null(), String).label("lesson_id"), a.id.label("attempt_id"), a.kind, a.score, a.passed,
    ).where(a.user_id > span[0], a.user_id <= span[1], a.submitted_at.is_not(None))
    completed = select(
        lp.user_id, lp.completed_at, literal(dpc.LESSON_COMPLETED), lp.module_id, lp.lesson_id,
        cast(null(), Integer), cast(null(), String), null(), null(),
    ).where(lp.user_id > span[0], lp.user_id <= span[1], lp.completed_at.is_not(None))
    if scope.module_id is not None:
        submitted = submitted.where(a.module_id == scope.module_id)
        completed = completed.where(lp.module_id == scope.module_id)
    actions = union_all(submitted, completed).subquery()
    return (
        select(actions, User.name, User.email, User.profession, User.rpps)
        .join(User, User.id == actions.c.user_id)
        .where(User.id.in_(scope.population))
        .order_by(actions.c.user_id, actions.c.at, actions.c.action, actions.c.attempt_id)
    )


def _certificates(scope: _Scope, span: tuple[int, int]) -> Select[Any]:
    """Valid attestations of the learners ``span[0] < id <= span[1]``, oldest first."""
    c = Certificate
    query = (
        select(c.user_id, c.module_id, c.code)
        .where(c.user_id > span[0], c.user_id <= span[1], c.revoked_at.is_(None))
        .order_by(c.issued_at, c.id)
    )
    return query.where(c.module_id == scope.module_id) if scope.module_id is not None else query


def _action(row: Any) -> dpc.Action:
    return dpc.Action(
        at=row.at,
        action=row.action,
        module_id=row.module_id,
        lesson_id=row.lesson_id,
        attempt_id=row.attempt_id,
        attempt_kind=row.kind,
        score=row.score,
        passed=None if row.passed is None else bool(row.passed),
    )


# --- xAPI as a table (CSV, XLSX) ------------------------------------------------------------------


def xapi_table(statements: Iterable[dict[str, Any]], *, typed_times: bool = False) -> Rows:
    """The statements as a table (:data:`XAPI_COLUMNS`), header first: one row per statement with its actor,
    verb, object, registration, parent activity and result. ``timestamp`` is the statement's text, or a
    datetime with ``typed_times``."""
    yield XAPI_COLUMNS
    for st in statements:
        obj, result, context = st["object"], st.get("result", {}), st.get("context", {})
        definition = obj.get("definition", {})
        parents = context.get("contextActivities", {}).get("parent", [])
        score = result.get("score", {})
        stamp = st["timestamp"]
        yield (
            st["id"],
            datetime.fromisoformat(stamp) if typed_times else stamp,
            st["actor"]["account"]["name"],
            st["actor"].get("name"),
            st["verb"]["display"]["en-US"],
            obj["id"],
            next(iter(definition.get("name", {}).values()), None),
            definition.get("interactionType"),
            context.get("registration"),
            parents[0]["id"] if parents else None,
            score.get("scaled"),
            score.get("raw"),
            result.get("success"),
            result.get("completion"),
            _response_cell(definition.get("interactionType"), result.get("response")),
            result.get("duration"),
        )


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _response_cell(interaction_type: str | None, response: str | None) -> str | int | float | None:
    """An xAPI response as a cell: the number of a likert (TCS) or numeric answer as a number, other responses
    as their text."""
    if interaction_type in ("likert", "numeric") and response is not None:
        number = _NUMBER.fullmatch(response)
        if number is not None:
            return float(response) if number.group(1) else int(response)
    return response


# --- one entry point for the page and the CLI ------------------------------------------------------


def check_request(request: ExportRequest) -> None:
    """Raise :class:`ExportError` when the kind, format or dialect is not offered."""
    if request.kind not in KINDS:
        raise ExportError("kind", "exports.error.unknown_kind", kind=request.kind)
    if request.fmt not in FORMATS[request.kind]:
        raise ExportError("fmt", "exports.error.bad_format", fmt=request.fmt, kind=request.kind,
                          formats=", ".join(FORMATS[request.kind]))
    if request.dialect not in DIALECTS:
        raise ExportError("dialect", "exports.error.bad_dialect", dialect=request.dialect,
                          dialects=", ".join(DIALECTS))


def export_rows(
    engine: Engine, catalog: Catalog, request: ExportRequest, *, home: str | None = None,
    viewer: Account | None = None,
) -> Generator[Any, None, None]:
    """The rows of ``request`` (statements for xAPI as JSON lines), after checking kind, format and filters.

    ``home``: the public address xAPI statements are built on (:func:`xapi_statements`); ``viewer``: the
    coordinator asking, whose cohorts bound the export (module docstring).
    """
    check_request(request)
    options = {"cohort": request.cohort, "module": request.module, "pseudonymize": request.pseudonymize,
               "viewer": viewer}
    if request.kind == "progress":
        return progress_rows(engine, catalog, **options, typed_times=request.typed_times)
    if request.kind == "responses":
        return response_rows(engine, catalog, **options, typed_times=request.typed_times)
    if request.kind == "xapi":
        statements = xapi_statements(engine, catalog, **options, home=home)
        return statements if request.fmt == "jsonl" else xapi_table(statements, typed_times=request.typed_times)
    return dpc_rows(engine, catalog, **options)


def export_to(
    engine: Engine, catalog: Catalog, request: ExportRequest, fileobj: IO[bytes], *, home: str | None = None,
    viewer: Account | None = None,
) -> int:
    """Write the export to a binary file; returns the number of rows (statements for xAPI)."""
    rows = export_rows(engine, catalog, request, home=home, viewer=viewer)
    try:
        if request.fmt == "csv":
            return write_csv(rows, fileobj, dialect=request.dialect, bom=request.bom)
        if request.fmt == "xlsx":
            if request.kind == "dpc":
                totals: list[tuple[Any, ...]] = []
                trace = labelled_rows(_collect_totals(rows, totals), request.locale)
                return write_xlsx(trace, fileobj, sheet="dpc",
                                  more_sheets=[("totals", labelled_rows(_totals_sheet(totals), request.locale))])
            return write_xlsx(labelled_rows(rows, request.locale), fileobj, sheet=request.kind)
        return write_jsonl(rows, fileobj)
    finally:
        rows.close()


def _collect_totals(rows: Iterable[Sequence[Any]], totals: list[tuple[Any, ...]]) -> Rows:
    """Pass the DPC rows through, appending identity + :data:`dpc.TOTAL_COLUMNS` of each year_total row to
    ``totals`` (the header first)."""
    iterator = iter(rows)
    header = next(iterator)
    identity = len(header) - len(dpc.COLUMNS)
    totals.append((*header[:identity], *dpc.TOTAL_COLUMNS))
    yield header
    for row in iterator:
        cells = dpc.total_cells(row[identity:])
        if cells is not None:
            totals.append((*row[:identity], *cells))
        yield row


def _totals_sheet(totals: list[tuple[Any, ...]]) -> Rows:
    yield from totals  # read once the trace sheet is written, so the list is complete


def export_bytes(
    engine: Engine, catalog: Catalog, request: ExportRequest, *, home: str | None = None,
    viewer: Account | None = None,
) -> bytes:
    """The whole export file in memory (for a download)."""
    buffer = io.BytesIO()
    export_to(engine, catalog, request, buffer, home=home, viewer=viewer)
    return buffer.getvalue()


def record_export(
    engine: Engine, request: ExportRequest, *, actor_id: int | None, via: str, rows: int | None = None
) -> None:
    """Write an ``export`` entry to the audit log (kind, format, filters, pseudonymisation, channel)."""
    details: dict[str, Any] = asdict(request) | {"via": via}
    if rows is not None:
        details["rows"] = rows
    with db.write(engine) as session:
        audit(session, actor_id=actor_id, action="export", target=f"export:{request.kind}", details=details)


def labelled_rows(rows: Iterable[Sequence[Any]], locale: str) -> Rows:
    """``rows`` (header first) with the header's codes as labels (:data:`COLUMN_HEADERS`) and the codes of
    :data:`LABELLED_COLUMNS` as words in ``locale``; codes without a word (a profession typed freely) are kept."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        return
    yield tuple(_header(column, locale) for column in header)
    prefixes = [LABELLED_COLUMNS.get(str(column)) for column in header]
    for row in iterator:
        yield tuple(_word(value, prefix, locale) for value, prefix in zip(row, prefixes, strict=True))


def _header(column: Any, locale: str) -> Any:
    key = COLUMN_HEADERS.get(str(column))
    return column if key is None else i18n.t(key, locale)


def _word(value: Any, prefix: str | None, locale: str) -> Any:
    if prefix is not None and isinstance(value, str) and f"{prefix}{value}" in i18n.STRINGS:
        return i18n.t(f"{prefix}{value}", locale)
    return value


def _shown(value: Any, locale: str) -> str:
    """A preview cell as text: empty for no value, « Oui »/« Non », local times, French decimal commas."""
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return ""
    if isinstance(value, bool):
        return i18n.t("exports.value.yes" if value else "exports.value.no", locale)
    if isinstance(value, datetime):
        local = local_time(value) if value.tzinfo is not None else value
        return local.strftime(i18n.t("exports.value.datetime_format", locale))
    if isinstance(value, date):
        return value.strftime(i18n.t("exports.value.date_format", locale))
    if isinstance(value, float | Decimal):
        text = f"{float(value):g}"
        return text.replace(".", ",") if locale == "fr" else text
    return str(value)


def preview(
    engine: Engine, catalog: Catalog, request: ExportRequest, limit: int = 20, *, home: str | None = None,
    viewer: Account | None = None,
) -> pd.DataFrame:
    """The first ``limit`` rows of the export as a table of text for people (codes as words, no « None »,
    local times; xAPI: time, actor, verb and object per statement)."""
    check_request(request)
    typed_request = ExportRequest(request.kind, "xlsx", request.cohort, request.module,
                                  request.pseudonymize)  # times as datetimes whatever the file's format
    if request.kind == "xapi":
        typed_request = ExportRequest("xapi", "jsonl", request.cohort, request.module, request.pseudonymize)
    rows = export_rows(engine, catalog, typed_request, home=home, viewer=viewer)
    try:
        if request.kind == "xapi":
            statements = list(itertools.islice(rows, limit))
            return pd.DataFrame(
                {
                    _header("timestamp", request.locale): [s["timestamp"] for s in statements],
                    _header("actor", request.locale): [s["actor"]["account"]["name"] for s in statements],
                    _header("verb", request.locale): [s["verb"]["display"]["en-US"] for s in statements],
                    _header("object_id", request.locale): [s["object"]["id"] for s in statements],
                }
            )
        header, *table = list(itertools.islice(labelled_rows(rows, request.locale), limit + 1))
        return pd.DataFrame([[_shown(value, request.locale) for value in row] for row in table],
                            columns=list(header))
    finally:
        rows.close()


def cohort_names(engine: Engine, *, viewer: Account | None = None) -> list[str]:
    """The names of the cohorts ``viewer`` manages (every cohort for an admin or no viewer), alphabetically:
    the cohort filter's choices."""
    query = select(Cohort.name).order_by(Cohort.name)
    if not sees_every_cohort(viewer):
        query = query.where(Cohort.id.in_(managed_cohorts(viewer)))
    with db.read(engine) as session:
        return list(session.scalars(query))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40]
