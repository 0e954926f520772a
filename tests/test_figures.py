"""Interactive figures, content side: computations checked against hand-computed values, the parameter
schemas, the Markdown parser and the linter's messages with their lines (academy/content/figures.py)."""

from __future__ import annotations

import itertools
import math
import shutil
from pathlib import Path
from statistics import NormalDist

import pytest
from click.testing import CliRunner

from academy.cli import cli
from academy.content import figures as fig
from academy.content import messages
from academy.content.catalog import load_catalog
from academy.content.markdown_blocks import check_markdown, parse_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "content"
N = "\u00a0"


# --- computations, by hand ---------------------------------------------------------------------------------


def test_predictive_values_by_bayes() -> None:
    # Se 0.9, Sp 0.9, prevalence 1 %: TP 0.009, FP 0.099 → PPV 0.009 / 0.108 = 1/12 = 8.33 %;
    # TN 0.891, FN 0.001 → NPV 0.891 / 0.892.
    ppv, npv = fig.predictive_values(0.9, 0.9, 0.01)
    assert ppv == pytest.approx(1 / 12)
    assert npv == pytest.approx(0.891 / 0.892)
    # The curriculum's examples: 99 % / 99 % at 1 % → 50 %; at 10 % → 990 / 1080; 90 % / 98 % at 0.5 % → 45 / 244.
    assert fig.predictive_values(0.99, 0.99, 0.01)[0] == pytest.approx(0.5)
    assert fig.predictive_values(0.99, 0.99, 0.10)[0] == pytest.approx(990 / 1080)
    assert fig.predictive_values(0.90, 0.98, 0.005)[0] == pytest.approx(45 / 244.0, abs=1e-9)
    # No positive result at all: the PPV is undefined, not a division error.
    assert fig.predictive_values(0.0, 1.0, 0.2) == (None, pytest.approx(0.8 / 1.0))


@pytest.mark.parametrize(("args", "cells"), [
    ((10_000, 0.005, 0.90, 0.98), (45, 199, 5, 9751)),    # module 2, lesson 4
    ((1_000, 0.05, 0.874, 0.895), (44, 100, 6, 850)),     # module 3, lesson 3 (43.7 → 44, 99.75 → 100)
    ((1_000, 0.20, 0.874, 0.895), (175, 84, 25, 716)),    # same, at 20 %
    ((1_000, 0.20, 0.80, 0.975), (160, 20, 40, 780)),     # module 11, lesson 1
    ((1_000, 0.15, 0.96, 0.46), (144, 459, 6, 391)),      # module 5, lesson 4 / module 11, lesson 2
    ((1_000, 0.05, 0.96, 0.46), (48, 513, 2, 437)),       # module 5, lesson 4, at 5 %
    ((10_000, 0.01, 0.99, 0.99), (99, 99, 1, 9801)),      # module 11, lesson 2
])
def test_confusion_counts_in_natural_frequencies(args: tuple, cells: tuple[int, int, int, int]) -> None:
    counts = fig.confusion_counts(*args)
    assert (counts.tp, counts.fp, counts.fn, counts.tn) == cells
    assert counts.total == args[0]


def test_confusion_count_metrics() -> None:
    counts = fig.confusion_counts(1_000, 0.20, 0.80, 0.975)
    assert (counts.sick, counts.healthy, counts.positives, counts.negatives) == (200, 800, 180, 820)
    assert counts.ppv == pytest.approx(160 / 180)  # 88.9 %
    assert counts.npv == pytest.approx(780 / 820)  # 95.1 %
    assert counts.accuracy == pytest.approx(0.94)
    assert fig.confusion_counts(100, 0.5, 0.0, 1.0).ppv is None


