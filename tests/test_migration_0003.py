"""Migration 0003 (mail outbox, link tokens, reminders; it follows 0005) on a database that holds data, both ways."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, select, text

from academy.accounts import invitations
from academy.store import db
from academy.store.models import User

NEW_TABLES = {"account_tokens", "mail_outbox", "reminders_sent", "reminder_opt_outs"}


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = db._alembic_config()
    with db.write_connection(engine) as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_0003_upgrades_a_populated_database_and_downgrades(empty_engine: Engine) -> None:
    _migrate(empty_engine, "0005")
    assert db.current_revision(empty_engine) == "0005"
    assert not NEW_TABLES & set(inspect(empty_engine).get_table_names())
    with db.write_connection(empty_engine) as connection:  # an invited account made before 0003 existed
        connection.execute(text(
            "INSERT INTO users (email, name, profession, password_hash, locale, created_at) "
            "VALUES ('old@example.org', 'Ancien Compte', '', '!legacy', 'fr', CURRENT_TIMESTAMP)"))

    _migrate(empty_engine, "0003")
    assert db.current_revision(empty_engine) == "0003"
    inspector = inspect(empty_engine)
    assert set(inspector.get_table_names()) >= NEW_TABLES
    assert {c["name"] for c in inspector.get_columns("mail_outbox")} >= {
        "status", "attempts", "next_attempt_at", "claim", "claimed_at", "message_id", "text_body", "html_body"}
    assert {tuple(u["column_names"]) for u in inspector.get_unique_constraints("reminders_sent")} == {
        ("user_id", "module_id", "due_date", "kind")}
    assert {tuple(i["column_names"]) for i in inspector.get_indexes("mail_outbox")} >= {("status", "next_attempt_at")}
    with db.read(empty_engine) as session:
        assert session.scalar(select(User.email)) == "old@example.org"  # data kept
    # an account invited before 0003 (no token) is listed as pending, to be invited again from the Admin page
    assert [p.email for p in invitations.pending_invitations(empty_engine)] == ["old@example.org"]

    _migrate(empty_engine, "0005", down=True)
    assert db.current_revision(empty_engine) == "0005"
    assert not NEW_TABLES & set(inspect(empty_engine).get_table_names())
    assert db.upgrade(empty_engine) == db.head_revision()
    assert set(inspect(empty_engine).get_table_names()) >= NEW_TABLES
