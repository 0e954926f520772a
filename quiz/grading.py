"""Grading: the fraction of a question's points a response earns, certainty marks and feedback.

Every function here is total on responses: a response that is empty, of the wrong shape or that names
unknown options grades 0 and never raises. Response shapes (docs/quiz-format.md):

- qru: an option id (`"b"`); qrm: a list, tuple or set of option ids;
- qroc: a string; numerique: a number or a numeric string (`"42,5"`);
- ordre: a list or tuple of every option id, in the learner's order;
- association: a mapping {left option id: chosen right-hand text}; tcs: an int from -2 to 2;
- zone: the points clicked, a list of [x, y] pairs in image pixels (one point: `[[x, y]]`).

`response_problem` tells an answer that cannot be graded as the learner meant it (a numeric answer that is
not a number, a QROC answer over its word limit, an ordering with gaps or repeats): such an answer does
not count as answered.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from quiz.model import Option, Question

EDN_FRACTIONS: dict[int, float] = {0: 1.0, 1: 0.5, 2: 0.2}
"""QRM fraction by number of discordances (EDN rule); three or more discordances give 0."""

CERTAINTY_RIGHT: tuple[float, float, float] = (1.0, 2.0, 3.0)
CERTAINTY_WRONG: tuple[float, float, float] = (0.0, -2.0, -6.0)

MAX_QROC_LENGTH = 200
"""A QROC answer longer than this (in characters) grades 0: a QROC answer is at most five words."""

MAX_QROC_WORDS = 5
"""The word limit of a QROC answer, counted after normalisation (`l'IA` is two words)."""

MAX_ZONE_POINTS = 20
"""A zone response with more points than this grades 0 (nobody points twenty regions of one image)."""

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_GROUP_SEPARATOR_RE = re.compile(r"(?<=[0-9])[ \u00a0\u202f\u2009](?=[0-9]{3}(?![0-9]))")


def normalize_text(text: str) -> str:
    """QROC normalisation: lower case, no accents or ligatures, punctuation as spaces, single spaces.

    >>> normalize_text("  L'Intelligence   artificielle ! ")
    'l intelligence artificielle'
    """
    folded = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    chars: list[str] = []
    for char in folded:
        category = unicodedata.category(char)
        if category in ("Mn", "Me", "Cf"):
            continue  # accents and invisible formatting characters
        if category[0] in "PSZ" or category == "Cc":
            chars.append(" ")  # punctuation, symbols, separators and control characters
        else:
            chars.append(char)
    return " ".join("".join(chars).split())


def parse_number(text: str) -> float | None:
    """A finite number written with a decimal point or comma (`"42,5"`, `"-1.5e3"`, `"1 000"`), or None."""
    if not isinstance(text, str) or len(text) > 100:
        return None
    cleaned = _GROUP_SEPARATOR_RE.sub("", text.strip().replace("\u2212", "-"))
    if not _NUMBER_RE.fullmatch(cleaned):
        return None
    try:
        value = float(cleaned.replace(",", "."))
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def is_regex_answer(text: str) -> bool:
    """True when a QROC answer is written as a regular expression, `/…/`."""
    return len(text) >= 2 and text.startswith("/") and text.endswith("/")


@functools.lru_cache(maxsize=1024)
def compile_answer_regex(text: str) -> re.Pattern[str] | None:
    """The case-insensitive pattern of a `/…/` answer, or None when it is empty or invalid."""
    body = text[1:-1]
    if not body:
        return None
    try:
        return re.compile(body, re.IGNORECASE)
    except (re.error, OverflowError, RecursionError, ValueError):
        return None


def answer_matches(option_text: str, raw: str, normalized: str) -> bool:
    """Whether a QROC answer (`raw`, already stripped, and its normalised form) matches an option."""
    if is_regex_answer(option_text):
        pattern = compile_answer_regex(option_text)
        return pattern is not None and bool(pattern.fullmatch(normalized) or pattern.fullmatch(raw))
    expected = normalize_text(option_text).replace(" ", "")  # spacing is ignored: "R.G.P.D." is "RGPD"
    return bool(expected) and expected == normalized.replace(" ", "")


def grade(question: Question, response: Any) -> float:
    """The fraction of the question's points the response earns, in [0, 1]; never raises."""
    grader = _GRADERS.get(getattr(question, "type", None))
    if grader is None:
        return 0.0
    try:
        fraction = float(grader(question, response))
    except Exception:  # a response object misbehaving (e.g. a Mapping whose get() raises) grades 0
        return 0.0
    if math.isnan(fraction):
        return 0.0
    return min(1.0, max(0.0, fraction))