def test_binormal_roc() -> None:
    # AUC = Φ(d / √2): AUC 0.76 ↔ d = √2 · Φ⁻¹(0.76) = 1.41421 × 0.70630 ≈ 0.9989.
    model = fig.Binormal.from_auc(0.76)
    assert model.mean_sick == pytest.approx(0.9989, abs=1e-4)
    assert model.auc == pytest.approx(0.76)
    # Halfway between the means, sensitivity = specificity = Φ(d / 2).
    half = model.midpoint()
    assert model.sensitivity(half) == pytest.approx(model.specificity(half))
    assert model.sensitivity(half) == pytest.approx(NormalDist().cdf(model.mean_sick / 2))
    # Healthy N(0, 1), sick N(2, 1): at 1, Se = Sp = Φ(1) = 0.8413; AUC = Φ(2 / √2) = Φ(1.414) = 0.9214.
    explicit = fig.Binormal(0, 1, 2, 1)
    assert explicit.sensitivity(1.0) == pytest.approx(0.841345, abs=1e-6)
    assert explicit.specificity(1.0) == pytest.approx(0.841345, abs=1e-6)
    assert explicit.auc == pytest.approx(0.921350, abs=1e-6)
    # Unequal spreads: AUC = Φ((μ₁ − μ₀) / √(σ₀² + σ₁²)) = Φ(3 / 5) = 0.7257.
    assert fig.Binormal(0, 3, 3, 4).auc == pytest.approx(0.725747, abs=1e-6)


def test_roc_curve_runs_from_0_0_to_1_1_upwards_and_its_area_is_the_auc() -> None:
    model = fig.Binormal.from_auc(0.63)
    curve = model.roc_curve(points=401)
    assert curve[0] == (0.0, 0.0) and curve[-1] == (1.0, 1.0)
    assert all(b[0] >= a[0] and b[1] >= a[1] for a, b in itertools.pairwise(curve))
    area = sum((b[0] - a[0]) * (a[1] + b[1]) / 2 for a, b in itertools.pairwise(curve))
    assert area == pytest.approx(0.63, abs=0.005)


def test_calibration_curve() -> None:
    calibrated = fig.Calibration(0.0, 1.0)
    assert calibrated.observed(0.2) == pytest.approx(0.2)
    assert [round(observed, 6) for *_, observed in calibrated.bins(4)] == [0.125, 0.375, 0.625, 0.875]
    # Through (20 %, 10 %) with slope 1: logit(0.1) − logit(0.2) = −0.8109 → at 50 % observed expit(−0.8109) = 0.3077.
    over = fig.Calibration.through(0.2, 0.1, 1.0)
    assert over.intercept == pytest.approx(math.log(1 / 9) - math.log(1 / 4))
    assert over.observed(0.2) == pytest.approx(0.1)
    assert over.observed(0.5) == pytest.approx(0.307692, abs=1e-6)  # = 4/13
    # Slope 0.5 through (20 %, 20 %): predictions too extreme, so 5 % is observed higher and 80 % lower.
    extreme = fig.Calibration.through(0.2, 0.2, 0.5)
    assert extreme.observed(0.2) == pytest.approx(0.2)
    assert extreme.observed(0.05) > 0.05 and extreme.observed(0.8) < 0.8
    # expit(logit(0.2) · 0.5 + 0.5 · logit(0.2)) at 0.8: logit(0.8) = 1.386; −0.693 + 0.693 = 0 → 50 %.
    assert extreme.observed(0.8) == pytest.approx(0.5)
    assert [start for start, *_ in fig.Calibration(0, 1).bins(10)] == pytest.approx([i / 10 for i in range(10)])


def test_drift_at_a_fixed_threshold() -> None:
    # Healthy N(10, 2), sick N(14, 2), threshold 12: Se = Sp = Φ(1) = 84.1 %. Every value +2: Se = Φ(2) = 97.7 %,
    # Sp = Φ(0) = 50 %.
    model = fig.drift_of({"mean_healthy": 10, "mean_sick": 14, "sd": 2, "threshold": None, "shift": 2,
                          "shift_max": None})
    assert model.threshold == 12 and model.shift_max == 4
    se0, sp0, se1, sp1 = model.performance(2.0)
    assert (se0, sp0) == (pytest.approx(0.841345, abs=1e-6), pytest.approx(0.841345, abs=1e-6))
    assert (se1, sp1) == (pytest.approx(0.977250, abs=1e-6), pytest.approx(0.5))
    assert model.performance(0.0)[2:] == (pytest.approx(se0), pytest.approx(sp0))
    # A pure shift leaves the discrimination (AUC) unchanged: only the operating point moves.
    assert model.deployment(2.0).auc == pytest.approx(model.training.auc)


# --- numbers in French --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "fr", "en"), [
    (1 / 12, f"8,3{N}%", "8.3%"),
    (0.5, f"50{N}%", "50%"),
    (0.005, f"0,5{N}%", "0.5%"),
    (0.0005, f"0,05{N}%", "0.05%"),
    (0.975, f"97,5{N}%", "97.5%"),
    (9801 / 9802, f"plus de 99,9{N}%", "more than 99.9%"),
    (None, "non définie", "undefined"),
])
def test_percentages(value: float | None, fr: str, en: str) -> None:
    assert fig.percent_text(value, "fr") == fr
    assert fig.percent_text(value, "en") == en


