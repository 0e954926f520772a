"""academy.analytics.item_analysis on a real database: attempts submitted through academy.learning.progress.

The 6 learners answer as in tests/test_item_stats.py, whose comments derive every expected figure by
hand (facility 66.67/50/50 %, discrimination 23.15/22.36/59.41 %, alpha 18/35…).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, update

import quiz
from academy.accounts import auth
from academy.analytics import item_analysis
from academy.content.catalog import Module, load_catalog
from academy.learning import progress
from academy.store.models import Response

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content" / "valid"
PASSWORD = "correct-horse-battery"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

QUIZ = """---
pass_mark: 0.6
---

## Question A {#A .qru}

- [x] oui
- [ ] non
- [ ] peut-être

## Question B {#B .qru}

- [ ] un
- [x] deux
- [ ] trois

## =SOMME(A1:A2) piège {#C .qrm}

- [x] alpha
- [x] bêta
- [ ] gamma
- [ ] delta
"""
# The same questions, edited: every question hash differs.
OLD_QUIZ = QUIZ.replace("- [ ] non", "- [ ] jamais").replace("- [ ] un", "- [ ] zéro").replace("delta", "epsilon")

ANSWERS: dict[int, dict[str, Any]] = {
    1: {"A": "a", "B": "b", "C": ["a", "b"]},
    2: {"A": "a", "B": "b", "C": ["a"]},
    3: {"A": "a", "B": "a", "C": ["a", "b"]},
    4: {"A": "b", "B": "b", "C": ["b"]},
    5: {"A": "a", "B": "c", "C": ["c", "d"]},
    6: {"A": "c", "C": ["c"]},  # B left blank
}
ALL_RIGHT = {"A": "a", "B": "b", "C": ["a", "b"]}


def fixture_module(qz: quiz.Quiz) -> Module:
    """The fixture module `bases-ia` with `qz` as its quiz."""
    module = load_catalog(FIXTURE_CONTENT).module("bases-ia")
    assert module is not None
    return dataclasses.replace(module, quiz=qz)


def take(
    engine: Engine,
    user_id: int,
    qz: quiz.Quiz,
    answers: dict[str, Any],
    *,
    at: datetime,
    kind: str = "post",
    module_id: str = "bases-ia",
    submit: bool = True,
) -> int:
    """Start, answer and (unless `submit` is False) submit an attempt at time `at`."""
    attempt_id = progress.start_attempt(
        engine,
        user_id=user_id,
        module_id=module_id,
        kind=kind,
        quiz=qz,
        start_token=f"{user_id}-{kind}-{module_id}-{at.isoformat()}",
        now=at,
    )
    for question_id, answer in answers.items():
        progress.save_answer(engine, attempt_id, question_id, answer, now=at)
    if submit:
        progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6, now=at + timedelta(minutes=5))
    return attempt_id


def populate(engine: Engine) -> dict[str, int]:
    """The six learners' first attempts, plus attempts that must not change the first-attempt figures.

    - learner 6 retakes the quiz a day later and gets everything right (counts with --attempts all);
    - learner 7 took an older version of the quiz (left out: 3 responses);
    - a pre-test, an unsubmitted attempt and an attempt on another module are ignored.
    """
    qz = quiz.parse(QUIZ, source="quiz.md")
    users = {
        n: auth.add_user(
            engine, email=f"learner{n}@example.org", name=f"Learner {n}", password=PASSWORD, roles=["learner"]
        ).id
        for n in range(1, 8)
    }
    for n, answers in ANSWERS.items():
        take(engine, users[n], qz, answers, at=T0 + timedelta(minutes=n))
    take(engine, users[6], qz, ALL_RIGHT, at=T0 + timedelta(days=1))
    take(engine, users[7], quiz.parse(OLD_QUIZ, source="quiz.md"), ALL_RIGHT, at=T0)
    take(engine, users[1], qz, {"A": "b"}, at=T0 - timedelta(days=1), kind="pre")
    take(engine, users[2], qz, {"A": "b"}, at=T0 + timedelta(days=2), submit=False)
    take(engine, users[3], qz, {"A": "b"}, at=T0 - timedelta(days=1), module_id="autre-module")
    return users


@pytest.fixture
def populated(engine: Engine) -> Engine:
    populate(engine)
    return engine


def by_id(analysis: item_analysis.ItemAnalysis) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in analysis.questions.to_dict("records")}


def test_first_attempts(populated: Engine) -> None:
    module = fixture_module(quiz.parse(QUIZ, source="quiz.md"))
    analysis = item_analysis.analyse_module(populated, module)
    assert (analysis.module_id, analysis.module_title, analysis.attempts) == ("bases-ia", module.title, "first")
    rows = by_id(analysis)
    assert [rows[q]["n"] for q in "ABC"] == [6, 6, 6]
    assert rows["A"]["facility"] == pytest.approx(100 * 4 / 6)
    assert rows["B"]["facility"] == pytest.approx(50.0)
    assert rows["A"]["sd"] == pytest.approx(100 * math.sqrt(4 / 15))
    assert rows["A"]["discrimination"] == pytest.approx(100 * 0.5 / math.sqrt(4 / 3 * 3.5))
    assert rows["C"]["discrimination"] == pytest.approx(100 / math.sqrt(17 / 6))
    assert rows["C"]["efficiency"] == pytest.approx(100 / 1.5)
    assert rows["A"]["flags"] == ("not_enough_data",)
    summary = analysis.quiz
    assert summary.attempts == 6
    assert summary.mean == pytest.approx(100 * (10 / 6) / 3)
    assert summary.alpha == pytest.approx(18 / 35)
    assert summary.error_ratio == pytest.approx(100 * math.sqrt(17 / 35))
    assert summary.standard_error == pytest.approx(math.sqrt(17 / 35) * 100 * math.sqrt(7 / 6) / 3)
    # Learner 7's attempt on the older version: 3 responses left out, one per question.
    assert analysis.left_out_total == 3
    assert [rows[q]["left_out"] for q in "ABC"] == [1, 1, 1]
    # Distractors: thirds of 2 (top: learners 1 and 2; bottom: 6 and 5); learner 6 left B blank.
    distractors = {
        (r["question_id"], r["key"]): (r["count"], r["top"], r["bottom"])
        for r in analysis.distractors.to_dict("records")
    }
    assert distractors[("A", "a")] == (4, 2, 1)
    assert distractors[("B", "(none)")] == (1, 0, 1)
    assert distractors[("C", "c")] == (2, 0, 2)


def test_all_attempts(populated: Engine) -> None:
    module = fixture_module(quiz.parse(QUIZ, source="quiz.md"))
    analysis = item_analysis.analyse_module(populated, module, attempts="all")
    rows = by_id(analysis)
    assert analysis.quiz.attempts == 7  # learner 6's retake counts as another attempt
    assert rows["A"]["n"] == 7
    assert rows["A"]["facility"] == pytest.approx(100 * 5 / 7)
    assert rows["B"]["facility"] == pytest.approx(100 * 4 / 7)
    with pytest.raises(ValueError, match="attempts"):
        item_analysis.analyse_module(populated, module, attempts="last")


def test_a_module_without_responses(engine: Engine) -> None:
    analysis = item_analysis.analyse_module(engine, fixture_module(quiz.parse(QUIZ, source="quiz.md")))
    assert analysis.quiz.attempts == 0
    assert analysis.questions["n"].tolist() == [0, 0, 0]
    assert analysis.left_out_total == 0
    assert "Attempts:            0" in item_analysis.to_table(analysis)


def test_a_module_without_quiz(engine: Engine) -> None:
    module = dataclasses.replace(fixture_module(quiz.parse(QUIZ)), quiz=None)
    with pytest.raises(ValueError, match="no quiz"):
        item_analysis.analyse_module(engine, module)


def test_csv_export(populated: Engine) -> None:
    analysis = item_analysis.analyse_module(populated, fixture_module(quiz.parse(QUIZ, source="quiz.md")))
    text = item_analysis.to_csv(analysis)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(item_analysis.CSV_COLUMNS)
    assert [r["id"] for r in rows] == ["A", "B", "C"]
    assert rows[0]["facility"] == "66.67" and rows[0]["discrimination"] == "23.15" and rows[0]["efficiency"] == "25.00"
    assert rows[2]["efficiency"] == "66.67"
    assert rows[0]["flags"] == "not_enough_data"
    assert rows[0]["flags_fr"].startswith("Pas assez de données")
    assert rows[0]["left_out"] == "1"
    # A title that a spreadsheet would run as a formula is neutralised.
    assert rows[2]["title"] == "'=SOMME(A1:A2) piège"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-12.50", "-12.50"),  # a negative number stays a number
        ("plain", "plain"),
        (3, 3),
    ],
)
def test_safe_cell(value: Any, expected: Any) -> None:
    assert item_analysis.safe_cell(value) == expected


def test_table_report(populated: Engine) -> None:
    analysis = item_analysis.analyse_module(populated, fixture_module(quiz.parse(QUIZ, source="quiz.md")))
    lines = item_analysis.to_table(analysis).splitlines()
    header = next(line for line in lines if line.startswith("id "))
    assert header.split("  ")[0] == "id"
    row_a = next(line for line in lines if line.startswith("A "))
    assert row_a.split() == ["A", "qru", "6", "66.67", "51.64", "23.15", "25.00", "not_enough_data"]
    assert "Cronbach's alpha:    0.51" in lines
    assert "Error ratio:         69.69 %" in lines
    assert "Standard error:      25.09 %" in lines
    assert any(line.startswith("Left out:            3 response(s)") for line in lines)


def test_distractors_csv_neutralises_free_answers(engine: Engine) -> None:
    qz = quiz.parse("## Sigle {#s .qroc}\n\n- [x] RGPD\n\n## Valeur {#v .numerique}\n\n- [x] 3\n", source="quiz.md")
    user = auth.add_user(engine, email="l@example.org", name="L", password=PASSWORD, roles=["learner"]).id
    take(engine, user, qz, {"s": "RGPD", "v": "=1+2"}, at=T0)
    # Not a number, so recorded as no answer since 2026-12; responses stored before kept the text.
    with engine.begin() as connection:
        connection.execute(update(Response).where(Response.question_id == "v").values(answer="=1+2"))
    analysis = item_analysis.analyse_module(engine, fixture_module(qz))
    rows = list(csv.DictReader(io.StringIO(item_analysis.distractors_to_csv(analysis))))
    assert rows == [
        {
            "module": "bases-ia",
            "question_id": "s",
            "key": "rgpd",
            "label": "rgpd",
            "correct": "yes",
            "count": "1",
            "top": "0",
            "bottom": "0",
        },
        # Not a number: the raw text is the key, neutralised for spreadsheets.
        {
            "module": "bases-ia",
            "question_id": "v",
            "key": "'=1+2",
            "label": "'=1+2",
            "correct": "no",
            "count": "1",
            "top": "0",
            "bottom": "0",
        },
    ]
