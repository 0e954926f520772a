"""A synthetic cohort for the benchmarks, written with bulk SQL into a migrated database.

Every learner is a member of cohort 1, which has every module assigned (every other one already due on
`TODAY`); each learner opens ~80 % of the modules (5 lessons each), takes the pre-test in ~70 % of those,
1 to 3 certifying attempts in ~75 % (12 questions each, one response row per question), and fills a
5-item satisfaction survey after ~60 % of their passes. Abilities are normal, so scores vary.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from academy.learning import survey
from academy.store import db, rollup

COHORT_ID = 1
LESSONS = 5
QUESTIONS = 12
TODAY = date(2026, 5, 1)
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _ts(moment: datetime) -> str:
    """A timestamp as SQLAlchemy stores it on SQLite (naive UTC text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def build(
    engine: Engine,
    learners: int,
    module_ids: Sequence[str],
    seed: int = 11,
    *,
    lesson_ids: Mapping[str, Sequence[str]] | None = None,
    question_hashes: Mapping[str, Sequence[str]] | None = None,
    with_responses: bool = True,
) -> dict[str, int]:
    """Insert the data set into a migrated database (SQLite or PostgreSQL), rebuild the rollup; return the
    row counts. The ids are explicit: the database must be empty.

    ``lesson_ids`` and ``question_hashes`` (per module: LESSONS ids, QUESTIONS hashes) tie the rows to a
    real catalog (the exports print titles and hashes); ``with_responses=False`` skips the response rows.
    """
    rng = random.Random(seed)
    now = _ts(_EPOCH)
    users, roles, members, lessons, attempts, responses, evaluations = [], [], [], [], [], [], []
    attempt_id = 0
    for user_id in range(1, learners + 1):
        users.append((user_id, f"learner{user_id:05d}@example.org", f"Learner {user_id:05d}", "medecin", None,
                      "!unusable", "fr", now))
        roles.append((user_id, "learner"))
        members.append((1, user_id, now))
        ability = rng.gauss(0, 1)
        for module_id in module_ids:
            if rng.random() > 0.8:
                continue
            began = _EPOCH + timedelta(days=rng.uniform(0, 110), minutes=rng.uniform(0, 600))
            names = lesson_ids[module_id] if lesson_ids else [f"lesson-{n}" for n in range(1, LESSONS + 1)]
            hashes = question_hashes[module_id] if question_hashes else ["0" * 64] * QUESTIONS
            for number, lesson in enumerate(names, start=1):
                seen = began + timedelta(minutes=10 * number)
                done = _ts(seen) if rng.random() < 0.85 else None
                lessons.append((user_id, module_id, lesson, _ts(seen), _ts(seen), done, rng.randint(60, 900)))
            kinds = []
            if rng.random() < 0.7:
                kinds.append(("pre", began - timedelta(minutes=5)))
            if rng.random() < 0.75:
                kinds += [("post", began + timedelta(days=rng.uniform(0, 10) + n)) for n in range(rng.randint(1, 3))]
            for kind, started in kinds:
                attempt_id += 1
                boost = 0.0 if kind == "pre" else 1.0
                fractions = [1.0 if rng.random() < 1 / (1 + 2.7 ** -(ability + boost)) else 0.0
                             for _ in range(QUESTIONS)]
                score = sum(fractions) / QUESTIONS
                passed = score >= 0.7
                submitted = started + timedelta(minutes=rng.uniform(5, 30))
                attempts.append((attempt_id, user_id, module_id, kind, f"t{attempt_id}", "0" * 64, "{}", "{}",
                                 "{}", "[]", _ts(started), _ts(submitted), _ts(submitted), score, score * QUESTIONS,
                                 float(QUESTIONS), passed))
                if with_responses:
                    responses += [(attempt_id, f"q{n:02d}", hashes[n - 1], '"a"' if fraction else '"b"', fraction,
                                   _ts(started + timedelta(minutes=n)))
                                  for n, fraction in enumerate(fractions, start=1)]
                if kind == "post" and passed and rng.random() < 0.6:
                    answers = {item: rng.randint(1, 5) for item in survey.ITEMS}
                    evaluations.append((user_id, module_id, json.dumps(answers), "", _ts(submitted)))
    sqlite = engine.dialect.name == "sqlite"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if sqlite:
            cursor.execute("BEGIN IMMEDIATE")  # psycopg opens its transaction by itself
        else:
            cursor.execute("SET TIME ZONE 'UTC'")  # the timestamps below are naive UTC text

        def run_many(sql: str, rows: list[tuple[Any, ...]]) -> None:
            cursor.executemany(sql if sqlite else sql.replace("?", "%s"), rows)

        def run_one(sql: str, row: tuple[Any, ...]) -> None:
            cursor.execute(sql if sqlite else sql.replace("?", "%s"), row)
        run_many("INSERT INTO users (id, email, name, profession, rpps, password_hash, locale, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", users)
        run_many("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", roles)
        run_one("INSERT INTO cohorts (id, name, description, created_at) VALUES (1, 'Bench', '', ?)", (now,))
        run_many("INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)", members)
        run_many(
            "INSERT INTO assignments (cohort_id, module_id, due_date, created_at) VALUES (1, ?, ?, ?)",
            [(m, (TODAY + timedelta(days=30 * (1 if n % 2 else -1))).isoformat(), now)
             for n, m in enumerate(module_ids)],
        )
        run_many(
            "INSERT INTO lesson_progress (user_id, module_id, lesson_id, first_viewed_at, last_viewed_at,"
            " completed_at, seconds_spent) VALUES (?, ?, ?, ?, ?, ?, ?)", lessons)
        run_many(
            "INSERT INTO attempts (id, user_id, module_id, kind, start_token, quiz_hash, layout, answers, certainties,"
            " locked, started_at, updated_at, submitted_at, score, points, max_points, passed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", attempts)
        run_many(
            "INSERT INTO responses (attempt_id, question_id, question_hash, answer, fraction, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", responses)
        run_many(
            "INSERT INTO evaluations (user_id, module_id, answers, comment, created_at) VALUES (?, ?, ?, ?, ?)",
            evaluations)
        raw.commit()
    finally:
        raw.close()
    with db.write_connection(engine) as connection:  # bulk SQL bypasses the app's writes: rebuild once
        rollup.rebuild_rollup(connection)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    counts = {"learners": len(users), "lesson rows": len(lessons), "attempts": len(attempts),
              "responses": len(responses), "evaluations": len(evaluations)}
    return counts


