"""Draw the interactive figures of lessons: sliders, charts built with Altair and the text alternative below them.

Each kind of `academy.content.figures.KINDS` has a drawer here. A figure sits in a bordered container: its
title, its sliders (select sliders, so that values read « 0,5 % » in French), its chart(s), the text
alternative (a sentence computed from the current values, also given to the chart as its accessible name)
and the author's caption. The chart builders are plain functions of the values, so tests can inspect them.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from statistics import NormalDist
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from academy.content import figures as fig
from academy.content.figures import Figure
from academy.i18n import t

HEIGHT = 280
# Column headings « Fracture (200) » on two lines, the count under the label, so that they fit side by side on a phone.
_TWO_LINES = "[split(datum.value, ' (')[0], '(' + split(datum.value, ' (')[1]]"
SPECS_KEPT = 512
_SPECS: OrderedDict[tuple[Any, ...], tuple[str, dict[str, bytes]]] = OrderedDict()
_SPECS_LOCK = threading.Lock()
_LINE_LEGEND = alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=300, symbolOpacity=1)
LEGEND = 60  # what a legend below the plot takes from a chart's height
SICK_COLOR, HEALTHY_COLOR = "#c0392b", "#2f80c0"
PPV_COLOR, NPV_COLOR = "#c0392b", "#2e8b57"
TRAINING_COLOR, DEPLOYMENT_COLOR = "#cfd3d8", "#f5b169"  # light fills: the values are written on them in black
RIGHT_FILL, WRONG_FILL = "#d5ecd9", "#f8d9c4"
_AXIS_PERCENTS = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


def number_locale(locale: str) -> dict[str, Any]:
    """The d3 number locale for Vega: decimal comma, non-breaking spaces in French."""
    if locale == "en":
        return {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""], "percent": "%"}
    return {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0€"],
            "percent": "\u00a0%"}


def _finish(chart: alt.TopLevelMixin, locale: str, height: int = HEIGHT) -> alt.TopLevelMixin:
    """Size, French number formats and legible labels on small screens.

    The text alternative is given to the chart as `alt`, which makes it the chart's accessible name;
    `aria=False` keeps Vega's marks and axes out of the accessibility tree, so that screen readers read that
    sentence rather than every point of every curve.
    """
    return (
        chart.properties(height=height)
        .configure(locale={"number": number_locale(locale)}, aria=False)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=180)
        .configure_legend(orient="bottom", direction="vertical", labelFontSize=12, titleFontSize=12, labelLimit=220)
    )


def _percent_axis(title: str, *, values: list[float] | None = None) -> alt.Axis:
    if values is None:
        return alt.Axis(title=title, format=".2~%", labelOverlap="greedy", labelFlush=False)
    return alt.Axis(title=title, format=".2~%", labelOverlap="greedy", labelFlush=False, values=values)


# --- ppv-prevalence ----------------------------------------------------------------------------------------


def ppv_chart(values: dict[str, Any], prevalence: float, locale: str) -> alt.TopLevelMixin:
    """PPV and NPV against prevalence (log scale), with a rule and the two values at `prevalence`."""
    se, sp = values["sensitivity"], values["specificity"]
    low, high = values["prevalence_min"], values["prevalence_max"]
    ppv_label, npv_label = t("figure.ppv.ppv", locale), t("figure.ppv.npv", locale)
    rows = []
    for p in fig.log_grid(low, high):
        ppv, npv = fig.predictive_values(se, sp, p)
        rows += [{"prevalence": p, "measure": ppv_label, "value": ppv},
                 {"prevalence": p, "measure": npv_label, "value": npv}]
    ppv, npv = fig.predictive_values(se, sp, prevalence)
    current = pd.DataFrame([
        {"prevalence": prevalence, "measure": label, "value": value,
         "label": f"{label} {fig.percent_text(value, locale)}"}
        for label, value in ((ppv_label, ppv), (npv_label, npv)) if value is not None
    ])
    ticks = [v for v in _AXIS_PERCENTS if low <= v <= high]
    x = alt.X("prevalence:Q", scale=alt.Scale(type="log", domain=[low, high]),
              axis=_percent_axis(t("figure.ppv.axis_prevalence", locale), values=ticks))
    y = alt.Y("value:Q", scale=alt.Scale(domain=[0, 1]), axis=_percent_axis(t("figure.ppv.axis_value", locale)))
    scale = alt.Scale(domain=[ppv_label, npv_label], range=[PPV_COLOR, NPV_COLOR])
    color = alt.Color("measure:N", scale=scale, legend=None)  # the lines are labelled where the rule crosses them
    lines = alt.Chart(pd.DataFrame(rows)).mark_line(strokeWidth=2.5).encode(x=x, y=y, color=color)
    rule = alt.Chart(pd.DataFrame({"prevalence": [prevalence]})).mark_rule(strokeDash=[4, 4], color="#555").encode(
        x="prevalence:Q")
    points = alt.Chart(current).mark_point(filled=True, size=90).encode(x=x, y=y, color=color)
    right_half = prevalence < (low * high) ** 0.5
    labels = alt.Chart(current).mark_text(align="left" if right_half else "right", dx=8 if right_half else -8,
                                          dy=-10, fontSize=13, fontWeight="bold").encode(
        x=x, y=y, text="label:N", color=color)
    return _finish(alt.layer(lines, rule, points, labels), locale)


def _draw_ppv(figure: Figure, locale: str) -> None:
    values = figure.params
    grid = fig.prevalence_grid(values["prevalence_min"], values["prevalence_max"], values["prevalence"])
    prevalence = st.select_slider(t("figure.ppv.slider", locale), options=grid, value=fig.clean(values["prevalence"]),
                                  format_func=lambda p: fig.percent_text(p, locale), key=f"{figure.key}:prevalence")
    text = fig.describe_ppv(values, prevalence, locale)
    _chart(text, ppv_chart, values, prevalence, locale)
    _text_alternative(text)


# --- confusion-matrix --------------------------------------------------------------------------------------


def confusion_chart(values: dict[str, Any], counts: fig.Counts, locale: str) -> alt.TopLevelMixin:
    """The 2 × 2 table as coloured cells: right answers green, errors orange, each with its count."""
    sick = f"{values['sick_label']} ({fig.count_text(counts.sick, locale)})"
    healthy = f"{values['healthy_label']} ({fig.count_text(counts.healthy, locale)})"
    positive, negative = t("figure.confusion.positive", locale), t("figure.confusion.negative", locale)
    cells = pd.DataFrame([
        {"reality": reality, "result": result, "name": t(f"figure.confusion.{code}", locale), "count": count,
         "right": code in ("tp", "tn")}
        for reality, result, code, count in ((sick, positive, "tp", counts.tp), (healthy, positive, "fp", counts.fp),
                                             (sick, negative, "fn", counts.fn), (healthy, negative, "tn", counts.tn))
    ])
    cells["count_text"] = cells["count"].map(lambda n: fig.count_text(int(n), locale))
    x = alt.X("reality:N", sort=[sick, healthy], title=None,
              axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold", labelExpr=_TWO_LINES))
    y = alt.Y("result:N", sort=[positive, negative], title=None, axis=alt.Axis(labelFontWeight="bold"))
    base = alt.Chart(cells).encode(x=x, y=y)
    rects = base.mark_rect(stroke="white", strokeWidth=3).encode(
        color=alt.Color("right:N", scale=alt.Scale(domain=[True, False], range=[RIGHT_FILL, WRONG_FILL]), legend=None),
        tooltip=[alt.Tooltip("name:N", title=" "),
                 alt.Tooltip("count_text:N", title=t("figure.confusion.count", locale))])
    names = base.mark_text(dy=-12, fontSize=13, color="#333").encode(text="name:N")
    numbers = base.mark_text(dy=10, fontSize=20, fontWeight="bold", color="#111").encode(text="count_text:N")
    return _finish(alt.layer(rects, names, numbers), locale, height=200)


def _draw_confusion(figure: Figure, locale: str) -> None:
    values = figure.params
    columns = st.columns(3)
    with columns[0]:
        prevalence = st.select_slider(
            t("figure.confusion.prevalence", locale), key=f"{figure.key}:prevalence",
            options=fig.prevalence_grid(0.001, 0.95, values["prevalence"]), value=fig.clean(values["prevalence"]),
            format_func=lambda p: fig.percent_text(p, locale))
    with columns[1]:
        sensitivity = st.select_slider(
            t("figure.confusion.sensitivity", locale), key=f"{figure.key}:sensitivity",
            options=fig.probability_grid(values["sensitivity"]), value=fig.clean(values["sensitivity"]),
            format_func=lambda p: fig.percent_text(p, locale))
    with columns[2]:
        specificity = st.select_slider(
            t("figure.confusion.specificity", locale), key=f"{figure.key}:specificity",
            options=fig.probability_grid(values["specificity"]), value=fig.clean(values["specificity"]),
            format_func=lambda p: fig.percent_text(p, locale))
    counts = fig.confusion_counts(values["population"], prevalence, sensitivity, specificity)
    text = fig.describe_confusion(values, counts, locale)
    _chart(text, confusion_chart, values, counts, locale)
    _text_alternative(text)


# --- roc-threshold -------------------------------------------------------------------------------------------


def density_chart(model: fig.Binormal, threshold: float, locale: str, score_label: str) -> alt.TopLevelMixin:
    """The score distributions of the sick and of the healthy, shaded above the threshold (positive results)."""
    sick, healthy = t("figure.roc.sick", locale), t("figure.roc.healthy", locale)
    rows = []
    for score, d_healthy, d_sick in model.densities():
        rows += [{"score": score, "group": healthy, "density": d_healthy},
                 {"score": score, "group": sick, "density": d_sick}]
    frame = pd.DataFrame(rows)
    scale = alt.Scale(domain=[healthy, sick], range=[HEALTHY_COLOR, SICK_COLOR])
    color = alt.Color("group:N", title=t("figure.roc.group", locale), scale=scale, legend=_LINE_LEGEND)
    x = alt.X("score:Q", title=score_label, scale=alt.Scale(domain=list(model.score_range()), nice=False),
              axis=alt.Axis(format="~g"))
    y = alt.Y("density:Q", title=t("figure.roc.density", locale), axis=alt.Axis(labels=False, ticks=False))
    lines = alt.Chart(frame).mark_line(strokeWidth=2.5).encode(x=x, y=y, color=color)
    shaded = alt.Chart(frame[frame["score"] >= threshold]).mark_area(opacity=0.25).encode(
        x=x, y=alt.Y("density:Q", stack=None), color=color)
    rule = alt.Chart(pd.DataFrame({"score": [threshold]})).mark_rule(color="#333", strokeWidth=2).encode(x="score:Q")
    return _finish(alt.layer(shaded, lines, rule), locale, height=HEIGHT + LEGEND)


def roc_chart(model: fig.Binormal, threshold: float, locale: str) -> alt.TopLevelMixin:
    """The ROC curve, the chance diagonal and the point of the current threshold."""
    curve = pd.DataFrame(model.roc_curve(), columns=["fpr", "tpr"])
    x = alt.X("fpr:Q", title=t("figure.roc.fpr", locale), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="~g"))
    y = alt.Y("tpr:Q", title=t("figure.roc.tpr", locale), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="~g"))
    line = alt.Chart(curve).mark_line(strokeWidth=2.5, color=SICK_COLOR).encode(x=x, y=y, order="fpr:Q")
    chance = alt.Chart(pd.DataFrame({"fpr": [0, 1], "tpr": [0, 1]})).mark_line(strokeDash=[4, 4], color="#888").encode(
        x=x, y=y)
    se, sp = model.sensitivity(threshold), model.specificity(threshold)
    separator = ", " if locale == "en" else "\u00a0; "
    label = f"({fig.number_text(1 - sp, locale)}{separator}{fig.number_text(se, locale)})"
    point = pd.DataFrame([{"fpr": 1 - sp, "tpr": se, "label": label}])
    dot = alt.Chart(point).mark_point(filled=True, size=140, color="#111").encode(x=x, y=y)
    text = alt.Chart(point).mark_text(align="left", dx=9, dy=12, fontSize=13, fontWeight="bold").encode(
        x=x, y=y, text="label:N")
    return _finish(alt.layer(chance, line, dot, text), locale)


def _draw_roc(figure: Figure, locale: str) -> None:
    values = figure.params
    model = fig.binormal_of(values)
    low, high = model.score_range()
    start = fig.roc_threshold(values)
    threshold = st.select_slider(t("figure.roc.slider", locale), options=fig.range_grid(low, high, start),
                                 value=fig.clean(start), key=f"{figure.key}:threshold",
                                 format_func=lambda v: fig.number_text(v, locale))
    text = fig.describe_roc(model, threshold, locale)
    left, right = st.columns(2)
    with left:
        _chart(text, density_chart, model, threshold, locale, values["score_label"])
    with right:
        _chart(text, roc_chart, model, threshold, locale)
    _text_alternative(text)


# --- calibration -----------------------------------------------------------------------------------------------


def calibration_chart(values: dict[str, Any], curve: fig.Calibration, locale: str) -> alt.TopLevelMixin:
    """Observed against predicted risk: the diagonal, the model's curve, one point per bin, the focus."""
    perfect, model = t("figure.calibration.perfect", locale), t("figure.calibration.model", locale)
    lines = pd.DataFrame(
        [{"predicted": p, "observed": p, "line": perfect} for p in (0.0, 1.0)]
        + [{"predicted": p, "observed": o, "line": model} for p, o in curve.curve()]
    )
    bins = pd.DataFrame([
        {"predicted": (start + end) / 2, "observed": observed, "line": model,
         "bin": f"{fig.percent_text(start, locale)} – {fig.percent_text(end, locale)}",
         "observed_text": fig.percent_text(observed, locale)}
        for start, end, observed in curve.bins(values["bins"])
    ])
    x = alt.X("predicted:Q", title=t("figure.calibration.predicted", locale), scale=alt.Scale(domain=[0, 1]),
              axis=_percent_axis(t("figure.calibration.predicted", locale)))
    y = alt.Y("observed:Q", title=t("figure.calibration.observed", locale), scale=alt.Scale(domain=[0, 1]),
              axis=_percent_axis(t("figure.calibration.observed", locale)))
    scale = alt.Scale(domain=[perfect, model], range=["#888", SICK_COLOR])
    color = alt.Color("line:N", title=None, scale=scale, legend=_LINE_LEGEND)
    drawn = alt.Chart(lines).mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=color,
        strokeDash=alt.StrokeDash("line:N", title=None, legend=_LINE_LEGEND,
                                  scale=alt.Scale(domain=[perfect, model], range=[[5, 5], [1, 0]])))
    points = alt.Chart(bins).mark_point(filled=True, size=70).encode(
        x=x, y=y, color=color,
        tooltip=[alt.Tooltip("bin:N", title=t("figure.calibration.bin", locale)),
                 alt.Tooltip("observed_text:N", title=t("figure.calibration.observed", locale))])
    focus = values["focus"]
    observed = curve.observed(focus)
    marker = pd.DataFrame([{"predicted": focus, "observed": observed,
                            "label": f"{fig.percent_text(focus, locale)} → {fig.percent_text(observed, locale)}"}])
    focus_rule = alt.Chart(marker).mark_rule(strokeDash=[3, 3], color="#333").encode(x=x, y=alt.Y("observed:Q"),
                                                                                      y2=alt.datum(0))
    focus_dot = alt.Chart(marker).mark_point(filled=True, size=150, color="#111").encode(x=x, y=y)
    focus_text = alt.Chart(marker).mark_text(align="left", dx=10, dy=-10, fontSize=13, fontWeight="bold").encode(
        x=x, y=y, text="label:N")
    return _finish(alt.layer(drawn, points, focus_rule, focus_dot, focus_text), locale, height=320 + LEGEND)


def _draw_calibration(figure: Figure, locale: str) -> None:
    values = figure.params
    focus = values["focus"]
    start = values["observed"] or focus
    left, right = st.columns(2)
    with left:
        observed = st.select_slider(
            t("figure.calibration.observed_slider", locale, focus=fig.percent_text(focus, locale)),
            options=fig.with_value([i / 100 for i in range(1, 100)], start, gap=0.005), value=fig.clean(start),
            format_func=lambda p: fig.percent_text(p, locale), key=f"{figure.key}:observed")
    with right:
        slope = st.select_slider(
            t("figure.calibration.slope_slider", locale), options=fig.range_grid(0.2, max(3.0, values["slope"]),
                                                                                values["slope"], steps=28),
            value=fig.clean(values["slope"]), format_func=lambda v: fig.number_text(v, locale),
            help=t("figure.calibration.slope_help", locale), key=f"{figure.key}:slope")
    curve = fig.calibration_of(values, observed=observed, slope=slope)
    text = fig.describe_calibration(values, curve, locale)
    _chart(text, calibration_chart, values, curve, locale)
    _text_alternative(text)


# --- drift -------------------------------------------------------------------------------------------------------


def drift_distribution_chart(values: dict[str, Any], model: fig.Drift, shift: float, locale: str) -> alt.TopLevelMixin:
    """The variable's distributions in the sick and the healthy, at training (dashed) and at deployment."""
    sick, healthy = t("figure.roc.sick", locale), t("figure.roc.healthy", locale)
    training, deployment = t("figure.drift.training", locale), t("figure.drift.deployment", locale)
    low, high = model.value_range()
    rows = []
    for period, binormal in ((training, model.training), (deployment, model.deployment(shift))):
        healthy_law = NormalDist(binormal.mean_healthy, binormal.sd_healthy)
        sick_law = NormalDist(binormal.mean_sick, binormal.sd_sick)
        for i in range(121):
            value = low + (high - low) * i / 120
            rows += [{"value": value, "group": healthy, "period": period, "density": healthy_law.pdf(value)},
                     {"value": value, "group": sick, "period": period, "density": sick_law.pdf(value)}]
    frame = pd.DataFrame(rows)
    unit = f" ({values['unit']})" if values.get("unit") else ""
    x = alt.X("value:Q", title=f"{values['feature']}{unit}", scale=alt.Scale(domain=[low, high], nice=False),
              axis=alt.Axis(format="~g"))
    y = alt.Y("density:Q", title=t("figure.roc.density", locale), axis=alt.Axis(labels=False, ticks=False))
    lines = alt.Chart(frame).mark_line(strokeWidth=2.2).encode(
        x=x, y=y, detail="period:N",
        color=alt.Color("group:N", title=t("figure.roc.group", locale), legend=_LINE_LEGEND,
                        scale=alt.Scale(domain=[healthy, sick], range=[HEALTHY_COLOR, SICK_COLOR])),
        strokeDash=alt.StrokeDash("period:N", title=t("figure.drift.period", locale), legend=_LINE_LEGEND,
                                  scale=alt.Scale(domain=[training, deployment], range=[[5, 4], [1, 0]])),
        opacity=alt.Opacity("period:N", legend=_LINE_LEGEND,
                            scale=alt.Scale(domain=[training, deployment], range=[0.55, 1])))
    rule = alt.Chart(pd.DataFrame({"value": [model.threshold], "label": [t("figure.drift.threshold", locale)]}))
    drawn_rule = rule.mark_rule(color="#333", strokeWidth=2).encode(x="value:Q")
    rule_text = rule.mark_text(align="left", dx=5, dy=-4, fontSize=12, baseline="top").encode(
        x="value:Q", y=alt.value(0), text="label:N")
    return _finish(alt.layer(lines, drawn_rule, rule_text), locale, height=HEIGHT + LEGEND)


