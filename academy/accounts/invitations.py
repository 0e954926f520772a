"""Invitations and password resets by link.

An *invited* account has no usable password (its stored hash starts with ``!``, which no argon2 hash does,
so every sign-in fails like a wrong password) until its holder follows a link and chooses one. Links point
at the public password page, ``{base_url}/password?token=…``, and carry a token of :mod:`academy.accounts.tokens`
(invitation: 14 days, reset: 1 hour; single use; only the latest of each kind works).

Delivery: when mail is configured (:func:`academy.accounts.mail.mail_enabled`) the link is queued in the outbox
in the same transaction as the token and never returned; otherwise nothing is queued and the link is returned
so that the administrator or coordinator can pass it on (the pages show it, the CLI prints it). Callers then
wake the sender (``mail.kick`` in the app, ``mail.flush`` in the CLI).

``base_url`` is the platform's public address (no trailing slash needed): pages use ``ACADEMY_BASE_URL`` or the
browser-visible origin, the CLI requires ``ACADEMY_BASE_URL``.

Forgotten password (:func:`request_reset`) answers nothing: the caller shows the same message whether the
address has an account or not. At most ``RESET_REQUESTS_PER_HOUR`` reset mails go to one account per hour.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from academy.accounts import auth, mail, tokens
from academy.store import db
from academy.store.audit import audit
from academy.store.models import EMAIL_LENGTH, AccountToken, AuthSession, User, UserRole

PASSWORD_PATH = "/password"
UNUSABLE_PASSWORD_PREFIX = "!"
RESET_REQUESTS_PER_HOUR = 3

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the sign-up rule


class LinkError(ValueError):
    """A link that cannot set a password: ``status`` is tokens.UNKNOWN, USED, EXPIRED or REPLACED."""

    def __init__(self, status: str) -> None:
        self.status = status
        super().__init__(status)


@dataclass(frozen=True)
class InvitationLink:
    """A link made for an account: ``link`` is None when it was mailed (it then exists only in the mail)."""

    user_id: int
    email: str
    name: str
    purpose: str
    mailed: bool
    link: str | None


@dataclass(frozen=True)
class InviteResult:
    """Outcome of :func:`invite`."""

    account: auth.Account
    created: bool
    had_password: bool
    invitation: InvitationLink


@dataclass(frozen=True)
class PendingInvitation:
    """An account that has not chosen a password yet, with its latest invitation (if any)."""

    user_id: int
    email: str
    name: str
    created_at: datetime
    invited_at: datetime | None
    expires_at: datetime | None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def unusable_password_hash() -> str:
    """A stored hash that no password matches (an invited account's)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24)


def has_usable_password(password_hash: str) -> bool:
    """False for invited (and erased) accounts."""
    return not password_hash.startswith(UNUSABLE_PASSWORD_PREFIX)


def password_link(base_url: str, token: str) -> str:
    """The absolute link of the password page for ``token``."""
    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"the public base URL must be absolute (http:// or https://), not {base_url!r}")
    return f"{base}{PASSWORD_PATH}?token={token}"


# --- issuing links ----------------------------------------------------------------------------------------