def test_numbers() -> None:
    assert fig.count_text(10_000, "fr") == f"10{N}000"
    assert fig.count_text(10_000, "en") == "10,000"
    assert fig.number_text(0.63, "fr") == "0,63"
    assert fig.number_text(-0.5, "fr") == "\u22120,5"
    assert fig.number_text(1.0, "fr") == "1"
    assert fig.signed_text(2, "fr") == "+2"
    assert fig.signed_text(0, "fr") == "0"


def test_slider_grids_hold_the_lessons_values() -> None:
    grid = fig.prevalence_grid(0.001, 0.5, 0.005)
    assert grid[0] == 0.001 and grid[-1] == 0.5 and 0.005 in grid and 0.2 in grid
    assert grid == sorted(set(grid))
    assert 0.874 in fig.probability_grid(0.874) and 0.975 in fig.probability_grid(0.975)
    thresholds = fig.range_grid(-3, 3.47, 0.2347)
    assert 0.2347 in thresholds and thresholds[0] >= -3 and thresholds[-1] <= 3.47
    assert fig.nice_step(6.47) == 0.1
    # A value between two stops replaces the nearer one, so that neighbouring stops never read the same.
    assert fig.range_grid(0, 1, 0.5951, steps=10) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.5951, 0.7, 0.8, 0.9, 1.0]
    labels = [fig.number_text(v, "fr") for v in fig.range_grid(-3, 4.19, 0.5951)]
    assert len(labels) == len(set(labels))


# --- text alternatives -------------------------------------------------------------------------------------------


def parsed(kind: str, body: str) -> fig.Figure:
    figure, problems = fig.parse_figure(f"figure {kind}", body)
    assert problems == []
    assert figure is not None
    return figure


def test_text_alternatives_reproduce_the_lessons_numbers() -> None:
    ppv = parsed("ppv-prevalence", "sensitivity: 0.9\nspecificity: 0.98\nprevalence: 0.005\npopulation: 10000\n")
    assert fig.describe_ppv(ppv.params, 0.005, "fr") == (
        f"À une prévalence de 0,5{N}%, avec une sensibilité de 90{N}% et une spécificité de 98{N}%, la valeur "
        f"prédictive positive (VPP) est de 18,4{N}% et la valeur prédictive négative (VPN) de 99,9{N}%. "
        f"Sur 10{N}000{N}personnes{N}: 45{N}vrais positifs et 199{N}faux positifs.")
    assert "PPV) is 91.8%" in fig.describe_ppv(ppv.params, 0.2, "en")

    matrix = parsed("confusion-matrix", "population: 1000\nprevalence: 0.2\nsensitivity: 0.8\nspecificity: 0.975\n")
    text = fig.describe_confusion(matrix.params, fig.confusion_counts(1000, 0.2, 0.8, 0.975), "fr")
    assert text.startswith(f"Sur 1{N}000{N}personnes (Malades{N}: 200{N}; Non-malades{N}: 800)")
    assert f"VPP 88,9{N}%, VPN 95,1{N}%, exactitude 94{N}%." in text

    roc = fig.Binormal(0, 1, 2, 1)
    assert fig.describe_roc(roc, 1.0, "fr") == (
        f"Au seuil de 1, la sensibilité est de 84,1{N}% et la spécificité de 84,1{N}%{N}: le point de la courbe "
        f"ROC a pour coordonnées (0,16{N}; 0,84). L’aire sous la courbe (AUC) vaut 0,92.")

    calibration = parsed("calibration", "population: 1000\n")
    assert fig.describe_calibration(calibration.params, fig.calibration_of(calibration.params), "fr").startswith(
        f"Quand le modèle annonce un risque de 20{N}%, l’événement survient chez 20{N}% des patients{N}: à ce "
        f"niveau, le modèle est bien calibré. Sur 1{N}000{N}personnes à qui il attribue 20{N}%, environ 200 font")
    over = fig.calibration_of(calibration.params, observed=0.1, slope=0.5)
    assert "ne survient que chez 10" in fig.describe_calibration(calibration.params, over, "fr")
    assert "trop extrêmes" in fig.describe_calibration(calibration.params, over, "fr")

    drift = parsed("drift", "feature: Dosage\nunit: mmol/L\nmean_healthy: 10\nmean_sick: 14\nsd: 2\n")
    model = fig.drift_of(drift.params)
    assert fig.describe_drift(drift.params, model, 2.0, "fr") == (
        f"Dosage{N}: au déploiement, toutes les valeurs sont décalées de +2{N}mmol/L. Au seuil de 12{N}mmol/L "
        f"fixé à l’entraînement, la sensibilité passe de 84,1{N}% à 97,7{N}% et la spécificité de 84,1{N}% "
        f"à 50{N}%.")
    assert "sans décalage" in fig.describe_drift(drift.params, model, 0.0, "fr")


