"""Item analysis of a module's quiz: loads the responses from the database and runs `quiz.stats`.

The figures and their formulas (Moodle's quiz statistics report) are described in docs/item-analysis.md.
Only certifying ("post") attempts that were submitted count; `attempts="first"` (default) keeps each
learner's first one, `attempts="all"` every one.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine, Table, Text, select
from sqlalchemy import cast as sql_cast

from academy.content.catalog import Module
from academy.interop.exports import neutralize_csv
from academy.store import db
from academy.store.models import Attempt, Response
from quiz import Question, Quiz, zone_points
from quiz import stats as item_stats
from quiz.stats import ATTEMPT_CHOICES, QuizSummary

_ATTEMPTS = cast(Table, Attempt.__table__)
_RESPONSES = cast(Table, Response.__table__)

CSV_COLUMNS: tuple[str, ...] = (
    "module",
    "id",
    "title",
    "type",
    "points",
    "n",
    "left_out",
    "facility",
    "sd",
    "random_guess",
    "discrimination",
    "efficiency",
    "flags",
    "flags_fr",
    "flags_en",
)
"""Columns of the trainers' CSV export (percentages with two decimals; empty when not computable)."""

_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class ItemAnalysis:
    """Item statistics of one module's quiz.

    `questions` and `distractors` are the DataFrames described in :class:`quiz.stats.ItemStats`; `quiz`
    the whole-quiz summary.
    """

    module_id: str
    module_title: str
    attempts: str
    questions: pd.DataFrame
    quiz: QuizSummary
    distractors: pd.DataFrame

    @property
    def left_out_total(self) -> int:
        """Responses to older versions of the questions, left out of every figure."""
        return self.quiz.left_out


def load_responses(engine: Engine, module_id: str) -> pd.DataFrame:
    """Every response of the submitted certifying attempts of a module (columns `quiz.stats.RESPONSE_COLUMNS`).

    Answers are read as JSON text and each distinct text decoded once: most responses repeat.
    """
    submitted = (
        _ATTEMPTS.c.module_id == module_id,
        _ATTEMPTS.c.kind == "post",
        _ATTEMPTS.c.submitted_at.is_not(None),
    )
    attempts_query = select(_ATTEMPTS.c.id, _ATTEMPTS.c.user_id, _ATTEMPTS.c.submitted_at).where(*submitted)
    responses_query = (
        select(
            _RESPONSES.c.attempt_id,
            _RESPONSES.c.question_id,
            _RESPONSES.c.question_hash,
            _RESPONSES.c.fraction,
            sql_cast(_RESPONSES.c.answer, Text).label("answer"),
        )
        .select_from(_RESPONSES.join(_ATTEMPTS, _ATTEMPTS.c.id == _RESPONSES.c.attempt_id))
        .where(*submitted)
    )
    with db.read(engine) as session:
        connection = session.connection()
        attempts = connection.execute(attempts_query).all()
        responses = connection.execute(responses_query).all()
    heads = pd.DataFrame([tuple(row) for row in attempts], columns=["attempt_id", "user_id", "submitted_at"])
    heads = heads.astype({"attempt_id": "int64"})
    columns = list(zip(*responses, strict=True)) or [()] * 5
    texts = columns[4]
    decoded = {text: json.loads(text) for text in set(texts) if text is not None}
    frame = pd.DataFrame(
        {
            "attempt_id": pd.Series(columns[0], dtype="int64"),
            "question_id": pd.Series(columns[1], dtype=object),
            "question_hash": pd.Series(columns[2], dtype=object),
            "fraction": pd.Series(columns[3], dtype=float),
            "answer": pd.Series([decoded[t] if t is not None else None for t in texts], dtype=object),
        }
    )
    return frame.merge(heads, on="attempt_id", how="inner")[list(item_stats.RESPONSE_COLUMNS)]


def zone_clicks(engine: Engine, module_id: str, question: Question) -> list[tuple[float, float, float]]:
    """Every point learners clicked on a zone question in submitted certifying attempts, with the fraction
    their response earned: (x, y, fraction), for the click map of the item analysis. Only responses to the
    current version of the question (same content hash): the zones of an edited question may have moved."""
    query = (
        select(_RESPONSES.c.fraction, sql_cast(_RESPONSES.c.answer, Text).label("answer"))
        .select_from(_RESPONSES.join(_ATTEMPTS, _ATTEMPTS.c.id == _RESPONSES.c.attempt_id))
        .where(_ATTEMPTS.c.module_id == module_id, _ATTEMPTS.c.kind == "post", _ATTEMPTS.c.submitted_at.is_not(None),
               _RESPONSES.c.question_id == question.id, _RESPONSES.c.question_hash == question.hash)
    )
    with db.read(engine) as session:
        rows = session.connection().execute(query).all()
    return [(x, y, float(row.fraction)) for row in rows if row.answer is not None
            for x, y in zone_points(json.loads(row.answer)) or []]


def analyse_quiz(
    engine: Engine,
    module_id: str,
    qz: Quiz,
    *,
    attempts: str = "first",
    module_title: str = "",
    min_responses: int = item_stats.MIN_RESPONSES,
) -> ItemAnalysis:
    """Item analysis of the quiz `qz` of module `module_id` over the stored responses."""
    if attempts not in ATTEMPT_CHOICES:
        raise ValueError(f"attempts must be one of {', '.join(ATTEMPT_CHOICES)}, not {attempts!r}")
    result = item_stats.item_statistics(
        qz.questions, load_responses(engine, module_id), attempts=attempts, min_responses=min_responses
    )
    return ItemAnalysis(
        module_id=module_id,
        module_title=module_title,
        attempts=attempts,
        questions=result.questions,
        quiz=result.quiz,
        distractors=result.distractors,
    )