def drift_performance_chart(model: fig.Drift, shift: float, locale: str) -> alt.TopLevelMixin:
    """Sensitivity and specificity at the training threshold, at training and at deployment (one bar each)."""
    se0, sp0, se1, sp1 = model.performance(shift)
    training, deployment = t("figure.drift.training", locale), t("figure.drift.deployment", locale)
    sensitivity, specificity = t("figure.confusion.sensitivity", locale), t("figure.confusion.specificity", locale)
    frame = pd.DataFrame([
        {"metric": metric, "period": period, "row": f"{metric} · {period.lower()}", "value": value}
        for metric, period, value in ((sensitivity, training, se0), (sensitivity, deployment, se1),
                                      (specificity, training, sp0), (specificity, deployment, sp1))
    ])
    frame["text"] = frame["value"].map(lambda v: fig.percent_text(v, locale))
    y = alt.Y("row:N", title=None, sort=list(frame["row"]), axis=alt.Axis(labelLimit=220))
    x = alt.X("value:Q", title=None, scale=alt.Scale(domain=[0, 1]),
              axis=_percent_axis("", values=[0, 0.25, 0.5, 0.75, 1]))
    color = alt.Color("period:N", legend=None,  # the row labels name the period
                      scale=alt.Scale(domain=[training, deployment], range=[TRAINING_COLOR, DEPLOYMENT_COLOR]))
    bars = alt.Chart(frame).mark_bar(height=22).encode(x=x, y=y, color=color)
    # Values inside the end of long bars, after short ones: nothing is drawn past the chart's edge.
    inside = alt.Chart(frame[frame["value"] >= 0.3]).mark_text(
        align="right", dx=-5, fontSize=13, fontWeight="bold", color="#111").encode(x=x, y=y, text="text:N")
    outside = alt.Chart(frame[frame["value"] < 0.3]).mark_text(
        align="left", dx=4, fontSize=13, fontWeight="bold").encode(x=x, y=y, text="text:N")
    return _finish(alt.layer(bars, inside, outside), locale, height=170)


