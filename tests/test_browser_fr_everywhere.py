"""French everywhere the user looks, in a real browser: the audit log's filters, dates and actions in words,
accent-free catalogue search with a highlighted excerpt, the Studio's glossary warning, a cohort due date typed
day first, and no English Streamlit chrome on the pages visited; then English on the Admin and Audit pages with
no French interface string left.

Starts the app for real (system Chromium driven by Playwright), like tests/test_browser_admin_fr.py.
Screenshots go to ``ACADEMY_SCREENSHOTS`` when it is set.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import browser_support
import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, ace_eval, app_server, snap, type_at_end, wait_idle

from academy.accounts import auth
from academy.accounts.professions import PROFESSIONS
from academy.coordination import cohorts
from academy.i18n import STRINGS, t
from academy.store import db

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "coordination-2026-solide"
# Streamlit 1.67's own English, which our placeholders, options and CSS replace or hide
ENGLISH_CHROME = ("Choose an option", "Choose options", "Select all", "Drag and drop", "Browse files", "Press Enter",
                  "per file", "No results")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-fr-everywhere")
    shutil.copytree(ROOT / "content", data / "content")  # the real curriculum, its lesson text and glossary
    with app_server(data, env={"ACADEMY_CONTENT_DIR": str(data / "content"),
                               "ACADEMY_CONTENT_CACHE": str(data / "cache")}) as url:
        engine = db.make_engine(f"sqlite:///{data / 'academy.db'}")
        admin = auth.add_user(engine, email="admin@example.org", name="Alix Admin", password=PASSWORD,
                              roles={"admin", "coordinator", "trainer", "learner"}, profession="medecin")
        other = auth.add_user(engine, email="claire@example.org", name="Claire Martin", password="tisane-verveine-2026",
                              roles={"coordinator"})
        cohorts.create_cohort(engine, "Promo IFSI 2026", actor_id=admin.id)
        cohorts.create_cohort(engine, "Internes 2026", actor_id=other.id)
        engine.dispose()
        yield url


@pytest.fixture()
def context(server: str) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        context.set_default_timeout(30_000)
        yield context
        browser.close()


def sign_in(page, server: str) -> None:
    browser_support.sign_in(page, server, "admin@example.org", PASSWORD)


def no_english_chrome(page) -> None:
    text = page.locator("body").inner_text()
    assert [words for words in ENGLISH_CHROME if words in text] == []


def audit_count(page) -> int:
    caption = page.get_by_text("entrée(s)", exact=False).first.inner_text()
    return int(caption.split()[0].replace("\u202f", ""))


def test_audit_log_filters_with_french_dates(server: str, context) -> None:
    expect = sync_api.expect
    page = context.new_page()
    sign_in(page, server)
    page.goto(f"{server}/audit")
    wait_idle(page)
    snap(page, "audit-all")
    everything = audit_count(page)
    no_english_chrome(page)
    page.get_by_label("Auteur (adresse ou nom)").first.fill("claire")
    page.get_by_label("Auteur (adresse ou nom)").first.press("Enter")
    wait_idle(page)
    snap(page, "audit-actor")
    assert 0 < audit_count(page) < everything

    period = page.get_by_test_id("stDateInput")
    hints = page.evaluate("""[...document.querySelectorAll('[data-testid=stDateInput] [data-placeholder=true]')]
        .slice(0, 3).map(e => getComputedStyle(e, '::after').content)""")
    assert hints == ['"jj"', '"mm"', '"aaaa"']  # not Streamlit's « dd / mm / yyyy »
    period.get_by_role("spinbutton").first.click()
    page.keyboard.type("05122020")
    page.keyboard.press("Escape")
    page.get_by_text("Journal d'audit").first.click()  # leave the field: the date is sent
    wait_idle(page)
    snap(page, "audit-date")
    segments = period.get_by_role("spinbutton").all_inner_texts()
    assert segments[:3] == ["05", "12", "2020"]  # typed and shown day first
    expect(page.get_by_text("0 entrée(s)")).to_be_visible()  # nothing on 5 December 2020
    no_english_chrome(page)


@pytest.mark.parametrize(("query", "word"), [("ethique", "éthique"), ("mammographie", "mammographie")])
def test_catalogue_search_without_accents_highlights_the_match(server: str, context, query: str, word: str) -> None:
    expect = sync_api.expect
    page = context.new_page()
    sign_in(page, server)
    page.goto(f"{server}/catalogue")
    wait_idle(page)
    search = page.get_by_label(t("catalogue.search"))
    search.fill(query)
    search.press("Enter")
    wait_idle(page)
    heading = page.get_by_text(t("search.in_lessons"))
    heading.scroll_into_view_if_needed()
    snap(page, f"search-{query}")
    expect(heading).to_be_visible()
    expect(page.get_by_role("link", name=t("search.open_lesson")).first).to_be_visible()
    # each result: the lesson title in bold, then its excerpt with the words matched in bold (<strong>)
    marked = page.get_by_test_id("stMain").locator("[data-testid=stMarkdownContainer] strong").all_inner_texts()
    assert any(text.strip().lower() == word for text in marked), marked
    no_english_chrome(page)


def test_the_studio_warns_of_a_glossary_synonym_in_french_with_its_line(server: str, context) -> None:
    expect = sync_api.expect
    page = context.new_page()
    sign_in(page, server)
    page.goto(f"{server}/studio")
    wait_idle(page)
    page.get_by_role("tab", name=t("studio.tab_edit")).click()
    page.get_by_test_id("stSelectbox").filter(has_text=t("studio.file")).click()
    page.get_by_role("option", name="01-definir-ia.md").click()
    wait_idle(page)
    type_at_end(page, "\n\nUn chatbot répond au patient.")
    line = ace_eval(page, "editor.getCursorPosition().row") + 1
    page.get_by_role("button", name=t("studio.save")).click()  # a warning does not refuse the draft
    wait_idle(page)
    snap(page, "studio-glossary-warning")
    # in the editor's problem list, a button that puts the cursor on the line
    expect(page.get_by_role("button", name=t("studio.problem_at_line", line=line,
                        message="« chatbot » : le glossaire préfère « agent conversationnel »"))).to_be_visible()
    no_english_chrome(page)


def test_a_cohort_due_date_typed_day_first_is_shown_day_first(server: str, context) -> None:
    expect = sync_api.expect
    page = context.new_page()
    sign_in(page, server)
    page.goto(f"{server}/cohorts")
    wait_idle(page)
    page.get_by_role("tab", name=t("cohorts.tab_modules")).click()
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name=t("cohorts.assign_submit"),
                                                                      exact=True))
    form.get_by_test_id("stSelectbox").click()
    page.get_by_role("option").first.click()
    form.get_by_test_id("stDateInput").get_by_role("spinbutton").first.click()
    page.keyboard.type("05122026")
    page.keyboard.press("Escape")
    form.get_by_role("button", name=t("cohorts.assign_submit")).click()
    wait_idle(page)
    snap(page, "cohort-due-date")
    due = page.get_by_test_id("stDateInput").filter(has_text=t("cohorts.due_date")).first
    expect(due).to_be_visible()
    assert due.get_by_role("spinbutton").all_inner_texts()[:3] == ["05", "12", "2026"]
    no_english_chrome(page)


def french_left(page) -> list[str]:
    """Interface strings whose French differs from their English and shows in the main area."""
    text = page.get_by_test_id("stMain").inner_text()
    english = {entry.get("en") for entry in STRINGS.values()}  # « Administration » is English too
    french = {entry["fr"] for entry in STRINGS.values()
              if entry.get("en") and entry["fr"] not in english and "{" not in entry["fr"] and len(entry["fr"]) > 5}
    return sorted(words for words in french if re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text))


def english_admin(page, server: str) -> None:
    sign_in(page, server)
    page.goto(f"{server}/admin")
    wait_idle(page)
    page.get_by_text("English", exact=True).click()
    wait_idle(page)


def back_to_french(page) -> None:
    page.get_by_text("Français", exact=True).click()  # the account's language back for the other tests
    wait_idle(page)


def test_english_admin_filters_show_english_all_labels(server: str, context) -> None:
    expect = sync_api.expect
    page = context.new_page()
    english_admin(page, server)
    role = page.get_by_role("combobox", name="Role", exact=True)
    role.scroll_into_view_if_needed()
    snap(page, "admin-filters-en")
    try:
        expect(role).to_have_value("All roles")
        expect(page.get_by_role("combobox", name="Status", exact=True)).to_have_value("All (except erased)")
    finally:
        back_to_french(page)


def test_english_on_the_admin_and_audit_pages(server: str, context) -> None:
    expect = sync_api.expect
    page = context.new_page()
    english_admin(page, server)
    snap(page, "admin-en")
    assert french_left(page) == []
    page.goto(f"{server}/audit")
    wait_idle(page)
    expect(page.get_by_text("Audit log").first).to_be_visible()
    snap(page, "audit-en")
    assert french_left(page) == []
    # the data grid draws on a canvas; its cells are in the page for screen readers
    cells = page.locator("td[role=gridcell]")
    expect(cells.filter(has_text=re.compile("^Account created$")).first).to_be_attached()
    expect(cells.filter(has_text=re.compile("^user_add$"))).to_have_count(0)
    no_english_chrome(page)
    back_to_french(page)


def test_a_translated_choice_follows_the_language_switch_on_the_same_page(server: str, context) -> None:
    """Profile: the profession box showed « Médecin » on the English page until chosen again (Streamlit keeps
    a select box's displayed label; academy/ui/widgets.py `relabel`)."""
    expect = sync_api.expect
    page = context.new_page()
    sign_in(page, server)
    page.goto(f"{server}/profile")
    wait_idle(page)
    profession = page.get_by_role("combobox", name="Profession", exact=True)
    french = profession.input_value()
    assert french, "the account has a profession"
    page.get_by_text("English", exact=True).click()
    wait_idle(page)
    try:
        expect(profession).not_to_have_value(french)
        assert profession.input_value() in {t(f"profession.{code}", "en") for code in PROFESSIONS}
    finally:
        back_to_french(page)
