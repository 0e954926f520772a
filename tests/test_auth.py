"""Accounts: sign-up, sign-in, throttling, sessions, roles, settings, audit."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select, update

from academy.accounts import auth
from academy.store import db, rate_limits
from academy.store.audit import audit_entries
from academy.store.models import AuthSession, SignInTicket, User

PASSWORD = "correct-horse-battery"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=db.utcnow().tzinfo)


def _sign_up(engine: Engine, email: str = "Camille.Durand@Example.org", **kwargs: Any) -> auth.Account:
    fields = {"name": "Camille Durand", "profession": "médecin", "password": PASSWORD} | kwargs
    return auth.sign_up(engine, email=email, **fields)


def _stored_user(engine: Engine, account_id: int) -> User:
    with db.read(engine) as session:
        user = session.get(User, account_id)
        assert user is not None
        return user


def _actions(engine: Engine) -> list[str]:
    return [entry.action for entry in reversed(audit_entries(engine))]


# --- password policy -------------------------------------------------------------------------------


def test_password_policy() -> None:
    assert auth.password_problems(PASSWORD) == []
    assert auth.password_problems("court") == [auth.MSG_PASSWORD_TOO_SHORT]
    assert auth.MSG_PASSWORD_DIGITS in auth.password_problems("12345678901234")
    assert auth.MSG_PASSWORD_EMAIL in auth.password_problems("xx-camille-xx-2025", email="Camille@x.org")
    assert auth.MSG_PASSWORD_NAME in auth.password_problems("durand-et-fils-77", name="Camille Durand")
    assert auth.MSG_PASSWORD_COMMON in auth.password_problems("Azerty2024!!")
    assert auth.MSG_PASSWORD_COMMON in auth.password_problems("motdepasse")
    assert auth.MSG_PASSWORD_TOO_LONG in auth.password_problems("x" * (auth.MAX_PASSWORD_LENGTH + 1))
    assert auth.password_problems("ab-7Hq!pLm2z", email="ab@x.org") == []  # short local parts ignored


# --- sign-up -------------------------------------------------------------------------------------


def test_sign_up_creates_a_learner_with_an_argon2_hash(engine: Engine) -> None:
    account = _sign_up(engine, rpps="10003456789")
    assert account.email == "camille.durand@example.org"
    assert account.roles == frozenset({"learner"})
    assert account.locale == "fr"
    assert account.rpps == "10003456789"
    user = _stored_user(engine, account.id)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert user.created_at.tzinfo is not None
    assert _actions(engine) == ["sign_up"]


def test_sign_up_reports_every_field_error(engine: Engine) -> None:
    with pytest.raises(auth.SignUpError) as caught:
        auth.sign_up(engine, email="not-an-email", name="  ", profession="x", password="123", rpps="12AB", locale="de")
    errors = caught.value.errors
    assert set(errors) == {"email", "name", "rpps", "password", "locale"}
    assert errors["email"] == auth.MSG_EMAIL_INVALID
    assert errors["name"] == auth.MSG_NAME_REQUIRED
    assert errors["rpps"] == auth.MSG_RPPS_INVALID
    assert auth.MSG_PASSWORD_TOO_SHORT in errors["password"]
    assert auth.MSG_PASSWORD_DIGITS in errors["password"]
    assert auth.list_accounts(engine) == []


def test_sign_up_refuses_a_duplicate_email_whatever_the_case(engine: Engine) -> None:
    _sign_up(engine)
    with pytest.raises(auth.SignUpError) as caught:
        _sign_up(engine, email="  CAMILLE.durand@example.ORG ")
    assert caught.value.errors == {"email": auth.MSG_EMAIL_TAKEN}
    assert len(auth.list_accounts(engine)) == 1


def test_sign_up_when_self_signup_is_disabled(engine: Engine) -> None:
    assert auth.get_setting(engine, "self_signup") is True
    auth.set_setting(engine, "self_signup", False, actor_id=None)
    with pytest.raises(auth.SignUpError) as caught:
        _sign_up(engine)
    assert caught.value.errors == {"form": auth.MSG_SIGNUP_DISABLED}
    assert auth.list_accounts(engine) == []
    # An administrator can still create accounts.
    auth.add_user(engine, email="a@example.org", name="Alex Martin", password=PASSWORD, roles=["learner"])


# --- sign-in -------------------------------------------------------------------------------------


def test_authenticate(engine: Engine) -> None:
    account = _sign_up(engine)
    assert auth.authenticate(engine, " CAMILLE.Durand@example.org", PASSWORD) == account
    assert _actions(engine) == ["sign_up", "sign_in"]


def test_wrong_password_and_unknown_email_look_the_same(engine: Engine) -> None:
    _sign_up(engine)
    with pytest.raises(auth.SignInError) as wrong:
        auth.authenticate(engine, "camille.durand@example.org", "wrong-password-123")
    with pytest.raises(auth.SignInError) as unknown:
        auth.authenticate(engine, "nobody@example.org", PASSWORD)
    assert type(wrong.value) is type(unknown.value) is auth.SignInError
    assert str(wrong.value) == str(unknown.value) == auth.MSG_SIGN_IN_FAILED
    assert _actions(engine) == ["sign_up", "sign_in_failed", "sign_in_failed"]


def test_unknown_emails_verify_a_dummy_hash(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same work for unknown and known emails: one argon2 verification each, similar timing."""
    calls: list[str] = []

    class SpyHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            calls.append(str(hash))
            return super().verify(hash, password)

    _sign_up(engine)
    monkeypatch.setattr(auth, "_hasher", SpyHasher())
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "nobody@example.org", PASSWORD)
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "camille.durand@example.org", "wrong-password-123")
    assert len(calls) == 2
    assert all(h.startswith("$argon2id$") for h in calls)

    def seconds(email: str) -> float:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            with pytest.raises(auth.SignInError):
                auth.authenticate(engine, email, "wrong-password-123")
            runs.append(time.perf_counter() - start)
        return sorted(runs)[1]

    known, unknown = seconds("camille.durand@example.org"), seconds("nobody@example.org")
    assert unknown > known / 2


