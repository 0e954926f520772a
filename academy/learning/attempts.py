"""What an attempt shows and how its outcome reads: layouts, case order, policies, certainty feedback.

A layout is a plain JSON-able dict stored with the attempt, so a refresh or a resumed session shows
exactly the same attempt:

    {"questions": ["q1", "dp-1", "dp-2", …], "options": {"q1": ["b", "a", "c"], …},
     "rights": {"assoc": ["right texts in display order"]}, "cases": {"dp": ["dp-1", "dp-2"]}}

``cases`` lists each drawn progressive case's questions in order: the store then accepts an answer to a
case question only once the earlier ones are locked (one question at a time).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import quiz
from quiz import Case, Question, Quiz, QuizSettings

# Display order must never give the answer away: an ordering question is always shuffled, and the
# right-hand column of a matching question is always shuffled.
_ALWAYS_SHUFFLED = {"ordre"}
_SHUFFLED_ON_REQUEST = {"qru", "qrm"}
_EPSILON = 1e-9


def build_layout(qz: Quiz, seed: int, *, draw: bool = True) -> dict[str, Any]:
    """Draw the questions and fix each question's option order for one attempt, from `seed`.

    With `draw=False` every question is asked whatever the quiz's `draw` (the pre-test asks them all,
    so that each certifying attempt's items have a pre-test counterpart).
    """
    rng = random.Random(seed)
    drawn = [[question.id for question in unit] for unit in qz.draw_units()]
    count = qz.settings.draw if draw else 0
    if count and count < len(drawn):
        kept = sorted(rng.sample(range(len(drawn)), count))
        drawn = [drawn[i] for i in kept]
    question_ids = [qid for unit in drawn for qid in unit]
    options: dict[str, list[str]] = {}
    for qid in question_ids:
        question = qz.question(qid)
        ids = [option.id for option in question.options]
        if question.type in _ALWAYS_SHUFFLED or (qz.settings.shuffle and question.type in _SHUFFLED_ON_REQUEST):
            rng.shuffle(ids)
            if question.type in _ALWAYS_SHUFFLED and len(ids) > 1 and ids == sorted(ids):
                ids = ids[1:] + ids[:1]  # never show an ordering question already in order
        options[qid] = ids
    rights = {qid: _shuffled_rights(qz.question(qid), rng) for qid in question_ids
              if qz.question(qid).type == "association"}
    drawn_ids = set(question_ids)
    cases = {case.id: list(case.question_ids) for case in qz.cases if drawn_ids.intersection(case.question_ids)}
    return {"questions": question_ids, "options": options, "rights": rights, "cases": cases}


def _shuffled_rights(question: Question, rng: random.Random) -> list[str]:
    rights = list(question.match_choices)
    rng.shuffle(rights)
    return rights


def layout_questions(qz: Quiz, layout: dict[str, Any]) -> list[Question]:
    """The questions of a layout that still exist in the quiz, in layout order."""
    known = {question.id: question for question in qz.questions}
    return [known[qid] for qid in layout.get("questions", []) if qid in known]


def is_answered(question: Question, response: Any) -> bool:
    """True when `response` holds an actual, usable answer for `question`: blank text, nothing, an ordering
    with gaps and an answer with a :func:`quiz.response_problem` are not."""
    if response is None or quiz.response_problem(question, response) is not None:
        return False
    if isinstance(response, list) and all(item is None for item in response):
        return False
    if isinstance(response, str):
        return bool(response.strip())
    if isinstance(response, list | tuple | set | dict):
        return len(response) > 0
    return True


def is_blank(response: Any) -> bool:
    """True when a response holds nothing at all (None, blank text, an empty collection, only empty slots)."""
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    if isinstance(response, list | tuple | set | dict):
        return len(response) == 0 or (isinstance(response, list | tuple) and all(x is None for x in response))
    return False


def zone_after_click(points: Sequence[Sequence[float]], click: tuple[float, float], *, several: bool,
                     touch: float) -> list[list[float]]:
    """A zone question's points after a click at `click` (image pixels).

    One zone: the click is the point. Several: a click within `touch` pixels of a point removes that point,
    anywhere else it adds one (up to `quiz.grading.MAX_ZONE_POINTS`).
    """
    x, y = round(click[0], 1), round(click[1], 1)
    if not several:
        return [[x, y]]
    kept = [list(point) for point in points if (point[0] - x) ** 2 + (point[1] - y) ** 2 > touch ** 2]
    if len(kept) < len(points):
        return kept
    return [*kept, [x, y]][: quiz.grading.MAX_ZONE_POINTS]


@dataclass(frozen=True)
class SummaryRow:
    """One question on an attempt's summary: its number, whether it counts as answered, its flag."""

    number: int
    question: Question
    status: str  # "answered" | "unanswered" | "invalid" (an answer that cannot count, see quiz.response_problem)
    flagged: bool


