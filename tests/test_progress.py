"""Progress: lessons, attempts (start token, autosave, locks, deadline), grading, module status."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, update

import quiz
from academy.accounts import auth
from academy.learning import progress
from academy.store import db
from academy.store.models import Attempt, Response

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

QUIZ = """---
pass_mark: 0.6
{front_matter}
---

## Apprentissage {{#q1 .qru}}

Quelle proposition définit le mieux l'apprentissage automatique ?

- [ ] Un programme dont toutes les règles sont écrites à la main.
- [x] Un programme qui ajuste ses paramètres à partir d'exemples.
- [ ] Un programme qui comprend le sens des textes comme un humain.

## Bonnes pratiques {{#q2 .qrm points=2}}

Quelles attitudes sont adaptées ?

- [x] Vérifier la sortie avant de l'intégrer au dossier.
- [x] Informer le patient de l'usage de l'outil.
- [ ] Accepter la sortie sans relecture.
- [ ] Saisir des données identifiantes dans un service public en ligne.

## Sigle {{#q3 .qroc}}

Quel sigle désigne le règlement européen sur la protection des données ?

- [x] RGPD

# Rétinopathie {{#dp .dp}}

Un patient diabétique consulte pour un dépistage.

## Première étape {{#dp-1 .qru}}

Le dépistage automatisé est-il adapté ?

