"""Spaced repetition of missed quiz questions, scheduled with FSRS (the ``fsrs`` package, version 6).

Cards
-----
One card per learner × module × question (a unique constraint). ``review_cards.state`` holds
``{"card": fsrs.Card.to_dict(), "log": [entries]}``; ``due_at`` mirrors the FSRS due time (indexed
with the user id, for the due list) and ``last_review_at`` the time of the last review applied.
Each log entry is ``{"at": iso time, "rating": 1-4, "fraction": 0..1, "question_hash": …,
"source": "quiz" | "review"}``.

Where cards come from
---------------------
Graded attempts only: the certifying quiz (kind ``post``), never the ungraded pre-test. For each question,
the learner's latest submitted graded attempt that asked it decides:

- answered below ``threshold`` (1.0 by default: anything short of full marks, so partly right answers
  too): the card enters the queue, or stays in it; that answer is one review rated Again, at the
  attempt's submission time (missing the question again in a later attempt is one more Again review);
- answered with full marks: the card leaves the queue (it is deleted, with its history), since the
  learner now knows the answer; missing the question in a later attempt brings a new card.

An attempt is applied only when it was submitted after the card's last review, so card creation is
idempotent: :func:`sync_cards` (every module of a learner, one indexed query when there is nothing new;
Home and the Review page call it, so cards appear without touching the quiz code) and
:func:`cards_from_attempt` (one attempt) can run any number of times. Responses carry the module,
question id and question hash, so neither needs the catalogue.

Edited and removed questions
----------------------------
A card keeps the hash of the question version it last reviewed. When a review or a newly missed
quiz answer concerns another version (the trainer edited the question, perhaps its answer), the
card restarts as a new FSRS card before that review: memory of the old version says little about
the new one. A card whose module or question is no longer in the catalogue is kept (the module may
be only temporarily invalid) but neither served nor counted when callers pass ``catalog_modules``.

Reviews
-------
The learner answers the question again (graded with ``quiz.grade``). An answer short of full marks
is rated Again (an unanswered one too); a fully right answer takes the learner's rating (Again for a
lucky guess, Hard, Good or Easy), Good when none is given. The outcome goes to the card's log rather
than into a "review" attempt: attempts feed the quiz scores, progress charts, item statistics and
exports, which one-question reviews would skew. Only a due card can be reviewed, so a double click
does not review it twice.

Scheduling: FSRS 6 default parameters (desired retention 0.9, learning steps of 1 and 10 minutes,
relearning step of 10 minutes) without fuzzing, so due times are reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import islice
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import altair as alt
import pandas as pd
from fsrs import Card, Rating, Scheduler, State
from sqlalchemy import Connection, Engine, Row, Select, Table, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

import quiz as quiz_engine
from academy.content.catalog import Module
from academy.i18n import t, vega_locale
from academy.store import db
from academy.store.models import Attempt, Response, ReviewCard

_ATTEMPTS = cast(Table, Attempt.__table__)
_RESPONSES = cast(Table, Response.__table__)
_CARDS = cast(Table, ReviewCard.__table__)

SCHEDULER = Scheduler(enable_fuzzing=False)
QUIZ_KINDS = ("post",)  # graded attempts: their missed questions become cards, their right ones leave
DEFAULT_TIMEZONE = "Europe/Paris"  # days of the forecast when the browser's time zone is unknown
FULL_MARKS = 1 - 1e-9


class ReviewError(Exception):
    """A review that is not allowed."""


class CardNotFoundError(ReviewError, LookupError):
    """No card with this id belongs to this learner."""


class CardNotDueError(ReviewError):
    """The card is not due yet (already reviewed: a double click, or another tab)."""


@dataclass(frozen=True)
class DueCard:
    """A card as the Review page needs it."""

    id: int
    module_id: str
    question_id: str
    question_hash: str
    due_at: datetime
    last_review_at: datetime | None


@dataclass(frozen=True)
class ReviewOutcome:
    """The result of one review: the grade, the rating applied and the next due time."""

    card_id: int
    fraction: float
    rating: Rating
    due_at: datetime
    state: State


@dataclass(frozen=True)
class DayCount:
    """How many cards fall due on one day (overdue cards count on the first day)."""

    day: date
    count: int


# --- card state ------------------------------------------------------------------------------------


def _new_card(at: datetime) -> Card:
    # FSRS's own card id is not used (the row id identifies a card); a fixed one avoids its 1 ms sleep.
    return Card(card_id=0, due=at)


def _review(
    stored: dict[str, Any] | None,
    stored_hash: str | None,
    *,
    question_hash: str,
    rating: Rating,
    fraction: float,
    at: datetime,
    source: str,
) -> dict[str, Any]:
    """The card state after one review; a new card when there is none or the question changed."""
    fresh = stored is None or stored_hash != question_hash
    card = _new_card(at) if fresh else Card.from_dict(stored["card"])  # type: ignore[index]
    card, _log = SCHEDULER.review_card(card, rating, review_datetime=at)
    log = [] if stored is None else list(stored.get("log", []))
    log.append({"at": at.isoformat(), "rating": int(rating), "fraction": round(fraction, 4),
                "question_hash": question_hash, "source": source})
    return {"card": card.to_dict(), "log": log}


def _due(state: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(state["card"]["due"]).astimezone(UTC)


# --- creating cards from quiz answers --------------------------------------------------------------


def _pending_statement() -> Select[Any]:
    """Responses of the learner's latest graded attempt per question, not yet applied: misses without a
    card or newer than it, and right answers whose card is older (they remove it). Oldest first.

    Parameters: ``b_user``, ``b_threshold``. Index use: attempts by user, responses by attempt, cards by key.
    """
    a, r, c = _ATTEMPTS.c, _RESPONSES.c, _CARDS.c
    later, later_response = _ATTEMPTS.alias("later"), _RESPONSES.alias("later_response")
    newer_attempt = (
        select(later.c.id)
        .select_from(later.join(later_response, later_response.c.attempt_id == later.c.id))
        .where(
            later.c.user_id == a.user_id,
            later.c.module_id == a.module_id,
            later.c.kind.in_(QUIZ_KINDS),
            later.c.submitted_at.is_not(None),
            later_response.c.question_id == r.question_id,
            or_(later.c.submitted_at > a.submitted_at,
                and_(later.c.submitted_at == a.submitted_at, later.c.id > a.id)),
        )
        .exists()
    )
    missed = and_(r.fraction < bindparam("b_threshold"),
                  or_(c.id.is_(None), c.last_review_at.is_(None), a.submitted_at > c.last_review_at))
    known = and_(r.fraction >= bindparam("b_threshold"), c.id.is_not(None),
                 or_(c.last_review_at.is_(None), a.submitted_at > c.last_review_at))
    return (
        select(a.module_id, r.question_id, r.question_hash, r.fraction, a.submitted_at)
        .select_from(
            _ATTEMPTS.join(_RESPONSES, r.attempt_id == a.id).outerjoin(
                _CARDS, and_(c.user_id == a.user_id, c.module_id == a.module_id, c.question_id == r.question_id)
            )
        )
        .where(
            a.user_id == bindparam("b_user"),
            a.kind.in_(QUIZ_KINDS),
            a.submitted_at.is_not(None),
            or_(missed, known),
            ~newer_attempt,
        )
        .order_by(a.submitted_at, a.id, r.id)
    )


# Statements of the paths every Home and Review rerun takes, built once.
_PENDING = _pending_statement()
_PENDING_OF_ATTEMPT = _PENDING.where(_ATTEMPTS.c.id == bindparam("b_attempt"))
_ATTEMPT_USER = select(_ATTEMPTS.c.user_id).where(_ATTEMPTS.c.id == bindparam("b_attempt"))
_USER_CARDS = (
    select(_CARDS.c.id, _CARDS.c.module_id, _CARDS.c.question_id, _CARDS.c.question_hash, _CARDS.c.due_at,
           _CARDS.c.last_review_at)
    .where(_CARDS.c.user_id == bindparam("b_user"), _CARDS.c.due_at <= bindparam("b_until"))
    .order_by(_CARDS.c.due_at, _CARDS.c.id)
)
# The due times alone (fewer values to convert) for counts and forecasts.
_DUE_TIMES = (
    select(_CARDS.c.module_id, _CARDS.c.question_id, _CARDS.c.due_at)
    .where(_CARDS.c.user_id == bindparam("b_user"))
    .order_by(_CARDS.c.due_at, _CARDS.c.id)
)
_DUE_TIMES_UNTIL = _DUE_TIMES.where(_CARDS.c.due_at <= bindparam("b_until"))
_UPDATE_CARD = update(_CARDS).where(_CARDS.c.id == bindparam("b_id"))
_COUNT_DUE = select(func.count()).where(_CARDS.c.user_id == bindparam("b_user"),
                                        _CARDS.c.due_at <= bindparam("b_until"))


def _insert_ignoring_duplicates(connection: Connection) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: a concurrent sync that created the same card wins."""
    statement = postgresql_insert(_CARDS) if connection.dialect.name == "postgresql" else sqlite_insert(_CARDS)
    return statement.on_conflict_do_nothing(index_elements=["user_id", "module_id", "question_id"])