def _draw_drift(figure: Figure, locale: str) -> None:
    values = figure.params
    model = fig.drift_of(values)
    unit = f"\u00a0{values['unit']}" if values.get("unit") else ""
    shift = st.select_slider(t("figure.drift.slider", locale), key=f"{figure.key}:shift",
                             options=fig.range_grid(-model.shift_max, model.shift_max, model.shift, steps=40),
                             value=fig.clean(model.shift), format_func=lambda v: fig.signed_text(v, locale) + unit)
    text = fig.describe_drift(values, model, shift, locale)
    _chart(text, drift_distribution_chart, values, model, shift, locale)
    _chart(text, drift_performance_chart, model, shift, locale)
    _text_alternative(text)


# --- shared ------------------------------------------------------------------------------------------------------

_DRAWERS: dict[str, Callable[[Figure, str], None]] = {
    "ppv-prevalence": _draw_ppv,
    "confusion-matrix": _draw_confusion,
    "roc-threshold": _draw_roc,
    "calibration": _draw_calibration,
    "drift": _draw_drift,
}


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_hashable(item) for item in value)
    return value


def chart_spec(builder: Callable[..., alt.TopLevelMixin], *args: Any) -> dict[str, Any]:
    """The Vega-Lite spec of `builder(*args)`, built and validated by Altair once per set of arguments.

    Building a layered Altair chart, validating it and converting it to Vega-Lite (what `st.altair_chart`
    does on every rerun) costs ~40 ms of CPU per chart, and turning its datasets into Arrow a few more: a
    lesson with three figure charts took 128 ms per rerun instead of 14, far over the learner pages' budget
    (DESIGN §6). So the spec of each figure state is kept (the last few hundred), its datasets already in
    Arrow IPC bytes, which `st.vega_lite_chart` passes to the browser as they are.
    """
    key = (builder.__qualname__, _hashable(args))
    with _SPECS_LOCK:
        cached = _SPECS.get(key)
        if cached is not None:
            _SPECS.move_to_end(key)
    if cached is None:
        spec = builder(*args).to_dict()
        datasets = {name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(rows))
                    for name, rows in spec.pop("datasets", {}).items()}
        cached = (json.dumps(spec), datasets)
        with _SPECS_LOCK:
            _SPECS[key] = cached
            while len(_SPECS) > SPECS_KEPT:
                _SPECS.popitem(last=False)
    spec_json, datasets = cached
    spec = json.loads(spec_json)  # a fresh dict: Streamlit adjusts the spec it is given
    if datasets:
        spec["datasets"] = dict(datasets)
    return spec


def _chart(text: str, builder: Callable[..., alt.TopLevelMixin], *args: Any) -> None:
    """Draw a chart across the container's width; `text`, the text alternative, is its accessible name."""
    st.vega_lite_chart(spec=chart_spec(builder, *args), width="stretch", alt=text)


def _text_alternative(text: str) -> None:
    """The figure read aloud: what the chart shows at the current values (also the chart's accessible name)."""
    st.markdown(text)


def draw_figure(figure: Figure, locale: str, *, scope: str = "") -> None:
    """A lesson's interactive figure in a bordered container: title, sliders, chart(s), text alternative, caption.

    The sliders' keys are the figure's key (its line and parameters), prefixed with `scope` when given.
    """
    if scope:
        figure = replace(figure, scope=scope)
    with st.container(border=True):
        if figure.title:
            st.markdown(f"**{figure.title}**")
        _DRAWERS[figure.kind](figure, locale)
        if figure.caption:
            st.caption(figure.caption)
