"""quiz.stats: Moodle's item and quiz statistics, checked against values computed by hand.

The data set: 6 learners (L1…L6), one attempt each, 3 questions worth 1 point.

    learner  A (qru)  B (qru)      C (qrm)        total (points)  score
    L1       1  "a"   1  "b"       1    [a, b]    3               100 %
    L2       1  "a"   1  "b"       0.5  [a]       2.5             83.33 %
    L3       1  "a"   0  "a"       1    [a, b]    2               66.67 %
    L4       0  "b"   1  "b"       0.5  [b]       1.5             50 %
    L5       1  "a"   0  "c"       0    [c, d]    1               33.33 %
    L6       0  "c"   0  (blank)   0    [c]       0               0 %

Every expected number below is derived in the comments from the formulas of docs/item-analysis.md.
"""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

import quiz
from quiz import stats

QUIZ = """## Question A {#A .qru}

- [x] oui
- [ ] non
- [ ] peut-être

## Question B {#B .qru}

- [ ] un
- [x] deux
- [ ] trois

## Question C {#C .qrm}

- [x] alpha
- [x] bêta
- [ ] gamma
- [ ] delta
"""

ANSWERS: dict[int, dict[str, Any]] = {
    1: {"A": "a", "B": "b", "C": ["a", "b"]},
    2: {"A": "a", "B": "b", "C": ["a"]},
    3: {"A": "a", "B": "a", "C": ["a", "b"]},
    4: {"A": "b", "B": "b", "C": ["b"]},
    5: {"A": "a", "B": "c", "C": ["c", "d"]},
    6: {"A": "c", "B": None, "C": ["c"]},
}
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def qz() -> quiz.Quiz:
    return quiz.parse(QUIZ, source="quiz.md")


def response(qz: quiz.Quiz, attempt: int, user: int, qid: str, answer: Any, *, at: datetime = T0, **kw: Any) -> dict:
    question = qz.question(qid)
    return {
        "attempt_id": attempt,
        "user_id": user,
        "submitted_at": at,
        "question_id": qid,
        "question_hash": kw.get("question_hash", question.hash),
        "fraction": quiz.grade(question, answer),
        "answer": answer,
    }


def base_rows(qz: quiz.Quiz) -> list[dict]:
    return [response(qz, u, u, qid, answers[qid]) for u, answers in ANSWERS.items() for qid in ("A", "B", "C")]


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(stats.RESPONSE_COLUMNS))


def row(result: stats.ItemStats, qid: str) -> dict:
    return result.questions.set_index("id").loc[qid].to_dict()


def test_the_fractions_of_the_data_set(qz: quiz.Quiz) -> None:
    fractions = {(r["user_id"], r["question_id"]): r["fraction"] for r in base_rows(qz)}
    assert [fractions[(u, "A")] for u in range(1, 7)] == [1, 1, 1, 0, 1, 0]
    assert [fractions[(u, "B")] for u in range(1, 7)] == [1, 1, 0, 1, 0, 0]
    # C (qrm, a and b correct): [a] and [b] have one discordance (0.5); [c] three, [c, d] four (0).
    assert [fractions[(u, "C")] for u in range(1, 7)] == [1, 0.5, 1, 0.5, 0, 0]


def test_facility_and_sd(qz: quiz.Quiz) -> None:
    result = stats.item_statistics(qz.questions, frame(base_rows(qz)))
    a, b, c = row(result, "A"), row(result, "B"), row(result, "C")
    assert (a["n"], b["n"], c["n"]) == (6, 6, 6)
    # A: mean 4/6 = 66.67 %. Deviations 1/3 (×4) and −2/3 (×2): Σd² = 4/9 + 8/9 = 4/3; var = (4/3)/5 = 4/15.
    assert a["facility"] == pytest.approx(100 * 4 / 6)
    assert a["sd"] == pytest.approx(100 * math.sqrt(4 / 15))  # 51.64 %
    # B: mean 3/6 = 50 %; Σd² = 6 × 0.25 = 1.5; var = 0.3.
    assert b["facility"] == pytest.approx(50.0)
    assert b["sd"] == pytest.approx(100 * math.sqrt(0.3))  # 54.77 %
    # C: mean 3/6 = 50 %; deviations .5, 0, .5, 0, −.5, −.5: Σd² = 1; var = 0.2.
    assert c["facility"] == pytest.approx(50.0)
    assert c["sd"] == pytest.approx(100 * math.sqrt(0.2))  # 44.72 %


