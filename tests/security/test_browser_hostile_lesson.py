"""The issue's browser attack, replayed in Chromium: a trainer pastes a lesson ending with 100,000 `>` (or a
list nested 900 deep) into the Studio editor and saves. The save is refused with the nesting limit at its
line, in French, within the page (no JavaScript stack, no error box), and the learner's lesson is unchanged.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, ace, ace_eval, app_server, wait_idle

from academy.accounts import auth
from academy.content import limits, messages
from academy.i18n import t
from academy.store import db

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content" / "valid" / "01-bases-ia"
PASSWORD = "hostile-2026-solide"
LESSON = "02-limites.md"
ATTACKS = {
    "quotes": ("Dernière ligne.\n\n" + ">" * 100_000 + " fin\n", 3),
    # reported where the 11th level starts
    "list": ("Une liste :\n\n" + "".join("  " * depth + "- niveau\n" for depth in range(900)), 3 + 10),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-hostile")
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


def signed_in(browser, server: str, email: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server)
    wait_idle(page)
    form = page.get_by_test_id("stForm").filter(has_text="Se connecter")
    form.get_by_label("Adresse électronique").fill(email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()
    wait_idle(page)
    sync_api.expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    return page, errors


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_hostile_lesson_is_refused_in_the_studio_and_never_reaches_learners(server: str, attack: str) -> None:
    tail, line = ATTACKS[attack]
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        trainer, trainer_errors = signed_in(browser, server, "formatrice@example.org")
        learner, learner_errors = signed_in(browser, server, "apprenant@example.org")
        trainer.goto(f"{server}/studio")
        wait_idle(trainer)
        trainer.get_by_role("tab", name=t("studio.tab_edit", "fr")).click()
        trainer.get_by_test_id("stSelectbox").filter(has_text=t("studio.file", "fr")).click()
        trainer.get_by_role("option", name=LESSON).click()
        wait_idle(trainer)
        ace(trainer)  # mounted
        original = ace_eval(trainer, "editor.getValue()")
        body_starts = original.split("\n---\n", 1)[0].count("\n") + 3  # the line after the closing ---
        hostile = original.split("\n---\n", 1)[0] + "\n---\n" + tail  # the lesson's body replaced by the attack
        ace_eval(trainer, f"(editor.focus(), editor.setValue({json.dumps(hostile)}, 1), true)")
        trainer.get_by_text(t("studio.message", "fr")).click()  # leaving the editor sends its text
        trainer.get_by_role("button", name=t("studio.save", "fr")).click()
        wait_idle(trainer)
        expect(trainer.get_by_text(t("studio.save_refused", "fr", n=1))).to_be_visible()
        message = messages.render("limit.nesting_too_deep", {"limit": limits.MAX_NESTING_DEPTH}, "fr")
        message = message.replace("`", "")  # a button label is Markdown: `>` is drawn as code
        problem = trainer.get_by_role("button", name=t("studio.problem_at_line", "fr",
                                                        line=body_starts + line - 1, message=""))
        expect(problem).to_contain_text(message)
        expect(trainer.get_by_test_id("stException")).to_have_count(0)

        learner.goto(f"{server}/module?module=bases-ia&lesson=limites")
        wait_idle(learner)
        expect(learner.get_by_text("Un modèle peut se tromper")).to_be_visible()  # the published lesson
        assert "niveau" not in learner.get_by_test_id("stMain").inner_text()
        expect(learner.get_by_test_id("stException")).to_have_count(0)
        assert not trainer_errors and not learner_errors, trainer_errors + learner_errors
        browser.close()
