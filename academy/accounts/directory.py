"""The Admin page's account directory: search, filters, counts and pages, all computed in SQL.

Search ignores case and accents on both SQLite and PostgreSQL: the name and email are folded in SQL
(:func:`academy.store.db.folded`), the words searched for the same way in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, func, or_, select

from academy.accounts.auth import Account, account_of
from academy.accounts.invitations import UNUSABLE_PASSWORD_PREFIX
from academy.accounts.roles import ROLES
from academy.store import db
from academy.store.models import User, UserRole

STATUSES: tuple[str, ...] = ("active", "invited", "erased")
PER_PAGE = 50

@dataclass(frozen=True)
class Entry:
    """An account of the directory and its status (``active``, ``invited`` or ``erased``)."""

    account: Account
    status: str


@dataclass(frozen=True)
class AccountPage:
    """One page of the directory, and the counts around it."""

    entries: tuple[Entry, ...]
    total: int  # accounts that are not erased, whatever the filters
    matching: int  # accounts the search and filters select
    page: int  # 1-based, clamped to the pages that exist
    pages: int  # at least 1

    @property
    def first(self) -> int:
        """The 1-based position of this page's first account among the matching ones (0 when none)."""
        return (self.page - 1) * PER_PAGE + 1 if self.entries else 0


def _filtered(engine: Engine, query: Select[Any], search: str, role: str | None, status: str | None) -> Select[Any]:
    if status == "erased":
        query = query.where(User.erased_at.is_not(None))
    else:
        query = query.where(User.erased_at.is_(None))
        unusable = User.password_hash.startswith(UNUSABLE_PASSWORD_PREFIX, autoescape=True)
        if status == "invited":
            query = query.where(unusable)
        elif status == "active":
            query = query.where(~unusable)
    if role is not None:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    for word in (db.fold_text(search) or "").split():  # every word, in the name or the email
        query = query.where(or_(db.folded(engine, User.name).contains(word, autoescape=True),
                                db.folded(engine, User.email).contains(word, autoescape=True)))
    return query


def find_accounts(engine: Engine, *, search: str = "", role: str | None = None, status: str | None = None,
                  page: int = 1) -> AccountPage:
    """Accounts whose name or email contains every word of ``search`` (any case or accents), with ``role`` and
    ``status`` (``active``: can sign in; ``invited``: no password chosen yet; ``erased``; None: all but
    erased), ordered by name then email, ``PER_PAGE`` a page. ValueError for an unknown role or status.
    """
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with db.read(engine) as session:
        total = session.scalar(select(func.count()).select_from(User).where(User.erased_at.is_(None))) or 0
        matching = session.scalar(_filtered(engine, select(func.count()).select_from(User), search, role, status)) or 0
        pages = max(1, math.ceil(matching / PER_PAGE))
        page = min(max(1, page), pages)
        users = session.scalars(_filtered(engine, select(User), search, role, status)
                                .order_by(db.folded(engine, User.name), User.email, User.id)
                                .offset((page - 1) * PER_PAGE).limit(PER_PAGE))
        entries = tuple(Entry(account_of(user), _status(user)) for user in users)
    return AccountPage(entries, total, matching, page, pages)


def _status(user: User) -> str:
    if user.erased_at is not None:
        return "erased"
    return "invited" if user.password_hash.startswith(UNUSABLE_PASSWORD_PREFIX) else "active"