def summary_rows(questions: Iterable[Question], answers: dict[str, Any], flagged: Iterable[str]) -> list[SummaryRow]:
    """The summary of an attempt before submission, question by question, in the order asked."""
    marked = set(flagged)
    rows = []
    for number, question in enumerate(questions, 1):
        response = answers.get(question.id)
        if is_answered(question, response):
            status = "answered"
        elif not is_blank(response) and quiz.response_problem(question, response) is not None:
            status = "invalid"
        else:
            status = "unanswered"
        rows.append(SummaryRow(number, question, status, question.id in marked))
    return rows


def missing(questions: Iterable[Question], answers: dict[str, Any], certainties: dict[str, int]) -> tuple[int, int]:
    """(questions without an answer, answers without a certainty) among `questions` of an attempt."""
    unanswered = without_certainty = 0
    for question in questions:
        if not is_answered(question, answers.get(question.id)):
            unanswered += 1
        elif question.id not in certainties:
            without_certainty += 1
    return unanswered, without_certainty


# --- progressive cases -----------------------------------------------------------------------------


def layout_cases(qz: Quiz, layout: dict[str, Any]) -> dict[str, list[str]]:
    """The attempt's progressive cases, {case id: question ids in order}; derived from the quiz for a
    layout stored without them."""
    cases = layout.get("cases")
    if isinstance(cases, dict):
        return cases
    asked = set(layout.get("questions", []))
    return {
        case.id: [qid for qid in case.question_ids if qid in asked]
        for case in qz.cases
        if asked.intersection(case.question_ids)
    }


def current_case_question(case_questions: Sequence[str], locked: Iterable[str]) -> str | None:
    """The case question the learner is on: the first one not locked (None once all are locked)."""
    done = set(locked)
    return next((qid for qid in case_questions if qid not in done), None)


@dataclass(frozen=True)
class CaseStep:
    """A progressive case as the page shows it now: its locked questions (read-only) and the current one.

    `current` is None once every question is locked; `last` says the current question ends the case.
    The case's later questions stay hidden (their stems may reveal new findings).
    """

    case: Case
    done: tuple[Question, ...]
    current: Question | None
    last: bool


def attempt_steps(qz: Quiz, layout: dict[str, Any], locked: Iterable[str]) -> list[Question | CaseStep]:
    """What an attempt in progress shows, in order: each question outside cases, and each case as a step."""
    done = set(locked)
    cases = layout_cases(qz, layout)
    questions = {question.id: question for question in layout_questions(qz, layout)}
    steps: list[Question | CaseStep] = []
    seen: set[str] = set()
    for question in questions.values():
        case_ids = [qid for qid in cases.get(question.case or "", []) if qid in questions]
        if question.id not in case_ids:
            steps.append(question)
        elif question.case not in seen:
            seen.add(question.case)
            current = current_case_question(case_ids, done)
            steps.append(CaseStep(
                case=qz.case(question.case),
                done=tuple(questions[qid] for qid in case_ids if qid in done),
                current=questions[current] if current else None,
                last=current == case_ids[-1],
            ))
    return steps


# --- attempt policies ------------------------------------------------------------------------------


def attempts_left(settings: QuizSettings, started: int) -> int | None:
    """Certifying attempts the learner may still start (None: unlimited)."""
    if not settings.max_attempts:
        return None
    return max(0, settings.max_attempts - started)


