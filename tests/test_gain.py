"""Knowledge gain: pre-test against certifying attempt, per objective, on the same questions."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

import quiz
from academy.content.catalog import Module, load_catalog
from academy.learning import progress
from academy.learning.gain import attempt_gain, gain_by_objective, gain_chart, gain_frame, gain_report, objective_gains
from academy.learning.progress import PairedItem, PrePostPairs
from academy.learning.responses import correct_response, wrong_response
from academy.store import db
from academy.store.models import User

FIXTURES = Path(__file__).parent / "fixtures" / "content" / "valid"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# The fixture module's quiz: definition (objective 1), pratiques and sigle (objective 2).


@pytest.fixture(scope="module")
def module() -> Module:
    found = load_catalog(FIXTURES).module("bases-ia")
    assert found is not None and found.quiz is not None
    return found


def test_objective_gains_weigh_every_pair(module: Module) -> None:
    items = [
        PairedItem("definition", 2, 0.5, 2.0),
        PairedItem("pratiques", 2, 1.0, 1.5),
        PairedItem("sigle", 2, 0.0, 2.0),
        PairedItem("removed-since", 3, 0.0, 3.0),  # no longer in the quiz: left out
    ]
    report = gain_report(PrePostPairs(tuple(items), learners=2), module)
    first, second = report.objectives
    assert (first.objective, first.label, first.questions, first.pairs) == (1, module.objectives[0], 1, 2)
    assert (first.pre, first.post, first.gain) == (0.25, 1.0, 0.75)
    assert (second.objective, second.questions, second.pairs) == (2, 2, 4)
    assert (second.pre, second.post) == (pytest.approx(0.25), pytest.approx(0.875))
    assert report.overall.pairs == 6
    assert report.overall.pre == pytest.approx(0.25)
    assert report.overall.post == pytest.approx(5.5 / 6)
    assert report.learners == 2


def test_questions_without_objective_come_last(module: Module) -> None:
    text = (FIXTURES / "01-bases-ia" / "quiz.md").read_text(encoding="utf-8").replace(
        "{#sigle .qroc objective=2}", "{#sigle .qroc}")
    edited = dataclasses.replace(module, quiz=quiz.parse(text))
    gains = objective_gains([PairedItem("sigle", 1, 0.0, 1.0), PairedItem("definition", 1, 1.0, 1.0)], edited)
    assert [(row.objective, row.label, row.gain) for row in gains] == [(1, module.objectives[0], 0.0), (None, "", 1.0)]
    assert gain_report(PrePostPairs((), 0), module) == gain_report(PrePostPairs((), 0), edited)
    assert gain_report(PrePostPairs((), 0), module).overall is None


def take(engine: Engine, user_id: int, qz: quiz.Quiz, kind: str, at: datetime, right: set[str]) -> int:
    """An attempt started at `at`, answering the questions in `right` correctly and the others wrongly."""
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id="bases-ia", kind=kind, quiz=qz,
                                        start_token=f"{user_id}-{kind}-{at.isoformat()}", now=at)
    rng = random.Random(0)
    for question in qz.questions:
        response = correct_response(question) if question.id in right else wrong_response(question, rng)
        progress.save_answer(engine, attempt_id, question.id, response, now=at + timedelta(minutes=1))
    progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6, now=at + timedelta(minutes=2))
    return attempt_id


def learner(engine: Engine, name: str) -> int:
    """A learner row (created directly: password hashing would only slow the test down)."""
    with db.write(engine) as session:
        user = User(email=f"{name}@example.org", name=name, password_hash="-", created_at=T0)
        session.add(user)
        session.flush()
        return user.id


def test_gain_pairs_the_first_pretest_with_the_latest_quiz_on_the_same_items(engine: Engine, module: Module) -> None:
    qz = module.quiz
    text = (FIXTURES / "01-bases-ia" / "quiz.md").read_text(encoding="utf-8")
    edited = quiz.parse(text.replace("Quel sigle désigne", "Quel sigle européen désigne"))
    assert edited.question("sigle").hash != qz.question("sigle").hash
    everything = {q.id for q in qz.questions}

    ana, bruno, chloe, david = (learner(engine, name) for name in ("ana", "bruno", "chloe", "david"))
    take(engine, ana, qz, "pre", T0, set())
    take(engine, ana, qz, "pre", T0 + timedelta(hours=1), everything)  # only the first pre-test counts
    first_post = take(engine, ana, qz, "post", T0 + timedelta(days=1), {"definition"})
    take(engine, ana, qz, "post", T0 + timedelta(days=2), everything)
    take(engine, bruno, qz, "pre", T0, {"definition"})  # never took the quiz: no pair
    take(engine, chloe, qz, "post", T0, everything)  # quiz before the pre-test: no pair
    take(engine, chloe, qz, "pre", T0 + timedelta(days=1), set())
    take(engine, david, qz, "pre", T0, set())
    take(engine, david, edited, "post", T0 + timedelta(days=1), everything)  # "sigle" changed in between

    report = gain_by_objective(engine, module)
    assert report.learners == 2
    by_objective = {row.objective: row for row in report.objectives}
    assert (by_objective[1].pairs, by_objective[1].pre, by_objective[1].post) == (2, 0.0, 1.0)
    assert (by_objective[2].questions, by_objective[2].pairs) == (2, 3)  # david's "sigle" is not paired
    assert by_objective[2].gain == pytest.approx(1.0)

    mine = gain_by_objective(engine, module, user_id=ana)
    assert mine.learners == 1 and mine.overall.gain == pytest.approx(1.0)
    at_first_post = attempt_gain(engine, module, first_post)
    assert {row.objective: row.post for row in at_first_post.objectives} == {1: 1.0, 2: 0.0}
    assert gain_by_objective(engine, module, user_id=bruno).objectives == ()
    assert attempt_gain(engine, module, 999_999).overall is None


def test_gain_table_and_chart(module: Module) -> None:
    report = gain_report(PrePostPairs((PairedItem("definition", 1, 0.0, 1.0), PairedItem("sigle", 1, 0.5, 0.5)), 1),
                         module)
    frame = gain_frame(report, "fr")
    assert list(frame.columns) == ["Objectif", "Intitulé", "Pré-test (%)", "Évaluation (%)", "Progression (points)"]
    assert frame.values.tolist() == [["Objectif 1", module.objectives[0], 0, 100, 100],
                                     ["Objectif 2", module.objectives[1], 50, 50, 0]]
    chart = gain_chart(report, "en").to_dict()
    values = chart["datasets"][next(iter(chart["datasets"]))]
    assert [(row["objective"], row["when"], row["score"]) for row in values] == [
        ("Objective 1", "Pre-test", 0), ("Objective 1", "Quiz", 100),
        ("Objective 2", "Pre-test", 50), ("Objective 2", "Quiz", 50)]
