"""Learner progress: lesson views, quiz attempts (autosave, resume, submission), module status.

Plain functions over an engine; they return frozen dataclasses and dicts, never ORM objects.

Attempts
--------
- One attempt per ``start_token``: the page draws a random token before showing the start button,
  so a double click or a rerun with the same token returns the same attempt (unique constraint,
  safe under concurrency).
- ``layout`` fixes what the attempt shows: ``{"questions": [ids in display order], "options": {id:
  [option ids]}, …}`` (extra keys are kept as given). Without a layout every question of the quiz
  is asked in file order.
- Answers are autosaved one by one (:func:`save_answer`), with the time they were saved, so a
  refresh or a killed server loses nothing; :func:`in_progress_attempt` resumes.
- Time limit: the deadline is ``started_at + time_limit_minutes`` unless given. Answers saved after
  ``deadline + DEADLINE_GRACE`` are refused (:class:`AttemptClosedError`) and, were one stored
  anyway, ignored at grading; an attempt submitted after its deadline is still recorded, graded on
  the answers saved in time.
- :func:`submit_attempt` grades and records in one write transaction and is idempotent: submitting
  again returns the stored result and writes nothing. Each response row keeps the question's
  content hash, so editing a quiz never corrupts history. Questions of the layout that are no longer
  in the quiz when the attempt is submitted are left out of the score.
- Attempt limits: :func:`start_attempt` refuses an attempt beyond ``max_attempts`` (by default the
  quiz's, for certifying attempts) with :class:`AttemptLimitError`, counting and inserting in one write
  transaction that holds the learner's row lock (PostgreSQL) or the database write lock (SQLite).
- Progressive cases: a layout may carry ``"cases": {case id: [question ids in order]}``; a question of
  a case then accepts answers only once the case's earlier questions are locked
  (:class:`QuestionNotOpenError`), so a case is answered one question at a time, in order.

xAPI outbox
-----------
A lesson's first view, its first completion and a submitted attempt each record an event in the xAPI
outbox (:mod:`academy.store.outbox`) in the same transaction as the progress itself, so an event is queued
exactly when the fact is stored (and never when the transaction rolls back). ``academy.interop.lrs`` turns
the events into statements and sends them; this module does not know xAPI.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Engine, Row, Table, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

import quiz as quiz_engine
from academy.store import db, outbox, rollup
from academy.store.models import ATTEMPT_KINDS, Attempt, LearnerModuleStats, LessonProgress, Response, User

_ATTEMPTS = cast(Table, Attempt.__table__)
_RESPONSES = cast(Table, Response.__table__)
_LESSONS = cast(Table, LessonProgress.__table__)

KINDS = ATTEMPT_KINDS  # "pre" (pre-test), "post" (certifying quiz), "review" (spaced repetition)
GRADINGS = ("highest", "last", "first", "average")
DEADLINE_GRACE = timedelta(seconds=5)  # network latency allowance around a time limit
MAX_RESPONSE_JSON_LENGTH = 10_000


class AttemptError(Exception):
    """An attempt operation that is not allowed."""


class AttemptNotFoundError(AttemptError, LookupError):
    """No attempt with this id."""


class AttemptClosedError(AttemptError):
    """The attempt was submitted, or its deadline has passed: answers are no longer accepted."""


class QuestionLockedError(AttemptError):
    """The question was locked (a clinical-case question the learner moved past)."""


class QuestionNotOpenError(AttemptError):
    """A question of a progressive case asked before the case's earlier questions were locked."""


class AttemptLimitError(AttemptError):
    """The learner has started every attempt the quiz allows."""


# --- values returned to callers --------------------------------------------------------------------


@dataclass(frozen=True)
class LessonState:
    """A learner's state on one lesson."""

    lesson_id: str
    first_viewed_at: datetime
    last_viewed_at: datetime
    completed_at: datetime | None
    seconds_spent: int

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True)
class AttemptState:
    """An attempt as stored; ``answers`` maps question ids to the saved responses."""

    id: int
    user_id: int
    module_id: str
    kind: str
    start_token: str
    quiz_hash: str
    layout: dict[str, Any]
    answers: dict[str, Any]
    certainties: dict[str, int]
    locked: tuple[str, ...]
    started_at: datetime
    updated_at: datetime
    deadline: datetime | None
    submitted_at: datetime | None
    flagged: tuple[str, ...] = ()

    @property
    def question_ids(self) -> list[str]:
        """The attempt's questions, in display order."""
        return list(self.layout.get("questions", []))


class QuestionResult(NamedTuple):
    """One graded question of a submitted attempt (``response`` None when unanswered)."""

    question_id: str
    response: Any
    fraction: float
    certainty: int | None


@dataclass(frozen=True)
class AttemptResult:
    """The outcome of a submitted attempt; ``score`` is ``points / max_points`` (0..1)."""

    attempt_id: int
    user_id: int
    module_id: str
    kind: str
    score: float
    points: float
    max_points: float
    passed: bool
    certainty_score: float | None
    submitted_at: datetime
    responses: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class AttemptSummary:
    """A submitted attempt, for a learner's history of one module."""

    attempt_id: int
    kind: str
    started_at: datetime
    submitted_at: datetime
    score: float
    passed: bool
    certainty_score: float | None


