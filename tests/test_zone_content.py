"""`.zone` questions in the platform: `academy check` against the image size, drawings, GIFT skip, curriculum."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image

import quiz
from academy.content import zones
from academy.content.catalog import load_catalog
from academy.content.gift import to_gift
from academy.learning.responses import correct_response, wrong_response

ROOT = Path(__file__).resolve().parents[1]

MODULE_MD = """---
title: "Zones"
summary: "Un module de test."
duration_minutes: 10
objectives:
  - "Pointer."
level: initiation
---

Présentation.
"""

LESSON = "---\ntitle: Leçon\n---\n\nTexte.\n"

QUIZ = """## Pointer {#pointer .zone}

Cliquez sur le carré.

![Un carré bleu sur fond blanc](images/carre.png)

- [x] rect 10,10 60,60 Carré
- [ ] circle 150,50 30 Disque
- [ ] rect 50,50 250,90 Trop large

## Vectoriel {#vectoriel .zone}

![Un schéma vectoriel](images/schema.svg)

- [x] rect 0,0 10,10
"""


@pytest.fixture
def module_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "content" / "01-zones"
    (folder / "images").mkdir(parents=True)
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "01-lecon.md").write_text(LESSON, encoding="utf-8")
    (folder / "quiz.md").write_text(QUIZ, encoding="utf-8")
    Image.new("RGB", (200, 100), "white").save(folder / "images" / "carre.png")
    (folder / "images" / "schema.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"></svg>', encoding="utf-8")
    return folder


def test_check_reports_zones_outside_the_image_and_unclickable_images(module_folder: Path) -> None:
    catalog = load_catalog(module_folder.parent)
    messages = [(problem.line, problem.message) for problem in catalog.problems]
    assert (9, "this zone reaches outside the image 'images/carre.png', which is 200 × 100 pixels: keep x "
               "within 0–200 and y within 0–100") in messages
    assert any(line == 11 and "must be PNG, JPEG, GIF or WebP" in message for line, message in messages)
    assert len(messages) == 2  # the disc (120..180 × 20..80) and the square fit


def test_check_passes_once_the_zones_fit(module_folder: Path) -> None:
    quiz_md = module_folder / "quiz.md"
    quiz_md.write_text(QUIZ.split("## Vectoriel")[0].replace("250,90", "190,90"), encoding="utf-8")
    catalog = load_catalog(module_folder.parent)
    assert catalog.problems == ()
    module = catalog.modules[0]
    question = module.quiz.question("pointer")
    drawn = zones.drawing(question, module.folder, points=[(30, 30), (150, 50)], show_zones=True, graded=True)
    assert drawn.size == (200, 100)
    assert drawn.getpixel((30, 30))[1] > drawn.getpixel((30, 30))[0]  # a green marker inside the zone
    assert drawn.getpixel((150, 50))[0] > 150  # a red marker outside it
    heat = zones.click_map(question, module.folder, [(30, 30, 1.0), (150, 50, 0.0)])
    assert heat.size == (200, 100)
    text, skipped = to_gift(module.quiz, module)
    assert skipped == [("pointer", "zone")]
    assert "// Skipped pointer (zone): hotspot question (zones on an image): no GIFT equivalent" in text


def test_the_curriculum_has_zone_questions_on_shipped_images_with_alt_text() -> None:
    catalog = load_catalog(ROOT / "content")
    found = [(m, q) for m in catalog.modules for q in m.quiz.questions if q.type == "zone"]
    assert len(found) >= 2
    assert any(len(q.zones) > 1 for _, q in found) and any(len(q.zones) == 1 for _, q in found)
    for module, question in found:
        path = zones.image_path(question, module.folder)
        assert path.is_file() and path.suffix == ".png"
        assert len(question.image_alt) > 40  # says what the image shows
        assert zones.zone_problems(question, module.folder) == []
        assert quiz.grade(question, correct_response(question)) == 1.0
        assert quiz.grade(question, wrong_response(question, random.Random(1))) < 1.0
