"""Rate limits with exponential back-off, decided atomically in the database.

A key (``account:<email>``, ``client:<address>``…) counts failures. Each try is counted *before* the
work it guards (a password check, a lookup), under a row lock of the key in the caller's write
transaction: ``SELECT … FOR UPDATE`` on PostgreSQL, the database-wide write lock of ``BEGIN IMMEDIATE``
on SQLite. So N parallel tries count N, whatever process or replica they arrive on, and at most
``free_tries`` of them get through before the key is blocked. A try that turns out fine calls
:func:`forgive` (or :func:`clear`) afterwards.

Once a key has used its free tries, each further failure blocks it for a delay that doubles, from
``base_delay`` up to ``max_delay``: a guesser slows to a crawl, while the owner of an account that someone
else hammered waits minutes, not a fixed quarter of an hour. A key forgets its failures ``forget_after``
its last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from academy.store.models import RateLimit


@dataclass(frozen=True)
class Policy:
    """How many failures a key may have before it waits, and how long."""

    free_tries: int
    base_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta

    def delay(self, failures: int) -> timedelta:
        """The wait imposed after the ``failures``-th failure (zero while free tries remain)."""
        if failures < self.free_tries:
            return timedelta(0)
        doublings = min(failures - self.free_tries, 30)
        return min(self.max_delay, self.base_delay * (2**doublings))


def _insert(session: Session):
    return (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(RateLimit)


def _locked_row(session: Session, key: str) -> RateLimit:
    """The key's row, created if absent, locked until the end of the caller's transaction."""
    session.execute(_insert(session).values(key=key, failures=0).on_conflict_do_nothing(index_elements=["key"]))
    row = session.scalars(
        select(RateLimit).where(RateLimit.key == key).with_for_update().execution_options(populate_existing=True)
    ).one()
    return row


def take(session: Session, key: str, policy: Policy, now: datetime) -> int:
    """Count one try against ``key``; return 0 if it may proceed, else the seconds it must wait.

    Must run inside a write transaction (:func:`academy.store.db.write`). A refused try is not counted.
    """
    row = _locked_row(session, key)
    if row.last_failure_at is not None and now - row.last_failure_at >= policy.forget_after:
        row.failures, row.blocked_until = 0, None
    if row.blocked_until is not None and row.blocked_until > now:
        return max(1, int((row.blocked_until - now).total_seconds() + 0.999))
    row.failures += 1
    row.last_failure_at = now
    delay = policy.delay(row.failures)
    row.blocked_until = now + delay if delay else None
    return 0


def forgive(session: Session, key: str) -> None:
    """Take back the try that :func:`take` counted in advance (it succeeded)."""
    session.execute(
        update(RateLimit).where(RateLimit.key == key, RateLimit.failures > 0)
        .values(failures=RateLimit.failures - 1, blocked_until=None)
    )


def clear(session: Session, key: str) -> None:
    """Forget every failure of ``key`` (e.g. after a successful sign-in on that account)."""
    session.execute(update(RateLimit).where(RateLimit.key == key).values(failures=0, blocked_until=None))


def failures(session: Session, key: str) -> int:
    """How many failures ``key`` has on record (0 when unknown)."""
    return int(session.scalar(select(RateLimit.failures).where(RateLimit.key == key)) or 0)
