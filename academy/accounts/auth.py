"""Accounts: sign-up, sign-in with throttling, session tokens, roles and platform settings.

Callers get frozen :class:`Account` values, never ORM objects.

User-facing messages (``SignUpError.errors`` values, ``password_problems``, exception texts) are plain
French strings, the interface's default language; they are module constants so a translation layer
can map them.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile). Hashing is
done outside database transactions so a slow hash never holds SQLite's write lock.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, bindparam, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from academy.store import db, rate_limits
from academy.store.audit import audit
from academy.store.models import EMAIL_LENGTH, AuthSession, Setting, SignInTicket, User, UserRole
from academy.store.rate_limits import Policy

ROLES = ("learner", "trainer", "coordinator", "admin")
LOCALES = ("fr", "en")

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
# Sign-in throttling: free tries per address and per client address, then a doubling wait.
ACCOUNT_LIMIT = Policy(free_tries=5, base_delay=timedelta(seconds=30), max_delay=timedelta(minutes=15),
                       forget_after=timedelta(hours=1))
CLIENT_LIMIT = Policy(free_tries=30, base_delay=timedelta(seconds=30), max_delay=timedelta(minutes=15),
                      forget_after=timedelta(hours=1))
SESSION_LIFETIME = timedelta(days=30)
TICKET_LIFETIME = timedelta(seconds=30)
LAST_SEEN_RESOLUTION = timedelta(minutes=5)  # how stale last_seen_at may get before an update
DEFAULT_SETTINGS: dict[str, Any] = {"self_signup": True}

# Base words of very common passwords; a password that is one of them once digits and symbols are
# removed (e.g. "Azerty2024!!") is refused.
COMMON_PASSWORDS = frozenset(
    {
        "password", "motdepasse", "azerty", "azertyuiop", "qwerty", "qwertyuiop", "abcdef", "abcdefghij",
        "iloveyou", "jetaime", "soleil", "bonjour", "doudou", "loulou", "chouchou", "marseille", "paris",
        "chocolat", "football", "welcome", "bienvenue", "letmein", "admin", "administrateur", "secret",
        "sante", "medecin", "docteur", "infirmier", "infirmiere", "pharmacien", "hopital", "patient",
        "motdepasseoublie", "changeme", "test", "utilisateur", "user",
    }
)  # fmt: skip

MSG_PASSWORD_TOO_SHORT = f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
MSG_PASSWORD_TOO_LONG = f"Le mot de passe ne doit pas dépasser {MAX_PASSWORD_LENGTH} caractères."
MSG_PASSWORD_DIGITS = "Le mot de passe ne doit pas être composé uniquement de chiffres."
MSG_PASSWORD_EMAIL = "Le mot de passe ne doit pas contenir votre adresse e-mail."
MSG_PASSWORD_NAME = "Le mot de passe ne doit pas contenir votre nom."
MSG_PASSWORD_COMMON = "Ce mot de passe est trop courant."
MSG_EMAIL_INVALID = "Adresse e-mail invalide."
MSG_EMAIL_TAKEN = "Un compte existe déjà avec cette adresse e-mail."
MSG_NAME_REQUIRED = "Le nom est obligatoire."
MSG_NAME_TOO_LONG = "Le nom ne doit pas dépasser 200 caractères."
MSG_CONTROL_CHARACTERS = (
    "Caractères invisibles ou de contrôle non autorisés (saut de ligne, tabulation, caractère nul, "
    "inversion du sens d'écriture…)."
)
MSG_PROFESSION_TOO_LONG = "La profession ne doit pas dépasser 100 caractères."
MSG_RPPS_INVALID = "Le numéro RPPS comporte exactement 11 chiffres."
MSG_LOCALE_INVALID = "Langue inconnue."
MSG_ROLES_INVALID = "Rôle inconnu : {roles}. Rôles possibles : " + ", ".join(ROLES) + "."
MSG_ROLES_EMPTY = "Choisissez au moins un rôle."
MSG_SIGNUP_DISABLED = "L'inscription libre est désactivée : demandez un compte à votre coordinateur."
MSG_LAST_ADMIN = "Impossible de retirer le rôle administrateur au dernier administrateur."
MSG_SIGN_IN_FAILED = "Adresse e-mail ou mot de passe incorrect."
MSG_THROTTLED = "Trop de tentatives de connexion. Réessayez dans {minutes} minute(s)."

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_RPPS_RE = re.compile(r"^[0-9]{11}$")

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Account:
    """A signed-up user as seen by the rest of the app."""

    id: int
    email: str
    name: str
    profession: str
    rpps: str | None
    roles: frozenset[str]
    locale: str

    def has_role(self, *roles: str) -> bool:
        """True when the account has at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)


