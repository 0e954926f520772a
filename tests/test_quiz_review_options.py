"""The `review` front-matter key: what the results screen shows after an attempt (Moodle's review options)."""

from __future__ import annotations

import pytest

import quiz
from quiz.model import REVIEW_ITEMS

QRU = "## Q {#q1 .qru}\n\n- [x] A\n- [ ] B\n"


def settings_of(front_matter: str) -> quiz.QuizSettings:
    return quiz.parse(f"---\n{front_matter}\n---\n\n{QRU}").settings


def errors_of(front_matter: str) -> list[tuple[int, str]]:
    with pytest.raises(quiz.QuizFormatError) as caught:
        quiz.parse(f"---\npass_mark: 0.6\n{front_matter}\n---\n\n{QRU}", source="quiz.md")
    return [(issue.line, issue.message) for issue in caught.value.errors]


def test_everything_is_shown_by_default() -> None:
    assert REVIEW_ITEMS == ("score", "answers", "correct", "feedback", "explanation")
    assert quiz.parse(QRU).settings.review == REVIEW_ITEMS
    assert settings_of("pass_mark: 0.5").review == REVIEW_ITEMS


@pytest.mark.parametrize(
    ("front_matter", "review"),
    [
        ("review: [explanation, score]", ("score", "explanation")),  # any order, kept in display order
        ("review: [score]", ("score",)),
        ("review: []", ()),
        ("review:\n  - answers\n  - correct\n  - feedback", ("answers", "correct", "feedback")),
        ("review: [score, answers, correct, feedback, explanation]", REVIEW_ITEMS),
    ],
)
def test_review_lists_what_is_shown(front_matter: str, review: tuple[str, ...]) -> None:
    settings = settings_of(front_matter)
    assert settings.review == review
    assert type(settings.review) is tuple


@pytest.mark.parametrize(
    ("front_matter", "fragment"),
    [
        ("review: score", 'review must be a list of what learners see after an attempt, among score, answers, '
                          'correct, feedback, explanation (e.g. `review: [score, explanation]`, or `review: []` '
                          'for nothing), not "score"'),
        ("review: true", "review must be a list"),
        ("review:", "review must be a list"),
        ("review: [score, answer]", 'review: unknown item "answer": allowed items are score, answers, correct'),
        ("review: [score, 3]", "review: unknown item 3"),
        ("review: [[score]]", "review: unknown item […]"),
        ("review: [score, score]", "review: `score` is listed twice"),
    ],
)
def test_a_bad_review_is_reported_at_its_line(front_matter: str, fragment: str) -> None:
    errors = errors_of(front_matter)
    assert [line for line, _ in errors] == [3]
    assert fragment in errors[0][1]


def test_a_bad_review_is_reported_with_the_other_problems() -> None:
    errors = errors_of("review: [marks]\ngrading: best")
    assert [line for line, _ in errors] == [3, 4]
    assert "review: unknown item" in errors[0][1] and "grading must be one of" in errors[1][1]
