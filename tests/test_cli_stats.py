"""`python -m academy stats MODULE [--attempts first|all] [--format table|csv]`."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from academy.cli import cli
from academy.store import db
from tests.test_item_analysis import FIXTURE_CONTENT, QUIZ, populate

BROKEN_MODULE = Path(__file__).parent / "fixtures" / "content" / "broken" / "bad-level" / "02-niveau-invalide"


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A curriculum: `bases-ia` with the test quiz, `sans-quiz` without a quiz, and an invalid module."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT / "01-bases-ia", root / "01-bases-ia")
    (root / "01-bases-ia" / "quiz.md").write_text(QUIZ, encoding="utf-8")
    shutil.copytree(FIXTURE_CONTENT / "01-bases-ia", root / "03-sans-quiz")
    (root / "03-sans-quiz" / "quiz.md").unlink()
    shutil.copytree(BROKEN_MODULE, root / "02-niveau-invalide")
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))
    return root


@pytest.fixture
def populated_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The CLI's database (ACADEMY_DATABASE_URL), with the attempts of tests/test_item_analysis.py."""
    monkeypatch.setenv(db.ENV_VAR, database_url)
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine)
        populate(engine)
    finally:
        engine.dispose()
    yield database_url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["stats", *args])
    return result.exit_code, result.stdout, result.stderr


def test_table(content: Path, populated_url: str) -> None:
    code, out, err = run("bases-ia")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Module bases-ia: Les bases de l'IA en santé"
    assert lines[1] == "Attempts analysed: first submitted attempt of each learner"
    header = next(line for line in lines if line.startswith("id"))
    assert header.split() == [
        "id",
        "type",
        "n",
        "facility",
        "%",
        "SD",
        "%",
        "discrimination",
        "%",
        "efficiency",
        "%",
        "flags",
    ]
    rows = {line.split()[0]: line.split() for line in lines if line[:2] in ("A ", "B ", "C ")}
    # Hand-computed in tests/test_item_stats.py.
    assert rows["A"] == ["A", "qru", "6", "66.67", "51.64", "23.15", "25.00", "not_enough_data"]
    assert rows["B"] == ["B", "qru", "6", "50.00", "54.77", "22.36", "25.00", "not_enough_data"]
    assert rows["C"] == ["C", "qrm", "6", "50.00", "44.72", "59.41", "66.67", "not_enough_data"]
    # Numbers are right-aligned: the columns line up.
    assert len({len(line) for line in lines if line[:2] in ("A ", "B ", "C ")}) == 1
    assert "Attempts:            6" in lines
    assert "Mean score:          55.56 %" in lines
    assert "Standard deviation:  36.00 %" in lines
    assert "Cronbach's alpha:    0.51" in lines
    assert "Error ratio:         69.69 %" in lines
    assert "Standard error:      25.09 %" in lines
    assert "Left out:            3 response(s) to older question versions, 0 to removed questions" in lines
    assert any(line.startswith("  not_enough_data: Not enough data") for line in lines)


def test_all_attempts(content: Path, populated_url: str) -> None:
    code, out, err = run("bases-ia", "--attempts", "all")
    assert code == 0, err
    assert "Attempts analysed: all submitted attempts" in out
    assert "Attempts:            7" in out.splitlines()


def test_csv(content: Path, populated_url: str) -> None:
    code, out, err = run("bases-ia", "--format", "csv")
    assert code == 0, err
    assert out.startswith("\ufeffmodule,id,")  # a byte-order mark, so that Excel reads the accents
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert [(r["id"], r["type"], r["n"], r["facility"], r["discrimination"]) for r in rows] == [
        ("A", "qru", "6", "66.67", "23.15"),
        ("B", "qru", "6", "50.00", "22.36"),
        ("C", "qrm", "6", "50.00", "59.41"),
    ]
    assert rows[2]["title"] == "'=SOMME(A1:A2) piège"  # formula neutralised


def test_csv_without_bom_for_programs(content: Path, populated_url: str) -> None:
    code, out, err = run("bases-ia", "--format", "csv", "--no-bom")
    assert code == 0, err
    assert out.startswith("module,id,")
    assert out.encode("utf-8") == run("bases-ia", "--format", "csv")[1].encode("utf-8")[3:]


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("inconnu", "Error: unknown module inconnu"),
        ("niveau-invalide", "Error: module niveau-invalide has content errors"),
        ("sans-quiz", "Error: module sans-quiz has no quiz."),
    ],
)
def test_errors(content: Path, populated_url: str, module: str, message: str) -> None:
    code, out, err = run(module)
    assert code == 1
    assert out == ""
    assert err.startswith(message)


def test_bad_option(content: Path, populated_url: str) -> None:
    code, _, err = run("bases-ia", "--attempts", "best")
    assert code == 2
    assert "--attempts" in err


def test_csv_cells_cannot_start_a_formula_whichever_separator_opens_them(content: Path, populated_url: str) -> None:
    quiz = (content / "01-bases-ia" / "quiz.md").read_text(encoding="utf-8")
    (content / "01-bases-ia" / "quiz.md").write_text(quiz.replace("=SOMME(A1:A2) piège", "Piège;=SOMME(A1:A2)"),
                                                     encoding="utf-8")
    code, out, err = run("bases-ia", "--format", "csv")
    assert code == 0, err
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(out.removeprefix("\ufeff")), delimiter=delimiter):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
    assert "Piège;'=SOMME(A1:A2)" in out
