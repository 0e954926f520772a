"""The learner × module rollup: kept equal to the raw progress rows by every write, rebuilt on demand,
backfilled by its migration."""

from __future__ import annotations

import importlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, delete, insert, select, text

from academy.cli import cli
from academy.content.catalog import load_catalog
from academy.demo import load_demo
from academy.store import db, rollup
from academy.store.models import Attempt, LearnerModuleStats, LessonProgress, Response, User

ROOT = Path(__file__).resolve().parents[1]
MODULES = [m for m in load_catalog(ROOT / "content").modules if m.id in {"fondamentaux-ia-sante",
                                                                         "ia-imagerie-medicale"}]
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
COLUMNS = [column.name for column in LearnerModuleStats.__table__.columns]
BACKFILL = importlib.import_module("migrations.versions.0002_learner_module_stats").BACKFILL


def rollup_rows(engine: Engine) -> list[tuple[Any, ...]]:
    """The rollup's rows, sorted, with scores rounded (sums may be added in another order)."""
    with db.read_connection(engine) as connection:
        rows = connection.execute(select(LearnerModuleStats.__table__)).all()
    shaped = [tuple(round(value, 9) if isinstance(value, float) else value for value in row) for row in rows]
    return sorted(shaped)


def expected_rows(engine: Engine) -> dict[tuple[int, str], dict[str, Any]]:
    """The rollup recomputed in Python from the raw rows, with the definitions of academy.store.rollup."""
    with db.read_connection(engine) as connection:
        lessons = connection.execute(select(LessonProgress.__table__)).all()
        attempts = connection.execute(select(Attempt.__table__)).all()
        responses = connection.execute(select(Response.__table__)).all()
    expected: dict[tuple[int, str], dict[str, Any]] = defaultdict(
        lambda: {"lessons_viewed": 0, "lessons_completed": 0, "seconds_spent": 0, "events": [], "posts": []}
    )
    for row in lessons:
        entry = expected[(row.user_id, row.module_id)]
        entry["lessons_viewed"] += 1
        entry["lessons_completed"] += row.completed_at is not None
        entry["seconds_spent"] += row.seconds_spent
        entry["events"] += [row.first_viewed_at, row.last_viewed_at]
    answers: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in responses:
        answers[row.attempt_id][row.question_id] = (row.question_hash, row.fraction)
    pres: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in attempts:
        entry = expected[(row.user_id, row.module_id)]
        entry["events"] += [row.started_at, row.submitted_at or row.started_at]
        if row.submitted_at is not None and row.kind == "post":
            entry["posts"].append(row)
        if row.submitted_at is not None and row.kind == "pre":
            pres[(row.user_id, row.module_id)].append(row)
    result = {}
    for key, entry in expected.items():
        posts = sorted(entry["posts"], key=lambda a: (a.submitted_at, a.id))
        passes = [a.submitted_at for a in posts if a.passed]
        last = posts[-1] if posts else None
        first_pre = min(pres[key], key=lambda a: (a.submitted_at, a.id)) if pres[key] else None
        pairs = []
        if first_pre is not None and last is not None and last.started_at >= first_pre.submitted_at:
            before, after = answers[first_pre.id], answers[last.id]
            pairs = [(before[q][1], after[q][1]) for q in before if q in after and after[q][0] == before[q][0]]
        result[key] = {
            "lessons_viewed": entry["lessons_viewed"],
            "lessons_completed": entry["lessons_completed"],
            "seconds_spent": entry["seconds_spent"],
            "first_activity_at": min(entry["events"]),
            "last_activity_at": max(entry["events"]),
            "attempts": len(posts),
            "best_score": max((a.score for a in posts), default=None),
            "first_score": posts[0].score if posts else None,
            "last_score": last.score if last else None,
            "score_sum": sum(a.score for a in posts),
            "first_passed_at": passes[0] if passes else None,
            "last_submitted_at": last.submitted_at if last else None,
            "gain_items": len(pairs),
            "gain_pre_sum": sum(pre for pre, _ in pairs),
            "gain_post_sum": sum(post for _, post in pairs),
        }
    return result


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    load_demo(engine, MODULES, learners=15, seed=3, now=NOW)
    return engine


def test_every_write_keeps_the_rollup_equal_to_the_raw_rows(demo_engine: Engine) -> None:
    expected = expected_rows(demo_engine)
    with db.read_connection(demo_engine) as connection:
        stored = {(row.user_id, row.module_id): row._asdict() for row in connection.execute(
            select(LearnerModuleStats.__table__))}
    assert set(stored) == set(expected) and len(expected) > 15
    assert sum(entry["gain_items"] for entry in expected.values()) > 0, "the demo has pre/post pairs"
    for key, values in expected.items():
        for column, value in values.items():
            wanted = pytest.approx(value) if isinstance(value, float) else value
            assert stored[key][column] == wanted, (key, column)


