"""The learner's main journey in a real browser (system Chromium driven by Playwright).

Starts the app for real on a free port with its own SQLite file, then: sign-up → lesson → mark as read →
quiz → results → My progress → refresh (still signed in); the session cookie is HttpOnly; /healthz.
Set ACADEMY_SCREENSHOTS=DIR to keep screenshots.
"""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, app_server, wait_idle

from academy.i18n import t

MODULE = "ia-imagerie-medicale"

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with app_server(tmp_path_factory.mktemp("browser")) as url:
        yield url


@pytest.fixture()
def page(server: str) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS,
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        context.set_default_timeout(30_000)
        yield context.new_page()
        browser.close()


def snap(page, name: str) -> None:
    folder = os.environ.get("ACADEMY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_sign_up_read_quiz_progress_and_refresh(server: str, page) -> None:
    expect = sync_api.expect
    page.goto(server)
    wait_idle(page)
    page.get_by_role("tab", name="Créer un compte").click()
    form = page.get_by_test_id("stForm").filter(has_text="Créer mon compte")
    form.get_by_label("Adresse électronique").fill("lea.martin@example.org")
    form.get_by_label("Nom complet").fill("Léa Martin")
    form.get_by_label("Mot de passe", exact=True).fill("imagerie-2026-sure")
    form.get_by_label("Confirmer le mot de passe").fill("imagerie-2026-sure")
    snap(page, "01-sign-up")
    form.get_by_role("button", name="Créer mon compte").click()
    wait_idle(page)
    expect(page.get_by_text("Bonjour Léa Martin")).to_be_visible()
    snap(page, "02-home")

    page.get_by_role("link", name="Catalogue").first.click()
    wait_idle(page)
    heading = page.get_by_role("heading", name="IA et imagerie médicale")
    card = page.get_by_test_id("stVerticalBlock").filter(has=heading).last
    card.get_by_role("link", name="Ouvrir le module").click()
    wait_idle(page)
    snap(page, "03-module")
    page.get_by_role("button", name="1. Comment une IA").first.click()
    wait_idle(page)
    snap(page, "03b-lesson")
    page.get_by_role("button", name="Marquer comme lu").click()
    wait_idle(page)
    snap(page, "03c-marked")
    expect(page.get_by_text("Leçon lue")).to_be_visible()
    snap(page, "04-lesson")
    # Lessons open inside the page's fragment: the address still follows them, and a reload keeps the lesson.
    first_lesson = re.search(r"lesson=([^&]+)", page.url).group(1)
    page.bring_to_front()
    page.get_by_role("button", name=re.compile("Leçon suivante")).click()
    wait_idle(page)
    expect(page).not_to_have_url(re.compile(f"lesson={first_lesson}"))
    expect(page).to_have_url(re.compile(r"lesson=[^&]+"))
    title = page.get_by_role("heading", level=1).inner_text()
    page.reload()
    wait_idle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("button", name="Marquer comme lu")).to_be_visible()

    page.get_by_role("link", name="Passer l'évaluation").first.click()
    wait_idle(page)
    page.get_by_role("button", name="Commencer").click()
    wait_idle(page)
    first_choice = page.get_by_test_id("stRadio").first.locator("label").first
    first_choice.click()
    wait_idle(page)
    # Resume: pick an answer, reload the page, and the same attempt comes back with the answer selected.
    option = page.get_by_test_id("stRadio").first.get_by_role("radio").first
    option.locator("xpath=ancestor::label[1]").click()
    wait_idle(page)
    expect(option).to_be_checked()
    page.reload()
    wait_idle(page)
    expect(page.get_by_test_id("stRadio").first.get_by_role("radio").first).to_be_checked(timeout=30_000)
    expect(page.get_by_role("button", name="Commencer")).to_have_count(0)
    snap(page, "05-quiz")
    page.get_by_role("button", name="Terminer la tentative…").click()
    wait_idle(page)
    page.get_by_role("button", name="Tout envoyer et terminer").click()
    wait_idle(page)
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    snap(page, "06-results")

    page.get_by_role("link", name="Mes progrès").first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Mes progrès")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    snap(page, "07-progress")

    page.reload()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Mes progrès")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    snap(page, "08-after-refresh")