def test_erased_accounts_cannot_sign_in(engine: Engine) -> None:
    account = _sign_up(engine)
    with db.write(engine) as session:
        session.execute(update(User).where(User.id == account.id).values(erased_at=db.utcnow()))
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, account.email, PASSWORD)


def test_throttling_after_five_failures_with_a_doubling_wait(engine: Engine) -> None:
    account = _sign_up(engine)
    free = auth.ACCOUNT_LIMIT.free_tries
    for second in range(free):
        with pytest.raises(auth.SignInError) as caught:
            auth.authenticate(engine, account.email, "wrong-password-123", now=T0 + timedelta(seconds=second))
        assert not isinstance(caught.value, auth.ThrottledError)
    last = T0 + timedelta(seconds=free - 1)
    # Even the right password is refused while the back-off runs, with the time left.
    with pytest.raises(auth.ThrottledError) as throttled:
        auth.authenticate(engine, account.email, PASSWORD, now=last + timedelta(seconds=10))
    assert throttled.value.retry_after_seconds == 20
    # Other emails are not affected.
    with pytest.raises(auth.SignInError) as other:
        auth.authenticate(engine, "other@example.org", PASSWORD, now=last)
    assert not isinstance(other.value, auth.ThrottledError)
    # Once the 30 s wait is over, one more failure doubles it (60 s), not a fixed quarter of an hour.
    after = last + timedelta(seconds=30)
    with pytest.raises(auth.SignInError) as caught:
        auth.authenticate(engine, account.email, "wrong-password-123", now=after)
    assert not isinstance(caught.value, auth.ThrottledError)
    with pytest.raises(auth.ThrottledError) as throttled:
        auth.authenticate(engine, account.email, PASSWORD, now=after + timedelta(seconds=1))
    assert throttled.value.retry_after_seconds == 59
    # After that wait the right password works and resets the count.
    assert auth.authenticate(engine, account.email, PASSWORD, now=after + timedelta(seconds=60))
    with db.read(engine) as session:
        assert rate_limits.failures(session, f"account:{account.email}") == 0
    assert "sign_in_throttled" in _actions(engine)


