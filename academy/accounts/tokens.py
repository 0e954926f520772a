"""Link tokens: random, stored hashed (SHA-256, like session tokens), expiring, single-use or not.

Purposes and lifetimes: ``invitation`` (14 days) and ``reset`` (1 hour) set a password once; ``unsubscribe``
(one year) stops due-date reminders and may be followed again. Issuing a token of one purpose replaces
(revokes) the account's earlier unused tokens of that purpose, so only the latest link works.

:func:`check` tells what a link is worth without changing anything; :func:`consume` uses a single-use
token atomically (a conditional ``UPDATE … WHERE used_at IS NULL AND revoked_at IS NULL AND expires_at >
now``: of two concurrent uses, one wins).
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, insert, literal, select, update
from sqlalchemy.orm import Session

from academy.accounts.auth import token_hash
from academy.store import db
from academy.store.models import AccountToken, User

INVITATION, RESET, UNSUBSCRIBE = "invitation", "reset", "unsubscribe"
LIFETIMES: dict[str, timedelta] = {
    INVITATION: timedelta(days=14),
    RESET: timedelta(hours=1),
    UNSUBSCRIBE: timedelta(days=365),
}
PASSWORD_PURPOSES = frozenset({INVITATION, RESET})

VALID, UNKNOWN, USED, EXPIRED, REPLACED = "valid", "unknown", "used", "expired", "replaced"


@dataclass(frozen=True)
class TokenCheck:
    """What a presented token is: ``status`` (VALID, UNKNOWN, USED, EXPIRED, REPLACED) and, unless UNKNOWN, whose."""

    status: str
    purpose: str | None = None
    token_id: int | None = None
    user_id: int | None = None
    email: str = ""
    name: str = ""
    locale: str = "fr"
    expires_at: datetime | None = None

    @property
    def valid(self) -> bool:
        return self.status == VALID


def new_token() -> str:
    """A random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def issue_many(
    session: Session,
    user_ids: Sequence[int],
    purpose: str,
    *,
    created_by: int | None,
    now: datetime | None = None,
) -> dict[int, str]:
    """New tokens of ``purpose`` for ``user_ids`` in the caller's transaction (earlier unused ones revoked).

    Returns the raw tokens by user id: they exist only in memory (and in the mail that carries them).
    """
    if purpose not in LIFETIMES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    now = now or db.utcnow()
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    if purpose != UNSUBSCRIBE:
        session.execute(
            update(AccountToken)
            .where(AccountToken.user_id.in_(ids), AccountToken.purpose == purpose, AccountToken.used_at.is_(None),
                   AccountToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    raw = {user_id: new_token() for user_id in ids}
    session.execute(
        insert(AccountToken),
        [
            {"token_hash": token_hash(token), "user_id": user_id, "purpose": purpose, "created_at": now,
             "expires_at": now + LIFETIMES[purpose], "created_by": created_by}
            for user_id, token in raw.items()
        ],
    )
    return raw


def issue(session: Session, user_id: int, purpose: str, *, created_by: int | None = None,
          now: datetime | None = None) -> str:
    """One new token (see :func:`issue_many`)."""
    return issue_many(session, [user_id], purpose, created_by=created_by, now=now)[user_id]


def _check(session: Session, token: str | None, purposes: Collection[str], now: datetime) -> TokenCheck:
    if not token or len(token) > 200:
        return TokenCheck(UNKNOWN)
    row = session.execute(
        select(AccountToken, User)
        .join(User, User.id == AccountToken.user_id)
        .where(AccountToken.token_hash == token_hash(token.strip()))
    ).first()
    if row is None or row[0].purpose not in purposes or row[1].erased_at is not None:
        return TokenCheck(UNKNOWN)
    record, user = row
    if record.revoked_at is not None:
        status = USED if record.used_at is not None else REPLACED
    elif record.used_at is not None and record.purpose != UNSUBSCRIBE:
        status = USED
    elif record.expires_at <= now:
        status = EXPIRED
    else:
        status = VALID
    return TokenCheck(status, record.purpose, record.id, user.id, user.email, user.name, user.locale,
                      record.expires_at)


def check(engine: Engine, token: str | None, purposes: Collection[str], *, now: datetime | None = None) -> TokenCheck:
    """What ``token`` is worth for one of ``purposes``; changes nothing."""
    with db.read(engine) as session:
        return _check(session, token, purposes, now or db.utcnow())


def consume(session: Session, token: str | None, purposes: Collection[str], *, now: datetime) -> TokenCheck:
    """Use a token inside the caller's write transaction; a VALID result means this caller used it.

    Single-use tokens are marked used atomically; an ``unsubscribe`` token stays valid (only ``used_at`` of its
    first use is kept).
    """
    found = _check(session, token, purposes, now)
    if not found.valid:
        return found
    conditions = [AccountToken.id == found.token_id, AccountToken.revoked_at.is_(None), AccountToken.expires_at > now]
    if found.purpose != UNSUBSCRIBE:
        conditions.append(AccountToken.used_at.is_(None))
    won = session.scalar(
        update(AccountToken)
        .where(*conditions)
        .values(used_at=func.coalesce(AccountToken.used_at, literal(now, AccountToken.used_at.type)))
        .returning(AccountToken.id)
    )
    if won is None:
        return _check(session, token, purposes, now)
    return found


def revoke_password_links(session: Session, user_id: int, *, now: datetime) -> int:
    """Revoke every unused invitation and reset link of an account (its password was just set)."""
    return session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user_id, AccountToken.purpose.in_(PASSWORD_PURPOSES),
               AccountToken.used_at.is_(None), AccountToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