def _apply_misses(engine: Engine, user_id: int, misses: list[Row[Any]], threshold: float) -> int:
    """Apply the pending responses (oldest first) to the learner's cards: a miss reviews its card (creating
    it), a right answer removes it; return how many cards changed."""
    modules = {miss.module_id for miss in misses}
    c = _CARDS.c
    with db.write_connection(engine) as connection:
        locked = connection.execute(
            select(c.id, c.module_id, c.question_id, c.question_hash, c.state, c.last_review_at)
            .where(c.user_id == user_id, c.module_id.in_(modules))
            .with_for_update()
        )
        cards: dict[tuple[str, str], dict[str, Any]] = {
            (row.module_id, row.question_id): {"id": row.id, "hash": row.question_hash, "state": row.state,
                                               "last": row.last_review_at}
            for row in locked
        }
        changed: dict[tuple[str, str], dict[str, Any]] = {}
        removed: list[int] = []
        for miss in misses:
            key = (miss.module_id, miss.question_id)
            card = changed.get(key) or cards.get(key) or {"id": None, "hash": None, "state": None, "last": None}
            if card["last"] is not None and miss.submitted_at <= card["last"]:
                continue  # applied already (another sync ran in between)
            if miss.fraction >= threshold:  # right in the latest graded attempt: the card leaves the queue
                if card["id"] is not None:
                    removed.append(card["id"])
                changed.pop(key, None)
                continue
            state = _review(card["state"], card["hash"], question_hash=miss.question_hash, rating=Rating.Again,
                            fraction=miss.fraction, at=miss.submitted_at, source="quiz")
            changed[key] = {"id": card["id"], "hash": miss.question_hash, "state": state, "last": miss.submitted_at}
        inserts, updates = [], []
        for (module_id, question_id), card in changed.items():
            values = {"question_hash": card["hash"], "state": card["state"], "due_at": _due(card["state"]),
                      "last_review_at": card["last"]}
            if card["id"] is None:
                inserts.append({"user_id": user_id, "module_id": module_id, "question_id": question_id, **values})
            else:
                updates.append({"b_id": card["id"], **values})
        if inserts:
            connection.execute(_insert_ignoring_duplicates(connection), inserts)
        if updates:
            connection.execute(_UPDATE_CARD, updates)
        if removed:
            connection.execute(delete(_CARDS).where(c.id.in_(removed)))
    return len(changed) + len(removed)


