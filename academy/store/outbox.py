"""The xAPI outbox: learning events waiting to be sent to a Learning Record Store.

The learning layer records an event in the same transaction as the progress it stands for
(:func:`record_event`, called by :mod:`academy.learning.progress`); :mod:`academy.interop.lrs` turns due events into
statements, sends them and marks them here. The store knows the table, not xAPI: this module only writes and
reads rows, so that ``learning`` never imports ``interop`` (docs/architecture.md).

An event names an immutable fact by its source row, never a copy of the statements (see
:class:`academy.store.models.XapiOutbox`):

- ``lesson_viewed``: a lesson_progress row was created (the first view);
- ``lesson_completed``: a lesson was marked as read for the first time;
- ``attempt_submitted``: an attempt was graded (its answers, its result and, for the first pass of a module,
  the module's completion).

Each event is recorded once (unique ``(event, source_id)``, inserts that conflict do nothing). States:
``pending`` (waiting, or failed and due again at ``next_try_at``), ``sent``, ``dropped`` (nothing to send: the
account was erased or the source row deleted). Sent and dropped rows are kept as the delivery log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, case, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from academy.store import db
from academy.store.models import Attempt, LessonProgress, XapiOutbox

LESSON_VIEWED = "lesson_viewed"
LESSON_COMPLETED = "lesson_completed"
ATTEMPT_SUBMITTED = "attempt_submitted"
EVENTS = (LESSON_VIEWED, LESSON_COMPLETED, ATTEMPT_SUBMITTED)
PENDING, SENT, DROPPED = "pending", "sent", "dropped"

_OUTBOX = cast(Table, XapiOutbox.__table__)
MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class Event:
    """A due event: which fact, whose, and how many tries it already had."""

    id: int
    event: str
    source_id: int
    user_id: int
    tries: int


@dataclass(frozen=True)
class OutboxStatus:
    """The backlog and the delivery log at a glance (``lrs status``, the Admin page)."""

    pending: int  # events not sent yet
    failing: int  # pending events that failed at least once
    sent: int
    dropped: int
    oldest_pending_at: datetime | None
    next_try_at: datetime | None  # the earliest retry among failing events
    last_error: str | None  # the latest error of a pending event
    last_error_at: datetime | None
    last_sent_at: datetime | None
    statements_sent: int


def _insert_event(dialect: str) -> Any:
    """The outbox's insert that skips an event already queued, built once per dialect (bound parameters)."""
    if dialect not in _INSERTS:
        insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(_OUTBOX).values(
            event=bindparam("b_event"), source_id=bindparam("b_source"), user_id=bindparam("b_user"),
            created_at=bindparam("b_at", type_=_OUTBOX.c.created_at.type), status=PENDING, tries=0, next_try_at=None)
        _INSERTS[dialect] = insert.on_conflict_do_nothing(index_elements=["event", "source_id"])
    return _INSERTS[dialect]


_INSERTS: dict[str, Any] = {}


def record_event(connection: Connection, event: str, source_id: int, user_id: int, at: datetime) -> None:
    """Queue ``event`` of ``source_id`` in the caller's transaction (a second record of the same event does nothing)."""
    if event not in EVENTS:
        raise ValueError(f"unknown outbox event {event!r}")
    connection.execute(_insert_event(connection.dialect.name),
                       {"b_event": event, "b_source": source_id, "b_user": user_id, "b_at": at})


def backfill(engine: Engine) -> int:
    """Queue the events of the history recorded before the outbox existed (or before the last backfill); returns
    how many were added. Events already queued, sent or dropped are left alone."""
    lp, a = LessonProgress, Attempt
    sources = (
        (LESSON_VIEWED, select(lp.id, lp.user_id, lp.first_viewed_at)),
        (LESSON_COMPLETED, select(lp.id, lp.user_id, lp.completed_at).where(lp.completed_at.is_not(None))),
        (ATTEMPT_SUBMITTED, select(a.id, a.user_id, a.submitted_at).where(a.submitted_at.is_not(None))),
    )
    count = select(func.count()).select_from(_OUTBOX)
    with db.write_connection(engine) as connection:
        before = connection.execute(count).scalar_one()
        for event, query in sources:
            rows = query.subquery()
            known = select(_OUTBOX.c.source_id).where(_OUTBOX.c.event == event)
            selected = select(literal(event), rows.c[0], rows.c[1], rows.c[2], literal(PENDING), literal(0)).where(
                rows.c[0].not_in(known))
            columns = ["event", "source_id", "user_id", "created_at", "status", "tries"]
            insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
            connection.execute(insert(_OUTBOX).from_select(columns, selected).on_conflict_do_nothing(
                index_elements=["event", "source_id"]))
        added = connection.execute(count).scalar_one() - before  # (psycopg reported rowcount 0 for these inserts)
    return added


