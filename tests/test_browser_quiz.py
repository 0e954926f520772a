"""The learner's quiz in a real browser (system Chromium), at desktop (1400 px) and phone (390 px) width.

On a small module of its own (tmp content folder): the pre-test warning before the graded quiz, an
ordering question answered with the keyboard only, a non-number refused in a numeric field, a question
flagged « à revoir », the summary before submission (with a link back), a click on a zone question
graded right; then the lesson text in the first screen at 390 px and sign-out landing on Home.
Set ACADEMY_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, app_server, wait_idle
from PIL import Image, ImageDraw
from sqlalchemy import select

from academy.accounts import auth
from academy.store import db
from academy.store.models import Attempt, Response

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)

MODULE = "quiz-navigateur"
PASSWORD = "navigateur-quiz-2026"
ORDER = ["Collecte des données", "Annotation", "Entraînement", "Validation externe"]

MODULE_MD = """---
title: "Le quiz au navigateur"
summary: "Un module de test des questions du quiz."
duration_minutes: 10
objectives:
  - "Répondre à chaque type de question."
level: initiation
---

Présentation du module.
"""

LESSON_MD = """---
title: "Les limites en contexte clinique : hallucinations, obsolescence, variabilité, biais"
---

Le texte de la leçon commence ici, dans le premier écran, même sur un téléphone.

Deuxième paragraphe de la leçon.
"""

QUIZ_MD = f"""---
pretest: true
---

## Les étapes {{#etapes .ordre}}

Remettez les étapes dans l'ordre.

1. {ORDER[0]}
2. {ORDER[1]}
3. {ORDER[2]}
4. {ORDER[3]}

## Une valeur {{#valeur .numerique unit=%}}

Combien ?

- [x] 42,5 {{tolerance=0.5}}

## Une zone {{#zone .zone}}

Cliquez sur le carré bleu.

![Un carré bleu à gauche et un disque gris à droite, sur fond blanc](images/formes.png)

- [x] rect 40,40 160,160 Carré bleu
- [ ] circle 300,100 60 Disque gris

## Un choix {{#choix .qru}}

Quelle réponse ?

