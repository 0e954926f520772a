"""Forgotten password on the sign-in form, the password and unsubscribe pages, and the Admin page's mail and
password actions, in AppTest; mails come from a real SMTP server (aiosmtpd) and their links are followed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from apptest_support import make_account, open_page
from mail_support import BASE_URL, links, token_of
from streamlit.testing.v1 import AppTest

from academy.accounts import auth, invitations, mail, tokens
from academy.coordination import cohorts, reminders
from academy.i18n import t
from academy.store import db

PASSWORD, NEW_PASSWORD = "correct-horse-battery", "un-tout-nouveau-secret"
PASSWORD_PAGE, UNSUBSCRIBE_PAGE, ADMIN = "pages/14_password.py", "pages/15_unsubscribe.py", "pages/9_admin.py"


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def forgot(at: AppTest, email: str) -> AppTest:
    at.text_input(key="forgot_email").input(email)
    return button(at, "Recevoir un lien").click().run()


def set_password(at: AppTest, first: str, second: str | None = None) -> AppTest:
    at.text_input(key="new_password").input(first)
    at.text_input(key="new_password2").input(second if second is not None else first)
    return button(at, "Enregistrer et me connecter").click().run()


def test_forgotten_password_same_answer_then_reset_by_mail(app_env, smtp) -> None:
    account = make_account(app_env, "learner", email="lea@example.org", name="Léa Martin")
    old_session = auth.create_session(app_env, account.id)
    answers = []
    for email in ("personne@example.org", "lea@example.org"):
        at = forgot(open_page("app.py"), email)
        assert not at.exception
        answers.append([s.value for s in at.success])
    assert answers[0] == answers[1] == [t("password.forgot_sent")]  # the same answer, known or not
    [message] = smtp.sink.wait_for(1)  # sent by the app's background sender
    assert message["To"] == "lea@example.org"
    [link] = links(message)
    assert link.startswith(f"{BASE_URL}/password?token=")

    at = open_page(PASSWORD_PAGE, query={"token": token_of(link)})
    assert not at.exception
    assert at.title[0].value == "Choisir un nouveau mot de passe"
    at = set_password(at, NEW_PASSWORD)
    assert at.title[0].value == "Mot de passe enregistré"
    token = at.session_state["auth_token"]
    assert auth.account_for_token(app_env, token).id == account.id  # the used link signed the person in
    assert auth.account_for_token(app_env, old_session) is None  # other sessions revoked
    with pytest.raises(auth.SignInError):
        auth.authenticate(app_env, "lea@example.org", PASSWORD)  # the old password is refused
    assert auth.authenticate(app_env, "lea@example.org", NEW_PASSWORD).id == account.id

    again = open_page(PASSWORD_PAGE, query={"token": token_of(link)})
    assert at.session_state["auth_token"] and not again.exception
    assert again.error[0].value == t("password.link_used")  # single use, with a clear message


def test_forgotten_password_without_mail_says_so(app_env, no_smtp) -> None:
    make_account(app_env, "learner", email="lea@example.org")
    for email in ("personne@example.org", "lea@example.org"):
        at = forgot(open_page("app.py"), email)
        assert [i.value for i in at.info] == [t("password.forgot_no_mail")]


def test_an_invitation_link_opens_the_page_and_refuses_bad_passwords(app_env, no_smtp) -> None:
    result = invitations.invite(app_env, email="nina@example.org", name="Nina Petit", base_url=BASE_URL)
    at = open_page(PASSWORD_PAGE, query={"token": token_of(result.invitation.link)})
    assert at.title[0].value == "Bienvenue : choisissez votre mot de passe"
    assert at.markdown[0].value == "Compte : **nina\\@example\\.org**"  # shown literally (escaped Markdown)
    at = set_password(at, NEW_PASSWORD, "autre-chose-encore")
    assert t("auth.passwords_differ") in [e.value for e in at.error]
    at = set_password(at, "1234567890")
    assert any("uniquement de chiffres" in e.value for e in at.error), [e.value for e in at.error]
    assert invitations.check_link(app_env, token_of(result.invitation.link)).valid  # still usable
    at = set_password(at, NEW_PASSWORD)
    assert at.success[0].value == t("password.done")
    assert auth.authenticate(app_env, "nina@example.org", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("expired", "password.link_expired"),
        ("forged", "password.link_unknown"),
        ("replaced", "password.link_replaced"),
    ],
)
def test_unusable_links_are_explained(app_env, no_smtp, make: str, message: str) -> None:
    account = make_account(app_env, "learner")
    if make == "forged":
        token = "pas-un-vrai-jeton"
    else:
        with db.write(app_env) as session:
            token = tokens.issue(session, account.id, tokens.RESET,
                                 now=db.utcnow() - timedelta(hours=2 if make == "expired" else 0))
        if make == "replaced":
            invitations.reset_link(app_env, account.id, base_url=BASE_URL, actor_id=None)
    at = open_page(PASSWORD_PAGE, query={"token": token})
    assert not at.exception
    assert at.error[0].value == t(message)
    assert at.text_input(key="forgot_page_email")  # and a way to ask for a new link


def test_password_page_without_a_link_offers_the_forgotten_password_form(app_env, smtp) -> None:
    make_account(app_env, "learner", email="lea@example.org")
    at = open_page(PASSWORD_PAGE)
    assert at.title[0].value == "Mot de passe oublié"
    at.text_input(key="forgot_page_email").input("lea@example.org")
    at = button(at, "Recevoir un lien").click().run()
    assert at.success[0].value == t("password.forgot_sent")
    assert len(smtp.sink.wait_for(1)) == 1


def test_unsubscribe_page_needs_a_click_and_can_be_undone(app_env, smtp) -> None:
    learner = make_account(app_env, "learner", email="lea@example.org")
    cohort = cohorts.create_cohort(app_env, "Promo", actor_id=None)
    cohorts.add_member(app_env, cohort.id, email=learner.email, actor_id=None)
    cohorts.assign_module(app_env, cohort.id, "fondamentaux-ia-sante", due_date=date(2026, 3, 10),
                          known_modules={"fondamentaux-ia-sante"}, actor_id=None)
    reminders.send_reminders(app_env, modules={"fondamentaux-ia-sante": "Fondamentaux"}, base_url=BASE_URL,
                             today=date(2026, 3, 10))
    mail.flush(app_env)
    [message] = smtp.sink.wait_for(1)
    unsubscribe = links(message)[-1]
    at = open_page(UNSUBSCRIBE_PAGE, query={"token": token_of(unsubscribe)})
    assert not at.exception
    assert not reminders.is_unsubscribed(app_env, learner.id)  # opening the link changes nothing
    at = button(at, "Ne plus recevoir les rappels").click().run()
    assert reminders.is_unsubscribed(app_env, learner.id)
    assert "ne recevra plus de rappels" in at.success[0].value
    button(at, "Recevoir à nouveau les rappels").click().run()
    assert not reminders.is_unsubscribed(app_env, learner.id)
    forged = open_page(UNSUBSCRIBE_PAGE, query={"token": "faux"})
    assert forged.error[0].value == t("unsubscribe.invalid")


def _admin(engine) -> str:
    admin = make_account(engine, "admin", email="admin@example.org", name="Ada Admin")
    return auth.create_session(engine, admin.id)


def test_admin_without_mail_sees_pending_invitations_and_copies_links(app_env, no_smtp) -> None:
    token = _admin(app_env)
    invited = invitations.invite(app_env, email="nina@example.org", name="Nina Petit", base_url=BASE_URL)
    at = open_page(ADMIN, token)
    assert not at.exception
    assert t("admin.mail_off") in [w.value for w in at.warning]
    assert any("nina\\@example\\.org" in m.value and "valable jusqu’au" in m.value for m in at.markdown)
    at = button(at, "Renvoyer l’invitation").click().run()
    assert not at.exception
    assert t("links.mail_off") in [i.value for i in at.info]
    [code] = at.code
    assert code.value.startswith(f"{BASE_URL}/password?token=")
    assert not invitations.check_link(app_env, token_of(invited.invitation.link)).valid  # replaced
    assert not at.button(key="dismiss_admin_links").click().run().code  # hidden once passed on
    account = invitations.complete(app_env, token_of(code.value), PASSWORD)
    assert account.email == "nina@example.org"


def test_admin_sets_a_password_and_mails_a_reset_link(app_env, smtp) -> None:
    token = _admin(app_env)
    learner = make_account(app_env, "learner", email="lea@example.org", name="Léa Martin")
    learner_session = auth.create_session(app_env, learner.id)
    at = open_page(ADMIN, token)
    assert any("Envoi d’e-mails configuré" in s.value for s in at.success)
    at.text_input(key=f"pw_{learner.id}").input(NEW_PASSWORD)
    at.text_input(key=f"pw2_{learner.id}").input(NEW_PASSWORD)
    at = next(b for b in at.button if b.form_id == f"password_{learner.id}").click().run()
    assert not at.exception
    assert t("admin.password_saved", email="lea@example.org") in [s.value for s in at.success]
    assert auth.authenticate(app_env, "lea@example.org", NEW_PASSWORD).id == learner.id
    assert auth.account_for_token(app_env, learner_session) is None

    at = at.button(key=f"reset_{learner.id}").click().run()
    assert t("admin.reset_sent", email="lea@example.org") in [s.value for s in at.success]
    [message] = smtp.sink.wait_for(1)
    assert message["Subject"] == "Réinitialisation de votre mot de passe"
    invitations.complete(app_env, token_of(links(message)[0]), PASSWORD)
    assert auth.authenticate(app_env, "lea@example.org", PASSWORD).id == learner.id
