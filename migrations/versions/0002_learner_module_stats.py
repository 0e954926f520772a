"""Learner × module rollup (learner_module_stats) for the dashboard and progress pages, backfilled.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Self-contained on purpose (no import of academy code): the backfill is a frozen copy of
academy.store.rollup.REBUILD_SQL as it was when this revision was written, so later changes of the app's
definition never rewrite history (they ship with their own migration, or an operator runs
`python -m academy db rebuild-stats`). tests/test_rollup.py checks that both give the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain SQL run by SQLite (3.35+) and PostgreSQL alike.
BACKFILL = """
WITH ranked AS (
    SELECT id, user_id, module_id, kind, started_at, submitted_at, score, passed,
           ROW_NUMBER() OVER (PARTITION BY user_id, module_id, kind ORDER BY submitted_at, id) AS first_rank,
           ROW_NUMBER() OVER (PARTITION BY user_id, module_id, kind ORDER BY submitted_at DESC, id DESC) AS last_rank
    FROM attempts
    WHERE submitted_at IS NOT NULL AND kind IN ('pre', 'post')
),
activity AS (
    SELECT user_id, module_id, MIN(first_at) AS first_at, MAX(last_at) AS last_at
    FROM (
        SELECT user_id, module_id, first_viewed_at AS first_at, last_viewed_at AS last_at
        FROM lesson_progress WHERE 1 = 1
        UNION ALL
        SELECT user_id, module_id, started_at, COALESCE(submitted_at, started_at)
        FROM attempts WHERE 1 = 1
    ) AS events
    GROUP BY user_id, module_id
),
lessons AS (
    SELECT user_id, module_id, COUNT(*) AS viewed, COUNT(completed_at) AS completed, SUM(seconds_spent) AS seconds
    FROM lesson_progress WHERE 1 = 1
    GROUP BY user_id, module_id
),
posts AS (
    SELECT user_id, module_id, COUNT(*) AS attempts, MAX(score) AS best, SUM(score) AS score_sum,
           MAX(CASE WHEN first_rank = 1 THEN score END) AS first,
           MAX(CASE WHEN last_rank = 1 THEN score END) AS last,
           MIN(CASE WHEN passed THEN submitted_at END) AS first_passed, MAX(submitted_at) AS last_submitted
    FROM ranked WHERE kind = 'post'
    GROUP BY user_id, module_id
),
pairs AS (
    SELECT pre.user_id, pre.module_id, COUNT(*) AS items,
           SUM(pre_response.fraction) AS pre_sum, SUM(post_response.fraction) AS post_sum
    FROM ranked AS pre
    JOIN ranked AS post
      ON post.user_id = pre.user_id AND post.module_id = pre.module_id AND post.kind = 'post'
     AND post.last_rank = 1 AND post.started_at >= pre.submitted_at
    JOIN responses AS pre_response ON pre_response.attempt_id = pre.id
    JOIN responses AS post_response
      ON post_response.attempt_id = post.id AND post_response.question_id = pre_response.question_id
     AND post_response.question_hash = pre_response.question_hash
    WHERE pre.kind = 'pre' AND pre.first_rank = 1
    GROUP BY pre.user_id, pre.module_id
)
INSERT INTO learner_module_stats (
    user_id, module_id, lessons_viewed, lessons_completed, seconds_spent, first_activity_at, last_activity_at,
    attempts, best_score, first_score, last_score, score_sum, first_passed_at, last_submitted_at, gain_items,
    gain_pre_sum, gain_post_sum
)
SELECT activity.user_id, activity.module_id,
       COALESCE(lessons.viewed, 0), COALESCE(lessons.completed, 0), COALESCE(lessons.seconds, 0),
       activity.first_at, activity.last_at,
       COALESCE(posts.attempts, 0), posts.best, posts.first, posts.last, COALESCE(posts.score_sum, 0),
       posts.first_passed, posts.last_submitted,
       COALESCE(pairs.items, 0), COALESCE(pairs.pre_sum, 0), COALESCE(pairs.post_sum, 0)
FROM activity
LEFT JOIN lessons ON lessons.user_id = activity.user_id AND lessons.module_id = activity.module_id
LEFT JOIN posts ON posts.user_id = activity.user_id AND posts.module_id = activity.module_id
LEFT JOIN pairs ON pairs.user_id = activity.user_id AND pairs.module_id = activity.module_id
WHERE 1 = 1
ON CONFLICT (user_id, module_id) DO UPDATE SET
    lessons_viewed = excluded.lessons_viewed,
    lessons_completed = excluded.lessons_completed,
    seconds_spent = excluded.seconds_spent,
    first_activity_at = excluded.first_activity_at,
    last_activity_at = excluded.last_activity_at,
    attempts = excluded.attempts,
    best_score = excluded.best_score,
    first_score = excluded.first_score,
    last_score = excluded.last_score,
    score_sum = excluded.score_sum,
    first_passed_at = excluded.first_passed_at,
    last_submitted_at = excluded.last_submitted_at,
    gain_items = excluded.gain_items,
    gain_pre_sum = excluded.gain_pre_sum,
    gain_post_sum = excluded.gain_post_sum
"""


def upgrade() -> None:
    op.create_table(
        "learner_module_stats",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("lessons_viewed", sa.Integer(), nullable=False),
        sa.Column("lessons_completed", sa.Integer(), nullable=False),
        sa.Column("seconds_spent", sa.Integer(), nullable=False),
        sa.Column("first_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("best_score", sa.Float(), nullable=True),
        sa.Column("first_score", sa.Float(), nullable=True),
        sa.Column("last_score", sa.Float(), nullable=True),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.Column("first_passed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gain_items", sa.Integer(), nullable=False),
        sa.Column("gain_pre_sum", sa.Float(), nullable=False),
        sa.Column("gain_post_sum", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_learner_module_stats_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "module_id", name=op.f("pk_learner_module_stats")),
    )
    # The rollup looks up a learner's first pre-test and latest certifying attempt of a module: with
    # submitted_at in the index, that is one index probe (without it SQLite may scan the module's attempts).
    op.drop_index("ix_attempts_user_id_module_id_kind", table_name="attempts")
    op.create_index(
        "ix_attempts_user_id_module_id_kind_submitted_at", "attempts", ["user_id", "module_id", "kind", "submitted_at"]
    )
    op.execute(sa.text(BACKFILL))


def downgrade() -> None:
    op.drop_index("ix_attempts_user_id_module_id_kind_submitted_at", table_name="attempts")
    op.create_index("ix_attempts_user_id_module_id_kind", "attempts", ["user_id", "module_id", "kind"])
    op.drop_table("learner_module_stats")
