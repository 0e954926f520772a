"""CSV roster import: every bad row is listed with its line and reason, and an import is all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from academy.accounts import auth
from academy.coordination import cohorts, roster_import
from academy.coordination.roster_import import RowIssue
from academy.i18n import LOCALES, STRINGS
from academy.store import db
from academy.store.audit import audit_entries
from academy.store.models import AuditEntry, CohortMember, User

HEADER = "email;nom;profession;rpps"


def good_rows(count: int, start: int = 1) -> list[str]:
    return [f"apprenant{n:03d}@chu-exemple.fr;Apprenant {n:03d};Infirmier;{10000000000 + n}"
            for n in range(start, start + count)]


def csv_bytes(rows: list[str], header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join([header, *rows, ""]).encode(encoding)


@pytest.fixture
def coordinator(engine) -> auth.Account:
    return auth.add_user(engine, email="coord@example.org", name="Claire Coordinatrice",
                         password="correct-horse-battery", roles={"coordinator"})


@pytest.fixture
def cohort_id(engine, coordinator) -> int:
    return cohorts.create_cohort(engine, "DPC IA 2026", actor_id=coordinator.id).id


def snapshot(engine) -> tuple[int, int, int]:
    """Row counts of the tables an import writes."""
    with db.read(engine) as session:
        return tuple(session.scalar(select(func.count()).select_from(table)) for table in (User, CohortMember,
                                                                                         AuditEntry))


# --- a good file -----------------------------------------------------------------------------------


def test_a_good_file_of_200_learners_imports_in_one_go(engine, coordinator, cohort_id) -> None:
    existing = auth.add_user(engine, email="apprenant007@chu-exemple.fr", name="Déjà Inscrite",
                             password="correct-horse-battery", roles={"learner"})
    data = csv_bytes(good_rows(200))
    preview = roster_import.preview_import(data, engine)
    assert preview.ok and preview.issues == ()
    assert (len(preview.rows), preview.new_accounts) == (200, 199)
    assert (preview.encoding, preview.delimiter) == ("utf-8-sig", ";")
    assert preview.rows[0].line == 2 and preview.rows[-1].line == 201
    assert next(r for r in preview.rows if r.learner.email == existing.email).user_id == existing.id
    assert snapshot(engine)[:2] == (2, 0)  # the preview wrote nothing

    result = roster_import.apply_import(preview, engine, cohort_id, coordinator.id)
    assert result == roster_import.ImportResult(rows=200, created_accounts=199, added_members=200, already_members=0)
    members = cohorts.members(engine, cohort_id)
    assert len(members) == 200
    first = next(m for m in members if m.email == "apprenant001@chu-exemple.fr")
    assert (first.name, first.profession, first.rpps) == ("Apprenant 001", "infirmier", "10000000001")
    assert auth.get_account(engine, existing.id).name == "Déjà Inscrite"  # existing accounts are not modified
    entry = audit_entries(engine, action="cohort_import")[0]
    assert (entry.actor_id, entry.target) == (coordinator.id, f"cohort:{cohort_id}")
    assert entry.details["created_accounts"] == 199 and len(entry.details["created_user_ids"]) == 199

    # Importing the same file again adds nobody and creates no account.
    again = roster_import.apply_import(roster_import.preview_import(data, engine), engine, cohort_id, coordinator.id)
    assert (again.created_accounts, again.added_members, again.already_members) == (0, 0, 200)


def test_excel_french_csv_windows_1252_with_commas_and_header_variants(engine) -> None:
    text = ("E-mail,Nom,Profession,Service\r\n"
            "helene.lefevre@example.org,Hélène Lefèvre,Sage-femme,Maternité\r\n"
            "\r\n"
            '"noel.oeuvre@example.org","Noël Œuvre, fils",médecin,"Urgences"\r\n')
    preview = roster_import.preview_import(text.encode("cp1252"), engine)
    assert preview.ok
    assert (preview.encoding, preview.delimiter, preview.ignored_columns) == ("cp1252", ",", ("Service",))
    assert [(r.line, r.learner.name, r.learner.profession, r.learner.rpps) for r in preview.rows] == [
        (2, "Hélène Lefèvre", "sage_femme", None),
        (4, "Noël Œuvre, fils", "medecin", None),
    ]


def test_formula_looking_cells_are_stored_as_plain_text(engine, coordinator, cohort_id) -> None:
    rows = ['formule@example.org;"=HYPERLINK(""http://exemple.invalid"";""clic"")";IDE;',
            "arobase@example.org;@SUM(A1:A2);Médecin;"]
    preview = roster_import.preview_import(csv_bytes(rows), engine)
    assert preview.ok
    roster_import.apply_import(preview, engine, cohort_id, coordinator.id)
    stored = {m.email: (m.name, m.profession) for m in cohorts.members(engine, cohort_id)}
    assert stored == {
        "formule@example.org": ('=HYPERLINK("http://exemple.invalid";"clic")', "infirmier"),
        "arobase@example.org": ("@SUM(A1:A2)", "medecin"),
    }


def test_a_formula_in_the_profession_is_an_unknown_profession(engine) -> None:
    preview = roster_import.preview_import(csv_bytes(["formule@example.org;Jean;-2+3;"]), engine)
    assert preview.issues == (RowIssue(2, "unknown_profession", "-2+3"),)


# --- bad rows: each one listed with its line and reason, nothing written -----------------------------

BAD_ROWS = [
    ("pas-une-adresse;Jean Dupont;Médecin;", "bad_email", "pas-une-adresse"),
    (";Jean Dupont;Médecin;", "bad_email", ""),
    ("apprenant001@chu-exemple.fr;Doublon;Médecin;", "duplicate_email", "apprenant001@chu-exemple.fr"),
    ("APPRENANT002@chu-exemple.fr ;Doublon en majuscules;Médecin;", "duplicate_email", "apprenant002@chu-exemple.fr"),
    ("sans.nom@example.org;   ;Médecin;", "missing_name", ""),
    ("long.nom@example.org;" + "N" * 201 + ";Médecin;", "name_too_long", "N" * 79 + "…"),
    ("longue.profession@example.org;Jean;" + "P" * 101 + ";", "profession_too_long", "P" * 79 + "…"),
    ("rpps.court@example.org;Jean;Médecin;1234567890", "bad_rpps", "1234567890"),
    ("rpps.lettres@example.org;Jean;Médecin;1000000000A", "bad_rpps", "1000000000A"),
    ("rpps.excel@example.org;Jean;Médecin;1,00012E+10", "bad_rpps", "1,00012E+10"),
    ('saut.ligne@example.org;"Jean\nDupont";Médecin;', "control_characters", "Jean\nDupont"),
    ("trop.champs@example.org;Jean;Médecin;10000000099;en trop", "too_many_fields",
     "trop.champs@example.org;Jean;Médecin;10000000099;en trop"),
]


@pytest.mark.parametrize(("row", "reason", "value"), BAD_ROWS, ids=[r[1] + str(i) for i, r in enumerate(BAD_ROWS)])
def test_every_bad_row_kind_is_refused_with_its_line_and_nothing_is_written(
    engine, coordinator, cohort_id, row: str, reason: str, value: str
) -> None:
    rows = [*good_rows(3), row, *good_rows(2, start=4)]  # the bad row is line 5
    before = snapshot(engine)
    preview = roster_import.preview_import(csv_bytes(rows), engine)
    assert not preview.ok
    issue = next(i for i in preview.issues if i.reason == reason)
    assert (issue.line, issue.value) == (5, value)
    if reason == "duplicate_email":
        assert issue.other_line == 2 if "001" in value else issue.other_line == 3
    with pytest.raises(roster_import.RosterImportError) as caught:
        roster_import.apply_import(preview, engine, cohort_id, coordinator.id)
    assert caught.value.key == "cohorts.import.has_errors"
    assert snapshot(engine) == before


def test_a_file_with_many_problems_lists_every_one_in_line_order(engine) -> None:
    rows = [
        "ok1@example.org;Un;Médecin;",
        "mauvaise;;Médecin;123",  # line 3: three problems
        "ok1@example.org;Deux;Médecin;",  # line 4: duplicate of line 2
        "ok2@example.org;Trois;Médecin;10000000001",
        "",
        "ok3@example.org;;;",  # line 7
    ]
    preview = roster_import.preview_import(csv_bytes(rows), engine)
    assert [(i.line, i.reason) for i in preview.issues] == [
        (3, "bad_email"), (3, "missing_name"), (3, "bad_rpps"), (4, "duplicate_email"), (7, "missing_name"),
    ]
    assert [r.line for r in preview.rows] == [2, 5]


def test_an_erased_account_email_is_refused(engine) -> None:
    gone = auth.add_user(engine, email="parti@example.org", name="Parti", password="correct-horse-battery",
                         roles={"learner"})
    with db.write(engine) as session:
        session.get(User, gone.id).erased_at = db.utcnow()
    preview = roster_import.preview_import(csv_bytes(["parti@example.org;Parti;Médecin;"]), engine)
    assert preview.issues == (RowIssue(2, "erased_account", "parti@example.org"),)


@pytest.mark.parametrize(
    ("header", "issues"),
    [
        ("email;profession", [RowIssue(1, "missing_column", "name")]),
        ("courriel;nom", [RowIssue(1, "missing_column", "profession")]),
        ("apprenant001@chu-exemple.fr;Apprenant 001;Infirmier;10000000001",
         [RowIssue(1, "missing_column", c) for c in ("email", "name", "profession")]),
        ("email;nom;name;profession", [RowIssue(1, "duplicate_column", "name")]),
    ],
)
def test_the_header_is_required_and_checked(engine, header: str, issues: list[RowIssue]) -> None:
    preview = roster_import.preview_import(csv_bytes(good_rows(2), header=header), engine)
    assert list(preview.issues) == issues and preview.rows == ()


def test_more_than_5000_rows_is_refused(engine) -> None:
    preview = roster_import.preview_import(csv_bytes(good_rows(roster_import.MAX_ROWS + 2)), engine)
    assert [(i.line, i.reason, i.value) for i in preview.issues] == [(5002, "too_many_rows", "5002")]
    assert not preview.ok


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\r\n \r\n", "empty"),
        (HEADER.encode() + b"\r\n", "empty"),
        (b"PK\x03\x04\x14\x00\x00\x00", "not_text"),  # an XLSX workbook
        ("email;nom;profession\r\n".encode("utf-16"), "not_text"),
        (b"x" * (roster_import.MAX_BYTES + 1), "too_large"),
    ],
)
def test_files_that_are_not_rosters(engine, data: bytes, reason: str) -> None:
    preview = roster_import.preview_import(data, engine)
    assert preview.issues == (RowIssue(None, reason),)


def test_an_account_erased_between_preview_and_import_refuses_the_whole_import(engine, coordinator, cohort_id) -> None:
    soon_gone = auth.add_user(engine, email="apprenant150@chu-exemple.fr", name="Bientôt Partie",
                              password="correct-horse-battery", roles={"learner"})
    preview = roster_import.preview_import(csv_bytes(good_rows(200)), engine)
    assert preview.ok
    with db.write(engine) as session:
        session.get(User, soon_gone.id).erased_at = db.utcnow()
    before = snapshot(engine)
    with pytest.raises(roster_import.RosterImportError) as caught:
        roster_import.apply_import(preview, engine, cohort_id, coordinator.id)
    assert caught.value.key == "cohorts.import.conflict"
    assert snapshot(engine) == before


def test_an_empty_preview_or_unknown_cohort_imports_nothing(engine, coordinator, cohort_id) -> None:
    with pytest.raises(roster_import.RosterImportError):
        roster_import.apply_import(roster_import.ImportPreview((), ()), engine, cohort_id, coordinator.id)
    preview = roster_import.preview_import(csv_bytes(good_rows(2)), engine)
    before = snapshot(engine)
    with pytest.raises(roster_import.RosterImportError) as caught:
        roster_import.apply_import(preview, engine, 999, coordinator.id)
    assert caught.value.key == "cohorts.error.unknown_cohort"
    assert snapshot(engine) == before


def test_every_reason_has_an_interface_string() -> None:
    reasons = {"bad_email", "duplicate_email", "missing_name", "name_too_long", "profession_too_long", "bad_rpps",
               "unknown_profession",
               "control_characters", "erased_account", "too_many_rows", "too_many_fields", "missing_column",
               "duplicate_column", "too_large", "not_text", "empty"}
    for reason in reasons:
        assert set(STRINGS[f"cohorts.reason.{reason}"]) == set(LOCALES)


# --- professions and importing only the valid rows --------------------------------------------------


def test_professions_are_stored_as_codes_whatever_their_spelling(engine, coordinator, cohort_id) -> None:
    typed = ["IDE", "Infirmière", "infirmier·ère", "Infirmier(e)", "MK", "kiné", "SF", "Dr", "Pharmacienne", ""]
    rows = [f"p{n}@example.org;Personne {n};{profession};" for n, profession in enumerate(typed)]
    preview = roster_import.preview_import(csv_bytes(rows), engine)
    assert preview.ok
    roster_import.apply_import(preview, engine, cohort_id, coordinator.id)
    stored = {m.email: m.profession for m in cohorts.members(engine, cohort_id)}
    assert [stored[f"p{n}@example.org"] for n in range(len(typed))] == [
        "infirmier", "infirmier", "infirmier", "infirmier", "kinesitherapeute", "kinesitherapeute", "sage_femme",
        "medecin", "pharmacien", ""]


def test_an_unknown_profession_is_flagged_with_the_closest_known_one(engine) -> None:
    rows = [*good_rows(2), "x@example.org;X;Infirmiere anesthesiste de nuit;", "y@example.org;Y;Boulanger;"]
    preview = roster_import.preview_import(csv_bytes(rows), engine)
    assert preview.issues == (
        RowIssue(4, "unknown_profession", "Infirmiere anesthesiste de nuit", suggestion="infirmier"),
        RowIssue(5, "unknown_profession", "Boulanger"),
    )
    assert [r.line for r in preview.rows] == [2, 3]


def test_importing_only_the_valid_rows_skips_the_bad_ones_and_says_which(engine, coordinator, cohort_id) -> None:
    rows = [*good_rows(19)]
    rows.insert(4, "pas-une-adresse;Jean;IDE;")  # line 6
    rows.insert(9, "apprenant002@chu-exemple.fr;Doublon;IDE;")  # line 11
    rows.insert(14, "z@example.org;Zoé;Boulangère;")  # line 16
    preview = roster_import.preview_import(csv_bytes(rows), engine)
    assert not preview.ok and preview.can_skip_invalid
    assert preview.skipped_lines == (6, 11, 16) and len(preview.rows) == 19
    with pytest.raises(roster_import.RosterImportError):  # still all or nothing unless asked
        roster_import.apply_import(preview, engine, cohort_id, coordinator.id)
    assert snapshot(engine)[:2] == (1, 0)

    result = roster_import.apply_import(preview, engine, cohort_id, coordinator.id, skip_invalid=True)
    assert (result.rows, result.added_members, result.skipped_rows) == (19, 19, 3)
    emails = {m.email for m in cohorts.members(engine, cohort_id)}
    assert len(emails) == 19 and "z@example.org" not in emails
    entry = audit_entries(engine, action="cohort_import")[0]
    assert entry.details["skipped_lines"] == [6, 11, 16]


@pytest.mark.parametrize("data", [
    csv_bytes(good_rows(2), header="email;profession"),  # a missing column: no row is valid
    csv_bytes(["pas-une-adresse;Jean;IDE;"]),  # no valid row at all
])
def test_skipping_bad_rows_cannot_get_round_a_file_problem(engine, coordinator, cohort_id, data: bytes) -> None:
    preview = roster_import.preview_import(data, engine)
    assert not preview.can_skip_invalid
    before = snapshot(engine)
    with pytest.raises(roster_import.RosterImportError):
        roster_import.apply_import(preview, engine, cohort_id, coordinator.id, skip_invalid=True)
    assert snapshot(engine) == before


def test_too_many_rows_blocks_even_a_partial_import(engine, monkeypatch) -> None:
    monkeypatch.setattr(roster_import, "MAX_ROWS", 3)
    preview = roster_import.preview_import(csv_bytes(good_rows(4)), engine)
    assert [i.reason for i in preview.issues] == ["too_many_rows"] and len(preview.rows) == 4
    assert not preview.can_skip_invalid
