"""HttpOnly session cookies, atomic sign-in throttling, single sign-on: sign_in_tickets, rate_limits,
external_identities.

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-05

``sign_in_failures`` (one row per failure, counted after the password check) gives way to
``rate_limits`` (one locked counter per key, counted before it). Its rows are not carried over: they were
at most 15 minutes old and only throttled sign-in.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time() -> sa.DateTime:
    """A timestamp (academy.store.models.UTCDateTime stores UTC in it)."""
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sign_in_tickets",
        sa.Column("ticket_hash", sa.String(64), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("sealed_token", sa.String(200), nullable=False),
        sa.Column("expires_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["auth_sessions.id"],
                                name=op.f("fk_sign_in_tickets_session_id_auth_sessions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ticket_hash", name=op.f("pk_sign_in_tickets")),
    )
    op.create_index(op.f("ix_sign_in_tickets_session_id"), "sign_in_tickets", ["session_id"])
    op.create_index(op.f("ix_sign_in_tickets_expires_at"), "sign_in_tickets", ["expires_at"])
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_failure_at", _time(), nullable=True),
        sa.Column("blocked_until", _time(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
    )
    op.create_table(
        "external_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(300), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("linked_at", _time(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_external_identities_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_identities")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_external_identities_issuer_subject")),
    )
    op.create_index(op.f("ix_external_identities_user_id"), "external_identities", ["user_id"])
    op.drop_index("ix_sign_in_failures_email_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")


def downgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index("ix_sign_in_failures_email_at", "sign_in_failures", ["email", "at"])
    op.drop_index(op.f("ix_external_identities_user_id"), table_name="external_identities")
    op.drop_table("external_identities")
    op.drop_table("rate_limits")
    op.drop_index(op.f("ix_sign_in_tickets_expires_at"), table_name="sign_in_tickets")
    op.drop_index(op.f("ix_sign_in_tickets_session_id"), table_name="sign_in_tickets")
    op.drop_table("sign_in_tickets")
