"""A person's own account: identity and language, password, and their sign-in sessions (the Profile page).

Field errors are :class:`academy.accounts.auth.AccountError` values (field → French message, as sign-up).
Every change is audited: ``profile_change`` names the fields that changed but not their values (the audit
log outlives an erasure, the values do not), ``password_change``, ``password_change_refused`` (wrong current
password) and ``sign_out_elsewhere``. The language is stored in ``users.locale`` and applied at each sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from academy.accounts import auth
from academy.accounts.auth import Account, AccountError
from academy.store import db
from academy.store.audit import audit
from academy.store.models import AuthSession, User

MSG_CURRENT_PASSWORD_WRONG = "Le mot de passe actuel est incorrect."
MSG_SAME_PASSWORD = "Le nouveau mot de passe doit être différent de l'actuel."


@dataclass(frozen=True)
class SessionInfo:
    """An active sign-in session of the account; ``current`` marks the browser asking."""

    id: int
    created_at: datetime
    last_seen_at: datetime | None
    expires_at: datetime
    current: bool


def update_profile(
    engine: Engine, account_id: int, *, name: str, profession: str, rpps: str | None, locale: str
) -> Account:
    """Change one's name, profession, RPPS number and interface language; returns the updated account.

    The same rules as sign-up (:func:`academy.accounts.auth.check_identity`: control characters refused,
    RPPS of 11 digits…). Raises :class:`AccountError` with field errors, ``LookupError`` for an unknown or
    erased account. Audited as ``profile_change`` with the changed fields' names, when any changed.
    """
    name, profession, rpps, errors = auth.check_identity(name, profession, rpps)
    if locale not in auth.LOCALES:
        errors["locale"] = auth.MSG_LOCALE_INVALID
    if errors:
        raise AccountError(errors)
    wanted = {"name": name, "profession": profession, "rpps": rpps, "locale": locale}
    with db.write(engine) as session:
        user = session.scalar(select(User).where(User.id == account_id, User.erased_at.is_(None)).with_for_update())
        if user is None:
            raise LookupError(f"no account {account_id}")
        changed = sorted(field for field, value in wanted.items() if getattr(user, field) != value)
        for field in changed:
            setattr(user, field, wanted[field])
        if changed:
            audit(session, actor_id=account_id, action="profile_change", target=f"user:{account_id}",
                  details={"fields": changed})
    account = auth.get_account(engine, account_id)
    assert account is not None
    return account


def change_password(
    engine: Engine, account_id: int, *, current_password: str, new_password: str, keep_token: str | None
) -> int:
    """Change one's own password: the current one is required, the policy applies, every other session ends.

    The session of ``keep_token`` (the browser making the change) stays signed in. Raises
    :class:`AccountError`: ``current_password`` when it does not match (audited as
    ``password_change_refused``), ``password`` for the policy or an unchanged password. Returns how many
    other sessions were signed out. Hashing happens outside the write transaction.
    """
    with db.read(engine) as session:
        user = session.scalar(select(User).where(User.id == account_id, User.erased_at.is_(None)))
        if user is None:
            raise LookupError(f"no account {account_id}")
        stored_hash, email, name = user.password_hash, user.email, user.name
    if not auth.password_matches(stored_hash, current_password):
        with db.write(engine) as session:
            audit(session, actor_id=account_id, action="password_change_refused", target=f"user:{account_id}")
        raise AccountError({"current_password": MSG_CURRENT_PASSWORD_WRONG})
    problems = auth.password_problems(new_password, email, name)
    if not problems and new_password == current_password:
        problems = [MSG_SAME_PASSWORD]
    if problems:
        raise AccountError({"password": " ".join(problems)})
    new_hash = auth.hash_password(new_password)
    with db.write(engine) as session:
        # Compare-and-set: a concurrent change of the password since it was checked wins.
        changed = session.execute(
            update(User).where(User.id == account_id, User.password_hash == stored_hash).values(password_hash=new_hash)
        ).rowcount
        if not changed:
            raise AccountError({"current_password": MSG_CURRENT_PASSWORD_WRONG})
        revoked = _revoke_others(session, account_id, keep_token, db.utcnow())
        audit(session, actor_id=account_id, action="password_change", target=f"user:{account_id}",
              details={"other_sessions_signed_out": revoked})
    return revoked


def _revoke_others(session: Session, account_id: int, keep_token: str | None, now: datetime) -> int:
    """Revoke the account's active sessions but the one of ``keep_token``, in the caller's transaction."""
    others = [AuthSession.user_id == account_id, AuthSession.revoked_at.is_(None)]
    if keep_token:
        others.append(AuthSession.token_hash != auth.token_hash(keep_token))
    statement = update(AuthSession).where(*others).values(revoked_at=now).returning(AuthSession.id)
    return len(session.scalars(statement).all())


def active_sessions(
    engine: Engine, account_id: int, *, current_token: str | None = None, now: datetime | None = None
) -> list[SessionInfo]:
    """The account's sessions neither revoked nor expired, most recently seen first."""
    now = now or db.utcnow()
    current = auth.token_hash(current_token) if current_token else None
    query = (
        select(AuthSession)
        .where(AuthSession.user_id == account_id, AuthSession.revoked_at.is_(None), AuthSession.expires_at > now)
        .order_by(AuthSession.last_seen_at.desc(), AuthSession.id.desc())
    )
    with db.read(engine) as session:
        return [
            SessionInfo(row.id, row.created_at, row.last_seen_at, row.expires_at, row.token_hash == current)
            for row in session.scalars(query)
        ]


def sign_out_everywhere_else(engine: Engine, account_id: int, *, keep_token: str | None) -> int:
    """Revoke every session of the account but the one of ``keep_token``; returns how many. Audited."""
    with db.write(engine) as session:
        revoked = _revoke_others(session, account_id, keep_token, db.utcnow())
        audit(session, actor_id=account_id, action="sign_out_elsewhere", target=f"user:{account_id}",
              details={"sessions": revoked})
    return revoked
