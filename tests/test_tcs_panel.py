"""TCS panel provenance (`panel_source`) shown to learners on TCS items and to trainers in item analysis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apptest_support import make_account, open_page
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

import quiz
from academy.accounts import auth
from academy.content.catalog import load_catalog
from academy.i18n import t
from academy.learning import progress
from academy.ui.widgets import panel_note

MODULE = "jugement-clinique"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

MODULE_MD = """---
title: Jugement clinique et IA
summary: Un module de test pour les TCS.
duration_minutes: 20
objectives:
  - Raisonner en situation d'incertitude.
level: initiation
pass_mark: 0.5
---

Présentation.
"""

LESSON_MD = """---
title: Première leçon
---

Le texte de la leçon.
"""

QUIZ_MD = """---
{front}
---

## Une alerte de sepsis {{#alerte .tcs objective=1}}

Si vous pensiez à une pneumopathie… et qu'une alerte de sepsis s'affiche, cette hypothèse devient :

- -2 {{panel=0}}
- -1 {{panel=1}}
- 0 {{panel=2}}
- +1 {{panel=5}}
- +2 {{panel=4}}

> Le panel penche vers +1.

## Contrôle {{#ctrl .qru objective=1}}

Qui décide ?

- [x] Le professionnel.
- [ ] Le logiciel.
"""


def write_content(root: Path, front: str) -> Path:
    folder = root / f"01-{MODULE}"
    folder.mkdir(parents=True)
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "01-premiere-lecon.md").write_text(LESSON_MD, encoding="utf-8")
    (folder / "quiz.md").write_text(QUIZ_MD.format(front=front), encoding="utf-8")
    return root


def tcs_question(front: str = "panel_source: experts") -> quiz.Question:
    return quiz.parse(QUIZ_MD.format(front=front)).question("alerte")


def captions(at: AppTest) -> str:
    return "\n".join(str(node.value) for node in at.caption)


# --- the sentence -----------------------------------------------------------------------------------


def test_the_note_names_the_provenance_and_counts_a_real_panel() -> None:
    question = tcs_question()
    assert panel_note(question, "experts", "fr") == "Panel de 12\u00a0experts\u00a0: les réponses de référence " \
        "sont celles d’experts réels."
    assert panel_note(question, "experts", "en").startswith("Panel of 12 experts")
    assert panel_note(question, "simule", "fr").startswith("Panel simulé par les auteurs\u00a0:")
    assert panel_note(question, "simule", "en").startswith("Panel simulated by the authors")
    assert panel_note(question, None, "fr") == "Provenance du panel de référence non précisée."


def test_other_question_types_get_no_note() -> None:
    qz = quiz.parse(QUIZ_MD.format(front="panel_source: simulé"))
    assert panel_note(qz.question("ctrl"), "simule", "fr") is None


# --- learners: during the attempt and in the results --------------------------------------------------


@pytest.fixture
def learner(app_env: Engine) -> tuple[int, str]:
    account = make_account(app_env, "learner")
    return account.id, auth.create_session(app_env, account.id)


@pytest.mark.parametrize(("front", "expected"), [
    ("panel_source: simulé", "Panel simulé par les auteurs"),
    ("panel_source: experts", "Panel de 12\u00a0experts"),
    ("pretest: false", "Provenance du panel de référence non précisée."),
])
def test_learners_see_the_provenance_under_the_tcs_item(app_env: Engine, tmp_path: Path, monkeypatch, learner,
                                                         front: str, expected: str) -> None:
    root = write_content(tmp_path / "content", front)
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))
    user_id, token = learner
    qz = load_catalog(root).module(MODULE).quiz
    attempt_id = progress.start_attempt(app_env, user_id=user_id, module_id=MODULE, kind="post", quiz=qz,
                                        start_token="t1", now=T0)

    at = open_page("pages/3_quiz.py", token, {"module": MODULE})
    assert not at.exception, at.exception
    shown = captions(at)
    assert shown.count(expected) == 1, shown  # on the TCS item only, not on the QRU

    progress.save_answer(app_env, attempt_id, "alerte", 1, now=T0)
    progress.save_answer(app_env, attempt_id, "ctrl", "a", now=T0)
    progress.submit_attempt(app_env, attempt_id, qz, pass_mark=0.5, now=T0 + timedelta(minutes=3))
    at = open_page("pages/3_quiz.py", token, {"module": MODULE, "attempt": str(attempt_id)})
    assert not at.exception, at.exception
    assert captions(at).count(expected) == 1, captions(at)


# --- trainers: item analysis ------------------------------------------------------------------------------


@pytest.mark.parametrize(("front", "kind", "expected"), [
    ("panel_source: simulé", "warning", t("items.tcs_panel.simule", n=1)),
    ("panel_source: experts", "info", t("items.tcs_panel.experts", n=1, size=12)),
    ("pretest: false", "warning", t("items.tcs_panel.unknown", n=1)),
])
def test_item_analysis_says_where_the_panel_comes_from(app_env: Engine, tmp_path: Path, monkeypatch, front: str,
                                                       kind: str, expected: str) -> None:
    root = write_content(tmp_path / "content", front)
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))
    at = open_page("pages/13_item_analysis.py", auth.create_session(app_env, make_account(app_env, "trainer").id),
                   {"module": MODULE})
    assert not at.exception, at.exception
    assert expected in [node.value for node in getattr(at.tabs[0], kind)]
    # The distractors tab shows the chosen item's provenance when it is a TCS item.
    at.tabs[1].selectbox[0].set_value("alerte").run()
    assert panel_note(tcs_question(front), load_catalog(root).module(MODULE).quiz.settings.panel_source,
                      "fr") in captions(at)


def test_item_analysis_gives_the_range_of_panel_sizes(app_env: Engine, tmp_path: Path, monkeypatch) -> None:
    root = write_content(tmp_path / "content", "panel_source: experts")
    quiz_file = root / f"01-{MODULE}" / "quiz.md"
    second = QUIZ_MD.format(front="x: 1").split("## Contrôle")[0].split("---\n", 2)[2]
    second = second.replace("#alerte", "#alerte-2").replace("{panel=4}", "{panel=8}")
    quiz_file.write_text(quiz_file.read_text(encoding="utf-8") + "\n" + second, encoding="utf-8")
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))
    at = open_page("pages/13_item_analysis.py", auth.create_session(app_env, make_account(app_env, "trainer").id),
                   {"module": MODULE})
    assert not at.exception, at.exception
    assert t("items.tcs_panel.experts_range", n=2, low=12, high=16) in [node.value for node in at.tabs[0].info]