- [x] Oui
- [ ] Non
"""

# q1: 1 point, q2: 2 points, q3: 1 point, dp-1: 1 point.
ALL_RIGHT = {"q1": "b", "q2": ["a", "b"], "q3": "rgpd", "dp-1": "a"}
HALF = {"q1": "b", "q2": ["a"], "q3": "CNIL"}  # 1 + 0.5 × 2 + 0 + unanswered 0 = 2 of 5


def make_quiz(front_matter: str = "") -> quiz.Quiz:
    return quiz.parse(QUIZ.format(front_matter=front_matter), source="quiz.md")


@pytest.fixture
def qz() -> quiz.Quiz:
    return make_quiz()


@pytest.fixture
def user_id(engine: Engine) -> int:
    return auth.add_user(
        engine, email="learner@example.org", name="Léa Moreau", password="correct-horse-battery", roles=["learner"]
    ).id


def _attempt(
    engine: Engine,
    user_id: int,
    qz: quiz.Quiz,
    answers: dict[str, object],
    *,
    token: str,
    module_id: str = "m1",
    kind: str = "post",
    at: datetime = T0,
    certainties: dict[str, int] | None = None,
) -> progress.AttemptResult:
    """Start, answer and submit an attempt at time `at`."""
    attempt_id = progress.start_attempt(
        engine, user_id=user_id, module_id=module_id, kind=kind, quiz=qz, start_token=token, now=at
    )
    for question_id, response in answers.items():
        certainty = (certainties or {}).get(question_id)
        progress.save_answer(engine, attempt_id, question_id, response, certainty=certainty, now=at)
    return progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6, now=at + timedelta(minutes=1))


def _count(engine: Engine, model: type, **where: object) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    with db.read(engine) as session:
        return session.scalar(query) or 0


# --- lessons ---------------------------------------------------------------------------------------


def test_lesson_views_and_completion(engine: Engine, user_id: int) -> None:
    progress.record_lesson_view(engine, user_id, "m1", "intro", seconds=30, now=T0)
    progress.record_lesson_view(engine, user_id, "m1", "intro", seconds=45.7, now=T0 + timedelta(minutes=5))
    progress.record_lesson_view(engine, user_id, "m1", "suite", now=T0 + timedelta(minutes=6))
    progress.mark_lesson_complete(engine, user_id, "m1", "intro", now=T0 + timedelta(minutes=7))
    progress.mark_lesson_complete(engine, user_id, "m1", "intro", now=T0 + timedelta(minutes=9))
    progress.mark_lesson_complete(engine, user_id, "m1", "never-viewed", now=T0 + timedelta(minutes=10))
    progress.record_lesson_view(engine, user_id, "m1", "intro", seconds=-5, now=T0 + timedelta(minutes=11))
    states = progress.lesson_states(engine, user_id, "m1")
    assert set(states) == {"intro", "suite", "never-viewed"}
    intro = states["intro"]
    assert intro.first_viewed_at == T0
    assert intro.last_viewed_at == T0 + timedelta(minutes=11)
    assert intro.completed_at == T0 + timedelta(minutes=7)
    assert intro.completed
    assert intro.seconds_spent == 75
    assert not states["suite"].completed
    assert states["never-viewed"].completed
    assert progress.lesson_states(engine, user_id, "other") == {}


def test_a_page_change_credits_the_lesson_left_and_opens_the_next_in_one_call(engine: Engine, user_id: int) -> None:
    progress.record_lesson_view(engine, user_id, "m1", "intro", now=T0)
    progress.record_lesson_views(engine, user_id, [("m1", "intro", 120.9), ("m2", "debut", 0)],
                                 now=T0 + timedelta(minutes=2))
    intro = progress.lesson_states(engine, user_id, "m1")["intro"]
    assert (intro.seconds_spent, intro.first_viewed_at, intro.last_viewed_at) == (120, T0, T0 + timedelta(minutes=2))
    debut = progress.lesson_states(engine, user_id, "m2")["debut"]
    assert (debut.seconds_spent, debut.first_viewed_at) == (0, T0 + timedelta(minutes=2))
    done = progress.module_progress(engine, user_id)  # the rollup of both modules follows
    assert {module_id: row.lessons_viewed for module_id, row in done.items()} == {"m1": 1, "m2": 1}


# --- starting, autosave, resume --------------------------------------------------------------------


def test_one_attempt_per_start_token(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    first = progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t1")
    again = progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t1")
    other = progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t2")
    assert first == again != other
    assert _count(engine, Attempt) == 2
    intruder = auth.add_user(
        engine, email="x@example.org", name="Xavier", password="correct-horse-battery", roles=["learner"]
    )
    with pytest.raises(progress.AttemptError):
        progress.start_attempt(engine, user_id=intruder.id, module_id="m1", kind="post", quiz=qz, start_token="t1")


def test_concurrent_double_start_creates_one_attempt(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    barrier = threading.Barrier(8)
    ids: list[int] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait()
            ids.append(
                progress.start_attempt(
                    engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="same"
                )
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(ids) == 8 and len(set(ids)) == 1
    assert _count(engine, Attempt) == 1


def test_start_attempt_checks_its_arguments(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    def start(**kwargs: object) -> int:
        fields = {"user_id": user_id, "module_id": "m1", "kind": "post", "quiz": qz, "start_token": "t"}
        return progress.start_attempt(engine, **(fields | kwargs))  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="kind"):
        start(kind="final")
    with pytest.raises(ValueError, match="start_token"):
        start(start_token="")
    with pytest.raises(ValueError, match="layout"):
        start(layout={"questions": ["q1", "nope"]})
    with pytest.raises(ValueError, match="layout"):
        start(layout={"questions": ["q1", "q1"]})
    with pytest.raises(ValueError, match="layout"):
        start(layout={"options": {}})
    assert _count(engine, Attempt) == 0


def test_autosave_and_resume(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    assert progress.in_progress_attempt(engine, user_id, "m1", "post") is None
    layout = {"questions": ["q2", "q1"], "options": {"q2": ["d", "c", "b", "a"]}}
    attempt_id = progress.start_attempt(
        engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t", layout=layout, now=T0
    )
    progress.save_answer(engine, attempt_id, "q1", "a", now=T0 + timedelta(seconds=10))
    progress.save_answer(engine, attempt_id, "q1", "b", certainty=2, now=T0 + timedelta(seconds=20))
    progress.save_answer(engine, attempt_id, "q2", ["a", "b"], now=T0 + timedelta(seconds=30))
    resumed = progress.in_progress_attempt(engine, user_id, "m1", "post")
    assert resumed is not None
    assert resumed.id == attempt_id
    assert resumed.layout == layout
    assert resumed.question_ids == ["q2", "q1"]
    assert resumed.answers == {"q1": "b", "q2": ["a", "b"]}
    assert resumed.certainties == {"q1": 2}
    assert resumed.quiz_hash == qz.hash
    assert resumed.started_at == T0
    assert resumed.updated_at == T0 + timedelta(seconds=30)
    assert resumed.deadline is None and resumed.submitted_at is None
    assert progress.in_progress_attempt(engine, user_id, "m1", "pre") is None
    assert progress.attempt_state(engine, attempt_id) == resumed
    progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6)
    assert progress.in_progress_attempt(engine, user_id, "m1", "post") is None


def test_save_answer_refusals(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    layout = {"questions": ["q1", "dp-1"], "options": {}}
    attempt_id = progress.start_attempt(
        engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t", layout=layout
    )
    with pytest.raises(progress.AttemptError, match="not part"):
        progress.save_answer(engine, attempt_id, "q3", "rgpd")
    with pytest.raises(ValueError, match="certainty"):
        progress.save_answer(engine, attempt_id, "q1", "b", certainty=4)
    with pytest.raises(TypeError):
        progress.save_answer(engine, attempt_id, "q1", {1, 2})  # not JSON
    with pytest.raises(progress.AttemptNotFoundError):
        progress.save_answer(engine, 9999, "q1", "b")
    progress.save_answer(engine, attempt_id, "dp-1", "a")
    progress.lock_questions(engine, attempt_id, ["dp-1"])
    progress.lock_questions(engine, attempt_id, ["dp-1"])
    assert progress.attempt_state(engine, attempt_id).locked == ("dp-1",)
    with pytest.raises(progress.QuestionLockedError):
        progress.save_answer(engine, attempt_id, "dp-1", "b")
    result = progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6)
    assert dict((r.question_id, r.response) for r in result.responses) == {"q1": None, "dp-1": "a"}
    with pytest.raises(progress.AttemptClosedError):
        progress.save_answer(engine, attempt_id, "q1", "b")
    progress.lock_questions(engine, attempt_id, ["q1"])  # no-op once submitted


# --- submission ------------------------------------------------------------------------------------


def test_submit_grades_every_question_and_keeps_hashes(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    result = _attempt(engine, user_id, qz, HALF, token="t")
    assert result.points == pytest.approx(2.0)
    assert result.max_points == pytest.approx(5.0)
    assert result.score == pytest.approx(0.4)
    assert result.passed is False
    assert result.certainty_score is None
    assert result.kind == "post" and result.module_id == "m1" and result.user_id == user_id
    assert result.submitted_at == T0 + timedelta(minutes=1)
    assert [tuple(r) for r in result.responses] == [
        ("q1", "b", 1.0, None),
        ("q2", ["a"], 0.5, None),
        ("q3", "CNIL", 0.0, None),
        ("dp-1", None, 0.0, None),
    ]
    with db.read(engine) as session:
        rows = session.scalars(select(Response).order_by(Response.id)).all()
    hashes = {q.id: q.hash for q in qz.questions}
    assert [(r.question_id, r.question_hash) for r in rows] == list(hashes.items())
    assert rows[0].answered_at == T0
    assert rows[3].answered_at is None
    assert progress.attempt_result(engine, result.attempt_id) == result


def test_submit_is_idempotent(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    first = _attempt(engine, user_id, qz, ALL_RIGHT, token="t")
    assert first.score == pytest.approx(1.0) and first.passed
    again = progress.submit_attempt(engine, first.attempt_id, qz, pass_mark=0.99, now=T0 + timedelta(hours=1))
    assert again == first
    assert _count(engine, Response) == 4
    with pytest.raises(progress.AttemptNotFoundError):
        progress.submit_attempt(engine, 9999, qz, pass_mark=0.6)


def test_concurrent_double_submit_records_once(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t")
    for question_id, response in ALL_RIGHT.items():
        progress.save_answer(engine, attempt_id, question_id, response)
    barrier = threading.Barrier(6)
    results: list[progress.AttemptResult] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            results.append(progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 6 and all(r == results[0] for r in results)
    assert _count(engine, Response) == 4


def test_pass_mark_is_inclusive(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t")
    for question_id, response in {"q1": "b", "q2": ["a"], "q3": "RGPD"}.items():
        progress.save_answer(engine, attempt_id, question_id, response)
    result = progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6)  # 3 of 5
    assert result.score == pytest.approx(0.6) and result.passed


def test_certainty_score(engine: Engine, user_id: int) -> None:
    qz = make_quiz("certainty: true")
    result = _attempt(
        engine, user_id, qz, {"q1": "b", "q2": ["a"], "q3": "rgpd"}, token="t", certainties={"q1": 3, "q2": 2}
    )
    # q1: f=1, c=3 → 3; q2: f=0.5, c=2 → 0.5·2 + 0.5·(−2) = 0; q3 without certainty: not counted.
    assert result.certainty_score == pytest.approx(1.5)
    assert [r.certainty for r in result.responses] == [3, 2, None, None]
    without = _attempt(engine, user_id, make_quiz(), {"q1": "b"}, token="u", certainties={"q1": 3})
    assert without.certainty_score is None  # the quiz does not use certainty-based marking


def test_time_limit_is_enforced_by_the_server(engine: Engine, user_id: int) -> None:
    qz = make_quiz("time_limit_minutes: 10")
    attempt_id = progress.start_attempt(
        engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t", now=T0
    )
    state = progress.attempt_state(engine, attempt_id)
    assert state.deadline == T0 + timedelta(minutes=10)
    progress.save_answer(engine, attempt_id, "q1", "b", now=T0 + timedelta(minutes=9))
    progress.save_answer(engine, attempt_id, "q3", "rgpd", now=T0 + timedelta(minutes=10, seconds=3))  # grace
    with pytest.raises(progress.AttemptClosedError, match="time limit"):
        progress.save_answer(engine, attempt_id, "q2", ["a", "b"], now=T0 + timedelta(minutes=11))
    # An answer stored after the deadline (e.g. by an older server) is ignored at grading.
    with db.write(engine) as session:
        attempt = session.get(Attempt, attempt_id)
        late = (T0 + timedelta(minutes=30)).isoformat()
        attempt.answers = {**attempt.answers, "dp-1": {"response": "a", "saved_at": late}}
    assert progress.in_progress_attempt(engine, user_id, "m1", "post").id == attempt_id  # resumable, then submitted
    result = progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6, now=T0 + timedelta(hours=2))
    assert result.points == pytest.approx(2.0)  # q1 and q3
    assert {r.question_id: r.response for r in result.responses}["dp-1"] is None


def test_explicit_deadline(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    attempt_id = progress.start_attempt(
        engine, user_id=user_id, module_id="m1", kind="review", quiz=qz, start_token="t",
        deadline=T0 + timedelta(minutes=1), now=T0,
    )  # fmt: skip
    with pytest.raises(progress.AttemptClosedError):
        progress.save_answer(engine, attempt_id, "q1", "b", now=T0 + timedelta(minutes=2))


def test_questions_removed_from_the_quiz_are_left_out(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t")
    progress.save_answer(engine, attempt_id, "q1", "b")
    edited = quiz.parse(QUIZ.format(front_matter="").split("## Bonnes pratiques")[0], source="quiz.md")
    result = progress.submit_attempt(engine, attempt_id, edited, pass_mark=0.6)
    assert result.max_points == pytest.approx(1.0)
    assert result.score == pytest.approx(1.0)
    assert [r.question_id for r in result.responses] == ["q1"]


# --- recorded score and module status --------------------------------------------------------------


def test_recorded_score_per_grading_policy(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    assert progress.recorded_score(engine, user_id, "m1", "highest") is None
    _attempt(engine, user_id, qz, {}, token="pre", kind="pre", at=T0 - timedelta(days=1))  # not counted
    _attempt(engine, user_id, qz, HALF, token="a", at=T0)  # 0.4
    _attempt(engine, user_id, qz, ALL_RIGHT, token="b", at=T0 + timedelta(days=1))  # 1.0
    _attempt(engine, user_id, qz, {"q1": "b", "q2": ["a"], "q3": "rgpd"}, token="c", at=T0 + timedelta(days=2))
    progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="open")
    assert progress.recorded_score(engine, user_id, "m1", "highest") == pytest.approx(1.0)
    assert progress.recorded_score(engine, user_id, "m1", "last") == pytest.approx(0.6)
    assert progress.recorded_score(engine, user_id, "m1", "first") == pytest.approx(0.4)
    assert progress.recorded_score(engine, user_id, "m1", "average") == pytest.approx(2.0 / 3)
    assert progress.recorded_score(engine, user_id, "m2") is None
    with pytest.raises(ValueError):
        progress.recorded_score(engine, user_id, "m1", "best")
    assert progress.attempts_count(engine, user_id, "m1") == 4
    assert progress.attempts_count(engine, user_id, "m1", submitted_only=True) == 3
    assert progress.attempts_count(engine, user_id, "m1", "pre") == 1


def test_pretest_open_until_a_pretest_is_submitted_or_the_quiz_started(
        engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    other = auth.add_user(engine, email="other@example.org", name="Autre", password="correct-horse-battery",
                          roles=["learner"]).id
    assert progress.pretest_open(engine, user_id, "m1")
    progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="pre", quiz=qz, start_token="pre")
    assert progress.pretest_open(engine, user_id, "m1")  # started, not submitted: still open (to resume)
    _attempt(engine, other, qz, {}, token="other-pre", kind="pre", at=T0)  # someone else's pre-test
    _attempt(engine, user_id, qz, {}, token="m2-pre", kind="pre", at=T0, module_id="m2")  # another module's
    progress.start_attempt(engine, user_id=other, module_id="m1", kind="post", quiz=qz, start_token="other-post")
    assert progress.pretest_open(engine, user_id, "m1")
    assert not progress.pretest_open(engine, user_id, "m2")  # submitted
    assert not progress.pretest_open(engine, other, "m1")  # submitted, and the quiz started
    progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="post")
    assert not progress.pretest_open(engine, user_id, "m1")  # the certifying quiz started: too late


def test_submitted_attempts_by_kind_oldest_first(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    pre = _attempt(engine, user_id, qz, {}, token="pre", kind="pre", at=T0).attempt_id
    second = _attempt(engine, user_id, qz, ALL_RIGHT, token="b", at=T0 + timedelta(days=1)).attempt_id
    first = _attempt(engine, user_id, qz, HALF, token="a", at=T0 + timedelta(hours=1)).attempt_id
    progress.start_attempt(engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="open")
    posts = progress.submitted_attempts(engine, user_id, "m1")
    assert [(a.attempt_id, a.kind, a.score, a.passed) for a in posts] == [
        (first, "post", pytest.approx(0.4), False), (second, "post", pytest.approx(1.0), True)]
    assert [a.attempt_id for a in progress.submitted_attempts(engine, user_id, "m1", "pre")] == [pre]
    assert progress.submitted_attempts(engine, user_id, "m2") == []


def test_module_progress(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    assert progress.module_progress(engine, user_id) == {}
    progress.record_lesson_view(engine, user_id, "m1", "l1", seconds=60, now=T0)
    progress.record_lesson_view(engine, user_id, "m1", "l2", seconds=30, now=T0 + timedelta(minutes=2))
    progress.mark_lesson_complete(engine, user_id, "m1", "l1", now=T0 + timedelta(minutes=3))
    _attempt(engine, user_id, qz, {}, token="pre", kind="pre", at=T0 - timedelta(hours=1))
    _attempt(engine, user_id, qz, HALF, token="a", at=T0 + timedelta(hours=1))
    first_pass = _attempt(engine, user_id, qz, ALL_RIGHT, token="b", at=T0 + timedelta(hours=2))
    _attempt(engine, user_id, qz, {"q1": "b", "q2": ["a"], "q3": "rgpd"}, token="c", at=T0 + timedelta(hours=3))
    progress.start_attempt(
        engine, user_id=user_id, module_id="m2", kind="post", quiz=qz, start_token="m2", now=T0 + timedelta(hours=4)
    )
    other = auth.add_user(
        engine, email="other@example.org", name="Autre", password="correct-horse-battery", roles=["learner"]
    )
    _attempt(engine, other.id, qz, ALL_RIGHT, token="other", at=T0)

    status = progress.module_progress(engine, user_id)
    assert set(status) == {"m1", "m2"}
    m1 = status["m1"]
    assert m1 == progress.ModuleProgress(
        module_id="m1",
        lessons_viewed=2,
        lessons_completed=1,
        attempts=3,
        best_score=pytest.approx(1.0),
        last_score=pytest.approx(0.6),
        passed=True,
        completed_at=first_pass.submitted_at,
        seconds_spent=90,
        last_activity=T0 + timedelta(hours=3, minutes=1),
    )
    m2 = status["m2"]
    assert (m2.attempts, m2.best_score, m2.last_score, m2.passed, m2.completed_at) == (0, None, None, False, None)
    assert m2.last_activity == T0 + timedelta(hours=4)
    everyone = progress.progress_by_user(engine)
    assert set(everyone) == {user_id, other.id}
    assert everyone[other.id]["m1"].passed


def test_score_history_and_last_activity(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    assert progress.score_history(engine, user_id) == []
    assert progress.last_activity(engine, user_id) is None
    progress.record_lesson_view(engine, user_id, "m1", "l1", now=T0)
    assert progress.last_activity(engine, user_id) == progress.LastActivity("m1", "l1", None, T0)
    pre = _attempt(engine, user_id, qz, {}, token="pre", kind="pre", at=T0 + timedelta(hours=1))
    post = _attempt(engine, user_id, qz, ALL_RIGHT, token="post", at=T0 + timedelta(hours=2))
    history = progress.score_history(engine, user_id)
    assert [(h["module_id"], h["kind"], h["score"]) for h in history] == [("m1", "pre", 0.0), ("m1", "post", 1.0)]
    assert [h["submitted_at"] for h in history] == [pre.submitted_at, post.submitted_at]
    assert progress.last_activity(engine, user_id) == progress.LastActivity(
        "m1", None, post.attempt_id, post.submitted_at
    )
    progress.record_lesson_view(engine, user_id, "m2", "x", now=T0 + timedelta(days=1))
    assert progress.last_activity(engine, user_id).lesson_id == "x"


# --- concurrency -----------------------------------------------------------------------------------


def test_concurrent_writers_record_every_attempt(engine: Engine, qz: quiz.Quiz) -> None:
    """8 threads submit attempts concurrently: all recorded, no "database is locked", no duplicates."""
    threads_count, per_thread = 8, 15
    users = [
        auth.add_user(
            engine, email=f"l{i}@example.org", name=f"Learner {i}", password="correct-horse-battery",
            roles=["learner"],
        ).id
        for i in range(threads_count)
    ]  # fmt: skip
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_count)

    def work(index: int) -> None:
        try:
            barrier.wait()
            for n in range(per_thread):
                token = f"{index}-{n}"
                start = {"user_id": users[index], "module_id": f"m{n % 3}", "kind": "post", "quiz": qz}
                attempt_id = progress.start_attempt(engine, start_token=token, **start)
                assert progress.start_attempt(engine, start_token=token, **start) == attempt_id  # double click
                for question_id, response in ALL_RIGHT.items():
                    progress.save_answer(engine, attempt_id, question_id, response)
                progress.lesson_states(engine, users[index], f"m{n % 3}")  # readers in between
                first = progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6)
                assert progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6) == first
                progress.record_lesson_view(engine, users[index], f"m{n % 3}", "l1", seconds=1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = threads_count * per_thread
    assert _count(engine, Attempt) == total
    assert _count(engine, Response) == total * len(qz.questions)
    with db.read(engine) as session:
        assert session.scalar(select(func.count()).where(Attempt.submitted_at.is_(None))) == 0
        assert session.scalar(select(func.min(Attempt.score))) == pytest.approx(1.0)
    for uid in users:
        status = progress.module_progress(engine, uid)
        assert sum(p.attempts for p in status.values()) == per_thread
        assert sum(p.seconds_spent for p in status.values()) == per_thread


def test_attempts_are_deleted_with_their_user(engine: Engine, user_id: int, qz: quiz.Quiz) -> None:
    """Foreign keys cascade (the erasure feature relies on it when it deletes rows)."""
    from academy.store.models import User

    _attempt(engine, user_id, qz, ALL_RIGHT, token="t")
    with db.write(engine) as session:
        session.execute(update(Attempt).values(module_id="m9"))
        session.delete(session.get(User, user_id))
    assert _count(engine, Attempt) == 0
    assert _count(engine, Response) == 0


# --- attempt limits and progressive cases -----------------------------------------------------------


def test_attempt_limit(engine: Engine, user_id: int) -> None:
    qz = make_quiz("max_attempts: 2")

    def start(token: str, **kwargs: object) -> int:
        fields = {"user_id": user_id, "module_id": "m1", "kind": "post", "quiz": qz, "start_token": token}
        return progress.start_attempt(engine, **(fields | kwargs))  # type: ignore[arg-type]

    first = start("a")
    start("b")
    assert start("a") == first  # a used token is never refused
    with pytest.raises(progress.AttemptLimitError):
        start("c")
    start("pre-1", kind="pre")  # the quiz's cap applies to certifying attempts only
    with pytest.raises(progress.AttemptLimitError):
        start("pre-2", kind="pre", max_attempts=1)
    start("d", max_attempts=0)  # an explicit 0 lifts the cap
    with pytest.raises(ValueError, match="max_attempts"):
        start("e", max_attempts=-1)
    assert progress.attempts_count(engine, user_id, "m1") == 3


def test_attempt_limit_holds_under_concurrent_starts(engine: Engine, user_id: int) -> None:
    qz = make_quiz("max_attempts: 3")
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def start(index: int) -> None:
        try:
            barrier.wait()
            progress.start_attempt(
                engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token=f"t{index}"
            )
            outcomes.append("started")
        except progress.AttemptLimitError:
            outcomes.append("refused")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["refused"] * 5 + ["started"] * 3
    assert _count(engine, Attempt) == 3


def test_case_questions_are_answered_in_order(engine: Engine, user_id: int) -> None:
    text = QUIZ.format(front_matter="") + "\n## Deuxième étape {#dp-2 .qru}\n\nEt ensuite ?\n\n- [x] Oui\n- [ ] Non\n"
    qz = quiz.parse(text, source="quiz.md")
    layout = {"questions": ["q1", "dp-1", "dp-2"], "options": {}, "cases": {"dp": ["dp-1", "dp-2"]}}
    attempt_id = progress.start_attempt(
        engine, user_id=user_id, module_id="m1", kind="post", quiz=qz, start_token="t", layout=layout
    )
    with pytest.raises(progress.QuestionNotOpenError):
        progress.save_answer(engine, attempt_id, "dp-2", "a")
    progress.save_answer(engine, attempt_id, "dp-1", "a")
    progress.lock_questions(engine, attempt_id, ["dp-1"])
    progress.save_answer(engine, attempt_id, "dp-2", "a")
    with pytest.raises(progress.QuestionLockedError):
        progress.save_answer(engine, attempt_id, "dp-1", "b")
    result = progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6)
    assert [(r.question_id, r.fraction) for r in result.responses] == [("q1", 0.0), ("dp-1", 1.0), ("dp-2", 1.0)]