def test_a_success_resets_the_failure_count(engine: Engine) -> None:
    account = _sign_up(engine)
    for minute in range(4):
        with pytest.raises(auth.SignInError):
            auth.authenticate(engine, account.email, "wrong-password-123", now=T0 + timedelta(minutes=minute))
    auth.authenticate(engine, account.email, PASSWORD, now=T0 + timedelta(minutes=4))
    for minute in range(4):
        with pytest.raises(auth.SignInError) as caught:
            auth.authenticate(engine, account.email, "wrong-password-123", now=T0 + timedelta(minutes=5 + minute))
        assert not isinstance(caught.value, auth.ThrottledError)


def test_failures_are_forgotten_an_hour_after_the_last_one(engine: Engine) -> None:
    account = _sign_up(engine)
    for second in range(auth.ACCOUNT_LIMIT.free_tries):
        with pytest.raises(auth.SignInError):
            auth.authenticate(engine, account.email, "wrong-password-123", now=T0 + timedelta(seconds=second))
    later = T0 + auth.ACCOUNT_LIMIT.forget_after + timedelta(seconds=10)
    with pytest.raises(auth.SignInError) as caught:
        auth.authenticate(engine, account.email, "wrong-password-123", now=later)
    assert not isinstance(caught.value, auth.ThrottledError)
    with db.read(engine) as session:
        assert rate_limits.failures(session, f"account:{account.email}") == 1


def test_a_client_address_guessing_many_accounts_is_throttled(engine: Engine) -> None:
    account = _sign_up(engine)
    for attempt in range(auth.CLIENT_LIMIT.free_tries):
        with pytest.raises(auth.SignInError) as caught:
            auth.authenticate(engine, f"victim{attempt}@example.org", "guess-123456", client="203.0.113.9",
                              now=T0 + timedelta(seconds=attempt))
        assert not isinstance(caught.value, auth.ThrottledError)
    at = T0 + timedelta(seconds=auth.CLIENT_LIMIT.free_tries)
    with pytest.raises(auth.ThrottledError):
        auth.authenticate(engine, account.email, PASSWORD, client="203.0.113.9", now=at)
    # The account itself was not charged for the refused try: from another address it signs in.
    assert auth.authenticate(engine, account.email, PASSWORD, client="198.51.100.7", now=at)


def test_sixteen_parallel_wrong_tries_are_each_counted(database_url: str) -> None:
    """Throttling is decided before the password check, under a lock: N parallel tries count N."""
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine)
        account = _sign_up(engine)
        barrier = threading.Barrier(16)

        def attempt(_: int) -> str:
            barrier.wait()
            try:
                auth.authenticate(engine, account.email, "wrong-password-123")
            except auth.ThrottledError:
                return "throttled"
            except auth.SignInError:
                return "evaluated"
            return "signed in"

        with ThreadPoolExecutor(max_workers=16) as pool:
            outcomes = list(pool.map(attempt, range(16)))
        assert outcomes.count("evaluated") == auth.ACCOUNT_LIMIT.free_tries
        assert outcomes.count("throttled") == 16 - auth.ACCOUNT_LIMIT.free_tries
        with pytest.raises(auth.ThrottledError):
            auth.authenticate(engine, account.email, PASSWORD)
    finally:
        engine.dispose()


# --- sign-in tickets (HttpOnly cookie) -------------------------------------------------------------


def test_a_ticket_gives_back_its_session_token_once(engine: Engine) -> None:
    account = _sign_up(engine)
    token = auth.create_session(engine, account.id)
    ticket = auth.issue_ticket(engine, token)
    assert ticket != token
    with db.read(engine) as session:
        stored = session.scalars(select(SignInTicket)).one()
    assert token not in stored.sealed_token and ticket not in stored.ticket_hash
    assert auth.redeem_ticket(engine, ticket) == token
    assert auth.redeem_ticket(engine, ticket) is None
    assert auth.redeem_ticket(engine, "not-a-ticket") is None


def test_expired_tickets_and_tickets_of_closed_sessions_are_refused(engine: Engine) -> None:
    account = _sign_up(engine)
    token = auth.create_session(engine, account.id)
    ticket = auth.issue_ticket(engine, token, now=T0)
    assert auth.redeem_ticket(engine, ticket, now=T0 + auth.TICKET_LIFETIME + timedelta(seconds=1)) is None
    ticket = auth.issue_ticket(engine, token)
    auth.revoke_session(engine, token)
    assert auth.redeem_ticket(engine, ticket) is None


