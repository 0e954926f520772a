"""Satisfaction survey filled in once a learner has passed a module, summarised for coordinators' reports.

The items are Likert statements rated 1 (strongly disagree) to 5 (strongly agree); their texts are
interface strings ``survey.item.<id>`` and the scale labels ``survey.scale.<n>``. Answers are stored
as ``{item id: score}``, so a later change of the item list never corrupts past evaluations: each
item is summarised over the evaluations that rated it.

One evaluation per learner and module: a second submission is refused
(:class:`AlreadyEvaluatedError`) rather than overwriting the first, so figures already reported never
change behind the coordinators' back, and a double click stores nothing twice. The survey opens only
once the learner has passed the module (:class:`SurveyNotAllowedError` otherwise).

Anonymity: summaries carry no learner identity, and a module's figures and comments are given out only
once at least :func:`min_respondents` learners answered (``ACADEMY_SURVEY_MIN_RESPONDENTS``, default 5,
never below 2): below that, a trainer who knows who passed could tell one learner's answers. Comments
come without their date, in alphabetical order, so that neither when nor in which order they were
written points at anyone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from academy.learning import progress
from academy.store import db
from academy.store.models import Evaluation, User

ITEMS: tuple[str, ...] = ("objectives", "relevance", "clarity", "assessment", "recommend")
SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)
COMMENT_MAX_LENGTH = 2000
MIN_RESPONDENTS_ENV = "ACADEMY_SURVEY_MIN_RESPONDENTS"
DEFAULT_MIN_RESPONDENTS = 5


class SurveyError(Exception):
    """A survey submission that was refused."""


class SurveyValidationError(SurveyError, ValueError):
    """Invalid answers; ``errors`` maps an item id (or ``"comment"``) to the interface string key to show."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(", ".join(f"{field}: {key}" for field, key in self.errors.items()))


class AlreadyEvaluatedError(SurveyError):
    """The learner has already evaluated this module."""


class SurveyNotAllowedError(SurveyError):
    """The learner has not passed the module yet."""


@dataclass(frozen=True)
class EvaluationRecord:
    """One learner's evaluation of a module."""

    id: int
    user_id: int
    module_id: str
    answers: dict[str, int]
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class ItemSummary:
    """One item over a module's evaluations: how many rated it, their mean, how many gave each score."""

    item: str
    count: int
    mean: float | None
    distribution: dict[int, int]


@dataclass(frozen=True)
class SurveySummary:
    """A module's evaluations: how many, each item's figures (in :data:`ITEMS` order) and the comments
    (alphabetical, no date), or — `withheld` — only the count, while fewer than `threshold` learners answered."""

    module_id: str
    count: int
    items: tuple[ItemSummary, ...]
    comments: tuple[str, ...]
    threshold: int = DEFAULT_MIN_RESPONDENTS
    withheld: bool = False


def min_respondents() -> int:
    """How many learners must have answered before a module's survey results are shown (at least 2)."""
    raw = os.environ.get(MIN_RESPONDENTS_ENV, "").strip()
    try:
        value = int(raw) if raw else DEFAULT_MIN_RESPONDENTS
    except ValueError:
        value = DEFAULT_MIN_RESPONDENTS
    return max(2, value)


def validate(answers: Mapping[str, Any], comment: str) -> tuple[dict[str, int], str]:
    """The answers and the stripped comment, checked; :class:`SurveyValidationError` lists every problem."""
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for item in ITEMS:
        value = answers.get(item)
        if value is None:
            errors[item] = "survey.error_required"
        elif isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            errors[item] = "survey.error_scale"
        else:
            clean[item] = value
    unknown = sorted(set(answers) - set(ITEMS))
    if unknown:
        errors["form"] = "survey.error_unknown_item"
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = "survey.error_comment_length"
    if errors:
        raise SurveyValidationError(errors)
    return clean, comment


def _record(evaluation: Evaluation) -> EvaluationRecord:
    return EvaluationRecord(evaluation.id, evaluation.user_id, evaluation.module_id, dict(evaluation.answers),
                            evaluation.comment, evaluation.created_at)


def save_evaluation(
    engine: Engine,
    user_id: int,
    module_id: str,
    answers: Mapping[str, Any],
    comment: str = "",
    *,
    now: datetime | None = None,
) -> EvaluationRecord:
    """Store the learner's evaluation of a module they passed (once; see the module docstring)."""
    clean, comment = validate(answers, comment)
    standing = progress.module_progress(engine, user_id).get(module_id)
    if standing is None or not standing.passed:
        raise SurveyNotAllowedError(f"user {user_id} has not passed {module_id!r}")
    with db.write(engine) as session:
        # Lock the learner's row: concurrent submissions (PostgreSQL) are checked one after the other.
        session.execute(select(User.id).where(User.id == user_id).with_for_update())
        existing = session.scalar(
            select(Evaluation.id).where(Evaluation.user_id == user_id, Evaluation.module_id == module_id).limit(1)
        )
        if existing is not None:
            raise AlreadyEvaluatedError(f"user {user_id} has already evaluated {module_id!r}")
        evaluation = Evaluation(user_id=user_id, module_id=module_id, answers=clean, comment=comment,
                                created_at=now or db.utcnow())
        session.add(evaluation)
        session.flush()
        return _record(evaluation)


def evaluation_for(engine: Engine, user_id: int, module_id: str) -> EvaluationRecord | None:
    """The learner's evaluation of the module, if they filled one in."""
    query = select(Evaluation).where(Evaluation.user_id == user_id, Evaluation.module_id == module_id)
    with db.read(engine) as session:
        evaluation = session.scalars(query.order_by(Evaluation.id).limit(1)).first()
        return _record(evaluation) if evaluation is not None else None


def module_survey_summary(engine: Engine, module_id: str, *, threshold: int | None = None) -> SurveySummary:
    """Every item's count, mean and score distribution over the module's evaluations, and the comments;
    only the count while fewer than `threshold` learners answered (default :func:`min_respondents`)."""
    threshold = min_respondents() if threshold is None else threshold
    query = select(Evaluation.answers, Evaluation.comment).where(Evaluation.module_id == module_id)
    with db.read(engine) as session:
        rows = session.execute(query).all()
    if len(rows) < threshold:
        return SurveySummary(module_id, len(rows), (), (), threshold, withheld=True)
    items = []
    for item in ITEMS:
        scores = [row.answers[item] for row in rows if row.answers.get(item) in SCALE]
        items.append(ItemSummary(
            item=item,
            count=len(scores),
            mean=sum(scores) / len(scores) if scores else None,
            distribution={value: scores.count(value) for value in SCALE},
        ))
    comments = tuple(sorted((row.comment.strip() for row in rows if row.comment.strip()), key=str.casefold))
    return SurveySummary(module_id, len(rows), tuple(items), comments, threshold)