class AccountError(ValueError):
    """Invalid account data; ``errors`` maps a field (or ``"form"``) to a French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


class SignUpError(AccountError):
    """Sign-up refused (field errors, or ``"form"`` when self sign-up is disabled)."""


class RoleError(AccountError):
    """Invalid role change: unknown or no roles (``errors["roles"]``)."""


class LastAdminError(RoleError):
    """Refused: the change would leave the platform without an administrator."""


class SignInError(Exception):
    """Sign-in refused; the message never says whether the email exists."""

    def __init__(self, message: str = MSG_SIGN_IN_FAILED) -> None:
        super().__init__(message)


class ThrottledError(SignInError):
    """Too many recent failures for this email; retry after ``retry_after_seconds``."""

    def __init__(self, retry_after_seconds: int) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(MSG_THROTTLED.format(minutes=max(1, math.ceil(retry_after_seconds / 60))))


# --- helpers ---------------------------------------------------------------------------------------


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a control or format character (Unicode categories Cc and Cf).

    That is NUL, tabs, line breaks, zero-width characters and the bidirectional overrides that make text
    display in another order than it is stored. Ordinary spaces (category Zs) are fine. Names, professions
    and addresses with such characters are refused where people type or import them.
    """
    return any(unicodedata.category(character) in ("Cc", "Cf") for character in text)


def normalize_email(email: str) -> str:
    """Email as stored: stripped and lowercased."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (no policy check)."""
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches an argon2 hash made by :func:`hash_password` (never raises)."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a session token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@cache
def _dummy_hash() -> str:
    """A hash verified for unknown emails, so that they take as long as known ones."""
    return _hasher.hash(secrets.token_urlsafe(16))


def account_of(user: User) -> Account:
    """The public view of a user row."""
    return Account(
        id=user.id,
        email=user.email,
        name=user.name,
        profession=user.profession,
        rpps=user.rpps,
        roles=frozenset(r.role for r in user.roles),
        locale=user.locale,
    )


def password_problems(password: str, email: str = "", name: str = "") -> list[str]:
    """What is wrong with ``password`` (French messages); empty when it satisfies the policy.

    Policy: at least ``MIN_PASSWORD_LENGTH`` characters (at most ``MAX_PASSWORD_LENGTH``), not only
    digits, not containing the email's local part (3+ characters) nor a word of the name (4+
    characters), and not a common password even with digits and symbols around it.
    """
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(MSG_PASSWORD_TOO_SHORT)
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(MSG_PASSWORD_TOO_LONG)
    if password.isdigit():
        problems.append(MSG_PASSWORD_DIGITS)
    lowered = password.lower()
    local_part = normalize_email(email).split("@", 1)[0]
    if len(local_part) >= 3 and local_part in lowered:
        problems.append(MSG_PASSWORD_EMAIL)
    name_words = [w for w in re.split(r"[\W_]+", name.lower()) if len(w) >= 4]
    if any(w in lowered for w in name_words):
        problems.append(MSG_PASSWORD_NAME)
    letters = re.sub(r"[^a-z]", "", lowered)
    if lowered in COMMON_PASSWORDS or letters in COMMON_PASSWORDS:
        problems.append(MSG_PASSWORD_COMMON)
    return problems


def _check_roles(roles: Iterable[str]) -> tuple[frozenset[str], dict[str, str]]:
    wanted = frozenset(roles)
    unknown = sorted(wanted - set(ROLES))
    if unknown:
        return wanted, {"roles": MSG_ROLES_INVALID.format(roles=", ".join(unknown))}
    if not wanted:
        return wanted, {"roles": MSG_ROLES_EMPTY}
    return wanted, {}


