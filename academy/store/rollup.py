"""The per learner × module rollup (``learner_module_stats``): what the dashboard and progress pages read.

One row per learner and module with any activity (a lesson opened or an attempt started), recomputed
from the raw tables (``lesson_progress``, ``attempts``, ``responses``) in the same write transaction as
every change of them, so it always equals what grouped queries over those tables would give:

- ``lessons_viewed``, ``lessons_completed``, ``seconds_spent``: the learner's lesson rows of the module;
- ``first_activity_at`` / ``last_activity_at``: first lesson view or attempt start (any kind, submitted or
  not) / latest lesson view, attempt start or attempt submission (autosaves inside an attempt do not
  count: its submission, later, does);
- ``attempts``, ``best_score``, ``first_score``, ``last_score``, ``score_sum``, ``first_passed_at``,
  ``last_submitted_at``: over the submitted certifying ("post") attempts (first/last: earliest/latest
  submission; first pass: earliest passing submission; the sum gives the average);
- ``gain_items``, ``gain_pre_sum``, ``gain_post_sum``: the knowledge-gain pairing of
  :func:`academy.learning.progress.pre_post_pairs` for this learner — their first submitted pre-test against their
  latest submitted certifying attempt, provided it started after that pre-test was submitted, on the
  questions answered in both with the same content hash: how many such questions, and the sums of the
  pre-test's and of the certifying attempt's fractions on them. A cohort's gain is then
  ``SUM(gain_post_sum) / SUM(gain_items) - SUM(gain_pre_sum) / SUM(gain_items)``.

Who keeps it up to date:

- :mod:`academy.learning.progress` calls :func:`refresh` in its write transactions (lesson view and completion,
  attempt start, first submission);
- ORM writes of those tables (``session.add(Attempt(...))``, admin tools, tests) are caught by the
  ``after_flush`` hook this module registers on every ORM session (:func:`refresh_flushed`);
- bulk SQL loads (the benchmark) and operators call :func:`rebuild_rollup`
  (``python -m academy db rebuild-stats``); migration 0002 backfills with a frozen copy of the same SQL.

Concurrency: on PostgreSQL :func:`refresh` first locks the learner's ``users`` row (``FOR NO KEY UPDATE``:
foreign-key checks are not blocked), so two transactions refreshing the same learner run one after the
other and the second one's recomputation (a new statement, so a new READ COMMITTED snapshot) sees the
first one's rows. SQLite write transactions already hold the database write lock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, event, inspect, select, text
from sqlalchemy.orm import Session

from academy.store.models import Attempt, LearnerModuleStats, LessonProgress, Response, User

STATS_TABLE = LearnerModuleStats.__tablename__

# The recomputation of the rows of the learner × module pairs listed by {keys} (the lesson and attempt
# rows read are those of {lessons_where} and {attempts_where}): every pair with a lesson row or an
# attempt (rebuild), or one pair (refresh). Plain SQL that SQLite (3.35+) and PostgreSQL both
# run, index lookups per pair only (no window), so that one refresh stays cheap however big the tables.
# Migration 0002 keeps a frozen copy of the rebuild (tests/test_rollup.py checks that both agree).
_SQL = """
WITH keys AS (
    {keys}
),
picked AS (
    SELECT keys.user_id, keys.module_id,
           (SELECT a.id FROM attempts AS a
             WHERE a.user_id = keys.user_id AND a.module_id = keys.module_id AND a.kind = 'pre'
               AND a.submitted_at IS NOT NULL
             ORDER BY a.submitted_at, a.id LIMIT 1) AS first_pre,
           (SELECT a.id FROM attempts AS a
             WHERE a.user_id = keys.user_id AND a.module_id = keys.module_id AND a.kind = 'post'
               AND a.submitted_at IS NOT NULL
             ORDER BY a.submitted_at DESC, a.id DESC LIMIT 1) AS last_post,
           (SELECT a.id FROM attempts AS a
             WHERE a.user_id = keys.user_id AND a.module_id = keys.module_id AND a.kind = 'post'
               AND a.submitted_at IS NOT NULL
             ORDER BY a.submitted_at, a.id LIMIT 1) AS first_post
    FROM keys
),
lessons AS (
    SELECT l.user_id, l.module_id, COUNT(*) AS viewed, COUNT(l.completed_at) AS completed,
           SUM(l.seconds_spent) AS seconds, MIN(l.first_viewed_at) AS first_at, MAX(l.last_viewed_at) AS last_at
    FROM lesson_progress AS l {lessons_where}
    GROUP BY l.user_id, l.module_id
),
tries AS (
    SELECT a.user_id, a.module_id, MIN(a.started_at) AS first_at,
           MAX(COALESCE(a.submitted_at, a.started_at)) AS last_at,
           SUM(CASE WHEN a.kind = 'post' AND a.submitted_at IS NOT NULL THEN 1 ELSE 0 END) AS attempts,
           MAX(CASE WHEN a.kind = 'post' AND a.submitted_at IS NOT NULL THEN a.score END) AS best,
           SUM(CASE WHEN a.kind = 'post' AND a.submitted_at IS NOT NULL THEN a.score ELSE 0 END) AS score_sum,
           MIN(CASE WHEN a.kind = 'post' AND a.submitted_at IS NOT NULL AND a.passed THEN a.submitted_at END)
               AS first_passed,
           MAX(CASE WHEN a.kind = 'post' THEN a.submitted_at END) AS last_submitted
    FROM attempts AS a {attempts_where}
    GROUP BY a.user_id, a.module_id
),
pairs AS (
    SELECT picked.user_id, picked.module_id, COUNT(*) AS items,
           SUM(pre_response.fraction) AS pre_sum, SUM(post_response.fraction) AS post_sum
    FROM picked
    JOIN attempts AS pre ON pre.id = picked.first_pre
    JOIN attempts AS post ON post.id = picked.last_post AND post.started_at >= pre.submitted_at
    JOIN responses AS pre_response ON pre_response.attempt_id = pre.id
    JOIN responses AS post_response
      ON post_response.attempt_id = post.id AND post_response.question_id = pre_response.question_id
     AND post_response.question_hash = pre_response.question_hash
    GROUP BY picked.user_id, picked.module_id
)
INSERT INTO learner_module_stats (
    user_id, module_id, lessons_viewed, lessons_completed, seconds_spent, first_activity_at, last_activity_at,
    attempts, best_score, first_score, last_score, score_sum, first_passed_at, last_submitted_at, gain_items,
    gain_pre_sum, gain_post_sum
)
SELECT picked.user_id, picked.module_id,
       COALESCE(lessons.viewed, 0), COALESCE(lessons.completed, 0), COALESCE(lessons.seconds, 0),
       CASE WHEN lessons.first_at IS NULL OR tries.first_at < lessons.first_at
            THEN tries.first_at ELSE lessons.first_at END,
       CASE WHEN lessons.last_at IS NULL OR tries.last_at > lessons.last_at
            THEN tries.last_at ELSE lessons.last_at END,
       COALESCE(tries.attempts, 0), tries.best, first_post.score, last_post.score, COALESCE(tries.score_sum, 0),
       tries.first_passed, tries.last_submitted,
       COALESCE(pairs.items, 0), COALESCE(pairs.pre_sum, 0), COALESCE(pairs.post_sum, 0)