def seconds_left(deadline: datetime | None, now: datetime) -> float | None:
    """Seconds until the attempt's deadline, never negative (None: no time limit)."""
    if deadline is None:
        return None
    return max(0.0, (deadline - now).total_seconds())


def clock(seconds: float) -> str:
    """Seconds as a countdown: `m:ss`, or `h:mm:ss` from one hour."""
    whole = int(seconds + 0.999)  # 0.2 s left still reads 0:01
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def review_items(settings: QuizSettings, kind: str) -> frozenset[str]:
    """What the results screen shows for an attempt of `kind` (see `quiz.model.REVIEW_ITEMS`).

    A pre-test shows at most its score: its items come back in the certifying quiz.
    """
    if kind == "pre":
        return frozenset(settings.review) & {"score"}
    return frozenset(settings.review)


# --- certainty-based marking -----------------------------------------------------------------------

# Above these fractions of right answers a higher certainty pays (f·R[c] + (1−f)·W[c] crosses over).
CERTAINTY_THRESHOLDS = {2: 2 / 3, 3: 0.8}


@dataclass(frozen=True)
class CertaintyOutcome:
    """One answered question under certainty-based marking."""

    question_id: str
    fraction: float
    certainty: int
    mark: float
    best_certainty: int  # the certainty that would have earned the most, for this fraction
    cost: float  # mark lost against the best certainty (0 when the certainty was the best one)

    @property
    def overconfident(self) -> bool:
        return self.cost > _EPSILON and self.best_certainty < self.certainty

    @property
    def underconfident(self) -> bool:
        return self.cost > _EPSILON and self.best_certainty > self.certainty


@dataclass(frozen=True)
class CertaintyLevel:
    """The answers given at one certainty: how many, and their mean fraction (calibration)."""

    certainty: int
    answers: int
    mean_fraction: float | None


@dataclass(frozen=True)
class CertaintyReport:
    """What certainty cost or earned over an attempt: per question, per level, and in total."""

    outcomes: tuple[CertaintyOutcome, ...]
    levels: tuple[CertaintyLevel, ...]

    @property
    def mean_mark(self) -> float | None:
        """The mean certainty mark over the answered questions with a certainty (as stored)."""
        return sum(o.mark for o in self.outcomes) / len(self.outcomes) if self.outcomes else None

    def overconfidence(self, certainty: int) -> tuple[int, float]:
        """Answers given at `certainty` where a lower one would have paid more: (count, marks lost)."""
        hits = [o for o in self.outcomes if o.overconfident and o.certainty == certainty]
        return len(hits), sum(o.cost for o in hits)

    def underconfidence(self) -> tuple[int, float]:
        """Right answers given with too low a certainty: (count, marks not earned)."""
        hits = [o for o in self.outcomes if o.underconfident]
        return len(hits), sum(o.cost for o in hits)


def certainty_outcome(question_id: str, fraction: float, certainty: int) -> CertaintyOutcome:
    """The certainty mark of one answer and what another certainty would have changed."""
    marks = {c: quiz.certainty_mark(fraction, c) for c in (1, 2, 3)}
    best = max(marks.values())
    # The chosen certainty counts as the best when it earned as much as any other (ties included).
    best_certainty = certainty if marks[certainty] >= best - _EPSILON else max(marks, key=lambda c: marks[c])
    return CertaintyOutcome(question_id, fraction, certainty, marks[certainty], best_certainty,
                            max(0.0, best - marks[certainty]))


def certainty_report(responses: Iterable[Any]) -> CertaintyReport:
    """The certainty report of graded responses (objects with `question_id`, `response`, `fraction`,
    `certainty`, such as `progress.QuestionResult`); unanswered questions and answers without certainty
    are left out, as in the stored certainty score."""
    outcomes = tuple(
        certainty_outcome(r.question_id, r.fraction, r.certainty)
        for r in responses
        if r.response is not None and r.certainty in (1, 2, 3)
    )
    levels = []
    for certainty in (1, 2, 3):
        fractions = [o.fraction for o in outcomes if o.certainty == certainty]
        levels.append(CertaintyLevel(certainty, len(fractions), sum(fractions) / len(fractions) if fractions else None))
    return CertaintyReport(outcomes, tuple(levels))
