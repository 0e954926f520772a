"""Curriculum content in the database: content_state, content_blobs, content_versions, content_files,
content_modules.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-06

The seed curriculum is not imported here (a migration knows no content format): `python -m academy db
upgrade` and the app import `content/` into an empty store right after migrating
(academy.content.repository.ensure_seeded).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time() -> sa.DateTime:
    """A timestamp (academy.store.models.UTCDateTime stores UTC in it)."""
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    state = op.create_table(
        "content_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("published_serial", sa.Integer(), nullable=False),
        sa.Column("working_serial", sa.Integer(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_content_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_state")),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC, like academy.store.models.UTCDateTime
    op.bulk_insert(state, [{"id": 1, "store_id": uuid.uuid4().hex, "published_serial": 0, "working_serial": 0,
                            "updated_at": now}])
    op.create_table(
        "content_blobs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_content_blobs")),
    )
    op.create_table(
        "content_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(120), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=True),
        sa.Column("source_version_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("action", sa.String(12), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False, server_default=""),
        sa.Column("published_at", _time(), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'published', 'superseded', 'discarded')",
                           name=op.f("ck_content_versions_status")),
        sa.CheckConstraint("action IN ('import', 'save', 'upload', 'restore')",
                           name=op.f("ck_content_versions_action")),
        sa.ForeignKeyConstraint(["base_version_id"], ["content_versions.id"],
                                name=op.f("fk_content_versions_base_version_id_content_versions")),
        sa.ForeignKeyConstraint(["source_version_id"], ["content_versions.id"],
                                name=op.f("fk_content_versions_source_version_id_content_versions")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_content_versions_author_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["published_by"], ["users.id"], name=op.f("fk_content_versions_published_by_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_versions")),
    )
    op.create_index("ix_content_versions_folder_id", "content_versions", ["folder", "id"])
    op.create_table(
        "content_files",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["content_versions.id"],
                                name=op.f("fk_content_files_version_id_content_versions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sha256"], ["content_blobs.sha256"],
                                name=op.f("fk_content_files_sha256_content_blobs")),
        sa.PrimaryKeyConstraint("version_id", "path", name=op.f("pk_content_files")),
    )
    op.create_table(
        "content_modules",
        sa.Column("folder", sa.String(120), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("head_version_id", sa.Integer(), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["head_version_id"], ["content_versions.id"],
                                name=op.f("fk_content_modules_head_version_id_content_versions")),
        sa.ForeignKeyConstraint(["published_version_id"], ["content_versions.id"],
                                name=op.f("fk_content_modules_published_version_id_content_versions")),
        sa.PrimaryKeyConstraint("folder", name=op.f("pk_content_modules")),
    )
    op.create_index(op.f("ix_content_modules_module_id"), "content_modules", ["module_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_content_modules_module_id"), table_name="content_modules")
    op.drop_table("content_modules")
    op.drop_table("content_files")
    op.drop_index("ix_content_versions_folder_id", table_name="content_versions")
    op.drop_table("content_versions")
    op.drop_table("content_blobs")
    op.drop_table("content_state")
