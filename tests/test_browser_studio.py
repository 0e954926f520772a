"""The Studio in a real browser: a trainer edits a lesson in the Ace editor (line numbers), saves a draft that
learners do not see, is refused an edit that breaks the lesson with the problem in French, clicks the problem
to put the cursor on its line, fixes it, publishes, then restores the previous version; once in English.

Starts the app for real (system Chromium driven by Playwright), like tests/test_browser.py.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, EDITOR, ace, ace_eval, app_server, type_at_end, wait_idle

from academy.accounts import auth
from academy.content import messages
from academy.i18n import t
from academy.store import db

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "content" / "valid" / "01-bases-ia"
PASSWORD = "studio-2026-solide"
LESSON = "02-limites.md"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-studio")
    shutil.copytree(FIXTURE, data / "content" / "01-bases-ia")
    engine = db.make_engine(f"sqlite:///{data / 'academy.db'}")
    db.upgrade(engine)
    auth.add_user(engine, email="formatrice@example.org", name="Inès Formatrice", password=PASSWORD,
                  roles={"trainer"})
    auth.add_user(engine, email="apprenant@example.org", name="Paul Apprenant", password=PASSWORD,
                  roles={"learner"}, profession="medecin")
    engine.dispose()
    with app_server(data, env={"ACADEMY_CONTENT_DIR": str(data / "content"),
                               "ACADEMY_CONTENT_CACHE": str(data / "cache")}) as url:
        yield url


@pytest.fixture()
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def snap(page, name: str) -> None:
    folder = os.environ.get("ACADEMY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"studio-{name}.png"), full_page=True)


def signed_in(browser, server: str, email: str, name: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR",
                                  timezone_id="Europe/Paris")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(server)
    wait_idle(page)
    form = page.get_by_test_id("stForm").filter(has_text="Se connecter")
    form.get_by_label("Adresse électronique").fill(email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()
    wait_idle(page)
    sync_api.expect(page.get_by_text(f"Bonjour {name}")).to_be_visible()
    return page


def open_lesson_in_editor(page, server: str, locale: str = "fr") -> None:
    page.goto(f"{server}/studio")
    wait_idle(page)
    page.get_by_role("tab", name=t("studio.tab_edit", locale)).click()
    page.get_by_test_id("stSelectbox").filter(has_text=t("studio.file", locale)).click()
    page.get_by_role("option", name=LESSON).click()
    wait_idle(page)
    ace(page)  # the editor is mounted


def with_any_id(key: str, locale: str = "fr", **values: object) -> re.Pattern[str]:
    """The interface string `key` with any version number in its `{id}`."""
    marker = "\x00"
    return re.compile(re.escape(t(key, locale, id=marker, **values)).replace(marker, r"\d+"))


def cursor_line(page) -> int:
    """The 1-based line of the Ace cursor, as the editor itself reports it."""
    return ace_eval(page, "editor.getCursorPosition().row") + 1


def active_gutter_line(page) -> str:
    """The line number the gutter highlights (Ace marks the cursor's line)."""
    return page.frame_locator(EDITOR).locator(".ace_gutter-active-line").inner_text().strip()


def lesson_text(page, server: str) -> str:
    page.goto(f"{server}/module?module=bases-ia&lesson=limites")
    wait_idle(page)
    return page.get_by_test_id("stMain").inner_text()


def test_a_trainer_edits_checks_publishes_and_restores_a_lesson(server: str, browser) -> None:
    expect = sync_api.expect
    trainer = signed_in(browser, server, "formatrice@example.org", "Inès Formatrice")
    learner = signed_in(browser, server, "apprenant@example.org", "Paul Apprenant")
    open_lesson_in_editor(trainer, server)
    gutter = trainer.frame_locator(EDITOR).locator(".ace_gutter")
    expect(gutter).to_contain_text("10")  # line numbers
    assert ace_eval(trainer, "editor.session.$modeId") == "ace/mode/markdown"  # Markdown highlighting
    expect(trainer.frame_locator(EDITOR).get_by_text("Copy", exact=True)).to_have_count(0)  # no English chrome
    snap(trainer, "1-opened")

    # a draft: saved, but learners still read the published text
    type_at_end(trainer, "\nUne phrase ajoutée en brouillon.")
    trainer.get_by_role("button", name=t("studio.save")).click()
    wait_idle(trainer)
    expect(trainer.get_by_text(t("studio.saved", file=LESSON))).to_be_visible()
    assert "Une phrase ajoutée en brouillon." not in lesson_text(learner, server)

    # an edit that breaks the lesson is refused, its problem shown in French under the editor
    type_at_end(trainer, "\n![Schéma](images/absent.png)")
    broken_line = cursor_line(trainer)
    trainer.get_by_role("button", name=t("studio.save")).click()
    wait_idle(trainer)
    expect(trainer.get_by_text(t("studio.save_refused", n=1))).to_be_visible()
    problem = trainer.get_by_role("button", name=t("studio.problem_at_line", line=broken_line, message=""))
    expect(problem).to_be_visible()
    expect(problem).to_contain_text(messages.render("markdown.image_not_found", {"src": "images/absent.png"}, "fr"))
    snap(trainer, "2-refused")

    # clicking the problem puts the editor's cursor on its line
    ace(trainer).click()
    trainer.keyboard.press("Control+Home")
    assert cursor_line(trainer) == 1
    problem.click()
    wait_idle(trainer)
    trainer.wait_for_function(  # the editor may be mounting again after the click's rerun: wait for it too
        f"(() => {{ const frame = document.querySelector('{EDITOR}'); "
        f"const element = frame && frame.contentDocument && frame.contentDocument.getElementById('REACT_ACE_EDITOR'); "
        f"return !!(element && element.env) && element.env.editor.getCursorPosition().row === {broken_line - 1}; }})()")
    assert cursor_line(trainer) == broken_line
    assert active_gutter_line(trainer) == str(broken_line)
    snap(trainer, "3-cursor-on-problem")

    # fix the line where the cursor is, save, publish: learners get it
    trainer.keyboard.press("End")
    trainer.keyboard.press("Shift+Home")
    trainer.keyboard.type("Une phrase corrigée et publiée.")
    trainer.get_by_role("button", name=t("studio.save")).click()
    wait_idle(trainer)
    expect(trainer.get_by_text(t("studio.saved", file=LESSON))).to_be_visible()
    trainer.get_by_role("tab", name=t("studio.tab_preview")).click()
    trainer.get_by_role("button", name=t("studio.publish"), exact=True).click()
    wait_idle(trainer)
    expect(trainer.get_by_text(with_any_id("studio.published", folder="01-bases-ia"))).to_be_visible()
    assert "Une phrase corrigée et publiée." in lesson_text(learner, server)

    # restore the previous version: only after its confirmation, into a new draft
    open_lesson_in_editor(trainer, server)
    restore = trainer.get_by_role("button", name=t("studio.restore"), exact=True)
    expect(restore).to_be_disabled()
    trainer.get_by_text(with_any_id("studio.restore_confirm")).click()
    wait_idle(trainer)
    expect(restore).to_be_enabled()
    restore.click()
    wait_idle(trainer)
    expect(trainer.get_by_text(with_any_id("studio.restored"))).to_be_visible()
    # the editor is mounted again with the restored text (the published sentence is gone, the draft's is back)
    trainer.wait_for_function(
        f"(() => {{ const frame = document.querySelector('{EDITOR}');"
        " const element = frame && frame.contentDocument && frame.contentDocument.getElementById('REACT_ACE_EDITOR');"
        " return element && element.env && element.env.editor.getValue().includes('Une phrase ajoutée en brouillon.')"
        " && !element.env.editor.getValue().includes('Une phrase corrigée et publiée.'); })()")
    snap(trainer, "4-restored")


def test_the_studio_problems_in_english(server: str, browser) -> None:
    expect = sync_api.expect
    trainer = signed_in(browser, server, "formatrice@example.org", "Inès Formatrice")
    trainer.get_by_test_id("stSidebar").get_by_text("English").click()
    wait_idle(trainer)
    open_lesson_in_editor(trainer, server, "en")
    expect(trainer.get_by_text(t("studio.editor", "en", file=LESSON))).to_be_visible()
    type_at_end(trainer, "\n![Diagram](images/missing.png)")
    line = cursor_line(trainer)
    trainer.get_by_role("button", name=t("studio.check", "en"), exact=True).click()
    wait_idle(trainer)
    problem = trainer.get_by_role("button", name=t("studio.problem_at_line", "en", line=line, message=""))
    expect(problem).to_contain_text(messages.render("markdown.image_not_found", {"src": "images/missing.png"}, "en"))
    snap(trainer, "5-english")