def claim_due(engine: Engine, limit: int, now: datetime, lease: timedelta) -> list[Event]:
    """The oldest ``limit`` pending events due at ``now`` (never tried, or their retry time has come), leased for
    ``lease`` (their ``next_try_at`` moves on, so that a concurrent push does not take them too)."""
    o = _OUTBOX.c
    with db.write_connection(engine) as connection:
        rows = connection.execute(
            select(o.id, o.event, o.source_id, o.user_id, o.tries)
            .where(o.status == PENDING, or_(o.next_try_at.is_(None), o.next_try_at <= now))
            .order_by(o.id)
            .limit(limit)
        ).all()
        if rows:
            connection.execute(update(_OUTBOX).where(o.id.in_([r.id for r in rows])).values(next_try_at=now + lease))
    return [Event(*row) for row in rows]


def mark_sent(engine: Engine, counts: dict[int, int], now: datetime) -> None:
    """Events sent: ``counts`` maps an outbox id to the number of statements it gave."""
    if not counts:
        return
    o = _OUTBOX.c
    with db.write_connection(engine) as connection:
        connection.execute(
            update(_OUTBOX).where(o.id.in_(list(counts))).values(
                status=SENT, done_at=now, last_tried_at=now, last_error=None, tries=o.tries + 1,
                statements=case(counts, value=o.id)))


def mark_dropped(engine: Engine, ids: Iterable[int], reason: str, now: datetime) -> None:
    """Events with nothing to send (an erased account, a deleted source row)."""
    ids = list(ids)
    if not ids:
        return
    with db.write_connection(engine) as connection:
        connection.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(ids)).values(
            status=DROPPED, done_at=now, last_error=reason[:MAX_ERROR_LENGTH], statements=0))


def mark_failed(engine: Engine, events: Sequence[Event], error: str, now: datetime,
                delay: Callable[[int], timedelta]) -> None:
    """Events whose sending failed: one more try counted, ``error`` kept, next try after ``delay(tries)`` (a
    function of the number of tries so far, returning a timedelta)."""
    if not events:
        return
    with db.write_connection(engine) as connection:
        by_delay: dict[timedelta, list[int]] = {}
        for item in events:
            by_delay.setdefault(delay(item.tries + 1), []).append(item.id)
        for wait, ids in by_delay.items():
            connection.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(ids)).values(
                tries=_OUTBOX.c.tries + 1, last_tried_at=now, last_error=error[:MAX_ERROR_LENGTH],
                next_try_at=now + wait))


def status(engine: Engine) -> OutboxStatus:
    """Counts by state, the oldest pending event, the next retry and the latest error."""
    o = _OUTBOX.c
    with db.read_connection(engine) as connection:
        counts = dict(connection.execute(select(o.status, func.count()).group_by(o.status)).all())
        pending = connection.execute(
            select(func.count(), func.min(o.created_at)).where(o.status == PENDING)).one()
        failing = connection.execute(
            select(func.count(), func.min(o.next_try_at)).where(o.status == PENDING, o.tries > 0)).one()
        error = connection.execute(
            select(o.last_error, o.last_tried_at)
            .where(o.status == PENDING, o.last_error.is_not(None))
            .order_by(o.last_tried_at.desc(), o.id.desc())
            .limit(1)).first()
        sent = connection.execute(select(func.max(o.done_at), func.coalesce(func.sum(o.statements), 0))
                                  .where(o.status == SENT)).one()
    return OutboxStatus(
        pending=pending[0],
        failing=failing[0],
        sent=counts.get(SENT, 0),
        dropped=counts.get(DROPPED, 0),
        oldest_pending_at=pending[1],
        next_try_at=failing[1],
        last_error=error[0] if error else None,
        last_error_at=error[1] if error else None,
        last_sent_at=sent[0],
        statements_sent=int(sent[1] or 0),
    )
