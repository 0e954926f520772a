"""The store's foundations: migrations, SQLite settings, transactions, UTC timestamps."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError, StatementError

from academy.store import db
from academy.store.models import AuthSession, Base, Setting

TABLES = {
    "users",
    "user_roles",
    "auth_sessions",
    "sign_in_tickets",
    "rate_limits",
    "settings",
    "cohorts",
    "cohort_members",
    "assignments",
    "lesson_progress",
    "attempts",
    "responses",
    "review_cards",
    "evaluations",
    "certificates",
    "audit_log",
}


def _sqlite_path(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert engine.url.database
    return engine.url.database


def test_upgrade_creates_every_table_from_empty(empty_engine: Engine) -> None:
    assert db.current_revision(empty_engine) is None
    assert db.upgrade(empty_engine) == db.head_revision()
    assert set(inspect(empty_engine).get_table_names()) >= TABLES
    assert db.current_revision(empty_engine) == db.head_revision()


def test_upgrade_is_idempotent_and_keeps_data(engine: Engine) -> None:
    with db.write(engine) as session:
        session.add(Setting(key="k", value={"a": 1}, updated_at=db.utcnow()))
    assert db.upgrade(engine) == db.head_revision()
    assert db.upgrade(engine) == db.head_revision()
    with db.read(engine) as session:
        assert session.get(Setting, "k").value == {"a": 1}


def test_concurrent_upgrades_on_a_fresh_database(empty_engine: Engine) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            db.upgrade(empty_engine)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.current_revision(empty_engine) == db.head_revision()


def test_models_match_the_migrations(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_pragmas_are_on(engine: Engine) -> None:
    _sqlite_path(engine)
    for session_factory in (db.read, db.write):
        with session_factory(engine) as session:
            connection = session.connection()
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000


def test_write_session_takes_the_write_lock_up_front(engine: Engine) -> None:
    path = _sqlite_path(engine)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.write(engine) as session:
            session.execute(select(Setting))  # a read only: BEGIN IMMEDIATE already holds the lock
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
        with db.read(engine) as session:
            session.execute(select(Setting))
            other.execute("BEGIN IMMEDIATE")  # a reader does not block the writer
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_write_commits_and_rolls_back(engine: Engine) -> None:
    with pytest.raises(RuntimeError), db.write(engine) as session:
        session.add(Setting(key="lost", value=1, updated_at=db.utcnow()))
        session.flush()
        raise RuntimeError("boom")
    with db.write(engine) as session:
        session.add(Setting(key="kept", value=2, updated_at=db.utcnow()))
    with db.read(engine) as session:
        assert session.get(Setting, "lost") is None
        assert session.get(Setting, "kept").value == 2


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    now = db.utcnow()
    with pytest.raises(IntegrityError), db.write(engine) as session:
        session.add(AuthSession(token_hash="x" * 64, user_id=999, created_at=now, expires_at=now))


def test_concurrent_read_modify_write_loses_nothing(engine: Engine) -> None:
    """8 threads increment one counter: no "database is locked", no lost update."""
    with db.write(engine) as session:
        session.add(Setting(key="counter", value=0, updated_at=db.utcnow()))
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(40):
                with db.write(engine) as session:
                    row = session.get(Setting, "counter", with_for_update=True)
                    row.value = row.value + 1
                    row.updated_at = db.utcnow()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read(engine) as session:
        assert session.get(Setting, "counter").value == 8 * 40


def test_timestamps_round_trip_as_aware_utc(engine: Engine) -> None:
    paris = timezone(timedelta(hours=2))
    moment = datetime(2025, 6, 1, 14, 30, 15, 123456, tzinfo=paris)
    with db.write(engine) as session:
        session.add(Setting(key="t", value=None, updated_at=moment))
    with db.read(engine) as session:
        stored = session.get(Setting, "t").updated_at
        later = session.scalar(select(Setting.key).where(Setting.updated_at > moment - timedelta(seconds=1)))
    assert stored == moment
    assert stored.tzinfo == UTC
    assert later == "t"
    with pytest.raises(StatementError, match="naive"), db.write(engine) as session:
        session.add(Setting(key="naive", value=None, updated_at=datetime(2025, 1, 1)))


def test_utcnow_is_aware() -> None:
    assert db.utcnow().tzinfo == UTC


def test_default_database_url_is_absolute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    url = db.database_url()
    path = Path(url.removeprefix("sqlite:///"))
    assert path.is_absolute()
    assert path == db.PROJECT_ROOT / "data" / "academy.db"
    assert path.parent.is_dir()
    monkeypatch.setenv(db.ENV_VAR, "sqlite:////tmp/elsewhere.db")
    assert db.database_url() == "sqlite:////tmp/elsewhere.db"


def test_postgresql_urls_use_psycopg_3() -> None:
    for url in ("postgresql://u@localhost/x", "postgres://u@localhost/x", "postgresql+psycopg://u@localhost/x"):
        engine = db.make_engine(url)
        assert engine.dialect.name == "postgresql"
        assert engine.dialect.driver == "psycopg"
        engine.dispose()


def test_make_engine_creates_the_sqlite_folder(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'x.db'}")
    try:
        assert db.upgrade(engine) == db.head_revision()
        assert (tmp_path / "a" / "b" / "x.db").is_file()
    finally:
        engine.dispose()


def test_reads_on_postgresql_need_no_transaction_and_writes_keep_theirs(engine: Engine) -> None:
    """A read connection is in autocommit on PostgreSQL (no BEGIN/ROLLBACK round trips); the pooled connection
    it used is transactional again for the next writer, whose failure still rolls everything back."""
    postgresql = not db.is_sqlite(engine)
    with db.read_connection(engine) as connection:
        assert connection.execute(select(Setting.key)).all() == []
        reader = connection.connection.dbapi_connection
        if postgresql:
            assert reader.autocommit is True
    with pytest.raises(RuntimeError), db.write_connection(engine) as connection:
        assert connection.connection.dbapi_connection is reader  # the pool's one connection, used again
        if postgresql:
            assert connection.connection.dbapi_connection.autocommit is False
        connection.execute(Setting.__table__.insert().values(key="lost", value=1, updated_at=db.utcnow()))
        raise RuntimeError("boom")
    with db.read_connection(engine) as connection:
        assert connection.execute(select(Setting.key)).all() == []
    with db.stream_connection(engine) as connection:  # a server-side cursor on PostgreSQL: inside a transaction
        assert connection.execution_options(yield_per=2).execute(select(Setting.key)).all() == []
