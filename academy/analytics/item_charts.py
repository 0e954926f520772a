"""Altair charts and display frames of the Item analysis page, built from `academy.analytics.item_analysis` results.

Plain functions: the page only places what they return, and tests inspect the charts' data. Flag codes
come from `quiz.stats.FLAG_MESSAGES`; their short names (legend, table) are interface strings
``items.flag.<code>``, their full reasons `quiz.stats.flag_message`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import altair as alt
import pandas as pd

from academy.analytics.item_analysis import ItemAnalysis
from academy.i18n import t
from academy.learning.survey import SCALE, SurveySummary
from quiz.stats import (
    NO_ANSWER,
    OUTSIDE_ZONES,
    TOO_EASY_ABOVE,
    TOO_HARD_BELOW,
    WEAK_DISCRIMINATION_BELOW,
    QuizSummary,
    flag_message,
)

OK = "ok"
"""Status of a question without any flag."""
FLAG_ORDER: tuple[str, ...] = (
    "negative_discrimination",
    "too_hard",
    "too_easy",
    "weak_discrimination",
    "not_enough_data",
)
"""Flag codes from the most to the least serious: a question's colour is its most serious flag."""
STATUS_COLORS: dict[str, str] = {
    "negative_discrimination": "#c0392b",
    "too_hard": "#8e44ad",
    "too_easy": "#2f80c0",
    "weak_discrimination": "#e69a28",
    "not_enough_data": "#9aa0a6",
    OK: "#2e8b57",
}
SCALE_COLORS: tuple[str, ...] = ("#c0392b", "#f0a04b", "#d0d4da", "#8cc68c", "#2e8b57")
"""Survey answers 1 (strongly disagree) to 5 (strongly agree)."""
THIRD_COLORS: tuple[str, ...] = ("#2e8b57", "#c0392b")
"""Top third, bottom third."""


# --- flags and figures -----------------------------------------------------------------------------


def main_flag(flags: Iterable[str]) -> str:
    """The most serious of a question's flag codes (:data:`FLAG_ORDER`), or :data:`OK` without any."""
    present = set(flags)
    return next((code for code in FLAG_ORDER if code in present), OK)


def flag_label(code: str, locale: str) -> str:
    """The short name of a flag code (or :data:`OK`), for legends and tables."""
    return t(f"items.flag.{code}", locale)


def flag_labels(flags: Iterable[str], locale: str) -> str:
    """A question's flags as short names, most serious first, joined by « · » ("" without any)."""
    present = set(flags)
    return " · ".join(flag_label(code, locale) for code in FLAG_ORDER if code in present)


def flag_reasons(flags: Iterable[str], locale: str) -> list[str]:
    """The full reason of each of a question's flags (`quiz.stats.flag_message`), most serious first."""
    present = set(flags)
    return [flag_message(code, locale) for code in FLAG_ORDER if code in present]


def format_figure(value: float | None, locale: str, *, unit: str = " %", decimals: int = 1) -> str:
    """A figure for a metric: rounded, with a decimal comma and a no-break space in French; "—" if unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:.{decimals}f}"
    if locale == "fr":
        return text.replace(".", ",").replace("-", "−") + unit.replace(" ", "\u00a0")
    return text.replace("-", "−") + unit.replace(" ", "")


# --- tables ----------------------------------------------------------------------------------------


def question_frame(analysis: ItemAnalysis, locale: str) -> pd.DataFrame:
    """The per-question table: the statistics with the flags as readable names (column `flags`)."""
    frame = analysis.questions.copy()
    frame["flags"] = frame["flags"].map(lambda flags: flag_labels(flags, locale))
    return frame


def flagged_questions(analysis: ItemAnalysis) -> list[dict[str, Any]]:
    """The questions to look at (every flag but `not_enough_data`), most serious first, then in quiz order."""
    rows = analysis.questions.to_dict("records")
    flagged = [row for row in rows if main_flag(row["flags"]) not in (OK, "not_enough_data")]
    return sorted(flagged, key=lambda row: FLAG_ORDER.index(main_flag(row["flags"])))


def thin_questions(analysis: ItemAnalysis) -> list[str]:
    """The ids of the questions with too few responses for their figures to mean anything."""
    return [row["id"] for row in analysis.questions.to_dict("records") if "not_enough_data" in row["flags"]]


def distractor_frame(analysis: ItemAnalysis, question_id: str, locale: str) -> pd.DataFrame:
    """One question's answers: key, label, correct, count, share of its responses (%), top, bottom, top − bottom.

    A good wrong answer draws more of the bottom third than of the top third (negative difference). The
    row of the learners who left the question blank is labelled ``items.no_answer``.
    """
    rows = analysis.distractors[analysis.distractors["question_id"] == question_id]
    counted = analysis.questions.loc[analysis.questions["id"] == question_id, "n"]
    responses = int(counted.iloc[0]) if len(counted) else 0
    frame = rows[["key", "label", "correct", "count", "top", "bottom"]].reset_index(drop=True)
    frame.loc[frame["key"] == NO_ANSWER, "label"] = t("items.no_answer", locale)
    frame.loc[frame["key"] == OUTSIDE_ZONES, "label"] = t("items.outside_zones", locale)
    frame["share"] = 100.0 * frame["count"] / responses if responses else math.nan
    frame["difference"] = frame["top"] - frame["bottom"]
    return frame[["key", "label", "correct", "count", "share", "top", "bottom", "difference"]]


def survey_frame(summary: SurveySummary, labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per survey item: its text (`labels`), answers, mean and the count of each score 1–5."""
    rows = []
    for item in summary.items:
        row: dict[str, Any] = {"item": labels.get(item.item, item.item), "answers": item.count,
                               "mean": math.nan if item.mean is None else round(item.mean, 2)}
        row.update({str(score): item.distribution.get(score, 0) for score in SCALE})
        rows.append(row)
    return pd.DataFrame(rows, columns=["item", "answers", "mean", *(str(score) for score in SCALE)])