class PairedItem(NamedTuple):
    """A question answered in a learner's pre-test and in a later certifying attempt, same question hash.

    ``pairs`` counts the (pre, post) pairs; the totals are sums of fractions over those pairs.
    """

    question_id: str
    pairs: int
    pre_total: float
    post_total: float


class PrePostPairs(NamedTuple):
    """Pre-test/certifying-attempt pairs of a module: per question, and how many learners they cover."""

    items: tuple[PairedItem, ...]
    learners: int


@dataclass(frozen=True)
class ModuleProgress:
    """A learner's progress on one module (quiz figures count submitted certifying attempts).

    Read from the rollup (:mod:`academy.store.rollup`): ``last_activity`` is the latest lesson view, attempt
    start or attempt submission (autosaves inside an unsubmitted attempt do not count).
    """

    module_id: str
    lessons_viewed: int
    lessons_completed: int
    attempts: int
    best_score: float | None
    last_score: float | None
    passed: bool
    completed_at: datetime | None  # first passing submission
    seconds_spent: int  # time on lessons
    last_activity: datetime | None


@dataclass(frozen=True)
class LastActivity:
    """Where a learner left off: a lesson, or a quiz attempt."""

    module_id: str
    lesson_id: str | None
    attempt_id: int | None
    at: datetime


# --- lessons ---------------------------------------------------------------------------------------


def _lesson_upsert(dialect: str, *, complete: bool) -> Any:
    """The lesson row's upsert (SQLite and PostgreSQL both have ON CONFLICT … DO UPDATE), built once per dialect.

    A view adds ``b_seconds`` to the time spent; a completion (``complete``) keeps the first completion time.
    Both keep the first view and return the row's id, first view and completion times.
    """
    key = (dialect, complete)
    if key not in _LESSON_UPSERTS:
        now = bindparam("b_now", type_=_LESSONS.c.last_viewed_at.type)
        seconds = bindparam("b_seconds", type_=_LESSONS.c.seconds_spent.type)
        statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(_LESSONS).values(
            user_id=bindparam("b_user"), module_id=bindparam("b_module"), lesson_id=bindparam("b_lesson"),
            first_viewed_at=now, last_viewed_at=now, completed_at=now if complete else None,
            seconds_spent=seconds,
        )
        changes = ({"completed_at": func.coalesce(_LESSONS.c.completed_at, now)} if complete
                   else {"seconds_spent": _LESSONS.c.seconds_spent + seconds})
        _LESSON_UPSERTS[key] = statement.on_conflict_do_update(
            index_elements=["user_id", "module_id", "lesson_id"], set_={"last_viewed_at": now, **changes},
        ).returning(_LESSONS.c.id, _LESSONS.c.first_viewed_at, _LESSONS.c.completed_at)
    return _LESSON_UPSERTS[key]


_LESSON_UPSERTS: dict[tuple[str, bool], Any] = {}


def record_lesson_view(
    engine: Engine,
    user_id: int,
    module_id: str,
    lesson_id: str,
    *,
    seconds: float = 0,
    now: datetime | None = None,
) -> None:
    """Record a view of a lesson: the first view is kept, ``seconds`` are added to the time spent."""
    record_lesson_views(engine, user_id, [(module_id, lesson_id, seconds)], now=now)


def record_lesson_views(
    engine: Engine, user_id: int, views: Sequence[tuple[str, str, float]], *, now: datetime | None = None
) -> None:
    """Record several ``(module_id, lesson_id, seconds)`` views in one transaction (a page change credits the
    lesson left and opens the next one), each as :func:`record_lesson_view` does."""
    now = now or db.utcnow()
    with db.write_connection(engine) as connection:
        upsert = _lesson_upsert(connection.dialect.name, complete=False)
        for module_id, lesson_id, seconds in views:
            row = connection.execute(upsert, {"b_user": user_id, "b_module": module_id, "b_lesson": lesson_id,
                                              "b_now": now, "b_seconds": max(0, int(seconds))}).one()
            if row.first_viewed_at == now:  # the row was created: the first view
                outbox.record_event(connection, outbox.LESSON_VIEWED, row.id, user_id, now)
        for module_id in dict.fromkeys(module_id for module_id, _, _ in views):
            rollup.refresh(connection, user_id, module_id)


def mark_lesson_complete(
    engine: Engine, user_id: int, module_id: str, lesson_id: str, *, now: datetime | None = None
) -> None:
    """Mark a lesson as read (the first completion time is kept)."""
    now = now or db.utcnow()
    with db.write_connection(engine) as connection:
        row = connection.execute(_lesson_upsert(connection.dialect.name, complete=True), {
            "b_user": user_id, "b_module": module_id, "b_lesson": lesson_id, "b_now": now, "b_seconds": 0}).one()
        if row.first_viewed_at == now:  # marked as read without a recorded view: that is its first view too
            outbox.record_event(connection, outbox.LESSON_VIEWED, row.id, user_id, now)
        if row.completed_at == now:  # the first completion
            outbox.record_event(connection, outbox.LESSON_COMPLETED, row.id, user_id, now)
        rollup.refresh(connection, user_id, module_id)


