"""Altair charts of the coordinator dashboard, built from `academy.analytics.dashboard` frames.

Pages only place them; tests inspect their data. Module ids are shown as titles (``titles``), in the
order of the frames they are given.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from academy.analytics.dashboard import STATUSES
from academy.i18n import STRINGS, t

STATUS_COLORS = ("#d0d4da", "#f0a04b", "#2e8b57")  # not started, in progress, passed
_ROW_PIXELS = 16
_MODULE_AXIS = alt.Axis(labelLimit=260)


def _titles(frame: pd.DataFrame, titles: Mapping[str, str]) -> pd.DataFrame:
    frame = frame.copy()
    frame["module"] = frame["module_id"].map(lambda module_id: titles.get(module_id, module_id))
    return frame


def _module_order(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["module"]))


def _status_scale(locale: str) -> alt.Scale:
    return alt.Scale(domain=[t(f"status.{name}", locale) for name in STATUSES], range=list(STATUS_COLORS))


def status_heatmap(rows: pd.DataFrame, titles: Mapping[str, str], locale: str) -> alt.Chart:
    """Learners (rows, in ``rank`` order) × modules, coloured by status; from `dashboard.heatmap_rows`."""
    frame = _titles(rows, titles)
    frame["status_label"] = frame["status"].map(lambda name: t(f"status.{name}", locale))
    learners = list(frame.sort_values("rank")["learner"].drop_duplicates())
    return (
        alt.Chart(frame)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("module:N", title=None, sort=_module_order(frame),
                    axis=alt.Axis(orient="top", labelAngle=-30, labelLimit=220)),
            y=alt.Y("learner:N", title=None, sort=learners,
                    axis=alt.Axis(labelLimit=260, labelOverlap=False, labelFontSize=11)),
            color=alt.Color("status_label:N", title=t("dashboard.status", locale), scale=_status_scale(locale)),
            tooltip=[
                alt.Tooltip("learner:N", title=t("dashboard.learner", locale)),
                alt.Tooltip("module:N", title=t("dashboard.module", locale)),
                alt.Tooltip("status_label:N", title=t("dashboard.status", locale)),
            ],
        )
        .properties(height=alt.Step(_ROW_PIXELS))
    )


def status_bars(counts: pd.DataFrame, titles: Mapping[str, str], locale: str) -> alt.Chart:
    """Every member's status per module, as stacked horizontal bars (from `dashboard.status_counts`)."""
    frame = _titles(counts, titles)
    long = frame.melt(id_vars=["module_id", "module", "members"], value_vars=list(STATUSES),
                      var_name="status", value_name="learners")
    long["status_label"] = long["status"].map(lambda name: t(f"status.{name}", locale))
    long["order"] = long["status"].map({name: index for index, name in enumerate(STATUSES)})
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("learners:Q", title=t("dashboard.learners", locale), stack="zero"),
            y=alt.Y("module:N", title=None, sort=_module_order(frame), axis=_MODULE_AXIS),
            color=alt.Color("status_label:N", title=t("dashboard.status", locale), scale=_status_scale(locale)),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("module:N", title=t("dashboard.module", locale)),
                alt.Tooltip("status_label:N", title=t("dashboard.status", locale)),
                alt.Tooltip("learners:Q", title=t("dashboard.learners", locale)),
            ],
        )
    )


def completion_over_time(completion: pd.DataFrame, titles: Mapping[str, str], locale: str) -> alt.Chart:
    """Share of the cohort (%) that passed each module, day by day (from `dashboard.completion_over_time`)."""
    frame = _titles(completion, titles)
    frame["day"] = pd.to_datetime(frame["day"])
    frame["percent"] = (frame["share"] * 100).round(1)
    return (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("day:T", title=t("dashboard.day", locale), axis=alt.Axis(format="%d/%m", tickCount="day")),
            y=alt.Y("percent:Q", title=t("dashboard.passed_percent", locale), scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("module:N", title=t("dashboard.module", locale), sort=_module_order(frame),
                            legend=alt.Legend(labelLimit=260)),
            tooltip=[
                alt.Tooltip("module:N", title=t("dashboard.module", locale)),
                alt.Tooltip("day:T", title=t("dashboard.day", locale), format="%d/%m/%Y"),
                alt.Tooltip("passed:Q", title=t("dashboard.learners_passed", locale)),
                alt.Tooltip("percent:Q", title=t("dashboard.passed_percent", locale)),
            ],
        )
    )


