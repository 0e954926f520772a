"""`python -m academy db upgrade`, `python -m academy content import|export` and `python -m academy users add`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, inspect, select

from academy.accounts import auth
from academy.cli import cli
from academy.content import repository, studio
from academy.store import db
from academy.store.models import User

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content" / "valid"

PASSWORD = "correct-horse-battery"


@pytest.fixture
def url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI's database (ACADEMY_DATABASE_URL) for this test."""
    monkeypatch.setenv(db.ENV_VAR, database_url)
    return database_url


@pytest.fixture
def cli_engine(url: str) -> Iterator[Engine]:
    engine = db.make_engine(url)
    yield engine
    engine.dispose()


def _users(engine: Engine) -> int:
    if "users" not in inspect(engine).get_table_names():
        return 0
    with db.read(engine) as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed folder (ACADEMY_CONTENT_DIR): a copy of the fixture curriculum; materialised copies in tmp_path."""
    folder = tmp_path / "seed"
    shutil.copytree(FIXTURES, folder)
    monkeypatch.setenv(repository.SEED_ENV, str(folder))
    monkeypatch.setenv(repository.CACHE_ENV, str(tmp_path / "cache"))
    return folder


def test_db_upgrade(url: str, cli_engine: Engine, seed: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Database at revision {db.head_revision()} (head).\n"
                             f"Imported the seed curriculum from {seed}: 1 folder published.\n")
    result = runner.invoke(cli, ["db", "upgrade"])  # idempotent: the store is no longer empty
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Database at revision {db.head_revision()} (head).\n"
    assert db.current_revision(cli_engine) == db.head_revision()
    assert [module.id for module in repository.published_catalog(cli_engine).modules] == ["bases-ia"]


def test_content_import_is_idempotent_and_export_writes_the_published_curriculum(
    url: str, cli_engine: Engine, seed: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["content", "import"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Published 1 folder (01-bases-ia); 0 unchanged.\n"
    result = runner.invoke(cli, ["content", "import", str(seed)])
    assert result.stdout == "Published 0 folders (none); 1 unchanged.\n"

    (seed / "01-bases-ia" / "02-limites.md").write_text("---\ntitle: Limites\n---\n\nRevu.\n", encoding="utf-8")
    result = runner.invoke(cli, ["content", "import", str(seed), "-m", "relecture"])
    assert result.stdout == "Published 1 folder (01-bases-ia); 0 unchanged.\n"
    assert repository.history(cli_engine, "01-bases-ia")[0].message == "relecture"

    out = tmp_path / "checkout"
    result = runner.invoke(cli, ["content", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote 1 module folder to {out}.\n"
    assert (out / "01-bases-ia" / "02-limites.md").read_bytes() == (seed / "01-bases-ia" / "02-limites.md").read_bytes()
    assert (out / "01-bases-ia" / "images" / "schema.png").read_bytes() == (
        FIXTURES / "01-bases-ia" / "images" / "schema.png").read_bytes()

    # a pending Studio draft makes an import that would replace it refuse, writing nothing
    head = repository.module(cli_engine, "01-bases-ia").head_version_id
    studio.save_file(cli_engine, "01-bases-ia", "02-limites.md", "---\ntitle: Limites\n---\n\nBrouillon.\n",
                     base_version=head, actor_id=None)
    (seed / "01-bases-ia" / "02-limites.md").write_text("---\ntitle: Limites\n---\n\nAutre.\n", encoding="utf-8")
    before = repository.state(cli_engine)
    result = runner.invoke(cli, ["content", "import", str(seed)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: nothing imported: unpublished Studio drafts: 01-bases-ia (version ")
    assert repository.state(cli_engine) == before

    result = runner.invoke(cli, ["content", "import", str(tmp_path / "absent")])
    assert result.exit_code == 2


def test_db_upgrade_reports_an_unreachable_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.ENV_VAR, "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot upgrade the database")


def test_users_add_with_password_stdin(url: str, cli_engine: Engine) -> None:
    result = CliRunner().invoke(
        cli,
        ["users", "add", "Admin@Example.org", "--role", "admin", "--role", "trainer", "--name", "Ada Lovelace",
         "--profession", "médecin", "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "admin@example.org" in result.stdout
    account = auth.authenticate(cli_engine, "admin@example.org", PASSWORD)
    assert account.roles == frozenset({"admin", "trainer"})
    assert (account.name, account.profession) == ("Ada Lovelace", "médecin")


def test_users_add_asks_the_password_twice(url: str, cli_engine: Engine) -> None:
    result = CliRunner().invoke(
        cli, ["users", "add", "lea@example.org", "--role", "learner"], input=f"{PASSWORD}\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert PASSWORD not in result.output  # hidden input
    account = auth.authenticate(cli_engine, "lea@example.org", PASSWORD)
    assert account.name == "lea"  # default: the email's local part


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["x@example.org", "--role", "boss"], PASSWORD, "unknown role boss"),
        (["x@example.org", "--role", "admin"], "short", "password"),
        (["x@example.org", "--role", "admin"], "1234567890123", "password"),
        (["not-an-email", "--role", "admin"], PASSWORD, "email"),
    ],
)
def test_users_add_refuses_bad_input_and_writes_nothing(
    url: str, cli_engine: Engine, args: list[str], password: str, message: str
) -> None:
    result = CliRunner().invoke(cli, ["users", "add", *args, "--password-stdin"], input=password + "\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error:") and message in result.stderr
    assert _users(cli_engine) == 0


def test_users_add_refuses_a_duplicate(url: str, cli_engine: Engine) -> None:
    runner = CliRunner()
    command = ["users", "add", "dup@example.org", "--role", "learner", "--password-stdin"]
    assert runner.invoke(cli, command, input=PASSWORD + "\n").exit_code == 0
    result = runner.invoke(cli, command, input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert auth.MSG_EMAIL_TAKEN in result.stderr
    assert _users(cli_engine) == 1


def test_python_dash_m_academy_from_another_folder(tmp_path: Path) -> None:
    """The real entry point, run from another working directory, uses the configured database."""
    target = tmp_path / "elsewhere.db"
    root = Path(__file__).resolve().parents[1]
    env = {"ACADEMY_DATABASE_URL": f"sqlite:///{target}", "PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "academy", "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert target.is_file()