# --- charts ----------------------------------------------------------------------------------------


def _status_scale(locale: str) -> alt.Scale:
    codes = (*FLAG_ORDER, OK)
    return alt.Scale(domain=[flag_label(code, locale) for code in codes], range=[STATUS_COLORS[c] for c in codes])


def scatter_frame(questions: pd.DataFrame, locale: str) -> pd.DataFrame:
    """The points of the facility × discrimination chart: questions whose two figures are known.

    `status` is the short name of the most serious flag, `flagged` whether there is one, `reasons` every flag's
    full reason.
    """
    frame = questions.dropna(subset=["facility", "discrimination"]).copy()
    frame["status"] = frame["flags"].map(lambda flags: flag_label(main_flag(flags), locale))
    frame["flagged"] = frame["flags"].map(lambda flags: main_flag(flags) != OK)
    frame["reasons"] = frame["flags"].map(
        lambda flags: " ; ".join(flag_reasons(flags, locale)) or flag_label(OK, locale))
    for column in ("facility", "discrimination", "efficiency"):
        frame[column] = frame[column].round(1)
    columns = ["id", "title", "type", "n", "facility", "discrimination", "efficiency", "status", "flagged", "reasons"]
    return frame[columns]


def facility_discrimination_chart(questions: pd.DataFrame, locale: str) -> alt.LayerChart:
    """Each question at (facility, discrimination), coloured by its most serious flag, over the flag thresholds.

    Flagged questions are labelled with their id. Dashed lines: facility 20 % and 90 %, discrimination 20 %;
    a plain line at discrimination 0.
    `questions` is `ItemAnalysis.questions` (flags as codes).
    """
    frame = scatter_frame(questions, locale)
    lowest = float(frame["discrimination"].min()) if len(frame) else 0.0
    floor = min(-20.0, 10.0 * math.floor(lowest / 10.0) - 10.0)
    facility = t("items.col.facility", locale)
    discrimination = t("items.col.discrimination", locale)
    x_scale = alt.Scale(domain=[0, 100])
    y_scale = alt.Scale(domain=[floor, 100])
    thresholds = (
        alt.Chart(pd.DataFrame({"facility": [TOO_HARD_BELOW, TOO_EASY_ABOVE]}))
        .mark_rule(strokeDash=[5, 4], color="#7f8790")
        .encode(x=alt.X("facility:Q", scale=x_scale))
    )
    lines = (
        alt.Chart(pd.DataFrame({"discrimination": [0.0, WEAK_DISCRIMINATION_BELOW], "dash": [0, 1]}))
        .mark_rule(color="#7f8790")
        .encode(
            y=alt.Y("discrimination:Q", scale=y_scale),
            strokeDash=alt.StrokeDash("dash:N", scale=alt.Scale(domain=[0, 1], range=[[1, 0], [5, 4]]), legend=None),
        )
    )
    base = alt.Chart(frame).encode(
        x=alt.X("facility:Q", title=f"{facility} (%)", scale=x_scale),
        y=alt.Y("discrimination:Q", title=f"{discrimination} (%)", scale=y_scale),
    )
    points = base.mark_circle(size=110, opacity=0.9).encode(
        color=alt.Color("status:N", title=None, scale=_status_scale(locale),
                        legend=alt.Legend(orient="bottom", columns=3, labelLimit=220)),
        tooltip=[
            alt.Tooltip("id:N", title=t("items.col.id", locale)),
            alt.Tooltip("title:N", title=t("items.col.title", locale)),
            alt.Tooltip("n:Q", title=t("items.col.n", locale)),
            alt.Tooltip("facility:Q", title=facility, format=".1f"),
            alt.Tooltip("discrimination:Q", title=discrimination, format=".1f"),
            alt.Tooltip("efficiency:Q", title=t("items.col.efficiency", locale), format=".1f"),
            alt.Tooltip("reasons:N", title=t("items.col.reasons", locale)),
        ],
    )
    flagged = base.transform_filter(alt.datum.flagged)
    labels = flagged.mark_text(align="left", dx=8, fontSize=11, color="#4a4f55").encode(text="id:N")
    return alt.layer(thresholds, lines, points, labels).properties(height=380)


