"""A lesson whose images were spoiled after publication, in a real browser (system Chromium and Playwright): each
image gives way to « Image indisponible : <alt> », the text after it and « Marquer comme lu » still show, and
no error or exception element appears (issue 12: the lesson used to stop at the image)."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, app_server, wait_idle
from PIL import Image

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)

MODULE_MD = """---
title: Images fragiles
summary: Un module de test pour les images.
duration_minutes: 10
objectives:
  - Lire une figure.
level: initiation
---

Présentation.
"""
LESSON_MD = """---
title: Deux figures
---

Avant les figures.

![Flux des données](images/flux.png)

![Schéma vectoriel](images/schema.svg)

Après les figures, la suite de la leçon.
"""


def png() -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (120, 80), random.Random(3).randbytes(120 * 80 * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app serving one module (a lesson with a PNG and an SVG), and the folder it materialises content in."""
    data = tmp_path_factory.mktemp("browser-images")
    folder = data / "content" / "01-images-fragiles"
    (folder / "images").mkdir(parents=True)
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "01-deux-figures.md").write_text(LESSON_MD, encoding="utf-8")
    (folder / "images" / "flux.png").write_bytes(png())
    (folder / "images" / "schema.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle r="10" cx="20" cy="20"/></svg>',
        encoding="utf-8")
    env = {"ACADEMY_CONTENT_DIR": str(data / "content"), "ACADEMY_CONTENT_CACHE": str(data / "cache")}
    with app_server(data, env=env) as url:
        yield url, data / "cache"


def sign_up(page, server: str) -> None:
    page.goto(server)
    wait_idle(page)
    page.get_by_role("tab", name="Créer un compte").click()
    form = page.get_by_test_id("stForm").filter(has_text="Créer mon compte")
    form.get_by_label("Adresse électronique").fill("images.fragiles@example.org")
    form.get_by_label("Nom complet").fill("Léa Martin")
    form.get_by_label("Mot de passe", exact=True).fill("images-fragiles-2026")
    form.get_by_label("Confirmer le mot de passe").fill("images-fragiles-2026")
    form.get_by_role("button", name="Créer mon compte").click()
    wait_idle(page)
    sync_api.expect(page.get_by_text("Bonjour Léa Martin")).to_be_visible()


def test_spoiled_images_give_way_to_placeholders_and_the_lesson_goes_on(served: tuple[str, Path]) -> None:
    server, cache = served
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1200, "height": 1000}, locale="fr-FR").new_page()
        page.set_default_timeout(60_000)
        sign_up(page, server)
        lesson_url = f"{server}/module?module=images-fragiles&lesson=deux-figures"
        page.goto(lesson_url)
        wait_idle(page)
        expect(page.get_by_test_id("stImage")).to_have_count(2)  # intact: both drawn

        for copy in cache.rglob("flux.png"):  # the published tree the server reads
            copy.write_bytes(b"<!DOCTYPE html><html><body>pas une image</body></html>")
        for copy in cache.rglob("schema.svg"):
            copy.write_bytes('<svg xmlns="http://www.w3.org/2000/svg"><text>Légende</text></svg>'.encode("latin-1"))
        page.goto(lesson_url)
        wait_idle(page)

        main = page.get_by_test_id("stMain")
        expect(main.get_by_text("Image indisponible : Flux des données")).to_be_visible()
        expect(main.get_by_text("Image indisponible : Schéma vectoriel")).to_be_visible()
        expect(main.get_by_text("Après les figures, la suite de la leçon.")).to_be_visible()
        expect(main.get_by_role("button", name="Marquer comme lu")).to_be_visible()
        expect(page.get_by_test_id("stImage")).to_have_count(0)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentInfo")).to_have_count(2)  # the two placeholders, nothing else
        expect(page.get_by_role("alert")).to_have_count(0)  # no error nor warning box
        browser.close()