def issue_links(
    session: Session,
    user_ids: Sequence[int],
    purpose: str,
    *,
    base_url: str,
    actor_id: int | None,
    now: datetime | None = None,
    deliver: bool | None = None,
) -> list[InvitationLink]:
    """Invitation or reset links for accounts, in the caller's write transaction; mailed or returned.

    ``deliver``: True queues mails, False returns the links, None (default) mails when mail is configured.
    """
    if purpose not in tokens.PASSWORD_PURPOSES:
        raise ValueError(f"not a password link: {purpose!r}")
    now = now or db.utcnow()
    deliver = mail.mail_enabled() if deliver is None else deliver
    password_link(base_url, "x")  # refuse a relative base before writing anything
    users = session.execute(
        select(User.id, User.email, User.name, User.locale).where(User.id.in_(list(user_ids)),
                                                                   User.erased_at.is_(None))
    ).all()
    raw = tokens.issue_many(session, [u.id for u in users], purpose, created_by=actor_id, now=now)
    result: list[InvitationLink] = []
    mails: list[mail.Mail] = []
    days = tokens.LIFETIMES[tokens.INVITATION].days
    for user in users:
        link = password_link(base_url, raw[user.id])
        if deliver:
            mails.append(mail.compose(purpose, user.locale, to=user.email, user_id=user.id, link=link,
                                      values={"name": user.name, "email": user.email, "days": days}))
        result.append(InvitationLink(user.id, user.email, user.name, purpose, deliver, None if deliver else link))
    if mails:
        mail.queue(session, mails, now=now)
    if result:
        audit(session, actor_id=actor_id, action="invitation_send" if purpose == tokens.INVITATION else "reset_send",
              target=f"users:{len(result)}" if len(result) > 1 else f"user:{result[0].user_id}",
              details={"user_ids": [r.user_id for r in result], "mailed": deliver}, at=now)
    return result


def invite_new_accounts(
    engine: Engine, user_ids: Sequence[int], *, base_url: str, actor_id: int | None, deliver: bool | None = None
) -> list[InvitationLink]:
    """Invitations for accounts still without a password among ``user_ids`` (others are skipped)."""
    with db.write(engine) as session:
        invited = session.scalars(
            select(User.id).where(User.id.in_(list(user_ids)), User.erased_at.is_(None),
                                  User.password_hash.startswith(UNUSABLE_PASSWORD_PREFIX, autoescape=True))
        ).all()
        return issue_links(session, invited, tokens.INVITATION, base_url=base_url, actor_id=actor_id,
                           deliver=deliver)


def invite(
    engine: Engine,
    *,
    email: str,
    base_url: str,
    name: str | None = None,
    role: str = "learner",
    actor_id: int | None = None,
    deliver: bool | None = None,
) -> InviteResult:
    """Invite an account by e-mail, creating it (with ``role``, learner by default) when it does not exist.

    An existing account keeps its data and gains ``role`` if it lacked it. Raises
    :class:`academy.accounts.auth.AccountError` for a bad address, name or role, or an erased account.
    """
    if role not in auth.ROLES:
        raise auth.AccountError({"roles": auth.MSG_ROLES_INVALID.format(roles=role)})
    email = auth.normalize_email(email)
    if len(email) > EMAIL_LENGTH or not _EMAIL_RE.match(email) or auth.has_control_characters(email):
        raise auth.AccountError({"email": auth.MSG_EMAIL_INVALID})
    name = name or email.split("@", 1)[0]
    if auth.has_control_characters(name):
        raise auth.AccountError({"name": auth.MSG_CONTROL_CHARACTERS})
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise auth.AccountError({"name": auth.MSG_NAME_REQUIRED if not name else auth.MSG_NAME_TOO_LONG})
    now = db.utcnow()
    with db.write(engine) as session:
        user = session.scalar(select(User).where(User.email == email))
        created = user is None
        if user is None:
            user = User(email=email, name=name, profession="", password_hash=unusable_password_hash(), locale="fr",
                        created_at=now, roles=[UserRole(role=role)])
            session.add(user)
            session.flush()
            audit(session, actor_id=actor_id, action="user_invite", target=f"user:{user.id}",
                  details={"roles": [role]}, at=now)
        elif user.erased_at is not None:
            raise auth.AccountError({"email": auth.MSG_EMAIL_TAKEN})
        elif role not in {r.role for r in user.roles}:
            before = sorted(r.role for r in user.roles)
            session.execute(insert(UserRole).values(user_id=user.id, role=role))
            audit(session, actor_id=actor_id, action="role_change", target=f"user:{user.id}",
                  details={"before": before, "after": sorted({*before, role})}, at=now)
        had_password = has_usable_password(user.password_hash)
        [link] = issue_links(session, [user.id], tokens.INVITATION, base_url=base_url, actor_id=actor_id, now=now,
                             deliver=deliver)
        user_id = user.id
    account = auth.get_account(engine, user_id)
    assert account is not None
    return InviteResult(account, created, had_password, link)