def _bars(frame: pd.DataFrame, field: str, title: str, extra: list[alt.Tooltip], locale: str) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{field}:Q", title=title),
            y=alt.Y("module:N", title=None, sort=_module_order(frame), axis=_MODULE_AXIS),
            tooltip=[alt.Tooltip("module:N", title=t("dashboard.module", locale)),
                     alt.Tooltip(f"{field}:Q", title=title), *extra],
        )
    )


def score_bars(stats: pd.DataFrame, titles: Mapping[str, str], locale: str) -> alt.Chart:
    """Mean best certifying score (%) per module (from `dashboard.module_stats`)."""
    frame = _titles(stats.dropna(subset=["mean_score"]), titles)
    frame["score"] = (frame["mean_score"] * 100).round(1)
    learners = alt.Tooltip("learners_scored:Q", title=t("dashboard.learners", locale))
    return _bars(frame, "score", t("dashboard.mean_score", locale), [learners], locale).encode(
        x=alt.X("score:Q", title=t("dashboard.mean_score", locale), scale=alt.Scale(domain=[0, 100]))
    )


def time_bars(stats: pd.DataFrame, titles: Mapping[str, str], locale: str) -> alt.Chart:
    """Mean minutes on the lessons per learner who opened one, per module (from `dashboard.module_stats`)."""
    frame = _titles(stats.dropna(subset=["mean_minutes"]), titles)
    frame["minutes"] = frame["mean_minutes"].round(1)
    learners = alt.Tooltip("learners_timed:Q", title=t("dashboard.learners", locale))
    return _bars(frame, "minutes", t("dashboard.mean_minutes", locale), [learners], locale)


def gain_bars(gain: pd.DataFrame, titles: Mapping[str, str], locale: str) -> alt.Chart:
    """Knowledge gain (percentage points, post − pre) per module (from `dashboard.knowledge_gain`)."""
    frame = _titles(gain.dropna(subset=["gain"]), titles)
    frame["points"] = (frame["gain"] * 100).round(1)
    frame["pre"] = (frame["pre_mean"] * 100).round(1)
    frame["post"] = (frame["post_mean"] * 100).round(1)
    extra = [
        alt.Tooltip("pre:Q", title=t("dashboard.pre_mean", locale)),
        alt.Tooltip("post:Q", title=t("dashboard.post_mean", locale)),
        alt.Tooltip("learners:Q", title=t("dashboard.gain_learners", locale)),
        alt.Tooltip("pairs:Q", title=t("dashboard.pairs", locale)),
    ]
    return _bars(frame, "points", t("dashboard.gain_points", locale), extra, locale).encode(
        color=alt.condition(alt.datum.points >= 0, alt.value("#2e8b57"), alt.value("#c0392b"))
    )


def survey_item_label(item: str, locale: str) -> str:
    """A short label of a survey item (``dashboard.item.<id>``), else its statement, else its id."""
    for key in (f"dashboard.item.{item}", f"survey.item.{item}"):
        if key in STRINGS:
            return t(key, locale)
    return item


def satisfaction_heatmap(survey: pd.DataFrame, titles: Mapping[str, str], locale: str) -> alt.Chart:
    """Mean answer per module (rows) and survey item (columns), with the value written in each cell."""
    frame = _titles(survey, titles)
    frame["question"] = frame["item"].map(lambda item: survey_item_label(item, locale))
    frame["statement"] = frame["item"].map(lambda item: t(f"survey.item.{item}", locale))
    frame["value"] = frame["mean"].round(2)
    base = alt.Chart(frame).encode(
        x=alt.X("question:N", title=None, sort=list(dict.fromkeys(frame["question"])),
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=160)),
        y=alt.Y("module:N", title=None, sort=_module_order(frame), axis=_MODULE_AXIS),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("value:Q", title=t("dashboard.mean_answer", locale), scale=alt.Scale(scheme="greens")),
        tooltip=[
            alt.Tooltip("module:N", title=t("dashboard.module", locale)),
            alt.Tooltip("statement:N", title=t("dashboard.item", locale)),
            alt.Tooltip("value:Q", title=t("dashboard.mean_answer", locale)),
            alt.Tooltip("answers:Q", title=t("dashboard.answers", locale)),
        ],
    )
    return cells + base.mark_text(baseline="middle").encode(text=alt.Text("value:Q", format=".1f"))
