"""Cohort roster import from CSV: a preview that lists every bad row, then an import of all rows or of the valid ones.

File format
-----------
- Encoding: UTF-8 (with or without BOM); otherwise Windows-1252, the encoding of the CSV files Excel
  saves on French Windows (a superset of Latin-1's printable characters); Latin-1 as a last resort.
- Delimiter: ``;`` (French Excel) or ``,``, whichever appears more in the header line.
- A header row is required. Columns (any order, any case, accents ignored): ``email`` (or ``e-mail``,
  ``courriel``), ``name`` (or ``nom``), ``profession`` and, optionally, ``rpps``. Other columns are
  ignored (and listed in the preview). Blank lines are skipped.
- Professions are read in any of their usual forms and stored as the profession list's codes
  (:mod:`academy.accounts.professions`: « IDE », « Infirmière » and « infirmier·ère » all become ``infirmier``).
  Any other non-empty profession is a problem of its row (``unknown_profession``), with the closest known
  profession as a suggestion.
- At most ``MAX_ROWS`` learners and ``MAX_BYTES`` bytes.

:func:`preview_import` writes nothing: it returns every row it would import and every problem, each
with its line number in the file and a reason code (interface string ``cohorts.reason.<code>``).
:func:`apply_import` refuses a preview with any problem, unless the coordinator chose to skip the bad rows
(``skip_invalid=True``: only the valid rows are imported; problems of the whole file, such as a missing column
or too many rows, still refuse it). It writes everything in one transaction (accounts, roles, memberships,
one audit entry listing the skipped lines, and the new accounts' invitations when given the public address)
or nothing at all.

Cells that look like spreadsheet formulas (``=``, ``+``, ``-``, ``@``…) are stored as plain text: nothing
here evaluates them, and exports neutralise them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from academy.accounts import invitations
from academy.accounts.auth import Account
from academy.accounts.invitations import InvitationLink
from academy.accounts.professions import PROFESSIONS, suggest_profession
from academy.coordination.cohorts import CohortError, LearnerFields, check_learner, insert_members, is_manager
from academy.store import db
from academy.store.audit import audit
from academy.store.models import Cohort, User

MAX_ROWS = 5_000
MAX_BYTES = 5_000_000
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = (";", ",")

# Accepted header names (folded: lowercase, no accents, single spaces) for each column.
COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "courriel", "mail", "adresse e-mail", "adresse email"),
    "name": ("name", "nom", "nom complet", "full name"),
    "profession": ("profession",),
    "rpps": ("rpps", "numero rpps", "n° rpps", "no rpps"),
}
REQUIRED_COLUMNS = ("email", "name", "profession")
_FIELD_ORDER = ("email", "name", "profession", "rpps")
_FILE_REASONS = frozenset({"missing_column", "duplicate_column", "too_many_rows"})


@dataclass(frozen=True)
class RowIssue:
    """A problem of the file: ``line`` is its 1-based line (None for the whole file).

    ``reason`` is a code (interface string ``cohorts.reason.<reason>``), ``value`` the offending text,
    ``other_line`` the earlier line of a duplicate, ``suggestion`` the closest known profession's code.
    """

    line: int | None
    reason: str
    value: str = ""
    other_line: int | None = None
    suggestion: str | None = None

    @property
    def blocking(self) -> bool:
        """True for a problem of the whole file: skipping bad rows cannot get round it."""
        return self.line is None or self.reason in _FILE_REASONS


@dataclass(frozen=True)
class RosterRow:
    """A valid row: the learner, and the id of the existing account with this email (None: new account)."""

    line: int
    learner: LearnerFields
    user_id: int | None


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do; nothing is written until :func:`apply_import`."""

    rows: tuple[RosterRow, ...]
    issues: tuple[RowIssue, ...]
    encoding: str = ""
    delimiter: str = ""
    ignored_columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the file can be imported: at least one row and no problem at all."""
        return bool(self.rows) and not self.issues

    @property
    def can_skip_invalid(self) -> bool:
        """True when importing only the valid rows is possible: some valid rows, bad rows, no file problem."""
        return bool(self.rows) and bool(self.issues) and not any(issue.blocking for issue in self.issues)

    @property
    def skipped_lines(self) -> tuple[int, ...]:
        """The lines an import of the valid rows leaves out, in order."""
        return tuple(sorted({issue.line for issue in self.issues if issue.line is not None}))

    @property
    def new_accounts(self) -> int:
        """How many rows would create a learner account."""
        return sum(1 for row in self.rows if row.user_id is None)


@dataclass(frozen=True)
class ImportResult:
    """What :func:`apply_import` wrote."""

    rows: int
    created_accounts: int
    added_members: int
    already_members: int
    invitations: tuple[InvitationLink, ...] = ()  # of the created accounts (links set when not mailed)
    skipped_rows: int = 0  # bad rows left out (``skip_invalid``)

    @property
    def links_to_share(self) -> tuple[InvitationLink, ...]:
        """Invitations that were not mailed (mail not configured): the coordinator passes these links on."""
        return tuple(i for i in self.invitations if i.link is not None)


class RosterImportError(ValueError):
    """The import was refused and nothing was written; ``key`` is an interface-string key."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