# --- parameters ------------------------------------------------------------------------------------------------


def test_defaults_fill_every_parameter() -> None:
    figure = parsed("ppv-prevalence", "sensitivity: 0.9\nspecificity: 0.9\nprevalence: 0.01\n")
    assert figure.params == {"title": None, "sensitivity": 0.9, "specificity": 0.9, "prevalence": 0.01,
                             "prevalence_min": 0.001, "prevalence_max": 0.5, "population": None, "caption": None}
    assert parsed("calibration", "").params["slope"] == 1.0
    assert parsed("roc-threshold", "auc: 0.8\n").params["score_label"] == "Score de l’outil"


def test_every_kind_documents_its_parameters() -> None:
    assert list(fig.KINDS) == ["ppv-prevalence", "confusion-matrix", "roc-threshold", "calibration", "drift"]
    for kind in fig.KINDS.values():
        names = [param.name for param in kind.params]
        assert names[0] == "title" and names[-1] == "caption" and len(set(names)) == len(names)
        assert all(param.doc for param in kind.params)
    guide = (Path(__file__).resolve().parents[1] / "docs" / "authoring.md").read_text(encoding="utf-8")
    for kind in fig.KINDS.values():
        assert f"figure {kind.name}" in guide
        for param in kind.params:
            assert f"`{param.name}`" in guide, (kind.name, param.name)


def english(parsed: tuple[fig.Figure | None, list]) -> tuple[fig.Figure | None, list[tuple[int, str]]]:
    """A parse_figure result with each problem's English message instead of its code and values."""
    figure, problems = parsed
    return figure, [(line, messages.render(code, values)) for line, (code, values) in problems]


