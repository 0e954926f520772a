"""The `.zone` question (zones à pointer): parsing, grading inside / outside / on the edge, several zones with
EDN discordances, malformed shapes with their lines; and `quiz.response_problem` for the other types."""

from __future__ import annotations

import pytest

import quiz
from quiz.stats import OUTSIDE_ZONES, distractor_label, response_keys

ONE_ZONE = """## Fuite {#fuite .zone points=2}

Cliquez sur l'étape où la fuite entre.

![Chaîne de traitement](images/chaine.png)

- [x] rect 100,50 200,150 Normalisation
  > Oui.
- [ ] circle 400,100 30 Collecte
  > Non : la collecte.

> Explication.
"""

SEVERAL = """## Trois zones {#trois .zone}

![Schéma](schema.png "titre")

- [x] rect 0,0 100,100 Carré
- [x] circle 300,300 50 Disque
- [x] poly 500,0 600,0 550,100 Triangle
"""


def one() -> quiz.Question:
    return quiz.parse(ONE_ZONE).questions[0]


def several() -> quiz.Question:
    return quiz.parse(SEVERAL).questions[0]


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(quiz.QuizFormatError) as caught:
        quiz.parse(text, source="t.md")
    return [(issue.line, issue.message) for issue in caught.value.errors]


def test_a_zone_question_reads_its_image_and_shapes() -> None:
    q = one()
    assert q.type == "zone" and q.points == 2
    assert (q.image, q.image_alt) == ("images/chaine.png", "Chaîne de traitement")
    zone, wrong = q.options
    assert (zone.shape, zone.coords, zone.text, zone.correct, zone.feedback) == (
        "rect", (100.0, 50.0, 200.0, 150.0), "Normalisation", True, "Oui.")
    assert (wrong.shape, wrong.coords, wrong.correct) == ("circle", (400.0, 100.0, 30.0), False)
    assert q.zones == (zone,)
    assert several().options[2].coords == (500.0, 0.0, 600.0, 0.0, 550.0, 100.0)
    assert several().image == "schema.png"


@pytest.mark.parametrize(("point", "fraction"), [
    ((150, 100), 1.0),  # inside
    ((100, 50), 1.0),  # on a corner
    ((200, 120), 1.0),  # on the right edge
    ((150, 150), 1.0),  # on the bottom edge
    ((200.01, 100), 0.0),  # just outside
    ((99, 100), 0.0),
    ((400, 100), 0.0),  # in a named wrong region
])
def test_one_zone_is_right_or_wrong(point: tuple[float, float], fraction: float) -> None:
    assert quiz.grade(one(), [list(point)]) == fraction


def test_one_zone_accepts_one_point_only() -> None:
    assert quiz.grade(one(), [150, 100]) == 1.0  # a bare pair is one point
    assert quiz.grade(one(), [[150, 100], [160, 100]]) == 0.0  # two points for one zone


def test_edges_of_circles_and_polygons_are_inside() -> None:
    q = several()
    disc, triangle = q.options[1], q.options[2]
    assert quiz.point_in_zone(disc, 350, 300) and quiz.point_in_zone(disc, 300, 250)
    assert not quiz.point_in_zone(disc, 336, 336)  # (36² + 36²) > 50²
    assert quiz.point_in_zone(triangle, 550, 0)  # on the top edge
    assert quiz.point_in_zone(triangle, 525, 50)  # on a slanted edge
    assert quiz.point_in_zone(triangle, 550, 100)  # a vertex
    assert quiz.point_in_zone(triangle, 550, 40)
    assert not quiz.point_in_zone(triangle, 510, 60)


@pytest.mark.parametrize(("points", "fraction"), [
    ([[50, 50], [300, 300], [550, 30]], 1.0),  # every zone, nothing else
    ([[300, 300], [550, 30], [50, 50]], 1.0),  # any order
    ([[50, 50], [300, 300]], 0.5),  # one zone missed
    ([[50, 50], [300, 300], [550, 30], [800, 800]], 0.5),  # one stray point
    ([[50, 50], [60, 60], [300, 300], [550, 30]], 1.0),  # two points in one zone: no discordance
    ([[50, 50]], 0.2),  # two zones missed
    ([[50, 50], [300, 300], [900, 0]], 0.2),  # one missed, one stray
    ([[50, 50], [300, 300], [900, 0], [900, 10]], 0.0),  # one missed, two strays
    ([[900, 900]], 0.0),  # three zones missed and a stray point
    ([[50, 50], [800, 800], [810, 800], [820, 800]], 0.0),  # two missed + three strays
])
def test_several_zones_use_edn_discordances(points: list[list[float]], fraction: float) -> None:
    assert quiz.grade(several(), points) == fraction


@pytest.mark.parametrize("response", [
    None, "", [], {}, "150,100", [[150]], [[150, 100, 3]], [["150", "100"]], [[True, 100]],
    [[float("nan"), 100]], [[150, 100]] * (quiz.grading.MAX_ZONE_POINTS + 1), 42, {"x": 150, "y": 100},
])
def test_malformed_zone_responses_grade_zero(response: object) -> None:
    assert quiz.grade(one(), response) == 0.0
    assert quiz.grade(several(), response) == 0.0


