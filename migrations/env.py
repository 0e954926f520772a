"""Alembic environment.

``academy.store.db.upgrade(engine)`` runs the migrations on its own connection (passed in
``config.attributes["connection"]``, already inside a transaction). The ``alembic`` command line
(``alembic -c alembic.ini revision --autogenerate -m …``) connects to ``academy.store.db.database_url()``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from academy.store.db import database_url, make_engine
from academy.store.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: autogenerate "batch" (copy-and-move) operations there.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on the configured database."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported: run `python -m academy db upgrade`.")
run_migrations_online()