def lesson_states(engine: Engine, user_id: int, module_id: str) -> dict[str, LessonState]:
    """The learner's state of every lesson of the module they have opened, by lesson id."""
    with db.read_connection(engine) as connection:
        rows = connection.execute(_LESSON_STATES, {"b_user": user_id, "b_module": module_id})
        return {row.lesson_id: LessonState(*row) for row in rows}


_LESSON_STATES = select(  # built once: the Module page asks on every lesson it opens
    _LESSONS.c.lesson_id,
    _LESSONS.c.first_viewed_at,
    _LESSONS.c.last_viewed_at,
    _LESSONS.c.completed_at,
    _LESSONS.c.seconds_spent,
).where(_LESSONS.c.user_id == bindparam("b_user"), _LESSONS.c.module_id == bindparam("b_module"))


# --- attempts --------------------------------------------------------------------------------------

# Statements of the hot paths, built once (parameters: b_id = the attempt id).
_SELECT_ATTEMPT = select(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("b_id"))
_LOCK_ATTEMPT = _SELECT_ATTEMPT.with_for_update()
_UPDATE_ATTEMPT = update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("b_id"))
_SELECT_BY_TOKEN = select(_ATTEMPTS.c.id, _ATTEMPTS.c.user_id).where(_ATTEMPTS.c.start_token == bindparam("b_token"))
_INSERT_ATTEMPT = insert(_ATTEMPTS)
_LOCK_USER = select(User.id).where(User.id == bindparam("b_user")).with_for_update()
# A learner's attempts of one kind on a module (parameters: b_user, b_module, b_kind); the quiz page asks
# the statements below on every run.
_LEARNER_ATTEMPTS = (
    _ATTEMPTS.c.user_id == bindparam("b_user"),
    _ATTEMPTS.c.module_id == bindparam("b_module"),
    _ATTEMPTS.c.kind == bindparam("b_kind"),
)
_COUNT_STARTED = select(func.count(_ATTEMPTS.c.id)).where(*_LEARNER_ATTEMPTS)
_COUNT_SUBMITTED = _COUNT_STARTED.where(_ATTEMPTS.c.submitted_at.is_not(None))
_IN_PROGRESS = (
    select(_ATTEMPTS)
    .where(*_LEARNER_ATTEMPTS, _ATTEMPTS.c.submitted_at.is_(None))
    .order_by(_ATTEMPTS.c.started_at.desc(), _ATTEMPTS.c.id.desc())
    .limit(1)
)
_SUBMITTED = (
    select(
        _ATTEMPTS.c.id,
        _ATTEMPTS.c.kind,
        _ATTEMPTS.c.started_at,
        _ATTEMPTS.c.submitted_at,
        _ATTEMPTS.c.score,
        _ATTEMPTS.c.passed,
        _ATTEMPTS.c.certainty_score,
    )
    .where(*_LEARNER_ATTEMPTS, _ATTEMPTS.c.submitted_at.is_not(None))
    .order_by(_ATTEMPTS.c.submitted_at, _ATTEMPTS.c.id)
)
# The pre-test is open while no certifying attempt was started and no pre-test submitted: one query.
_PRETEST_CLOSERS = select(func.count(_ATTEMPTS.c.id)).where(
    _ATTEMPTS.c.user_id == bindparam("b_user"),
    _ATTEMPTS.c.module_id == bindparam("b_module"),
    (_ATTEMPTS.c.kind == "post") | ((_ATTEMPTS.c.kind == "pre") & _ATTEMPTS.c.submitted_at.is_not(None)),
)
_INSERT_RESPONSES = insert(_RESPONSES)
_SELECT_RESPONSES = (
    select(_RESPONSES.c.question_id, _RESPONSES.c.answer, _RESPONSES.c.fraction, _RESPONSES.c.certainty)
    .where(_RESPONSES.c.attempt_id == bindparam("b_id"))
    .order_by(_RESPONSES.c.id)
)


def _state(attempt: Row[Any]) -> AttemptState:
    """An attempt row as an :class:`AttemptState`."""
    return AttemptState(
        id=attempt.id,
        user_id=attempt.user_id,
        module_id=attempt.module_id,
        kind=attempt.kind,
        start_token=attempt.start_token,
        quiz_hash=attempt.quiz_hash,
        layout=dict(attempt.layout),
        answers={qid: saved["response"] for qid, saved in attempt.answers.items()},
        flagged=tuple(qid for qid, saved in attempt.answers.items() if saved.get("flagged")),
        certainties=dict(attempt.certainties),
        locked=tuple(attempt.locked),
        started_at=attempt.started_at,
        updated_at=attempt.updated_at,
        deadline=attempt.deadline,
        submitted_at=attempt.submitted_at,
    )


