"""Attacks on quiz integrity: double submission, late answers, locked case steps, attempt-cap races.

Each replay asserts the refusal (the store's error and its message, which the quiz page turns into
« Cette tentative est close… » or « Cette question est verrouillée… », `academy/ui/quiz_view.py`) and that the
database holds exactly what it held before, or exactly one of what two racers tried. The races run in two
separate processes (`quiz_race_worker.py`) as well as in threads (tests/test_progress.py,
tests/test_assessment.py).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

import quiz
from academy.accounts import auth
from academy.i18n import t
from academy.learning import progress
from academy.store import db

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("quiz_race_worker.py")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TABLES = ("attempts", "responses", "xapi_outbox", "learner_module_stats")

QUIZ = """---
max_attempts: 2
time_limit_minutes: 10
---

## Définition {#def .qru}

Quelle proposition définit l'apprentissage automatique ?

- [ ] Des règles écrites à la main.
- [x] Des paramètres ajustés à partir d'exemples.

# Mme B., 56 ans {#dp .dp}

Le centre utilise un logiciel de dépistage.

## Première étape {#dp-1 .qru}

Le score suffit-il ?

- [ ] Oui
- [x] Non

## Deuxième étape {#dp-2 .qru}

Que faites-vous ?

- [x] Une relecture par un radiologue.
- [ ] Rien.
"""
LAYOUT = {"questions": ["def", "dp-1", "dp-2"], "options": {}, "cases": {"dp": ["dp-1", "dp-2"]}}


@pytest.fixture
def qz() -> quiz.Quiz:
    return quiz.parse(QUIZ)


@pytest.fixture
def user_id(engine: Engine) -> int:
    return auth.add_user(engine, email="lea@example.org", name="Léa Moreau", password="correct-horse-battery",
                         roles={"learner"}).id


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of the tables an attempt writes to."""
    with db.read_connection(engine) as connection:
        return {table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
                for table in TABLES}


def count(engine: Engine, table: str) -> int:
    with db.read_connection(engine) as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def start(engine: Engine, user_id: int, qz: quiz.Quiz, token: str = "t", at: datetime = T0) -> int:
    return progress.start_attempt(engine, user_id=user_id, module_id="m", kind="post", quiz=qz, start_token=token,
                                  layout=LAYOUT, now=at)


def race(tmp_path: Path, url: str, qz_text: str, *commands: list[str]) -> list[str]:
    """Run one worker process per command, release them together, and return what each printed."""
    quiz_file, go = tmp_path / "quiz.md", tmp_path / "go"
    quiz_file.write_text(qz_text, encoding="utf-8")
    workers = [subprocess.Popen([sys.executable, str(WORKER), url, str(quiz_file), str(go), *command], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}) for command in commands]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    go.touch()
    outputs = []
    for worker in workers:
        output, errors = worker.communicate(timeout=60)
        assert worker.returncode == 0, errors[-2000:]
        outputs.append(output.strip())
    return outputs


# --- double submission ---------------------------------------------------------------------------------


def test_a_second_submit_returns_the_first_result_and_writes_nothing(engine: Engine, user_id: int,
                                                                     qz: quiz.Quiz) -> None:
    attempt_id = start(engine, user_id, qz)
    progress.save_answer(engine, attempt_id, "def", "b", now=T0)
    first = progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.5, now=T0 + timedelta(minutes=2))
    before = snapshot(engine)
    again = progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.5, now=T0 + timedelta(minutes=3))
    assert again.submitted_at == first.submitted_at and again.score == first.score
    assert snapshot(engine) == before
    assert count(engine, "responses") == 3 and count(engine, "xapi_outbox") == 1


def test_two_processes_submitting_one_attempt_record_it_once(engine: Engine, database_url: str, user_id: int,
                                                             qz: quiz.Quiz, tmp_path: Path) -> None:
    attempt_id = start(engine, user_id, qz, at=datetime.now(UTC))
    progress.save_answer(engine, attempt_id, "def", "b")
    outputs = race(tmp_path, database_url, QUIZ, ["submit", str(attempt_id)], ["submit", str(attempt_id)])
    assert outputs[0].startswith("submitted ") and outputs[0] == outputs[1]  # one grading, seen by both
    assert count(engine, "responses") == 3
    assert count(engine, "xapi_outbox") == 1
    assert progress.attempt_result(engine, attempt_id).score == pytest.approx(1 / 3)


# --- late answers --------------------------------------------------------------------------------------


