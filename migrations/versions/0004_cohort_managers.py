"""Cohort managers (cohort_managers): coordinators see only the cohorts they manage; creators become managers.

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-05

Each existing cohort's creator (``cohorts.created_by``, recorded since the first schema) becomes its manager,
unless that account was erased. The audit log cannot add anything here: its ``cohort_create`` entries carry
the same actor as ``created_by``, and both are set to NULL when the account row is deleted. So cohorts
without a recorded creator (made by a tool without an actor, or whose creator's account was deleted or
erased) are left without a manager: only admins see them, and an admin can give them managers on the
Cohorts page.

Self-contained on purpose (no import of academy code). The migrations are re-chained at merge: this
revision may then follow another one than 0002.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain SQL run by SQLite and PostgreSQL alike.
BACKFILL = """
INSERT INTO cohort_managers (cohort_id, user_id, added_at, added_by)
SELECT cohorts.id, cohorts.created_by, cohorts.created_at, NULL
FROM cohorts JOIN users ON users.id = cohorts.created_by
WHERE users.erased_at IS NULL
"""


def upgrade() -> None:
    op.create_table(
        "cohort_managers",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name=op.f("fk_cohort_managers_cohort_id_cohorts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_cohort_managers_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"], name=op.f("fk_cohort_managers_added_by_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("cohort_id", "user_id", name=op.f("pk_cohort_managers")),
    )
    op.create_index(op.f("ix_cohort_managers_user_id"), "cohort_managers", ["user_id"])
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index(op.f("ix_cohort_managers_user_id"), table_name="cohort_managers")
    op.drop_table("cohort_managers")