def test_discrimination_index_is_the_item_rest_correlation(qz: quiz.Quiz) -> None:
    result = stats.item_statistics(qz.questions, frame(base_rows(qz)))
    # A: rest = B + C = 2, 1.5, 1, 1.5, 0, 0 (mean 1; Σd² = 1 + .25 + 0 + .25 + 1 + 1 = 3.5).
    # Σ(x−x̄)(r−r̄) = ⅓·1 + ⅓·½ + ⅓·0 − ⅔·½ − ⅓·1 + ⅔·1 = 0.5.  r = 0.5 / √((4/3)·3.5) = 0.2315.
    assert row(result, "A")["discrimination"] == pytest.approx(100 * 0.5 / math.sqrt(4 / 3 * 3.5))  # 23.15
    # B: rest = A + C = 2, 1.5, 2, 0.5, 1, 0 (mean 7/6; Σd² = 120/36 = 10/3); Σ cross products = 0.5.
    assert row(result, "B")["discrimination"] == pytest.approx(100 * 0.5 / math.sqrt(1.5 * 10 / 3))  # 22.36
    # C: rest = A + B = 2, 2, 1, 1, 1, 0 (mean 7/6; Σd² = 102/36 = 17/6);
    # Σ cross products = .5·5/6 + .5·(−1/6) + (−.5)·(−1/6) + (−.5)·(−7/6) = 1.
    assert row(result, "C")["discrimination"] == pytest.approx(100 * 1 / math.sqrt(1.0 * 17 / 6))  # 59.41


def test_discriminative_efficiency_divides_by_the_largest_possible_covariance(qz: quiz.Quiz) -> None:
    result = stats.item_statistics(qz.questions, frame(base_rows(qz)))
    # A: sorted x 0,0,1,1,1,1 (dev −⅔,−⅔,⅓,⅓,⅓,⅓) against sorted rest 0,0,1,1.5,1.5,2 (dev −1,−1,0,½,½,1):
    # Σ = ⅔ + ⅔ + 0 + ⅙ + ⅙ + ⅓ = 2; efficiency = 0.5 / 2 = 25 %.
    assert row(result, "A")["efficiency"] == pytest.approx(25.0)
    # B: sorted x 0,0,0,1,1,1 against sorted rest 0,½,1,1.5,2,2 (mean 7/6):
    # Σ = ½·(7/6 + 4/6 + 1/6) + ½·(2/6 + 5/6 + 5/6) = 1 + 1 = 2; efficiency = 0.5 / 2 = 25 %.
    assert row(result, "B")["efficiency"] == pytest.approx(25.0)
    # C: sorted x 0,0,½,½,1,1 against sorted rest 0,1,1,1,2,2: Σ = ½·7/6 + ½·1/6 + ½·5/6 + ½·5/6 = 1.5;
    # efficiency = 1 / 1.5 = 66.67 %.
    assert row(result, "C")["efficiency"] == pytest.approx(100 / 1.5)


def test_random_guess_scores(qz: quiz.Quiz) -> None:
    result = stats.item_statistics(qz.questions, frame(base_rows(qz)))
    assert row(result, "A")["random_guess"] == pytest.approx(100 / 3)  # one right option of three
    # C: 16 sets of ticked options; one exact (1), four with one discordance (0.5), six with two (0.2)
    # except the empty set (0), the rest 0: (1 + 4·0.5 + 5·0.2) / 16 = 4 / 16 = 25 %.
    assert row(result, "C")["random_guess"] == pytest.approx(25.0)


def test_quiz_summary(qz: quiz.Quiz) -> None:
    summary = stats.item_statistics(qz.questions, frame(base_rows(qz))).quiz
    assert summary.attempts == 6
    # Scores 100, 83.33, 66.67, 50, 33.33, 0 (of 3 points): mean 10/6 points = 55.56 %; median 1.75 = 58.33 %.
    assert summary.mean == pytest.approx(100 * (10 / 6) / 3)
    assert summary.median == pytest.approx(100 * 1.75 / 3)
    # Deviations of the totals (points), in sixths: 8, 5, 2, −1, −4, −10. Σd² = 210/36 = 35/6; var = 7/6.
    assert summary.sd == pytest.approx(100 * math.sqrt(7 / 6) / 3)  # 36.00 %
    # m2 = 35/36; m3 = Σd³/6 = (−420/216)/6; k2 = 7/6; k3 = 6²·m3 / (5·4); skewness = k3 / k2^1.5.
    m2, m3 = 35 / 36, (-420 / 216) / 6
    assert summary.skewness == pytest.approx((36 * m3 / 20) / (7 / 6) ** 1.5)  # −0.4629
    # m4 = (14994/1296)/6; k4 = 6²·(7·m4 − 3·5·m2²) / (5·4·3); kurtosis = k4 / k2² = −0.3.
    m4 = (14994 / 1296) / 6
    assert summary.kurtosis == pytest.approx((36 * (7 * m4 - 15 * m2**2) / 60) / (7 / 6) ** 2)
    assert summary.kurtosis == pytest.approx(-0.3)
    # alpha = k/(k−1)·(1 − Σ item variances / variance of the total) = 3/2·(1 − (4/15 + 0.3 + 0.2)/(7/6)) = 18/35.
    assert summary.alpha == pytest.approx(18 / 35)  # 0.514
    # Error ratio = 100·√(1 − alpha) = 100·√(17/35) = 69.69 %; standard error = ER/100 · SD = 25.09 %.
    assert summary.error_ratio == pytest.approx(100 * math.sqrt(17 / 35))
    assert summary.standard_error == pytest.approx(math.sqrt(17 / 35) * 100 * math.sqrt(7 / 6) / 3)
    # Histogram (10 % bins, 100 in the last): 0 | 33.3 | 50 | 66.7 | 83.3 | 100.
    assert [b.count for b in summary.histogram] == [1, 0, 0, 1, 0, 1, 1, 0, 1, 1]
    assert (summary.histogram[0].low, summary.histogram[-1].high) == (0.0, 100.0)
    assert (summary.left_out, summary.removed, summary.group_size) == (0, 0, 2)


def test_alpha_weights_items_by_points() -> None:
    # Two items, A worth 2 points, B worth 1; three learners with fractions (1, 1), (0.5, 0), (0, 1).
    # Marks A = 2, 1, 0 (var 1), B = 1, 0, 1 (var 1/3); totals 3, 1, 1 (mean 5/3; Σd² = 16/9 + 4/9 + 4/9 = 8/3;
    # var 4/3). alpha = 2·(1 − (1 + 1/3)/(4/3)) = 0: the two items do not agree at all.
    qz = quiz.parse(
        "## A {#A .ordre partial=true points=2}\n\n1. un\n2. deux\n3. trois\n\n## B {#B .qru}\n\n- [x] oui\n- [ ] non\n"
    )
    a, b = qz.questions
    rows = []
    for learner, (fa, fb) in enumerate([(1, 1), (0.5, 0), (0, 1)], start=1):
        rows.append(
            {
                "attempt_id": learner,
                "user_id": learner,
                "submitted_at": T0,
                "question_id": "A",
                "question_hash": a.hash,
                "fraction": fa,
            }
        )
        rows.append(
            {
                "attempt_id": learner,
                "user_id": learner,
                "submitted_at": T0,
                "question_id": "B",
                "question_hash": b.hash,
                "fraction": fb,
            }
        )
    result = stats.item_statistics(qz.questions, pd.DataFrame(rows))
    assert result.quiz.alpha == pytest.approx(0.0)
    assert result.quiz.error_ratio == pytest.approx(100.0)
    # Scores are percentages of the 3 points: 100, 33.33, 33.33.
    assert result.quiz.mean == pytest.approx(100 * (5 / 3) / 3)
    assert result.distractors.empty  # no answer column: no distractor analysis