FROM picked
LEFT JOIN lessons ON lessons.user_id = picked.user_id AND lessons.module_id = picked.module_id
LEFT JOIN tries ON tries.user_id = picked.user_id AND tries.module_id = picked.module_id
LEFT JOIN attempts AS last_post ON last_post.id = picked.last_post
LEFT JOIN attempts AS first_post ON first_post.id = picked.first_post
LEFT JOIN pairs ON pairs.user_id = picked.user_id AND pairs.module_id = picked.module_id
WHERE lessons.user_id IS NOT NULL OR tries.user_id IS NOT NULL
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

REBUILD_SQL = _SQL.format(
    keys="SELECT user_id, module_id FROM lesson_progress UNION SELECT user_id, module_id FROM attempts",
    lessons_where="",
    attempts_where="",
)
# One pair: the filters are spelled out in each part so that the planner probes the indexes (a join on
# a one-row CTE can be planned as a scan of the whole table).
_REFRESH = text(
    _SQL.format(
        keys="SELECT CAST(:user_id AS INTEGER) AS user_id, CAST(:module_id AS VARCHAR(100)) AS module_id",
        lessons_where="WHERE l.user_id = :user_id AND l.module_id = :module_id",
        attempts_where="WHERE a.user_id = :user_id AND a.module_id = :module_id",
    )
)
_DELETE_ONE = text(f"DELETE FROM {STATS_TABLE} WHERE user_id = :user_id AND module_id = :module_id")
_DELETE_ALL = text(f"DELETE FROM {STATS_TABLE}")
_LOCK_LEARNER = select(User.id).where(User.id == bindparam("user_id")).with_for_update(key_share=True)
_ATTEMPT_KEYS = select(Attempt.user_id, Attempt.module_id).where(Attempt.id.in_(bindparam("ids", expanding=True)))


