"""Grading of every question type, certainty marks, feedback and correct-answer texts."""

from __future__ import annotations

import math
from typing import Any

import pytest

import quiz
from quiz import Question


def question(text: str) -> Question:
    (parsed,) = quiz.parse(text).questions
    return parsed


QRU = question("## Q {#q .qru}\n\n- [ ] A\n  > Non.\n- [x] B\n  > Oui.\n- [ ] C\n")

# five options: a, b, c correct; d, e wrong
QRM = question("## Q {#q .qrm}\n\n- [x] A\n- [x] B\n- [x] C\n- [ ] D\n  > Non.\n- [ ] E\n")
QRM_EDN = question(
    "## Q {#q .qrm}\n\n- [x] A {.indispensable}\n- [x] B\n- [ ] C {.inacceptable}\n  > Jamais.\n- [ ] D\n"
)
QROC = question(
    "## Q {#q .qroc}\n\n- [x] RGPD\n- [x] /r[eè]glement g[eé]n[eé]ral sur la protection des donn[eé]es/\n"
    "- [x] Intelligence artificielle\n- [ ] CNIL\n  > La CNIL est l'autorité de contrôle.\n"
)
NUMERIQUE = question("## Q {#q .numerique unit=%}\n\n- [x] 42,5 {tolerance=0.5}\n")
EXACT_NUMBER = question("## Q {#q .numerique}\n\n- [x] 1000\n")
ORDRE = question("## Q {#q .ordre}\n\n1. A\n2. B\n3. C\n4. D\n")
ORDRE_PARTIAL = question("## Q {#q .ordre partial=true}\n\n1. A\n2. B\n3. C\n4. D\n")
ASSOCIATION = question(
    "## Q {#q .association}\n\n- FHIR => Échange de données cliniques\n- DICOM => Images médicales\n"
    "- => Facturation des actes\n"
)
TCS = question(
    "## Q {#q .tcs}\n\n- -2 {panel=0}\n- -1 {panel=1}\n- 0 {panel=6}\n- +1 Renforcée {panel=3}\n- +2 {panel=0}\n"
)
ALL = [QRU, QRM, QRM_EDN, QROC, NUMERIQUE, ORDRE, ORDRE_PARTIAL, ASSOCIATION, TCS]


def test_qru() -> None:
    assert quiz.grade(QRU, "b") == 1.0
    assert quiz.grade(QRU, "a") == 0.0
    assert quiz.grade(QRU, "z") == 0.0


@pytest.mark.parametrize(
    ("ticked", "expected"),
    [
        ({"a", "b", "c"}, 1.0),  # 0 discordances
        ({"a", "b"}, 0.5),  # 1: c missed
        ({"a", "b", "c", "d"}, 0.5),  # 1: d ticked
        ({"a", "b", "d"}, 0.2),  # 2
        ({"a"}, 0.2),  # 2: b, c missed
        ({"a", "d", "e"}, 0.0),  # 4
        ({"d", "e"}, 0.0),  # 5
        ({"a", "b", "c", "d", "e"}, 0.2),  # 2
    ],
)
def test_qrm_edn_discordances(ticked: set[str], expected: float) -> None:
    assert quiz.grade(QRM, ticked) == expected
    assert quiz.grade(QRM, sorted(ticked)) == expected
    assert quiz.grade(QRM, tuple(ticked)) == expected


def test_qrm_indispensable_missed_or_inacceptable_ticked_gives_zero() -> None:
    assert quiz.grade(QRM_EDN, ["a", "b"]) == 1.0
    assert quiz.grade(QRM_EDN, ["a"]) == 0.5  # b missed: one discordance
    assert quiz.grade(QRM_EDN, ["a", "d"]) == 0.2  # b missed and d ticked: two discordances
    assert quiz.grade(QRM_EDN, ["b"]) == 0.0  # a is indispensable
    assert quiz.grade(QRM_EDN, ["a", "b", "c"]) == 0.0  # c is inacceptable
    assert quiz.grade(QRM_EDN, ["a", "b", "d"]) == 0.5


def test_qrm_empty_duplicates_and_unknown_ids() -> None:
    assert quiz.grade(QRM, []) == 0.0
    assert quiz.grade(QRM, set()) == 0.0
    assert quiz.grade(QRM, ["a", "a", "b", "b", "c"]) == 1.0  # duplicates count once
    assert quiz.grade(QRM, ["a", "b", "c", "zz"]) == 0.5  # an unknown id is a wrong tick
    assert quiz.grade(QRM, "abc") == 0.0  # a string is not a collection of ids


