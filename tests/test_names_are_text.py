"""Names are text everywhere: control characters are refused where people type or import them, and every page
shows user-supplied text literally (escape_markdown), never as a link, emphasis, code or HTML.

Rendering is checked with markdown-it-py (CommonMark, raw HTML allowed: stricter than Streamlit) on the very
body each AppTest element carries.
"""

from __future__ import annotations

import html
import re

import pytest
from apptest_support import make_account, open_page
from markdown_it import MarkdownIt
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from test_roster_import import csv_bytes, good_rows

from academy.accounts import auth, invitations, sso
from academy.coordination import cohorts, roster_import
from academy.ui.text import escape_markdown

LINK = "[lien](https://evil.example)"
BOLD = "**gras**"
TAG = "<b>balise</b>"
CODE = "`code`"
HOSTILE_NAME = f"{LINK} {BOLD} {TAG} {CODE}"
CONTROL = {"NUL": "\x00", "tab": "\t", "line feed": "\n", "carriage return": "\r",
           "right-to-left override": "\u202e", "left-to-right isolate": "\u2066", "zero-width space": "\u200b",
           "zero-width joiner": "\u200d"}
MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")


def rendered(body: str) -> str:
    return MARKDOWN.render(body)


def shown(body: str) -> str:
    """What a reader sees of a Markdown body (its text, tags dropped)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered(body)))


def assert_literal(body: str, text: str) -> None:
    """`body` (Markdown) shows `text` as is: one run of characters, no link, code or HTML element out of it.

    (The page's own Markdown around it, such as bold names on the Admin page, stays.)
    """
    output = rendered(body)
    for element in ("<a ", "<code>", "<b>", "<img"):
        assert element not in output, (body, output)
    assert html.escape(text, quote=False) in output, (body, output)


def bodies(at: AppTest) -> list[str]:
    """The Markdown body of every element that renders Markdown, and every button label."""
    found = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "title", "subheader", "toast"):
        found += [node.value for node in getattr(at, kind)]
    return found + [button.label for button in at.button]


# --- the helper --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    LINK, BOLD, TAG, CODE, HOSTILE_NAME, "# titre", "1. liste", "- puce", "> citation", "a_b_c@example.org",
    "&lt;b&gt;", "\\*échappé\\*", ":red[rouge] :material/home:", "$x^2$", "~~barré~~", "![img](x.png)",
    "<https://evil.example>", "Élodie Lefèvre-d’Argençon",
])
def test_escaped_text_renders_as_itself(text: str) -> None:
    assert_literal(escape_markdown(text), text)


def test_control_characters_never_reach_the_screen() -> None:
    assert escape_markdown("Jean\nDupont\t\x00") == "Jean Dupont  "
    assert escape_markdown("abc\u202eexe.gpj") == "abcexe\\.gpj"  # no reordering on screen
    assert escape_markdown(42) == "42"


# --- refused where typed or imported -----------------------------------------------------------------


@pytest.mark.parametrize("character", list(CONTROL.values()), ids=list(CONTROL))
def test_sign_up_refuses_control_characters_in_names_and_professions(engine: Engine, character: str) -> None:
    with pytest.raises(auth.SignUpError) as refused:
        auth.sign_up(engine, email="lea@example.org", name=f"Léa{character}Martin", profession=f"Médecin{character}",
                     password="correct-horse-battery")
    assert refused.value.errors["name"] == auth.MSG_CONTROL_CHARACTERS
    assert refused.value.errors["profession"] == auth.MSG_CONTROL_CHARACTERS
    assert auth.list_accounts(engine) == []


def test_sign_up_refuses_a_nul_before_a_formula(engine: Engine) -> None:
    """Issue 12: a NUL byte in front of "=" used to hide the formula from the export's check."""
    with pytest.raises(auth.SignUpError) as refused:
        auth.sign_up(engine, email="lea@example.org", name="\x00=1+1", profession="", password="correct-horse-battery")
    assert refused.value.errors == {"name": auth.MSG_CONTROL_CHARACTERS}
    assert auth.list_accounts(engine) == []


@pytest.mark.parametrize("character", list(CONTROL.values()), ids=list(CONTROL))
def test_an_invitation_refuses_control_characters_in_the_name_and_address(engine: Engine, character: str) -> None:
    with pytest.raises(auth.AccountError) as refused:
        invitations.invite(engine, email="lea@example.org", name=f"{character}=1+1", base_url="https://x.example",
                           deliver=False)
    assert refused.value.errors == {"name": auth.MSG_CONTROL_CHARACTERS}
    with pytest.raises(auth.AccountError) as refused:
        invitations.invite(engine, email=f"lea{character}@example.org", name="Léa", base_url="https://x.example",
                           deliver=False)
    assert refused.value.errors == {"email": auth.MSG_EMAIL_INVALID}
    assert auth.list_accounts(engine) == []


@pytest.mark.parametrize("character", list(CONTROL.values()), ids=list(CONTROL))
def test_a_single_sign_on_name_with_control_characters_is_not_taken(engine: Engine, character: str) -> None:
    identity = sso.Identity.from_claims({"iss": "https://idp.example", "sub": "s1", "email": "Lea.Martin@chu.example",
                                         "email_verified": True, "name": f"Léa{character}=1+1"})
    account = sso.account_for_identity(engine, identity)
    assert account.name == "lea.martin"  # the address's local part, as when the identity provider gives no name


def test_an_invitation_and_single_sign_on_keep_an_ordinary_name(engine: Engine) -> None:
    invited = invitations.invite(engine, email="noe@example.org", name=" Noé  Lefèvre ", base_url="https://x.example",
                                 deliver=False)
    assert auth.get_account(engine, invited.account.id).name == "Noé Lefèvre"
    identity = sso.Identity.from_claims({"iss": "https://idp.example", "sub": "s1", "email": "lea@chu.example",
                                         "email_verified": True, "name": "Léa  Martin"})
    assert sso.account_for_identity(engine, identity).name == "Léa Martin"


def test_sign_up_refuses_an_address_with_a_direction_override(engine: Engine) -> None:
    with pytest.raises(auth.SignUpError) as refused:
        auth.sign_up(engine, email="lea\u202e@example.org", name="Léa", profession="", password="correct-horse-battery")
    assert refused.value.errors == {"email": auth.MSG_EMAIL_INVALID}


def test_ordinary_and_no_break_spaces_and_markdown_punctuation_are_fine(engine: Engine) -> None:
    account = auth.sign_up(engine, email="lea@example.org", name="  Léa\u00a0Martin  " + LINK, profession="",
                           password="correct-horse-battery")
    assert account.name == "Léa Martin " + LINK  # spaces collapsed; the rest kept: it is shown escaped, not refused


@pytest.mark.parametrize(("character", "refusal"), [
    ("\u202e", (4, "control_characters")), ("\u200b", (4, "control_characters")),
    ("\x00", (None, "not_text")),  # a NUL byte: the whole file is not a text file
], ids=["bidi", "zero-width", "NUL"])
def test_roster_import_and_add_member_refuse_them(engine: Engine, character: str, refusal: tuple) -> None:
    coordinator = make_account(engine, "coordinator")
    cohort = cohorts.create_cohort(engine, "Promo", actor_id=coordinator.id)
    preview = roster_import.preview_import(csv_bytes([*good_rows(2), f"x@example.org;Jean{character}Dupont;Médecin;"]),
                                           engine)
    assert [(issue.line, issue.reason) for issue in preview.issues] == [refusal]
    with pytest.raises(cohorts.CohortError) as refused:
        cohorts.add_member(engine, cohort.id, email="y@example.org", name=f"Jean{character}Dupont",
                           actor_id=coordinator.id)
    assert refused.value.errors == {"name": "cohorts.reason.control_characters"}
    with pytest.raises(cohorts.CohortError) as refused:
        cohorts.create_cohort(engine, f"Promo{character}2", actor_id=coordinator.id)
    assert refused.value.errors == {"name": "cohorts.error.name_control_characters"}


def test_the_sign_up_form_says_so_under_the_name_field(app_env: Engine) -> None:
    at = open_page("app.py")
    at.text_input(key="su_email").input("lea@example.org")
    at.text_input(key="su_name").input("Léa\u202eMartin")
    at.text_input(key="su_password").input("correct-horse-battery")
    at.text_input(key="su_password2").input("correct-horse-battery")
    next(b for b in at.button if b.label == "Créer mon compte").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [auth.MSG_CONTROL_CHARACTERS]
    form = next(list(f) for f in at.get("form") if any(getattr(n, "key", None) == "su_name" for n in f))
    # ^ the sign-up form, in order: the message follows the name field
    name_at = next(i for i, node in enumerate(form) if getattr(node, "key", None) == "su_name")
    assert getattr(form[name_at + 1], "value", None) == auth.MSG_CONTROL_CHARACTERS
    assert auth.list_accounts(app_env) == []


# --- shown as text on the pages ----------------------------------------------------------------------


def test_admin_page_shows_a_hostile_name_as_text(app_env: Engine) -> None:
    make_account(app_env, "learner", "lien@example.org", HOSTILE_NAME)
    admin = make_account(app_env, "admin", "admin@example.org", BOLD)
    at = open_page("pages/9_admin.py", auth.create_session(app_env, admin.id))
    assert not at.exception
    [row] = [body for body in bodies(at) if "lien@example" in shown(body)]
    assert_literal(row, HOSTILE_NAME)
    assert_literal(row, "lien@example.org")
    [signed_in] = [body for body in bodies(at) if shown(body).startswith("Connecté·e")]  # the sidebar
    assert_literal(signed_in, BOLD)


def test_cohort_pages_show_hostile_cohort_and_member_names_as_text(app_env: Engine) -> None:
    coordinator = make_account(app_env, "coordinator")
    at = open_page("pages/7_cohorts.py", auth.create_session(app_env, coordinator.id))
    at.text_input(key="new_cohort_name").input(LINK)
    at.text_area(key="new_cohort_description").input(f"{BOLD}\n# {TAG} {CODE}")
    next(b for b in at.button if b.label == "Créer la cohorte").click().run()
    assert not at.exception
    [created] = [s.value for s in at.success]
    assert_literal(created, f"Cohorte « {LINK} » créée.")
    [description] = [c.value for c in at.caption if "gras" in shown(c.value)]
    assert_literal(description, f"{BOLD} # {TAG} {CODE}")

    [cohort] = cohorts.list_cohorts(app_env)
    member = cohorts.add_member(app_env, cohort.id, email="a_b_c@example.org", name=HOSTILE_NAME,
                                actor_id=coordinator.id)
    at.run()
    at.selectbox(key="remove_member_choice").set_value(member.user_id).run()
    next(b for b in at.button if b.label == "Retirer").click().run()
    [confirm] = [w.value for w in at.warning]
    assert_literal(confirm, f"{HOSTILE_NAME} · a_b_c@example.org")

    at.file_uploader(key="roster_0").upload("promo.csv", csv_bytes(good_rows(1)), "text/csv").run()
    [import_button] = [b.label for b in at.button if b.label.startswith("Importer")]
    assert_literal(import_button, f"dans « {LINK} »")

    learner = auth.get_account(app_env, member.user_id)
    cohorts.assign_module(app_env, cohort.id, "fondamentaux-ia-sante", known_modules={"fondamentaux-ia-sante"},
                          actor_id=coordinator.id)
    home = open_page("app.py", auth.create_session(app_env, learner.id))
    assert not home.exception
    [title] = [node.value for node in home.title]
    assert_literal(title, f"Bonjour {HOSTILE_NAME}")
    [assigned] = [body for body in bodies(home) if "Sans échéance" in shown(body)]
    assert_literal(assigned, LINK)


def test_the_roster_import_lists_a_name_with_a_direction_override_and_imports_nothing(app_env: Engine) -> None:
    coordinator = make_account(app_env, "coordinator")
    cohort = cohorts.create_cohort(app_env, "Promo", actor_id=coordinator.id)
    at = open_page("pages/7_cohorts.py", auth.create_session(app_env, coordinator.id))
    roster = csv_bytes([*good_rows(2), "x@example.org;Jean\u202eDupont;Médecin;"])
    at.file_uploader(key="roster_0").upload("promo.csv", roster, "text/csv").run()
    assert not at.exception
    assert "1 problème(s)\u00a0: rien n’est importé tant que vous n’avez pas choisi." in at.error[0].value
    problems = at.tabs[1].dataframe[0].value
    assert problems.iloc[:, :2].values.tolist() == [
        ["4", "Caractères invisibles ou de contrôle dans la valeur (saut de ligne, tabulation, caractère nul, "
              "inversion du sens d’écriture…)."]]
    # Only the explicit partial import is offered (it would skip line 4), never the whole file.
    assert [b.label for b in at.button if b.label.startswith("Importer")] == [
        "Importer les lignes valides et ignorer les autres (2 importée(s), 1 ignorée(s))"]
    assert cohorts.members(app_env, cohort.id) == []