def check_identity(name: str, profession: str, rpps: str | None) -> tuple[str, str, str | None, dict[str, str]]:
    """Name, profession and RPPS normalised (spaces collapsed), with their field errors."""
    errors: dict[str, str] = {}
    if has_control_characters(name):
        errors["name"] = MSG_CONTROL_CHARACTERS
    name = " ".join(name.split())
    if not name:
        errors.setdefault("name", MSG_NAME_REQUIRED)
    elif len(name) > 200:
        errors.setdefault("name", MSG_NAME_TOO_LONG)
    if has_control_characters(profession):
        errors["profession"] = MSG_CONTROL_CHARACTERS
    profession = " ".join(profession.split())
    if len(profession) > 100:
        errors.setdefault("profession", MSG_PROFESSION_TOO_LONG)
    rpps = (rpps or "").replace(" ", "") or None
    if rpps is not None and not _RPPS_RE.match(rpps):
        errors["rpps"] = MSG_RPPS_INVALID
    return name, profession, rpps, errors


@dataclass(frozen=True)
class _NewAccount:
    email: str
    name: str
    profession: str
    rpps: str | None
    locale: str


def _check_new_account(
    *, email: str, name: str, profession: str, password: str, rpps: str | None, locale: str
) -> tuple[_NewAccount, dict[str, str]]:
    """Normalised fields and field errors of a new account."""
    new, errors = check_profile(email=email, name=name, profession=profession, rpps=rpps, locale=locale)
    problems = password_problems(password, new.email, new.name)
    if problems:
        errors["password"] = " ".join(problems)
    return new, errors


def check_profile(
    *, email: str, name: str, profession: str, rpps: str | None, locale: str
) -> tuple[_NewAccount, dict[str, str]]:
    """Normalised fields and field errors of a new account's profile (everything but the password)."""
    errors: dict[str, str] = {}
    email = normalize_email(email)
    if len(email) > EMAIL_LENGTH or not _EMAIL_RE.match(email) or has_control_characters(email):
        errors["email"] = MSG_EMAIL_INVALID
    name, profession, rpps, field_errors = check_identity(name, profession, rpps)
    errors.update(field_errors)
    if locale not in LOCALES:
        errors["locale"] = MSG_LOCALE_INVALID
    return _NewAccount(email, name, profession, rpps, locale), errors


def _insert_account(
    engine: Engine,
    new: _NewAccount,
    password_hash: str,
    roles: frozenset[str],
    *,
    action: str,
    actor_id: int | None,
    error: type[AccountError],
) -> Account:
    """Insert a checked account; a taken email raises ``error`` (also under a race)."""
    try:
        with db.write(engine) as session:
            if session.scalar(select(User.id).where(User.email == new.email)) is not None:
                raise error({"email": MSG_EMAIL_TAKEN})
            user = User(
                email=new.email,
                name=new.name,
                profession=new.profession,
                rpps=new.rpps,
                password_hash=password_hash,
                locale=new.locale,
                created_at=db.utcnow(),
                roles=[UserRole(role=r) for r in sorted(roles)],
            )
            session.add(user)
            session.flush()
            audit(
                session,
                actor_id=actor_id if actor_id is not None else user.id,
                action=action,
                target=f"user:{user.id}",
                details={"roles": sorted(roles)},
            )
            return account_of(user)
    except IntegrityError as exc:
        raise error({"email": MSG_EMAIL_TAKEN}) from exc


# --- sign-up and accounts ----------------------------------------------------------------------------


def sign_up(
    engine: Engine,
    *,
    email: str,
    name: str,
    profession: str,
    password: str,
    rpps: str | None = None,
    locale: str = "fr",
) -> Account:
    """Create a learner account from the public sign-up form; raises :class:`SignUpError`."""
    if not get_setting(engine, "self_signup"):
        raise SignUpError({"form": MSG_SIGNUP_DISABLED})
    new, errors = _check_new_account(
        email=email, name=name, profession=profession, password=password, rpps=rpps, locale=locale
    )
    if errors:
        raise SignUpError(errors)
    return _insert_account(
        engine,
        new,
        hash_password(password),
        frozenset({"learner"}),
        action="sign_up",
        actor_id=None,
        error=SignUpError,
    )


def add_user(
    engine: Engine,
    *,
    email: str,
    name: str,
    password: str,
    roles: Iterable[str],
    profession: str = "",
    rpps: str | None = None,
    locale: str = "fr",
    actor_id: int | None = None,
) -> Account:
    """Create an account with the given roles (CLI, admin); raises :class:`AccountError`."""
    wanted, errors = _check_roles(roles)
    new, field_errors = _check_new_account(
        email=email, name=name, profession=profession, password=password, rpps=rpps, locale=locale
    )
    errors.update(field_errors)
    if errors:
        raise AccountError(errors)
    return _insert_account(
        engine, new, hash_password(password), wanted, action="user_add", actor_id=actor_id, error=AccountError
    )


