"""The quiz page's widgets and validation rules under AppTest: ordering by positions, matching selects,
numeric and QROC validation, flags « à revoir », the summary and its confirmation, the time limit with the
summary open, the pre-test warning and link, zone clicks, TCS labels in results, and the English chrome
the learner must never meet."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from apptest_support import make_account, open_page
from PIL import Image
from sqlalchemy import Engine, update
from streamlit.testing.v1 import AppTest

import quiz
from academy.accounts import auth
from academy.content.catalog import load_catalog
from academy.learning import progress
from academy.learning.attempts import summary_rows, zone_after_click
from academy.store import db
from academy.store.models import Attempt
from academy.ui.quiz_view import widget_key

MODULE = "widgets"
TIMED = "chrono"
MODULE_MD = """---
title: "{title}"
summary: "Un module de test."
duration_minutes: 10
objectives:
  - "Répondre."
level: initiation
---

Présentation.
"""
LESSON_MD = "---\ntitle: Leçon\n---\n\nTexte de la leçon.\n"
QUIZ = """---
pretest: true
---

## Les étapes {#etapes .ordre}

Remettez dans l'ordre.

1. Collecte
2. Annotation
3. Entraînement

## Les standards {#standards .association}

Associez.

- FHIR => Échange
- DICOM => Images
- => Facturation

## Une valeur {#valeur .numerique unit=%}

Combien ?

- [x] 42,5 {tolerance=0.5}

## Un sigle {#sigle .qroc}

Quel sigle ?

- [x] RGPD

## Un jugement {#jugement .tcs}

L'hypothèse devient :

- -2 {panel=0}
- -1 {panel=1}
- 0 {panel=6}
- +1 {panel=3}
- +2 {panel=0}

## Une zone {#zone .zone}

Cliquez sur le carré.

![Un carré bleu à gauche et un disque gris à droite](images/formes.png)

- [x] rect 40,40 160,160 Carré
- [ ] circle 300,100 60 Disque
"""
TIMED_QUIZ = """---
time_limit_minutes: 1
---

## Définition {#def .qru}

Quelle proposition ?

