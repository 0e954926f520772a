"""Quiz widgets: one input per question type (autosaved on change), certainty, countdown, results screens."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit_image_coordinates import streamlit_image_coordinates

import quiz
from academy.content import zones
from academy.content.catalog import Module
from academy.i18n import t
from academy.learning import progress
from academy.learning.attempts import (
    CERTAINTY_THRESHOLDS,
    CertaintyReport,
    attempt_steps,
    attempts_left,
    certainty_report,
    clock,
    is_answered,
    is_blank,
    layout_questions,
    review_items,
    seconds_left,
    summary_rows,
    zone_after_click,
)
from academy.learning.gain import GainReport, attempt_gain, gain_chart, gain_frame
from academy.store import db
from quiz import Question
from quiz.model import REVIEW_ITEMS

from .render import render_markdown
from .session import rerun_page_unless_signed_in
from .widgets import MODULE_PAGE, QUIZ_PAGE, tcs_panel_caption

SaveFn = Callable[[str, Any], None]
_ZONE_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
CERTAINTIES = (1, 2, 3)
FLASH = "assessment_flash"  # interface-string keys to show at the top of the next run
PAGE_RUN = "attempt_page_run"  # a callback changed what the page draws outside the question's fragment


def widget_namespace(attempt_id: int) -> int | str:
    """The namespace of an attempt's widget keys: the attempt id, with a new suffix each time the learner
    comes back from the summary. Widgets that were off the page (during the summary) come back as new
    widgets, drawn from the saved answers: a remounted widget of the same key could send back an empty
    value on the next interaction and erase a saved answer."""
    generation = st.session_state.get(f"attempt_generation:{attempt_id}", 0)
    return attempt_id if not generation else f"{attempt_id}r{generation}"


def widget_key(attempt_id: int | str, question_id: str, part: str = "") -> str:
    """Session-state key of a question's widget in one attempt (unique across attempts)."""
    return f"att{attempt_id}:{question_id}{':' + part if part else ''}"


def question_stem(question: Question, number: int, base_dir: Path, locale: str) -> None:
    """The question's number, title and stem (a zone question's image is drawn by its input instead)."""
    st.markdown(f"**{t('quiz.question_n', locale, i=number)} · {question.title}**")
    stem = stem_text(question)
    if stem.strip() and stem.strip() != question.title.strip():
        render_markdown(stem, base_dir)


def stem_text(question: Question) -> str:
    """The stem to render as Markdown: without the image of a zone question, which its widgets draw."""
    if question.type != "zone" or not question.image:
        return question.stem
    return _ZONE_IMAGE_RE.sub("", question.stem)


def question_input(
    question: Question,
    *,
    attempt_id: int | str,
    order: list[str],
    rights: list[str],
    saved: Any,
    locale: str,
    save: SaveFn,
    disabled: bool = False,
    base_dir: Path | None = None,
) -> None:
    """Draw the input of `question`, pre-filled with `saved`; every change calls `save(question_id, response)`.

    Every label is the learner's language (no widget with English chrome: select boxes do not filter);
    an answer that cannot count (`quiz.response_problem`) is flagged under its input. `base_dir` is the
    module folder, where a zone question's image is.
    """
    key = widget_key(attempt_id, question.id)
    options = {option.id: option for option in question.options}
    ordered = [oid for oid in order if oid in options] or list(options)
    kind = question.type

    def on_change() -> None:
        save(question.id, current_response(question, attempt_id, ordered))

    if kind == "qru":
        _seed(key, saved if saved in options else None)
        st.radio(t("quiz.choose_one", locale), ordered, key=key, index=None, on_change=on_change,
                 format_func=lambda oid: options[oid].text, disabled=disabled)
    elif kind == "qrm":
        st.caption(t("quiz.choose_many", locale))
        chosen = set(saved or []) if isinstance(saved, list) else set()
        for oid in ordered:
            _seed(widget_key(attempt_id, question.id, oid), oid in chosen)
            st.checkbox(options[oid].text, key=widget_key(attempt_id, question.id, oid),
                        on_change=on_change, disabled=disabled)
    elif kind in ("qroc", "numerique"):
        _seed(key, saved if isinstance(saved, str | int | float) else "")
        label = t("quiz.short_answer", locale) if kind == "qroc" else (
            t("quiz.unit", locale, unit=question.unit) if question.unit else t("quiz.number", locale))
        st.text_input(label, key=key, on_change=on_change, disabled=disabled, max_chars=120,
                      placeholder=t("attempt.number_placeholder", locale) if kind == "numerique" else None)
        _problem(question, st.session_state.get(key), locale)
    elif kind == "ordre":
        order_input(question, attempt_id=attempt_id, ordered=ordered, saved=saved, locale=locale,
                    on_change=on_change, disabled=disabled)
    elif kind == "association":
        chosen = saved if isinstance(saved, dict) else {}
        for option in question.options:
            if not option.text:
                continue  # a right-hand distractor has no left side
            part_key = widget_key(attempt_id, question.id, option.id)
            _seed(part_key, chosen.get(option.id) if chosen.get(option.id) in rights else None)
            st.selectbox(option.text, rights, key=part_key, index=None, on_change=on_change, filter_mode=None,
                         placeholder=t("quiz.match_placeholder", locale), disabled=disabled)
    elif kind == "tcs":
        _seed(key, saved if saved in (-2, -1, 0, 1, 2) else None)
        st.radio(t("quiz.tcs_label", locale), [-2, -1, 0, 1, 2], key=key, index=None, horizontal=True,
                 format_func=lambda v: tcs_label(question, v, locale), on_change=on_change, disabled=disabled)
    elif kind == "zone" and base_dir is not None:
        zone_input(question, attempt_id=attempt_id, saved=saved, locale=locale, save=save, disabled=disabled,
                   base_dir=base_dir)