_HEADER_ALIASES = {_fold(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding that read it (see the module docstring)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def sniff_delimiter(text: str) -> str:
    """``;`` or ``,``: whichever appears more in the first non-blank line (``,`` on a tie)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if header.count(";") > header.count(",") else ","


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    end = 0
    for record in reader:
        start, end = end + 1, reader.line_num
        if any(cell.strip() for cell in record):
            records.append((start, record))
    return records


def _header(line: int, cells: list[str]) -> tuple[dict[str, int], tuple[str, ...], list[RowIssue]]:
    """Column positions, ignored header names and header problems."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    issues: list[RowIssue] = []
    for index, cell in enumerate(cells):
        column = _HEADER_ALIASES.get(_fold(cell))
        if column is None:
            if cell.strip():
                ignored.append(cell.strip())
        elif column in positions:
            issues.append(RowIssue(line, "duplicate_column", cell.strip()))
        else:
            positions[column] = index
    issues += [RowIssue(line, "missing_column", column) for column in REQUIRED_COLUMNS if column not in positions]
    return positions, tuple(ignored), issues


def preview_import(csv_bytes: bytes, engine: Engine) -> ImportPreview:
    """Read a roster CSV and report every row it would import and every problem; writes nothing.

    Reasons (by line): ``missing_column``, ``duplicate_column`` (header); ``too_many_fields``,
    ``bad_email``, ``duplicate_email``, ``missing_name``, ``name_too_long``, ``profession_too_long``,
    ``unknown_profession``, ``bad_rpps``, ``control_characters``, ``erased_account``, ``too_many_rows``;
    for the whole file (line None): ``too_large``, ``not_text``, ``empty``.
    """
    if len(csv_bytes) > MAX_BYTES:
        return ImportPreview((), (RowIssue(None, "too_large"),))
    if b"\x00" in csv_bytes:  # a spreadsheet (XLSX, ODS) or UTF-16 file, not a CSV text file
        return ImportPreview((), (RowIssue(None, "not_text"),))
    text, encoding = decode(csv_bytes)
    delimiter = sniff_delimiter(text)
    records = _records(text, delimiter)
    if not records:
        return ImportPreview((), (RowIssue(None, "empty"),), encoding, delimiter)
    (header_line, header_cells), data = records[0], records[1:]
    positions, ignored, issues = _header(header_line, header_cells)
    if issues:
        return ImportPreview((), tuple(issues), encoding, delimiter, ignored)
    if not data:
        return ImportPreview((), (RowIssue(None, "empty"),), encoding, delimiter, ignored)

    candidates: list[tuple[int, LearnerFields]] = []
    first_line: dict[str, int] = {}
    for count, (line, cells) in enumerate(data, start=1):
        if count == MAX_ROWS + 1:
            issues.append(RowIssue(line, "too_many_rows", str(len(data))))
        if any(cell.strip() for cell in cells[len(header_cells):]):
            issues.append(RowIssue(line, "too_many_fields", _short(delimiter.join(cells))))
            continue
        values = {column: cells[index] if index < len(cells) else "" for column, index in positions.items()}
        learner, problems = check_learner(values["email"], values["name"], values["profession"], values.get("rpps"))
        if "profession" not in problems and learner.profession and learner.profession not in PROFESSIONS:
            problems["profession"] = "unknown_profession"
        for field in _FIELD_ORDER:
            if field in problems:
                value = _short(values.get(field, "").strip())
                suggestion = suggest_profession(value) if problems[field] == "unknown_profession" else None
                issues.append(RowIssue(line, problems[field], value, suggestion=suggestion))
        if "email" in problems:
            continue
        if learner.email in first_line:
            issues.append(RowIssue(line, "duplicate_email", learner.email, first_line[learner.email]))
            continue
        first_line[learner.email] = line
        if not problems:
            candidates.append((line, learner))

    with db.read(engine) as session:
        accounts = {
            row.email: row
            for row in session.execute(
                select(User.id, User.email, User.erased_at).where(User.email.in_(list(first_line)))
            )
        }
    rows: list[RosterRow] = []
    for line, learner in candidates:
        account = accounts.get(learner.email)
        if account is not None and account.erased_at is not None:
            issues.append(RowIssue(line, "erased_account", learner.email))
            continue
        rows.append(RosterRow(line, learner, account.id if account is not None else None))
    issues.sort(key=lambda issue: issue.line or 0)  # stable: a line's problems stay in column order
    return ImportPreview(tuple(rows), tuple(issues), encoding, delimiter, ignored)


def apply_import(
    preview: ImportPreview, engine: Engine, cohort_id: int, actor_id: int | None, *,
    invite_base_url: str | None = None, viewer: Account | None = None, skip_invalid: bool = False,
) -> ImportResult:
    """Import a previewed roster into a cohort in ONE transaction; all or nothing.

    With ``skip_invalid``, a preview with bad rows imports its valid rows and leaves the others out (their
    lines are in the audit entry); a problem of the whole file (:attr:`RowIssue.blocking`) still refuses it.

    With ``invite_base_url`` (the public address), every created account is invited in the same transaction:
    mailed through the outbox, or returned in ``ImportResult.invitations`` when mail is not configured.

    Refuses (``RosterImportError``, nothing written) a preview with any problem or without rows, an
    unknown cohort or one ``viewer`` does not manage, and a conflict with a concurrent change (an account
    erased or created meanwhile with one of the emails): the coordinator then previews the file again.
    Audited as ``cohort_import``.
    """
    if preview.issues and not (skip_invalid and preview.can_skip_invalid):
        raise RosterImportError("cohorts.import.has_errors")
    if not preview.rows:
        raise RosterImportError("cohorts.import.nothing")
    try:
        with db.write(engine) as session:
            if session.get(Cohort, cohort_id) is None:
                raise RosterImportError("cohorts.error.unknown_cohort")
            if not is_manager(session, viewer, cohort_id):
                raise RosterImportError("cohorts.error.not_manager")
            change = insert_members(session, cohort_id, [row.learner for row in preview.rows])
            audit(
                session,
                actor_id=actor_id,
                action="cohort_import",
                target=f"cohort:{cohort_id}",
                details={
                    "rows": len(preview.rows),
                    "created_accounts": len(change.created),
                    "added_members": len(change.added),
                    "already_members": len(change.already_members),
                    "created_user_ids": list(change.created),
                    "skipped_lines": list(preview.skipped_lines),
                },
            )
            links = []
            if change.created and invite_base_url is not None:
                links = invitations.issue_links(session, change.created, "invitation", base_url=invite_base_url,
                                                actor_id=actor_id)
    except (IntegrityError, CohortError) as exc:
        raise RosterImportError("cohorts.import.conflict") from exc
    return ImportResult(len(preview.rows), len(change.created), len(change.added), len(change.already_members),
                        tuple(links), len(preview.skipped_lines))
