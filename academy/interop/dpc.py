"""DPC/CME traceability: one learner's actions in chronological order, with proof, credited hours and yearly totals.

Pure functions: :func:`academy.interop.exports.dpc_rows` reads the store (one learner at a time, in time order) and
turns each learner's :class:`Action` stream into rows with :func:`trace_rows`.

Rules:

- every completed lesson and every submitted quiz attempt (pre-test, certifying quiz, review) is an action;
- the first passing certifying attempt of a module adds a ``module_passed`` row: the proof (attempt id,
  score, time, attestation code when one was issued) and the module's ``credits_hours`` from the catalog;
  passing the same module again credits nothing more;
- after the last action of each calendar year (in France: Europe/Paris), a ``year_total`` row gives the hours
  credited and the modules passed that year.

The ``action`` column is the row type: ``lesson_completed``, ``quiz_submitted``, ``module_passed`` or
``year_total``. Hours are in two columns so that a sum never counts them twice: ``hours_credited`` is only
filled on ``module_passed`` rows (its sum is the learner's credited hours), ``year_hours_credited`` and
``year_modules_passed`` only on ``year_total`` rows. The XLSX export also gives the totals in a sheet of their
own (:data:`TOTAL_COLUMNS`, one row per learner and year).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from academy.content.catalog import Module

LESSON_COMPLETED = "lesson_completed"
QUIZ_SUBMITTED = "quiz_submitted"
MODULE_PASSED = "module_passed"
YEAR_TOTAL = "year_total"

COLUMNS = (
    "date", "year", "action", "module_id", "module_title", "lesson_id", "lesson_title", "attempt_id", "attempt_kind",
    "score_pct", "passed", "hours_credited", "certificate_code", "year_hours_credited", "year_modules_passed",
)  # fmt: skip
TOTAL_COLUMNS = ("year", "hours_credited", "modules_passed")
"""The columns of the totals sheet, after the learner's identity."""
YEAR_TIME_ZONE = ZoneInfo("Europe/Paris")  # a DPC year is a French calendar year


@dataclass(frozen=True)
class Action:
    """One traced action of a learner: a completed lesson or a submitted quiz attempt."""

    at: datetime
    action: str  # LESSON_COMPLETED or QUIZ_SUBMITTED
    module_id: str
    lesson_id: str | None = None
    attempt_id: int | None = None
    attempt_kind: str | None = None  # "pre", "post" or "review"
    score: float | None = None  # 0..1
    passed: bool | None = None


def trace_rows(
    actions: Iterable[Action], modules: Mapping[str, Module], certificates: Mapping[str, str]
) -> Iterator[tuple[Any, ...]]:
    """The rows (:data:`COLUMNS`) of one learner's trace; ``actions`` must be in chronological order.

    ``modules`` maps module ids to catalog modules (titles, credits); ``certificates`` maps module ids to
    the learner's valid attestation code.
    """
    passed: set[str] = set()
    year: int | None = None
    hours = 0.0
    count = 0
    for action in actions:
        action_year = action.at.astimezone(YEAR_TIME_ZONE).year
        if year is not None and action_year != year:
            yield _total(year, hours, count)
            hours, count = 0.0, 0
        year = action_year
        module = modules.get(action.module_id)
        yield _action_row(action, module, year)
        if (
            action.action == QUIZ_SUBMITTED
            and action.attempt_kind == "post"
            and action.passed
            and action.module_id not in passed
        ):
            passed.add(action.module_id)
            credit = module.credits_hours if module is not None else 0.0
            hours += credit
            count += 1
            yield (
                action.at, year, MODULE_PASSED, action.module_id, _title(module), None, None, action.attempt_id,
                action.attempt_kind, _pct(action.score), True, round(credit, 2),
                certificates.get(action.module_id), None, None,
            )
    if year is not None:
        yield _total(year, hours, count)


def _action_row(action: Action, module: Module | None, year: int) -> tuple[Any, ...]:
    lesson = module.lesson(action.lesson_id) if module is not None and action.lesson_id else None
    return (
        action.at, year, action.action, action.module_id, _title(module), action.lesson_id,
        lesson.title if lesson is not None else None, action.attempt_id, action.attempt_kind, _pct(action.score),
        action.passed, None, None, None, None,
    )


def _total(year: int, hours: float, count: int) -> tuple[Any, ...]:
    return (None, year, YEAR_TOTAL, None, None, None, None, None, None, None, None, None, None, round(hours, 2), count)


def total_cells(row: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The :data:`TOTAL_COLUMNS` cells of a ``year_total`` row of :func:`trace_rows` (None for other rows)."""
    if row[2] != YEAR_TOTAL:
        return None
    return (row[1], row[13], row[14])


def _title(module: Module | None) -> str | None:
    return module.title if module is not None else None


def _pct(score: float | None) -> float | None:
    return None if score is None else round(score * 100, 1)