def _checked_layout(qz: quiz_engine.Quiz, layout: dict[str, Any] | None) -> dict[str, Any]:
    """``layout`` checked against the quiz; every question in file order when empty."""
    if not layout:
        return {"questions": [q.id for q in qz.questions], "options": {}}
    questions = layout.get("questions") if isinstance(layout, dict) else None
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise ValueError('layout must be a dict with a "questions" list of question ids')
    known = {q.id for q in qz.questions}
    unknown = [q for q in questions if q not in known]
    if unknown or len(set(questions)) != len(questions):
        raise ValueError(f"layout questions must be distinct questions of the quiz: {unknown or questions}")
    json.dumps(layout)  # must be JSON-serialisable
    return dict(layout)


def start_attempt(
    engine: Engine,
    *,
    user_id: int,
    module_id: str,
    kind: str,
    quiz: quiz_engine.Quiz,
    start_token: str,
    layout: dict[str, Any] | None = None,
    deadline: datetime | None = None,
    max_attempts: int | None = None,
    now: datetime | None = None,
) -> int:
    """Start an attempt, or return the attempt already started with ``start_token``.

    Without ``deadline``, a quiz with ``time_limit_minutes`` gets ``now + time limit``.
    ``max_attempts`` caps the attempts of this kind the learner may start on the module (0: no cap);
    when None, the quiz's ``max_attempts`` caps certifying ("post") attempts and other kinds have no
    cap. Raises :class:`AttemptLimitError` beyond the cap (never for an already used ``start_token``).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown attempt kind {kind!r}")
    if not start_token or len(start_token) > 100:
        raise ValueError("start_token must be 1 to 100 characters")
    limit = (quiz.settings.max_attempts if kind == "post" else 0) if max_attempts is None else max_attempts
    if limit < 0:
        raise ValueError("max_attempts must be 0 (no cap) or more")
    now = now or db.utcnow()
    layout = _checked_layout(quiz, layout)
    if deadline is None and quiz.settings.time_limit_minutes:
        deadline = now + timedelta(minutes=quiz.settings.time_limit_minutes)

    def existing(connection: Connection) -> int | None:
        row = connection.execute(_SELECT_BY_TOKEN, {"b_token": start_token}).first()
        if row is None:
            return None
        if row.user_id != user_id:
            raise AttemptError("start token already used by another account")
        return int(row.id)

    try:
        with db.write_connection(engine) as connection:
            if limit:
                # Serialise this learner's starts (PostgreSQL; SQLite already holds the write lock).
                connection.execute(_LOCK_USER, {"b_user": user_id})
            found = existing(connection)
            if found is not None:
                return found
            if limit:
                started = connection.execute(
                    _COUNT_STARTED, {"b_user": user_id, "b_module": module_id, "b_kind": kind}
                ).scalar()
                if (started or 0) >= limit:
                    raise AttemptLimitError(f"the {limit} attempt(s) allowed on this quiz have all been started")
            inserted = connection.execute(
                _INSERT_ATTEMPT,
                {
                    "user_id": user_id,
                    "module_id": module_id,
                    "kind": kind,
                    "start_token": start_token,
                    "quiz_hash": quiz.hash,
                    "layout": layout,
                    "answers": {},
                    "certainties": {},
                    "locked": [],
                    "started_at": now,
                    "updated_at": now,
                    "deadline": deadline,
                },
            )
            rollup.refresh(connection, user_id, module_id)
            return int(inserted.inserted_primary_key[0])
    except IntegrityError:
        # Another request inserted the same token concurrently: return that attempt.
        with db.read_connection(engine) as connection:
            found = existing(connection)
        if found is None:
            raise
        return found


def attempt_state(engine: Engine, attempt_id: int) -> AttemptState | None:
    """The attempt with this id, submitted or not (None when unknown)."""
    with db.read_connection(engine) as connection:
        attempt = connection.execute(_SELECT_ATTEMPT, {"b_id": attempt_id}).first()
    return _state(attempt) if attempt is not None else None


def in_progress_attempt(engine: Engine, user_id: int, module_id: str, kind: str) -> AttemptState | None:
    """The learner's latest unsubmitted attempt of this kind on the module (to resume), if any.

    It may be past its deadline: the caller then submits it.
    """
    with db.read_connection(engine) as connection:
        attempt = connection.execute(_IN_PROGRESS, {"b_user": user_id, "b_module": module_id, "b_kind": kind}).first()
    return _state(attempt) if attempt is not None else None


def attempts_count(
    engine: Engine, user_id: int, module_id: str, kind: str = "post", *, submitted_only: bool = False
) -> int:
    """How many attempts of this kind the learner started (or submitted) on the module."""
    query = _COUNT_SUBMITTED if submitted_only else _COUNT_STARTED
    with db.read_connection(engine) as connection:
        return connection.execute(query, {"b_user": user_id, "b_module": module_id, "b_kind": kind}).scalar() or 0


def _locked_attempt(connection: Connection, attempt_id: int) -> Row[Any]:
    """The attempt's row, locked for update (PostgreSQL; SQLite's write lock is already held)."""
    attempt = connection.execute(_LOCK_ATTEMPT, {"b_id": attempt_id}).first()
    if attempt is None:
        raise AttemptNotFoundError(f"no attempt {attempt_id}")
    return attempt


def _check_open(attempt: Row[Any], question_id: str, now: datetime) -> None:
    """Raise unless ``question_id`` of ``attempt`` (a locked attempts row) may still be answered at ``now``."""
    if attempt.submitted_at is not None:
        raise AttemptClosedError("this attempt has been submitted")
    if attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE:
        raise AttemptClosedError("the time limit of this attempt has passed")
    if question_id not in attempt.layout.get("questions", []):
        raise AttemptError(f"question {question_id!r} is not part of attempt {attempt.id}")
    if question_id in attempt.locked:
        raise QuestionLockedError(f"question {question_id!r} is locked")
    cases = attempt.layout.get("cases")
    for case_questions in cases.values() if isinstance(cases, dict) else ():
        if isinstance(case_questions, list) and question_id in case_questions:
            earlier = case_questions[: case_questions.index(question_id)]
            if any(qid not in attempt.locked for qid in earlier):
                raise QuestionNotOpenError(f"question {question_id!r} comes after unlocked questions of its case")


def save_answer(
    engine: Engine,
    attempt_id: int,
    question_id: str,
    response: Any,
    *,
    certainty: int | None = None,
    now: datetime | None = None,
) -> None:
    """Autosave the response to one question (JSON-serialisable) and, if given, its certainty.

    Raises :class:`AttemptClosedError` after submission or the deadline, :class:`QuestionLockedError`
    for a locked question, :class:`QuestionNotOpenError` for a case question asked out of order,
    :class:`AttemptError` for a question that is not in the attempt.
    """
    if certainty is not None and certainty not in (1, 2, 3):
        raise ValueError("certainty must be 1, 2 or 3")
    if len(json.dumps(response)) > MAX_RESPONSE_JSON_LENGTH:
        raise ValueError("response too large")
    now = now or db.utcnow()
    with db.write_connection(engine) as connection:
        attempt = _locked_attempt(connection, attempt_id)
        _check_open(attempt, question_id, now)
        saved = {"response": response, "saved_at": now.isoformat()}
        if attempt.answers.get(question_id, {}).get("flagged"):
            saved["flagged"] = True
        values: dict[str, Any] = {
            "b_id": attempt_id,
            "answers": {**attempt.answers, question_id: saved},
            "updated_at": now,
        }
        if certainty is not None:
            values["certainties"] = {**attempt.certainties, question_id: certainty}
        connection.execute(_UPDATE_ATTEMPT, values)


def save_flag(engine: Engine, attempt_id: int, question_id: str, flagged: bool, *, now: datetime | None = None) -> None:
    """Flag a question « à revoir » (or clear the flag) during an attempt; the learner's reminder only.

    The flag rides with the question's saved answer (a flagged question not answered yet is saved with no
    response); same refusals as :func:`save_answer`, except that a locked question can still be flagged.
    """
    now = now or db.utcnow()
    with db.write_connection(engine) as connection:
        attempt = _locked_attempt(connection, attempt_id)
        with contextlib.suppress(QuestionLockedError):
            _check_open(attempt, question_id, now)
        saved = dict(attempt.answers.get(question_id) or {"response": None, "saved_at": now.isoformat()})
        if flagged:
            saved["flagged"] = True
        else:
            saved.pop("flagged", None)
        connection.execute(_UPDATE_ATTEMPT, {"b_id": attempt_id, "answers": {**attempt.answers, question_id: saved},
                                             "updated_at": now})


def save_certainty(
    engine: Engine, attempt_id: int, question_id: str, certainty: int | None, *, now: datetime | None = None
) -> None:
    """Autosave the certainty (1, 2 or 3; None clears it) of one question, answered yet or not.

    Same refusals as :func:`save_answer`: a locked question's certainty is locked with its answer.
    """
    if certainty is not None and (isinstance(certainty, bool) or certainty not in (1, 2, 3)):
        raise ValueError("certainty must be 1, 2 or 3")
    now = now or db.utcnow()
    with db.write_connection(engine) as connection:
        attempt = _locked_attempt(connection, attempt_id)
        _check_open(attempt, question_id, now)
        certainties = {qid: value for qid, value in attempt.certainties.items() if qid != question_id}
        if certainty is not None:
            certainties[question_id] = certainty
        connection.execute(_UPDATE_ATTEMPT, {"b_id": attempt_id, "certainties": certainties, "updated_at": now})


def save_answers(
    engine: Engine, attempt_id: int, responses: dict[str, Any], *, now: datetime | None = None
) -> None:
    """Autosave several responses at once, in one transaction (a whole page of answers, an import,
    a simulation); each question is checked as :func:`save_answer` checks it, and any refusal saves nothing."""
    if len(json.dumps(responses)) > MAX_RESPONSE_JSON_LENGTH * max(1, len(responses)):
        raise ValueError("responses too large")
    now = now or db.utcnow()
    with db.write_connection(engine) as connection:
        attempt = _locked_attempt(connection, attempt_id)
        for question_id in responses:
            _check_open(attempt, question_id, now)
        saved = {qid: {"response": response, "saved_at": now.isoformat()} for qid, response in responses.items()}
        connection.execute(
            _UPDATE_ATTEMPT, {"b_id": attempt_id, "answers": {**attempt.answers, **saved}, "updated_at": now}
        )


def lock_questions(
    engine: Engine, attempt_id: int, question_ids: Iterable[str], *, now: datetime | None = None
) -> None:
    """Lock questions of an attempt (their answers can no longer change); no-op once submitted."""
    now = now or db.utcnow()
    with db.write_connection(engine) as connection:
        attempt = _locked_attempt(connection, attempt_id)
        if attempt.submitted_at is not None:
            return
        locked = list(attempt.locked)
        locked += [qid for qid in dict.fromkeys(question_ids) if qid not in locked]
        if locked != attempt.locked:
            connection.execute(_UPDATE_ATTEMPT, {"b_id": attempt_id, "locked": locked, "updated_at": now})


def _saved_in_time(answers: dict[str, Any], deadline: datetime | None, question_id: str) -> tuple[Any, datetime | None]:
    """The saved response and its time, or (None, None) when unanswered or saved too late."""
    saved = answers.get(question_id)
    if saved is None:
        return None, None
    saved_at = datetime.fromisoformat(saved["saved_at"])
    if deadline is not None and saved_at > deadline + DEADLINE_GRACE:
        return None, None
    return saved["response"], saved_at


def _result(connection: Connection, attempt: Row[Any]) -> AttemptResult:
    """The stored result of a submitted attempt (``attempt``: a row of the attempts table)."""
    rows = connection.execute(_SELECT_RESPONSES, {"b_id": attempt.id}).all()
    return AttemptResult(
        attempt_id=attempt.id,
        user_id=attempt.user_id,
        module_id=attempt.module_id,
        kind=attempt.kind,
        score=attempt.score or 0.0,
        points=attempt.points or 0.0,
        max_points=attempt.max_points or 0.0,
        passed=bool(attempt.passed),
        certainty_score=attempt.certainty_score,
        submitted_at=attempt.submitted_at,
        responses=tuple(QuestionResult(*row) for row in rows),
    )


def submit_attempt(
    engine: Engine,
    attempt_id: int,
    quiz: quiz_engine.Quiz,
    *,
    pass_mark: float,
    default_certainty: int | None = None,
    now: datetime | None = None,
) -> AttemptResult:
    """Grade and record an attempt in one transaction; idempotent (see the module docstring).

    Every question of the layout gets a response row (unanswered: response None, fraction 0); an answer
    with a :func:`quiz.response_problem` (not a number, too many words, an incomplete order) counts as none.
    ``passed`` is ``score >= pass_mark``; ``certainty_score`` is the mean certainty mark over the
    answered questions with a certainty, when the quiz uses certainty-based marking.
    ``default_certainty`` is the certainty of answers saved without one (None: they have none).
    """
    if default_certainty is not None and default_certainty not in (1, 2, 3):
        raise ValueError("default_certainty must be 1, 2 or 3")
    now = now or db.utcnow()
    questions = {q.id: q for q in quiz.questions}
    with db.write_connection(engine) as connection:
        attempt = _locked_attempt(connection, attempt_id)
        if attempt.submitted_at is not None:
            return _result(connection, attempt)

        rows: list[dict[str, Any]] = []
        results: list[QuestionResult] = []
        earned = max_points = 0.0
        marks: list[float] = []
        for question_id in attempt.layout.get("questions", []):
            question = questions.get(question_id)
            if question is None:
                continue  # removed from the quiz since the attempt started
            response, saved_at = _saved_in_time(attempt.answers, attempt.deadline, question_id)
            if response is not None and quiz_engine.response_problem(question, response) is not None:
                response = saved_at = None  # not a usable answer ("quinze" for a number): no answer
            fraction = 0.0
            if response is not None:
                fraction = min(1.0, max(0.0, float(quiz_engine.grade(question, response))))
            certainty = attempt.certainties.get(question_id, default_certainty) if response is not None else None
            if quiz.settings.certainty and certainty is not None:
                marks.append(quiz_engine.certainty_mark(fraction, certainty))
            earned += fraction * question.points
            max_points += question.points
            rows.append(
                {
                    "attempt_id": attempt_id,
                    "question_id": question_id,
                    "question_hash": question.hash,
                    "answer": response,
                    "fraction": fraction,
                    "certainty": certainty,
                    "answered_at": saved_at,
                }
            )
            results.append(QuestionResult(question_id, response, fraction, certainty))
        if rows:
            connection.execute(_INSERT_RESPONSES, rows)
        score = earned / max_points if max_points else 0.0
        passed = score >= pass_mark - 1e-9
        certainty_score = sum(marks) / len(marks) if marks else None
        connection.execute(
            _UPDATE_ATTEMPT,
            {
                "b_id": attempt_id,
                "score": score,
                "points": earned,
                "max_points": max_points,
                "passed": passed,
                "certainty_score": certainty_score,
                "submitted_at": now,
                "updated_at": now,
            },
        )
        outbox.record_event(connection, outbox.ATTEMPT_SUBMITTED, attempt_id, attempt.user_id, now)
        rollup.refresh(connection, attempt.user_id, attempt.module_id)
    return AttemptResult(
        attempt_id=attempt_id,
        user_id=attempt.user_id,
        module_id=attempt.module_id,
        kind=attempt.kind,
        score=score,
        points=earned,
        max_points=max_points,
        passed=passed,
        certainty_score=certainty_score,
        submitted_at=now,
        responses=tuple(results),
    )


def pretest_open(engine: Engine, user_id: int, module_id: str) -> bool:
    """Whether the learner may still take the module's pre-test (for a quiz with `pretest: true`): none
    submitted yet and no certifying attempt started, since starting the quiz closes the pre-test."""
    with db.read_connection(engine) as connection:
        return not connection.execute(_PRETEST_CLOSERS, {"b_user": user_id, "b_module": module_id}).scalar()


def attempt_result(engine: Engine, attempt_id: int) -> AttemptResult | None:
    """The result of a submitted attempt (None when unknown or not submitted)."""
    if not 0 < attempt_id < 2**63:
        return None  # a forged id no database integer can hold (the page passes ids from its URL)
    with db.read_connection(engine) as connection:
        attempt = connection.execute(_SELECT_ATTEMPT, {"b_id": attempt_id}).first()
        if attempt is None or attempt.submitted_at is None:
            return None
        return _result(connection, attempt)


def recorded_score(engine: Engine, user_id: int, module_id: str, grading: str = "highest") -> float | None:
    """The score that counts for the module under the quiz's grading policy (None: no submission).

    Over the submitted certifying ("post") attempts: ``highest``, ``last``, ``first`` or ``average``.
    """
    if grading not in GRADINGS:
        raise ValueError(f"unknown grading {grading!r}")
    with db.read_connection(engine) as connection:
        rows = connection.execute(_SUBMITTED, {"b_user": user_id, "b_module": module_id, "b_kind": "post"})
        scores = [row.score or 0.0 for row in rows]
    if not scores:
        return None
    if grading == "highest":
        return max(scores)
    if grading == "last":
        return scores[-1]
    if grading == "first":
        return scores[0]
    return sum(scores) / len(scores)


def submitted_attempts(engine: Engine, user_id: int, module_id: str, kind: str = "post") -> list[AttemptSummary]:
    """The learner's submitted attempts of this kind on the module, oldest first."""
    with db.read_connection(engine) as connection:
        return [
            AttemptSummary(
                r.id, r.kind, r.started_at, r.submitted_at, r.score or 0.0, bool(r.passed), r.certainty_score
            )
            for r in connection.execute(_SUBMITTED, {"b_user": user_id, "b_module": module_id, "b_kind": kind})
        ]


