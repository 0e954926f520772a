"""Audit log: who did what, when (sign-ins, role changes, exports, erasures…)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from academy.store import db
from academy.store.models import AuditEntry, User

LOCAL_ZONE = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class AuditRecord:
    """One audit log entry, as returned to callers."""

    id: int
    at: datetime
    actor_id: int | None
    action: str
    target: str
    details: dict[str, Any]


def audit(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Add an audit entry to ``session``'s transaction (committed, or rolled back, with it)."""
    session.add(
        AuditEntry(
            at=at or db.utcnow(),
            actor_id=actor_id,
            action=action,
            target=target[:300],
            details=details or {},
        )
    )


def audit_entries(
    engine: Engine, *, action: str | None = None, actor_id: int | None = None, limit: int = 200
) -> list[AuditRecord]:
    """The most recent audit entries, newest first, optionally filtered."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    with db.read(engine) as session:
        return [
            AuditRecord(e.id, e.at, e.actor_id, e.action, e.target, dict(e.details)) for e in session.scalars(query)
        ]


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log page asks for: an actor (part of an email or name), actions, local dates."""

    actor: str = ""
    actions: tuple[str, ...] = ()
    start: date | None = None  # first day included, Europe/Paris
    end: date | None = None  # last day included, Europe/Paris


@dataclass(frozen=True)
class AuditLine:
    """An audit entry with its actor's email and name (empty for system actions or erased accounts)."""

    id: int
    at: datetime
    actor_id: int | None
    actor_email: str
    actor_name: str
    action: str
    target: str
    details: dict[str, Any]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)


def _filtered(query: Any, wanted: AuditFilter) -> Any:
    if wanted.actions:
        query = query.where(AuditEntry.action.in_(wanted.actions))
    if wanted.start is not None:
        query = query.where(AuditEntry.at >= _local_midnight(wanted.start))
    if wanted.end is not None:
        query = query.where(AuditEntry.at < _local_midnight(wanted.end + timedelta(days=1)))
    needle = wanted.actor.strip().casefold()
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(func.lower(User.email).like(pattern, escape="\\"),
                                func.lower(User.name).like(pattern, escape="\\")))
    return query


def count_audit(engine: Engine, wanted: AuditFilter) -> int:
    """How many entries match ``wanted``."""
    joined = select(func.count()).select_from(AuditEntry).outerjoin(User, User.id == AuditEntry.actor_id)
    with db.read(engine) as session:
        return int(session.scalar(_filtered(joined, wanted)) or 0)


def search_audit(engine: Engine, wanted: AuditFilter, *, offset: int = 0, limit: int = 50) -> list[AuditLine]:
    """The entries matching ``wanted``, newest first, ``limit`` of them from ``offset``."""
    base = select(AuditEntry, User.email, User.name).outerjoin(User, User.id == AuditEntry.actor_id)
    query = _filtered(base, wanted).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    with db.read(engine) as session:
        return [
            AuditLine(e.id, e.at, e.actor_id, email or "", name or "", e.action, e.target, dict(e.details))
            for e, email, name in session.execute(query)
        ]


def audit_actions(engine: Engine) -> list[str]:
    """The kinds of action the log holds, alphabetically."""
    with db.read(engine) as session:
        return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