def resend_invitation(engine: Engine, user_id: int, *, base_url: str, actor_id: int | None,
                      deliver: bool | None = None) -> InvitationLink:
    """A new invitation link for an account (the previous one stops working); LookupError if unknown/erased."""
    with db.write(engine) as session:
        links = issue_links(session, [user_id], tokens.INVITATION, base_url=base_url, actor_id=actor_id,
                            deliver=deliver)
    if not links:
        raise LookupError(f"no account {user_id}")
    return links[0]


def reset_link(engine: Engine, user_id: int, *, base_url: str, actor_id: int | None,
               deliver: bool | None = None) -> InvitationLink:
    """A password reset link for an account, made by an administrator; LookupError if unknown/erased."""
    with db.write(engine) as session:
        links = issue_links(session, [user_id], tokens.RESET, base_url=base_url, actor_id=actor_id, deliver=deliver)
    if not links:
        raise LookupError(f"no account {user_id}")
    return links[0]


def sign_up_by_mail(
    engine: Engine, *, email: str, name: str, profession: str, rpps: str | None, locale: str, base_url: str,
    now: datetime | None = None,
) -> None:
    """Self sign-up when mail is configured: the answer never tells whether the address has an account.

    A new address gets a learner account without a password and an invitation mail to choose one (which
    also proves the address); an address that has an account gets a reset mail instead (at most
    ``RESET_REQUESTS_PER_HOUR``); a pending invitation is sent again. The caller shows one neutral message.
    Raises :class:`academy.accounts.auth.SignUpError` for field errors (never for a taken address).
    """
    if not auth.get_setting(engine, "self_signup"):
        raise auth.SignUpError({"form": auth.MSG_SIGNUP_DISABLED})
    new, errors = auth.check_profile(email=email, name=name, profession=profession, rpps=rpps, locale=locale)
    if errors:
        raise auth.SignUpError(errors)
    now = now or db.utcnow()
    with db.write(engine) as session:
        user = session.scalar(select(User).where(User.email == new.email))
        if user is None:
            user = User(email=new.email, name=new.name, profession=new.profession, rpps=new.rpps,
                        password_hash=unusable_password_hash(), locale=new.locale, created_at=now,
                        roles=[UserRole(role="learner")])
            session.add(user)
            session.flush()
            audit(session, actor_id=user.id, action="sign_up", target=f"user:{user.id}",
                  details={"roles": ["learner"], "by_mail": True}, at=now)
            issue_links(session, [user.id], tokens.INVITATION, base_url=base_url, actor_id=None, now=now, deliver=True)
            return
        pending = user.erased_at is None and not has_usable_password(user.password_hash)
        if pending and _recent_links(session, user.id, tokens.INVITATION, now) < RESET_REQUESTS_PER_HOUR:
            issue_links(session, [user.id], tokens.INVITATION, base_url=base_url, actor_id=None, now=now, deliver=True)
    if not pending:
        request_reset(engine, new.email, base_url=base_url, now=now)


def _recent_links(session: Session, user_id: int, purpose: str, now: datetime) -> int:
    """How many ``purpose`` links the account got in the last hour (to cap mails anyone can trigger)."""
    return int(session.scalar(
        select(func.count()).select_from(AccountToken).where(
            AccountToken.user_id == user_id, AccountToken.purpose == purpose,
            AccountToken.created_at > now - timedelta(hours=1))
    ) or 0)


