"""The Review page in AppTest: a missed question comes back, is answered, rated, and leaves the due list.

The page uses the real clock, so the quiz is submitted a day ago: its card is due now.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from apptest_support import make_account, open_page, texts
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from academy.accounts import auth
from academy.content.catalog import Module, load_catalog
from academy.i18n import t
from academy.learning import progress, review
from academy.learning.responses import correct_response, wrong_response
from academy.store import db
from academy.store.models import ReviewCard
from academy.ui.quiz_view import widget_key
from academy.ui.resources import PROJECT_ROOT

MODULE = "fondamentaux-ia-sante"
MISSED = "fond-supervise"  # a single-answer question outside the clinical case
PAGE = "pages/5_review.py"


@pytest.fixture(scope="module")
def module() -> Module:
    found = load_catalog(PROJECT_ROOT / "content").module(MODULE)
    assert found is not None and found.quiz is not None
    return found


def learner_who_missed_one(engine: Engine, module: Module) -> tuple[int, str]:
    """A learner (id, session token) who submitted the module's quiz a day ago, all right but MISSED."""
    account = make_account(engine, "learner")
    qz = module.quiz
    answered_at = db.utcnow() - timedelta(days=1)
    attempt_id = progress.start_attempt(engine, user_id=account.id, module_id=module.id, kind="post", quiz=qz,
                                        start_token="a-day-ago", now=answered_at)
    for question in qz.questions:
        response = wrong_response(question, random.Random(1)) if question.id == MISSED else correct_response(question)
        progress.save_answer(engine, attempt_id, question.id, response, now=answered_at)
    progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.7, now=answered_at)
    return account.id, auth.create_session(engine, account.id)


def click(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def review_log(engine: Engine, user_id: int) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        state = connection.execute(select(ReviewCard.state).where(ReviewCard.user_id == user_id)).scalar_one()
    return state["log"]


def answer_missed(at: AppTest, engine: Engine, user_id: int, response: str) -> AppTest:
    card = review.due_cards(engine, user_id)[0]
    at.radio(key=widget_key(-card.id, MISSED)).set_value(response)
    return at.run()


def test_home_shows_the_reviews_due(app_env: Engine, module: Module) -> None:
    _, token = learner_who_missed_one(app_env, module)
    at = open_page("app.py", token)
    assert not at.exception
    labels = [link.proto.label for link in at.get("page_link")]
    assert t("review.home_due", n=1) in labels


def test_a_missed_question_is_answered_rated_and_leaves_the_due_list(app_env: Engine, module: Module) -> None:
    user_id, token = learner_who_missed_one(app_env, module)
    question = module.quiz.question(MISSED)
    at = open_page(PAGE, token)
    assert not at.exception
    assert at.metric[0].value == "1"
    assert f"**{question.title}**" in texts(at, "markdown")
    rating_labels = [t(f"review.rating.{int(rating)}") for rating in review.Rating]
    assert not set(rating_labels) & {b.label for b in at.button}  # rating comes after checking

    answer_missed(at, app_env, user_id, correct_response(question))
    click(at, t("review.check"))
    assert not at.exception
    assert t("review.rate_prompt") in texts(at, "markdown")
    assert set(rating_labels) <= {b.label for b in at.button}
    assert question.explanation.strip()[:40] in "\n".join(texts(at, "markdown"))

    click(at, t("review.rating.3"))
    assert not at.exception
    assert review.due_count(app_env, user_id) == 0
    assert [(entry["source"], entry["rating"], entry["fraction"]) for entry in review_log(app_env, user_id)] == [
        ("quiz", 1, 0.0), ("review", 3, 1.0)]
    assert at.metric[0].value == "0"
    assert t("review.none_due") in texts(at, "success")
    due = review.next_due(app_env, user_id).astimezone(review.viewer_timezone(None))
    assert t("review.next_due", date=due.strftime("%d/%m/%Y"), time=due.strftime("%H:%M")) in texts(at, "markdown")
    assert len(at.get("vega_lite_chart")) == 1


def test_a_wrong_answer_is_shown_and_only_continues(app_env: Engine, module: Module) -> None:
    user_id, token = learner_who_missed_one(app_env, module)
    question = module.quiz.question(MISSED)
    at = open_page(PAGE, token)
    answer_missed(at, app_env, user_id, wrong_response(question, random.Random(2)))
    click(at, t("review.check"))
    assert t("review.missed") in texts(at, "info")
    assert t("review.rating.3") not in {b.label for b in at.button}
    click(at, t("review.continue"))
    assert not at.exception
    assert review_log(app_env, user_id)[-1]["rating"] == 1
    assert review.due_count(app_env, user_id) == 0  # back in a minute
    assert t("review.none_due") in texts(at, "success")


def test_without_cards_the_page_says_where_they_come_from(app_env: Engine) -> None:
    token = auth.create_session(app_env, make_account(app_env, "learner").id)
    at = open_page(PAGE, token)
    assert not at.exception
    assert t("review.none_due") in texts(at, "success")
    assert t("review.no_cards") in texts(at, "caption")
    assert len(at.get("vega_lite_chart")) == 0
