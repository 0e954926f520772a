"""Shared fixtures: a real, migrated database per test.

``engine`` runs every test on a fresh SQLite file and, when ``ACADEMY_TEST_DATABASE_URL`` is set
(e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``), also on PostgreSQL, in a schema
created for the test and dropped after it. The database is never mocked.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from mail_support import no_smtp, smtp  # noqa: F401  (fixtures: a loopback SMTP server / mail off)
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from academy.store import db

PG_ENV = "ACADEMY_TEST_DATABASE_URL"

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set"),
    ),
]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'academy.db'}"
        return
    base = make_url(os.environ[PG_ENV])
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database (no migration applied)."""
    engine = db.make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a database migrated to the latest revision."""
    db.upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def app_env(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A fresh SQLite database that the app under AppTest uses (through ACADEMY_DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("ACADEMY_DATABASE_URL", url)
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine
