"""Altair charts built from plain rows, so pages only place them and tests can inspect their data."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from academy.i18n import t, vega_locale
from academy.learning.overview import ModuleOverview

_SPECS: dict[tuple[str, str, str], str] = {}  # (chart, rows as JSON, locale) → Vega-Lite spec as JSON
_SPECS_MAX = 1024


def _memoised_spec(build: Callable[[pd.DataFrame, str], alt.Chart], frame: pd.DataFrame, locale: str) -> dict[str, Any]:
    """The Vega-Lite spec of ``build(frame, locale)``, memoised on the frame's content.

    Altair takes ~10 ms to build and validate a small chart; My progress draws the same two charts on
    every rerun of the page, and a rerun should cost a few milliseconds.
    """
    key = (build.__name__, frame.to_json(orient="split", date_format="iso"), locale)
    spec = _SPECS.get(key)
    if spec is None:
        spec = build(frame, locale).to_json()
        if len(_SPECS) >= _SPECS_MAX:
            # Script threads of several sessions share this dict: two may evict the same oldest entry, or
            # one may insert while another looks for the oldest; a cache miss is the worst outcome.
            with contextlib.suppress(RuntimeError):
                _SPECS.pop(next(iter(_SPECS), None), None)
        _SPECS[key] = spec
    return json.loads(spec)


def scores_over_time(history: Sequence[Mapping], titles: Mapping[str, str], locale: str) -> dict[str, Any]:
    """Each submitted attempt's score (%) by date: one colour and line per module, pre-tests and certifying
    attempts as two point shapes; dates as « 3 déc. », numbers with the locale's decimal mark (Vega-Lite spec)."""
    frame = pd.DataFrame([
        {
            "date": row["submitted_at"],
            "score": round(row["score"] * 100, 1),
            "module": titles.get(row["module_id"], row["module_id"]),
            "kind": t(f"kind.{row['kind']}", locale),
        }
        for row in history
    ])
    return _memoised_spec(_scores_chart, frame, locale)


def _scores_chart(frame: pd.DataFrame, locale: str) -> alt.LayerChart:
    module_title = t("progress.module", locale)
    base = alt.Chart(frame).encode(
        # Whole days around the attempts, one label a day at most: attempts of a single day still get a date.
        x=alt.X("date:T", title=t("progress.date", locale), scale=alt.Scale(nice={"interval": "day", "step": 1}),
                axis=alt.Axis(format="%-d %b", labelAngle=0, tickCount={"interval": "day", "step": 1},
                              labelOverlap="greedy", grid=False)),
        y=alt.Y("score:Q", title=t("progress.score", locale), scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("module:N", title=module_title,
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=420, symbolType="stroke")),
    )
    lines = base.mark_line(strokeWidth=2)
    points = base.mark_point(size=110, filled=True, opacity=1, stroke="white", strokeWidth=1).encode(
        shape=alt.Shape("kind:N", title=t("progress.kind", locale),
                        scale=alt.Scale(range=["circle", "square"]), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("module:N", title=module_title), alt.Tooltip("kind:N", title=t("progress.kind", locale)),
                 alt.Tooltip("date:T", title=t("progress.date", locale), format="%-d %b %Y, %H:%M"),
                 alt.Tooltip("score:Q", title=t("progress.score", locale), format=".1~f")],
    )
    return alt.layer(lines, points).configure(locale=vega_locale(locale))


def time_per_module(overviews: Iterable[ModuleOverview], locale: str) -> dict[str, Any]:
    """Hours spent reading each module (horizontal bars, catalogue order; Vega-Lite spec), « 0,75 h » in the
    tooltip with the module's full title."""
    frame = pd.DataFrame([
        {"module": o.module.title, "hours": round(o.seconds_spent / 3600, 2),
         "label": t("progress.hours_value", locale, hours=hours_text(o.seconds_spent / 3600, locale)),
         "order": o.module.order}
        for o in overviews
    ])
    return _memoised_spec(_time_chart, frame, locale)


def hours_text(value: float, locale: str) -> str:
    """Hours trimmed to two decimals with the locale's decimal mark (« 0,75 », « 1 », « 1,5 »)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if locale == "en" else text.replace(".", ",")


def _time_chart(frame: pd.DataFrame, locale: str) -> alt.Chart:
    module_title = t("progress.module", locale)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("hours:Q", title=t("progress.hours_axis", locale), axis=alt.Axis(format=".2~f")),
            y=alt.Y("module:N", title=None, sort=alt.SortField("order"), axis=alt.Axis(labelLimit=280)),
            tooltip=[alt.Tooltip("module:N", title=module_title),
                     alt.Tooltip("label:N", title=t("progress.reading_time", locale))],
        )
        .configure(locale=vega_locale(locale))
    )
