"""The learner's journey in AppTest: sign-up → lesson → quiz (every question type) → My progress."""

from __future__ import annotations

import random

from apptest_support import app
from streamlit.testing.v1 import AppTest

from academy.accounts import auth
from academy.content.catalog import load_catalog
from academy.learning import progress
from academy.learning.responses import correct_response, wrong_response
from academy.ui.quiz_view import widget_key
from academy.ui.resources import PROJECT_ROOT

MODULE = "ia-imagerie-medicale"


def sign_up(at: AppTest, email: str = "lea.martin@example.org", password: str = "imagerie-2026-sure") -> None:
    at.text_input(key="su_email").input(email)
    at.text_input(key="su_name").input("Léa Martin")
    at.text_input(key="su_rpps").input("")
    at.text_input(key="su_password").input(password)
    at.text_input(key="su_password2").input(password)
    next(b for b in at.button if b.label == "Créer mon compte").click().run()


def go(at: AppTest, path: str, **query: str) -> AppTest:
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in query.items():
        at.query_params[key] = value
    return at.switch_page(path).run()


def answer(at: AppTest, attempt_id: int, question, response) -> None:
    """Set `question`'s widgets to `response`, as a learner would."""
    key = widget_key(attempt_id, question.id)
    if question.type in ("qru", "tcs"):
        at.radio(key=key).set_value(response)
    elif question.type == "qrm":
        for option in question.options:
            at.checkbox(key=widget_key(attempt_id, question.id, option.id)).set_value(option.id in response)
    elif question.type in ("qroc", "numerique"):
        at.text_input(key=key).input(str(response))
    elif question.type == "ordre":
        for position, option_id in enumerate(response, 1):
            at.selectbox(key=widget_key(attempt_id, question.id, f"pos{position}")).set_value(option_id)
    elif question.type == "association":
        for left, right in response.items():
            at.selectbox(key=widget_key(attempt_id, question.id, left)).set_value(right)
    at.run()


def test_sign_up_read_take_quiz_and_see_progress(app_env) -> None:
    engine = app_env
    module = load_catalog(PROJECT_ROOT / "content").module(MODULE)
    at = app().run()
    sign_up(at)
    assert not at.exception
    assert at.title[0].value == "Bonjour Léa Martin"
    account = auth.authenticate(engine, "lea.martin@example.org", "imagerie-2026-sure")

    first = module.lessons[0]
    go(at, "pages/2_module.py", module=MODULE, lesson=first.id)
    assert at.title[0].value == first.title
    next(b for b in at.button if b.label == "Marquer comme lu").click().run()
    assert "Leçon lue" in [s.value for s in at.success]
    assert progress.lesson_states(engine, account.id, MODULE)[first.id].completed_at is not None

    go(at, "pages/3_quiz.py", module=MODULE)
    next(b for b in at.button if b.label == "Commencer").click().run()
    attempt = progress.in_progress_attempt(engine, account.id, MODULE, "post")
    assert attempt is not None
    questions = [module.quiz.question(qid) for qid in attempt.layout["questions"]]
    assert {q.type for q in questions} >= {"qru", "qrm", "qroc", "numerique", "association", "tcs"}
    wrong = questions[0]
    for question in questions:
        response = wrong_response(question, random.Random(1)) if question is wrong else correct_response(question)
        answer(at, attempt.id, question, response)
        next_question = widget_key(attempt.id, question.id, "next")  # a progressive case: one question at a time
        if any(button.key == next_question for button in at.button):
            at.button(key=next_question).click().run()
    assert not at.exception
    saved = progress.attempt_state(engine, attempt.id).answers
    assert set(saved) == {q.id for q in questions}

    next(b for b in at.button if b.label == "Terminer la tentative…").click().run()
    assert [m.value for m in at.metric[:2]] == [str(len(questions)), "0"]  # the summary: all answered
    next(b for b in at.button if b.label == "Tout envoyer et terminer").click().run()
    assert not at.exception
    result = progress.attempt_result(engine, attempt.id)
    total = sum(q.points for q in questions)
    assert result.points == total - wrong.points
    assert result.passed is ((total - wrong.points) / total >= module.pass_mark)
    assert at.metric[0].value == f"{round(result.score * 100)}\u00a0%"
    assert at.query_params["attempt"] == [str(attempt.id)] or at.query_params["attempt"] == str(attempt.id)

    go(at, "pages/4_progress.py")
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table.iloc[:, 0] == module.title].iloc[0]
    assert row.iloc[1] == "Validé"
    assert row.iloc[2] == f"1/{len(module.lessons)}"
    assert len(at.get("vega_lite_chart")) == 2


def test_sign_up_errors_show_under_their_field_and_create_nothing(app_env) -> None:
    at = app().run()
    sign_up(at, email="pas-une-adresse", password="court")
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) >= 2
    assert auth.list_accounts(app_env) == []


def test_a_double_click_on_submit_records_one_attempt(app_env) -> None:
    at = app().run()
    sign_up(at)
    go(at, "pages/3_quiz.py", module=MODULE)
    start = next(b for b in at.button if b.label == "Commencer")
    start.click().run()
    account = auth.authenticate(app_env, "lea.martin@example.org", "imagerie-2026-sure")
    attempt = progress.in_progress_attempt(app_env, account.id, MODULE, "post")
    next(b for b in at.button if b.label == "Terminer la tentative…").click().run()
    submit = next(b for b in at.button if b.label == "Tout envoyer et terminer")
    submit.click().run()
    # A replayed submission of the same attempt (second click, network retry) changes nothing.
    again = progress.submit_attempt(app_env, attempt.id, load_catalog(PROJECT_ROOT / "content").module(MODULE).quiz,
                                    pass_mark=0.7)
    assert again.attempt_id == attempt.id
    assert progress.attempts_count(app_env, account.id, MODULE, "post") == 1
