"""academy.learning.attempts: layouts fixed per attempt, progressive-case order, policies, certainty feedback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

import quiz
from academy.learning.attempts import (
    attempt_steps,
    attempts_left,
    build_layout,
    certainty_outcome,
    certainty_report,
    clock,
    current_case_question,
    layout_cases,
    missing,
    review_items,
    seconds_left,
)

QUIZ = """---
shuffle: true
draw: {draw}
max_attempts: 3
---

## Un {{#q1 .qru objective=1}}

- [x] A
- [ ] B
- [ ] C
- [ ] D

## Deux {{#q2 .qrm}}

- [x] A
- [x] B
- [ ] C
- [ ] D

## Ordre {{#q3 .ordre}}

1. Premier
2. Deuxième
3. Troisième

# Un cas {{#dp .dp}}

La vignette.

## Étape 1 {{#dp-1 .qru}}

- [x] Oui
- [ ] Non

## Étape 2 {{#dp-2 .qru}}

- [x] Oui
- [ ] Non

## Étape 3 {{#dp-3 .qroc}}

- [x] RGPD
"""


def make_quiz(draw: int = 0) -> quiz.Quiz:
    return quiz.parse(QUIZ.format(draw=draw))


def test_a_layout_is_fixed_by_its_seed_and_lists_the_cases_in_order() -> None:
    qz = make_quiz()
    layout = build_layout(qz, seed=42)
    assert layout == build_layout(qz, seed=42)  # a refresh rebuilds nothing: the stored layout is reused
    assert layout["questions"] == ["q1", "q2", "q3", "dp-1", "dp-2", "dp-3"]
    assert layout["cases"] == {"dp": ["dp-1", "dp-2", "dp-3"]}
    assert sorted(layout["options"]["q1"]) == ["a", "b", "c", "d"]
    assert layout["options"]["q3"] != ["a", "b", "c"]  # an ordering question is never shown in order
    shuffled = {tuple(build_layout(qz, seed=seed)["options"]["q1"]) for seed in range(20)}
    assert len(shuffled) > 1


def test_draw_takes_a_case_whole_and_the_pretest_asks_everything() -> None:
    qz = make_quiz(draw=2)
    for seed in range(30):
        layout = build_layout(qz, seed=seed)
        asked = layout["questions"]
        case_part = [qid for qid in asked if qid.startswith("dp-")]
        assert case_part in ([], ["dp-1", "dp-2", "dp-3"])
        assert len(asked) - len(case_part) + (1 if case_part else 0) == 2
        assert layout["cases"] == ({"dp": ["dp-1", "dp-2", "dp-3"]} if case_part else {})
    assert build_layout(qz, seed=1, draw=False)["questions"] == [q.id for q in qz.questions]


def shown(qz: quiz.Quiz, layout: dict, locked: list[str]) -> list[object]:
    """The steps as ids: a question id, or (case id, locked ids, current id, last)."""
    return [
        step.id if isinstance(step, quiz.Question)
        else (step.case.id, [q.id for q in step.done], step.current and step.current.id, step.last)
        for step in attempt_steps(qz, layout, locked)
    ]


def test_a_case_is_shown_one_question_at_a_time() -> None:
    qz = make_quiz()
    layout = build_layout(qz, seed=3)
    assert shown(qz, layout, []) == ["q1", "q2", "q3", ("dp", [], "dp-1", False)]
    assert shown(qz, layout, ["dp-1"]) == ["q1", "q2", "q3", ("dp", ["dp-1"], "dp-2", False)]
    assert shown(qz, layout, ["dp-1", "dp-2"]) == ["q1", "q2", "q3", ("dp", ["dp-1", "dp-2"], "dp-3", True)]
    assert shown(qz, layout, ["dp-1", "dp-2", "dp-3"])[-1] == ("dp", ["dp-1", "dp-2", "dp-3"], None, False)
    assert current_case_question(["dp-1", "dp-2"], ["dp-1"]) == "dp-2"


def test_a_layout_stored_without_cases_gets_them_from_the_quiz() -> None:
    qz = make_quiz()
    old_layout = {"questions": ["q1", "dp-1", "dp-3"], "options": {}}
    assert layout_cases(qz, old_layout) == {"dp": ["dp-1", "dp-3"]}
    assert shown(qz, old_layout, []) == ["q1", ("dp", [], "dp-1", False)]
    assert layout_cases(qz, {"questions": ["q1"]}) == {}


def test_attempt_policies() -> None:
    settings = make_quiz().settings
    assert attempts_left(settings, 0) == 3
    assert attempts_left(settings, 3) == 0
    assert attempts_left(settings, 5) == 0
    assert attempts_left(quiz.QuizSettings(), 10) is None
    now = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert seconds_left(None, now) is None
    assert seconds_left(now + timedelta(minutes=2), now) == 120
    assert seconds_left(now - timedelta(minutes=2), now) == 0
    assert [clock(s) for s in (0, 0.2, 59.5, 61, 3600, 3725)] == ["0:00", "0:01", "1:00", "1:01", "1:00:00",
                                                                   "1:02:05"]


def test_review_items_of_a_pretest_are_the_score_at_most() -> None:
    settings = quiz.QuizSettings(review=("score", "answers", "explanation"))
    assert review_items(settings, "post") == {"score", "answers", "explanation"}
    assert review_items(settings, "pre") == {"score"}
    assert review_items(quiz.QuizSettings(review=("answers",)), "pre") == set()


def test_missing_answers_and_certainties() -> None:
    qz = make_quiz()
    answers = {"q1": "a", "q2": [], "q3": ["b", "a", "c"], "dp-3": "  "}
    assert missing(qz.questions, answers, {"q1": 2}) == (4, 1)


@pytest.mark.parametrize(
    ("fraction", "certainty", "mark", "best", "cost", "over", "under"),
    [
        (0.0, 3, -6.0, 1, 6.0, True, False),  # wrong and very sure: the costliest mistake
        (0.0, 2, -2.0, 1, 2.0, True, False),
        (0.0, 1, 0.0, 1, 0.0, False, False),
        (1.0, 1, 1.0, 3, 2.0, False, True),  # right but unsure: 2 marks left on the table
        (1.0, 3, 3.0, 3, 0.0, False, False),
        (0.8, 2, 1.2, 2, 0.0, False, False),  # at 80 % certainties 2 and 3 tie
        (0.8, 3, 1.2, 3, 0.0, False, False),
        (0.5, 3, -1.5, 1, 2.0, True, False),
    ],
)
def test_certainty_outcome(fraction, certainty, mark, best, cost, over, under) -> None:
    outcome = certainty_outcome("q", fraction, certainty)
    assert outcome.mark == pytest.approx(mark)
    assert outcome.best_certainty == best
    assert outcome.cost == pytest.approx(cost)
    assert (outcome.overconfident, outcome.underconfident) == (over, under)


def test_certainty_report() -> None:
    graded = [
        SimpleNamespace(question_id="a", response="x", fraction=0.0, certainty=3),
        SimpleNamespace(question_id="b", response="x", fraction=0.0, certainty=3),
        SimpleNamespace(question_id="c", response="x", fraction=1.0, certainty=1),
        SimpleNamespace(question_id="d", response="x", fraction=1.0, certainty=3),
        SimpleNamespace(question_id="e", response=None, fraction=0.0, certainty=None),  # unanswered: left out
        SimpleNamespace(question_id="f", response="x", fraction=1.0, certainty=None),  # no certainty: left out
    ]
    report = certainty_report(graded)
    assert [o.question_id for o in report.outcomes] == ["a", "b", "c", "d"]
    assert report.mean_mark == pytest.approx((-6 - 6 + 1 + 3) / 4)
    assert report.overconfidence(3) == (2, pytest.approx(12.0))
    assert report.overconfidence(2) == (0, 0)
    assert report.underconfidence() == (1, pytest.approx(2.0))
    levels = {level.certainty: (level.answers, level.mean_fraction) for level in report.levels}
    assert levels == {1: (1, 1.0), 2: (0, None), 3: (3, pytest.approx(1 / 3))}
    assert certainty_report([]).mean_mark is None