@pytest.mark.parametrize(
    "answer",
    ["RGPD", "rgpd", " R.G.P.D. ", "Rgpd !", "intelligence-artificielle", "INTELLIGENCE  ARTIFICIELLE",
     "Règlement général sur la protection des données", "reglement general sur la protection des donnees",
     "RÈGLEMENT GÉNÉRAL SUR LA PROTECTION DES DONNÉES."],
)
def test_qroc_accepted_after_normalisation(answer: str) -> None:
    assert quiz.grade(QROC, answer) == 1.0


@pytest.mark.parametrize("answer", ["CNIL", "RGPD 2016", "reglement general", "", "   ", "R" * 500, "GDPR"])
def test_qroc_rejected(answer: str) -> None:
    assert quiz.grade(QROC, answer) == 0.0


def test_normalize_text() -> None:
    assert quiz.normalize_text("  L'Intelligence   Artificielle ! ") == "l intelligence artificielle"
    assert quiz.normalize_text("Œdème CŒUR") == "oedeme coeur"
    assert quiz.normalize_text("É\u0301tat\tdes—lieux") == "etat des lieux"
    assert quiz.normalize_text("") == ""


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("42,5", 1.0), ("42.5", 1.0), (42.5, 1.0), (42, 1.0), ("43", 1.0), (" 42,0 ", 1.0), (43.0, 1.0),
     ("41,9", 0.0), (43.01, 0.0), ("-42,5", 0.0), ("abc", 0.0), ("", 0.0), (None, 0.0), (True, 0.0),
     (math.nan, 0.0), (math.inf, 0.0), ("42,5 %", 0.0), (10**400, 0.0)],
)
def test_numerique_tolerance_and_decimal_comma(answer: Any, expected: float) -> None:
    assert quiz.grade(NUMERIQUE, answer) == expected


def test_numerique_without_tolerance_and_grouped_thousands() -> None:
    assert quiz.grade(EXACT_NUMBER, "1 000") == 1.0
    assert quiz.grade(EXACT_NUMBER, "1\u202f000") == 1.0
    assert quiz.grade(EXACT_NUMBER, "1e3") == 1.0
    assert quiz.grade(EXACT_NUMBER, 1000.001) == 0.0


def test_parse_number() -> None:
    assert quiz.parse_number("−1,5") == -1.5
    assert quiz.parse_number("+2") == 2.0
    assert quiz.parse_number(",5") == 0.5
    assert quiz.parse_number("1,5,5") is None
    assert quiz.parse_number("1e999") is None
    assert quiz.parse_number("12 34") is None


def test_ordre_exact() -> None:
    assert quiz.grade(ORDRE, ["a", "b", "c", "d"]) == 1.0
    assert quiz.grade(ORDRE, ("a", "b", "c", "d")) == 1.0
    assert quiz.grade(ORDRE, ["b", "a", "c", "d"]) == 0.0


def test_ordre_partial_kendall() -> None:
    # correct order a b c d; 6 pairs.
    assert quiz.grade(ORDRE_PARTIAL, ["a", "b", "c", "d"]) == 1.0
    assert quiz.grade(ORDRE_PARTIAL, ["b", "a", "c", "d"]) == pytest.approx(5 / 6)  # (a,b) discordant
    assert quiz.grade(ORDRE_PARTIAL, ["b", "a", "d", "c"]) == pytest.approx(4 / 6)  # (a,b), (c,d)
    assert quiz.grade(ORDRE_PARTIAL, ["d", "a", "b", "c"]) == pytest.approx(3 / 6)  # d before a, b, c
    assert quiz.grade(ORDRE_PARTIAL, ["d", "c", "b", "a"]) == 0.0


@pytest.mark.parametrize(
    "response", [["a", "b", "c"], ["a", "b", "c", "c"], ["a", "b", "c", "d", "d"], ["a", "b", "c", "z"], [],
                 "abcd", {"a", "b", "c", "d"}, [1, 2, 3, 4]],
)
def test_ordre_not_a_permutation_grades_zero(response: Any) -> None:
    assert quiz.grade(ORDRE_PARTIAL, response) == 0.0


def test_association_with_distractor() -> None:
    right = {"a": "Échange de données cliniques", "b": "Images médicales"}
    assert quiz.grade(ASSOCIATION, right) == 1.0
    assert quiz.grade(ASSOCIATION, {"a": "Échange de données cliniques", "b": "Facturation des actes"}) == 0.5
    assert quiz.grade(ASSOCIATION, {"a": "Images médicales", "b": "Échange de données cliniques"}) == 0.0
    assert quiz.grade(ASSOCIATION, {"a": "Échange de données cliniques"}) == 0.5
    assert quiz.grade(ASSOCIATION, {**right, "c": "Images médicales", "zz": 3}) == 1.0  # extra keys ignored
    assert quiz.grade(ASSOCIATION, {"a": 1, "b": None}) == 0.0
    assert quiz.grade(ASSOCIATION, {}) == 0.0
    assert ASSOCIATION.match_choices == ("Échange de données cliniques", "Images médicales", "Facturation des actes")