def tcs_label(question: Question, value: int, locale: str) -> str:
    """A TCS answer as learners read it: the item's own label, else the scale's (« +1 : renforcée »)."""
    labels = {_tcs_value(option): option.text.strip() for option in question.options}
    label = labels.get(value)
    return f"{value:+d} : {label}" if label and value else (f"0 : {label}" if label else t(f"tcs.{value}", locale))


def _problem(question: Question, response: Any, locale: str) -> None:
    """The reason an answer cannot count, under its input (nothing when it can)."""
    problem = quiz.response_problem(question, response)
    if problem is not None:
        st.error(t(f"attempt.problem.{problem}", locale, n=quiz.grading.MAX_QROC_WORDS), icon=":material/error:")


def order_input(question: Question, *, attempt_id: int | str, ordered: list[str], saved: Any, locale: str,
                on_change: Callable[[], None], disabled: bool) -> None:
    """An ordering question as numbered positions: one select per position, each item chosen once.

    The positions read top to bottom as the learner's order; nothing is filled in for them, so one click
    never answers the question; every select is reachable with Tab and chosen with the arrow keys.
    """
    options = {option.id: option for option in question.options}
    slots = list(saved) if isinstance(saved, list) and len(saved) == len(options) else [None] * len(options)
    st.caption(t("attempt.order_help", locale, n=len(options)))
    for position, chosen in enumerate(slots, 1):
        slot_key = widget_key(attempt_id, question.id, f"pos{position}")
        _seed(slot_key, chosen if chosen in options else None)
        st.selectbox(t("attempt.order_position", locale, i=position), ordered, key=slot_key, index=None,
                     format_func=lambda oid: options[oid].text, on_change=on_change, disabled=disabled,
                     filter_mode=None, placeholder=t("attempt.order_placeholder", locale))
    current = [st.session_state.get(widget_key(attempt_id, question.id, f"pos{n}")) for n in range(1, len(slots) + 1)]
    placed = [oid for oid in current if oid is not None]
    repeated = sorted({oid for oid in placed if placed.count(oid) > 1}, key=ordered.index)
    if repeated:
        st.error(t("attempt.problem.repeated_items", locale,
                   items=" ; ".join(f"« {options[oid].text} »" for oid in repeated)), icon=":material/error:")
    elif placed and len(placed) < len(slots):
        left = [options[oid].text for oid in ordered if oid not in placed]
        st.caption(t("attempt.order_left", locale, items=" ; ".join(f"« {text} »" for text in left)))


