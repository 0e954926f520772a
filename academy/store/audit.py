"""Audit log: who did what, when (sign-ins, role changes, exports, erasures…)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from academy.store import db
from academy.store.models import AuditEntry


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
