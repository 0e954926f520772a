"""The item analysis page's sections (pages/13_item_analysis.py): module choice, statistics, distractors, feedback.

The analysis and the feedback are cached a minute per database, module, quiz version and attempt choice
(:func:`load_analysis`, :func:`load_feedback`); the page's refresh button clears both.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from academy.analytics import item_analysis
from academy.analytics import item_charts as charts_items
from academy.content import zones
from academy.content.catalog import Module
from academy.i18n import vega_locale
from academy.learning import gain, survey

from .guard import Viewer
from .render import render_markdown
from .resources import catalog, database_url, engine
from .widgets import tcs_panel_caption

STUDIO = "pages/6_studio.py"
COMMENTS_SHOWN = 100
PERCENT = "%.1f %%"


@st.cache_data(ttl=60, show_spinner=False, max_entries=50)
def load_analysis(database: str, module_id: str, quiz_hash: str, attempts: str) -> item_analysis.ItemAnalysis:
    """The module's item analysis; the quiz hash in the key makes an edited quiz count at once."""
    return item_analysis.analyse_module(engine(), catalog().module(module_id), attempts=attempts)


@st.cache_data(ttl=60, show_spinner=False, max_entries=50)
def load_feedback(database: str, module_id: str, quiz_hash: str) -> tuple[survey.SurveySummary, gain.GainReport]:
    """The module's survey summary and knowledge gain per objective."""
    module = catalog().module(module_id)
    return survey.module_survey_summary(engine(), module_id), gain.gain_by_objective(engine(), module)


def analysis_of(module: Module, attempts: str) -> item_analysis.ItemAnalysis:
    """The module's item analysis over `attempts` (cached, see :func:`load_analysis`)."""
    return load_analysis(database_url(), module.id, module.quiz.hash, attempts)


def french(chart: Any, locale: str) -> None:
    """Draw an Altair chart with the locale's number and date formats (« 0,05 »)."""
    st.altair_chart(chart.configure(locale=vega_locale(locale)), width="stretch")


def show_answers(viewer: Viewer, answers: pd.DataFrame) -> None:
    """One question's distractor table (from `charts_items.distractor_frame`)."""
    t = viewer.t
    st.dataframe(answers.drop(columns=["key"]), hide_index=True, width="stretch", placeholder="—", column_config={
        "label": st.column_config.TextColumn(t("items.col.answer"), width="large"),
        "correct": st.column_config.CheckboxColumn(t("items.col.correct")),
        "count": st.column_config.NumberColumn(t("items.col.count")),
        "share": st.column_config.NumberColumn(t("items.col.share"), format=PERCENT),
        "top": st.column_config.NumberColumn(t("items.col.top")),
        "bottom": st.column_config.NumberColumn(t("items.col.bottom")),
        "difference": st.column_config.NumberColumn(t("items.col.difference"), help=t("items.col.difference_help")),
    })


def _module_chosen() -> None:
    st.query_params["module"] = st.session_state["items_module"]


def _refresh() -> None:
    load_analysis.clear()
    load_feedback.clear()


def choose_module(viewer: Viewer, modules: dict[str, Module]) -> tuple[Module, str]:
    """The module (from ?module=ID, else the last one chosen) and the attempts to analyse, and a refresh button."""
    t = viewer.t
    state = st.session_state
    requested = st.query_params.get("module")
    if requested in modules and state.get("items_module") != requested:
        state["items_module"] = requested
    elif state.get("items_module") not in modules:
        state["items_module"] = next(iter(modules))
    if requested is not None and requested not in modules:
        st.warning(t("items.unknown_module", id=requested[:80]), icon=":material/warning:")

    module_col, attempts_col, refresh_col = st.columns([3, 3, 1], vertical_alignment="bottom")
    module_id = module_col.selectbox(t("items.module"), list(modules), key="items_module", on_change=_module_chosen,
                                     format_func=lambda mid: f"{modules[mid].title} ({mid})",
                                     placeholder=t("choose.one"))
    attempts = attempts_col.segmented_control(
        t("items.attempts"), list(item_analysis.ATTEMPT_CHOICES), default="first", required=True,
        key="items_attempts", format_func=lambda code: t(f"items.attempts.{code}"), help=t("items.attempts_help"))
    refresh_col.button(t("items.refresh"), icon=":material/refresh:", on_click=_refresh, key="items_refresh")
    return modules[module_id], attempts