def analyse_module(engine: Engine, module: Module, *, attempts: str = "first") -> ItemAnalysis:
    """Item analysis of a module's quiz; ValueError when the module has no quiz."""
    if module.quiz is None:
        raise ValueError(f"module {module.id!r} has no quiz")
    return analyse_quiz(engine, module.id, module.quiz, attempts=attempts, module_title=module.title)


# --- CSV export ------------------------------------------------------------------------------------


def csv_rows(analysis: ItemAnalysis) -> list[dict[str, Any]]:
    """The per-question rows of the export, values formatted (percentages with two decimals)."""
    rows: list[dict[str, Any]] = []
    for question in analysis.questions.to_dict("records"):
        flags = tuple(question["flags"])
        rows.append(
            {
                "module": analysis.module_id,
                "id": question["id"],
                "title": question["title"],
                "type": question["type"],
                "points": format_number(question["points"], 2),
                "n": int(question["n"]),
                "left_out": int(question["left_out"]),
                "facility": format_number(question["facility"]),
                "sd": format_number(question["sd"]),
                "random_guess": format_number(question["random_guess"]),
                "discrimination": format_number(question["discrimination"]),
                "efficiency": format_number(question["efficiency"]),
                "flags": " ".join(flags),
                "flags_fr": " | ".join(item_stats.flag_message(f, "fr") for f in flags),
                "flags_en": " | ".join(item_stats.flag_message(f, "en") for f in flags),
            }
        )
    return rows


def to_csv(analysis: ItemAnalysis) -> str:
    """The per-question statistics as CSV text for trainers, formula injection neutralised."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(analysis):
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return out.getvalue()


def distractors_to_csv(analysis: ItemAnalysis) -> str:
    """The distractor analysis as CSV text (learners' free answers included), formula injection neutralised.

    Columns: module, question_id, key, label, correct, count, top, bottom; `top` and `bottom` count the
    selections in the top and bottom thirds (`analysis.quiz.group_size` attempts each).
    """
    out = io.StringIO()
    columns = ["module", *item_stats.DISTRACTOR_COLUMNS]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in analysis.distractors.to_dict("records"):
        cells = {"module": analysis.module_id, **row, "correct": "yes" if row["correct"] else "no"}
        writer.writerow({key: safe_cell(value) for key, value in cells.items()})
    return out.getvalue()


def safe_cell(value: Any) -> Any:
    """A text cell starting with = + - @ tab or CR gets a leading single quote (spreadsheet formulas), and so does
    such a character after a `,` or `;` inside it (where a spreadsheet splitting on the other separator would start
    a cell): :func:`academy.interop.exports.neutralize_csv`.

    Numbers are left alone: a negative discrimination index stays a number.
    """
    if isinstance(value, str) and not _is_number(value):
        return neutralize_csv(value)
    return value


def format_number(value: Any, decimals: int = 2) -> str:
    """`value` rounded to `decimals` places ("" for None or NaN; trailing zeros kept)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):.{decimals}f}"


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


# --- plain-text report (python -m academy stats) ---------------------------------------------------


def to_table(analysis: ItemAnalysis) -> str:
    """The plain-text report: aligned per-question columns, then the quiz summary and a flag legend."""
    header = ["id", "type", "n", "facility %", "SD %", "discrimination %", "efficiency %", "flags"]
    rows = [
        [
            str(q["id"]),
            str(q["type"]),
            str(q["n"]),
            format_number(q["facility"]) or "-",
            format_number(q["sd"]) or "-",
            format_number(q["discrimination"]) or "-",
            format_number(q["efficiency"]) or "-",
            ", ".join(q["flags"]),
        ]
        for q in analysis.questions.to_dict("records")
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    text_columns = {0, 1, 7}

    def line(cells: list[str]) -> str:
        padded = [
            cell.ljust(width) if i in text_columns else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    quiz = analysis.quiz
    which = "first submitted attempt of each learner" if analysis.attempts == "first" else "all submitted attempts"
    lines = [f"Module {analysis.module_id}: {analysis.module_title}", f"Attempts analysed: {which}", ""]
    lines += [line(header), *(line(row) for row in rows), ""]
    lines += [
        f"Attempts:            {quiz.attempts}",
        f"Mean score:          {_figure(quiz.mean, ' %')}",
        f"Median score:        {_figure(quiz.median, ' %')}",
        f"Standard deviation:  {_figure(quiz.sd, ' %')}",
        f"Skewness:            {_figure(quiz.skewness)}",
        f"Kurtosis:            {_figure(quiz.kurtosis)}",
        f"Cronbach's alpha:    {_figure(quiz.alpha)}",
        f"Error ratio:         {_figure(quiz.error_ratio, ' %')}",
        f"Standard error:      {_figure(quiz.standard_error, ' %')}",
        f"Left out:            {quiz.left_out} response(s) to older question versions, "
        f"{quiz.removed} to removed questions",
    ]
    used = sorted({flag for flags in analysis.questions["flags"] for flag in flags})
    if used:
        lines += ["", "Flags:", *(f"  {flag}: {item_stats.flag_message(flag, 'en')}" for flag in used)]
    return "\n".join(lines)


def _figure(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.2f}{unit}"
