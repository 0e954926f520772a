"""Spaced review: cards from missed quiz answers, FSRS scheduling with a fixed clock, due lists and forecast."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from apptest_support import make_account
from sqlalchemy import Engine, func, select

import quiz
from academy.i18n import STRINGS
from academy.learning import progress, review
from academy.learning.review import Rating
from academy.store.models import ReviewCard

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)

QUIZ = """---
pass_mark: 0.6
---

## Apprentissage {#q1 .qru}

Quelle proposition définit le mieux l'apprentissage automatique ?

- [ ] Un programme dont toutes les règles sont écrites à la main.
- [x] Un programme qui ajuste ses paramètres à partir d'exemples.

## Bonnes pratiques {#q2 .qrm points=2}

Quelles attitudes sont adaptées ?

- [x] Vérifier la sortie avant de l'intégrer au dossier.
- [x] Informer le patient de l'usage de l'outil.
- [ ] Accepter la sortie sans relecture.

## Sigle {#q3 .qroc}

Quel sigle désigne le règlement européen sur la protection des données ?

- [x] RGPD

## Étapes {#q4 .ordre}

Remettez les étapes dans l'ordre.

1. Collecter
2. Annoter
3. Entraîner
4. Évaluer

## Paires {#q5 .association}

Associez.

- Radiologie => Image
- Cardiologie => Signal
- => Texte
"""
ALL_RIGHT = {"q1": "b", "q2": ["a", "b"], "q3": "RGPD"}
MISSES = {"q1": "b", "q2": ["a"], "q3": "CNIL"}  # q1 right, q2 partial (0.5), q3 wrong

QZ = quiz.parse(QUIZ)


def take_quiz(engine: Engine, user_id: int, module_id: str, qz: quiz.Quiz, answers: dict[str, Any],
              at: datetime, kind: str = "post") -> int:
    """Start, answer and submit an attempt at time `at` (q4 and q5 are left out of the layout)."""
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id=module_id, kind=kind, quiz=qz,
                                        start_token=f"{user_id}-{module_id}-{kind}-{at.isoformat()}",
                                        layout={"questions": list(answers), "options": {}}, now=at)
    for question_id, response in answers.items():
        progress.save_answer(engine, attempt_id, question_id, response, now=at)
    progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6, now=at)
    return attempt_id


def cards(engine: Engine, user_id: int) -> dict[tuple[str, str], ReviewCard]:
    with engine.connect() as connection:
        rows = connection.execute(select(ReviewCard).where(ReviewCard.user_id == user_id)).all()
    return {(row.module_id, row.question_id): row for row in rows}


def card_id(engine: Engine, user_id: int, module_id: str, question_id: str) -> int:
    return cards(engine, user_id)[(module_id, question_id)].id


@pytest.fixture
def learner(engine: Engine) -> int:
    return make_account(engine, "learner").id


def test_cards_are_made_only_for_missed_and_partial_answers(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    assert review.sync_cards(engine, learner) == 2
    made = cards(engine, learner)
    assert set(made) == {("m1", "q2"), ("m1", "q3")}
    q3 = made[("m1", "q3")]
    # The quiz answer is the first review, rated Again: due after FSRS's first learning step (1 minute).
    assert q3.due_at == T0 + timedelta(minutes=1)
    assert q3.last_review_at == T0
    assert q3.question_hash == QZ.question("q3").hash
    assert q3.state["log"] == [{"at": T0.isoformat(), "rating": 1, "fraction": 0.0,
                                "question_hash": QZ.question("q3").hash, "source": "quiz"}]
    assert made[("m1", "q2")].state["log"][0]["fraction"] == 0.5


def test_an_all_right_attempt_makes_no_card(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, ALL_RIGHT, T0)
    assert review.sync_cards(engine, learner) == 0
    assert cards(engine, learner) == {}


def test_a_lower_threshold_keeps_partial_answers_out(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    assert review.sync_cards(engine, learner, threshold=0.5) == 1
    assert set(cards(engine, learner)) == {("m1", "q3")}


def test_card_creation_is_idempotent(engine: Engine, learner: int) -> None:
    attempt_id = take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    assert review.cards_from_attempt(engine, attempt_id) == 2
    before = {key: (row.id, row.state, row.due_at) for key, row in cards(engine, learner).items()}
    assert review.cards_from_attempt(engine, attempt_id) == 0
    assert review.sync_cards(engine, learner) == 0
    assert {key: (row.id, row.state, row.due_at) for key, row in cards(engine, learner).items()} == before
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ReviewCard)).scalar() == 2


def test_unsubmitted_and_unknown_attempts_make_no_card(engine: Engine, learner: int) -> None:
    attempt_id = progress.start_attempt(engine, user_id=learner, module_id="m1", kind="post", quiz=QZ,
                                        start_token="open", now=T0)
    progress.save_answer(engine, attempt_id, "q3", "CNIL", now=T0)
    assert review.cards_from_attempt(engine, attempt_id) == 0
    assert review.cards_from_attempt(engine, 999_999) == 0
    assert review.sync_cards(engine, learner) == 0


def test_cards_from_attempt_reads_that_attempt_only(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, {"q1": "a"}, T0, kind="pre")
    second = take_quiz(engine, learner, "m1", QZ, MISSES, T0 + DAY)
    assert review.cards_from_attempt(engine, second) == 2
    assert set(cards(engine, learner)) == {("m1", "q2"), ("m1", "q3")}
    # The pre-test is not graded: its missed q1 makes no card, on this sync or any other.
    assert review.sync_cards(engine, learner) == 0
    assert set(cards(engine, learner)) == {("m1", "q2"), ("m1", "q3")}


def test_a_card_enters_on_a_graded_miss_and_leaves_when_the_latest_graded_attempt_is_right(
        engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, {"q1": "a", "q2": ["a"], "q3": "CNIL"}, T0, kind="pre")
    assert review.sync_cards(engine, learner) == 0  # pre-test misses: no card
    take_quiz(engine, learner, "m1", QZ, MISSES, T0 + DAY)
    assert review.sync_cards(engine, learner) == 2
    assert set(cards(engine, learner)) == {("m1", "q2"), ("m1", "q3")}
    take_quiz(engine, learner, "m1", QZ, {"q1": "b", "q2": ["a", "b"], "q3": "RGPD"}, T0 + 2 * DAY)
    assert review.sync_cards(engine, learner) == 2  # both right now: both cards leave the queue
    assert cards(engine, learner) == {}
    assert review.sync_cards(engine, learner) == 0  # and stay out (the older misses are not replayed)
    take_quiz(engine, learner, "m1", QZ, {"q1": "a", "q2": ["a", "b"], "q3": "RGPD"}, T0 + 3 * DAY)
    assert review.sync_cards(engine, learner) == 1  # missed again: a new card
    assert set(cards(engine, learner)) == {("m1", "q1")}
    assert len(cards(engine, learner)[("m1", "q1")].state["log"]) == 1


def test_two_attempts_before_a_sync_apply_only_the_latest(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    take_quiz(engine, learner, "m1", QZ, {"q1": "b", "q2": ["a", "b"], "q3": "CNIL"}, T0 + DAY)
    assert review.sync_cards(engine, learner) == 1
    made = cards(engine, learner)
    assert set(made) == {("m1", "q3")}
    assert [entry["at"] for entry in made[("m1", "q3")].state["log"]] == [(T0 + DAY).isoformat()]


def test_missing_a_question_again_is_one_more_review(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    review.sync_cards(engine, learner)
    take_quiz(engine, learner, "m1", QZ, {"q1": "b", "q2": ["a", "b"], "q3": "CNIL"}, T0 + DAY)
    assert review.sync_cards(engine, learner) == 2
    made = cards(engine, learner)
    assert [entry["at"] for entry in made[("m1", "q3")].state["log"]] == [T0.isoformat(), (T0 + DAY).isoformat()]
    assert made[("m1", "q3")].due_at == T0 + DAY + timedelta(minutes=1)
    assert ("m1", "q2") not in made  # answered right the second time: out of the queue


def review_at(engine: Engine, user_id: int, rating: Rating | None, *, response: Any = "RGPD",
              at: datetime = T0 + DAY) -> review.ReviewOutcome:
    return review.record_review(engine, card_id(engine, user_id, "m1", "q3"), user_id, response=response,
                                quiz_question=QZ.question("q3"), rating=rating, now=at)


def test_due_dates_move_with_ratings(engine: Engine, learner: int) -> None:
    # The same missed question in four modules: four cards with the same history, each given one rating.
    outcomes = {}
    for rating in Rating:
        take_quiz(engine, learner, f"m{int(rating)}", QZ, MISSES, T0)
    review.sync_cards(engine, learner)
    for rating in Rating:
        card = card_id(engine, learner, f"m{int(rating)}", "q3")
        outcomes[rating] = review.record_review(engine, card, learner, response="RGPD",
                                                quiz_question=QZ.question("q3"), rating=rating, now=T0 + DAY)
        assert cards(engine, learner)[(f"m{int(rating)}", "q3")].due_at == outcomes[rating].due_at
    dues = [outcomes[rating].due_at for rating in Rating]
    assert dues == sorted(dues) and len(set(dues)) == 4  # Again < Hard < Good < Easy
    assert outcomes[Rating.Again].due_at == T0 + DAY + timedelta(minutes=1)
    assert outcomes[Rating.Good].due_at == T0 + DAY + timedelta(minutes=10)
    assert outcomes[Rating.Easy].due_at >= T0 + 2 * DAY
    assert outcomes[Rating.Easy].state == review.State.Review


def test_a_wrong_or_missing_answer_is_rated_again_whatever_the_learner_says(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    review.sync_cards(engine, learner)
    wrong = review_at(engine, learner, Rating.Easy, response="CNIL")
    assert (wrong.rating, wrong.fraction) == (Rating.Again, 0.0)
    blank = review_at(engine, learner, Rating.Good, response=None, at=wrong.due_at)
    assert blank.rating == Rating.Again
    log = cards(engine, learner)[("m1", "q3")].state["log"]
    assert [(entry["source"], entry["rating"]) for entry in log] == [("quiz", 1), ("review", 1), ("review", 1)]


def test_a_partly_right_review_is_rated_again(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    review.sync_cards(engine, learner)
    outcome = review.record_review(engine, card_id(engine, learner, "m1", "q2"), learner, response=["a"],
                                   quiz_question=QZ.question("q2"), rating=Rating.Good, now=T0 + DAY)
    assert (outcome.rating, outcome.fraction) == (Rating.Again, 0.5)


def test_a_right_answer_is_rated_good_by_default(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    review.sync_cards(engine, learner)
    outcome = review_at(engine, learner, None)
    assert (outcome.rating, outcome.fraction) == (Rating.Good, 1.0)


def test_reviews_that_are_refused_change_nothing(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    review.sync_cards(engine, learner)
    other = make_account(engine, "learner", email="other@example.org").id
    with pytest.raises(review.CardNotDueError):
        review_at(engine, learner, Rating.Good, at=T0)  # due at T0 + 1 min
    with pytest.raises(review.CardNotFoundError):  # another learner's card
        review.record_review(engine, card_id(engine, learner, "m1", "q3"), other, response="RGPD",
                             quiz_question=QZ.question("q3"), now=T0 + DAY)
    with pytest.raises(ValueError, match="not 'q1'"):
        review.record_review(engine, card_id(engine, learner, "m1", "q3"), learner, response="b",
                             quiz_question=QZ.question("q1"), now=T0 + DAY)
    with pytest.raises(ValueError, match="unknown rating"):
        review_at(engine, learner, 7)
    assert len(cards(engine, learner)[("m1", "q3")].state["log"]) == 1
    review_at(engine, learner, Rating.Good)
    with pytest.raises(review.CardNotDueError):  # a double click
        review_at(engine, learner, Rating.Good)
    assert len(cards(engine, learner)[("m1", "q3")].state["log"]) == 2


def test_an_edited_question_restarts_its_card(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    review.sync_cards(engine, learner)
    first = review_at(engine, learner, Rating.Easy)
    edited = quiz.parse(QUIZ.replace("Quel sigle désigne", "Quel sigle français désigne")).question("q3")
    assert edited.hash != QZ.question("q3").hash
    later = first.due_at
    outcome = review.record_review(engine, card_id(engine, learner, "m1", "q3"), learner, response="RGPD",
                                   quiz_question=edited, rating=Rating.Good, now=later)
    # A new card rated Good moves to the second learning step, whatever the old card's stability.
    assert outcome.due_at == later + timedelta(minutes=10)
    card = cards(engine, learner)[("m1", "q3")]
    assert card.question_hash == edited.hash
    assert [entry["question_hash"] for entry in card.state["log"]][-1] == edited.hash


def test_missing_an_edited_question_restarts_its_card(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    review.sync_cards(engine, learner)
    review_at(engine, learner, Rating.Easy)
    edited_quiz = quiz.parse(QUIZ.replace("Quel sigle désigne", "Quel sigle français désigne"))
    take_quiz(engine, learner, "m1", edited_quiz, {"q3": "CNIL"}, T0 + 30 * DAY)
    assert review.sync_cards(engine, learner) == 1
    card = cards(engine, learner)[("m1", "q3")]
    assert card.question_hash == edited_quiz.question("q3").hash
    assert card.due_at == T0 + 30 * DAY + timedelta(minutes=1)
    assert card.state["card"]["stability"] == review.SCHEDULER.parameters[0]  # a new card's, after Again


def module(module_id: str, qz: quiz.Quiz | None) -> Any:
    """A stand-in for a catalogue module: review only reads its id and quiz."""
    return SimpleNamespace(id=module_id, quiz=qz)


def test_due_cards_and_count_across_modules(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    take_quiz(engine, learner, "m2", QZ, {"q1": "a"}, T0 + timedelta(hours=1))
    review.sync_cards(engine, learner)
    now = T0 + DAY
    assert review.due_count(engine, learner, now=now) == 3
    due = review.due_cards(engine, learner, now=now)
    assert [(c.module_id, c.question_id) for c in due][-1] == ("m2", "q1")  # latest due last
    assert [c.last_review_at for c in due] == [T0, T0, T0 + timedelta(hours=1)]
    assert review.due_cards(engine, learner, now=now, limit=1)[0].module_id == "m1"
    assert review.due_count(engine, learner, now=T0) == 0  # nothing due before the first minute
    assert review.due_count(engine, learner, now=now, catalog_modules=[module("m1", QZ), module("m2", QZ)]) == 3
    # Cards of a module no longer in the catalogue, or of a removed question, are kept but not served.
    without_q3 = quiz.parse(QUIZ.split("## Sigle")[0])
    shown = [module("m1", without_q3)]
    assert review.due_count(engine, learner, now=now, catalog_modules=shown) == 1
    assert [c.question_id for c in review.due_cards(engine, learner, now=now, catalog_modules=shown)] == ["q2"]
    assert review.due_count(engine, learner, now=now, catalog_modules=[module("m1", None)]) == 0
    assert review.due_count(engine, learner, now=now) == 3


def test_upcoming_forecast_and_next_due(engine: Engine, learner: int) -> None:
    assert review.next_due(engine, learner) is None
    take_quiz(engine, learner, "m1", QZ, MISSES, T0)
    review.sync_cards(engine, learner)
    easy = review.record_review(engine, card_id(engine, learner, "m1", "q3"), learner, response="RGPD",
                                quiz_question=QZ.question("q3"), rating=Rating.Easy, now=T0 + DAY)
    assert review.next_due(engine, learner) == T0 + timedelta(minutes=1)  # q2, overdue
    forecast = review.upcoming(engine, learner, now=T0 + DAY)
    assert len(forecast) == 14 and forecast[0].day == date(2026, 3, 3)
    assert forecast[0].count == 1  # q2, overdue, counts today
    easy_day = (easy.due_at.date() - date(2026, 3, 3)).days
    assert forecast[easy_day].count == 1
    assert sum(day.count for day in forecast) == 2
    chart = review.forecast_chart(forecast, "fr").to_dict()
    assert chart["mark"]["type"] == "bar"
    assert [row["count"] for row in chart["datasets"][next(iter(chart["datasets"]))]] == [d.count for d in forecast]


def test_upcoming_counts_days_in_the_viewer_time_zone(engine: Engine, learner: int) -> None:
    take_quiz(engine, learner, "m1", QZ, {"q3": "CNIL"}, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    review.sync_cards(engine, learner)
    now = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert [d.count for d in review.upcoming(engine, learner, now=now, days=2)] == [1, 0]  # 23:31 UTC on the 2nd
    paris = review.viewer_timezone("Europe/Paris")
    assert [d.count for d in review.upcoming(engine, learner, now=now, days=2, tz=paris)] == [0, 1]  # 00:31 on the 3rd


def test_viewer_timezone_falls_back_to_paris() -> None:
    assert review.viewer_timezone("America/Montreal").key == "America/Montreal"
    assert review.viewer_timezone(None).key == review.DEFAULT_TIMEZONE
    assert review.viewer_timezone("Not/AZone").key == review.DEFAULT_TIMEZONE


def test_display_order_never_gives_the_answer_away() -> None:
    ordering, pairs = QZ.question("q4"), QZ.question("q5")
    for seed in range(50):
        order, _ = review.display_order(ordering, seed)
        assert sorted(order) == ["a", "b", "c", "d"] and order != ["a", "b", "c", "d"]
        _, rights = review.display_order(pairs, seed)
        assert sorted(rights) == sorted(pairs.match_choices)
    assert review.display_order(ordering, 3) == review.display_order(ordering, 3)
    assert review.display_order(QZ.question("q1"), 3) == (["a", "b"], [])


def test_every_rating_is_labelled_in_both_locales() -> None:
    for rating in Rating:
        for key in (f"review.rating.{int(rating)}", f"review.rating_help.{int(rating)}"):
            assert set(STRINGS[key]) == {"fr", "en"}
