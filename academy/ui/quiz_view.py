"""Quiz widgets: one input per question type (autosaved on change), and the per-question results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

import quiz
from academy.attempts import is_answered
from academy.i18n import t
from quiz import Question

from .render import render_markdown

SaveFn = Callable[[str, Any], None]


def widget_key(attempt_id: int, question_id: str, part: str = "") -> str:
    """Session-state key of a question's widget in one attempt (unique across attempts)."""
    return f"att{attempt_id}:{question_id}{':' + part if part else ''}"


def question_stem(question: Question, number: int, base_dir: Path, locale: str) -> None:
    """The question's number, title and stem."""
    st.markdown(f"**{t('quiz.question_n', locale, i=number)} · {question.title}**")
    if question.stem.strip() and question.stem.strip() != question.title.strip():
        render_markdown(question.stem, base_dir)


def question_input(
    question: Question,
    *,
    attempt_id: int,
    order: list[str],
    rights: list[str],
    saved: Any,
    locale: str,
    save: SaveFn,
    disabled: bool = False,
) -> None:
    """Draw the input of `question`, pre-filled with `saved`; every change calls `save(question_id, response)`."""
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
        st.text_input(label, key=key, on_change=on_change, disabled=disabled, max_chars=120)
    elif kind == "ordre":
        _seed(key, [oid for oid in saved if oid in options] if isinstance(saved, list) else [])
        st.multiselect(t("quiz.order", locale), ordered, key=key, on_change=on_change,
                       format_func=lambda oid: options[oid].text, disabled=disabled)
    elif kind == "association":
        chosen = saved if isinstance(saved, dict) else {}
        for option in question.options:
            if not option.text:
                continue  # a right-hand distractor has no left side
            part_key = widget_key(attempt_id, question.id, option.id)
            _seed(part_key, chosen.get(option.id) if chosen.get(option.id) in rights else None)
            st.selectbox(option.text, rights, key=part_key, index=None, on_change=on_change,
                         placeholder=t("quiz.match_placeholder", locale), disabled=disabled)
    elif kind == "tcs":
        labels = {_tcs_value(option): option.text.strip() for option in question.options}
        _seed(key, saved if saved in (-2, -1, 0, 1, 2) else None)
        st.radio(t("quiz.tcs_label", locale), [-2, -1, 0, 1, 2], key=key, index=None, horizontal=True,
                 format_func=lambda v: labels.get(v) or t(f"tcs.{v}", locale), on_change=on_change,
                 disabled=disabled)


def current_response(question: Question, attempt_id: int, order: list[str]) -> Any:
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
    return state.get(key)


def _seed(key: str, value: Any) -> None:
    """Give a widget its saved value the first time it is drawn in this session."""
    if key not in st.session_state:
        st.session_state[key] = value


def _tcs_value(option: quiz.Option) -> int:
    return int(option.value)


def show_result(question: Question, response: Any, fraction: float, *, base_dir: Path, locale: str) -> None:
    """One question's review: the learner's answer, the expected answer, feedback and explanation."""
    earned = round(fraction * question.points, 2)
    icon = ":material/check_circle:" if fraction >= 1 else (
        ":material/radio_button_partial:" if fraction > 0 else ":material/cancel:")
    st.markdown(f"{icon} {t('quiz.points', locale, earned=earned, points=question.points)}")
    answer = answer_text(question, response) if is_answered(question, response) else t("quiz.no_answer", locale)
    st.markdown(f"**{t('quiz.your_answer', locale)}** : {answer}")
    if fraction < 1:
        st.markdown(f"**{t('quiz.correct_answer', locale)}** : {quiz.correct_answer_text(question)}")
    for feedback in quiz.feedback_for(question, response):
        st.info(feedback, icon=":material/chat:")
    if question.explanation.strip():
        with st.container(border=True):
            st.caption(t("quiz.explanation", locale))
            render_markdown(question.explanation, base_dir)


def answer_text(question: Question, response: Any) -> str:
    """A learner's response written out for reading (option texts rather than ids)."""
    options = {option.id: option for option in question.options}
    if question.type == "qru":
        return options[response].text if response in options else str(response)
    if question.type in ("qrm", "ordre") and isinstance(response, list):
        sep = " ; " if question.type == "qrm" else " → "
        return sep.join(options[oid].text for oid in response if oid in options)
    if question.type == "association" and isinstance(response, dict):
        return " ; ".join(f"{options[k].text} → {v}" for k, v in response.items() if k in options)
    if question.type == "tcs":
        return f"{int(response):+d}" if isinstance(response, int) and response else str(response)
    if question.type == "numerique" and question.unit:
        return f"{response} {question.unit}"
    return str(response)