def insert_account(
    engine: Engine,
    *,
    email: str,
    name: str,
    password_hash: str,
    roles: Iterable[str],
    profession: str = "",
    actor_id: int | None = None,
) -> Account:
    """Create an account whose password hash is already computed (simulated learners of the demo and the
    benchmarks share one unusable hash instead of paying argon2 for each); raises :class:`AccountError`."""
    wanted, errors = _check_roles(roles)
    new = _NewAccount(normalize_email(email), " ".join(name.split()), profession, None, "fr")
    if not _EMAIL_RE.match(new.email) or not new.name:
        errors["email" if new.name else "name"] = MSG_EMAIL_INVALID if new.name else MSG_NAME_REQUIRED
    if errors:
        raise AccountError(errors)
    return _insert_account(engine, new, password_hash, wanted, action="user_add", actor_id=actor_id,
                           error=AccountError)


def get_account(engine: Engine, account_id: int) -> Account | None:
    """The account with this id (None when unknown or erased)."""
    with db.read(engine) as session:
        user = session.get(User, account_id)
        if user is None or user.erased_at is not None:
            return None
        return account_of(user)


def list_accounts(engine: Engine, *, search: str = "", limit: int = 200, include_erased: bool = False) -> list[Account]:
    """Accounts ordered by email, optionally those whose email or name contains ``search``."""
    query = select(User).order_by(User.email).limit(limit)
    if not include_erased:
        query = query.where(User.erased_at.is_(None))
    search = search.strip().lower()
    if search:
        query = query.where(
            or_(
                User.email.contains(search, autoescape=True),
                func.lower(User.name).contains(search, autoescape=True),
            )
        )
    with db.read(engine) as session:
        return [account_of(u) for u in session.scalars(query)]


def set_roles(engine: Engine, *, actor_id: int | None, account_id: int, roles: Iterable[str]) -> Account:
    """Replace an account's roles; audited as ``role_change`` with the roles before and after.

    Raises :class:`RoleError` for unknown or no roles, :class:`LastAdminError` (a ``RoleError``) when
    the change would remove the last administrator, ``LookupError`` for an unknown or erased account.
    """
    wanted, errors = _check_roles(roles)
    if errors:
        raise RoleError(errors)
    with db.write(engine) as session:
        user = session.scalar(select(User).where(User.id == account_id, User.erased_at.is_(None)).with_for_update())
        if user is None:
            raise LookupError(f"no account {account_id}")
        before = frozenset(r.role for r in user.roles)
        if before == wanted:
            return account_of(user)
        if "admin" in before and "admin" not in wanted:
            admins = session.scalars(
                select(UserRole.user_id)
                .join(User, User.id == UserRole.user_id)
                .where(UserRole.role == "admin", User.erased_at.is_(None))
                .with_for_update()
            ).all()
            if len(admins) <= 1:
                raise LastAdminError({"roles": MSG_LAST_ADMIN})
        user.roles = [r for r in user.roles if r.role in wanted] + [UserRole(role=r) for r in sorted(wanted - before)]
        audit(
            session,
            actor_id=actor_id,
            action="role_change",
            target=f"user:{account_id}",
            details={"before": sorted(before), "after": sorted(wanted)},
        )
        session.flush()
        return account_of(user)