def test_top_and_bottom_thirds(qz: quiz.Quiz) -> None:
    distractors = stats.item_statistics(qz.questions, frame(base_rows(qz))).distractors
    # 6 attempts: thirds of 2. Top: L1 (100 %), L2 (83 %); bottom: L6 (0 %), L5 (33 %).
    table = {(r["question_id"], r["key"]): (r["count"], r["top"], r["bottom"]) for r in distractors.to_dict("records")}
    assert table[("A", "a")] == (4, 2, 1)  # L1 L2 L3 L5
    assert table[("A", "b")] == (1, 0, 0)  # L4
    assert table[("A", "c")] == (1, 0, 1)  # L6
    assert table[("B", "a")] == (1, 0, 0)  # L3
    assert table[("B", "b")] == (3, 2, 0)  # L1 L2 L4
    assert table[("B", "c")] == (1, 0, 1)  # L5
    assert table[("B", stats.NO_ANSWER)] == (1, 0, 1)  # L6 left it blank
    assert table[("C", "a")] == (3, 2, 0)  # L1 L2 L3
    assert table[("C", "b")] == (3, 1, 0)  # L1 L3 L4
    assert table[("C", "c")] == (2, 0, 2)  # L5 L6
    assert table[("C", "d")] == (1, 0, 1)  # L5
    a_rows = distractors[distractors["question_id"] == "A"]
    assert a_rows["label"].tolist() == ["oui", "non", "peut-être"]
    assert a_rows["correct"].tolist() == [True, False, False]


def test_options_never_chosen_are_listed_with_zero() -> None:
    qz = quiz.parse("## Q {#q .qru}\n\n- [x] un\n- [ ] deux\n- [ ] trois\n")
    rows = [response(qz, n, n, "q", "a") for n in range(1, 4)]
    distractors = stats.item_statistics(qz.questions, frame(rows)).distractors
    assert distractors["key"].tolist() == ["a", "b", "c"]
    assert distractors["count"].tolist() == [3, 0, 0]


def test_free_responses_are_normalised() -> None:
    qz = quiz.parse(
        "## Sigle {#s .qroc}\n\n- [x] RGPD\n\n## Valeur {#v .numerique}\n\n- [x] 42,5 {tolerance=0.5}\n\n"
        "## Étapes {#o .ordre}\n\n1. Collecte\n2. Annotation\n3. Entraînement\n"
    )
    answers = [("R.G.P.D.", "42,5", ["a", "b", "c"]), ("rgpd", 42.5, ["b", "a", "c"]), ("CNIL", "41", ["a", "b", "c"])]
    rows = []
    for n, (s, v, o) in enumerate(answers, start=1):
        rows += [response(qz, n, n, "s", s), response(qz, n, n, "v", v), response(qz, n, n, "o", o)]
    distractors = stats.item_statistics(qz.questions, frame(rows)).distractors
    table = {(r["question_id"], r["key"]): r for r in distractors.to_dict("records")}
    assert table[("s", "r g p d")]["count"] == 1 and table[("s", "rgpd")]["count"] == 1  # normalised, spacing kept
    assert table[("v", "42.5")]["count"] == 2 and table[("v", "42.5")]["correct"]
    assert table[("v", "41")]["count"] == 1 and not table[("v", "41")]["correct"]
    assert table[("o", "a > b > c")]["count"] == 2
    assert table[("o", "b > a > c")]["label"] == "Annotation > Collecte > Entraînement"
    # Most frequent first within a question.
    assert distractors[distractors["question_id"] == "v"]["key"].tolist() == ["42.5", "41"]


def test_older_versions_are_left_out_and_counted(qz: quiz.Quiz) -> None:
    rows = base_rows(qz)
    # L7 answered an older version of every question: left out entirely (3 responses).
    rows += [response(qz, 7, 7, qid, "x", question_hash="0" * 64) for qid in ("A", "B", "C")]
    # L8: an older version of A only, current B and C.
    rows += [response(qz, 8, 8, "A", "a", question_hash="f" * 64), response(qz, 8, 8, "B", "b")]
    rows += [response(qz, 8, 8, "C", ["a", "b"])]
    # A response to a question removed from the quiz.
    rows.append({**response(qz, 8, 8, "A", "a"), "question_id": "gone"})
    result = stats.item_statistics(qz.questions, frame(rows))
    assert row(result, "A")["left_out"] == 2 and row(result, "A")["n"] == 6
    assert row(result, "B")["left_out"] == 1 and row(result, "B")["n"] == 7
    assert result.left_out_total == 4
    assert result.quiz.removed == 1
    assert result.quiz.attempts == 7  # L8 counts with B and C; L7 has nothing current
    assert row(result, "A")["facility"] == pytest.approx(100 * 4 / 6)  # unchanged by the older responses


