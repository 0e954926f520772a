"""Plausible right and wrong responses to any question, in the engine's response shapes.

Used by the demo data generator and the benchmarks to simulate learners; tests use it to answer quizzes.
"""

from __future__ import annotations

import random
from typing import Any

from quiz import Option, Question, point_in_zone


def correct_response(question: Question) -> Any:
    """A response that earns the full points of `question`."""
    options = question.options
    kind = question.type
    if kind == "qru":
        return next(o.id for o in options if o.correct)
    if kind == "qrm":
        return [o.id for o in options if o.correct]
    if kind == "qroc":
        accepted = [o.text for o in options if o.correct and not _is_regex(o.text)]
        return accepted[0] if accepted else ""
    if kind == "numerique":
        return str(options[0].value)
    if kind == "ordre":
        return [o.id for o in options]
    if kind == "association":
        return {o.id: o.match for o in options if o.text}
    if kind == "tcs":
        best = max(options, key=lambda o: o.panel)
        return int(best.value)
    if kind == "zone":
        return [list(zone_centre(zone)) for zone in question.zones]
    raise ValueError(f"unknown question type {kind!r}")


def wrong_response(question: Question, rng: random.Random) -> Any:
    """A typical mistake on `question` (earns less than the full points)."""
    options = question.options
    kind = question.type
    if kind == "qru":
        return rng.choice([o.id for o in options if not o.correct])
    if kind == "qrm":
        chosen = {o.id for o in options if o.correct}
        for option in rng.sample(list(options), k=min(len(options), rng.choice((1, 1, 2, 3)))):
            chosen ^= {option.id}
        if chosen == {o.id for o in options if o.correct}:
            chosen ^= {options[0].id}
        return sorted(chosen)
    if kind == "qroc":
        known_wrong = [o.text for o in options if not o.correct]
        return rng.choice(known_wrong) if known_wrong else "je ne sais pas"
    if kind == "numerique":
        return str(float(options[0].value) * 2 + 1 + options[0].tolerance)
    if kind == "ordre":
        ids = [o.id for o in options]
        i = rng.randrange(len(ids) - 1)
        ids[i], ids[i + 1] = ids[i + 1], ids[i]
        return ids
    if kind == "association":
        pairs = [o for o in options if o.text]
        rights = [o.match for o in pairs]
        rotated = rights[1:] + rights[:1]
        return {o.id: right for o, right in zip(pairs, rotated, strict=True)}
    if kind == "tcs":
        best = max(options, key=lambda o: o.panel)
        return rng.choice([int(o.value) for o in options if o.panel < best.panel] or [int(best.value)])
    if kind == "zone":
        points = [list(zone_centre(zone)) for zone in question.zones]
        return [*points[1:], list(_outside(question))]
    raise ValueError(f"unknown question type {kind!r}")


def zone_centre(zone: Option) -> tuple[float, float]:
    """A point inside a zone: the centre of a rectangle or circle, the vertex mean of a convex polygon
    (else its first vertex, which is on its edge and so inside)."""
    c = zone.coords
    if zone.shape == "rect":
        return (c[0] + c[2]) / 2, (c[1] + c[3]) / 2
    if zone.shape == "circle":
        return c[0], c[1]
    xs, ys = c[0::2], c[1::2]
    mean = sum(xs) / len(xs), sum(ys) / len(ys)
    return mean if point_in_zone(zone, *mean) else (xs[0], ys[0])


def _outside(question: Question) -> tuple[float, float]:
    """A point in none of the zones to point (scanning from the top-left corner)."""
    for y in range(0, 2000, 7):
        for x in range(0, 2000, 7):
            if not any(point_in_zone(zone, x, y) for zone in question.zones):
                return float(x), float(y)
    return 1e6, 1e6


def _is_regex(text: str) -> bool:
    return len(text) >= 2 and text.startswith("/") and text.endswith("/")