def sync_cards(engine: Engine, user_id: int, *, threshold: float = 1.0) -> int:
    """Create, update or remove the learner's cards from their graded attempts; return how many changed.

    Idempotent and cheap when nothing is new: one indexed read, no write.
    """
    with db.read_connection(engine) as connection:
        misses = list(connection.execute(_PENDING, {"b_user": user_id, "b_threshold": threshold}))
    return _apply_misses(engine, user_id, misses, threshold) if misses else 0


def cards_from_attempt(engine: Engine, attempt_id: int, *, threshold: float = 1.0) -> int:
    """Create or update cards from one submitted attempt (no-op when unknown, unsubmitted or a review)."""
    with db.read_connection(engine) as connection:
        user_id = connection.execute(_ATTEMPT_USER, {"b_attempt": attempt_id}).scalar()
        if user_id is None:
            return 0
        misses = list(connection.execute(
            _PENDING_OF_ATTEMPT, {"b_user": user_id, "b_threshold": threshold, "b_attempt": attempt_id}))
    return _apply_misses(engine, user_id, misses, threshold) if misses else 0


# --- due cards -------------------------------------------------------------------------------------


def _servable(catalog_modules: Iterable[Module] | None) -> set[tuple[str, str]] | None:
    """(module id, question id) of every question the catalogue can show; None: no filter."""
    if catalog_modules is None:
        return None
    return {(m.id, q.id) for m in catalog_modules if m.quiz is not None for q in m.quiz.questions}


