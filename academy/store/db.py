"""Database engine, sessions and migrations.

One engine per process (the app caches it). SQLite is the default; PostgreSQL (psycopg 3) is
selected with ``ACADEMY_DATABASE_URL`` for several app replicas.

SQLite settings, applied to every new connection:

- ``journal_mode=WAL``: readers never block the writer and the writer never blocks readers;
- ``foreign_keys=ON``, ``busy_timeout`` of 30 s, ``synchronous=NORMAL`` (safe with WAL: a killed
  process loses nothing, only a power cut may lose the last commits);
- pysqlite's own transaction handling is disabled (``isolation_level = None``) and SQLAlchemy emits
  ``BEGIN`` itself (the recipe of SQLAlchemy's SQLite dialect documentation): ``BEGIN IMMEDIATE`` for
  sessions opened with :func:`write`, so a write transaction takes the write lock up front and waits
  for it (busy timeout) instead of failing later with "database is locked" when it upgrades from a
  read; plain ``BEGIN`` for :func:`read`;
- inside one process, write transactions on a SQLite engine also take turns on a lock of the engine
  before ``BEGIN IMMEDIATE``: a waiting thread is woken as soon as the writer commits, whereas SQLite's
  busy handler polls with growing sleeps (other processes sharing the file still rely on it);
- the SQL function ``academy_fold(text)`` (:func:`fold_text`), which :func:`folded` uses for searches that
  ignore case and accents (PostgreSQL does the same with ``lower``, ``translate`` and ``replace``).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, create_engine, event, func, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "academy.db"
ENV_VAR = "ACADEMY_DATABASE_URL"

SQLITE_BUSY_TIMEOUT_SECONDS = 30
# Execution option that marks a connection as a writer (SQLite: BEGIN IMMEDIATE).
_WRITE_OPTION = "academy_write"
_WRITER_OPTIONS = {_WRITE_OPTION: True}
# Arbitrary constant key of the PostgreSQL advisory lock that serialises concurrent migrations.
_MIGRATION_LOCK_KEY = 0x61636164  # "acad"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def database_url() -> str:
    """The database URL: ``ACADEMY_DATABASE_URL``, else the SQLite file ``data/academy.db``.

    The default path is absolute (relative to the project root), so the app works from any cwd.
    """
    url = os.environ.get(ENV_VAR, "").strip()
    if url:
        return url
    DEFAULT_DATABASE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_DATABASE_PATH}"


def _normalise_url(url: str | URL) -> URL:
    """Parse ``url``; ``postgresql://`` and ``postgres://`` mean psycopg 3."""
    if isinstance(url, str) and url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with the settings described in the module docstring."""
    parsed = _normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _make_sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _make_sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        pool_size=10,
        max_overflow=20,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Disable pysqlite's implicit BEGIN/COMMIT handling; SQLAlchemy's "begin" hook emits BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()
        dbapi_connection.create_function("academy_fold", 1, fold_text, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    _WRITE_TURNS[engine] = threading.RLock()
    return engine


# SQLite engine → the lock its writers take turns on in this process (see the module docstring).
_WRITE_TURNS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


@contextmanager
def _write_turn(engine: Engine) -> Iterator[None]:
    turn = _WRITE_TURNS.get(engine)
    if turn is None:  # PostgreSQL: row locks, no database-wide writer
        yield
        return
    with turn:
        yield


def is_sqlite(engine: Engine) -> bool:
    """True when ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


# Accented letters and their plain letter, for searches that ignore accents (French names first of all).
_ACCENTED = "àâäáãåçéèêëîïíìñôöóòõùûüúÿýÀÂÄÁÃÅÇÉÈÊËÎÏÍÌÑÔÖÓÒÕÙÛÜÚŸÝ"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy"
_LIGATURES = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"))
_FOLD_TABLE = str.maketrans({**dict(zip(_ACCENTED, _PLAIN, strict=True)), **dict(_LIGATURES)})


def fold_text(value: str | None) -> str | None:
    """``value`` lowercased, accented letters and ligatures replaced by plain ones (« Œuvre » → « oeuvre »)."""
    return None if value is None else value.lower().translate(_FOLD_TABLE)


def folded(engine: Engine, column: ColumnElement[str]) -> ColumnElement[str]:
    """``column`` folded like :func:`fold_text`, in SQL on ``engine``'s database."""
    if is_sqlite(engine):
        return func.academy_fold(column)
    plain: ColumnElement[str] = func.translate(func.lower(column), _ACCENTED, _PLAIN)
    for ligature, letters in _LIGATURES:
        plain = func.replace(plain, ligature, letters)
    return plain


@contextmanager
def write(engine: Engine) -> Iterator[Session]:
    """A session for a write transaction: commits on success, rolls back on any exception.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE`` (write lock taken up front).
    """
    with (
        _write_turn(engine),
        Session(engine, expire_on_commit=False, execution_options=_WRITER_OPTIONS) as session,
        session.begin(),
    ):
        yield session


@contextmanager
def read(engine: Engine) -> Iterator[Session]:
    """A session for reading; its transaction is rolled back when the block ends.

    Loaded objects stay usable afterwards (closing detaches them without expiring them).
    """
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """Like :func:`write`, a Core connection instead of a session (less overhead for hot paths)."""
    with _write_turn(engine), engine.connect() as connection:
        connection.execution_options(**_WRITER_OPTIONS)
        with connection.begin():
            yield connection


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A Core connection for reading (``SELECT`` only).

    On PostgreSQL it is in autocommit: each statement sees what was committed before it started, as every
    statement of the READ COMMITTED transaction it replaces did, without that transaction's ``BEGIN`` and
    ``ROLLBACK`` round trips (two of the four a one-query read cost; they add up on every page run). On
    SQLite a read transaction (one snapshot for the block), as :func:`read`. Server-side cursors (``yield_per``)
    need a transaction on PostgreSQL: use :func:`stream_connection` for them.
    """
    with engine.connect() as connection:
        if not is_sqlite(engine):
            connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


@contextmanager
def stream_connection(engine: Engine) -> Iterator[Connection]:
    """A Core connection in a read transaction, rolled back at the end: for results streamed with ``yield_per``
    (PostgreSQL declares their server-side cursor inside a transaction)."""
    with engine.connect() as connection:
        yield connection


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration revision shipped with the code."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when no migration ever ran)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Apply every pending migration up to ``revision`` (idempotent; safe at every app start); return
    the revision reached.

    All pending migrations run in one transaction: SQLite takes the write lock up front and
    PostgreSQL an advisory lock, so processes starting together migrate once, one after the other.
    """
    from alembic import command

    config = _alembic_config()
    with write_connection(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    reached = current_revision(engine)
    assert reached is not None
    return reached
