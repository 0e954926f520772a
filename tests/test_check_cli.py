"""`python -m academy check [PATH]`: output format and exit codes (DESIGN §8)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from academy.cli import cli

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "content"
PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<message>.+)$")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as the working directory, with `content/` holding the valid module."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "valid", tmp_path / "content")
    return tmp_path


def add_broken(workdir: Path, *cases: str) -> None:
    for case in cases:
        shutil.copytree(FIXTURES / "broken" / case, workdir / "content", dirs_exist_ok=True)


def test_valid_tree_prints_a_summary(workdir: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "content"])
    assert result.exit_code == 0
    assert result.stdout == "OK: 1 module, 2 lessons, 3 questions\n"


def test_default_path_is_content(workdir: Path) -> None:
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: 1 module")


def test_problems_are_listed_sorted_and_exit_1(workdir: Path) -> None:
    add_broken(workdir, "raw-html", "bad-level", "missing-title", "missing-image")
    result = CliRunner().invoke(cli, ["check", "content"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "content/02-html-brut/01-lecon.md:8: raw HTML is not rendered; use Markdown instead of "
        '`<div class="encadre">`',
        "content/02-image-manquante/01-lecon.md:8: image 'images/absente.png' not found in the module "
        "folder: check the file name and its case, or add the file",
        "content/02-niveau-invalide/module.md:7: `level` must be one of initiation, intermediaire, avance "
        "(without accents), not `expert`",
        "content/02-sans-titre/module.md:1: missing required key `title`: add `title: …` to the front matter",
    ]
    for line in lines:
        assert PROBLEM_LINE.match(line)
    assert result.stderr == "4 problems in 4 modules.\n"


def test_single_module_folder(workdir: Path) -> None:
    add_broken(workdir, "unknown-prerequisite", "bad-level")
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "content/01-bases-ia"])
    assert (result.exit_code, result.stdout) == (0, "OK: 1 module, 2 lessons, 3 questions\n")
    result = runner.invoke(cli, ["check", "content/02-prerequis-inconnu"])
    assert result.exit_code == 1
    # `bases-ia` is found beside the module; only the unknown one is reported
    assert result.stdout.splitlines() == [
        "content/02-prerequis-inconnu/module.md:10: unknown prerequisite `module-inexistant`: name a module "
        "by its folder name without the number (03-imagerie-medicale → imagerie-medicale)"
    ]


def test_missing_path_exits_2(workdir: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "absent"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "absent" in result.stderr


def test_file_path_exits_2(workdir: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "content/01-bases-ia/module.md"])
    assert result.exit_code == 2
    assert "not a folder" in result.stderr


def test_python_m_academy_check(workdir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "academy", "check", *args],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    ok = run()
    assert (ok.returncode, ok.stdout) == (0, "OK: 1 module, 2 lessons, 3 questions\n")
    add_broken(workdir, "bad-objective")
    broken = run("content")
    assert broken.returncode == 1
    assert broken.stdout.startswith("content/02-objectif-invalide/quiz.md:12: ")
    assert all(PROBLEM_LINE.match(line) for line in broken.stdout.splitlines())
    missing = run("nulle-part")
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert "nulle-part" in missing.stderr