def test_first_or_all_attempts(qz: quiz.Quiz) -> None:
    rows = base_rows(qz)
    # L6 retakes the quiz a day later and gets everything right (attempt 9).
    later = T0 + timedelta(days=1)
    rows += [response(qz, 9, 6, qid, ans, at=later) for qid, ans in (("A", "a"), ("B", "b"), ("C", ["a", "b"]))]
    first = stats.item_statistics(qz.questions, frame(rows))
    assert first.quiz.attempts == 6
    assert row(first, "A")["facility"] == pytest.approx(100 * 4 / 6)
    every = stats.item_statistics(qz.questions, frame(rows), attempts="all")
    assert every.quiz.attempts == 7
    assert row(every, "A")["n"] == 7
    assert row(every, "A")["facility"] == pytest.approx(100 * 5 / 7)  # 71.43 %
    # The first attempt is the earliest submitted, whatever its id.
    swapped = [{**r, "submitted_at": T0 - timedelta(days=1)} if r["attempt_id"] == 9 else r for r in rows]
    retake_first = stats.item_statistics(qz.questions, frame(swapped))
    assert row(retake_first, "A")["facility"] == pytest.approx(100 * 5 / 6)
    with pytest.raises(ValueError, match="attempts"):
        stats.item_statistics(qz.questions, frame(rows), attempts="best")


def test_questions_not_drawn_are_missing_not_zero(qz: quiz.Quiz) -> None:
    rows = base_rows(qz)
    # L1 and L6 were not shown C (draw): their C rows disappear.
    rows = [r for r in rows if not (r["question_id"] == "C" and r["user_id"] in (1, 6))]
    result = stats.item_statistics(qz.questions, frame(rows))
    c = row(result, "C")
    # C over L2..L5: 0.5, 1, 0.5, 0 → n 4, facility 2/4 = 50 %.
    assert c["n"] == 4 and c["facility"] == pytest.approx(50.0)
    # The rest of the test is a percentage of the other questions' points: L1 scores (1 + 1)/2 = 100 %.
    assert result.quiz.mean == pytest.approx(100 * (2 / 2 + 2.5 / 3 + 2 / 3 + 1.5 / 3 + 1 / 3 + 0 / 2) / 6)
    # Alpha from pairwise covariances is still computable (every pair seen together at least twice).
    assert result.quiz.alpha is not None


def test_flags_with_too_few_responses(qz: quiz.Quiz) -> None:
    result = stats.item_statistics(qz.questions, frame(base_rows(qz)))
    assert result.questions["flags"].tolist() == [("not_enough_data",)] * 3
    lowered = stats.item_statistics(qz.questions, frame(base_rows(qz)), min_responses=5)
    assert lowered.questions["flags"].tolist() == [(), (), ()]  # F 66.7/50/50, D 23.2/22.4/59.4


@pytest.mark.parametrize(
    ("n", "facility", "discrimination", "flags"),
    [
        (9, 99.0, -50.0, ("not_enough_data",)),
        (10, 90.0, 20.0, ()),
        (10, 90.01, 35.0, ("too_easy",)),
        (10, 20.0, 35.0, ()),
        (10, 19.99, 35.0, ("too_hard",)),
        (10, 50.0, 19.99, ("weak_discrimination",)),
        (10, 50.0, 0.0, ("weak_discrimination",)),
        (10, 50.0, -0.01, ("negative_discrimination",)),
        (10, 100.0, math.nan, ("too_easy", "weak_discrimination")),
    ],
)
def test_flag_thresholds(n: int, facility: float, discrimination: float, flags: tuple[str, ...]) -> None:
    assert stats.item_flags(n, facility, discrimination) == flags


def test_every_flag_has_a_french_and_an_english_message() -> None:
    for code, (french, english) in stats.FLAG_MESSAGES.items():
        assert french and english and french != english, code
    assert "< 20 %" in stats.flag_message("too_hard", "en")
    assert stats.flag_message("too_easy") == stats.FLAG_MESSAGES["too_easy"][0]