def set_password(engine: Engine, account_id: int, password: str, *, actor_id: int | None = None) -> None:
    """Change a password (policy enforced; raises :class:`AccountError`) and revoke all sessions."""
    account = get_account(engine, account_id)
    if account is None:
        raise LookupError(f"no account {account_id}")
    problems = password_problems(password, account.email, account.name)
    if problems:
        raise AccountError({"password": " ".join(problems)})
    new_hash = hash_password(password)
    now = db.utcnow()
    with db.write(engine) as session:
        session.execute(update(User).where(User.id == account_id).values(password_hash=new_hash))
        session.execute(
            update(AuthSession)
            .where(AuthSession.user_id == account_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        audit(
            session,
            actor_id=actor_id if actor_id is not None else account_id,
            action="password_change",
            target=f"user:{account_id}",
        )


def set_locale(engine: Engine, account_id: int, locale: str) -> None:
    """Store the account's interface language (one of ``LOCALES``)."""
    if locale not in LOCALES:
        raise AccountError({"locale": MSG_LOCALE_INVALID})
    with db.write(engine) as session:
        session.execute(update(User).where(User.id == account_id).values(locale=locale))


# --- sign-in ---------------------------------------------------------------------------------------


def authenticate(
    engine: Engine, email: str, password: str, *, client: str | None = None, now: datetime | None = None
) -> Account:
    """The account for these credentials.

    Before the password is checked, the try is counted against the address (``ACCOUNT_LIMIT``) and the
    client address ``client`` (``CLIENT_LIMIT``) in one write transaction (academy.store.rate_limits),
    so parallel tries are each counted; :class:`ThrottledError` (even with the right password) while
    either waits out its back-off. :class:`SignInError` with one generic message for an unknown email,
    an erased account or a wrong password. Unknown emails verify a dummy hash so they take as long as
    known ones. A hash made with older argon2 parameters is replaced on success.
    """
    now = now or db.utcnow()
    email = normalize_email(email)[:EMAIL_LENGTH]
    account_key = f"account:{email}"
    client_key = f"client:{client}" if client else None
    with db.write(engine) as session:
        wait = rate_limits.take(session, account_key, ACCOUNT_LIMIT, now)
        if not wait and client_key:
            wait = rate_limits.take(session, client_key, CLIENT_LIMIT, now)
            if wait:
                rate_limits.forgive(session, account_key)
        if wait:
            audit(session, actor_id=None, action="sign_in_throttled", target=f"email:{email}", at=now,
                  details={"client": client or ""})
    if wait:
        raise ThrottledError(wait)
    with db.read(engine) as session:
        user = session.scalar(select(User).where(User.email == email, User.erased_at.is_(None)))
        account = account_of(user) if user is not None else None
        stored_hash = user.password_hash if user is not None else None

    valid = False
    if len(password) <= MAX_PASSWORD_LENGTH:
        try:
            valid = _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            valid = False

    if account is None or stored_hash is None or not valid:
        with db.write(engine) as session:
            audit(session, actor_id=None, action="sign_in_failed", target=f"email:{email}", at=now,
                  details={"client": client or ""})
        raise SignInError()

    new_hash = hash_password(password) if _hasher.check_needs_rehash(stored_hash) else None
    with db.write(engine) as session:
        if new_hash is not None:
            session.execute(update(User).where(User.id == account.id).values(password_hash=new_hash))
        rate_limits.clear(session, account_key)
        if client_key:
            rate_limits.forgive(session, client_key)
        audit(session, actor_id=account.id, action="sign_in", target=f"user:{account.id}", at=now)
    return account


def create_session(engine: Engine, account_id: int, *, now: datetime | None = None) -> str:
    """A new sign-in session for the account; returns the raw token (only its hash is stored)."""
    now = now or db.utcnow()
    token = secrets.token_urlsafe(32)
    with db.write(engine) as session:
        user = session.get(User, account_id)
        if user is None or user.erased_at is not None:
            raise LookupError(f"no account {account_id}")
        session.add(
            AuthSession(
                token_hash=token_hash(token),
                user_id=account_id,
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
                last_seen_at=now,
            )
        )
    return token


def _pad(ticket: str, length: int) -> bytes:
    return hashlib.shake_256(b"academy-ticket:" + ticket.encode()).digest(length)


def issue_ticket(engine: Engine, token: str, *, now: datetime | None = None) -> str:
    """A one-time ticket that :func:`redeem_ticket` exchanges for ``token`` within ``TICKET_LIFETIME``.

    The page hands the ticket to the browser, which posts it to ``/auth/session``; the server answers
    with the token in an HttpOnly cookie, so page JavaScript never sees the session token itself.
    """
    now = now or db.utcnow()
    ticket = secrets.token_urlsafe(32)
    raw = token.encode()
    sealed = bytes(a ^ b for a, b in zip(raw, _pad(ticket, len(raw)), strict=True)).hex()
    with db.write(engine) as session:
        session_id = session.scalar(select(AuthSession.id).where(AuthSession.token_hash == token_hash(token)))
        if session_id is None:
            raise LookupError("unknown session token")
        session.execute(delete(SignInTicket).where(SignInTicket.expires_at <= now))
        session.add(SignInTicket(ticket_hash=token_hash(ticket), session_id=session_id, sealed_token=sealed,
                                 expires_at=now + TICKET_LIFETIME))
    return ticket


def redeem_ticket(engine: Engine, ticket: str, *, now: datetime | None = None) -> str | None:
    """The session token of ``ticket``, once: None when unknown, used, expired, or its session is closed."""
    now = now or db.utcnow()
    if not ticket or len(ticket) > 100:
        return None
    with db.write(engine) as session:
        row = session.execute(
            delete(SignInTicket).where(SignInTicket.ticket_hash == token_hash(ticket))
            .returning(SignInTicket.sealed_token, SignInTicket.expires_at, SignInTicket.session_id)
        ).first()
    if row is None or row.expires_at <= now:
        return None
    sealed = bytes.fromhex(row.sealed_token)
    token = bytes(a ^ b for a, b in zip(sealed, _pad(ticket, len(sealed)), strict=True)).decode("ascii", "replace")
    return token if account_for_token(engine, token, now=now) is not None else None


# The account behind a session token, with its roles (one row per role): every page rerun runs it, so it is
# one Core statement built once (the ORM's entity loading cost a replica ~10 % of its CPU under load).
_ACCOUNT_FOR_TOKEN = (
    select(AuthSession.expires_at, AuthSession.revoked_at, AuthSession.last_seen_at, User.id, User.email,
           User.name, User.profession, User.rpps, User.locale, User.erased_at, UserRole.role)
    .join(User, User.id == AuthSession.user_id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(AuthSession.token_hash == bindparam("b_digest"))
)


def account_for_token(engine: Engine, token: str | None, *, now: datetime | None = None) -> Account | None:
    """The account signed in with ``token``; None if unknown, expired, revoked or erased."""
    if not token:
        return None
    now = now or db.utcnow()
    digest = token_hash(token)
    with db.read_connection(engine) as connection:
        rows = connection.execute(_ACCOUNT_FOR_TOKEN, {"b_digest": digest}).all()
    if not rows:
        return None
    row = rows[0]
    if row.revoked_at is not None or row.expires_at <= now or row.erased_at is not None:
        return None
    account = Account(id=row.id, email=row.email, name=row.name, profession=row.profession, rpps=row.rpps,
                      roles=frozenset(r.role for r in rows if r.role is not None), locale=row.locale)
    if row.last_seen_at is None or now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
        with db.write(engine) as session:
            session.execute(update(AuthSession).where(AuthSession.token_hash == digest).values(last_seen_at=now))
    return account


def revoke_session(engine: Engine, token: str, *, now: datetime | None = None) -> None:
    """Sign out: revoke the session of ``token`` (no error when unknown or already revoked)."""
    now = now or db.utcnow()
    digest = token_hash(token)
    with db.write(engine) as session:
        user_id = session.scalar(
            update(AuthSession)
            .where(AuthSession.token_hash == digest, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(AuthSession.user_id)
        )
        if user_id is not None:
            audit(session, actor_id=user_id, action="sign_out", target=f"user:{user_id}", at=now)


def revoke_all_sessions(engine: Engine, account_id: int, *, now: datetime | None = None) -> int:
    """Revoke every active session of an account; returns how many were revoked."""
    now = now or db.utcnow()
    with db.write(engine) as session:
        revoked = session.scalars(
            update(AuthSession)
            .where(AuthSession.user_id == account_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(AuthSession.id)
        ).all()
        return len(revoked)


# --- settings ----------------------------------------------------------------------------------------


def get_setting(engine: Engine, key: str, default: Any = None) -> Any:
    """A platform setting: the stored value, else ``DEFAULT_SETTINGS[key]``, else ``default``."""
    with db.read(engine) as session:
        row = session.get(Setting, key)
        if row is not None:
            return row.value
    return DEFAULT_SETTINGS.get(key, default)


def set_setting(engine: Engine, key: str, value: Any, *, actor_id: int | None = None) -> None:
    """Store a platform setting (JSON-serialisable value); audited as ``setting_change``."""
    with db.write(engine) as session:
        row = session.get(Setting, key, with_for_update=True)
        before = row.value if row is not None else DEFAULT_SETTINGS.get(key)
        if row is None:
            session.add(Setting(key=key, value=value, updated_at=db.utcnow()))
        else:
            row.value = value
            row.updated_at = db.utcnow()
        audit(
            session,
            actor_id=actor_id,
            action="setting_change",
            target=f"setting:{key}",
            details={"before": before, "after": value},
        )