- [x] La bonne
- [ ] La mauvaise
"""


def write_content(root: Path) -> Path:
    folder = root / "content" / f"01-{MODULE}"
    (folder / "images").mkdir(parents=True)
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "01-lecon.md").write_text(LESSON_MD, encoding="utf-8")
    (folder / "quiz.md").write_text(QUIZ_MD, encoding="utf-8")
    image = Image.new("RGB", (400, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 160, 160), fill=(31, 95, 168))
    draw.ellipse((240, 40, 360, 160), fill=(150, 150, 150))
    image.save(folder / "images" / "formes.png")
    return root / "content"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data = tmp_path_factory.mktemp("browser-quiz")
    content = write_content(data)
    url = f"sqlite:///{data / 'academy.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    for width in (1400, 390):
        auth.add_user(engine, email=f"quiz{width}@example.org", name=f"Camille {width}", password=PASSWORD,
                      roles={"learner"}, profession="medecin")
    engine.dispose()
    with app_server(data, env={"ACADEMY_CONTENT_DIR": str(content)}) as address:
        yield address, url


def snap(page, name: str) -> None:
    folder = os.environ.get("ACADEMY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture(params=[1400, 390], ids=["desktop", "phone"])
def page(request: pytest.FixtureRequest, server: tuple[str, str]) -> Iterator[object]:
    width = request.param
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 1000},
                                      locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(30_000)
        tab = context.new_page()
        tab.width = width
        yield tab
        browser.close()


def sign_in(page, server: str) -> None:
    page.goto(server)
    wait_idle(page)
    form = page.get_by_test_id("stForm").filter(has_text="Se connecter")
    form.get_by_label("Adresse électronique").fill(f"quiz{page.width}@example.org")
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()
    wait_idle(page)
    sync_api.expect(page.get_by_text(f"Bonjour Camille {page.width}")).to_be_visible()


def question(page, number: int):
    return page.locator(f".st-key-question-{number}")


def choose_by_keyboard(page, combobox, wanted: str) -> None:
    """Open a select with the keyboard and move down to `wanted`, then Enter: no mouse involved."""
    combobox.focus()
    page.keyboard.press("ArrowDown")
    menu = page.get_by_role("listbox")
    sync_api.expect(menu).to_be_visible()
    texts = [text.strip() for text in menu.get_by_role("option").all_inner_texts()]
    index = texts.index(wanted)
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_idle(page)


def test_the_quiz_widgets_summary_and_hotspot(server: tuple[str, str], page) -> None:
    address, url = server
    expect = sync_api.expect
    size = "desktop" if page.width > 500 else "phone"
    sign_in(page, address)

    # Pre-test honesty: the graded quiz warns that starting it closes the pre-test.
    page.goto(f"{address}/quiz?module={MODULE}")
    wait_idle(page)
    expect(page.get_by_text("Commencer l’évaluation ferme le pré-test")).to_be_visible()
    expect(page.get_by_role("link", name="Faire d’abord le pré-test")).to_be_visible()
    snap(page, f"{size}-01-pretest-warning")
    page.get_by_role("button", name="Commencer").click()
    wait_idle(page)

    # Ordering with the keyboard only: one select per position.
    ordering = question(page, 1)
    boxes = ordering.get_by_role("combobox")
    expect(boxes).to_have_count(4)
    for position, item in enumerate(ORDER):
        choose_by_keyboard(page, question(page, 1).get_by_role("combobox").nth(position), item)
    expect(question(page, 1).get_by_text("Classement incomplet")).to_have_count(0)
    snap(page, f"{size}-02-ordering")

    # A non-number is refused, a French decimal comma accepted.
    field = question(page, 2).get_by_role("textbox")
    field.fill("quinze")
    field.press("Enter")
    wait_idle(page)
    expect(question(page, 2).get_by_text("Saisissez un nombre")).to_be_visible()
    snap(page, f"{size}-03-not-a-number")
    field = question(page, 2).get_by_role("textbox")
    field.fill("42,5")
    field.press("Enter")
    wait_idle(page)
    expect(question(page, 2).get_by_text("Saisissez un nombre")).to_have_count(0)

    # The hotspot: a click inside the blue square (image pixels 100,100), scaled to the displayed image.
    frame = question(page, 3).frame_locator("iframe").first
    image = frame.locator("img#image")
    expect(image).to_be_visible()
    box = image.bounding_box()
    image.click(position={"x": 100 * box["width"] / 400, "y": 100 * box["height"] / 200})
    wait_idle(page)
    expect(question(page, 3).get_by_text("1 point(s) placé(s).")).to_be_visible()
    snap(page, f"{size}-04-zone-clicked")

    # Flag the last question « à revoir » without answering it.
    question(page, 4).get_by_text("À revoir").click()
    wait_idle(page)

    # The summary: answered, unanswered, flagged, a link back, then the confirmation.
    page.get_by_role("button", name="Terminer la tentative…").click()
    wait_idle(page)
    expect(page.get_by_text("Récapitulatif avant l’envoi")).to_be_visible()
    metrics = [text.split("\n") for text in page.get_by_test_id("stMetric").all_inner_texts()]
    assert [m[-1].strip() for m in metrics] == ["3", "1", "1"], metrics
    expect(page.locator(".st-key-summary-4").get_by_text("à revoir")).to_be_visible()
    snap(page, f"{size}-05-summary")
    page.locator(".st-key-summary-4").get_by_role("button", name="Revenir à la question").click()
    wait_idle(page)
    expect(question(page, 4)).to_be_visible()
    question(page, 4).get_by_text("La bonne").click()
    wait_idle(page)
    page.get_by_role("button", name="Terminer la tentative…").click()
    wait_idle(page)
    page.get_by_role("button", name="Tout envoyer et terminer").click()
    wait_idle(page)
    expect(page.get_by_text("Correction détaillée")).to_be_visible()
    snap(page, f"{size}-06-results")
    legend = page.get_by_text("Vos points : vert dans une zone attendue")
    legend.scroll_into_view_if_needed()
    expect(legend).to_be_visible()  # the review draws the clicked point over the zones
    snap(page, f"{size}-06b-zone-result")

    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            attempt = connection.execute(
                select(Attempt).where(Attempt.module_id == MODULE, Attempt.kind == "post",
                                      Attempt.submitted_at.is_not(None)).order_by(Attempt.id.desc())).first()
            fractions = dict(connection.execute(
                select(Response.question_id, Response.fraction).where(Response.attempt_id == attempt.id)).all())
    finally:
        engine.dispose()
    assert fractions == {"etapes": 1.0, "valeur": 1.0, "zone": 1.0, "choix": 1.0}

    # My progress: the charts read in French (day labels, decimal commas).
    page.goto(f"{address}/progress")
    wait_idle(page)
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(2)
    charts.first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    snap(page, f"{size}-09-progress")

    # The pre-test link is gone once the graded quiz was started.
    page.goto(f"{address}/module?module={MODULE}")
    wait_idle(page)
    expect(page.get_by_role("link", name="Faire le pré-test")).to_have_count(0)


def test_phone_reading_and_sign_out(server: tuple[str, str], page) -> None:
    address, _ = server
    expect = sync_api.expect
    size = "desktop" if page.width > 500 else "phone"
    sign_in(page, address)
    page.goto(f"{address}/module?module={MODULE}&lesson=lecon")
    wait_idle(page)
    text = page.get_by_text("Le texte de la leçon commence ici")
    expect(text).to_be_visible()
    assert text.bounding_box()["y"] + 20 < page.viewport_size["height"]  # in the first screen
    # The curriculum's longest lesson title fits in two lines.
    title = page.get_by_role("heading", name="Les limites en contexte clinique", exact=False).first
    lines = title.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e); "
                           "return r.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight); }")
    assert round(lines) <= 2, lines
    snap(page, f"{size}-07-lesson")

    # Signing out from a page that needs an account lands on Home, not on a locked page.
    if page.width < 500:
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_role("button", name="Se déconnecter").click()
    wait_idle(page)
    expect(page.get_by_role("tab", name="Connexion")).to_be_visible()
    expect(page.get_by_text("Connectez-vous pour")).to_have_count(0)
    snap(page, f"{size}-08-signed-out")

