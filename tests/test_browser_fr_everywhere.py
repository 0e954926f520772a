"""French everywhere the user looks, in a real browser: the audit log's filters and dates, the dashboard's date
input, accent-free catalogue search with a highlighted excerpt, and no English Streamlit chrome on the pages
visited (select boxes, multiselects, date inputs, file uploader); English once.

Starts the app for real (system Chromium driven by Playwright), like tests/test_browser_admin_fr.py.
Screenshots go to ``ACADEMY_SCREENSHOTS`` when it is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, app_server, wait_idle

from academy.accounts import auth
from academy.coordination import cohorts
from academy.store import db

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)

PASSWORD = "coordination-2026-solide"
# Streamlit 1.67's own English, which our placeholders, options and CSS replace or hide
ENGLISH_CHROME = ("Choose an option", "Choose options", "Select all", "Drag and drop", "Browse files", "Press Enter",
                  "per file", "No results")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-fr-everywhere")
    with app_server(data) as url:
        engine = db.make_engine(f"sqlite:///{data / 'academy.db'}")
        admin = auth.add_user(engine, email="admin@example.org", name="Alix Admin", password=PASSWORD,
                              roles={"admin", "coordinator"})
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


def snap(page, name: str) -> None:
    folder = os.environ.get("ACADEMY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page, server: str) -> None:
    page.goto(server)
    wait_idle(page)
    form = page.get_by_test_id("stForm").filter(has_text="Se connecter")
    form.get_by_label("Adresse électronique").fill("admin@example.org")
    form.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()
    wait_idle(page)


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
