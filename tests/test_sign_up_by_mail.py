"""Self sign-up with mail configured: the same answer whether or not the address has an account."""

from __future__ import annotations

from apptest_support import make_account, open_page
from mail_support import links, token_of
from sqlalchemy import select

from academy.accounts import auth, invitations
from academy.i18n import t
from academy.store import db
from academy.store.models import User


def sign_up(email: str, name: str = "Nour Haddad"):
    at = open_page("app.py")
    at.text_input(key="su_email").input(email)
    at.text_input(key="su_name").input(name)
    assert not [node for node in at.text_input if node.key in ("su_password", "su_password2")]  # chosen by mail
    return next(b for b in at.button if b.label == t("auth.sign_up")).click().run()


def test_a_new_and_a_taken_address_get_the_same_answer_and_a_mail_each(app_env, smtp) -> None:
    auth.set_setting(app_env, "self_signup", True)
    make_account(app_env, "learner", email="lea@example.org", name="Léa Martin")
    answers = []
    for email in ("nour@example.org", "lea@example.org"):
        at = sign_up(email)
        assert not at.exception
        answers.append(([s.value for s in at.success], [e.value for e in at.error]))
        assert "auth_token" not in at.session_state  # nobody is signed in by the form itself
    assert answers[0] == answers[1] == ([t("auth.sign_up_sent")], [])
    messages = {m["To"]: m for m in smtp.sink.wait_for(2)}
    assert set(messages) == {"nour@example.org", "lea@example.org"}
    # The new address chooses its password from its mail, which signs it in.
    [link] = links(messages["nour@example.org"])
    account = invitations.complete(app_env, token_of(link), "mon-mot-de-passe-2026")
    assert account.email == "nour@example.org" and account.roles == frozenset({"learner"})
    # The existing account only got a reset link; its data are untouched.
    [reset] = links(messages["lea@example.org"])
    assert invitations.check_link(app_env, token_of(reset)).purpose == "reset"
    with db.read(app_env) as session:
        lea = session.scalar(select(User).where(User.email == "lea@example.org"))
    assert lea.name == "Léa Martin"


def test_field_errors_are_still_shown_next_to_their_field(app_env, smtp) -> None:
    auth.set_setting(app_env, "self_signup", True)
    at = sign_up("pas-une-adresse", name="")
    assert {e.value for e in at.error} == {auth.MSG_EMAIL_INVALID, auth.MSG_NAME_REQUIRED}
    assert not at.success