# --- statistics ----------------------------------------------------------------------------------------


def statistics_tab(viewer: Viewer, module: Module, analysis: item_analysis.ItemAnalysis, attempts: str) -> None:
    """The quiz's figures and charts, the question table, the flagged questions and the CSV download."""
    t = viewer.t
    summary = analysis.quiz
    tcs_panel_summary(viewer, module)
    if summary.left_out:
        st.info(t("items.left_out", n=summary.left_out), icon=":material/history:")
    if summary.removed:
        st.caption(t("items.removed", n=summary.removed))
    if summary.attempts == 0:
        st.info(t("items.no_attempts"), icon=":material/hourglass_empty:")
    else:
        _quiz_figures(viewer, analysis)
    st.subheader(t("items.section_table"))
    _question_table(viewer, analysis)
    _flagged_questions(viewer, module, analysis)
    st.download_button(
        t("items.download_items"), data=lambda: item_analysis.to_csv(analysis).encode("utf-8-sig"),
        file_name=f"{module.id}-items-{attempts}.csv", mime="text/csv", icon=":material/download:",
        on_click="ignore", key="items_download")


def tcs_panel_summary(viewer: Viewer, module: Module) -> None:
    """Where the reference panel of the quiz's TCS items comes from (nothing when the quiz has none)."""
    items = [question for question in module.quiz.questions if question.type == "tcs"]
    if not items:
        return
    source = module.quiz.settings.panel_source
    if source == "experts":
        sizes = sorted({sum(option.panel for option in question.options) for question in items})
        text = (viewer.t("items.tcs_panel.experts", n=len(items), size=sizes[0]) if len(sizes) == 1 else
                viewer.t("items.tcs_panel.experts_range", n=len(items), low=sizes[0], high=sizes[-1]))
        st.info(text, icon=":material/groups:")
    elif source == "simule":
        st.warning(viewer.t("items.tcs_panel.simule", n=len(items)), icon=":material/groups:")
    else:
        st.warning(viewer.t("items.tcs_panel.unknown", n=len(items)), icon=":material/help:")


def _quiz_figures(viewer: Viewer, analysis: item_analysis.ItemAnalysis) -> None:
    """The quiz's metrics, the facility × discrimination scatter and the score histogram."""
    t, locale = viewer.t, viewer.locale
    summary = analysis.quiz
    metrics = [
        ("attempts", str(summary.attempts)),
        ("mean", charts_items.format_figure(summary.mean, locale)),
        ("median", charts_items.format_figure(summary.median, locale)),
        ("sd", charts_items.format_figure(summary.sd, locale)),
        ("alpha", charts_items.format_figure(summary.alpha, locale, unit="", decimals=2)),
        ("error_ratio", charts_items.format_figure(summary.error_ratio, locale)),
        ("standard_error", charts_items.format_figure(summary.standard_error, locale)),
        ("left_out", str(summary.left_out)),
    ]
    columns = [*st.columns(4), *st.columns(4)]
    for column, (name, value) in zip(columns, metrics, strict=True):
        column.metric(t(f"items.metric.{name}"), value, help=t(f"items.metric.{name}_help"), border=True)

    scatter_col, histogram_col = st.columns([3, 2])
    with scatter_col:
        st.subheader(t("items.chart_scatter"), help=t("items.chart_scatter_help"))
        if charts_items.scatter_frame(analysis.questions, locale).empty:
            st.caption(t("items.no_scatter"))
        else:
            french(charts_items.facility_discrimination_chart(analysis.questions, locale), locale)
    with histogram_col:
        st.subheader(t("items.chart_histogram"))
        french(charts_items.score_histogram(summary, locale), locale)