def pre_post_pairs(
    engine: Engine, module_id: str, *, user_id: int | None = None, post_attempt_id: int | None = None
) -> PrePostPairs:
    """Fractions of the questions answered both in a pre-test and in a later certifying attempt.

    Each learner's first submitted pre-test is paired with their latest submitted certifying attempt,
    or with ``post_attempt_id`` when given, provided that attempt started after the pre-test was
    submitted. Only responses to the same question with the same content hash are paired.
    """
    submitted = (Attempt.module_id == module_id) & Attempt.submitted_at.is_not(None)
    if user_id is not None:
        submitted &= Attempt.user_id == user_id
    pre_ranked = (
        select(
            Attempt.id,
            Attempt.user_id,
            Attempt.submitted_at,
            func.row_number()
            .over(partition_by=Attempt.user_id, order_by=(Attempt.submitted_at, Attempt.id))
            .label("rank"),
        )
        .where(submitted & (Attempt.kind == "pre"))
        .subquery()
    )
    post_query = select(
        Attempt.id,
        Attempt.user_id,
        Attempt.started_at,
        func.row_number()
        .over(partition_by=Attempt.user_id, order_by=(Attempt.submitted_at.desc(), Attempt.id.desc()))
        .label("rank"),
    ).where(submitted & (Attempt.kind == "post"))
    if post_attempt_id is not None:
        post_query = post_query.where(Attempt.id == post_attempt_id)
    post_ranked = post_query.subquery()
    pre_response = Response.__table__.alias("pre_response")
    post_response = Response.__table__.alias("post_response")
    pairs = (
        select(
            pre_ranked.c.user_id,
            pre_response.c.question_id,
            pre_response.c.fraction.label("pre"),
            post_response.c.fraction.label("post"),
        )
        .join(post_ranked, post_ranked.c.user_id == pre_ranked.c.user_id)
        .join(pre_response, pre_response.c.attempt_id == pre_ranked.c.id)
        .join(
            post_response,
            (post_response.c.attempt_id == post_ranked.c.id)
            & (post_response.c.question_id == pre_response.c.question_id)
            & (post_response.c.question_hash == pre_response.c.question_hash),
        )
        .where(
            pre_ranked.c.rank == 1,
            post_ranked.c.rank == 1,
            post_ranked.c.started_at >= pre_ranked.c.submitted_at,
        )
        .subquery()
    )
    per_question = (
        select(pairs.c.question_id, func.count(), func.sum(pairs.c.pre), func.sum(pairs.c.post))
        .group_by(pairs.c.question_id)
        .order_by(pairs.c.question_id)
    )
    learners = select(func.count(func.distinct(pairs.c.user_id)))
    with db.read_connection(engine) as connection:
        items = tuple(
            PairedItem(qid, int(count), float(pre or 0.0), float(post or 0.0))
            for qid, count, pre, post in connection.execute(per_question)
        )
        return PrePostPairs(items, int(connection.execute(learners).scalar() or 0))


