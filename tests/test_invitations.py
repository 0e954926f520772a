"""Invitations and password resets by link: real mails from aiosmtpd, their links followed, a fixed clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mail_support import BASE_URL, links, text_of, token_of
from sqlalchemy import Engine, func, select

from academy.accounts import auth, data_rights, invitations, mail, tokens
from academy.coordination import cohorts, roster_import
from academy.store import db
from academy.store.models import AccountToken, MailMessage, User

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "un-nouveau-mot-de-passe"


def _count(engine: Engine, model) -> int:
    with db.read(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def _invite_by_mail(engine: Engine, smtp, email: str = "lea.martin@example.org", name: str = "Léa Martin") -> str:
    result = invitations.invite(engine, email=email, name=name, base_url=BASE_URL)
    assert result.created and result.invitation.mailed and result.invitation.link is None
    mail.flush(engine)
    [message] = smtp.sink.wait_for(1)
    [link] = links(message)
    return link


def test_an_invitation_mail_lets_the_person_choose_a_password_once(engine: Engine, smtp) -> None:
    link = _invite_by_mail(engine, smtp)
    assert link.startswith(f"{BASE_URL}/password?token=")
    [message] = smtp.sink.messages
    assert message["To"] == "lea.martin@example.org"
    assert "Bonjour Léa Martin" in text_of(message) and "14 jours" in text_of(message)
    with pytest.raises(auth.SignInError):  # invited: no usable password yet
        auth.authenticate(engine, "lea.martin@example.org", "")
    with db.read(engine) as session:  # only the hash of the token is stored
        stored = session.scalar(select(AccountToken.token_hash))
    assert stored == auth.token_hash(token_of(link)) and token_of(link) not in stored

    token = token_of(link)
    check = invitations.check_link(engine, token)
    assert (check.status, check.purpose, check.email) == (tokens.VALID, tokens.INVITATION, "lea.martin@example.org")
    account = invitations.complete(engine, token, PASSWORD)
    assert account.email == "lea.martin@example.org" and account.roles == frozenset({"learner"})
    assert auth.authenticate(engine, "lea.martin@example.org", PASSWORD).id == account.id

    with pytest.raises(invitations.LinkError) as used:  # single use
        invitations.complete(engine, token, NEW_PASSWORD)
    assert used.value.status == tokens.USED
    assert auth.authenticate(engine, "lea.martin@example.org", PASSWORD).id == account.id
    assert invitations.pending_invitations(engine) == []


def test_links_expire_on_a_fixed_clock(engine: Engine, no_smtp) -> None:
    account = auth.add_user(engine, email="a@example.org", name="Alice Bernard", password=PASSWORD, roles={"learner"})
    start = db.utcnow()
    with db.write(engine) as session:
        invitation = tokens.issue(session, account.id, tokens.INVITATION, now=start)
    with db.write(engine) as session:
        reset = tokens.issue(session, account.id, tokens.RESET, now=start)
    almost = start + timedelta(hours=1) - timedelta(seconds=1)
    assert invitations.check_link(engine, reset, now=almost).status == tokens.VALID
    assert invitations.check_link(engine, reset, now=start + timedelta(hours=1)).status == tokens.EXPIRED
    assert invitations.check_link(engine, invitation, now=start + timedelta(days=13, hours=23)).status == tokens.VALID
    later = start + timedelta(days=14, seconds=1)
    assert invitations.check_link(engine, invitation, now=later).status == tokens.EXPIRED
    with pytest.raises(invitations.LinkError) as expired:
        invitations.complete(engine, invitation, NEW_PASSWORD, now=later)
    assert expired.value.status == tokens.EXPIRED
    assert auth.authenticate(engine, "a@example.org", PASSWORD)  # unchanged
    assert invitations.check_link(engine, "not-a-token").status == tokens.UNKNOWN
    assert invitations.check_link(engine, None).status == tokens.UNKNOWN


def test_a_new_link_replaces_the_previous_one(engine: Engine, no_smtp) -> None:
    first = invitations.invite(engine, email="b@example.org", base_url=BASE_URL)
    assert first.invitation.link is not None and not first.invitation.mailed  # no SMTP: the link is returned
    again = invitations.resend_invitation(engine, first.account.id, base_url=BASE_URL, actor_id=None)
    assert invitations.check_link(engine, token_of(first.invitation.link)).status == tokens.REPLACED
    assert invitations.check_link(engine, token_of(again.link)).status == tokens.VALID
    assert _count(engine, MailMessage) == 0  # nothing queued without mail


def test_a_weak_password_keeps_the_link_valid(engine: Engine, no_smtp) -> None:
    result = invitations.invite(engine, email="c@example.org", name="Chloé Petit", base_url=BASE_URL)
    token = token_of(result.invitation.link)
    with pytest.raises(auth.AccountError):
        invitations.complete(engine, token, "court")
    assert invitations.check_link(engine, token).valid
    invitations.complete(engine, token, PASSWORD)


def test_a_reset_revokes_every_session_and_other_links(engine: Engine, smtp) -> None:
    account = auth.add_user(engine, email="d@example.org", name="Denis Roux", password=PASSWORD, roles={"learner"})
    session_token = auth.create_session(engine, account.id)
    admin_link = invitations.reset_link(engine, account.id, base_url=BASE_URL, actor_id=None, deliver=False)
    assert invitations.request_reset(engine, "D@Example.org ", base_url=BASE_URL)
    mail.flush(engine)
    [message] = smtp.sink.wait_for(1)
    assert message["Subject"] == "Réinitialisation de votre mot de passe"
    [link] = links(message)
    assert invitations.check_link(engine, token_of(admin_link.link)).status == tokens.REPLACED

    invitations.complete(engine, token_of(link), NEW_PASSWORD)
    assert auth.account_for_token(engine, session_token) is None  # signed out everywhere
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "d@example.org", PASSWORD)  # the old password is refused
    assert auth.authenticate(engine, "d@example.org", NEW_PASSWORD).id == account.id


def test_forgotten_password_is_silent_for_unknown_addresses_and_limited(engine: Engine, smtp) -> None:
    assert not invitations.request_reset(engine, "nobody@example.org", base_url=BASE_URL)
    auth.add_user(engine, email="e@example.org", name="Emma Blanc", password=PASSWORD, roles={"learner"})
    sent = [invitations.request_reset(engine, "e@example.org", base_url=BASE_URL) for _ in range(5)]
    assert sent == [True, True, True, False, False]  # at most RESET_REQUESTS_PER_HOUR mails an hour
    assert mail.flush(engine).sent == 3
    assert {str(m["To"]) for m in smtp.sink.wait_for(3)} == {"e@example.org"}


def test_forgotten_password_does_nothing_without_mail(engine: Engine, no_smtp) -> None:
    auth.add_user(engine, email="f@example.org", name="Félix Noir", password=PASSWORD, roles={"learner"})
    assert not invitations.request_reset(engine, "f@example.org", base_url=BASE_URL)
    assert _count(engine, AccountToken) == 0


def test_invite_an_existing_account_adds_the_role_and_keeps_its_data(engine: Engine, no_smtp) -> None:
    account = auth.add_user(engine, email="g@example.org", name="Gaëlle Roy", password=PASSWORD, roles={"learner"})
    result = invitations.invite(engine, email="g@example.org", name="Autre Nom", role="coordinator",
                                base_url=BASE_URL)
    assert not result.created and result.had_password
    assert result.account.id == account.id and result.account.name == "Gaëlle Roy"
    assert result.account.roles == frozenset({"learner", "coordinator"})
    with pytest.raises(auth.AccountError):
        invitations.invite(engine, email="pas-une-adresse", base_url=BASE_URL)
    with pytest.raises(auth.AccountError):
        invitations.invite(engine, email="h@example.org", role="boss", base_url=BASE_URL)
    with pytest.raises(ValueError, match="absolute"):
        invitations.invite(engine, email="h@example.org", base_url="formation.chu.fr")
    with db.read(engine) as session:
        assert session.scalar(select(User.id).where(User.email == "h@example.org")) is None


def test_admin_set_password_revokes_pending_links(engine: Engine, no_smtp) -> None:
    result = invitations.invite(engine, email="i@example.org", name="Inès Garnier", base_url=BASE_URL)
    assert [p.email for p in invitations.pending_invitations(engine)] == ["i@example.org"]
    invitations.set_password(engine, result.account.id, PASSWORD, actor_id=None)
    assert invitations.check_link(engine, token_of(result.invitation.link)).status == tokens.REPLACED
    assert invitations.pending_invitations(engine) == []
    assert auth.authenticate(engine, "i@example.org", PASSWORD)


def test_roster_import_invites_each_new_account_by_mail(engine: Engine, smtp) -> None:
    coordinator = auth.add_user(engine, email="coord@example.org", name="Coordination", password=PASSWORD,
                                roles={"coordinator"})
    auth.add_user(engine, email="deja@example.org", name="Déjà Inscrite", password=PASSWORD, roles={"learner"})
    cohort = cohorts.create_cohort(engine, "Promo 2026", actor_id=coordinator.id)
    rows = [f"interne{n:02d}@chu-exemple.fr;Interne {n:02d};interne" for n in range(1, 21)]
    csv = "\n".join(["email;nom;profession", *rows, "deja@example.org;Déjà Inscrite;medecin"]).encode()
    preview = roster_import.preview_import(csv, engine)
    result = roster_import.apply_import(preview, engine, cohort.id, coordinator.id, invite_base_url=BASE_URL)
    assert (result.created_accounts, len(result.invitations), result.links_to_share) == (20, 20, ())
    assert mail.flush(engine).sent == 20
    received = smtp.sink.wait_for(20)
    assert len(received) == 20 and not smtp.sink.to("deja@example.org")  # existing accounts are not invited
    for message in received:  # every one of the 20 can sign in through the mail they received
        [link] = links(message)
        account = invitations.complete(engine, token_of(link), PASSWORD)
        assert str(message["To"]) == account.email
        assert auth.authenticate(engine, account.email, PASSWORD).id == account.id


def test_roster_import_without_mail_returns_the_links(engine: Engine, no_smtp) -> None:
    cohort = cohorts.create_cohort(engine, "Promo IFSI", actor_id=None)
    preview = roster_import.preview_import(b"email,nom,profession\nx1@example.org,X Un,infirmier\n", engine)
    result = roster_import.apply_import(preview, engine, cohort.id, None, invite_base_url=BASE_URL)
    [shared] = result.links_to_share
    assert shared.email == "x1@example.org" and shared.link.startswith(f"{BASE_URL}/password?token=")
    assert invitations.check_link(engine, token_of(shared.link)).valid


def test_add_member_invites_a_new_account_only(engine: Engine, smtp) -> None:
    cohort = cohorts.create_cohort(engine, "DPC", actor_id=None)
    added = cohorts.add_member(engine, cohort.id, email="new@example.org", name="Nouvelle Personne", actor_id=None,
                               invite_base_url=BASE_URL)
    assert added.created and added.invitation is not None and added.invitation.mailed
    auth.add_user(engine, email="old@example.org", name="Ancien Compte", password=PASSWORD, roles={"learner"})
    existing = cohorts.add_member(engine, cohort.id, email="old@example.org", actor_id=None, invite_base_url=BASE_URL)
    assert not existing.created and existing.invitation is None
    mail.flush(engine)
    assert [str(m["To"]) for m in smtp.sink.wait_for(1)] == ["new@example.org"]


def test_erasure_removes_links_and_queued_mails(engine: Engine, smtp) -> None:
    result = invitations.invite(engine, email="j@example.org", name="Jules Faure", base_url=BASE_URL)
    token = token_of(invitations.reset_link(engine, result.account.id, base_url=BASE_URL, actor_id=None,
                                            deliver=False).link)
    assert _count(engine, MailMessage) == 1
    data_rights.erase_learner(engine, result.account.id, actor_id=None)
    assert _count(engine, MailMessage) == 0 and _count(engine, AccountToken) == 0
    assert invitations.check_link(engine, token).status == tokens.UNKNOWN