def zone_input(question: Question, *, attempt_id: int | str, saved: Any, locale: str, save: SaveFn, disabled: bool,
               base_dir: Path) -> None:
    """A zone question: the learner clicks on the image; their points are drawn on it (numbered when the
    question has several zones). One zone: a new click moves the point; several: a click near a point
    removes it, elsewhere adds one."""
    key = widget_key(attempt_id, question.id)
    click_key = widget_key(attempt_id, question.id, "click")
    several = len(question.zones) > 1
    _seed(key, [list(p) for p in quiz.zone_points(saved) or []] if saved is not None else [])
    points = st.session_state.get(key) or []
    try:  # a file removed or spoiled since the check: say so, the rest of the attempt still draws
        drawn = zones.drawing(question, base_dir, points=points, framed=True)
    except ValueError:
        st.error(t("attempt.zone_missing", locale), icon=":material/broken_image:")
        return
    width, height = drawn.size

    def clicked() -> None:
        click = st.session_state.get(click_key)
        if not isinstance(click, dict) or not click.get("width"):
            return
        x = float(click["x"]) * width / float(click["width"])
        y = float(click["y"]) * height / float(click["height"])
        st.session_state[key] = zone_after_click(st.session_state.get(key) or [], (x, y), several=several,
                                                 touch=0.04 * width)
        save(question.id, st.session_state[key] or None)

    def clear() -> None:
        st.session_state[key] = []
        save(question.id, None)

    st.caption(t("attempt.zone_help_several" if several else "attempt.zone_help", locale))
    # At most its own width, and the column's on a phone: the click component cannot shrink an image itself.
    with st.container(width=min(width, 760)):
        if disabled:
            st.image(drawn, width="stretch")
        else:
            streamlit_image_coordinates(drawn, key=click_key, width="stretch", on_click=clicked, cursor="crosshair")
    with st.expander(t("attempt.zone_description", locale), icon=":material/image:"):
        st.markdown(question.image_alt)
    if points:
        st.caption(t("attempt.zone_points", locale, n=len(points)))
        if not disabled:
            st.button(t("attempt.zone_clear", locale), key=widget_key(attempt_id, question.id, "clear"),
                      on_click=clear, icon=":material/backspace:", type="tertiary")


def certainty_input(
    question_id: str,
    *,
    attempt_id: int | str,
    saved: int | None,
    locale: str,
    save: Callable[[str, int | None], None],
    disabled: bool = False,
) -> None:
    """The certainty of an answer (1, 2, 3) as a segmented control; every change calls `save`."""
    key = widget_key(attempt_id, question_id, "certainty")
    _seed(key, saved if saved in CERTAINTIES else None)
    st.segmented_control(
        t("assessment.certainty.label", locale), CERTAINTIES, key=key, disabled=disabled,
        format_func=lambda level: t(f"assessment.certainty.{level}", locale),
        on_change=lambda: save(question_id, st.session_state.get(key)),
    )


def current_response(question: Question, attempt_id: int | str, order: list[str]) -> Any:
    """The response the question's widgets hold now, in the engine's response shape."""
    key = widget_key(attempt_id, question.id)
    state = st.session_state
    if question.type == "qrm":
        return [oid for oid in order if state.get(widget_key(attempt_id, question.id, oid))]
    if question.type == "association":
        pairs = {}
        for option in question.options:
            value = state.get(widget_key(attempt_id, question.id, option.id))
            if option.text and value:
                pairs[option.id] = value
        return pairs
    if question.type == "ordre":
        slots = [state.get(widget_key(attempt_id, question.id, f"pos{n}")) for n in range(1, len(order) + 1)]
        return slots if any(slot is not None for slot in slots) else None
    if question.type == "zone":
        return [list(point) for point in state.get(key) or []] or None
    return state.get(key)


def _seed(key: str, value: Any) -> None:
    """Give a widget its saved value the first time it is drawn in this session."""
    if key not in st.session_state:
        st.session_state[key] = value


def _tcs_value(option: quiz.Option) -> int:
    return int(option.value)


# --- an attempt in progress ------------------------------------------------------------------------


@dataclass
class AttemptSaver:
    """Widget callbacks that autosave one attempt; a refused save becomes a message, never a traceback."""

    engine: Engine
    attempt_id: int
    quiz: quiz.Quiz
    questions: dict[str, Question] = field(init=False)
    namespace: int | str = field(init=False)  # of the widget keys (see `widget_namespace`)

    def __post_init__(self) -> None:
        self.questions = {question.id: question for question in self.quiz.questions}
        self.namespace = widget_namespace(self.attempt_id)

    def save(self, question_id: str, response: Any) -> None:
        """Save an answer (a cleared answer is saved as no answer).

        A question already locked with this very answer is no error: "next question" saves and locks the
        answer an input was still committing, and the callbacks of one rerun run in no guaranteed order.
        """
        question = self.questions.get(question_id)
        response = _answer_or_none(question, response) if question else response
        try:
            progress.save_answer(self.engine, self.attempt_id, question_id, response)
        except progress.QuestionLockedError:
            state = progress.attempt_state(self.engine, self.attempt_id)
            if state is None or state.answers.get(question_id) != response:
                flash("assessment.flash.locked")
        except (progress.AttemptError, ValueError, TypeError) as exc:
            _report(exc)

    def save_certainty(self, question_id: str, certainty: int | None) -> None:
        """Save the certainty of an answer (None clears it)."""
        st.session_state[PAGE_RUN] = True  # the count of answers without certainty is drawn outside the question
        try:
            progress.save_certainty(self.engine, self.attempt_id, question_id, certainty)
        except (progress.AttemptError, ValueError) as exc:
            _report(exc)

    def flag(self, question_id: str, flag_key: str) -> None:
        """Save the « à revoir » flag the checkbox `flag_key` holds now."""
        try:
            progress.save_flag(self.engine, self.attempt_id, question_id, bool(st.session_state.get(flag_key)))
        except (progress.AttemptError, ValueError) as exc:
            _report(exc)

    def advance(self, question_id: str, order: list[str]) -> None:
        """Save the case question's answer as its inputs hold it, then lock it: the next question opens."""
        question = self.questions[question_id]
        response = _answer_or_none(question, current_response(question, self.namespace, order))
        try:
            progress.save_answer(self.engine, self.attempt_id, question_id, response)
            progress.lock_questions(self.engine, self.attempt_id, [question_id])
        except progress.QuestionLockedError:
            pass  # a double click: the first one locked it already
        except (progress.AttemptError, ValueError, TypeError) as exc:
            _report(exc)


def _report(exc: Exception) -> None:
    """The message for a save the store refused."""
    if isinstance(exc, progress.AttemptClosedError):
        flash("assessment.flash.closed")
    elif isinstance(exc, progress.QuestionLockedError | progress.QuestionNotOpenError):
        flash("assessment.flash.locked")
    else:
        flash("assessment.flash.invalid")


def _answer_or_none(question: Question, response: Any) -> Any:
    """The response to save: None when it is blank; kept as typed otherwise, even when it cannot count yet
    (« quinze », an ordering half done), so that a refresh shows the learner what they entered."""
    return None if is_blank(response) else response


def flash(key: str) -> None:
    """Queue an interface message for the top of the next run."""
    st.session_state.setdefault(FLASH, []).append(key)


def show_flashes(locale: str) -> None:
    """Show (once) the messages queued by callbacks."""
    for key in dict.fromkeys(st.session_state.pop(FLASH, [])):
        st.warning(t(key, locale), icon=":material/info:")


def countdown(deadline: datetime, locale: str) -> None:
    """The time left, refreshed every second; when it runs out the whole page reruns (and submits)."""

    @st.fragment(run_every=1)
    def tick() -> None:
        left = seconds_left(deadline, db.utcnow()) or 0.0
        if left <= 0:
            st.rerun(scope="app")
        alert = st.warning if left < 60 else st.info
        alert(t("assessment.time_left", locale, time=clock(left)), icon=":material/timer:")

    tick()


# --- results ---------------------------------------------------------------------------------------


def show_result(
    question: Question,
    response: Any,
    fraction: float,
    *,
    base_dir: Path,
    locale: str,
    shows: Collection[str] = REVIEW_ITEMS,
    certainty: int | None = None,
) -> None:
    """One question's review: points, the learner's answer, the expected answer, feedback and explanation.

    `shows` picks what appears (items of `quiz.model.REVIEW_ITEMS`); `certainty` adds the certainty mark.
    """
    if "score" in shows:
        earned = round(fraction * question.points, 2)
        icon = ":material/check_circle:" if fraction >= 1 else (
            ":material/radio_button_partial:" if fraction > 0 else ":material/cancel:")
        line = f"{icon} {t('quiz.points', locale, earned=number(earned), points=number(question.points))}"
        if certainty in CERTAINTIES and is_answered(question, response):
            mark = quiz.certainty_mark(fraction, certainty)
            line += " · " + t("assessment.certainty.question", locale, certainty=certainty, mark=signed(mark))
        st.markdown(line)
    if "answers" in shows:
        answer = (answer_text(question, response, locale) if is_answered(question, response)
                  else t("quiz.no_answer", locale))
        _labelled(t("quiz.your_answer", locale), answer)
    if question.type == "zone" and ("answers" in shows or "correct" in shows):
        zone_result(question, response if "answers" in shows else None, base_dir=base_dir, locale=locale,
                    show_zones="correct" in shows)
    if "correct" in shows and fraction < 1:
        expected = (tcs_label(question, int(best.value), locale) if question.type == "tcs" and (best := next(
            (o for o in question.options if o.correct), None)) is not None else quiz.correct_answer_text(question))
        _labelled(t("quiz.correct_answer", locale), expected)
    if "feedback" in shows:
        for feedback in quiz.feedback_for(question, response):
            st.info(feedback, icon=":material/chat:")
    if "explanation" in shows and question.explanation.strip():
        with st.container(border=True):
            st.caption(t("quiz.explanation", locale))
            render_markdown(question.explanation, base_dir)


