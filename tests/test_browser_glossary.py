"""The glossary in a real browser: a lesson's glossary link opens the Glossaire page at the term; the filter.

Starts the app for real (system Chromium driven by Playwright), like tests/test_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, app_server, wait_idle

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with app_server(tmp_path_factory.mktemp("browser-glossary")) as url:
        yield url


@pytest.fixture()
def context(server: str) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
        context.set_default_timeout(30_000)
        yield context
        browser.close()


def test_a_lesson_link_opens_the_glossary_at_its_term(server: str, context) -> None:
    expect = sync_api.expect
    page = context.new_page()
    page.goto(server)
    wait_idle(page)
    page.get_by_role("tab", name="Créer un compte").click()
    form = page.get_by_test_id("stForm").filter(has_text="Créer mon compte")
    form.get_by_label("Adresse électronique").fill("nour.haddad@example.org")
    form.get_by_label("Nom complet").fill("Nour Haddad")
    form.get_by_label("Mot de passe", exact=True).fill("glossaire-2026-solide")
    form.get_by_label("Confirmer le mot de passe").fill("glossaire-2026-solide")
    form.get_by_role("button", name="Créer mon compte").click()
    wait_idle(page)
    expect(page.get_by_text("Bonjour Nour Haddad")).to_be_visible()

    page.goto(f"{server}/module?module=evaluer-ia-sante&lesson=surveillance-apres-deploiement")
    wait_idle(page)
    link = page.get_by_role("link", name="dérive des données").first
    with context.expect_page() as opened:
        link.click()
    glossary = opened.value
    wait_idle(glossary)
    assert glossary.url.endswith("/glossary#derive-des-donnees")
    heading = glossary.get_by_role("heading", name="Dérive des données", exact=True)
    expect(heading).to_be_in_viewport()  # the page scrolled to the term

    glossary.get_by_label("Filtrer les termes").fill("equite")
    glossary.get_by_label("Filtrer les termes").press("Enter")
    wait_idle(glossary)
    expect(glossary.get_by_role("heading", name="Équité", exact=True)).to_be_visible()
    expect(glossary.get_by_role("heading", name="Dérive des données", exact=True)).to_have_count(0)
    glossary.get_by_role("link", name="11. Évaluer une IA en santé").click()
    wait_idle(glossary)
    expect(glossary.get_by_role("heading", name="Évaluer une IA en santé")).to_be_visible()
