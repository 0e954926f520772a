"""Quiz: start or resume an attempt, answer every question (autosaved), submit, read the results."""

import secrets
import uuid

import streamlit as st

from academy import progress
from academy.attempts import build_layout, is_answered, layout_questions
from academy.roles import SIGNED_IN
from academy.ui.guard import page
from academy.ui.quiz_view import question_input, question_stem, show_result
from academy.ui.render import render_markdown
from academy.ui.resources import catalog, engine
from academy.ui.widgets import module_link

viewer = page("nav.catalogue", roles=SIGNED_IN)
account = viewer.account
module = catalog().module(st.query_params.get("module", ""))
if module is None or module.quiz is None:
    st.warning(viewer.t("module.unknown") if module is None else viewer.t("module.no_quiz"), icon=":material/help:")
    st.page_link("pages/1_catalogue.py", label=viewer.t("nav.catalogue"), icon=":material/menu_book:")
    st.stop()

qz = module.quiz
kind = "pre" if st.query_params.get("kind") == "pre" and qz.settings.pretest else "post"
pass_mark = qz.settings.pass_mark if qz.settings.pass_mark is not None else module.pass_mark
title_key = "quiz.pretest_title" if kind == "pre" else "quiz.title"
st.title(viewer.t(title_key, title=module.title))
module_link(module, viewer.t("quiz.back_to_module"))
eng = engine()

# Results of a submitted attempt (the URL keeps them on refresh).
shown_attempt = st.query_params.get("attempt")
if shown_attempt and shown_attempt.isdigit():
    result = progress.attempt_result(eng, int(shown_attempt))
    if result is None or result.user_id != account.id or result.module_id != module.id:
        st.warning(viewer.t("module.unknown"), icon=":material/help:")
        st.stop()
    st.metric(viewer.t("quiz.score"), f"{round(result.score * 100)} %")
    if kind == "post":
        if result.passed:
            st.success(viewer.t("quiz.passed", pass_mark=round(pass_mark * 100)), icon=":material/verified:")
        else:
            st.error(viewer.t("quiz.failed", pass_mark=round(pass_mark * 100)), icon=":material/replay:")
    answers = {r.question_id: r for r in result.responses}
    for number, question in enumerate(layout_questions(qz, {"questions": list(answers)}), 1):
        response = answers[question.id]
        with st.container(border=True):
            question_stem(question, number, module.folder, viewer.locale)
            show_result(question, response.response, response.fraction, base_dir=module.folder,
                        locale=viewer.locale)
    if st.button(viewer.t("quiz.again"), icon=":material/replay:"):
        del st.query_params["attempt"]
        st.rerun()
    st.stop()

attempt = progress.in_progress_attempt(eng, account.id, module.id, kind)
if attempt is None:
    st.markdown(viewer.t("quiz.intro", n=len(qz.questions), pass_mark=round(pass_mark * 100)))
    token_key = f"start_token:{module.id}:{kind}"
    st.session_state.setdefault(token_key, uuid.uuid4().hex)
    if st.button(viewer.t("quiz.start"), type="primary", icon=":material/play_arrow:"):
        layout = build_layout(qz, seed=secrets.randbits(32))
        progress.start_attempt(eng, user_id=account.id, module_id=module.id, kind=kind, quiz=qz,
                               start_token=st.session_state[token_key], layout=layout)
        st.rerun()
    st.stop()


def save(question_id: str, response: object) -> None:
    """Autosave one answer of the attempt in progress."""
    progress.save_answer(eng, attempt.id, question_id, response)


questions = layout_questions(qz, attempt.layout)
cases = {case.id: case for case in qz.cases}
shown_case = None
for number, question in enumerate(questions, 1):
    if question.case and question.case != shown_case:
        shown_case = question.case
        case = cases[question.case]
        st.subheader(f"{viewer.t('quiz.case')} : {case.title}")
        render_markdown(case.vignette, module.folder)
    with st.container(border=True):
        question_stem(question, number, module.folder, viewer.locale)
        question_input(question, attempt_id=attempt.id, order=attempt.layout["options"].get(question.id, []),
                       rights=attempt.layout.get("rights", {}).get(question.id, []),
                       saved=attempt.answers.get(question.id), locale=viewer.locale, save=save)

st.caption(viewer.t("quiz.attempt_saved"))
unanswered = sum(1 for q in questions if not is_answered(q, attempt.answers.get(q.id)))
if unanswered:
    st.warning(viewer.t("quiz.unanswered", n=unanswered), icon=":material/warning:")
if st.button(viewer.t("quiz.submit"), type="primary", icon=":material/send:"):
    result = progress.submit_attempt(eng, attempt.id, qz, pass_mark=pass_mark)
    st.session_state.pop(f"start_token:{module.id}:{kind}", None)
    st.query_params["attempt"] = str(result.attempt_id)
    st.rerun()
