"""The Admin page's account directory: search without accents, role and status filters, counts, pages."""

from __future__ import annotations

import pytest
from apptest_support import open_page
from sqlalchemy import event

from academy.accounts import auth, data_rights, directory
from academy.store import db
from academy.store.models import User, UserRole

ADMIN_PAGE = "pages/9_admin.py"


def seed(engine, count: int, *, start: int = 0, roles: tuple[str, ...] = ("learner",), invited: bool = False,
         name: str = "Apprenant") -> None:
    """`count` accounts inserted directly (no password hashing: fast), names « Apprenant 000 »…"""
    now = db.utcnow()
    with db.write(engine) as session:
        for n in range(start, start + count):
            user = User(email=f"a{n:03d}@example.org", name=f"{name} {n:03d}", profession="infirmier",
                        password_hash="!invited" if invited else "$argon2id$placeholder", created_at=now)
            user.roles = [UserRole(role=role) for role in roles]
            session.add(user)


def names(found: directory.AccountPage) -> list[str]:
    return [entry.account.name for entry in found.entries]


def test_320_accounts_come_50_a_page_with_the_counts(engine) -> None:
    seed(engine, 320)
    first = directory.find_accounts(engine)
    assert (first.total, first.matching, first.page, first.pages, first.first) == (320, 320, 1, 7, 1)
    assert names(first)[:2] == ["Apprenant 000", "Apprenant 001"] and len(first.entries) == 50
    last = directory.find_accounts(engine, page=7)
    assert (len(last.entries), last.first, names(last)[-1]) == (20, 301, "Apprenant 319")
    assert directory.find_accounts(engine, page=99).page == 7  # clamped
    assert directory.find_accounts(engine, page=0).page == 1


def test_the_page_is_read_in_sql_not_by_loading_every_account(engine) -> None:
    seed(engine, 320)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()).upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        directory.find_accounts(engine, search="apprenant 12", page=1)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    selects = [s for s in statements if s.startswith("SELECT USERS.ID")]
    fold = "ACADEMY_FOLD(" if db.is_sqlite(engine) else "TRANSLATE("  # the search is folded in SQL, too
    assert selects and all("LIMIT" in s and "OFFSET" in s and fold in s for s in selects)
    assert any(s.startswith("SELECT COUNT(") for s in statements)


def add(engine, email: str, name: str) -> None:
    with db.write(engine) as session:
        user = User(email=email, name=name, profession="medecin", password_hash="$argon2id$x", created_at=db.utcnow())
        user.roles = [UserRole(role="learner")]
        session.add(user)


@pytest.mark.parametrize(("search", "expected"), [
    ("helene", ["Hélène Lefèvre"]),
    ("HÉLÈNE", ["Hélène Lefèvre"]),
    ("lefevre hel", ["Hélène Lefèvre"]),  # every word, any order
    ("noel", ["Noël Œuvre"]),
    ("oeuvre", ["Noël Œuvre"]),
    ("ÉLODIE", ["Élodie Çelik"]),
    ("celik", ["Élodie Çelik"]),
    ("@chu-lyon", ["Élodie Çelik", "Noël Œuvre"]),
    ("100%", []),  # LIKE wildcards are literal
    ("a_0", []),
])
def test_search_ignores_case_and_accents_in_names_and_emails(engine, search: str, expected: list[str]) -> None:
    seed(engine, 3)
    add(engine, "helene@example.org", "Hélène Lefèvre")
    add(engine, "noel@chu-lyon.fr", "Noël Œuvre")
    add(engine, "elodie@chu-lyon.fr", "Élodie Çelik")
    assert names(directory.find_accounts(engine, search=search)) == expected


def test_role_and_status_filters(engine) -> None:
    seed(engine, 5)
    seed(engine, 3, start=5, roles=("learner", "trainer"), name="Formatrice")
    seed(engine, 4, start=8, invited=True, name="Invitée")
    admin = auth.add_user(engine, email="admin@example.org", name="Zoé Admin", password="correct-horse-battery",
                          roles={"admin"})
    assert names(directory.find_accounts(engine, role="trainer")) == [f"Formatrice {n:03d}" for n in (5, 6, 7)]
    assert names(directory.find_accounts(engine, role="admin")) == ["Zoé Admin"]
    invited = directory.find_accounts(engine, status="invited")
    assert (invited.matching, invited.total) == (4, 13)
    assert {entry.status for entry in invited.entries} == {"invited"}
    assert directory.find_accounts(engine, status="active").matching == 9
    data_rights.erase_learner(engine, 1, actor_id=admin.id)
    erased = directory.find_accounts(engine, status="erased")
    assert ([e.status for e in erased.entries], erased.total) == (["erased"], 12)
    assert directory.find_accounts(engine).matching == 12  # erased accounts only under their own filter
    with pytest.raises(ValueError):
        directory.find_accounts(engine, role="superuser")
    with pytest.raises(ValueError):
        directory.find_accounts(engine, status="deleted")