def request_reset(engine: Engine, email: str, *, base_url: str, now: datetime | None = None) -> bool:
    """« Mot de passe oublié ? »: mail a reset link when ``email`` has an account (and mail is configured).

    Returns whether a mail was queued, for the caller's logs and tests only: the visitor must get the same
    answer either way. Nothing happens without mail (nobody could pass the link on).
    """
    if not mail.mail_enabled():
        return False
    now = now or db.utcnow()
    email = auth.normalize_email(email)[:EMAIL_LENGTH]
    with db.write(engine) as session:
        user_id = session.scalar(select(User.id).where(User.email == email, User.erased_at.is_(None)))
        if user_id is None:
            return False
        if _recent_links(session, user_id, tokens.RESET, now) >= RESET_REQUESTS_PER_HOUR:
            return False
        issue_links(session, [user_id], tokens.RESET, base_url=base_url, actor_id=None, now=now, deliver=True)
    return True


# --- following a link -------------------------------------------------------------------------------------


def check_link(engine: Engine, token: str | None, *, now: datetime | None = None) -> tokens.TokenCheck:
    """What a password link is worth (changes nothing)."""
    return tokens.check(engine, token, tokens.PASSWORD_PURPOSES, now=now)


def complete(engine: Engine, token: str | None, password: str, *, now: datetime | None = None) -> auth.Account:
    """Set the password of the link's account and use the link up; returns the account (to sign it in).

    Raises :class:`LinkError` for an unknown, used, expired or replaced link and
    :class:`academy.accounts.auth.AccountError` when the password breaks the policy (the link then stays valid).
    Every sign-in session of the account is revoked and its other password links stop working.
    """
    now = now or db.utcnow()
    found = check_link(engine, token, now=now)
    if not found.valid:
        raise LinkError(found.status)
    problems = auth.password_problems(password, found.email, found.name)
    if problems:
        raise auth.AccountError({"password": " ".join(problems)})
    new_hash = auth.hash_password(password)  # outside the write transaction (slow on purpose)
    with db.write(engine) as session:
        used = tokens.consume(session, token, tokens.PASSWORD_PURPOSES, now=now)
        if not used.valid:
            raise LinkError(used.status)
        assert used.user_id is not None
        session.execute(update(User).where(User.id == used.user_id).values(password_hash=new_hash))
        revoked = session.execute(
            update(AuthSession).where(AuthSession.user_id == used.user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
        tokens.revoke_password_links(session, used.user_id, now=now)
        audit(session, actor_id=used.user_id, action="password_set_by_link", target=f"user:{used.user_id}",
              details={"purpose": used.purpose, "sessions_revoked": revoked}, at=now)
    account = auth.get_account(engine, used.user_id)
    if account is None:  # erased meanwhile
        raise LinkError(tokens.UNKNOWN)
    return account


def set_password(engine: Engine, account_id: int, password: str, *, actor_id: int | None) -> None:
    """An administrator sets an account's password: :func:`academy.accounts.auth.set_password` (policy, every
    session revoked), and the account's pending invitation or reset links stop working."""
    auth.set_password(engine, account_id, password, actor_id=actor_id)
    with db.write(engine) as session:
        tokens.revoke_password_links(session, account_id, now=db.utcnow())


# --- listing -----------------------------------------------------------------------------------------------


def pending_invitations(engine: Engine, *, limit: int = 500) -> list[PendingInvitation]:
    """Accounts without a usable password (invited, never activated), newest first, with their latest invitation."""
    latest = (
        select(AccountToken.user_id, func.max(AccountToken.id).label("token_id"))
        .where(AccountToken.purpose == tokens.INVITATION)
        .group_by(AccountToken.user_id)
        .subquery()
    )
    query = (
        select(User.id, User.email, User.name, User.created_at, AccountToken.created_at, AccountToken.expires_at)
        .outerjoin(latest, latest.c.user_id == User.id)
        .outerjoin(AccountToken, AccountToken.id == latest.c.token_id)
        .where(User.erased_at.is_(None), User.password_hash.startswith(UNUSABLE_PASSWORD_PREFIX, autoescape=True))
        .order_by(User.created_at.desc(), User.id.desc())
        .limit(limit)
    )
    with db.read(engine) as session:
        return [PendingInvitation(*row) for row in session.execute(query)]