@pytest.mark.parametrize(("info", "body", "expected"), [
    ("figure", "", [(0, "a figure block needs a kind")]),
    ("figure ppv", "", [(0, "unknown figure kind `ppv`")]),
    ("figure roc", "", [(0, "(did you mean `roc-threshold`?)")]),
    ("figure drift extra", "", [(0, "write only the kind after `figure`")]),
    ("figure ppv-prevalence", "sensitivity: 0.9\nspecificity: [0.9\nprevalence: 0.1\n",
     [(2, "invalid YAML in the figure")]),  # the line of the bracket left open
    ("figure ppv-prevalence", "- 0.9\n- 0.9\n", [(1, "a figure holds `name: value` lines")]),
    ("figure ppv-prevalence", "sensitivity: 0.9\nspecificity: 0.9\nprevalence: 0.1\nsensibility: 1\n",
     [(4, "unknown parameter `sensibility`")]),
    ("figure ppv-prevalence", "sensitivity: 0.9\nspecificity: 0.9\n", [(0, "needs `prevalence`")]),
    ("figure ppv-prevalence", "sensitivity: 90\nspecificity: 0.9\nprevalence: 0.1\n",
     [(1, "must be a number ∈ [0, 1], not 90: write a fraction (0.9 for 90 %)")]),
    ("figure ppv-prevalence", "sensitivity: 90 %\nspecificity: 0.9\nprevalence: 0.1\n",
     [(1, "write a fraction without `%`")]),
    ("figure ppv-prevalence", "sensitivity: 0,9\nspecificity: 0.9\nprevalence: 0.1\n",
     [(1, "write the number with a decimal point (0.9)")]),
    ("figure ppv-prevalence", "sensitivity: yes\nspecificity: 0.9\nprevalence: 0.1\n", [(1, "must be a number")]),
    ("figure ppv-prevalence", "sensitivity: 0.9\nspecificity: 0.9\nprevalence: 0\n",
     [(3, "must be a number ∈ (0, 1), not 0")]),
    ("figure ppv-prevalence", "sensitivity: 0.9\nspecificity: 0.9\nprevalence: 0.1\nsensitivity: 0.8\n",
     [(4, "duplicate parameter `sensitivity`")]),
    ("figure ppv-prevalence", "sensitivity: 0.9\nspecificity: 0.9\nprevalence: 0.6\n",
     [(3, "must lie between prevalence_min (0.001) and prevalence_max (0.5)")]),
    ("figure ppv-prevalence", "sensitivity: 0.9\nspecificity: 0.9\nprevalence: 0.1\nprevalence_min: 0.2\n"
     "prevalence_max: 0.1\n", [(5, "`prevalence_min` (0.2) must be below `prevalence_max` (0.1)")]),
    ("figure ppv-prevalence", "title: 2024\nsensitivity: 0.9\nspecificity: 0.9\nprevalence: 0.1\n",
     [(1, "must be a text")]),
    ("figure confusion-matrix", "population: 0\nprevalence: 0.1\nsensitivity: 0.9\nspecificity: 0.9\n",
     [(1, "must be a number ∈ {1, 2, …, 10000000}, not 0")]),
    ("figure confusion-matrix", "population: 10.5\nprevalence: 0.1\nsensitivity: 0.9\nspecificity: 0.9\n",
     [(1, "must be a number ∈ {1, 2, …")]),
    ("figure roc-threshold", "auc: 0.4\n", [(1, "must be a number ∈ (0.5, 1), not 0.4")]),
    ("figure roc-threshold", "", [(0, "needs `auc`, or all of mean_healthy")]),
    ("figure roc-threshold", "mean_healthy: 0\nsd_healthy: 1\n", [(1, "missing: `mean_sick`, `sd_sick`")]),
    ("figure roc-threshold", "auc: 0.7\nmean_healthy: 0\n", [(2, "either `auc` or the four means")]),
    ("figure roc-threshold", "mean_healthy: 2\nsd_healthy: 1\nmean_sick: 1\nsd_sick: 1\n",
     [(3, "`mean_sick` must be above `mean_healthy`")]),
    ("figure roc-threshold", "mean_healthy: 0\nsd_healthy: 0\nmean_sick: 1\nsd_sick: 1\n",
     [(2, "must be a number > 0, not 0")]),
    ("figure roc-threshold", "auc: 0.7\nthreshold: 9\n", [(2, "`threshold` must lie between")]),
    ("figure calibration", "observed: 1\n", [(1, "must be a number ∈ [0.01, 0.99], not 1")]),
    ("figure calibration", "slope: 9\nbins: 50\n", [(1, "∈ [0.2, 5], not 9"), (2, "∈ {1, 2, …, 20}, not 50")]),
    ("figure drift", "mean_healthy: 1\n", [(0, "needs `mean_sick`"), (0, "needs `sd`")]),
    ("figure drift", "mean_healthy: 1\nmean_sick: 2\nsd: 1\nshift: 5\nshift_max: 1\n",
     [(4, "`shift` (5) must lie between −shift_max and shift_max (1)")]),
])
def test_problems_point_at_the_offending_line(info: str, body: str, expected: list[tuple[int, str]]) -> None:
    figure, problems = english(fig.parse_figure(info, body))
    assert figure is None
    assert [(line, words in message) for (line, message), (_, words) in zip(problems, expected, strict=True)] == [
        (line, True) for line, _ in expected], problems


def test_python_tags_are_refused_by_the_safe_loader() -> None:
    body = "focus: !!python/object/apply:os.system ['true']\n"
    figure, problems = english(fig.parse_figure("figure calibration", body))
    assert figure is None and problems and "invalid YAML" in problems[0][1]


# --- Markdown and the linter ---------------------------------------------------------------------------------


def test_a_figure_block_becomes_a_figure(tmp_path: Path) -> None:
    text = "Avant.\n\n```figure roc-threshold\ntitle: \"Seuil\"\nauc: 0.76\n```\n\nAprès.\n"
    blocks, problems = parse_markdown(text, tmp_path, first_line=5)
    assert problems == []
    assert [block.kind for block in blocks] == ["markdown", "figure", "markdown"]
    figure = blocks[1].figure
    assert figure.kind == "roc-threshold" and figure.title == "Seuil" and figure.get("auc") == 0.76
    assert figure.line == 7  # the fence's line in the file: widget keys follow it
    assert blocks[1].text == "```figure roc-threshold\ntitle: \"Seuil\"\nauc: 0.76\n```"


