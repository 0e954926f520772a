"""Coordinators and admins in a real browser: the roster import with synonyms and a partial import, the Admin
page's search and pages, the audit log filter, accent-free catalogue search; French chrome, English once.

Starts the app for real (system Chromium driven by Playwright), like tests/test_browser.py. Screenshots go to
``ACADEMY_SCREENSHOTS`` when it is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import browser_support
import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, app_server, snap, wait_idle

from academy.accounts import auth
from academy.coordination import cohorts
from academy.store import db
from academy.store.models import User, UserRole

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)

PASSWORD = "coordination-2026-solide"
ROSTER = "\r\n".join([
    "email;nom;profession",
    "ines.morel@example.org;Inès Morel;IDE",
    "paul.roux@example.org;Paul Roux;Infirmier(e)",
    "lina.bakri@example.org;Lina Bakri;infirmier·ère",
    "marc.olivier@example.org;Marc Olivier;MK",
    "sarah.blanc@example.org;Sarah Blanc;SF",
    "yann.le-goff@example.org;Yann Le Goff;Dr",
    "pas-une-adresse;Sans Adresse;IDE",
    "zoe.petit@example.org;Zoé Petit;Infirmiere de nuit",
    "",
]).encode("utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-admin-fr")
    with app_server(data) as url:
        engine = db.make_engine(f"sqlite:///{data / 'academy.db'}")
        admin = auth.add_user(engine, email="admin@example.org", name="Alix Admin", password=PASSWORD,
                              roles={"admin", "coordinator"})
        cohorts.create_cohort(engine, "Promo IFSI 2026", actor_id=admin.id)
        with db.write(engine) as session:
            for n in range(320):
                user = User(email=f"apprenant{n:03d}@example.org", name=f"Apprenant {n:03d}", profession="infirmier",
                            password_hash="!invited", created_at=db.utcnow())
                user.roles = [UserRole(role="learner")]
                session.add(user)
            hélène = User(email="helene.lefevre@example.org", name="Hélène Lefèvre", profession="sage_femme",
                          password_hash="!invited", created_at=db.utcnow())
            hélène.roles = [UserRole(role="learner")]
            session.add(hélène)
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


def uploader_button_text(page) -> str:
    sync_api.expect(page.get_by_test_id("stFileUploaderDropzone")).to_be_visible()
    return page.evaluate("""getComputedStyle(document.querySelector(
        '[data-testid=stFileUploaderDropzone] button[kind=secondary] > div > span'), '::after').content""")


def test_roster_import_with_synonyms_and_valid_rows_only(server: str, context, tmp_path: Path) -> None:
    expect = sync_api.expect
    page = context.new_page()
    sign_in(page, server)
    page.goto(f"{server}/cohorts")
    wait_idle(page)
    page.get_by_role("tab", name="Import CSV").click()
    snap(page, "roster-empty")
    assert uploader_button_text(page) == '"Choisir un fichier"'
    expect(page.get_by_test_id("stFileUploaderDropzoneInstructions")).to_be_hidden()  # « 10MB per file »
    roster = tmp_path / "promo.csv"
    roster.write_bytes(ROSTER)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(roster))
    wait_idle(page)
    snap(page, "roster-problems")
    print(page.get_by_test_id("stFileUploader").inner_html())
    # the data grid draws on a canvas; its cells are in the page for screen readers
    expect(page.get_by_text("Vouliez-vous dire « Infirmier·ère » ?")).to_have_count(1)
    page.get_by_role("button", name="Importer les lignes valides et ignorer les autres").click()
    wait_idle(page)
    expect(page.get_by_text("2 ligne(s) seront ignorées")).to_be_visible()
    expect(page.get_by_text("ligne 8 : Adresse électronique invalide.")).to_be_visible()
    snap(page, "roster-skip-confirm")
    page.get_by_role("button", name="Importer 6 apprenant(s) dans « Promo IFSI 2026 »").click()
    wait_idle(page)
    expect(page.get_by_text("Import terminé : 6 membre(s) ajouté(s)")).to_be_visible()
    expect(page.get_by_text("2 ligne(s) ignorée(s).")).to_be_visible()
    snap(page, "roster-done")
    page.get_by_role("tab", name="Membres").click()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()


def test_admin_pages_and_search_without_accents_then_english(server: str, context) -> None:
    expect = sync_api.expect
    page = context.new_page()
    sign_in(page, server)
    page.goto(f"{server}/admin")
    wait_idle(page)
    expect(page.get_by_text("Page 1 sur 7 (comptes 1 à 50)")).to_be_visible()
    expect(page.get_by_text("compte(s)", exact=False).first).to_be_visible()
    expect(page.get_by_text("Select all")).to_have_count(0)
    snap(page, "admin-page-1")
    page.get_by_role("button", name="Page suivante").click()
    wait_idle(page)
    expect(page.get_by_text("Page 2 sur 7 (comptes 51 à 100)")).to_be_visible()
    search = page.get_by_label("Rechercher un compte")
    search.fill("helene lefevre")
    search.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("Hélène Lefèvre", exact=False).first).to_be_visible()
    expect(page.get_by_text("1 compte(s) trouvé(s)", exact=False)).to_be_visible()
    snap(page, "admin-search")

    page.get_by_text("English", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("1 account(s) found", exact=False)).to_be_visible()
    snap(page, "admin-search-en")
    page.goto(f"{server}/cohorts")
    wait_idle(page)
    page.get_by_role("tab", name="CSV import").click()
    assert uploader_button_text(page) == '"Choose a file"'  # drawn by our CSS; Streamlit's « Upload » hidden
    expect(page.get_by_text("Upload", exact=True)).to_be_hidden()
    snap(page, "roster-empty-en")
