"""Satisfaction survey: stored once per learner and module, validated, summarised; the form on the Module page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apptest_support import make_account, open_page, texts
from sqlalchemy import Engine, func, select

import quiz
from academy.accounts import auth
from academy.content.catalog import load_catalog
from academy.i18n import LOCALES, STRINGS, t
from academy.learning import progress, survey
from academy.learning.responses import correct_response
from academy.store.models import Evaluation
from academy.ui.resources import PROJECT_ROOT

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MODULE = "fondamentaux-ia-sante"
QZ = quiz.parse("## Sigle {#q1 .qroc}\n\nLe règlement européen sur les données ?\n\n- [x] RGPD\n")
GOOD = {"objectives": 5, "relevance": 4, "clarity": 4, "assessment": 3, "recommend": 5}


def take_quiz(engine: Engine, user_id: int, module_id: str, qz: quiz.Quiz, *, right: bool = True) -> None:
    """Submit the whole quiz, every answer right (or every answer blank)."""
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id=module_id, kind="post", quiz=qz,
                                        start_token=f"{user_id}-{module_id}-{right}", now=T0)
    if right:
        for question in qz.questions:
            progress.save_answer(engine, attempt_id, question.id, correct_response(question), now=T0)
    progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.7, now=T0)


def passed_learner(engine: Engine, email: str = "learner@example.org") -> int:
    user_id = make_account(engine, "learner", email=email).id
    take_quiz(engine, user_id, "m1", QZ)
    return user_id


def evaluations(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Evaluation)).scalar_one()


def test_every_item_and_scale_label_is_translated() -> None:
    keys = [f"survey.item.{item}" for item in survey.ITEMS] + [f"survey.scale.{value}" for value in survey.SCALE]
    assert all(set(STRINGS[key]) == set(LOCALES) for key in keys)


def test_an_evaluation_is_saved_once(engine: Engine) -> None:
    user_id = passed_learner(engine)
    record = survey.save_evaluation(engine, user_id, "m1", GOOD, "  Très clair.  ", now=T0)
    assert (record.answers, record.comment, record.created_at) == (GOOD, "Très clair.", T0)
    assert survey.evaluation_for(engine, user_id, "m1") == record
    with pytest.raises(survey.AlreadyEvaluatedError):
        survey.save_evaluation(engine, user_id, "m1", {**GOOD, "clarity": 1}, "Changé d'avis")
    assert survey.evaluation_for(engine, user_id, "m1") == record
    assert evaluations(engine) == 1


def test_the_survey_opens_once_the_module_is_passed(engine: Engine) -> None:
    user_id = make_account(engine, "learner").id
    with pytest.raises(survey.SurveyNotAllowedError):
        survey.save_evaluation(engine, user_id, "m1", GOOD)  # never attempted
    take_quiz(engine, user_id, "m1", QZ, right=False)
    with pytest.raises(survey.SurveyNotAllowedError):
        survey.save_evaluation(engine, user_id, "m1", GOOD)  # attempted, failed
    assert evaluations(engine) == 0
    assert survey.evaluation_for(engine, user_id, "m1") is None


@pytest.mark.parametrize(
    ("answers", "comment", "errors"),
    [
        ({k: v for k, v in GOOD.items() if k != "clarity"}, "", {"clarity": "survey.error_required"}),
        ({**GOOD, "relevance": 6}, "", {"relevance": "survey.error_scale"}),
        ({**GOOD, "relevance": True}, "", {"relevance": "survey.error_scale"}),
        ({**GOOD, "relevance": "4"}, "", {"relevance": "survey.error_scale"}),
        ({**GOOD, "mood": 3}, "", {"form": "survey.error_unknown_item"}),
        (GOOD, "x" * (survey.COMMENT_MAX_LENGTH + 1), {"comment": "survey.error_comment_length"}),
        ({}, "", {item: "survey.error_required" for item in survey.ITEMS}),
    ],
)
def test_bad_answers_are_refused_field_by_field(engine: Engine, answers, comment, errors) -> None:
    user_id = passed_learner(engine)
    with pytest.raises(survey.SurveyValidationError) as refused:
        survey.save_evaluation(engine, user_id, "m1", answers, comment)
    assert refused.value.errors == errors
    assert all(key in STRINGS for key in errors.values())
    assert evaluations(engine) == 0


def test_module_summary_figures(engine: Engine) -> None:
    answers = [
        {"objectives": 5, "relevance": 4, "clarity": 2, "assessment": 3, "recommend": 5},
        {"objectives": 4, "relevance": 4, "clarity": 5, "assessment": 3, "recommend": 4},
        {"objectives": 4, "relevance": 1, "clarity": 5, "assessment": 3, "recommend": 5},
    ]
    comments = ["Trop court.", "", "Cas cliniques très utiles."]
    for i, (given, comment) in enumerate(zip(answers, comments, strict=True)):
        user_id = passed_learner(engine, email=f"l{i}@example.org")
        survey.save_evaluation(engine, user_id, "m1", given, comment, now=T0 + timedelta(days=i))
    other = passed_learner(engine, email="other@example.org")
    take_quiz(engine, other, "m2", QZ)
    survey.save_evaluation(engine, other, "m2", {item: 1 for item in survey.ITEMS}, "Autre module")

    withheld = survey.module_survey_summary(engine, "m1")  # 3 respondents, fewer than the default 5
    assert (withheld.count, withheld.withheld, withheld.items, withheld.comments) == (3, True, (), ())
    summary = survey.module_survey_summary(engine, "m1", threshold=3)
    assert summary.count == 3 and not summary.withheld
    by_item = {item.item: item for item in summary.items}
    assert [item.item for item in summary.items] == list(survey.ITEMS)
    assert by_item["objectives"].mean == pytest.approx(13 / 3)
    assert by_item["objectives"].distribution == {1: 0, 2: 0, 3: 0, 4: 2, 5: 1}
    assert by_item["relevance"].mean == pytest.approx(3.0)
    assert by_item["relevance"].distribution == {1: 1, 2: 0, 3: 0, 4: 2, 5: 0}
    assert by_item["clarity"].mean == pytest.approx(4.0)
    assert by_item["assessment"].distribution == {1: 0, 2: 0, 3: 3, 4: 0, 5: 0}
    assert all(item.count == 3 for item in summary.items)
    assert summary.comments == ("Cas cliniques très utiles.", "Trop court.")  # alphabetical, no date


def test_the_threshold_is_a_setting_never_below_two(monkeypatch: pytest.MonkeyPatch) -> None:
    assert survey.min_respondents() == 5
    monkeypatch.setenv(survey.MIN_RESPONDENTS_ENV, "8")
    assert survey.min_respondents() == 8
    monkeypatch.setenv(survey.MIN_RESPONDENTS_ENV, "1")
    assert survey.min_respondents() == 2
    monkeypatch.setenv(survey.MIN_RESPONDENTS_ENV, "beaucoup")
    assert survey.min_respondents() == 5


def test_comments_come_in_alphabetical_order_whatever_their_date(engine: Engine) -> None:
    written = ["zèbre : trop long", "Bien", "assez clair", "Moyen", "", "Clair"]
    for i, comment in enumerate(written):
        user_id = passed_learner(engine, email=f"c{i}@example.org")
        survey.save_evaluation(engine, user_id, "m1", GOOD, comment, now=T0 + timedelta(days=i))
    summary = survey.module_survey_summary(engine, "m1")
    assert summary.count == 6 and not summary.withheld
    assert summary.comments == ("assez clair", "Bien", "Clair", "Moyen", "zèbre : trop long")


def test_an_empty_summary(engine: Engine) -> None:
    summary = survey.module_survey_summary(engine, "m1")
    assert (summary.count, summary.comments) == (0, ())
    assert all(item.count == 0 and item.mean is None and sum(item.distribution.values()) == 0
               for item in summary.items)


# --- the form on the Module page -------------------------------------------------------------------


def module_page(app_env: Engine, *, passed: bool):
    module = load_catalog(PROJECT_ROOT / "content").module(MODULE)
    account = make_account(app_env, "learner")
    if passed:
        take_quiz(app_env, account.id, MODULE, module.quiz)
    at = open_page("pages/2_module.py", auth.create_session(app_env, account.id), {"module": MODULE})
    assert not at.exception
    return at, account.id


def test_a_passed_module_shows_the_survey_and_stores_it(app_env: Engine) -> None:
    at, user_id = module_page(app_env, passed=True)
    assert t("survey.title") in [node.value for node in at.subheader]
    for item, value in GOOD.items():
        at.radio(key=f"survey:{MODULE}:{item}").set_value(value)
    at.text_area(key=f"survey:{MODULE}:comment").input("Très bon module.")
    next(b for b in at.button if b.label == t("survey.submit")).click().run()
    assert not at.exception
    stored = survey.evaluation_for(app_env, user_id, MODULE)
    assert stored is not None and (stored.answers, stored.comment) == (GOOD, "Très bon module.")
    assert t("survey.thanks") in texts(at, "success")
    assert t("survey.title") not in [node.value for node in at.subheader]


def test_a_missing_answer_is_shown_next_to_its_item(app_env: Engine) -> None:
    at, user_id = module_page(app_env, passed=True)
    for item, value in GOOD.items():
        if item != "clarity":
            at.radio(key=f"survey:{MODULE}:{item}").set_value(value)
    next(b for b in at.button if b.label == t("survey.submit")).click().run()
    assert texts(at, "error") == [t("survey.error_required")]
    assert survey.evaluation_for(app_env, user_id, MODULE) is None


def test_no_survey_before_the_module_is_passed(app_env: Engine) -> None:
    at, _ = module_page(app_env, passed=False)
    assert t("survey.title") not in [node.value for node in at.subheader]
    assert t("survey.submit") not in [b.label for b in at.button]