def response_problem(question: Question, response: Any) -> str | None:
    """Why `response` is not a usable answer to `question`, or None when it is (or is simply empty).

    The reasons: `not_a_number` (numerique: text that is not a number), `too_many_words` (qroc: more than
    MAX_QROC_WORDS words), `incomplete_order` (ordre: a position left empty) and `repeated_item` (ordre:
    an item placed twice). The page shows them next to the input; an answer with a problem is not
    counted as answered, and is graded as no answer.
    """
    kind = getattr(question, "type", None)
    if kind == "numerique" and isinstance(response, str) and response.strip():
        return None if parse_number(response) is not None else "not_a_number"
    if kind == "qroc" and isinstance(response, str) and response.strip():
        too_long = len(response.strip()) > MAX_QROC_LENGTH
        return "too_many_words" if too_long or len(normalize_text(response).split()) > MAX_QROC_WORDS else None
    if kind == "ordre" and isinstance(response, (list, tuple)) and any(x is not None for x in response):
        placed = [x for x in response if x is not None]
        if len(set(placed)) != len(placed):
            return "repeated_item"
        if len(placed) != len(response) or len(response) != len(question.options):
            return "incomplete_order"
    return None


def point_in_zone(option: Option, x: float, y: float) -> bool:
    """Whether the point (x, y), in image pixels, lies in a zone; points on the edge are inside."""
    c = option.coords
    if option.shape == "rect" and len(c) == 4:
        return c[0] <= x <= c[2] and c[1] <= y <= c[3]
    if option.shape == "circle" and len(c) == 3:
        return (x - c[0]) ** 2 + (y - c[1]) ** 2 <= c[2] ** 2 + 1e-9
    if option.shape == "poly" and len(c) >= 6 and len(c) % 2 == 0:
        vertices = list(zip(c[0::2], c[1::2], strict=True))
        inside = False
        for (x1, y1), (x2, y2) in zip(vertices, vertices[1:] + vertices[:1], strict=True):
            if _on_segment(x, y, x1, y1, x2, y2):
                return True
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside
    return False


def zone_points(response: Any) -> list[tuple[float, float]] | None:
    """The points of a zone response (a list of [x, y] pairs, or one [x, y] pair), or None if malformed."""
    if isinstance(response, (list, tuple)) and len(response) == 2 and all(_is_real(v) for v in response):
        response = [response]
    if not isinstance(response, (list, tuple)) or len(response) > MAX_ZONE_POINTS:
        return None
    points = []
    for point in response:
        if not isinstance(point, (list, tuple)) or len(point) != 2 or not all(_is_real(v) for v in point):
            return None
        points.append((float(point[0]), float(point[1])))
    return points


def zone_of_point(question: Question, x: float, y: float) -> Option | None:
    """The zone a point falls in: the first zone to point that holds it, else the first named wrong one."""
    for wanted in (True, False):
        for option in question.options:
            if option.correct is wanted and point_in_zone(option, x, y):
                return option
    return None


def certainty_mark(fraction: float, certainty: int) -> float:
    """Certainty-based mark `f·R[c] + (1−f)·W[c]`, R = (1, 2, 3), W = (0, −2, −6).

    Raises ValueError when `certainty` is not 1, 2 or 3 or `fraction` is not in [0, 1].
    """
    if isinstance(certainty, bool) or not isinstance(certainty, numbers.Integral) or certainty not in (1, 2, 3):
        raise ValueError(f"certainty must be 1, 2 or 3, not {certainty!r}")
    f = float(fraction)
    if not 0.0 <= f <= 1.0:
        raise ValueError(f"fraction must be in [0, 1], not {fraction!r}")
    c = int(certainty) - 1
    return f * CERTAINTY_RIGHT[c] + (1.0 - f) * CERTAINTY_WRONG[c]