def _question_table(viewer: Viewer, analysis: item_analysis.ItemAnalysis) -> None:
    """Every question's statistics, one row each."""
    t = viewer.t
    st.dataframe(
        charts_items.question_frame(analysis, viewer.locale),
        hide_index=True,
        width="stretch",
        height="content",
        placeholder="—",
        column_config={
            "id": st.column_config.TextColumn(t("items.col.id"), pinned=True),
            "title": st.column_config.TextColumn(t("items.col.title")),
            "type": st.column_config.TextColumn(t("items.col.type")),
            "points": st.column_config.NumberColumn(t("items.col.points"), format="%g"),
            "n": st.column_config.NumberColumn(t("items.col.n"), help=t("items.col.n_help")),
            "left_out": st.column_config.NumberColumn(t("items.col.left_out"), help=t("items.col.left_out_help")),
            "facility": st.column_config.NumberColumn(t("items.col.facility"), format=PERCENT,
                                                      help=t("items.col.facility_help")),
            "sd": st.column_config.NumberColumn(t("items.col.sd"), format=PERCENT, help=t("items.col.sd_help")),
            "random_guess": st.column_config.NumberColumn(t("items.col.random_guess"), format=PERCENT,
                                                          help=t("items.col.random_guess_help")),
            "discrimination": st.column_config.NumberColumn(t("items.col.discrimination"), format=PERCENT,
                                                            help=t("items.col.discrimination_help")),
            "efficiency": st.column_config.NumberColumn(t("items.col.efficiency"), format=PERCENT,
                                                        help=t("items.col.efficiency_help")),
            "flags": st.column_config.TextColumn(t("items.col.flags"), width="large"),
        },
    )


def _flagged_questions(viewer: Viewer, module: Module, analysis: item_analysis.ItemAnalysis) -> None:
    """Each flagged question with its reasons, figures, stem, distractors and a link to edit it in the studio."""
    t, locale = viewer.t, viewer.locale
    qz = module.quiz
    flagged = charts_items.flagged_questions(analysis)
    st.subheader(t("items.section_flagged", n=len(flagged)))
    thin = charts_items.thin_questions(analysis)
    if thin:
        st.caption(t("items.thin", n=len(thin), ids=", ".join(thin)))
    if not flagged and analysis.quiz.attempts:
        st.success(t("items.no_flagged"), icon=":material/check_circle:")
    cases = {case.id: case.title for case in qz.cases}
    for row in flagged:
        question = qz.question(row["id"])
        label = f"**{question.title}** `{question.id}` — {charts_items.flag_labels(row['flags'], locale)}"
        with st.expander(label, icon=":material/flag:"):
            for reason in charts_items.flag_reasons(row["flags"], locale):
                st.warning(reason, icon=":material/report:")
            st.caption(t("items.figures", n=row["n"], facility=charts_items.format_figure(row["facility"], locale),
                         discrimination=charts_items.format_figure(row["discrimination"], locale),
                         efficiency=charts_items.format_figure(row["efficiency"], locale),
                         guess=charts_items.format_figure(row["random_guess"], locale)))
            if question.case:
                st.caption(t("items.in_case", title=cases.get(question.case, question.case)))
            with st.container(border=True):
                st.markdown(f"**{question.title}**")
                if question.stem.strip() and question.stem.strip() != question.title.strip():
                    render_markdown(question.stem, module.folder)
                tcs_panel_caption(question, qz.settings.panel_source, locale)
            answers = charts_items.distractor_frame(analysis, question.id, locale)
            if not answers.empty:
                show_answers(viewer, answers)
            st.page_link(STUDIO, label=t("items.edit_in_studio"), icon=":material/edit_note:",
                         query_params={"module": module.id, "file": "quiz.md"},
                         help=t("items.edit_help", folder=module.folder.name, line=question.line))


