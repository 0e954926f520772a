"""Shared by tests that need a learner's submitted certifying attempt without taking the quiz."""

from __future__ import annotations

from sqlalchemy import Engine

from academy.store import db
from academy.store.models import Attempt


def pass_module(engine: Engine, user_id: int, module_id: str, passed: bool = True) -> None:
    """A submitted certifying attempt (score 0.9, or 0.2 when not `passed`), written directly in the store."""
    now = db.utcnow()
    with db.write(engine) as session:
        session.add(Attempt(user_id=user_id, module_id=module_id, kind="post", start_token=f"{user_id}-{module_id}",
                            quiz_hash="h" * 64, layout={}, answers={}, certainties={}, locked=[], started_at=now,
                            updated_at=now, submitted_at=now, score=0.9 if passed else 0.2, passed=passed))