# --- module status ---------------------------------------------------------------------------------


_STATS = cast(Table, LearnerModuleStats.__table__)
_PROGRESS = select(
    _STATS.c.user_id,
    _STATS.c.module_id,
    _STATS.c.lessons_viewed,
    _STATS.c.lessons_completed,
    _STATS.c.attempts,
    _STATS.c.best_score,
    _STATS.c.last_score,
    _STATS.c.first_passed_at,
    _STATS.c.seconds_spent,
    _STATS.c.last_activity_at,
)
_PROGRESS_OF_LEARNER = _PROGRESS.where(_STATS.c.user_id == bindparam("b_user"))  # every page of a learner asks it


def _module_progress(row: Row[Any]) -> ModuleProgress:
    return ModuleProgress(
        module_id=row.module_id,
        lessons_viewed=row.lessons_viewed,
        lessons_completed=row.lessons_completed,
        attempts=row.attempts,
        best_score=row.best_score,
        last_score=row.last_score,
        passed=row.first_passed_at is not None,
        completed_at=row.first_passed_at,
        seconds_spent=row.seconds_spent,
        last_activity=row.last_activity_at,
    )


def progress_by_user(engine: Engine, user_ids: Collection[int] | None = None) -> dict[int, dict[str, ModuleProgress]]:
    """Module progress of many learners (all when ``user_ids`` is None), from the rollup in one query."""
    query = _PROGRESS if user_ids is None else _PROGRESS.where(_STATS.c.user_id.in_(list(user_ids)))
    result: dict[int, dict[str, ModuleProgress]] = {}
    with db.read_connection(engine) as connection:
        for row in connection.execute(query):
            result.setdefault(row.user_id, {})[row.module_id] = _module_progress(row)
    return result


