"""Profile: name, profession, RPPS, language (kept for the next sign-ins), password, open sessions.

Domain functions on SQLite (and PostgreSQL when ACADEMY_TEST_DATABASE_URL is set), then the page in AppTest.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from apptest_support import make_account, open_page
from sqlalchemy import Engine, select, update
from streamlit.testing.v1 import AppTest

from academy.accounts import auth, profile
from academy.store import db
from academy.store.audit import audit_entries
from academy.store.models import AuthSession, User

PROFILE = "pages/15_profile.py"
PASSWORD = "correct-horse-battery"  # make_account's
NEW_PASSWORD = "une-toute-nouvelle-phrase"


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def stored_hash(engine: Engine, account_id: int) -> str:
    with db.read(engine) as session:
        return session.scalar(select(User.password_hash).where(User.id == account_id))


# --- identity and language ---------------------------------------------------------------------------


def test_update_profile_changes_the_fields_and_audits_their_names_only(engine: Engine) -> None:
    account = make_account(engine, "learner", "lea@example.org", "Léa Martin")
    updated = profile.update_profile(engine, account.id, name="  Léa   Martin-Durand ", profession="pharmacien",
                                     rpps="100 0000 0009", locale="en")
    assert (updated.name, updated.profession, updated.rpps, updated.locale) == (
        "Léa Martin-Durand", "pharmacien", "10000000009", "en")
    assert auth.get_account(engine, account.id) == updated
    [entry] = audit_entries(engine, action="profile_change")
    assert (entry.actor_id, entry.target) == (account.id, f"user:{account.id}")
    assert entry.details == {"fields": ["locale", "name", "profession", "rpps"]}  # names, never the values
    profile.update_profile(engine, account.id, name="Léa Martin-Durand", profession="pharmacien",
                           rpps="10000000009", locale="en")
    assert len(audit_entries(engine, action="profile_change")) == 1  # nothing changed, nothing audited


@pytest.mark.parametrize(("fields", "errors"), [
    ({"name": "Léa\u202eMartin"}, {"name": auth.MSG_CONTROL_CHARACTERS}),
    ({"name": "   "}, {"name": auth.MSG_NAME_REQUIRED}),
    ({"profession": "Médecin\x00"}, {"profession": auth.MSG_CONTROL_CHARACTERS}),
    ({"rpps": "123"}, {"rpps": auth.MSG_RPPS_INVALID}),
    ({"locale": "de"}, {"locale": auth.MSG_LOCALE_INVALID}),
])
def test_update_profile_refuses_bad_fields_and_changes_nothing(engine: Engine, fields: dict, errors: dict) -> None:
    account = make_account(engine, "learner", "lea@example.org", "Léa Martin")
    values = {"name": "Léa Martin", "profession": "medecin", "rpps": None, "locale": "fr"} | fields
    with pytest.raises(auth.AccountError) as refused:
        profile.update_profile(engine, account.id, **values)
    assert refused.value.errors == errors
    assert auth.get_account(engine, account.id) == account
    assert audit_entries(engine, action="profile_change") == []


# --- password ----------------------------------------------------------------------------------------


def test_change_password_needs_the_current_one_and_signs_out_the_other_sessions(engine: Engine) -> None:
    account = make_account(engine, "learner", "lea@example.org", "Léa Martin")
    here, elsewhere, phone = (auth.create_session(engine, account.id) for _ in range(3))
    before = stored_hash(engine, account.id)

    with pytest.raises(auth.AccountError) as refused:
        profile.change_password(engine, account.id, current_password="not-my-password", new_password=NEW_PASSWORD,
                                keep_token=here)
    assert refused.value.errors == {"current_password": profile.MSG_CURRENT_PASSWORD_WRONG}
    assert stored_hash(engine, account.id) == before
    assert [e.actor_id for e in audit_entries(engine, action="password_change_refused")] == [account.id]
    for weak, message in ((PASSWORD, profile.MSG_SAME_PASSWORD), ("court", auth.MSG_PASSWORD_TOO_SHORT)):
        with pytest.raises(auth.AccountError) as refused:
            profile.change_password(engine, account.id, current_password=PASSWORD, new_password=weak, keep_token=here)
        assert message in refused.value.errors["password"]
    assert stored_hash(engine, account.id) == before
    assert all(auth.account_for_token(engine, token) for token in (here, elsewhere, phone))

    assert profile.change_password(engine, account.id, current_password=PASSWORD, new_password=NEW_PASSWORD,
                                   keep_token=here) == 2
    assert auth.account_for_token(engine, here) is not None  # this browser stays signed in
    assert auth.account_for_token(engine, elsewhere) is None and auth.account_for_token(engine, phone) is None
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "lea@example.org", PASSWORD)
    assert auth.authenticate(engine, "lea@example.org", NEW_PASSWORD).id == account.id
    [entry] = audit_entries(engine, action="password_change")
    assert entry.details == {"other_sessions_signed_out": 2}


def test_sessions_are_listed_and_every_other_one_can_be_signed_out(engine: Engine) -> None:
    account = make_account(engine, "learner", "lea@example.org", "Léa Martin")
    other = make_account(engine, "learner", "paul@example.org", "Paul")
    here, laptop, expired, revoked = (auth.create_session(engine, account.id) for _ in range(4))
    someone_else = auth.create_session(engine, other.id)
    auth.revoke_session(engine, revoked)
    with db.write(engine) as session:
        session.execute(update(AuthSession).where(AuthSession.token_hash == auth.token_hash(expired))
                        .values(expires_at=db.utcnow() - timedelta(minutes=1)))

    listed = profile.active_sessions(engine, account.id, current_token=here)
    assert len(listed) == 2 and [s.current for s in listed].count(True) == 1
    assert all(s.created_at and s.expires_at > s.created_at for s in listed)

    assert profile.sign_out_everywhere_else(engine, account.id, keep_token=here) == 2  # laptop (and the expired one)
    assert [s.current for s in profile.active_sessions(engine, account.id, current_token=here)] == [True]
    assert auth.account_for_token(engine, laptop) is None
    assert auth.account_for_token(engine, someone_else) is not None  # other accounts untouched
    [entry] = audit_entries(engine, action="sign_out_elsewhere")
    assert (entry.actor_id, entry.details) == (account.id, {"sessions": 2})


# --- the page ----------------------------------------------------------------------------------------


def test_profile_page_saves_name_and_language_applied_at_the_next_sign_in(app_env: Engine) -> None:
    account = make_account(app_env, "learner", "lea@example.org", "Léa Martin")
    at = open_page(PROFILE, auth.create_session(app_env, account.id))
    assert not at.exception
    assert at.title[0].value == "Mon profil"
    at.text_input(key="profile_name").input("Léa Martin-Durand")
    at.selectbox(key="profile_profession").set_value("pharmacien")
    at.text_input(key="profile_rpps").input("10000000009")
    at.selectbox(key="profile_locale").set_value("en")
    button(at, "Enregistrer").click().run()
    assert not at.exception
    assert at.title[0].value == "My profile"  # this session switches at once
    assert [s.value for s in at.success] == ["Profile saved."]
    stored = auth.get_account(app_env, account.id)
    assert (stored.name, stored.profession, stored.rpps, stored.locale) == (
        "Léa Martin-Durand", "pharmacien", "10000000009", "en")
    assert "Signed in as Léa Martin\\-Durand" in [c.value for c in at.sidebar.caption]

    fresh = open_page("app.py")  # another browser, signed out: French until the account signs in
    assert fresh.title[0].value != "Hello Léa Martin-Durand"
    fresh.text_input(key="si_email").input("lea@example.org")
    fresh.text_input(key="si_password").input(PASSWORD)
    button(fresh, "Se connecter").click().run()
    assert not fresh.exception
    assert fresh.title[0].value == "Hello Léa Martin\\-Durand"


def test_the_sidebar_language_switch_is_kept_for_the_next_sign_in(app_env: Engine) -> None:
    account = make_account(app_env, "coordinator", "nadia@example.org", "Nadia Haddad")
    at = open_page("app.py", auth.create_session(app_env, account.id))
    at.sidebar.segmented_control(key="locale_switch").set_value("en").run()
    assert not at.exception
    assert auth.get_account(app_env, account.id).locale == "en"
    again = open_page("app.py")  # a new browser session (a refresh loses the session state): sign in again
    again.text_input(key="si_email").input("nadia@example.org")
    again.text_input(key="si_password").input(PASSWORD)
    button(again, "Se connecter").click().run()
    assert again.title[0].value == "Hello Nadia Haddad"
    again.sidebar.segmented_control(key="locale_switch").set_value("fr").run()
    assert again.title[0].value == "Bonjour Nadia Haddad"
    assert auth.get_account(app_env, account.id).locale == "fr"


def test_profile_page_shows_field_errors_under_their_field(app_env: Engine) -> None:
    account = make_account(app_env, "trainer", "tom@example.org", "Tom")
    at = open_page(PROFILE, auth.create_session(app_env, account.id))
    at.text_input(key="profile_name").input("Tom\u202e")
    at.text_input(key="profile_rpps").input("12")
    button(at, "Enregistrer").click().run()
    assert not at.exception
    form = list(at.get("form")[0])
    for field, message in (("profile_name", auth.MSG_CONTROL_CHARACTERS), ("profile_rpps", auth.MSG_RPPS_INVALID)):
        position = next(i for i, node in enumerate(form) if getattr(node, "key", None) == field)
        assert form[position + 1].value == message
    assert auth.get_account(app_env, account.id) == account


def test_password_change_and_sign_out_everywhere_else_from_the_page(app_env: Engine) -> None:
    account = make_account(app_env, "learner", "lea@example.org", "Léa Martin")
    here = auth.create_session(app_env, account.id)
    laptop, phone = auth.create_session(app_env, account.id), auth.create_session(app_env, account.id)
    at = open_page(PROFILE, here)
    sessions = at.dataframe[0].value
    assert len(sessions) == 3 and sessions["Ce navigateur"].tolist().count("oui") == 1
    assert "Autres sessions ouvertes\u00a0: 2" in [c.value for c in at.caption]

    at.text_input(key="pw_current").input("pas-le-bon-mot-de-passe")
    at.text_input(key="pw_new").input(NEW_PASSWORD)
    at.text_input(key="pw_new2").input(NEW_PASSWORD)
    button(at, "Changer le mot de passe").click().run()
    assert [e.value for e in at.error] == [profile.MSG_CURRENT_PASSWORD_WRONG]
    assert auth.account_for_token(app_env, laptop) is not None

    button(at, "Se déconnecter partout ailleurs").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["2 autre(s) session(s) fermée(s)\u00a0: ce navigateur reste connecté."]
    assert auth.account_for_token(app_env, laptop) is None and auth.account_for_token(app_env, phone) is None
    assert len(at.dataframe[0].value) == 1 and button(at, "Se déconnecter partout ailleurs").disabled

    at.text_input(key="pw_current").input(PASSWORD)
    at.text_input(key="pw_new").input(NEW_PASSWORD)
    at.text_input(key="pw_new2").input(NEW_PASSWORD)
    button(at, "Changer le mot de passe").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Mot de passe changé. Vos autres sessions ont été fermées (0)."]
    assert at.title[0].value == "Mon profil"  # still signed in
    assert auth.authenticate(app_env, "lea@example.org", NEW_PASSWORD).id == account.id


def test_the_form_shows_the_account_signed_in_now_not_an_earlier_one_of_the_same_tab(app_env: Engine) -> None:
    first = make_account(app_env, "learner", "lea@example.org", "Léa Martin")
    second = make_account(app_env, "learner", "paul@example.org", "Paul Durand")
    at = open_page(PROFILE, auth.create_session(app_env, first.id))
    assert at.text_input(key="profile_name").value == "Léa Martin"
    at.session_state["auth_token"] = auth.create_session(app_env, second.id)  # Léa signed out, Paul signed in
    at.run()
    assert at.text_input(key="profile_name").value == "Paul Durand"
    button(at, "Enregistrer").click().run()
    assert auth.get_account(app_env, first.id).name == "Léa Martin"  # untouched
