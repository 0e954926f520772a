"""Interactive figures drawn in a lesson (AppTest on pages/2_module.py): chart, sliders, text alternative that
follows the sliders; and the chart builders' specs (French number formats)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest_support import make_account
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from academy.accounts import auth
from academy.content import figures as fig
from academy.ui import figures as draw

MODULE = "figures-test"
N = "\u00a0"

MODULE_MD = """---
title: Figures interactives
summary: Un module de test pour les figures.
duration_minutes: 20
objectives:
  - Lire une figure.
level: initiation
---

Présentation.
"""

FIGURES = {
    "ppv-prevalence": "title: \"VPP et prévalence\"\nsensitivity: 0.9\nspecificity: 0.98\nprevalence: 0.005\n"
                      "population: 10000\ncaption: \"Un outil hypothétique.\"\n",
    "confusion-matrix": "population: 1000\nprevalence: 0.2\nsensitivity: 0.8\nspecificity: 0.975\n"
                        "sick_label: \"Fracture\"\nhealthy_label: \"Pas de fracture\"\n",
    "roc-threshold": "auc: 0.63\n",
    "calibration": "population: 1000\n",
    "drift": "feature: \"Résultat du dosage\"\nmean_healthy: 10\nmean_sick: 14\nsd: 2\nshift: 2\nshift_max: 4\n",
}

# What each figure's text alternative starts with, before and after its first slider moves to `moved`.
READINGS = {
    "ppv-prevalence": (0.2, f"À une prévalence de 0,5{N}%", f"À une prévalence de 20{N}%"),
    "confusion-matrix": (0.05, f"Sur 1{N}000{N}personnes (Fracture{N}: 200",
                         f"Sur 1{N}000{N}personnes (Fracture{N}: 50"),
    "roc-threshold": (1.0, "Au seuil de 0,23", "Au seuil de 1,"),
    "calibration": (0.1, f"Quand le modèle annonce un risque de 20{N}%, l’événement survient chez 20{N}%",
                    f"Quand le modèle annonce un risque de 20{N}%, l’événement ne survient que chez 10{N}%"),
    "drift": (0.0, "Résultat du dosage\u00a0: au déploiement, toutes les valeurs sont décalées de +2",
              "Résultat du dosage\u00a0: sans décalage"),
}
CHARTS = {"ppv-prevalence": 1, "confusion-matrix": 1, "roc-threshold": 2, "calibration": 1, "drift": 2}
SLIDERS = {"ppv-prevalence": ["Prévalence dans la population"],
           "confusion-matrix": ["Prévalence", "Sensibilité", "Spécificité"],
           "roc-threshold": ["Seuil de décision"],
           "calibration": [f"Risque observé quand le modèle annonce 20{N}%", "Pente de calibration"],
           "drift": ["Décalage des valeurs au déploiement"]}


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module with one lesson per figure kind."""
    folder = tmp_path / "content" / f"01-{MODULE}"
    folder.mkdir(parents=True)
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    for order, (kind, body) in enumerate(FIGURES.items(), 1):
        lesson = f"---\ntitle: Leçon {kind}\n---\n\nAvant la figure.\n\n```figure {kind}\n{body}```\n\nAprès.\n"
        (folder / f"{order:02d}-{kind}.md").write_text(lesson, encoding="utf-8")
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path / "content"))
    return tmp_path / "content"


@pytest.fixture
def token(app_env: Engine) -> str:
    return auth.create_session(app_env, make_account(app_env, "learner").id)


def lesson_page(token: str, kind: str, locale: str = "fr") -> AppTest:
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    at.session_state["auth_token"] = token
    at.session_state["locale"] = locale
    at.run()
    at.query_params["module"] = MODULE
    at.query_params["lesson"] = kind
    at.switch_page("pages/2_module.py").run()
    assert not at.exception, at.exception
    return at


def reading(at: AppTest, start: str) -> str:
    found = [node.value for node in at.markdown if node.value.startswith(start)]
    assert len(found) == 1, [node.value for node in at.markdown]
    return found[0]


@pytest.mark.parametrize("kind", list(FIGURES))
def test_each_figure_draws_its_chart_sliders_and_a_text_alternative_that_follows_the_slider(
        app_env: Engine, content: Path, token: str, kind: str) -> None:
    at = lesson_page(token, kind)
    charts = at.get("vega_lite_chart")
    assert len(charts) == CHARTS[kind]
    assert [slider.label for slider in at.select_slider] == SLIDERS[kind]
    moved, before, after = READINGS[kind]
    text = reading(at, before)
    assert all(chart.proto.alt == text for chart in charts), "the chart's accessible name is the text alternative"
    for chart in charts:
        assert json.loads(chart.proto.spec)["config"]["locale"]["number"]["decimal"] == ","

    at.select_slider[0].set_value(moved).run()
    assert not at.exception, at.exception
    new_text = reading(at, after)
    assert new_text != text
    assert all(chart.proto.alt == new_text for chart in at.get("vega_lite_chart"))


def test_title_and_caption_frame_the_figure(app_env: Engine, content: Path, token: str) -> None:
    at = lesson_page(token, "ppv-prevalence")
    markdown = [node.value for node in at.markdown]
    assert "**VPP et prévalence**" in markdown
    assert "Un outil hypothétique." in [node.value for node in at.caption]
    assert [option for option in at.select_slider[0].options][:3] == [f"0,1{N}%", f"0,2{N}%", f"0,3{N}%"]
    assert at.select_slider[0].value == 0.005