def _sign_up(page, email: str, name: str) -> None:
    page.get_by_role("tab", name="Créer un compte").click()
    form = page.get_by_test_id("stForm").filter(has_text="Créer mon compte")
    form.get_by_label("Adresse électronique").fill(email)
    form.get_by_label("Nom complet").fill(name)
    form.get_by_label("Mot de passe", exact=True).fill("navigateur-2026-solide")
    form.get_by_label("Confirmer le mot de passe").fill("navigateur-2026-solide")
    form.get_by_role("button", name="Créer mon compte").click()
    wait_idle(page)


def test_the_session_cookie_is_http_only_and_sign_out_clears_it(server: str, page) -> None:
    expect = sync_api.expect
    page.goto(server)
    wait_idle(page)
    _sign_up(page, "cookie.test@example.org", "Camille Cookie")
    expect(page.get_by_text("Bonjour Camille Cookie")).to_be_visible()
    deadline = time.monotonic() + 10
    while not [c for c in page.context.cookies() if c["name"] == "academy_session"] and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "academy_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert "academy_session" not in page.evaluate("document.cookie")

    # A new tab of the same browser is signed in by the cookie alone.
    other = page.context.new_page()
    other.goto(server)
    wait_idle(other)
    expect(other.get_by_text("Bonjour Camille Cookie")).to_be_visible()
    other.close()

    page.get_by_role("button", name="Se déconnecter").click()
    wait_idle(page)
    deadline = time.monotonic() + 10
    while [c for c in page.context.cookies() if c["name"] == "academy_session"] and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert not [c for c in page.context.cookies() if c["name"] == "academy_session"]
    page.goto(server)
    wait_idle(page)
    expect(page.get_by_role("tab", name="Créer un compte")).to_be_visible()


def _wait_for_session_cookie(page) -> None:
    deadline = time.monotonic() + 10
    while not [c for c in page.context.cookies() if c["name"] == "academy_session"] and time.monotonic() < deadline:
        page.wait_for_timeout(200)


def test_a_sign_out_in_another_tab_stops_the_lesson_and_question_fragments(server: str, page) -> None:
    """Opening a lesson or answering a question reruns a fragment, not the page's guard: the fragment checks
    the session itself, so a tab whose session ended elsewhere shows the sign-in request, not the next lesson."""
    expect = sync_api.expect
    page.goto(server)
    wait_idle(page)
    _sign_up(page, "deux.onglets@example.org", "Dominique Onglets")
    expect(page.get_by_text("Bonjour Dominique Onglets")).to_be_visible()
    _wait_for_session_cookie(page)
    quiz_tab = page.context.new_page()
    quiz_tab.goto(f"{server}/quiz?module={MODULE}")
    wait_idle(quiz_tab)
    quiz_tab.get_by_role("button", name="Commencer").click()
    wait_idle(quiz_tab)
    page.goto(f"{server}/module?module={MODULE}")
    wait_idle(page)
    page.get_by_role("button", name="1. Comment une IA").first.click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Marquer comme lu")).to_be_visible()

    other = page.context.new_page()
    other.goto(server)
    wait_idle(other)
    other.get_by_role("button", name="Se déconnecter").click()
    wait_idle(other)

    page.bring_to_front()
    page.get_by_role("button", name=re.compile("Leçon suivante")).click()
    wait_idle(page)
    expect(page.get_by_text(t("guard.sign_in_required"))).to_be_visible()
    expect(page.get_by_role("button", name="Marquer comme lu")).to_have_count(0)
    quiz_tab.bring_to_front()
    option = quiz_tab.get_by_test_id("stRadio").first.get_by_role("radio").first
    option.locator("xpath=ancestor::label[1]").click()
    wait_idle(quiz_tab)
    expect(quiz_tab.get_by_text(t("guard.sign_in_required"))).to_be_visible()
    expect(quiz_tab.get_by_test_id("stRadio")).to_have_count(0)


def test_healthz_answers_when_the_database_does(server: str) -> None:
    with urllib.request.urlopen(f"{server}/healthz", timeout=10) as response:
        assert response.status == 200
        assert response.read() == b"ok"


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("set-cookie") or ""
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("set-cookie") or ""


def test_the_session_route_refuses_bad_tickets_and_other_origins(server: str) -> None:
    status, cookie = _post(f"{server}/auth/session", b'{"ticket": "forged"}', {"Content-Type": "application/json"})
    assert (status, cookie) == (400, "")
    status, cookie = _post(f"{server}/auth/session", b"not json", {})
    assert (status, cookie) == (400, "")
    status, cookie = _post(f"{server}/auth/session", b'{"ticket": "x"}', {"Origin": "https://evil.example"})
    assert (status, cookie) == (403, "")
