"""Lesson figures in a real browser (system Chromium driven by Playwright), at desktop and phone widths.

Starts the app for real, signs up, opens lessons with figures and checks what a learner sees: the charts
drawn inside the page width (no horizontal scrolling on a phone), French numbers on the sliders and the
axes (« 97,5 % », « 0,2 »), the text alternative as the charts' accessible name, and the text alternative
following a slider moved with the keyboard. Set ACADEMY_SCREENSHOTS=DIR to keep a screenshot of each figure.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, app_server, wait_idle

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)

N = "\u00a0"
WIDTHS = {"desktop": (1400, 1000), "phone": (390, 844)}
LESSON = ("evaluer-ia-sante", "metriques-performance")  # a confusion matrix and a ROC threshold explorer
DRIFT = ("evaluer-ia-sante", "surveillance-apres-deploiement")
ACCOUNTS = itertools.count(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with app_server(tmp_path_factory.mktemp("browser-figures")) as url:
        yield url


@pytest.fixture(params=list(WIDTHS))
def page(request: pytest.FixtureRequest, server: str) -> Iterator[object]:
    width, height = WIDTHS[request.param]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.size_name = request.param
        sign_up(page, server, f"figures.{next(ACCOUNTS)}@example.org")  # one account per test: same server
        yield page
        browser.close()


def sign_up(page, server: str, email: str) -> None:
    page.goto(server)
    wait_idle(page)
    page.get_by_role("tab", name="Créer un compte").click()
    form = page.get_by_test_id("stForm").filter(has_text="Créer mon compte")
    form.get_by_label("Adresse électronique").fill(email)
    form.get_by_label("Nom complet").fill("Léa Martin")
    form.get_by_label("Mot de passe", exact=True).fill("courbes-roc-2026-vpp")
    form.get_by_label("Confirmer le mot de passe").fill("courbes-roc-2026-vpp")
    form.get_by_role("button", name="Créer mon compte").click()
    wait_idle(page)
    sync_api.expect(page.get_by_text("Bonjour Léa Martin")).to_be_visible()
    for _ in range(50):  # the session cookie is written by the browser just after sign-up
        if any(cookie["name"] == "academy_session" for cookie in page.context.cookies()):
            return
        page.wait_for_timeout(200)
    pytest.fail("no session cookie after sign-up")


def open_lesson(page, server: str, module_id: str, lesson_id: str) -> None:
    page.goto(f"{server}/module?module={module_id}&lesson={lesson_id}")
    wait_idle(page)
    sync_api.expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()


def figures(page):
    """The bordered container of each figure (the innermost block holding a chart and a bold title)."""
    boxes = page.locator('[data-testid="stVerticalBlock"]:has([data-testid="stVegaLiteChart"])')
    found = []
    for i in range(boxes.count()):
        box = boxes.nth(i)
        nested = box.locator('[data-testid="stVerticalBlock"]:has([data-testid="stVegaLiteChart"])'
                             ':has([data-testid="stMarkdown"] strong)')
        if box.locator('[data-testid="stMarkdown"] strong').count() and not nested.count():
            found.append(box)
    return found


def snap(page, box, name: str) -> None:
    folder = os.environ.get("ACADEMY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        box.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        box.screenshot(path=str(Path(folder) / f"figure-{page.size_name}-{name}.png"))


def chart_texts(chart) -> list[str]:
    """The texts Vega drew in a chart (SVG renderer): axis labels, titles, legends, labels; a label on two
    lines counts as its two lines."""
    texts = chart.locator("svg text").all_text_contents() + chart.locator("svg text tspan").all_text_contents()
    return [text.strip() for text in texts if text.strip()]


def test_figures_fit_the_page_read_in_french_and_follow_the_slider(server: str, page) -> None:
    expect = sync_api.expect
    width = page.viewport_size["width"]
    open_lesson(page, server, *LESSON)
    page.wait_for_timeout(500)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no horizontal scrolling"

    boxes = figures(page)
    assert len(boxes) == 2
    matrix, roc = boxes
    charts = page.get_by_test_id("stVegaLiteChart")
    assert charts.count() == 3
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        box = charts.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"chart {i} is cut: {box}"

    # The confusion matrix starts on the lesson's example, in French numbers.
    sliders = matrix.get_by_role("slider")
    assert [sliders.nth(i).get_attribute("aria-valuetext") for i in range(3)] == [f"20{N}%", f"80{N}%", f"97,5{N}%"]
    reading = matrix.get_by_text(re.compile(r"^Sur 1\s000\spersonnes"))
    expect(reading).to_contain_text("160 vrais positifs, 20 faux positifs, 40 faux négatifs et 780 vrais négatifs")
    cells = chart_texts(matrix.get_by_test_id("stVegaLiteChart"))
    assert {"160", "20", "40", "780", "Vrais positifs", "Fracture", "(200)"} <= set(cells), cells
    # The text alternative is the chart's accessible name; the marks themselves stay out of the tree.
    named = matrix.locator('[role="graphics-document"]')
    assert named.get_attribute("aria-label") == reading.inner_text()
    snap(page, matrix, "confusion-matrix")

    # The ROC explorer: axes in French decimals; move the threshold with the keyboard.
    roc_charts = roc.get_by_test_id("stVegaLiteChart")
    assert {"0,2", "0,4", "0,6", "0,8"} <= set(chart_texts(roc_charts.nth(1)))
    before = roc.get_by_text(re.compile("^Au seuil de")).inner_text()
    assert before.startswith("Au seuil de 0,23, la sensibilité est de 59,3")
    thumb = roc.get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight")
    wait_idle(page)
    thumb.press("ArrowRight")
    wait_idle(page)
    expect(thumb).to_have_attribute("aria-valuetext", "0,4")
    expect(roc.get_by_text(re.compile("^Au seuil de 0,4, la sensibilité est de 52,8"))).to_be_visible()
    expect(roc.locator('[role="graphics-document"]').first).to_have_attribute(
        "aria-label", re.compile("^Au seuil de 0,4,"))
    snap(page, roc, "roc-threshold")


def test_the_drift_figure_stacks_its_charts_on_a_phone(server: str, page) -> None:
    width = page.viewport_size["width"]
    open_lesson(page, server, *DRIFT)
    page.wait_for_timeout(500)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    (drift,) = figures(page)
    distribution, bars = (drift.get_by_test_id("stVegaLiteChart").nth(i) for i in range(2))
    assert {"Non-malades", "Malades", "Entraînement", "Déploiement"} <= set(chart_texts(distribution))
    assert {f"84,1{N}%", f"97,7{N}%", f"50{N}%"} <= set(chart_texts(bars))
    for chart in (distribution, bars):
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box["x"] + box["width"] <= width + 1
    # Legends fit: no legend text is drawn beyond the chart's right edge.
    for chart in (distribution, bars):
        right = chart.bounding_box()["x"] + chart.bounding_box()["width"]
        for label in chart.locator("svg text").all():
            box = label.bounding_box()
            if box is not None and box["width"]:
                assert box["x"] + box["width"] <= right + 1, label.text_content()
    snap(page, drift, "drift")