def test_english_interface_gives_english_figures(app_env: Engine, content: Path, token: str) -> None:
    at = lesson_page(token, "ppv-prevalence", locale="en")
    assert [slider.label for slider in at.select_slider] == ["Prevalence in the population"]
    assert reading(at, "At a prevalence of 0.5%").endswith("45 true positives and 199 false positives.")
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["config"]["locale"]["number"]["decimal"] == "."


def test_the_shipped_lesson_shows_its_own_example(app_env: Engine, token: str) -> None:
    """Module 11, lesson 1 (shipped curriculum): the confusion matrix starts on the lesson's 160/20/40/780."""
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    at.session_state["auth_token"] = token
    at.run()
    at.query_params["module"] = "evaluer-ia-sante"
    at.query_params["lesson"] = "metriques-performance"
    at.switch_page("pages/2_module.py").run()
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) == 3  # the confusion matrix and the ROC explorer's two charts
    text = reading(at, f"Sur 1{N}000{N}personnes (Fracture")
    assert f"160{N}vrais positifs, 20{N}faux positifs, 40{N}faux négatifs et 780{N}vrais négatifs" in text
    assert f"VPP 88,9{N}%, VPN 95,1{N}%" in text


# --- chart builders ------------------------------------------------------------------------------------------


def test_ppv_chart_marks_the_current_values() -> None:
    body = "sensitivity: 0.9\nspecificity: 0.9\nprevalence: 0.01\n"
    values = fig.parse_figure("figure ppv-prevalence", body)[0].params
    spec = draw.ppv_chart(values, 0.01, "fr").to_dict()
    labels = [row["label"] for rows in spec["datasets"].values() for row in rows if "label" in row]
    assert labels == [f"VPP 8,3{N}%", f"VPN 99,9{N}%"]
    assert spec["config"]["locale"]["number"]["percent"] == f"{N}%"


def test_confusion_chart_holds_the_four_cells() -> None:
    values = {"sick_label": "Malades", "healthy_label": "Non-malades"}
    spec = draw.confusion_chart(values, fig.confusion_counts(10_000, 0.01, 0.99, 0.99), "fr").to_dict()
    cells = next(rows for rows in spec["datasets"].values() if rows and "count" in rows[0])
    assert {row["name"]: row["count_text"] for row in cells} == {
        "Vrais positifs": "99", "Faux positifs": "99", "Faux négatifs": "1", "Vrais négatifs": f"9{N}801"}


def test_roc_and_drift_charts_build() -> None:
    model = fig.Binormal.from_auc(0.8)
    assert draw.roc_chart(model, 0.5, "fr").to_dict()["layer"]
    assert draw.density_chart(model, 0.5, "fr", "Score").to_dict()["layer"]
    drift = fig.drift_of({"mean_healthy": 10, "mean_sick": 14, "sd": 2, "threshold": None, "shift": 0,
                          "shift_max": None})
    bars = draw.drift_performance_chart(drift, 2.0, "fr").to_dict()
    rows = next(rows for rows in bars["datasets"].values() if rows and "row" in rows[0])
    assert [row["text"] for row in rows] == [f"84,1{N}%", f"97,7{N}%", f"84,1{N}%", f"50{N}%"]


def test_the_same_figure_drawn_twice_on_a_page_keeps_apart_with_a_scope() -> None:
    """The studio shows a lesson's preview and its live edit in one run: their sliders must not clash."""
    def page() -> None:
        from pathlib import Path

        from academy.content.markdown_blocks import markdown_blocks
        from academy.ui.render import render_blocks

        blocks = markdown_blocks("```figure roc-threshold\nauc: 0.8\n```\n", Path("."))
        render_blocks(blocks)
        render_blocks(blocks, scope="edit")

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception, at.exception
    assert len(at.select_slider) == 2 and len(at.get("vega_lite_chart")) == 4
    at.select_slider[1].set_value(1.0).run()
    start = fig.Binormal.from_auc(0.8).midpoint()
    assert [slider.value for slider in at.select_slider] == [pytest.approx(start), 1.0]


def test_chart_specs_are_built_once_per_state_and_handed_out_as_fresh_copies() -> None:
    draw._SPECS.clear()
    calls = []

    def builder(model: fig.Binormal, threshold: float, locale: str):
        calls.append(threshold)
        return draw.roc_chart(model, threshold, locale)

    model = fig.Binormal.from_auc(0.7)
    first = draw.chart_spec(builder, model, 0.5, "fr")
    first["config"] = "changed by a caller"
    again = draw.chart_spec(builder, model, 0.5, "fr")
    assert again["config"]["locale"]["number"]["decimal"] == ","
    assert calls == [0.5]
    draw.chart_spec(builder, model, 0.6, "fr")
    assert calls == [0.5, 0.6]
    expected = draw.roc_chart(model, 0.5, "fr").to_dict()
    assert {key: value for key, value in again.items() if key != "datasets"} == {
        key: value for key, value in expected.items() if key != "datasets"}
    assert set(again["datasets"]) == set(expected["datasets"])  # the same data, already in Arrow IPC bytes
    assert all(isinstance(data, bytes) for data in again["datasets"].values())