def refresh(connection: Connection, user_id: int, module_id: str) -> None:
    """Recompute one learner × module row from the raw tables, inside the caller's write transaction.

    The row is deleted when the learner has no activity left on the module.
    """
    key = {"user_id": user_id, "module_id": module_id}
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK_LEARNER, key)
    # Delete, then insert what the raw rows give (nothing when no activity is left). Not an upsert judged
    # by its row count: SQLite reports -1 for a statement that starts with WITH.
    connection.execute(_DELETE_ONE, key)
    connection.execute(_REFRESH, key)


def rebuild_rollup(connection: Connection) -> int:
    """Recompute the whole rollup from the raw tables (in the caller's transaction); return its row count.

    On PostgreSQL the table is locked first (``EXCLUSIVE``: readers go on, refreshes wait for the end).
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"LOCK TABLE {STATS_TABLE} IN EXCLUSIVE MODE"))
    connection.execute(_DELETE_ALL)
    connection.execute(text(REBUILD_SQL))
    return int(connection.execute(text(f"SELECT COUNT(*) FROM {STATS_TABLE}")).scalar() or 0)


def _keys(instance: LessonProgress | Attempt) -> set[tuple[int, str]]:
    """The learner × module keys of a flushed row: its current one and, if changed, its previous one."""
    attributes = inspect(instance).attrs
    users = {instance.user_id, *attributes.user_id.history.deleted}
    modules = {instance.module_id, *attributes.module_id.history.deleted}
    return {(user, module) for user in users for module in modules if user is not None and module is not None}


@event.listens_for(Session, "after_flush")
def refresh_flushed(session: Session, _flush_context: Any = None) -> None:
    """Refresh the rows of the learner × module pairs whose lessons, attempts or responses a flush wrote.

    Registered on every ORM session's ``after_flush`` (the session still lists what it flushed), so ORM
    writes keep the rollup in step; Core statements (academy.learning.progress) call :func:`refresh` themselves.
    """
    keys: set[tuple[int, str]] = set()
    attempt_ids: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, LessonProgress | Attempt):
            keys |= _keys(instance)
        elif isinstance(instance, Response):
            attempt_ids |= {instance.attempt_id, *inspect(instance).attrs.attempt_id.history.deleted} - {None}
    if not keys and not attempt_ids:
        return
    connection = session.connection()
    if attempt_ids:
        keys |= {(row.user_id, row.module_id) for row in connection.execute(_ATTEMPT_KEYS, {"ids": list(attempt_ids)})}
    for user_id, module_id in sorted(keys):
        refresh(connection, user_id, module_id)