def _labelled(label: str, text: str) -> None:
    """`label : text`, the text on its own lines when it is a list."""
    separator = "\u00a0:\n\n" if "\n" in text else "\u00a0: "
    st.markdown(f"**{label}**{separator}{text}")


def answer_text(question: Question, response: Any, locale: str = "fr") -> str:
    """A learner's response written out for reading (option texts and labels rather than ids or codes)."""
    options = {option.id: option for option in question.options}
    if question.type == "qru":
        return options[response].text if response in options else str(response)
    if question.type in ("qrm", "ordre") and isinstance(response, list):
        sep = " ; " if question.type == "qrm" else " → "
        return sep.join(options[oid].text for oid in response if oid in options)
    if question.type == "association" and isinstance(response, dict):
        return " ; ".join(f"{options[k].text} → {v}" for k, v in response.items() if k in options)
    if question.type == "tcs" and isinstance(response, int) and not isinstance(response, bool):
        return tcs_label(question, response, locale)
    if question.type == "zone":
        return zone_answer_text(question, response, locale)
    if question.type == "numerique" and question.unit:
        return f"{response} {question.unit}"
    return str(response)


def zone_answer_text(question: Question, response: Any, locale: str) -> str:
    """The points of a zone answer, each with the zone it fell in (« point 1 (312, 96) : Validation externe »)."""
    parts = []
    for n, (x, y) in enumerate(quiz.zone_points(response) or [], 1):
        zone = quiz.zone_of_point(question, x, y)
        where = (zone.text or t("attempt.zone_n", locale, n=[o.id for o in question.options].index(zone.id) + 1)
                 ) if zone is not None else t("attempt.zone_outside", locale)
        parts.append(t("attempt.zone_point", locale, n=n, x=round(x), y=round(y), where=where))
    return " ; ".join(parts)


def zone_result(question: Question, response: Any, *, base_dir: Path, locale: str, show_zones: bool) -> None:
    """The image of a zone question with the learner's points (green inside a zone to point, red outside)
    and, when the review shows the correct answer, the zones (blue: to point; grey: named wrong regions)."""
    points = quiz.zone_points(response) or []
    try:
        drawn = zones.drawing(question, base_dir, points=points, show_zones=show_zones, graded=True)
    except ValueError:
        st.error(t("attempt.zone_missing", locale), icon=":material/broken_image:")
        return
    st.image(drawn, width="content",
             caption=t("attempt.zone_legend" if show_zones else "attempt.zone_legend_points", locale))


def review_questions(result: progress.AttemptResult, module: Module, *, shows: Collection[str], locale: str) -> None:
    """Each question of a submitted attempt, in the order asked, case vignettes before their questions."""
    qz = module.quiz
    responses = {r.question_id: r for r in result.responses}
    certainty = qz.settings.certainty
    shown_case = None
    for position, question in enumerate(layout_questions(qz, {"questions": list(responses)}), 1):
        if question.case and question.case != shown_case:
            shown_case = question.case
            case = qz.case(question.case)
            st.subheader(f"{t('quiz.case', locale)}\u00a0: {case.title}")
            render_markdown(case.vignette, module.folder)
        response = responses[question.id]
        with st.container(border=True):
            question_stem(question, position, module.folder, locale)
            tcs_panel_caption(question, qz.settings.panel_source, locale)
            show_result(question, response.response, response.fraction, base_dir=module.folder, locale=locale,
                        shows=shows, certainty=response.certainty if certainty else None)


def certainty_summary(report: CertaintyReport, locale: str) -> None:
    """What over- and under-confidence cost, and the calibration per certainty level."""
    st.subheader(t("assessment.certainty.title", locale))
    lines = []
    for level in (3, 2):
        count, cost = report.overconfidence(level)
        if count:
            lines.append(t("assessment.certainty.over", locale, points=number(cost), certainty=level, n=count))
    count, cost = report.underconfidence()
    if lines:
        for line in lines:
            st.warning(line, icon=":material/trending_down:")
    if count:
        st.info(t("assessment.certainty.under", locale, points=number(cost), n=count), icon=":material/trending_up:")
    if not lines and not count and report.outcomes:
        st.success(t("assessment.certainty.calibrated", locale), icon=":material/balance:")
    table = pd.DataFrame([
        {
            t("assessment.certainty.col_level", locale): t(f"assessment.certainty.{level.certainty}", locale),
            t("assessment.certainty.col_answers", locale): level.answers,
            t("assessment.certainty.col_right", locale): (
                "—" if level.mean_fraction is None else percent(level.mean_fraction, locale)),
            t("assessment.certainty.col_pays", locale): t(f"assessment.certainty.pays.{level.certainty}", locale,
                                                          low=round(CERTAINTY_THRESHOLDS[2] * 100),
                                                          high=round(CERTAINTY_THRESHOLDS[3] * 100)),
        }
        for level in report.levels
    ])
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t("assessment.certainty.rule", locale))