def histogram_frame(summary: QuizSummary) -> pd.DataFrame:
    """The score distribution's bins: low, high (%), count and a label such as « 60–70 »."""
    return pd.DataFrame(
        [{"low": b.low, "high": b.high, "count": b.count, "range": f"{b.low:g}–{b.high:g}"} for b in summary.histogram],
        columns=["low", "high", "count", "range"],
    )


def score_histogram(summary: QuizSummary, locale: str) -> alt.Chart:
    """Attempts per score bin of 10 % (the last bin includes 100 %)."""
    score = t("items.axis.score", locale)
    attempts = t("items.axis.attempts", locale)
    return (
        alt.Chart(histogram_frame(summary))
        .mark_bar(color="#2f80c0")
        .encode(
            x=alt.X("low:Q", bin="binned", title=score, scale=alt.Scale(domain=[0, 100])),
            x2="high:Q",
            y=alt.Y("count:Q", title=attempts),
            tooltip=[alt.Tooltip("range:N", title=score), alt.Tooltip("count:Q", title=attempts)],
        )
        .properties(height=380)
    )


def distractor_chart(rows: pd.DataFrame, locale: str) -> alt.Chart:
    """Selections of each answer of one question by the top and bottom thirds (from :func:`distractor_frame`)."""
    top, bottom = t("items.col.top", locale), t("items.col.bottom", locale)
    long = rows.melt(id_vars=["key", "label", "correct"], value_vars=["top", "bottom"], var_name="third",
                     value_name="selections")
    long["third"] = long["third"].map({"top": top, "bottom": bottom})
    long["answer"] = [
        f"{'✓ ' if correct else ''}{label}"[:80] for label, correct in zip(long["label"], long["correct"], strict=True)
    ]
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("answer:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
            yOffset=alt.YOffset("third:N", sort=[top, bottom]),
            x=alt.X("selections:Q", title=t("items.axis.selections", locale)),
            color=alt.Color("third:N", title=None, sort=[top, bottom],
                            scale=alt.Scale(domain=[top, bottom], range=list(THIRD_COLORS))),
            tooltip=[alt.Tooltip("label:N", title=t("items.col.answer", locale)), alt.Tooltip("third:N", title=None),
                     alt.Tooltip("selections:Q", title=t("items.axis.selections", locale))],
        )
    )


def survey_chart(summary: SurveySummary, labels: Mapping[str, str], locale: str) -> alt.Chart:
    """Each survey item's answers as a bar of shares, from strongly disagree (1) to strongly agree (5)."""
    scale_labels = [f"{score} · {t(f'survey.scale.{score}', locale)}" for score in SCALE]
    items = [labels.get(item.item, item.item) for item in summary.items]
    frame = pd.DataFrame(
        [
            {"item": labels.get(item.item, item.item), "score": score, "answer": scale_labels[score - 1],
             "count": item.distribution.get(score, 0)}
            for item in summary.items
            for score in SCALE
        ],
        columns=["item", "score", "answer", "count"],
    )
    answers = t("items.axis.answers", locale)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("item:N", title=None, sort=items, axis=alt.Axis(labelLimit=360)),
            x=alt.X("count:Q", stack="normalize", title=answers, axis=alt.Axis(format="%")),
            color=alt.Color("answer:N", title=None, sort=scale_labels,
                            scale=alt.Scale(domain=scale_labels, range=list(SCALE_COLORS)),
                            legend=alt.Legend(orient="bottom", columns=3)),
            order=alt.Order("score:Q"),
            tooltip=[alt.Tooltip("item:N", title=t("items.col.item", locale)),
                     alt.Tooltip("answer:N", title=t("items.col.answer", locale)),
                     alt.Tooltip("count:Q", title=answers)],
        )
    )