def feedback_for(question: Question, response: Any) -> list[str]:
    """Option feedback to show after answering.

    qru/qrm: the feedback of the chosen options, in written order. qroc: the feedback of the answer the
    response matched (an accepted answer, else a known wrong answer). Other types: [].
    """
    try:
        if question.type == "qru":
            chosen = {response} if isinstance(response, str) else set()
        elif question.type == "qrm":
            chosen = _id_set(response) or set()
        elif question.type == "qroc":
            option = qroc_match(question, response)
            return [option.feedback] if option is not None and option.feedback else []
        elif question.type == "zone":
            hit = [zone_of_point(question, x, y) for x, y in zone_points(response) or []]
            chosen = {option.id for option in hit if option is not None}
        else:
            return []
        return [option.feedback for option in question.options if option.id in chosen and option.feedback]
    except Exception:  # same contract as grade(): a strange response never breaks a results page
        return []


def qroc_match(question: Question, response: Any) -> Option | None:
    """The QROC option a response matches: the first accepted answer, else the first known wrong one."""
    if not isinstance(response, str):
        return None
    raw = response.strip()
    if not raw or len(raw) > MAX_QROC_LENGTH:
        return None
    normalized = normalize_text(raw)
    for wanted in (True, False):
        for option in question.options:
            if option.correct is wanted and answer_matches(option.text, raw, normalized):
                return option
    return None


def correct_answer_text(question: Question) -> str:
    """A short Markdown statement of the correct answer, for results screens."""
    options = question.options
    if question.type == "qru":
        return next((_one_line(o.text) for o in options if o.correct), "")
    if question.type == "qrm":
        return "\n".join(f"- {_one_line(o.text)}" for o in options if o.correct)
    if question.type == "qroc":
        accepted = [o.text for o in options if o.correct]
        plain = [_one_line(text) for text in accepted if not is_regex_answer(text)]
        return " / ".join(plain) if plain else " / ".join(f"`{text}`" for text in accepted)
    if question.type == "numerique":
        return _numeric_answer(question)
    if question.type == "ordre":
        return "\n".join(f"{n}. {_one_line(o.text)}" for n, o in enumerate(options, start=1))
    if question.type == "association":
        return "\n".join(f"- {_one_line(o.text)} → {_one_line(o.match)}" for o in options if o.text)
    if question.type == "zone":
        return "\n".join(f"- {_zone_name(question, o)}" for o in question.zones) if len(question.zones) > 1 else (
            _zone_name(question, question.zones[0]) if question.zones else "")
    if question.type == "tcs":
        best = [o for o in options if o.correct]
        return " / ".join(f"{_signed(o.value)} ({_one_line(o.text)})" if o.text else _signed(o.value) for o in best)
    return ""


# --- graders, one per type ------------------------------------------------------------------------


def _grade_qru(question: Question, response: Any) -> float:
    if not isinstance(response, str):
        return 0.0
    return 1.0 if any(o.correct and o.id == response for o in question.options) else 0.0


def _grade_qrm(question: Question, response: Any) -> float:
    ticked = _id_set(response)
    if not ticked:
        return 0.0
    known = {o.id for o in question.options}
    discordances = len(ticked - known)  # an unknown id is a wrongly ticked option
    for option in question.options:
        chosen = option.id in ticked
        if (chosen and option.inacceptable) or (not chosen and option.indispensable):
            return 0.0
        if chosen != option.correct:
            discordances += 1
    return EDN_FRACTIONS.get(discordances, 0.0)


def _grade_qroc(question: Question, response: Any) -> float:
    option = qroc_match(question, response)
    return 1.0 if option is not None and option.correct else 0.0


def _grade_numerique(question: Question, response: Any) -> float:
    answer = _response_number(response)
    expected = next((o for o in question.options if o.correct and o.value is not None), None)
    if answer is None or expected is None:
        return 0.0
    value = float(expected.value)
    slack = 1e-9 * max(1.0, abs(value))  # binary floating point: 42.0 vs 42.5 ± 0.5 must pass
    return 1.0 if abs(answer - value) <= expected.tolerance + slack else 0.0