def gain_section(report: GainReport, locale: str) -> None:
    """The learner's gain per objective since the pre-test: overall metric, bars and table."""
    if report.overall is None:
        return
    st.subheader(t("assessment.gain.title", locale))
    overall = report.overall
    st.metric(t("assessment.gain.overall", locale), percent(overall.post, locale),
              delta=t("assessment.gain.delta", locale, points=f"{round(overall.gain * 100):+d}"),
              help=t("assessment.gain.help", locale, questions=overall.questions))
    st.altair_chart(gain_chart(report, locale), width="stretch")
    st.dataframe(gain_frame(report, locale), hide_index=True, width="stretch")


def attempt_links(summaries: Sequence[progress.AttemptSummary], module: Module, *, show_score: bool,
                  locale: str) -> None:
    """Links to the results of the learner's submitted attempts, newest first."""
    for n, summary in reversed(list(enumerate(summaries, 1))):
        when = local_time(summary.submitted_at).strftime("%d/%m/%Y %H:%M")
        label = (t("assessment.history.item", locale, n=n, date=when, score=round(summary.score * 100))
                 if show_score else t("assessment.history.item_hidden", locale, n=n, date=when))
        params = {"module": module.id, "attempt": str(summary.attempt_id)}
        if summary.kind == "pre":
            params["kind"] = "pre"
        st.page_link(QUIZ_PAGE, label=label, icon=":material/history:", query_params=params)


def local_time(moment: datetime) -> datetime:
    """`moment` in the browser's time zone (UTC when unknown)."""
    try:
        zone = ZoneInfo(st.context.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone)


def number(value: float) -> str:
    """A short number with a French decimal comma (2 ; 0,5 ; 1,25)."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def percent(fraction: float, locale: str) -> str:
    """A fraction 0..1 as a whole percentage (`75 %` in French, `75%` in English)."""
    sign = "%" if locale == "en" else "\u00a0%"
    return f"{round(fraction * 100)}{sign}"


def signed(value: float) -> str:
    """A number with its sign (+3 ; −6 ; 0)."""
    text = number(abs(value))
    return text if abs(value) < 1e-9 else ("+" if value > 0 else "\u2212") + text


# --- the attempt form ------------------------------------------------------------------------------


def attempt_questions(attempt: progress.AttemptState, module: Module, saver: AttemptSaver, locale: str) -> None:
    """Every question the attempt shows now, autosaved; progressive cases one question at a time.

    A case shows its vignette, its locked questions (read-only, folded) and its current question with a
    "next question" button that locks it; its later questions stay hidden until then. Each question can be
    flagged « à revoir »; each sits in a container keyed `question-N`, where the summary's links return.
    A question outside a case is a fragment: answering it redraws that question only.
    """
    qz = module.quiz
    ns = saver.namespace
    numbers = {question.id: n for n, question in enumerate(layout_questions(qz, attempt.layout), 1)}

    def draw(question: Question, *, disabled: bool = False) -> None:
        with st.container(border=True, key=f"question-{numbers[question.id]}"):
            question_stem(question, numbers[question.id], module.folder, locale)
            tcs_panel_caption(question, qz.settings.panel_source, locale)
            question_input(question, attempt_id=ns, order=attempt.layout["options"].get(question.id, []),
                           rights=attempt.layout.get("rights", {}).get(question.id, []),
                           saved=attempt.answers.get(question.id), locale=locale, save=saver.save,
                           disabled=disabled, base_dir=module.folder)
            if qz.settings.certainty:
                certainty_input(question.id, attempt_id=ns, saved=attempt.certainties.get(question.id),
                                locale=locale, save=saver.save_certainty, disabled=disabled)
            if disabled:
                st.caption(t("assessment.locked", locale))
            flag_key = widget_key(ns, question.id, "flag")
            _seed(flag_key, question.id in attempt.flagged)
            st.checkbox(t("attempt.flag", locale), key=flag_key, on_change=saver.flag, args=(question.id, flag_key),
                        help=t("attempt.flag_help", locale))

    page_running = [True]  # cleared when this run ends: a question's own rerun (no guard) checks the session first

    def draw_alone(question: Question) -> None:
        # An answer to a question outside a case reruns only this fragment (a few elements instead of the
        # whole attempt); what a callback changed outside it (a message, the certainty count) reruns the page.
        if not page_running[0]:
            rerun_page_unless_signed_in(attempt.user_id)
        if st.session_state.get(FLASH) or st.session_state.pop(PAGE_RUN, False):
            st.rerun(scope="app")
        draw(question)

    alone = st.fragment(draw_alone)
    for step in attempt_steps(qz, attempt.layout, attempt.locked):
        if isinstance(step, Question):
            if step.id in attempt.locked:
                draw(step, disabled=True)
            else:
                alone(step)
            continue
        st.subheader(f"{t('quiz.case', locale)}\u00a0: {step.case.title}")
        render_markdown(step.case.vignette, module.folder)
        if step.done:
            with st.expander(t("assessment.case_done", locale, n=len(step.done))):
                for question in step.done:
                    draw(question, disabled=True)
        if step.current is None:
            continue
        draw(step.current)
        if step.last:
            st.caption(t("assessment.last_case_question", locale))
        else:
            st.button(t("assessment.next_question", locale), key=widget_key(ns, step.current.id, "next"),
                      icon=":material/arrow_downward:", help=t("assessment.next_help", locale), on_click=saver.advance,
                      args=(step.current.id, attempt.layout["options"].get(step.current.id, [])))
    scroll_to_question(st.session_state.pop(SCROLL_TO, None))
    page_running[0] = False


SUMMARY = "attempt_summary"  # session state: the id of the attempt whose summary is shown
SCROLL_TO = "attempt_scroll_to"  # session state: the number of the question to scroll to after the summary


def open_summary(attempt_id: int) -> None:
    """Show the attempt's summary instead of its questions (the "finish" button)."""
    st.session_state[SUMMARY] = attempt_id