- [x] La bonne.
- [ ] La mauvaise.
"""

FINISH, CONFIRM = "Terminer la tentative…", "Tout envoyer et terminer"


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "content"
    for order, (module_id, title, text) in enumerate([(MODULE, "Les widgets", QUIZ), (TIMED, "Chrono", TIMED_QUIZ)],
                                                     start=1):
        folder = root / f"{order:02d}-{module_id}"
        (folder / "images").mkdir(parents=True)
        (folder / "module.md").write_text(MODULE_MD.format(title=title), encoding="utf-8")
        (folder / "01-lecon.md").write_text(LESSON_MD, encoding="utf-8")
        (folder / "quiz.md").write_text(text, encoding="utf-8")
        Image.new("RGB", (400, 200), "white").save(folder / "images" / "formes.png")
    catalog = load_catalog(root)
    assert not catalog.problems, [str(p) for p in catalog.problems]
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))
    return root


@pytest.fixture
def learner(app_env: Engine) -> tuple[int, str]:
    account = make_account(app_env, "learner")
    return account.id, auth.create_session(app_env, account.id)


def click(at: AppTest, label: str) -> AppTest:
    next(button for button in at.button if button.label == label).click().run()
    assert not at.exception
    return at


def started(app_env: Engine, learner: tuple[int, str],
            module_id: str = MODULE) -> tuple[AppTest, progress.AttemptState]:
    user_id, token = learner
    at = open_page("pages/3_quiz.py", token, {"module": module_id})
    click(at, "Commencer")
    attempt = progress.in_progress_attempt(app_env, user_id, module_id, "post")
    assert attempt is not None
    return at, attempt


def saved(app_env: Engine, attempt_id: int, question_id: str) -> object:
    return progress.attempt_state(app_env, attempt_id).answers.get(question_id)


def errors(at: AppTest) -> list[str]:
    return [str(node.value) for node in at.error]


def test_ordering_is_one_select_per_position_never_filled_for_the_learner(app_env, content, learner) -> None:
    at, attempt = started(app_env, learner)
    slots = [at.selectbox(key=widget_key(attempt.id, "etapes", f"pos{n}")) for n in (1, 2, 3)]
    assert [slot.label for slot in slots] == ["Position 1", "Position 2", "Position 3"]
    assert all(slot.value is None for slot in slots)  # nothing placed: not answered
    assert all(slot.placeholder == "Choisir l’élément…" for slot in slots)
    assert not at.multiselect  # the old multiselect (« Choose options », « Select all ») is gone
    slots[0].set_value("b").run()
    assert saved(app_env, attempt.id, "etapes") == ["b", None, None]  # half done is kept…
    left = next(c.value for c in at.caption if c.value.startswith("Reste à placer : "))
    assert "« Collecte »" in left and "« Entraînement »" in left and "Annotation" not in left
    at.selectbox(key=widget_key(attempt.id, "etapes", "pos2")).set_value("b").run()
    assert any("Placé à plusieurs positions : « Annotation »" in e for e in errors(at))
    at.selectbox(key=widget_key(attempt.id, "etapes", "pos1")).set_value("a").run()
    at.selectbox(key=widget_key(attempt.id, "etapes", "pos3")).set_value("c").run()
    assert saved(app_env, attempt.id, "etapes") == ["a", "b", "c"]
    assert not errors(at)


def test_matching_selects_have_french_placeholders_and_no_filter(app_env, content, learner) -> None:
    at, attempt = started(app_env, learner)
    fhir = at.selectbox(key=widget_key(attempt.id, "standards", "a"))
    assert (fhir.label, fhir.value, fhir.placeholder) == ("FHIR", None, "Choisir…")
    assert str(fhir.proto).count("filter_mode: FILTER_MODE_NONE") == 1  # no typing filter, no « No results »
    fhir.set_value("Échange").run()
    assert saved(app_env, attempt.id, "standards") == {"a": "Échange"}


def test_a_numeric_field_refuses_a_non_number_and_takes_a_decimal_comma(app_env, content, learner) -> None:
    at, attempt = started(app_env, learner)
    key = widget_key(attempt.id, "valeur")
    at.text_input(key=key).input("quinze").run()
    assert any(e.startswith("Saisissez un nombre") for e in errors(at))
    assert saved(app_env, attempt.id, "valeur") == "quinze"  # kept as typed, shown again after a refresh…
    rows = summary_rows(quiz.load(content / f"01-{MODULE}" / "quiz.md").questions,
                        progress.attempt_state(app_env, attempt.id).answers, ())
    assert {row.question.id: row.status for row in rows}["valeur"] == "invalid"  # …but not answered
    at.text_input(key=key).input("42,5").run()
    assert not errors(at)
    at.text_input(key=key).input("1 000,5").run()
    assert not errors(at)


def test_a_qroc_answer_over_five_words_is_flagged(app_env, content, learner) -> None:
    at, attempt = started(app_env, learner)
    key = widget_key(attempt.id, "sigle")
    at.text_input(key=key).input("le règlement général sur la protection des données").run()
    assert any("5 mots au plus" in e for e in errors(at))
    at.text_input(key=key).input("RGPD").run()
    assert not errors(at)


def test_invalid_answers_count_as_none_at_submission(app_env, content, learner) -> None:
    at, attempt = started(app_env, learner)
    at.text_input(key=widget_key(attempt.id, "valeur")).input("quinze").run()
    at.selectbox(key=widget_key(attempt.id, "etapes", "pos1")).set_value("a").run()
    click(at, FINISH)
    assert [m.value for m in at.metric] == ["0", "6", "0"]
    assert "Réponse invalide : elle ne compte pas" in "\n".join(m.value for m in at.markdown)
    click(at, CONFIRM)
    result = progress.attempt_result(app_env, attempt.id)
    responses = {r.question_id: r.response for r in result.responses}
    assert responses["valeur"] is None and responses["etapes"] is None


def test_flags_the_summary_its_links_back_and_the_confirmation(app_env, content, learner) -> None:
    at, attempt = started(app_env, learner)
    at.radio(key=widget_key(attempt.id, "jugement")).set_value(-1).run()
    at.checkbox(key=widget_key(attempt.id, "valeur", "flag")).check().run()
    assert progress.attempt_state(app_env, attempt.id).flagged == ("valeur",)
    click(at, FINISH)
    assert progress.attempt_result(app_env, attempt.id) is None  # nothing sent yet
    assert [m.value for m in at.metric] == ["1", "5", "1"]
    assert "Récapitulatif avant l’envoi" in [h.value for h in at.subheader]
    # A link back: the questions again (new widgets, drawn from the saved answers), scrolled to question 3.
    at.button(key=f"summary_back:{attempt.id}:3").click().run()
    assert not at.exception
    ns = f"{attempt.id}r1"
    assert at.radio(key=widget_key(ns, "jugement")).value == -1
    assert at.checkbox(key=widget_key(ns, "valeur", "flag")).value is True
    assert len(at.get("html")) >= 1  # the scroll script
    click(at, FINISH)
    click(at, CONFIRM)
    result = progress.attempt_result(app_env, attempt.id)
    assert result is not None
    assert {r.question_id: r.response for r in result.responses}["jugement"] == -1
    # TCS answers read as labels in the results, never as bare codes.
    shown = "\n".join(m.value for m in at.markdown)
    assert "**Votre réponse**\u00a0: -1 : affaiblie" in shown
    assert "**Réponse attendue**\u00a0: 0 : inchangée" in shown


def test_the_time_limit_submits_even_from_the_summary(app_env, content, learner) -> None:
    at, attempt = started(app_env, learner, TIMED)
    at.radio(key=widget_key(attempt.id, "def")).set_value("a").run()
    click(at, FINISH)
    with db.write(app_env) as session:  # the deadline passes while the learner reads the summary
        session.execute(update(Attempt).where(Attempt.id == attempt.id)
                        .values(deadline=db.utcnow() - timedelta(seconds=1)))
    at.run()
    assert not at.exception
    result = progress.attempt_result(app_env, attempt.id)
    assert result is not None and result.score == 1.0


def test_the_pretest_warning_and_the_pretest_link(app_env, content, learner) -> None:
    _, token = learner
    at = open_page("pages/3_quiz.py", token, {"module": MODULE})
    assert any("Commencer l’évaluation ferme le pré-test" in w.value for w in at.warning)
    links = [link for link in at.get("page_link") if link.proto.label == "Faire d’abord le pré-test"]
    assert links and "kind=pre" in links[0].proto.query_string
    module_page = open_page("pages/2_module.py", token, {"module": MODULE})
    assert any(link.proto.label == "Faire le pré-test" for link in module_page.get("page_link"))
    click(at, "Commencer")  # the graded quiz starts: the pre-test closes
    module_page = open_page("pages/2_module.py", token, {"module": MODULE})
    assert not any(link.proto.label == "Faire le pré-test" for link in module_page.get("page_link"))
    again = open_page("pages/3_quiz.py", token, {"module": MODULE})
    assert not any("ferme le pré-test" in w.value for w in again.warning)


def test_zone_clicks_become_points_in_image_pixels() -> None:
    assert zone_after_click([], (100.4, 50.26), several=False, touch=16) == [[100.4, 50.3]]
    assert zone_after_click([[1, 1]], (200, 60), several=False, touch=16) == [[200, 60]]  # one zone: it moves
    points = zone_after_click([[100, 100]], (300, 100), several=True, touch=16)
    assert points == [[100, 100], [300, 100]]  # several zones: a new point
    assert zone_after_click(points, (105, 95), several=True, touch=16) == [[300, 100]]  # near one: removed
    many = [[10 * n, 0] for n in range(quiz.grading.MAX_ZONE_POINTS)]
    assert len(zone_after_click(many, (999, 999), several=True, touch=1)) == quiz.grading.MAX_ZONE_POINTS


def test_a_zone_question_shows_the_image_and_grades_a_saved_click(app_env, content, learner) -> None:
    at, attempt = started(app_env, learner)
    assert any("Cliquez sur l’image à l’endroit demandé" in c.value for c in at.caption)
    assert "formes.png" not in "\n".join(m.value for m in at.markdown)  # the stem's image is the clickable one
    progress.save_answer(app_env, attempt.id, "zone", [[100, 100]])
    at = open_page("pages/3_quiz.py", learner[1], {"module": MODULE})
    assert "1 point(s) placé(s)." in [c.value for c in at.caption]
    click(at, FINISH)
    click(at, CONFIRM)
    result = progress.attempt_result(app_env, attempt.id)
    assert {r.question_id: r.fraction for r in result.responses}["zone"] == 1.0
    assert "point 1 (100, 100) : Carré" in "\n".join(m.value for m in at.markdown)
    assert at.get("image")  # the clicked point drawn over the zones


def test_no_english_widget_chrome_on_the_attempt(app_env, content, learner) -> None:
    at, _ = started(app_env, learner)
    labels = [w.label for kind in ("selectbox", "text_input", "radio", "checkbox", "button") for w in getattr(at, kind)]
    placeholders = [w.placeholder for w in at.selectbox] + [w.placeholder for w in at.text_input if w.placeholder]
    assert all("filter_mode: FILTER_MODE_NONE" in str(w.proto) for w in at.selectbox)
    english = ("Choose", "Select", "Submit", "options", "No results")
    assert not [text for text in labels + placeholders if text and any(word in text for word in english)]