def test_outdated_hashes_are_upgraded_on_sign_in(engine: Engine) -> None:
    account = _sign_up(engine)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with db.write(engine) as session:
        session.execute(update(User).where(User.id == account.id).values(password_hash=weak))
    auth.authenticate(engine, account.email, PASSWORD)
    upgraded = _stored_user(engine, account.id).password_hash
    assert upgraded != weak
    assert not auth._hasher.check_needs_rehash(upgraded)
    assert auth.authenticate(engine, account.email, PASSWORD) == account


# --- sessions ------------------------------------------------------------------------------------


def test_sessions_store_only_the_token_hash(engine: Engine) -> None:
    account = _sign_up(engine)
    token = auth.create_session(engine, account.id, now=T0)
    assert len(token) >= 40
    with db.read(engine) as session:
        stored = session.scalars(select(AuthSession)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.expires_at == T0 + timedelta(days=30)
    assert auth.account_for_token(engine, token, now=T0 + timedelta(days=1)) == account


def test_session_expiry_and_unknown_tokens(engine: Engine) -> None:
    account = _sign_up(engine)
    token = auth.create_session(engine, account.id, now=T0)
    assert auth.account_for_token(engine, token, now=T0 + timedelta(days=29, hours=23)) == account
    assert auth.account_for_token(engine, token, now=T0 + timedelta(days=30)) is None
    assert auth.account_for_token(engine, "not-a-token", now=T0) is None
    assert auth.account_for_token(engine, "", now=T0) is None
    assert auth.account_for_token(engine, None, now=T0) is None


def test_session_revocation(engine: Engine) -> None:
    account = _sign_up(engine)
    first = auth.create_session(engine, account.id)
    second = auth.create_session(engine, account.id)
    third = auth.create_session(engine, account.id)
    auth.revoke_session(engine, first)
    auth.revoke_session(engine, first)  # twice: no error
    auth.revoke_session(engine, "unknown")
    assert auth.account_for_token(engine, first) is None
    assert auth.account_for_token(engine, second) == account
    assert auth.revoke_all_sessions(engine, account.id) == 2
    assert auth.account_for_token(engine, second) is None
    assert auth.account_for_token(engine, third) is None
    assert "sign_out" in _actions(engine)


def test_sessions_of_erased_accounts_are_invalid(engine: Engine) -> None:
    account = _sign_up(engine)
    token = auth.create_session(engine, account.id)
    with db.write(engine) as session:
        session.execute(update(User).where(User.id == account.id).values(erased_at=db.utcnow()))
    assert auth.account_for_token(engine, token) is None
    with pytest.raises(LookupError):
        auth.create_session(engine, account.id)


def test_last_seen_is_updated_at_most_every_few_minutes(engine: Engine) -> None:
    account = _sign_up(engine)
    token = auth.create_session(engine, account.id, now=T0)

    def last_seen() -> datetime | None:
        with db.read(engine) as session:
            return session.scalars(select(AuthSession.last_seen_at)).one()

    auth.account_for_token(engine, token, now=T0 + timedelta(minutes=1))
    assert last_seen() == T0
    auth.account_for_token(engine, token, now=T0 + timedelta(minutes=6))
    assert last_seen() == T0 + timedelta(minutes=6)


# --- accounts and roles --------------------------------------------------------------------------


def test_add_user_enforces_roles_and_password_policy(engine: Engine) -> None:
    with pytest.raises(auth.AccountError) as caught:
        auth.add_user(engine, email="t@example.org", name="Théo", password="short", roles=["boss"])
    assert set(caught.value.errors) == {"roles", "password"}
    with pytest.raises(auth.AccountError) as caught:
        auth.add_user(engine, email="t@example.org", name="Théo", password=PASSWORD, roles=[])
    assert caught.value.errors == {"roles": auth.MSG_ROLES_EMPTY}
    assert auth.list_accounts(engine) == []
    account = auth.add_user(engine, email="T@example.org", name="Théo", password=PASSWORD, roles=["trainer", "learner"])
    assert account.roles == frozenset({"trainer", "learner"})
    assert account.has_role("trainer", "admin")
    assert not account.has_role("admin")
    assert auth.get_account(engine, account.id) == account
    assert auth.get_account(engine, 12345) is None


def test_set_roles_is_audited_with_before_and_after(engine: Engine) -> None:
    admin = auth.add_user(engine, email="admin@example.org", name="Ada", password=PASSWORD, roles=["admin"])
    user = _sign_up(engine)
    changed = auth.set_roles(engine, actor_id=admin.id, account_id=user.id, roles=["learner", "coordinator"])
    assert changed.roles == frozenset({"learner", "coordinator"})
    assert auth.get_account(engine, user.id).roles == frozenset({"learner", "coordinator"})
    [entry] = audit_entries(engine, action="role_change")
    assert entry.actor_id == admin.id
    assert entry.target == f"user:{user.id}"
    assert entry.details == {"before": ["learner"], "after": ["coordinator", "learner"]}
    with pytest.raises(auth.RoleError):
        auth.set_roles(engine, actor_id=admin.id, account_id=user.id, roles=["pope"])
    with pytest.raises(LookupError):
        auth.set_roles(engine, actor_id=admin.id, account_id=999, roles=["learner"])


def test_the_last_admin_cannot_be_demoted(engine: Engine) -> None:
    first = auth.add_user(engine, email="a1@example.org", name="Ada", password=PASSWORD, roles=["admin"])
    with pytest.raises(auth.LastAdminError) as caught:
        auth.set_roles(engine, actor_id=first.id, account_id=first.id, roles=["learner"])
    assert caught.value.errors == {"roles": auth.MSG_LAST_ADMIN}
    assert auth.get_account(engine, first.id).roles == frozenset({"admin"})
    second = auth.add_user(engine, email="a2@example.org", name="Bob", password=PASSWORD, roles=["admin"])
    auth.set_roles(engine, actor_id=second.id, account_id=first.id, roles=["learner"])
    with pytest.raises(auth.LastAdminError):
        auth.set_roles(engine, actor_id=second.id, account_id=second.id, roles=["trainer"])
    assert audit_entries(engine, action="role_change")[0].details["after"] == ["learner"]


def test_list_accounts_search(engine: Engine) -> None:
    auth.add_user(engine, email="zoe@example.org", name="Zoé Bernard", password=PASSWORD, roles=["learner"])
    auth.add_user(engine, email="yann@hopital.fr", name="Yann Petit", password=PASSWORD, roles=["trainer"])
    assert [a.email for a in auth.list_accounts(engine)] == ["yann@hopital.fr", "zoe@example.org"]
    assert [a.email for a in auth.list_accounts(engine, search="HOPITAL")] == ["yann@hopital.fr"]
    assert [a.email for a in auth.list_accounts(engine, search="bernard")] == ["zoe@example.org"]
    assert auth.list_accounts(engine, search="%") == []
    assert len(auth.list_accounts(engine, limit=1)) == 1


def test_set_password_revokes_sessions(engine: Engine) -> None:
    account = _sign_up(engine)
    token = auth.create_session(engine, account.id)
    with pytest.raises(auth.AccountError):
        auth.set_password(engine, account.id, "123")
    auth.set_password(engine, account.id, "a-brand-new-passphrase")
    assert auth.account_for_token(engine, token) is None
    assert auth.authenticate(engine, account.email, "a-brand-new-passphrase") == account


def test_settings(engine: Engine) -> None:
    assert auth.get_setting(engine, "self_signup") is True
    assert auth.get_setting(engine, "unknown", "fallback") == "fallback"
    auth.set_setting(engine, "self_signup", False, actor_id=None)
    auth.set_setting(engine, "self_signup", True, actor_id=None)
    auth.set_setting(engine, "welcome", {"fr": "Bienvenue"})
    assert auth.get_setting(engine, "self_signup") is True
    assert auth.get_setting(engine, "welcome") == {"fr": "Bienvenue"}
    details = [e.details for e in reversed(audit_entries(engine, action="setting_change"))]
    assert details[:2] == [{"before": True, "after": False}, {"before": False, "after": True}]


def test_locale(engine: Engine) -> None:
    account = _sign_up(engine, locale="en")
    assert account.locale == "en"
    auth.set_locale(engine, account.id, "fr")
    assert auth.get_account(engine, account.id).locale == "fr"
    with pytest.raises(auth.AccountError):
        auth.set_locale(engine, account.id, "xx")