def test_feedback_correct_answer_and_statistics_keys() -> None:
    q = one()
    assert quiz.feedback_for(q, [[150, 100]]) == ["Oui."]
    assert quiz.feedback_for(q, [[400, 100]]) == ["Non : la collecte."]
    assert quiz.feedback_for(q, [[900, 900]]) == []
    assert quiz.correct_answer_text(q) == "Normalisation"
    assert quiz.correct_answer_text(several()) == "- Carré\n- Disque\n- Triangle"
    assert response_keys(q, [[150, 100]]) == ("a",)
    assert response_keys(q, [[400, 100]]) == ("b",)
    assert response_keys(q, [[900, 900]]) == (OUTSIDE_ZONES,)
    assert distractor_label(q, "a") == "Normalisation"
    unnamed = quiz.parse("## Z {#z .zone}\n\n![a](b.png)\n\n- [x] rect 0,0 9,9\n").questions[0]
    assert distractor_label(unnamed, "a") == "zone 1"
    assert quiz.correct_answer_text(unnamed) == "zone 1"


def test_malformed_shapes_are_reported_with_their_lines() -> None:
    text = """## Zones {#z .zone}

![Schéma](schema.png)

- [x] rect 10,10 5,40
- [x] rect 10,10
- [x] circle 1,1
- [x] circle 1,1 0
- [x] poly 1,1 2,2 3,3
- [x] poly 1,1 2,2
- [x] square 1,1 3,3
- [x] rect -1,0 4,4
- [x] rect 1,1 4,4 {points=2}
"""
    errors = errors_of(text)
    lines = [line for line, _ in errors]
    assert lines == [5, 6, 7, 8, 9, 10, 11, 12, 13]
    messages = dict(errors)
    assert "below and to the right" in messages[5]
    assert "two corners" in messages[6]
    assert "centre and radius" in messages[7]
    assert "more than 0" in messages[8]
    assert "on one line" in messages[9]
    assert "three distinct vertices" in messages[10]
    assert "`rect X1,Y1 X2,Y2`" in messages[11]
    assert "negative" in messages[12]
    assert "no attributes" in messages[13]


def test_a_zone_question_needs_one_image_with_alt_text_and_a_zone_to_point() -> None:
    assert errors_of("## Z {#z .zone}\n\nCliquez.\n\n- [x] rect 0,0 9,9\n") == [
        (1, "a .zone question shows exactly one image in its stem, the one learners click on: "
            "`![description](images/figure.png)` (found 0)")]
    assert "found 2" in errors_of("## Z {#z .zone}\n\n![a](a.png)\n\n![b](b.png)\n\n- [x] rect 0,0 9,9\n")[0][1]
    assert "alt text" in errors_of("## Z {#z .zone}\n\n![](a.png)\n\n- [x] rect 0,0 9,9\n")[0][1]
    assert "at least one zone to point" in errors_of("## Z {#z .zone}\n\n![a](a.png)\n\n- [ ] rect 0,0 9,9\n")[0][1]
    assert "task items" in errors_of("## Z {#z .zone}\n\n![a](a.png)\n\n- rect 0,0 9,9\n")[0][1]


@pytest.mark.parametrize(("question", "response", "problem"), [
    ("## N {#n .numerique}\n\n- [x] 42,5\n", "quinze", "not_a_number"),
    ("## N {#n .numerique}\n\n- [x] 42,5\n", "42,5", None),
    ("## N {#n .numerique}\n\n- [x] 42,5\n", "1 000,5", None),
    ("## N {#n .numerique}\n\n- [x] 42,5\n", "  ", None),
    ("## N {#n .numerique}\n\n- [x] 42,5\n", "42 mg", "not_a_number"),
    ("## Q {#q .qroc}\n\n- [x] RGPD\n", "un deux trois quatre cinq", None),
    ("## Q {#q .qroc}\n\n- [x] RGPD\n", "un deux trois quatre cinq six sept huit", "too_many_words"),
    ("## Q {#q .qroc}\n\n- [x] RGPD\n", "l'IA c'est la vie", "too_many_words"),  # l IA c est la vie: 6
    ("## O {#o .ordre}\n\n1. A\n2. B\n3. C\n", ["b", "a", "c"], None),
    ("## O {#o .ordre}\n\n1. A\n2. B\n3. C\n", ["b", None, "c"], "incomplete_order"),
    ("## O {#o .ordre}\n\n1. A\n2. B\n3. C\n", ["b", "b", "c"], "repeated_item"),
    ("## O {#o .ordre}\n\n1. A\n2. B\n3. C\n", [None, None, None], None),  # nothing placed: just unanswered
])
def test_response_problems(question: str, response: object, problem: str | None) -> None:
    q = quiz.parse(question).questions[0]
    assert quiz.response_problem(q, response) == problem
    if problem is not None:
        assert quiz.grade(q, response) == 0.0
