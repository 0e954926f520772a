"""Knowledge gain: pre-test against certifying attempt, per learning objective of a module.

The gain of an objective is the mean fraction earned on its questions in the certifying attempt minus
the mean fraction earned on the same questions in the pre-test (same question id and content hash,
:func:`academy.learning.progress.pre_post_pairs`). Each learner's first pre-test is paired with their latest
certifying attempt, or with a given attempt. Nothing is stored beyond the attempts themselves: the
gain is recomputed from the recorded responses, so it always matches them.

    report = gain_by_objective(engine, module)            # every learner of the module (coordinators)
    report = gain_by_objective(engine, module, user_id=7)  # one learner
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import altair as alt
import pandas as pd
from sqlalchemy import Engine

from academy.content.catalog import Module
from academy.i18n import t, vega_locale
from academy.learning import progress
from academy.learning.progress import PairedItem, PrePostPairs


@dataclass(frozen=True)
class ObjectiveGain:
    """Pre-test and certifying-attempt results on one objective's questions (fractions 0..1).

    ``objective`` is the 1-based index into the module's objectives, None for questions without one.
    ``pairs`` counts the (learner, question) pairs compared.
    """

    objective: int | None
    label: str
    questions: int
    pairs: int
    pre: float
    post: float

    @property
    def gain(self) -> float:
        return self.post - self.pre


@dataclass(frozen=True)
class GainReport:
    """The gain of a module per objective (catalogue order, questions without objective last)."""

    learners: int
    objectives: tuple[ObjectiveGain, ...]
    overall: ObjectiveGain | None


def objective_gains(items: Iterable[PairedItem], module: Module) -> tuple[ObjectiveGain, ...]:
    """Paired question results grouped by the objective of each question in the module's quiz.

    Questions no longer in the quiz are left out.
    """
    objectives = {question.id: question.objective for question in module.quiz.questions} if module.quiz else {}
    groups: dict[int | None, list[PairedItem]] = {}
    for item in items:
        if item.question_id in objectives and item.pairs:
            groups.setdefault(objectives[item.question_id], []).append(item)
    ordered = sorted(groups, key=lambda objective: (objective is None, objective or 0))
    return tuple(_combined(objective, _label(module, objective), groups[objective]) for objective in ordered)


def gain_report(pairs: PrePostPairs, module: Module) -> GainReport:
    """The per-objective and overall gain of paired results."""
    objectives = objective_gains(pairs.items, module)
    if not objectives:
        return GainReport(0, (), None)
    count = sum(row.pairs for row in objectives)
    overall = ObjectiveGain(
        objective=None,
        label="",
        questions=sum(row.questions for row in objectives),
        pairs=count,
        pre=sum(row.pre * row.pairs for row in objectives) / count,
        post=sum(row.post * row.pairs for row in objectives) / count,
    )
    return GainReport(pairs.learners, objectives, overall)


def gain_by_objective(engine: Engine, module: Module, user_id: int | None = None) -> GainReport:
    """The module's knowledge gain per objective, over every learner or for one (``user_id``)."""
    return gain_report(progress.pre_post_pairs(engine, module.id, user_id=user_id), module)


def attempt_gain(engine: Engine, module: Module, attempt_id: int) -> GainReport:
    """The gain a learner's certifying attempt shows against their pre-test (no objective: no pre-test)."""
    return gain_report(progress.pre_post_pairs(engine, module.id, post_attempt_id=attempt_id), module)


def gain_frame(report: GainReport, locale: str) -> pd.DataFrame:
    """One row per objective: objective, label, questions, pre %, post %, gain (points of %)."""
    return pd.DataFrame(
        [
            {
                t("assessment.gain.objective", locale): _short(row, locale),
                t("assessment.gain.label", locale): row.label or t("assessment.gain.no_objective", locale),
                t("assessment.gain.pre_col", locale): round(row.pre * 100),
                t("assessment.gain.post_col", locale): round(row.post * 100),
                t("assessment.gain.gain_col", locale): round(row.gain * 100),
            }
            for row in report.objectives
        ]
    )


def gain_chart(report: GainReport, locale: str) -> alt.Chart:
    """Grouped bars: pre-test and certifying-attempt score (%) side by side for each objective."""
    pre, post = t("assessment.gain.pre", locale), t("assessment.gain.post", locale)
    frame = pd.DataFrame(
        [
            {"objective": _short(row, locale), "label": row.label, "when": when, "order": order,
             "score": round(value * 100)}
            for row in report.objectives
            for when, order, value in ((pre, 0, row.pre), (post, 1, row.post))
        ]
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("objective:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("when:N", sort=[pre, post]),
            y=alt.Y("score:Q", title=t("assessment.gain.axis", locale), scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("when:N", title=None, sort=[pre, post]),
            tooltip=["objective:N", "label:N", "when:N", "score:Q"],
        )
        .configure(locale=vega_locale(locale))
    )


def _short(row: ObjectiveGain, locale: str) -> str:
    if row.objective is None:
        return t("assessment.gain.no_objective", locale)
    return t("assessment.gain.objective_n", locale, n=row.objective)


def _label(module: Module, objective: int | None) -> str:
    if objective is not None and 1 <= objective <= len(module.objectives):
        return module.objectives[objective - 1]
    return ""


def _combined(objective: int | None, label: str, items: list[PairedItem]) -> ObjectiveGain:
    pairs = sum(item.pairs for item in items)
    return ObjectiveGain(
        objective=objective,
        label=label,
        questions=len(items),
        pairs=pairs,
        pre=sum(item.pre_total for item in items) / pairs if pairs else 0.0,
        post=sum(item.post_total for item in items) / pairs if pairs else 0.0,
    )