def _servable_rows(rows: Iterable[Row[Any]], catalog_modules: Iterable[Module] | None) -> Iterator[Row[Any]]:
    """The rows whose question the catalogue can show (all of them without a catalogue)."""
    servable = _servable(catalog_modules)
    return iter(rows) if servable is None else (row for row in rows if (row.module_id, row.question_id) in servable)


def _due_times(
    engine: Engine, user_id: int, until: datetime, catalog_modules: Iterable[Module] | None
) -> list[Row[Any]]:
    """Module id, question id and due time of the learner's servable cards due by ``until``, earliest first."""
    with db.read_connection(engine) as connection:
        rows = connection.execute(_DUE_TIMES_UNTIL, {"b_user": user_id, "b_until": until})
        return list(_servable_rows(rows, catalog_modules))


def due_cards(engine: Engine, user_id: int, *, now: datetime | None = None, limit: int | None = 50,
              catalog_modules: Iterable[Module] | None = None) -> list[DueCard]:
    """The learner's cards due at ``now``, most overdue first, across modules (at most ``limit``).

    With ``catalog_modules``, only cards whose question is in one of these modules' quizzes.
    """
    with db.read_connection(engine) as connection:
        rows = connection.execute(_USER_CARDS, {"b_user": user_id, "b_until": now or db.utcnow()})
        return [DueCard(row.id, row.module_id, row.question_id, row.question_hash, row.due_at, row.last_review_at)
                for row in islice(_servable_rows(rows, catalog_modules), limit)]


def due_count(engine: Engine, user_id: int, *, now: datetime | None = None,
              catalog_modules: Iterable[Module] | None = None) -> int:
    """How many of the learner's cards are due at ``now`` (same filter as :func:`due_cards`)."""
    now = now or db.utcnow()
    if catalog_modules is None:
        with db.read_connection(engine) as connection:
            return connection.execute(_COUNT_DUE, {"b_user": user_id, "b_until": now}).scalar() or 0
    return len(_due_times(engine, user_id, now, catalog_modules))


def next_due(engine: Engine, user_id: int, *, catalog_modules: Iterable[Module] | None = None) -> datetime | None:
    """When the learner's next card falls due (None when they have no card)."""
    with db.read_connection(engine) as connection:
        rows = connection.execute(_DUE_TIMES, {"b_user": user_id})
        first = next(_servable_rows(rows, catalog_modules), None)
    return first.due_at if first is not None else None


def upcoming(engine: Engine, user_id: int, *, days: int = 14, now: datetime | None = None, tz: tzinfo = UTC,
             catalog_modules: Iterable[Module] | None = None) -> list[DayCount]:
    """Cards falling due on each of the next ``days`` days (today first, in time zone ``tz``).

    Overdue cards count today; every day is listed, with 0 when nothing falls due.
    """
    today = (now or db.utcnow()).astimezone(tz).date()
    end = datetime.combine(today + timedelta(days=days), time(), tzinfo=tz)
    counts = dict.fromkeys((today + timedelta(days=i) for i in range(days)), 0)
    for row in _due_times(engine, user_id, end - timedelta(microseconds=1), catalog_modules):
        counts[max(today, row.due_at.astimezone(tz).date())] += 1
    return [DayCount(day, count) for day, count in counts.items()]