def _back_to_questions(number: int | None = None) -> None:
    attempt_id = st.session_state.pop(SUMMARY, None)
    generation = f"attempt_generation:{attempt_id}"
    st.session_state[generation] = st.session_state.get(generation, 0) + 1
    if number is not None:
        st.session_state[SCROLL_TO] = number


def summary_open(attempt_id: int) -> bool:
    """Whether the learner is on the summary of this attempt."""
    return st.session_state.get(SUMMARY) == attempt_id


def scroll_to_question(number: int | None) -> None:
    """Bring question `number` into view once the page is drawn (after a link of the summary)."""
    if number is None:
        return
    target = f".st-key-question-{int(number)}"
    st.html(
        "<script>(function(){let n=0;const go=()=>{const el=window.parent.document.querySelector('" + target + "')"
        "||document.querySelector('" + target + "');if(el){el.scrollIntoView({block:'start'});}"
        "else if(n++<40){setTimeout(go,100);}};setTimeout(go,50);})();</script>",
        unsafe_allow_javascript=True,
    )


def show_summary(attempt: progress.AttemptState, module: Module, locale: str, *,
                 on_confirm: Callable[[], None]) -> None:
    """The attempt's summary (answered, unanswered, flagged « à revoir », each with a link back), then the
    confirmation, whose button calls `on_confirm` (before the run that draws the results)."""
    rows = summary_rows(layout_questions(module.quiz, attempt.layout), attempt.answers, attempt.flagged)
    answered = sum(1 for row in rows if row.status == "answered")
    counts = {"answered": answered, "unanswered": len(rows) - answered}  # an answer that cannot count is none
    flagged = sum(1 for row in rows if row.flagged)
    st.subheader(t("attempt.summary_title", locale))
    for column, (label, value) in zip(st.columns(3), (
            (t("attempt.summary_answered", locale), counts["answered"]),
            (t("attempt.summary_unanswered", locale), counts["unanswered"]),
            (t("attempt.summary_flagged", locale), flagged)), strict=True):
        column.metric(label, value, border=True)
    for row in rows:
        with st.container(border=True, horizontal=True, vertical_alignment="center", key=f"summary-{row.number}"):
            status = t(f"attempt.status.{row.status}", locale)
            icon = {"answered": ":material/check_circle:", "unanswered": ":material/radio_button_unchecked:",
                    "invalid": ":material/error:"}[row.status]
            flag = f" · :orange[:material/flag: {t('attempt.flagged', locale)}]" if row.flagged else ""
            st.markdown(f"{icon} **{t('quiz.question_n', locale, i=row.number)}** · {row.question.title}  \n"
                        f"{status}{flag}", width="stretch")
            st.button(t("attempt.summary_back_to", locale), key=f"summary_back:{attempt.id}:{row.number}",
                      on_click=_back_to_questions, args=(row.number,), icon=":material/edit:", type="tertiary")
    if counts["unanswered"]:
        st.warning(t("quiz.unanswered", locale, n=counts["unanswered"]), icon=":material/warning:")
    st.info(t("attempt.summary_final", locale), icon=":material/lock:")
    back, send = st.columns(2)
    back.button(t("attempt.summary_back", locale), on_click=_back_to_questions, icon=":material/arrow_back:",
                key=f"summary_back:{attempt.id}", width="stretch")
    send.button(t("attempt.summary_confirm", locale), type="primary", icon=":material/send:",
                key=f"summary_confirm:{attempt.id}", on_click=on_confirm, width="stretch")


