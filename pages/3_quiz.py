"""Quiz: a pre-test or a certifying attempt (autosaved, resumable, progressive cases one question at a time,
attempt and time limits enforced by the store), then its results (review options, certainty, gain)."""

import secrets
import uuid

import streamlit as st

from academy.accounts.roles import SIGNED_IN
from academy.learning import progress
from academy.learning.attempts import attempts_left, build_layout, layout_questions, missing
from academy.ui.guard import page
from academy.ui.quiz_view import (
    AttemptSaver,
    attempt_links,
    attempt_questions,
    countdown,
    flash,
    open_summary,
    percent,
    policy_lines,
    show_attempt_result,
    show_flashes,
    show_summary,
    summary_open,
)
from academy.ui.resources import catalog, engine, now
from academy.ui.widgets import module_link, page_title, quiz_link

viewer = page("nav.catalogue", roles=SIGNED_IN)
account = viewer.account
module = catalog().module(st.query_params.get("module", ""))
if module is None or module.quiz is None:
    st.warning(viewer.t("module.unknown") if module is None else viewer.t("module.no_quiz"), icon=":material/help:")
    st.page_link("pages/1_catalogue.py", label=viewer.t("nav.catalogue"), icon=":material/menu_book:")
    st.stop()

qz = module.quiz
settings = qz.settings
eng = engine()
kind = "pre" if st.query_params.get("kind") == "pre" and settings.pretest else "post"
pass_mark = settings.pass_mark if settings.pass_mark is not None else module.pass_mark
default_certainty = 1 if settings.certainty else None  # an answer left without certainty counts as "unsure"
token_key = f"start_token:{module.id}:{kind}"
first_lesson = module.lessons[0].id if module.lessons else None

# --- results of a submitted attempt (the URL keeps them on refresh) --------------------------------
shown_attempt = st.query_params.get("attempt")
if shown_attempt is not None:
    number = shown_attempt.isascii() and shown_attempt.isdigit()  # "²" is a digit to isdigit(), not to int()
    result = progress.attempt_result(eng, int(shown_attempt)) if number else None
    if result is None or result.user_id != account.id or result.module_id != module.id or result.kind not in (
            "pre", "post"):
        st.warning(viewer.t("assessment.unknown_attempt"), icon=":material/help:")
        module_link(module, viewer.t("quiz.back_to_module"))
        st.stop()
    page_title(viewer.t("quiz.pretest_title" if result.kind == "pre" else "quiz.title", title=module.title))
    module_link(module, viewer.t("quiz.back_to_module"))
    show_flashes(viewer.locale)
    show_attempt_result(eng, result, module, pass_mark=pass_mark, locale=viewer.locale)
    st.stop()

page_title(viewer.t("quiz.pretest_title" if kind == "pre" else "quiz.title", title=module.title))
module_link(module, viewer.t("quiz.back_to_module"))
show_flashes(viewer.locale)
attempt = progress.in_progress_attempt(eng, account.id, module.id, kind)


def submit() -> None:
    """Submit the attempt in progress; the next run shows its results."""
    result = progress.submit_attempt(eng, attempt.id, qz, pass_mark=pass_mark, default_certainty=default_certainty)
    st.session_state.pop(token_key, None)
    st.query_params["attempt"] = str(result.attempt_id)


def start() -> None:
    """The start button's callback: the attempt exists before the run that draws it (one run, not two)."""
    try:
        progress.start_attempt(
            eng, user_id=account.id, module_id=module.id, kind=kind, quiz=qz, start_token=st.session_state[token_key],
            layout=build_layout(qz, seed=secrets.randbits(32), draw=kind == "post"),
            max_attempts=1 if kind == "pre" else None,
        )
    except progress.AttemptLimitError:  # another tab used the last attempt: the next run says so
        st.session_state.pop(token_key, None)


# --- no attempt in progress: what the quiz asks, and the start button ------------------------------
if attempt is None:
    started = progress.attempts_count(eng, account.id, module.id, kind)
    if kind == "pre":
        taken = progress.submitted_attempts(eng, account.id, module.id, "pre")
        if taken or progress.attempts_count(eng, account.id, module.id, "post"):
            st.info(viewer.t("assessment.pretest.done" if taken else "assessment.pretest.too_late"),
                    icon=":material/info:")
            attempt_links(taken, module, show_score=True, locale=viewer.locale)
            quiz_link(module, viewer.t("module.take_quiz"))
            st.stop()
    st.markdown("\n".join(f"- {line}" for line in policy_lines(qz, kind, pass_mark=pass_mark, started=started,
                                                                   locale=viewer.locale)))
    if kind == "post" and settings.pretest and progress.pretest_open(eng, account.id, module.id):
        st.warning(viewer.t("attempt.pretest_warning"), icon=":material/warning:")
        quiz_link(module, viewer.t("attempt.pretest_first"), kind="pre")
    left = attempts_left(settings, started) if kind == "post" else 1
    if left == 0:
        recorded = progress.recorded_score(eng, account.id, module.id, settings.grading)
        st.info(viewer.t("assessment.limit_reached", max=settings.max_attempts), icon=":material/block:")
        if recorded is not None:
            st.metric(viewer.t(f"assessment.recorded.{settings.grading}"), percent(recorded, viewer.locale))
    else:
        st.session_state.setdefault(token_key, uuid.uuid4().hex)
        st.button(viewer.t("quiz.start"), type="primary", icon=":material/play_arrow:", on_click=start)
    if kind == "pre" and first_lesson:
        module_link(module, viewer.t("assessment.pretest.skip"), lesson_id=first_lesson)
    history = progress.submitted_attempts(eng, account.id, module.id, "post") if kind == "post" else []
    if history:
        st.subheader(viewer.t("quiz.history"))
        attempt_links(history, module, show_score="score" in settings.review, locale=viewer.locale)
    st.stop()

# --- the attempt in progress ------------------------------------------------------------------------
if attempt.deadline is not None and now() > attempt.deadline:
    flash("assessment.flash.time_up")
    submit()
    st.rerun()
if attempt.deadline is not None:
    countdown(attempt.deadline, viewer.locale)
if summary_open(attempt.id):
    show_summary(attempt, module, viewer.locale, on_confirm=submit)
    st.stop()
attempt_questions(attempt, module, AttemptSaver(eng, attempt.id, qz), viewer.locale)
st.caption(viewer.t("quiz.attempt_saved"))
_, without_certainty = missing(layout_questions(qz, attempt.layout), attempt.answers, attempt.certainties)
if settings.certainty and without_certainty:
    st.warning(viewer.t("assessment.missing_certainty", n=without_certainty), icon=":material/help:")
st.button(viewer.t("attempt.finish"), type="primary", icon=":material/fact_check:", on_click=open_summary,
          args=(attempt.id,), help=viewer.t("attempt.finish_help"))
