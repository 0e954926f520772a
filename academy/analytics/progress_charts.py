"""Altair charts built from plain rows, so pages only place them and tests can inspect their data."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from academy.i18n import t
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
            _SPECS.pop(next(iter(_SPECS)))
        _SPECS[key] = spec
    return json.loads(spec)


def scores_over_time(history: Sequence[Mapping], titles: Mapping[str, str], locale: str) -> dict[str, Any]:
    """Each submitted attempt's score (%) by date, one colour per module, pre-tests hollow (Vega-Lite spec)."""
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


def _scores_chart(frame: pd.DataFrame, locale: str) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("date:T", title=t("progress.date", locale), axis=alt.Axis(format="%d/%m/%Y", tickCount="day")),
            y=alt.Y("score:Q", title=t("progress.score", locale), scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("module:N", title=t("progress.module", locale)),
            strokeDash=alt.StrokeDash("kind:N", title=t("progress.kind", locale)),
            tooltip=["module:N", "kind:N", alt.Tooltip("date:T", format="%d/%m/%Y %H:%M"), "score:Q"],
        )
    )


def time_per_module(overviews: Iterable[ModuleOverview], locale: str) -> dict[str, Any]:
    """Minutes spent reading each module (horizontal bars, catalogue order; Vega-Lite spec)."""
    frame = pd.DataFrame([
        {"module": o.module.title, "minutes": round(o.seconds_spent / 60, 1), "order": o.module.order}
        for o in overviews
    ])
    return _memoised_spec(_time_chart, frame, locale)


def _time_chart(frame: pd.DataFrame, locale: str) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("minutes:Q", title=t("progress.minutes", locale)),
            y=alt.Y("module:N", title=None, sort=alt.SortField("order")),
            tooltip=["module:N", "minutes:Q"],
        )
    )