# --- the Admin page ----------------------------------------------------------------------------------


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_admin_page_counts_pages_and_searches_without_accents(app_env) -> None:
    seed(app_env, 320)
    add(app_env, "helene@example.org", "Hélène Lefèvre")
    admin = auth.add_user(app_env, email="admin@example.org", name="Zoé Admin", password="correct-horse-battery",
                          roles={"admin"})
    at = open_page(ADMIN_PAGE, auth.create_session(app_env, admin.id))
    assert not at.exception
    markdown = [plain(m.value) for m in at.markdown]
    assert "**322 compte(s)**, 50 affiché(s)." in markdown
    assert "Page 1 sur 7 (comptes 1 à 50)" in markdown
    assert button(at, "Page précédente").disabled
    button(at, "Page suivante").click().run()
    assert "Page 2 sur 7 (comptes 51 à 100)" in [plain(m.value) for m in at.markdown]
    assert any(m.value.startswith("**Apprenant 050**") for m in at.markdown)

    at.text_input(key="admin_search").input("HELENE").run()
    markdown = [plain(m.value) for m in at.markdown]
    assert "**1 compte(s) trouvé(s)** sur 322, 1 affiché(s)." in markdown
    assert not any(m.startswith("Page ") for m in markdown)  # one page: no paging
    assert any(m.startswith("**Hélène Lefèvre**") for m in markdown)

    at.text_input(key="admin_search").input("").run()
    at.selectbox(key="admin_role:fr").set_value("admin").run()
    assert any(m.value.startswith("**Zoé Admin**") for m in at.markdown)
    assert at.session_state["admin_page"] == 1  # a new filter starts on the first page


def test_roles_are_pills_without_select_all_and_are_saved_once_confirmed(app_env) -> None:
    seed(app_env, 1)
    admin = auth.add_user(app_env, email="admin@example.org", name="Zoé Admin", password="correct-horse-battery",
                          roles={"admin"})
    at = open_page(ADMIN_PAGE, auth.create_session(app_env, admin.id))
    assert not at.multiselect  # Streamlit 1.67's multiselect offers « Select all »
    learner = directory.find_accounts(app_env, search="apprenant").entries[0].account

    def submit() -> None:
        [button] = [b for b in at.button
                    if b.label == "Enregistrer les rôles" and f"roles_form_{learner.id}" in str(b.id)]
        button.click().run()
        assert not at.exception

    pills = at.button_group(key=f"roles_{learner.id}")
    assert pills.options == ["Apprenant·e", "Formateur·rice", "Coordinateur·rice", "Administrateur·rice"]
    pills.set_value(["learner", "trainer"])
    submit()
    assert auth.get_account(app_env, learner.id).roles == frozenset({"learner"})  # not yet: asked first
    assert any("Apprenant·e → Apprenant·e, Formateur·rice" in w.value for w in at.warning)
    at.button(key=f"roles_cancel_{learner.id}").click().run()
    assert auth.get_account(app_env, learner.id).roles == frozenset({"learner"})  # cancelled: nothing written
    assert not [w for w in at.warning if "→" in w.value]

    at.button_group(key=f"roles_{learner.id}").set_value(["learner", "trainer"])
    submit()
    at.button(key=f"roles_confirm_{learner.id}").click().run()
    assert auth.get_account(app_env, learner.id).roles == frozenset({"learner", "trainer"})
    assert "Rôles enregistrés." in [s.value for s in at.success]

    at.button_group(key=f"roles_{learner.id}").set_value([])
    submit()
    at.button(key=f"roles_confirm_{learner.id}").click().run()
    assert auth.get_account(app_env, learner.id).roles == frozenset({"learner", "trainer"})  # refused: no role
    assert at.error


def test_filters_follow_a_language_switch(app_env) -> None:
    """The « All » choices are sent as a value the browser shows: in English after the switch (they used to
    stay « Tous les rôles » / « Tous (sauf effacés) », a None option being « nothing selected » to Streamlit)."""
    seed(app_env, 3)
    admin = auth.add_user(app_env, email="admin@example.org", name="Zoé Admin", password="correct-horse-battery",
                          roles={"admin"})
    at = open_page(ADMIN_PAGE, auth.create_session(app_env, admin.id))
    at.run()  # a second run: the filters were drawn once already
    role, status = at.selectbox(key="admin_role:fr"), at.selectbox(key="admin_status:fr")
    assert role.options[role.index] == "Tous les rôles"
    assert status.options[status.index] == "Tous (sauf effacés)"

    at.button_group(key="locale_switch").set_value("en").run()
    assert not at.exception
    role, status = at.selectbox(key="admin_role:en"), at.selectbox(key="admin_status:en")
    assert role.options[role.index] == "All roles"
    assert status.options[status.index] == "All (except erased)"
    assert "**4 account(s)**, 4 shown." in [plain(m.value) for m in at.markdown]

    role.set_value("admin").run()
    assert at.selectbox(key="admin_role:en").value == "admin"
    assert any(m.value.startswith("**Zoé Admin**") for m in at.markdown)
    assert not any(m.value.startswith("**Apprenant") for m in at.markdown)
