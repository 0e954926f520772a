"""Single sign-on: an OpenID Connect identity opens the local account with the same verified address."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select

from academy.accounts import auth, sso
from academy.store import db
from academy.store.audit import audit_entries
from academy.store.models import ExternalIdentity

ISSUER = "https://idp.chu.example/realms/soignants"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=db.utcnow().tzinfo)


def _identity(subject: str = "a1b2", email: str = "Jeanne.Interne@CHU.example", verified: bool = True,
              name: str = "Jeanne Interne") -> sso.Identity:
    return sso.Identity.from_claims(
        {"iss": ISSUER, "sub": subject, "email": email, "email_verified": verified, "name": name}
    )


def test_a_first_sign_in_creates_a_learner_without_a_usable_password(engine: Engine) -> None:
    account = sso.account_for_identity(engine, _identity(), now=T0)
    assert (account.email, account.name, account.roles) == ("jeanne.interne@chu.example", "Jeanne Interne",
                                                           frozenset({"learner"}))
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, account.email, "!sso")
    actions = {entry.action for entry in audit_entries(engine)}
    assert {"sign_up_sso", "identity_linked", "sign_in_sso"} <= actions


def test_an_existing_account_is_linked_by_verified_address_and_keeps_its_roles(engine: Engine) -> None:
    local = auth.add_user(engine, email="jeanne.interne@chu.example", name="Dr Jeanne Interne",
                          password="formatrice-2026-ok", roles=["trainer", "learner"])
    account = sso.account_for_identity(engine, _identity(), now=T0)
    assert account.id == local.id
    assert account.roles == frozenset({"trainer", "learner"})
    assert account.name == "Dr Jeanne Interne"  # the local profile wins
    with db.read(engine) as session:
        link = session.scalars(select(ExternalIdentity)).one()
    assert (link.user_id, link.issuer, link.subject) == (local.id, ISSUER, "a1b2")


def test_later_sign_ins_follow_the_subject_even_if_the_address_changed(engine: Engine) -> None:
    first = sso.account_for_identity(engine, _identity(), now=T0)
    again = sso.account_for_identity(engine, _identity(email="j.interne@chu.example", verified=False), now=T0)
    assert again.id == first.id


def test_an_unverified_or_missing_address_is_refused_and_creates_nothing(engine: Engine) -> None:
    with pytest.raises(sso.IdentityError) as refused:
        sso.account_for_identity(engine, _identity(verified=False))
    assert refused.value.code == sso.EMAIL_NOT_VERIFIED
    with pytest.raises(sso.IdentityError) as refused:
        sso.account_for_identity(engine, _identity(email=""))
    assert refused.value.code == sso.NO_EMAIL
    assert auth.list_accounts(engine) == []


def test_an_erased_account_cannot_come_back_through_its_provider(engine: Engine) -> None:
    from academy.accounts import data_rights

    account = sso.account_for_identity(engine, _identity())
    admin = auth.add_user(engine, email="admin@example.org", name="Admin", password="gardien-du-site-2026",
                          roles=["admin"])
    data_rights.erase_learner(engine, account.id, actor_id=admin.id)
    with pytest.raises(sso.IdentityError) as refused:
        sso.account_for_identity(engine, _identity())
    assert refused.value.code == sso.ERASED


def test_claims_are_read_leniently() -> None:
    identity = sso.Identity.from_claims({"iss": ISSUER, "sub": "x", "email": "a@b.fr", "email_verified": "true"})
    assert identity.email_verified is True
    assert sso.Identity.from_claims({"sub": "x", "email_verified": "false"}).email_verified is False