def test_no_responses(qz: quiz.Quiz) -> None:
    result = stats.item_statistics(qz.questions, frame([]))
    assert result.quiz.attempts == 0 and result.quiz.mean is None and result.quiz.alpha is None
    assert result.questions["n"].tolist() == [0, 0, 0]
    assert result.questions["facility"].isna().all()
    assert result.distractors["count"].sum() == 0


def test_duplicate_responses_are_refused(qz: quiz.Quiz) -> None:
    rows = base_rows(qz)
    with pytest.raises(ValueError, match="several responses"):
        stats.item_statistics(qz.questions, frame([*rows, rows[0]]))


def test_pairwise_alpha_and_attempts_with_a_single_question() -> None:
    qz = quiz.parse("## X {#X .qru}\n\n- [x] oui\n- [ ] non\n\n## Y {#Y .qru}\n\n- [x] oui\n- [ ] non\n")
    x, y = qz.questions
    drawn = {1: {"X": 1, "Y": 1}, 2: {"X": 0, "Y": 0}, 3: {"X": 1, "Y": 0}, 4: {"X": 1}, 5: {"Y": 1}}
    rows = [
        {
            "attempt_id": n,
            "user_id": n,
            "submitted_at": T0,
            "question_id": qid,
            "question_hash": (x if qid == "X" else y).hash,
            "fraction": float(f),
        }
        for n, marks in drawn.items()
        for qid, f in marks.items()
    ]
    result = stats.item_statistics(qz.questions, pd.DataFrame(rows))
    # Var X over attempts 1-4 (1, 0, 1, 1): Σd² = 0.75, var 1/4. Var Y over 1, 2, 3, 5 (1, 0, 0, 1): var 1/3.
    # Cov over the attempts holding both (1-3): X 1, 0, 1 (mean ⅔), Y 1, 0, 0 (mean ⅓):
    # Σ = ⅓·⅔ + (−⅔)(−⅓) + ⅓·(−⅓) = 1/3; cov = 1/6.
    # alpha = 2·(1 − (1/4 + 1/3) / (1/4 + 1/3 + 2·1/6)) = 2·(1 − 7/11) = 8/11.
    assert result.quiz.alpha == pytest.approx(8 / 11)
    # X: n 4, facility 75 %; its discrimination uses attempts 1-3 only (attempt 4 has no rest of test):
    # devs X ⅓, −⅔, ⅓ and Y ⅔, −⅓, −⅓: Σxy = 1/3, Σx² = Σy² = 6/9: r = (1/3)/(6/9) = 0.5.
    row_x = row(result, "X")
    assert (row_x["n"], row_x["facility"]) == (4, pytest.approx(75.0))
    assert row_x["discrimination"] == pytest.approx(50.0)


def test_random_guess_scores_of_other_types() -> None:
    qz = quiz.parse(
        "## O {#o .ordre}\n\n1. un\n2. deux\n3. trois\n\n"
        "## P {#p .ordre partial=true}\n\n1. un\n2. deux\n3. trois\n4. quatre\n\n"
        "## A {#a .association}\n\n- FHIR => Échange\n- DICOM => Images\n- => Facturation\n\n"
        "## T {#t .tcs}\n\n- -2 {panel=0}\n- -1 {panel=1}\n- 0 {panel=6}\n- +1 {panel=3}\n- +2 {panel=0}\n\n"
        "## S {#s .qroc}\n\n- [x] RGPD\n"
    )
    o, p, a, t, s = qz.questions
    assert stats.random_guess_score(o) == pytest.approx(1 / 6)  # one right order of 3! = 6
    # Partial credit: the mean grade over the 24 orders, graded by the engine, is one half.
    orders = list(itertools.permutations(["a", "b", "c", "d"]))
    assert sum(quiz.grade(p, list(order)) for order in orders) / len(orders) == pytest.approx(0.5)
    assert stats.random_guess_score(p) == pytest.approx(0.5)
    assert stats.random_guess_score(a) == pytest.approx(1 / 3)  # three right-hand choices
    # TCS: credits 0, 1/6, 1, 3/6, 0 (panel / largest panel): mean (1/6 + 1 + 1/2) / 5 = 1/3.
    assert stats.random_guess_score(t) == pytest.approx(1 / 3)
    assert stats.random_guess_score(s) is None