# --- distractors ---------------------------------------------------------------------------------------


def distractors_tab(viewer: Viewer, module: Module, analysis: item_analysis.ItemAnalysis, attempts: str) -> None:
    """One question's answers in the top and bottom groups, as a table and a chart, and the CSV download."""
    t, locale = viewer.t, viewer.locale
    summary = analysis.quiz
    st.caption(t("items.distractors_intro", size=summary.group_size))
    titles = {question.id: question.title for question in module.quiz.questions}
    chosen = st.selectbox(t("items.question"), list(titles), key=f"items_question:{module.id}",
                          format_func=lambda qid: f"{titles[qid]} ({qid})", placeholder=t("choose.one"))
    tcs_panel_caption(module.quiz.question(chosen), module.quiz.settings.panel_source, locale)
    answers = charts_items.distractor_frame(analysis, chosen, locale)
    if answers["count"].sum() == 0:
        st.info(t("items.no_distractors"), icon=":material/hourglass_empty:")
    else:
        show_answers(viewer, answers)
        if summary.group_size:
            french(charts_items.distractor_chart(answers, locale), locale)
    question = module.quiz.question(chosen)
    if question.type == "zone" and zones.image_path(question, module.folder).is_file():
        clicks = item_analysis.zone_clicks(engine(), module.id, question)
        st.image(zones.click_map(question, module.folder, clicks), width="content",
                 caption=t("items.zone_map", n=len(clicks)))
    st.download_button(
        t("items.download_distractors"),
        data=lambda: item_analysis.distractors_to_csv(analysis).encode("utf-8-sig"),
        file_name=f"{module.id}-distractors-{attempts}.csv", mime="text/csv", icon=":material/download:",
        on_click="ignore", key="items_download_distractors")


# --- learner feedback ----------------------------------------------------------------------------------


def feedback_tab(viewer: Viewer, module: Module) -> None:
    """The satisfaction survey (chart, table, latest comments) and the knowledge gain per objective."""
    t, locale = viewer.t, viewer.locale
    evaluations, report = load_feedback(database_url(), module.id, module.quiz.hash)
    st.subheader(t("items.survey_title"))
    if evaluations.count == 0:
        st.info(t("items.no_survey"), icon=":material/rate_review:")
    elif evaluations.withheld:
        st.info(t("items.survey_withheld", n=evaluations.count, threshold=evaluations.threshold),
                icon=":material/visibility_off:")
    else:
        labels = {item: t(f"survey.item.{item}") for item in survey.ITEMS}
        st.caption(t("items.survey_count", n=evaluations.count))
        french(charts_items.survey_chart(evaluations, labels, locale), locale)
        st.dataframe(charts_items.survey_frame(evaluations, labels), hide_index=True, width="stretch", column_config={
            "item": st.column_config.TextColumn(t("items.col.item"), width="large"),
            "answers": st.column_config.NumberColumn(t("items.col.answers")),
            "mean": st.column_config.NumberColumn(t("items.col.mean"), format="%.2f", help=t("items.col.mean_help")),
        })
        st.subheader(t("items.comments_title", n=len(evaluations.comments)))
        if not evaluations.comments:
            st.caption(t("items.no_comments"))
        st.caption(t("items.comments_anonymous"))
        for comment in evaluations.comments[:COMMENTS_SHOWN]:
            with st.container(border=True):
                st.text(comment)
        if len(evaluations.comments) > COMMENTS_SHOWN:
            st.caption(t("items.comments_more", shown=COMMENTS_SHOWN, total=len(evaluations.comments)))

    st.subheader(t("items.gain_title"), help=t("items.gain_help"))
    if not report.objectives:
        st.info(t("items.no_gain"), icon=":material/trending_up:")
    else:
        st.caption(t("items.gain_learners", n=report.learners))
        st.altair_chart(gain.gain_chart(report, locale), width="stretch")
        st.dataframe(gain.gain_frame(report, locale), hide_index=True, width="stretch")