def viewer_timezone(name: str | None) -> ZoneInfo:
    """The time zone called ``name`` (the browser's), or :data:`DEFAULT_TIMEZONE` when unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def forecast_chart(forecast: Iterable[DayCount], locale: str) -> alt.Chart:
    """Bars of the reviews falling due each day (days as « 3 déc. » labels, in order)."""
    months = vega_locale(locale)["time"]["shortMonths"]
    frame = pd.DataFrame([{"day": f"{d.day.day} {months[d.day.month - 1]}", "count": d.count} for d in forecast])
    day_title, count_title = t("review.chart_day", locale), t("review.chart_count", locale)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("day:O", title=day_title, sort=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title=count_title, axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("day:O", title=day_title), alt.Tooltip("count:Q", title=count_title)],
        )
        .configure(locale=vega_locale(locale))
    )


# --- reviewing -------------------------------------------------------------------------------------


def display_order(question: quiz_engine.Question, seed: int) -> tuple[list[str], list[str]]:
    """Option ids and right-hand choices in the order to show, never giving the answer away.

    Ordering questions are shuffled (never shown already in order), matching questions' right-hand
    choices too; other questions keep their written order.
    """
    rng = random.Random(seed)
    ids = [option.id for option in question.options]
    if question.type == "ordre" and len(ids) > 1:
        rng.shuffle(ids)
        if ids == [option.id for option in question.options]:
            ids = ids[1:] + ids[:1]
    rights = list(question.match_choices)
    rng.shuffle(rights)
    return ids, rights


def _rating(fraction: float, chosen: Rating | int | None) -> Rating:
    """Again below full marks; otherwise the learner's rating, Good by default."""
    if fraction < FULL_MARKS:
        return Rating.Again
    return Rating(chosen) if chosen is not None else Rating.Good


def record_review(
    engine: Engine,
    card_id: int,
    user_id: int,
    *,
    response: Any,
    quiz_question: quiz_engine.Question,
    rating: Rating | int | None = None,
    now: datetime | None = None,
) -> ReviewOutcome:
    """Grade the learner's new answer to a due card, rate it and reschedule the card with FSRS.

    ``response`` is in the engine's response shape (None or blank: not answered, rated Again);
    ``quiz_question`` is the question's current version. Raises :class:`CardNotFoundError` when the
    card is not the learner's, :class:`CardNotDueError` when it is not due, ValueError when the
    question is another one or the rating unknown.
    """
    if rating is not None and int(rating) not in {int(r) for r in Rating}:
        raise ValueError(f"unknown rating {rating!r}")
    now = (now or db.utcnow()).astimezone(UTC)
    fraction = min(1.0, max(0.0, float(quiz_engine.grade(quiz_question, response))))
    applied = _rating(fraction, rating)
    c = _CARDS.c
    with db.write_connection(engine) as connection:
        card = connection.execute(
            select(c.question_id, c.question_hash, c.state, c.due_at)
            .where(c.id == card_id, c.user_id == user_id)
            .with_for_update()
        ).first()
        if card is None:
            raise CardNotFoundError(f"no card {card_id} for user {user_id}")
        if card.question_id != quiz_question.id:
            raise ValueError(f"card {card_id} is about {card.question_id!r}, not {quiz_question.id!r}")
        if card.due_at > now:
            raise CardNotDueError(f"card {card_id} is due at {card.due_at.isoformat()}")
        state = _review(card.state, card.question_hash, question_hash=quiz_question.hash, rating=applied,
                        fraction=fraction, at=now, source="review")
        connection.execute(
            update(_CARDS).where(c.id == card_id).values(
                question_hash=quiz_question.hash, state=state, due_at=_due(state), last_review_at=now)
        )
    return ReviewOutcome(card_id, fraction, applied, _due(state), State(state["card"]["state"]))
