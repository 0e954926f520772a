"""xAPI outbox: events waiting to be sent to a Learning Record Store.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-05

Self-contained on purpose (no import of academy code). The table starts empty: history recorded before this
revision is queued by `python -m academy lrs backfill`, not here (an LRS may never be configured).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "xapi_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(30), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), server_default="pending", nullable=False),
        sa.Column("tries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_tried_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("statements", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'dropped')", name=op.f("ck_xapi_outbox_status")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_xapi_outbox_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_outbox")),
        sa.UniqueConstraint("event", "source_id", name=op.f("uq_xapi_outbox_event_source_id")),
    )
    op.create_index(op.f("ix_xapi_outbox_user_id"), "xapi_outbox", ["user_id"])
    op.create_index("ix_xapi_outbox_status_next_try_at", "xapi_outbox", ["status", "next_try_at"])


def downgrade() -> None:
    op.drop_table("xapi_outbox")
