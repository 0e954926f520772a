"""`python -m academy export KIND --format FMT --output FILE [--cohort] [--module] [--pseudonymize]
[--dialect standard|excel-fr] [--no-bom]`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from sqlalchemy import Engine
from test_exports import COHORT, ROOT, Dataset, build_dataset

from academy.cli import cli
from academy.interop import exports, xapi
from academy.store import db
from academy.store.audit import audit_entries


@pytest.fixture
def data(engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dataset:
    """The data set in the CLI's database (ACADEMY_DATABASE_URL) and content folder (ACADEMY_CONTENT_DIR)."""
    monkeypatch.setenv(db.ENV_VAR, database_url)
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("ACADEMY_BASE_URL", "https://formation.example.org")  # xAPI ids are built on it
    return build_dataset(engine, tmp_path / "content")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["export", *args])


def header(path: Path) -> list[str]:
    if path.suffix == ".xlsx":
        return [str(cell) for cell in next(load_workbook(path).active.iter_rows(values_only=True))]
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_every_kind_and_format(engine: Engine, data: Dataset, tmp_path: Path) -> None:
    expected = {
        ("progress", "csv"): 6, ("progress", "xlsx"): 6, ("responses", "csv"): 20, ("responses", "xlsx"): 20,
        ("xapi", "jsonl"): 39, ("xapi", "csv"): 39, ("xapi", "xlsx"): 39, ("dpc", "csv"): 14, ("dpc", "xlsx"): 14,
    }
    for (kind, fmt), count in expected.items():
        output = tmp_path / f"{kind}.{fmt}"
        result = run(kind, "--format", fmt, "--output", str(output))
        assert result.exit_code == 0, result.output
        unit = "statements" if kind == "xapi" else "rows"
        assert result.stdout == f"Wrote {count} {unit} to {output}.\n"
        if (kind, fmt) == ("xapi", "jsonl"):
            lines = output.read_text(encoding="utf-8").splitlines()
            assert len(lines) == count
            assert all(xapi.validate_statement(json.loads(line)) == [] for line in lines)
        elif kind == "xapi":
            assert header(output)[:3] == (["statement_id", "timestamp", "actor"] if fmt == "csv"
                                          else ["Identifiant de la déclaration", "Horodatage", "Acteur"])
        else:
            assert header(output)[:5] == (["user_id", "name", "email", "profession", "rpps"] if fmt == "csv"
                                          else ["N° de compte", "Nom", "Adresse électronique", "Profession", "N° RPPS"])
        if fmt == "csv":
            assert output.read_bytes().startswith(b"\xef\xbb\xbf")  # for people: Excel needs the BOM
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == sorted(
        f"{kind}.{fmt}" for kind, fmt in expected
    )
    entries = audit_entries(engine, action="export")
    assert len(entries) == len(expected)
    assert {(e.actor_id, e.details["via"]) for e in entries} == {(None, "cli")}
    assert {(e.details["kind"], e.details["fmt"], e.details["rows"]) for e in entries} == {
        (kind, fmt, count) for (kind, fmt), count in expected.items()
    }


def test_filters_and_pseudonyms(engine: Engine, data: Dataset, tmp_path: Path) -> None:
    output = tmp_path / "progress.csv"
    result = run("progress", "--format", "csv", "--output", str(output), "--cohort", COHORT, "--module", "bases-ia",
                 "--pseudonymize")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    secret = exports.pseudonym_secret(engine)
    assert [(r["pseudonym"], r["module_id"], r["status"]) for r in rows] == [
        (exports.pseudonym(secret, data.lea), "bases-ia", "passed")
    ]
    (entry,) = audit_entries(engine, action="export")
    assert entry.details == {"kind": "progress", "fmt": "csv", "cohort": COHORT, "module": "bases-ia",
                             "pseudonymize": True, "dialect": "standard", "bom": True, "via": "cli", "rows": 1,
                             "locale": "fr"}


def test_csv_for_french_excel_and_without_bom(engine: Engine, data: Dataset, tmp_path: Path) -> None:
    french, plain = tmp_path / "fr.csv", tmp_path / "plain.csv"
    assert run("progress", "--format", "csv", "--output", str(french), "--dialect", "excel-fr").exit_code == 0
    assert run("progress", "--format", "csv", "--output", str(plain), "--no-bom").exit_code == 0
    text = french.read_bytes()
    assert text.startswith(b"\xef\xbb\xbfuser_id;name;email;")
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    assert (rows[0]["started_at"], rows[0]["quiz_minutes"]) == ("10/01/2025 09:50:00", "19,5")
    assert plain.read_bytes().startswith(b"user_id,name,email,")
    entries = audit_entries(engine, action="export")
    assert {(e.details["dialect"], e.details["bom"]) for e in entries} == {("excel-fr", True), ("standard", False)}


@pytest.mark.parametrize(("args", "code", "message"), [
    (["dpc", "--format", "jsonl"], 1,
     "Error: The format “jsonl” is not offered for “dpc” (possible formats: csv, xlsx).\n"),
    (["xapi", "--format", "xlsx", "--dialect", "excel-fr"], 2,
     "Error: --dialect and --no-bom apply to --format csv only.\n"),
    (["progress", "--format", "xlsx", "--no-bom"], 2, "Error: --dialect and --no-bom apply to --format csv only.\n"),
    (["progress", "--format", "csv", "--cohort", "Externes"], 1, "Error: No cohort is named “Externes”.\n"),
    (["responses", "--format", "csv", "--module", "nope"], 1, "Error: No module has the id “nope”.\n"),
])
def test_errors_change_nothing(engine: Engine, data: Dataset, tmp_path: Path, args: list[str], code: int,
                               message: str) -> None:
    output = tmp_path / "out" / "export.file"
    output.parent.mkdir()
    output.write_bytes(b"previous export")
    result = run(*args, "--output", str(output))
    assert result.exit_code == code
    assert result.stderr == message
    assert output.read_bytes() == b"previous export"
    assert [path.name for path in output.parent.iterdir()] == ["export.file"]  # no temporary file left
    assert audit_entries(engine, action="export") == []


def test_usage_errors(data: Dataset, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "progress.csv"
    result = run("progress", "--format", "csv", "--output", str(missing))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {missing.parent}: no such folder.\n"
    assert run("grades", "--format", "csv", "--output", str(tmp_path / "x.csv")).exit_code == 2
    assert run("progress", "--output", str(tmp_path / "x.csv")).exit_code == 2  # --format is required
    assert not (tmp_path / "x.csv").exists()


def test_a_failure_mid_export_leaves_the_previous_file(engine: Engine, data: Dataset, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "progress.csv"
    output.write_bytes(b"previous export")

    def failing_writer(rows: Any, fileobj: IO[bytes], **options: Any) -> int:
        fileobj.write(b"user_id,name\r\n1,half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports, "write_csv", failing_writer)
    result = run("progress", "--format", "csv", "--output", str(output))
    assert result.exit_code == 1
    assert result.stderr == "Error: cannot export: [Errno 28] No space left on device\n"
    assert output.read_bytes() == b"previous export"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "progress.csv"]
    assert audit_entries(engine, action="export") == []


def test_python_dash_m_academy_export(data: Dataset, tmp_path: Path) -> None:
    output = tmp_path / "dpc.csv"
    completed = subprocess.run(
        [sys.executable, "-m", "academy", "export", "dpc", "--format", "csv", "--output", str(output)],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == f"Wrote 14 rows to {output}.\n"
    assert header(output)[5:8] == ["date", "year", "action"]
