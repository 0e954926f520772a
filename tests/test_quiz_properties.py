"""Property tests: the parser fails only with QuizFormatError, grading always lands in [0, 1]."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quiz
from quiz import Question

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "quiz-format.md").read_text(encoding="utf-8")
EXAMPLE = re.search(r"```markdown\n(.*?)\n```", DOC, re.S).group(1) + "\n"  # type: ignore[union-attr]
COMPLETE = (Path(__file__).resolve().parent / "fixtures" / "quizzes" / "complete.md").read_text(encoding="utf-8")
VALID_TEXTS = [EXAMPLE, COMPLETE, "---\nshuffle: true\n---\n" + EXAMPLE]
QUESTIONS: list[Question] = [q for text in VALID_TEXTS[:2] for q in quiz.parse(text).questions]

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments that matter to the parser, so mutations reach its corners rather than only plain text.
FRAGMENTS = ["\n", "\r\n", "\r", "\t", " ", "{", "}", "{#", " .qru", " .dp", "#", "## ", "# ", "- [x] ", "- [ ] ",
             "- ", "1. ", "> ", "  > ", "=>", "---\n", "```\n", "~~~", "{panel=", "{tolerance=", "{.indispensable}",
             "{.inacceptable}", "points=", "objective=", "/(/", "\ufeff", "\x00", "é", "9" * 30, "&a ", "*a", ": "]


def assert_only_format_errors(text: str) -> None:
    try:
        result = quiz.parse(text, source="fuzz.md")
    except quiz.QuizFormatError as exc:
        assert exc.errors, "a QuizFormatError always lists at least one issue"
        for issue in exc.errors:
            assert issue.line >= 1 and issue.message and issue.source == "fuzz.md"
    else:
        assert isinstance(result, quiz.Quiz)
        assert result.questions


@FAST
@given(st.text(max_size=400))
def test_arbitrary_text_raises_only_quiz_format_error(text: str) -> None:
    assert_only_format_errors(text)


@FAST
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60))
def test_fragment_soup_raises_only_quiz_format_error(parts: list[str]) -> None:
    assert_only_format_errors("".join(parts))


@st.composite
def mutated_quiz(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(VALID_TEXTS)).split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "edit", "truncate"]))
        at = draw(st.integers(min_value=0, max_value=max(0, len(lines) - 1)))
        if not lines:
            lines = [""]
        if operation == "delete" and len(lines) > 1:
            del lines[at]
        elif operation == "duplicate":
            lines.insert(at, lines[at])
        elif operation == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == "insert":
            lines.insert(at, draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20))))
        elif operation == "edit":
            line = lines[at]
            cut = draw(st.integers(min_value=0, max_value=len(line)))
            fragment = draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)))
            lines[at] = line[:cut] + fragment + line[cut + draw(st.integers(min_value=0, max_value=3)) :]
        else:
            lines = lines[: at + 1]
    return "\n".join(lines)


@FAST
@given(mutated_quiz())
def test_mutated_quiz_raises_only_quiz_format_error(text: str) -> None:
    assert_only_format_errors(text)


# --- grading --------------------------------------------------------------------------------------

OPTION_IDS = st.sampled_from(["a", "b", "c", "d", "e", "f", "aa", "zz", "", "A"])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-3, max_value=3),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), st.binary(max_size=8),
    st.sampled_from(["42,5", "42.5", " 43 ", "1e999", "RGPD", "cnil", "Images médicales", "-0"]), OPTION_IDS,
)
ANY_RESPONSE = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.tuples(children, children),
        st.sets(OPTION_IDS),
        st.frozensets(OPTION_IDS),
        st.dictionaries(st.one_of(OPTION_IDS, st.text(max_size=4)), children, max_size=5),
    ),
    max_leaves=12,
)


@st.composite
def shaped_response(draw: st.DrawFn, q: Question) -> Any:
    """Responses of the right shape for the question, right or wrong."""
    ids = [o.id for o in q.options]
    choices = [*q.match_choices, "autre"]
    return draw(
        st.one_of(
            st.sampled_from(ids),
            st.lists(st.sampled_from([*ids, "zz"]), max_size=len(ids) + 2),
            st.permutations(ids),
            st.dictionaries(st.sampled_from([*ids, "zz"]), st.sampled_from(choices), max_size=len(ids) + 1),
            st.integers(min_value=-3, max_value=3),
            st.sampled_from([o.text for o in q.options] + [o.match for o in q.options]),
        )
    )


@FAST
@given(st.sampled_from(QUESTIONS), st.data())
def test_any_response_grades_to_a_fraction(q: Question, data: st.DataObject) -> None:
    response = data.draw(st.one_of(ANY_RESPONSE, shaped_response(q)))
    fraction = quiz.grade(q, response)
    assert isinstance(fraction, float) and 0.0 <= fraction <= 1.0
    feedback = quiz.feedback_for(q, response)
    assert isinstance(feedback, list) and all(isinstance(text, str) and text for text in feedback)
    for certainty in (1, 2, 3):
        assert -6.0 <= quiz.certainty_mark(fraction, certainty) <= 3.0


@FAST
@given(mutated_quiz(), st.data())
def test_every_quiz_that_parses_grades_any_response(text: str, data: st.DataObject) -> None:
    try:
        parsed = quiz.parse(text)
    except quiz.QuizFormatError:
        return
    for q in parsed.questions:
        response = data.draw(st.one_of(ANY_RESPONSE, shaped_response(q)))
        assert 0.0 <= quiz.grade(q, response) <= 1.0
        assert isinstance(quiz.correct_answer_text(q), str)


def correct_response(q: Question) -> Any:
    options = q.options
    if q.type == "qru":
        return next(o.id for o in options if o.correct)
    if q.type == "qrm":
        return [o.id for o in options if o.correct]
    if q.type == "qroc":
        return next(o.text for o in options if o.correct and not o.text.startswith("/"))
    if q.type == "numerique":
        return options[0].text
    if q.type == "ordre":
        return [o.id for o in options]
    if q.type == "association":
        return {o.id: o.match for o in options if o.text}
    if q.type == "zone":
        return [[(z.coords[0] + z.coords[2]) / 2, (z.coords[1] + z.coords[3]) / 2] for z in q.zones]
    return next(o.value for o in options if o.correct)


def test_the_correct_answer_of_every_example_question_scores_one() -> None:
    for q in QUESTIONS:
        assert quiz.grade(q, correct_response(q)) == 1.0, q.id


@FAST
@given(st.sampled_from([q for q in QUESTIONS if q.type == "ordre"]), st.data())
def test_partial_ordering_credit_is_monotonic_in_pairs(q: Question, data: st.DataObject) -> None:
    order = data.draw(st.permutations([o.id for o in q.options]))
    fraction = quiz.grade(q, order)
    expected = [o.id for o in q.options]
    pairs = [(x, y) for i, x in enumerate(expected) for y in expected[i + 1 :]]
    discordant = sum(order.index(x) > order.index(y) for x, y in pairs)
    assert abs(fraction - (1 - discordant / len(pairs))) < 1e-12
