"""Helpers of the hostile content tests: a content store holding the valid fixture module, what a content write
would change, module archives, and `academy check` run on a folder."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from academy.accounts import auth
from academy.cli import cli
from academy.content import repository

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "content" / "valid" / "01-bases-ia"
FOLDER = "01-bases-ia"


def content_copy(tmp_path: Path, files: dict[str, bytes] | None = None) -> Path:
    """A `content/` folder under `tmp_path` holding the valid fixture module with `files` added or replaced."""
    root = tmp_path / "content"
    shutil.copytree(VALID, root / FOLDER)
    for name, data in (files or {}).items():
        (root / FOLDER / name).parent.mkdir(parents=True, exist_ok=True)
        (root / FOLDER / name).write_bytes(data)
    return root


def store_with(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
               files: dict[str, bytes] | None = None) -> Engine:
    """`engine` holding the fixture module (with `files`), imported and published; the cache under `tmp_path`."""
    monkeypatch.setenv(repository.CACHE_ENV, str(tmp_path / "cache"))
    repository.import_folder(engine, content_copy(tmp_path / "seed", files))
    return engine


def trainer_id(engine: Engine) -> int:
    return auth.add_user(engine, email="formatrice@example.org", name="Claire Martin", password="correct-horse-battery",
                         roles={"trainer"}, profession="medecin").id


def head(engine: Engine) -> int:
    return repository.module(engine, FOLDER).head_version_id


def snapshot(engine: Engine) -> tuple[object, ...]:
    """Everything a content write changes: the serials, the modules, their version counts and published files."""
    refs = tuple(repository.modules(engine))
    return (repository.state(engine), refs,
            tuple(len(repository.history(engine, ref.folder)) for ref in refs),
            tuple(repository.read_files(engine, ref.published_version_id) for ref in refs))


def lesson(name: str = "02-limites.md") -> str:
    """A lesson of the fixture module, as text."""
    return (VALID / name).read_text(encoding="utf-8")


def next_line(text: str) -> int:
    """The line number that a line appended after `text` and a blank line gets."""
    return text.rstrip("\n").count("\n") + 3


def module_zip(files: dict[str, bytes]) -> bytes:
    """A zip of the fixture module folder with `files` added or replaced."""
    entries = {path.relative_to(VALID).as_posix(): path.read_bytes() for path in VALID.rglob("*") if path.is_file()}
    entries.update(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(entries.items()):
            archive.writestr(f"{FOLDER}/{name}", data)
    return buffer.getvalue()


def check_output(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    """`python -m academy check content` run beside `root`: its exit code and the lines it printed."""
    monkeypatch.chdir(root.parent)
    result = CliRunner().invoke(cli, ["check", root.name])
    return result.exit_code, result.output.splitlines()
