"""academy.analytics.item_charts: the Item analysis page's charts and tables, checked on their data (no database)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import altair as alt
import pandas as pd
import pytest

import quiz
from academy.analytics import item_charts as charts_items
from academy.analytics.item_analysis import ItemAnalysis
from academy.i18n import STRINGS, t
from academy.learning.survey import ItemSummary, SurveySummary
from quiz.stats import ATTEMPT_CHOICES, FLAG_MESSAGES, item_statistics

QUIZ = """---
pass_mark: 0.5
---

## Toujours juste {#easy .qru}

- [x] oui
- [ ] non

## Discriminante {#good .qru}

- [ ] un
- [x] deux
- [ ] trois

## Socle un {#core1 .qru}

- [x] juste
- [ ] faux

## Socle deux {#core2 .qru}

- [x] juste
- [ ] faux

## À l'envers {#reversed .qru}

- [x] vrai
- [ ] faux

## Rare {#rare .qru}

- [x] a
- [ ] b
"""
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def responses() -> pd.DataFrame:
    """12 learners, ability growing with their number: `easy` always right; `good` and `core1` right from
    learner 4 (learner 0 left `good` blank), `core2` from learner 6; `reversed` right for learners 0–2 only;
    `rare` shown to learners 8–11 only (drawn)."""
    rows: list[dict[str, Any]] = []
    qz = quiz.parse(QUIZ, source="quiz.md")
    hashes = {q.id: q.hash for q in qz.questions}

    def add(learner: int, question: str, answer: Any, right: bool) -> None:
        rows.append({"attempt_id": learner + 1, "user_id": learner + 1, "submitted_at": T0 + timedelta(minutes=learner),
                     "question_id": question, "question_hash": hashes[question], "fraction": float(right),
                     "answer": answer})

    for learner in range(12):
        add(learner, "easy", "a", True)
        add(learner, "good", None if learner == 0 else ("b" if learner >= 4 else "a"), learner >= 4)
        add(learner, "core1", "a" if learner >= 4 else "b", learner >= 4)
        add(learner, "core2", "a" if learner >= 6 else "b", learner >= 6)
        add(learner, "reversed", "a" if learner < 3 else "b", learner < 3)
        if learner >= 8:
            add(learner, "rare", "a", True)
    frame = pd.DataFrame(rows)
    frame["answer"] = pd.Series([row["answer"] for row in rows], dtype=object)  # blank: None, as stored
    return frame


@pytest.fixture(scope="module")
def analysis() -> ItemAnalysis:
    qz = quiz.parse(QUIZ, source="quiz.md")
    stats = item_statistics(qz.questions, responses())
    return ItemAnalysis("demo", "Démo", "first", stats.questions, stats.quiz, stats.distractors)


def flags_of(analysis: ItemAnalysis) -> dict[str, tuple[str, ...]]:
    return dict(zip(analysis.questions["id"], analysis.questions["flags"], strict=True))


def test_the_fixture_has_every_kind_of_question(analysis: ItemAnalysis) -> None:
    flags = flags_of(analysis)
    assert flags["easy"] == ("too_easy", "weak_discrimination")
    assert flags["good"] == flags["core1"] == flags["core2"] == ()
    assert flags["reversed"] == ("negative_discrimination",)
    assert flags["rare"] == ("not_enough_data",)


def test_every_flag_and_choice_has_an_interface_string_in_both_locales() -> None:
    keys = [f"items.flag.{code}" for code in (*charts_items.FLAG_ORDER, charts_items.OK)]
    keys += [f"items.attempts.{choice}" for choice in ATTEMPT_CHOICES]
    for key in keys:
        assert set(STRINGS[key]) == {"fr", "en"}, key
    assert set(charts_items.FLAG_ORDER) == set(FLAG_MESSAGES)


def test_main_flag_is_the_most_serious() -> None:
    assert charts_items.main_flag(("weak_discrimination", "too_easy")) == "too_easy"
    assert charts_items.main_flag(("too_hard", "negative_discrimination")) == "negative_discrimination"
    assert charts_items.main_flag(()) == charts_items.OK
    assert charts_items.flag_labels(("weak_discrimination", "too_easy"), "fr") == "Trop facile · Peu discriminante"
    assert charts_items.flag_labels(("weak_discrimination", "too_easy"), "en") == "Too easy · Weakly discriminating"
    assert charts_items.flag_reasons(("weak_discrimination", "too_easy"), "en") == [
        "Too easy: facility index > 90 %", "Weakly discriminating: discrimination index < 20 %"]


@pytest.mark.parametrize(
    ("value", "locale", "options", "expected"),
    [
        (68.104, "fr", {}, "68,1\u00a0%"),
        (68.104, "en", {}, "68.1%"),
        (-12.0, "fr", {}, "−12,0\u00a0%"),
        (0.684, "fr", {"unit": "", "decimals": 2}, "0,68"),
        (None, "fr", {}, "—"),
        (math.nan, "en", {}, "—"),
    ],
)
def test_format_figure(value: float | None, locale: str, options: dict[str, Any], expected: str) -> None:
    assert charts_items.format_figure(value, locale, **options) == expected


def test_question_frame_shows_flags_as_words(analysis: ItemAnalysis) -> None:
    frame = charts_items.question_frame(analysis, "fr")
    shown = dict(zip(frame["id"], frame["flags"], strict=True))
    assert shown == {"easy": "Trop facile · Peu discriminante", "good": "", "core1": "", "core2": "",
                     "reversed": "Discrimination négative", "rare": "Pas assez de données"}
    assert frame["facility"].tolist() == analysis.questions["facility"].tolist()
    assert isinstance(analysis.questions["flags"].iloc[0], tuple)  # the analysis itself is left alone


def test_flagged_questions_most_serious_first_and_thin_ones_apart(analysis: ItemAnalysis) -> None:
    assert [row["id"] for row in charts_items.flagged_questions(analysis)] == ["reversed", "easy"]
    assert charts_items.thin_questions(analysis) == ["rare"]


def test_distractor_frame_counts_thirds_and_blank_answers(analysis: ItemAnalysis) -> None:
    frame = charts_items.distractor_frame(analysis, "good", "fr")
    assert frame["key"].tolist() == ["a", "b", "c", "(none)"]
    assert frame["label"].tolist() == ["un", "deux", "trois", "(sans réponse)"]
    assert frame["correct"].tolist() == [False, True, False, False]
    assert frame["count"].tolist() == [3, 8, 0, 1]
    assert frame["top"].tolist() == [0, 4, 0, 0] and frame["bottom"].tolist() == [3, 0, 0, 1]
    assert frame["share"].round(2).tolist() == [25.0, 66.67, 0.0, 8.33]
    # Thirds of 4 attempts: the top third is learners 8–11, the bottom third learners 0–3.
    assert analysis.quiz.group_size == 4
    assert (frame["top"] - frame["bottom"]).tolist() == frame["difference"].tolist()
    assert frame.loc[frame["key"] == "b", "top"].item() == 4
    assert frame.loc[frame["key"] == "b", "bottom"].item() == 0
    assert charts_items.distractor_frame(analysis, "good", "en")["label"].iloc[-1] == "(no answer)"


def test_scatter_plots_known_figures_coloured_by_flag_over_thresholds(analysis: ItemAnalysis) -> None:
    chart = charts_items.facility_discrimination_chart(analysis.questions, "fr")
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    facility_rules, discrimination_rules, points, labels = chart.layer
    assert facility_rules.data["facility"].tolist() == [20.0, 90.0]
    assert discrimination_rules.data["discrimination"].tolist() == [0.0, 20.0]
    data = points.data.set_index("id")
    # `easy` and `rare` (every response right: no discrimination index) are left out.
    assert sorted(data.index) == ["core1", "core2", "good", "reversed"]
    assert data.loc["reversed", "status"] == "Discrimination négative"
    assert data.loc["good", "status"] == "Sans signalement"
    assert data.loc["reversed", "flagged"] and not data.loc["good", "flagged"]
    assert data.loc["reversed", "discrimination"] < 0
    assert data.loc["reversed", "reasons"] == FLAG_MESSAGES["negative_discrimination"][0]
    assert data.loc["good", "facility"] == pytest.approx(100 * 8 / 12, abs=0.05)
    encoding = spec["layer"][2]["encoding"]
    assert encoding["x"]["field"] == "facility" and encoding["y"]["field"] == "discrimination"
    assert {tip["field"] for tip in encoding["tooltip"]} >= {"id", "title", "reasons"}
    assert encoding["color"]["scale"]["domain"][0] == "Discrimination négative"
    assert spec["layer"][2]["encoding"]["y"]["scale"]["domain"][0] <= data["discrimination"].min()
    assert labels.data is alt.Undefined or labels.data.equals(points.data)


def test_scatter_frame_is_empty_without_figures(analysis: ItemAnalysis) -> None:
    empty = analysis.questions.iloc[0:0]
    assert charts_items.scatter_frame(empty, "fr").empty
    assert charts_items.facility_discrimination_chart(empty, "fr").to_dict()["layer"]


def test_histogram_bins_add_up_to_the_attempts(analysis: ItemAnalysis) -> None:
    chart = charts_items.score_histogram(analysis.quiz, "en")
    frame = chart.data
    assert len(frame) == 10
    assert frame["count"].sum() == analysis.quiz.attempts == 12
    assert frame["range"].iloc[0] == "0–10" and frame["range"].iloc[-1] == "90–100"
    spec = chart.to_dict()
    assert spec["encoding"]["x"]["bin"] == "binned" and spec["encoding"]["x2"]["field"] == "high"
    assert spec["encoding"]["y"]["title"] == "Attempts"


def test_distractor_chart_has_top_and_bottom_bars(analysis: ItemAnalysis) -> None:
    rows = charts_items.distractor_frame(analysis, "good", "fr")
    chart = charts_items.distractor_chart(rows, "fr")
    data = chart.data
    assert len(data) == 2 * len(rows)
    right = data[data["key"] == "b"].set_index("third")["selections"]
    assert right.to_dict() == {"Tiers supérieur": 4, "Tiers inférieur": 0}
    assert data.loc[data["key"] == "b", "answer"].iloc[0] == "✓ deux"
    chart.to_dict()


def survey_summary() -> SurveySummary:
    return SurveySummary(
        module_id="demo",
        count=3,
        items=(
            ItemSummary("clarity", 3, 4.0, {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}),
            ItemSummary("relevance", 2, 2.5, {1: 1, 2: 0, 3: 0, 4: 1, 5: 0}),
            ItemSummary("recommend", 0, None, {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}),
        ),
        comments=("Très clair",),
    )


def test_survey_frame_and_chart() -> None:
    labels = {"clarity": "Clair", "relevance": "Utile"}
    frame = charts_items.survey_frame(survey_summary(), labels)
    assert frame["item"].tolist() == ["Clair", "Utile", "recommend"]
    assert frame["answers"].tolist() == [3, 2, 0]
    assert frame["mean"].iloc[0] == 4.0 and math.isnan(frame["mean"].iloc[2])
    assert frame[["1", "2", "3", "4", "5"]].iloc[1].tolist() == [1, 0, 0, 1, 0]

    chart = charts_items.survey_chart(survey_summary(), labels, "fr")
    data = chart.data
    assert len(data) == 3 * 5
    clear = data[data["item"] == "Clair"].set_index("score")["count"]
    assert clear.to_dict() == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert data["answer"].iloc[0] == f"1 · {t('survey.scale.1')}"
    spec = chart.to_dict()
    assert spec["encoding"]["x"]["stack"] == "normalize"
    assert spec["encoding"]["y"]["sort"] == ["Clair", "Utile", "recommend"]
