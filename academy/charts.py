"""Altair charts built from plain rows, so pages only place them and tests can inspect their data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import altair as alt
import pandas as pd

from academy.i18n import t
from academy.overview import ModuleOverview


def scores_over_time(history: Sequence[Mapping], titles: Mapping[str, str], locale: str) -> alt.Chart:
    """Each submitted attempt's score (%) by date, one colour per module, pre-tests hollow."""
    frame = pd.DataFrame([
        {
            "date": row["submitted_at"],
            "score": round(row["score"] * 100, 1),
            "module": titles.get(row["module_id"], row["module_id"]),
            "kind": t(f"kind.{row['kind']}", locale),
        }
        for row in history
    ])
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


def time_per_module(overviews: Iterable[ModuleOverview], locale: str) -> alt.Chart:
    """Minutes spent reading each module (horizontal bars, catalogue order)."""
    frame = pd.DataFrame([
        {"module": o.module.title, "minutes": round(o.seconds_spent / 60, 1), "order": o.module.order}
        for o in overviews
    ])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("minutes:Q", title=t("progress.minutes", locale)),
            y=alt.Y("module:N", title=None, sort=alt.SortField("order")),
            tooltip=["module:N", "minutes:Q"],
        )
    )