def module_progress(engine: Engine, user_id: int) -> dict[str, ModuleProgress]:
    """The learner's progress on every module they started, by module id."""
    with db.read_connection(engine) as connection:
        return {row.module_id: _module_progress(row)
                for row in connection.execute(_PROGRESS_OF_LEARNER, {"b_user": user_id})}


def score_history(engine: Engine, user_id: int) -> list[dict[str, Any]]:
    """Submitted attempts of every kind, oldest first, for charts.

    Each item: ``attempt_id``, ``module_id``, ``kind``, ``submitted_at``, ``score``, ``passed``.
    """
    query = (
        select(Attempt.id, Attempt.module_id, Attempt.kind, Attempt.submitted_at, Attempt.score, Attempt.passed)
        .where(Attempt.user_id == user_id, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.submitted_at, Attempt.id)
    )
    with db.read_connection(engine) as connection:
        return [
            {
                "attempt_id": r.id,
                "module_id": r.module_id,
                "kind": r.kind,
                "submitted_at": r.submitted_at,
                "score": r.score,
                "passed": r.passed,
            }
            for r in connection.execute(query)
        ]


def last_activity(engine: Engine, user_id: int) -> LastActivity | None:
    """The learner's most recent lesson view or quiz activity ("continue where you left off")."""
    with db.read_connection(engine) as connection:
        lesson = connection.execute(
            select(LessonProgress.module_id, LessonProgress.lesson_id, LessonProgress.last_viewed_at)
            .where(LessonProgress.user_id == user_id)
            .order_by(LessonProgress.last_viewed_at.desc(), LessonProgress.id.desc())
            .limit(1)
        ).first()
        attempt = connection.execute(
            select(Attempt.id, Attempt.module_id, Attempt.updated_at)
            .where(Attempt.user_id == user_id)
            .order_by(Attempt.updated_at.desc(), Attempt.id.desc())
            .limit(1)
        ).first()
    if attempt is not None and (lesson is None or attempt.updated_at > lesson.last_viewed_at):
        return LastActivity(attempt.module_id, None, attempt.id, attempt.updated_at)
    if lesson is not None:
        return LastActivity(lesson.module_id, lesson.lesson_id, None, lesson.last_viewed_at)
    return None
