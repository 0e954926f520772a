"""Cohorts page: importing a roster or adding a member invites the new accounts (mailed through aiosmtpd, or the
links shown to the coordinator when mail is off); every invited person signs in through their link."""

from __future__ import annotations

from apptest_support import make_account, open_page
from mail_support import BASE_URL, links, token_of
from streamlit.testing.v1 import AppTest

from academy.accounts import auth, invitations
from academy.coordination import cohorts
from academy.i18n import t
from academy.ui.text import escape_markdown

COHORTS, PASSWORD_PAGE = "pages/7_cohorts.py", "pages/14_password.py"
PASSWORD = "correct-horse-battery"


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def coordinator(engine) -> tuple[auth.Account, str]:
    account = make_account(engine, "coordinator")
    return account, auth.create_session(engine, account.id)


def roster(count: int) -> bytes:
    rows = [f"interne{n:03d}@chu-exemple.fr;Interne {n:03d};Interne;" for n in range(1, count + 1)]
    return "\r\n".join(["email;nom;profession;rpps", *rows, ""]).encode("utf-8-sig")


def import_roster(at: AppTest, count: int, cohort_name: str) -> AppTest:
    at.file_uploader(key="roster_0").upload("promo.csv", roster(count), "text/csv").run()
    return button(at, f"Importer {count} apprenant(s) dans « {cohort_name} »").click().run()


def test_a_roster_of_20_each_signs_in_through_the_mail_they_receive(app_env, smtp) -> None:
    """The issue's acceptance scenario: a coordinator imports 20 people; each signs in through their mail."""
    coord, token = coordinator(app_env)
    cohort = cohorts.create_cohort(app_env, "DPC IA 2026", actor_id=coord.id)
    at = import_roster(open_page(COHORTS, token), 20, "DPC IA 2026")
    assert not at.exception
    assert any(t("cohorts.import_new_accounts") in s.value for s in at.success)
    assert not at.code
    received = smtp.sink.wait_for(20)
    assert sorted(str(m["To"]) for m in received) == [f"interne{n:03d}@chu-exemple.fr" for n in range(1, 21)]
    for message in received:
        [link] = links(message)
        assert link.startswith(f"{BASE_URL}/password?token=")
        page = open_page(PASSWORD_PAGE, query={"token": token_of(link)})
        page.text_input(key="new_password").input(PASSWORD)
        page.text_input(key="new_password2").input(PASSWORD)
        page = button(page, "Enregistrer et me connecter").click().run()
        assert page.success[0].value == t("password.done"), str(message["To"])
        signed_in = auth.account_for_token(app_env, page.session_state["auth_token"])
        assert signed_in.email == str(message["To"])
        assert auth.authenticate(app_env, signed_in.email, PASSWORD).id == signed_in.id
    assert len(cohorts.members(app_env, cohort.id)) == 20
    assert invitations.pending_invitations(app_env) == []


def test_a_roster_without_mail_shows_every_link(app_env, no_smtp) -> None:
    coord, token = coordinator(app_env)
    cohorts.create_cohort(app_env, "Promo", actor_id=coord.id)
    at = import_roster(open_page(COHORTS, token), 3, "Promo")
    assert not at.exception
    assert any(t("cohorts.import_links") in s.value for s in at.success)
    assert len(at.code) == 3
    for code in at.code:
        assert invitations.complete(app_env, token_of(code.value), PASSWORD)


def test_a_coordinator_adds_a_member_who_gets_an_invitation_mail(app_env, smtp) -> None:
    coord, token = coordinator(app_env)
    cohort = cohorts.create_cohort(app_env, "Promo IFSI", actor_id=coord.id)
    at = open_page(COHORTS, token)
    at.text_input(key="member_email").input("nina.petit@example.org")
    at.text_input(key="member_name").input("Nina Petit")
    at = button(at, "Ajouter").click().run()
    assert not at.exception
    assert t("cohorts.member_created", email=escape_markdown("nina.petit@example.org")) in [s.value for s in at.success]
    assert not at.code  # no link on screen: it went by mail
    [message] = smtp.sink.wait_for(1)
    assert message["To"] == "nina.petit@example.org"
    [link] = links(message)

    page = open_page(PASSWORD_PAGE, query={"token": token_of(link)})
    page.text_input(key="new_password").input(PASSWORD)
    page.text_input(key="new_password2").input(PASSWORD)
    page = button(page, "Enregistrer et me connecter").click().run()
    assert page.success[0].value == t("password.done")
    account = auth.authenticate(app_env, "nina.petit@example.org", PASSWORD)
    assert [m.user_id for m in cohorts.members(app_env, cohort.id)] == [account.id]


def test_without_mail_the_coordinator_sees_the_link_to_pass_on(app_env, no_smtp) -> None:
    coord, token = coordinator(app_env)
    cohorts.create_cohort(app_env, "Promo IFSI", actor_id=coord.id)
    at = open_page(COHORTS, token)
    at.text_input(key="member_email").input("nina.petit@example.org")
    at.text_input(key="member_name").input("Nina Petit")
    at = button(at, "Ajouter").click().run()
    created = t("cohorts.member_created_link", email=escape_markdown("nina.petit@example.org"))
    assert created in [s.value for s in at.success]
    assert t("links.mail_off") in [i.value for i in at.info]
    [code] = at.code
    assert code.value.startswith(f"{BASE_URL}/password?token=")
    at = at.run()  # the links stay on screen until dismissed
    assert len(at.code) == 1
    at = at.button(key="dismiss_links").click().run()
    assert not at.code
    assert invitations.complete(app_env, token_of(code.value), PASSWORD).email == "nina.petit@example.org"