def test_tcs_panel_credits() -> None:
    credits = [quiz.grade(TCS, value) for value in (-2, -1, 0, 1, 2)]
    assert credits == pytest.approx([0.0, 1 / 6, 1.0, 1 / 2, 0.0])
    for response in (3, -3, "0", 0.0, True, None):
        assert quiz.grade(TCS, response) == 0.0


@pytest.mark.parametrize(
    ("fraction", "certainty", "expected"),
    [
        (1.0, 1, 1.0), (1.0, 2, 2.0), (1.0, 3, 3.0),
        (0.0, 1, 0.0), (0.0, 2, -2.0), (0.0, 3, -6.0),
        (0.5, 1, 0.5), (0.5, 2, 0.0), (0.5, 3, -1.5),  # 0.5*3 + 0.5*(-6)
        (0.2, 2, -1.2),  # 0.2*2 + 0.8*(-2)
        (0.2, 3, -4.2),  # 0.2*3 + 0.8*(-6)
    ],
)
def test_certainty_mark(fraction: float, certainty: int, expected: float) -> None:
    assert quiz.certainty_mark(fraction, certainty) == pytest.approx(expected)


@pytest.mark.parametrize("certainty", [0, 4, -1, True, 2.0, "2", None])
def test_certainty_mark_rejects_other_levels(certainty: Any) -> None:
    with pytest.raises(ValueError):
        quiz.certainty_mark(1.0, certainty)


WRONG_SHAPES: list[Any] = [None, "", [], {}, set(), (), 7, -9, 1.5, True, b"a", object(), ["a", ["b"]],
                           {"a": {"b": 1}}, [None], "a" * 10_000, float("nan"), [{}]]


@pytest.mark.parametrize("q", ALL, ids=lambda q: q.type + ("-partial" if q.partial else ""))
@pytest.mark.parametrize("response", WRONG_SHAPES, ids=lambda r: type(r).__name__)
def test_malformed_responses_grade_zero(q: Question, response: Any) -> None:
    assert quiz.grade(q, response) == 0.0
    assert isinstance(quiz.feedback_for(q, response), list)


def test_grade_never_raises_on_hostile_objects() -> None:
    class Hostile(dict[str, Any]):
        def get(self, key: object, default: object = None) -> Any:
            raise RuntimeError("boom")

    assert quiz.grade(ASSOCIATION, Hostile()) == 0.0
    assert quiz.grade(None, "a") == 0.0  # type: ignore[arg-type]


def test_feedback_for() -> None:
    assert quiz.feedback_for(QRU, "a") == ["Non."]
    assert quiz.feedback_for(QRU, "b") == ["Oui."]
    assert quiz.feedback_for(QRM, ["a", "d"]) == ["Non."]
    assert quiz.feedback_for(QRM_EDN, {"c"}) == ["Jamais."]
    assert quiz.feedback_for(QROC, "cnil") == ["La CNIL est l'autorité de contrôle."]
    assert quiz.feedback_for(QROC, "RGPD") == []
    assert quiz.feedback_for(QROC, "autre") == []
    assert quiz.feedback_for(TCS, 0) == []


def test_correct_answer_text() -> None:
    assert quiz.correct_answer_text(QRU) == "B"
    assert quiz.correct_answer_text(QRM) == "- A\n- B\n- C"
    assert quiz.correct_answer_text(QROC) == "RGPD / Intelligence artificielle"
    assert quiz.correct_answer_text(NUMERIQUE) == "42,5 % (± 0,5)"
    assert quiz.correct_answer_text(EXACT_NUMBER) == "1000"
    assert quiz.correct_answer_text(ORDRE) == "1. A\n2. B\n3. C\n4. D"
    assert quiz.correct_answer_text(ASSOCIATION) == (
        "- FHIR → Échange de données cliniques\n- DICOM → Images médicales"
    )
    assert quiz.correct_answer_text(TCS) == "0"
    regex_only = question("## Q {#q .qroc}\n\n- [x] /ab+/\n")
    assert quiz.correct_answer_text(regex_only) == "`/ab+/`"


def test_question_types_constant() -> None:
    assert quiz.QUESTION_TYPES == ("qru", "qrm", "qroc", "numerique", "ordre", "association", "tcs", "zone")