def test_a_rebuild_and_the_migration_backfill_give_the_same_rows(demo_engine: Engine) -> None:
    maintained = rollup_rows(demo_engine)
    with db.write_connection(demo_engine) as connection:
        assert rollup.rebuild_rollup(connection) == len(maintained)
    assert rollup_rows(demo_engine) == maintained
    with db.write_connection(demo_engine) as connection:
        connection.execute(delete(LearnerModuleStats))
        connection.execute(text(BACKFILL))
    assert rollup_rows(demo_engine) == maintained


def test_migrating_a_database_with_progress_backfills_the_rollup(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        assert db.upgrade(engine, "0001") == "0001"
        started = NOW - timedelta(hours=2)
        with db.write_connection(engine) as connection:  # Core inserts: the 0001 schema has no rollup
            user_id = connection.execute(insert(User).values(
                email="lea@example.org", name="Léa", profession="", password_hash="!", locale="fr", created_at=started,
            )).inserted_primary_key[0]
            connection.execute(insert(LessonProgress).values(
                user_id=user_id, module_id="m", lesson_id="l1", first_viewed_at=started, last_viewed_at=started,
                completed_at=started, seconds_spent=300))
            for token, kind, offset, score in (("a", "pre", 0, 0.25), ("b", "post", 30, 0.75)):
                attempt_id = connection.execute(insert(Attempt).values(
                    user_id=user_id, module_id="m", kind=kind, start_token=token, quiz_hash="h", layout={},
                    answers={}, certainties={}, locked=[], started_at=started + timedelta(minutes=offset),
                    updated_at=started, submitted_at=started + timedelta(minutes=offset + 10), score=score,
                    points=score, max_points=1.0, passed=score > 0.5)).inserted_primary_key[0]
                connection.execute(insert(Response).values(
                    attempt_id=attempt_id, question_id="q1", question_hash="x", answer="a", fraction=score))
        assert db.upgrade(engine) == db.head_revision()
        row = rollup_rows(engine)[0]
        values = dict(zip(COLUMNS, row, strict=True))
        assert (values["lessons_viewed"], values["seconds_spent"], values["attempts"]) == (1, 300, 1)
        assert (values["best_score"], values["last_score"]) == (0.75, 0.75)
        assert values["first_activity_at"] == started
        assert values["last_activity_at"] == started + timedelta(minutes=40)
        assert (values["gain_items"], values["gain_pre_sum"], values["gain_post_sum"]) == (1, 0.25, 0.75)
    finally:
        engine.dispose()


def stats_row(engine: Engine, user_id: int, module_id: str) -> Any:
    with db.read_connection(engine) as connection:
        return connection.execute(select(LearnerModuleStats).where(
            LearnerModuleStats.user_id == user_id, LearnerModuleStats.module_id == module_id)).one_or_none()


def test_orm_writes_refresh_the_rollup_and_removing_all_activity_removes_the_row(demo_engine: Engine) -> None:
    with db.read_connection(demo_engine) as connection:
        user_id = connection.execute(select(Attempt.user_id).where(
            Attempt.kind == "post", Attempt.submitted_at.is_not(None)).order_by(Attempt.id).limit(1)).scalar_one()
    with db.write(demo_engine) as session:
        session.add(LessonProgress(user_id=user_id, module_id="new-module", lesson_id="l1", first_viewed_at=NOW,
                                   last_viewed_at=NOW, seconds_spent=42))
    row = stats_row(demo_engine, user_id, "new-module")
    assert (row.lessons_viewed, row.seconds_spent, row.attempts, row.last_activity_at) == (1, 42, 0, NOW)

    with db.write(demo_engine) as session:  # an edited score (an admin correction) moves the best score
        attempt = session.scalars(select(Attempt).where(Attempt.user_id == user_id, Attempt.kind == "post",
                                                        Attempt.submitted_at.is_not(None))).first()
        attempt.score = 1.0
        module_id = attempt.module_id
    assert stats_row(demo_engine, user_id, module_id).best_score == 1.0

    with db.write(demo_engine) as session:
        session.delete(session.scalars(select(LessonProgress).where(
            LessonProgress.user_id == user_id, LessonProgress.module_id == "new-module")).one())
    assert stats_row(demo_engine, user_id, "new-module") is None
    assert {(r[0], r[1]) for r in rollup_rows(demo_engine)} == set(expected_rows(demo_engine))


def test_db_rebuild_stats_restores_the_rollup(demo_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    maintained = rollup_rows(demo_engine)
    with db.write_connection(demo_engine) as connection:
        connection.execute(delete(LearnerModuleStats))
    monkeypatch.setenv("ACADEMY_DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(cli, ["db", "rebuild-stats"])
    assert result.exit_code == 0, result.output
    assert f"Rebuilt {len(maintained)} learner × module rows." in result.output
    assert rollup_rows(demo_engine) == maintained