def test_other_code_blocks_stay_code(tmp_path: Path) -> None:
    text = "```yaml\nauc: 0.76\n```\n\n```figures\nx\n```\n"
    blocks, problems = parse_markdown(text, tmp_path)
    assert problems == [] and [block.kind for block in blocks] == ["markdown"]


def test_invalid_figures_are_reported_at_the_parameter_line_and_shown_as_code(tmp_path: Path) -> None:
    text = ("# Titre\n\nTexte.\n\n```figure ppv-prevalence\nsensitivity: 0.9\nspecificity: 1.5\n"
            "prevalence: 0.01\n```\n\n~~~figure calibraton\n~~~\n")
    blocks, problems = parse_markdown(text, tmp_path, source="lecon.md", first_line=4)
    assert [str(problem) for problem in problems] == [
        "lecon.md:10: figure ppv-prevalence: `specificity` must be a number ∈ [0, 1], not 1.5",
        "lecon.md:14: unknown figure kind `calibraton` (did you mean `calibration`?): use one of ppv-prevalence, "
        "confusion-matrix, roc-threshold, calibration, drift",
    ]
    assert all(block.kind == "markdown" for block in blocks)


def test_figures_inside_lists_or_callouts_and_in_quizzes_are_reported(tmp_path: Path) -> None:
    nested = "- un point\n\n  ```figure calibration\n  ```\n\n> [!NOTE]\n> ```figure calibration\n> ```\n"
    problems = parse_markdown(nested, tmp_path, source="l.md")[1]
    assert [(problem.line, "would not be displayed" in problem.message) for problem in problems] == [
        (3, True), (7, True)]
    quiz_text = "## Q {#q .qru}\n\n```figure calibration\n```\n\n- [x] A\n- [ ] B\n"
    assert [(p.line, "lessons and module overviews only" in p.message)
            for p in check_markdown(quiz_text, tmp_path)] == [(3, True)]


@pytest.fixture
def broken_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The valid fixture module with a lesson holding a good figure and three bad ones."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "valid", tmp_path / "content")
    lesson = next((tmp_path / "content").glob("*/01-*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + (
        "\n\n```figure confusion-matrix\npopulation: 1000\nprevalence: 0.2\nsensitivity: 0.8\nspecificity: 0.975\n```\n"
        "\n```figure drift\nmean_healthy: 10\nmean_sick: 8\nsd: 2\n```\n"
        "\n```figure ppv-prevalence\nsensitivity: 0.9\nspecificity: 0.9\nprevalence: 1.5\n```\n"
        "\n```figure histogram\nbins: 3\n```\n"), encoding="utf-8")
    return lesson


def test_the_check_command_lists_figure_problems_with_their_lines(broken_figures: Path) -> None:
    lines = broken_figures.read_text(encoding="utf-8").split("\n")
    where = {text: number for number, text in enumerate(lines, 1)}
    result = CliRunner().invoke(cli, ["check", "content"])
    assert result.exit_code == 1
    path = broken_figures.relative_to(broken_figures.parents[2]).as_posix()
    assert result.stdout.splitlines() == [
        f"{path}:{where['mean_sick: 8']}: figure drift: `mean_sick` must be above `mean_healthy` (higher values "
        "point to the condition)",
        f"{path}:{where['prevalence: 1.5']}: figure ppv-prevalence: `prevalence` must be a number ∈ (0, 1), not 1.5",
        f"{path}:{where['```figure histogram']}: unknown figure kind `histogram`: use one of ppv-prevalence, "
        "confusion-matrix, roc-threshold, calibration, drift",
    ]
    module = load_catalog(Path("content")).all_modules[0]
    assert [block.figure.kind for block in module.lessons[0].blocks if block.kind == "figure"] == ["confusion-matrix"]


@pytest.mark.parametrize("value", [0.005, 0.05, 0.15, 0.2, 0.46, 0.8, 0.874, 0.895, 0.96, 0.975, 0.99, 0.0123])
def test_slider_stops_never_read_the_same(value: float) -> None:
    for grid in (fig.probability_grid(value), fig.prevalence_grid(0.001, 0.95, min(value, 0.95)),
                 fig.with_value([i / 100 for i in range(1, 100)], value, gap=0.005)):
        labels = [fig.percent_text(v, "fr") for v in grid]
        assert len(labels) == len(set(labels)), [label for label in labels if labels.count(label) > 1]