def _grade_ordre(question: Question, response: Any) -> float:
    expected = [o.id for o in question.options]
    if not isinstance(response, (list, tuple)) or not all(isinstance(x, str) for x in response):
        return 0.0
    if len(response) != len(expected) or set(response) != set(expected):
        return 0.0  # not a permutation of the items
    if list(response) == expected:
        return 1.0
    if not question.partial:
        return 0.0
    position = {option_id: n for n, option_id in enumerate(response)}
    count = len(expected)
    discordant = sum(
        1 for i in range(count) for j in range(i + 1, count) if position[expected[i]] > position[expected[j]]
    )
    return 1.0 - discordant / (count * (count - 1) / 2)


def _grade_association(question: Question, response: Any) -> float:
    if not isinstance(response, Mapping):
        return 0.0
    pairs = [o for o in question.options if o.text and o.match]
    if not pairs:
        return 0.0
    right = 0
    for option in pairs:
        chosen = response.get(option.id)
        if isinstance(chosen, str) and chosen.strip() == option.match:
            right += 1
    return right / len(pairs)


def _grade_tcs(question: Question, response: Any) -> float:
    if isinstance(response, bool) or not isinstance(response, numbers.Integral) or not -2 <= response <= 2:
        return 0.0
    top = max((o.panel for o in question.options), default=0)
    if top <= 0:
        return 0.0
    return next((o.panel / top for o in question.options if o.value == response), 0.0)


def _grade_zone(question: Question, response: Any) -> float:
    points = zone_points(response)
    zones = question.zones
    if not points or not zones:
        return 0.0
    if len(zones) == 1:
        return 1.0 if len(points) == 1 and point_in_zone(zones[0], *points[0]) else 0.0
    missed = sum(1 for zone in zones if not any(point_in_zone(zone, x, y) for x, y in points))
    stray = sum(1 for x, y in points if not any(point_in_zone(zone, x, y) for zone in zones))
    return EDN_FRACTIONS.get(missed + stray, 0.0)


_GRADERS: dict[Any, Callable[[Question, Any], float]] = {
    "qru": _grade_qru,
    "qrm": _grade_qrm,
    "qroc": _grade_qroc,
    "numerique": _grade_numerique,
    "ordre": _grade_ordre,
    "association": _grade_association,
    "tcs": _grade_tcs,
    "zone": _grade_zone,
}


# --- helpers --------------------------------------------------------------------------------------


def _id_set(response: Any) -> set[str] | None:
    """The option ids of a collection response, or None when it is not a collection of strings."""
    if not isinstance(response, (list, tuple, set, frozenset)):
        return None
    if not all(isinstance(x, str) for x in response):
        return None
    return set(response)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))


def _on_segment(x: float, y: float, x1: float, y1: float, x2: float, y2: float) -> bool:
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    if abs(cross) > 1e-9 * max(1.0, abs(x2 - x1) + abs(y2 - y1)):
        return False
    return min(x1, x2) - 1e-9 <= x <= max(x1, x2) + 1e-9 and min(y1, y2) - 1e-9 <= y <= max(y1, y2) + 1e-9


def _zone_name(question: Question, option: Option) -> str:
    """A zone as learners read it: its label, else « zone N »."""
    if option.text:
        return _one_line(option.text)
    return f"zone {[o.id for o in question.options].index(option.id) + 1}"


def _response_number(response: Any) -> float | None:
    if isinstance(response, bool):
        return None
    if isinstance(response, str):
        return parse_number(response)
    if isinstance(response, numbers.Real):
        try:
            value = float(response)
        except (OverflowError, ValueError):
            return None
        return value if math.isfinite(value) else None
    return None


def _numeric_answer(question: Question) -> str:
    option = next((o for o in question.options if o.correct), None)
    if option is None:
        return ""
    text = option.text + (f" {question.unit}" if question.unit else "")
    if option.tolerance:
        tolerance = format(option.tolerance, ".15g")
        if "," in option.text:
            tolerance = tolerance.replace(".", ",")
        text += f" (± {tolerance})"
    return text


def _signed(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())
