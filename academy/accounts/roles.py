"""Roles and the role groups that pages admit."""

from __future__ import annotations

LEARNER, TRAINER, COORDINATOR, ADMIN = "learner", "trainer", "coordinator", "admin"
ROLES: tuple[str, ...] = (LEARNER, TRAINER, COORDINATOR, ADMIN)

SIGNED_IN: frozenset[str] = frozenset(ROLES)  # any account, whatever its role
TRAINERS: frozenset[str] = frozenset({TRAINER, ADMIN})
COORDINATORS: frozenset[str] = frozenset({COORDINATOR, ADMIN})
ADMINS: frozenset[str] = frozenset({ADMIN})


def allowed(account_roles: frozenset[str] | set[str], page_roles: frozenset[str] | None) -> bool:
    """True when an account with `account_roles` may open a page restricted to `page_roles`.

    `page_roles=None` marks a public page (open to everyone, signed in or not).
    """
    if page_roles is None:
        return True
    return bool(set(account_roles) & page_roles)