def test_an_answer_after_submission_is_refused_and_changes_nothing(engine: Engine, user_id: int,
                                                                   qz: quiz.Quiz) -> None:
    attempt_id = start(engine, user_id, qz)
    progress.save_answer(engine, attempt_id, "def", "a", now=T0)
    progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.5, now=T0 + timedelta(minutes=1))
    before = snapshot(engine)
    late = T0 + timedelta(minutes=2)
    with pytest.raises(progress.AttemptClosedError, match="has been submitted"):
        progress.save_answer(engine, attempt_id, "def", "b", now=late)
    with pytest.raises(progress.AttemptClosedError, match="has been submitted"):
        progress.save_answers(engine, attempt_id, {"def": "b"}, now=late)
    with pytest.raises(progress.AttemptClosedError, match="has been submitted"):
        progress.save_certainty(engine, attempt_id, "def", 3, now=late)
    with pytest.raises(progress.AttemptClosedError, match="has been submitted"):
        progress.save_flag(engine, attempt_id, "def", True, now=late)
    assert snapshot(engine) == before
    assert progress.attempt_result(engine, attempt_id).score == 0.0
    assert "votre dernière modification n’a pas été enregistrée" in t("assessment.flash.closed")


def test_an_answer_after_the_time_limit_is_refused_and_changes_nothing(engine: Engine, user_id: int,
                                                                       qz: quiz.Quiz) -> None:
    attempt_id = start(engine, user_id, qz)
    progress.save_answer(engine, attempt_id, "def", "a", now=T0 + timedelta(minutes=5))
    before = snapshot(engine)
    with pytest.raises(progress.AttemptClosedError, match="time limit"):
        progress.save_answer(engine, attempt_id, "def", "b", now=T0 + timedelta(minutes=10, seconds=6))
    assert snapshot(engine) == before
    result = progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.5, now=T0 + timedelta(hours=1))
    assert {r.question_id: r.response for r in result.responses} == {"def": "a", "dp-1": None, "dp-2": None}


# --- progressive case steps ----------------------------------------------------------------------------


def test_a_case_step_cannot_be_answered_before_the_previous_one_is_validated(engine: Engine, user_id: int,
                                                                             qz: quiz.Quiz) -> None:
    attempt_id = start(engine, user_id, qz)
    before = snapshot(engine)
    with pytest.raises(progress.QuestionNotOpenError, match="comes after unlocked questions"):
        progress.save_answer(engine, attempt_id, "dp-2", "a", now=T0)
    with pytest.raises(progress.QuestionNotOpenError):
        progress.save_answers(engine, attempt_id, {"def": "b", "dp-2": "a"}, now=T0)  # nothing of the batch
    with pytest.raises(progress.QuestionNotOpenError):
        progress.save_certainty(engine, attempt_id, "dp-2", 3, now=T0)
    assert snapshot(engine) == before
    assert progress.attempt_state(engine, attempt_id).answers == {}


def test_a_validated_case_step_cannot_change(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    attempt_id = start(engine, user_id, qz)
    progress.save_answer(engine, attempt_id, "dp-1", "b", now=T0)
    progress.lock_questions(engine, attempt_id, ["dp-1"], now=T0)
    before = snapshot(engine)
    with pytest.raises(progress.QuestionLockedError, match="is locked"):
        progress.save_answer(engine, attempt_id, "dp-1", "a", now=T0)
    with pytest.raises(progress.QuestionLockedError):
        progress.save_answers(engine, attempt_id, {"dp-1": "a"}, now=T0)
    with pytest.raises(progress.QuestionLockedError):
        progress.save_certainty(engine, attempt_id, "dp-1", 1, now=T0)
    assert snapshot(engine) == before
    progress.save_answer(engine, attempt_id, "dp-2", "a", now=T0)  # the next step is open now
    assert progress.attempt_state(engine, attempt_id).answers == {"dp-1": "b", "dp-2": "a"}
    assert t("assessment.flash.locked").startswith("Cette question est verrouillée")


# --- the attempt cap -----------------------------------------------------------------------------------


def test_two_processes_starting_the_last_allowed_attempt_get_one(engine: Engine, database_url: str,
                                                                 user_id: int, qz: quiz.Quiz,
                                                                 tmp_path: Path) -> None:
    first = start(engine, user_id, qz, token="first")
    progress.submit_attempt(engine, first, qz, pass_mark=0.5)
    outputs = race(tmp_path, database_url, QUIZ, ["start", str(user_id), "m", "a"],
                   ["start", str(user_id), "m", "b"])
    assert sorted(line.split(" ", 1)[0] for line in outputs) == ["refused", "started"]
    assert "the 2 attempt(s) allowed on this quiz have all been started" in " ".join(outputs)
    assert count(engine, "attempts") == 2
    assert progress.attempts_count(engine, user_id, "m") == 2


def test_a_start_beyond_the_cap_writes_nothing(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    start(engine, user_id, qz, token="a")
    start(engine, user_id, qz, token="b")
    before = snapshot(engine)
    with pytest.raises(progress.AttemptLimitError, match="have all been started"):
        start(engine, user_id, qz, token="c")
    assert snapshot(engine) == before
