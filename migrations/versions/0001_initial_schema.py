"""Initial schema: accounts, sessions, settings, cohorts, progress, attempts, reviews, certificates, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Self-contained on purpose (no import of academy.store.models): later model changes must not rewrite history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    """JSON on SQLite, JSONB on PostgreSQL (as academy.store.models.json_type)."""
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _time() -> sa.DateTime:
    """A timestamp (academy.store.models.UTCDateTime stores UTC in it)."""
    return sa.DateTime(timezone=True)


def _user_fk(column: str, table: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("profession", sa.String(100), server_default="", nullable=False),
        sa.Column("rpps", sa.String(11), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("locale", sa.String(8), server_default="fr", nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("erased_at", _time(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        _user_fk("user_id", "user_roles"),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    op.create_index(op.f("ix_user_roles_role"), "user_roles", ["role"])

    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("expires_at", _time(), nullable=False),
        sa.Column("revoked_at", _time(), nullable=True),
        sa.Column("last_seen_at", _time(), nullable=True),
        _user_fk("user_id", "auth_sessions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_sessions_token_hash")),
    )
    op.create_index(op.f("ix_auth_sessions_user_id"), "auth_sessions", ["user_id"])

    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index("ix_sign_in_failures_email_at", "sign_in_failures", ["email", "at"])

    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", _json(), nullable=True),
        sa.Column("updated_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )

    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _user_fk("created_by", "cohorts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohorts")),
        sa.UniqueConstraint("name", name=op.f("uq_cohorts_name")),
    )
    op.create_table(
        "cohort_members",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_cohort_members_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        _user_fk("user_id", "cohort_members"),
        sa.PrimaryKeyConstraint("cohort_id", "user_id", name=op.f("pk_cohort_members")),
    )
    op.create_index(op.f("ix_cohort_members_user_id"), "cohort_members", ["user_id"])

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_assignments_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        _user_fk("created_by", "assignments", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("cohort_id", "module_id", name=op.f("uq_assignments_cohort_id_module_id")),
    )
    op.create_index(op.f("ix_assignments_cohort_id"), "assignments", ["cohort_id"])
    op.create_index(op.f("ix_assignments_module_id"), "assignments", ["module_id"])

    op.create_table(
        "lesson_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("lesson_id", sa.String(100), nullable=False),
        sa.Column("first_viewed_at", _time(), nullable=False),
        sa.Column("last_viewed_at", _time(), nullable=False),
        sa.Column("completed_at", _time(), nullable=True),
        sa.Column("seconds_spent", sa.Integer(), server_default="0", nullable=False),
        _user_fk("user_id", "lesson_progress"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_progress")),
        sa.UniqueConstraint(
            "user_id", "module_id", "lesson_id", name=op.f("uq_lesson_progress_user_id_module_id_lesson_id")
        ),
    )
    op.create_index(op.f("ix_lesson_progress_module_id"), "lesson_progress", ["module_id"])

    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("start_token", sa.String(100), nullable=False),
        sa.Column("quiz_hash", sa.String(64), nullable=False),
        sa.Column("layout", _json(), nullable=False),
        sa.Column("answers", _json(), nullable=False),
        sa.Column("certainties", _json(), nullable=False),
        sa.Column("locked", _json(), nullable=False),
        sa.Column("started_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.Column("deadline", _time(), nullable=True),
        sa.Column("submitted_at", _time(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("points", sa.Float(), nullable=True),
        sa.Column("max_points", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("certainty_score", sa.Float(), nullable=True),
        sa.CheckConstraint("kind IN ('pre', 'post', 'review')", name=op.f("ck_attempts_kind")),
        _user_fk("user_id", "attempts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
        sa.UniqueConstraint("start_token", name=op.f("uq_attempts_start_token")),
    )
    op.create_index("ix_attempts_user_id_module_id_kind", "attempts", ["user_id", "module_id", "kind"])
    op.create_index("ix_attempts_module_id_submitted_at", "attempts", ["module_id", "submitted_at"])

    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("question_hash", sa.String(64), nullable=False),
        sa.Column("answer", _json(), nullable=True),
        sa.Column("fraction", sa.Float(), nullable=False),
        sa.Column("certainty", sa.SmallInteger(), nullable=True),
        sa.Column("answered_at", _time(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempts.id"], name=op.f("fk_responses_attempt_id_attempts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint("attempt_id", "question_id", name=op.f("uq_responses_attempt_id_question_id")),
    )
    op.create_index(op.f("ix_responses_question_id"), "responses", ["question_id"])

    op.create_table(
        "review_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("question_hash", sa.String(64), nullable=False),
        sa.Column("state", _json(), nullable=False),
        sa.Column("due_at", _time(), nullable=False),
        sa.Column("last_review_at", _time(), nullable=True),
        _user_fk("user_id", "review_cards"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cards")),
        sa.UniqueConstraint(
            "user_id", "module_id", "question_id", name=op.f("uq_review_cards_user_id_module_id_question_id")
        ),
    )
    op.create_index("ix_review_cards_user_id_due_at", "review_cards", ["user_id", "due_at"])

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("answers", _json(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        _user_fk("user_id", "evaluations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
    )
    op.create_index(op.f("ix_evaluations_module_id"), "evaluations", ["module_id"])
    op.create_index("ix_evaluations_user_id_module_id", "evaluations", ["user_id", "module_id"])

    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("holder_name", sa.String(200), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("issued_at", _time(), nullable=False),
        sa.Column("revoked_at", _time(), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_certificates_cohort_id_cohorts"), ondelete="SET NULL"
        ),
        _user_fk("user_id", "certificates", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
    )
    op.create_index(op.f("ix_certificates_module_id"), "certificates", ["module_id"])
    op.create_index(op.f("ix_certificates_user_id"), "certificates", ["user_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("target", sa.String(300), server_default="", nullable=False),
        sa.Column("details", _json(), nullable=False),
        _user_fk("actor_id", "audit_log", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.create_index(op.f("ix_audit_log_actor_id"), "audit_log", ["actor_id"])
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])


def downgrade() -> None:
    # Tables only: dropping a table drops its indexes.
    for table in (
        "audit_log",
        "certificates",
        "evaluations",
        "review_cards",
        "responses",
        "attempts",
        "lesson_progress",
        "assignments",
        "cohort_members",
        "cohorts",
        "settings",
        "sign_in_failures",
        "auth_sessions",
        "user_roles",
        "users",
    ):
        op.drop_table(table)