def policy_lines(qz: quiz.Quiz, kind: str, *, pass_mark: float, started: int, locale: str) -> list[str]:
    """What the learner should know before starting an attempt of `kind`, one sentence each."""
    settings = qz.settings
    units = len(qz.draw_units())
    if kind == "pre":
        lines = [t("assessment.pretest.intro", locale, n=len(qz.questions))]
    else:
        percent = round(pass_mark * 100)
        if settings.draw and settings.draw < units:
            lines = [t("assessment.draw_info", locale, draw=settings.draw, units=units, pass_mark=percent)]
        else:
            lines = [t("quiz.intro", locale, n=len(qz.questions), pass_mark=percent)]
        if settings.max_attempts:
            lines.append(t("assessment.attempts_used", locale, used=started, max=settings.max_attempts))
        lines.append(t(f"assessment.policy_info.{settings.grading}", locale))
    if settings.time_limit_minutes:
        lines.append(t("assessment.time_info", locale, minutes=number(settings.time_limit_minutes)))
    if qz.cases:
        lines.append(t("assessment.case_info", locale))
    if settings.certainty:
        lines.append(t("assessment.certainty_info", locale))
    return lines


def show_attempt_result(engine: Engine, result: progress.AttemptResult, module: Module, *, pass_mark: float,
                        locale: str) -> None:
    """The results screen of a submitted attempt, showing what the quiz's review options allow.

    A pre-test shows its score and points to the lessons. A certifying attempt shows its score, the
    certainty mark, the score kept under the grading policy, pass or fail, the gain since the pre-test,
    the certainty feedback, the per-question review, then a new attempt while any is left, and the history.
    """
    settings = module.quiz.settings
    shows = review_items(settings, result.kind)
    post = result.kind == "post"
    if "score" in shows:
        metrics = [(t("quiz.score", locale), percent(result.score, locale), None)]
        if post and settings.certainty and result.certainty_score is not None:
            metrics.append((t("assessment.certainty.mark", locale), number(result.certainty_score),
                            t("assessment.certainty.mark_help", locale)))
        if post:
            recorded = progress.recorded_score(engine, result.user_id, module.id, settings.grading) or 0.0
            metrics.append((t(f"assessment.recorded.{settings.grading}", locale), percent(recorded, locale), None))
        for column, (label, value, help_text) in zip(st.columns(3), metrics, strict=False):
            column.metric(label, value, help=help_text)
        if post and result.passed:
            st.success(t("quiz.passed", locale, pass_mark=round(pass_mark * 100)), icon=":material/verified:")
        elif post:
            st.error(t("quiz.failed", locale, pass_mark=round(pass_mark * 100)), icon=":material/replay:")
    else:
        st.info(t("assessment.review_hidden", locale), icon=":material/inventory:")
    if not post:
        st.info(t("assessment.pretest.recorded", locale), icon=":material/flag:")
        if module.lessons:
            st.page_link(MODULE_PAGE, label=t("assessment.pretest.to_lessons", locale), icon=":material/arrow_forward:",
                         query_params={"module": module.id, "lesson": module.lessons[0].id})
        return
    if "score" in shows:
        gain_section(attempt_gain(engine, module, result.attempt_id), locale)
        if settings.certainty:
            certainty_summary(certainty_report(result.responses), locale)
    if shows:
        st.subheader(t("assessment.review_title", locale))
        review_questions(result, module, shows=shows, locale=locale)
    if attempts_left(settings, progress.attempts_count(engine, result.user_id, module.id, "post")) == 0:
        st.info(t("assessment.limit_reached", locale, max=settings.max_attempts), icon=":material/block:")
    elif st.button(t("quiz.again", locale), icon=":material/replay:"):
        del st.query_params["attempt"]
        st.rerun()
    with st.expander(t("quiz.history", locale)):
        attempt_links(progress.submitted_attempts(engine, result.user_id, module.id, "post"), module,
                      show_score="score" in shows, locale=locale)
