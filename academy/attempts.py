"""What an attempt shows: the questions drawn and the option order, fixed once per attempt.

A layout is a plain JSON-able dict stored with the attempt, so a refresh or a resumed session shows
exactly the same attempt:

    {"questions": ["q1", "dp-1", "dp-2", …], "options": {"q1": ["b", "a", "c"], …}}
"""

from __future__ import annotations

import random
from typing import Any

from quiz import Question, Quiz

# Display order must never give the answer away: an ordering question is always shuffled, and the
# right-hand column of a matching question is always shuffled.
_ALWAYS_SHUFFLED = {"ordre"}
_SHUFFLED_ON_REQUEST = {"qru", "qrm"}


def build_layout(qz: Quiz, seed: int) -> dict[str, Any]:
    """Draw the questions and fix each question's option order for one attempt, from `seed`."""
    rng = random.Random(seed)
    drawn = [[question.id for question in unit] for unit in qz.draw_units()]
    draw = qz.settings.draw
    if draw and draw < len(drawn):
        kept = sorted(rng.sample(range(len(drawn)), draw))
        drawn = [drawn[i] for i in kept]
    question_ids = [qid for unit in drawn for qid in unit]
    options: dict[str, list[str]] = {}
    for qid in question_ids:
        question = qz.question(qid)
        ids = [option.id for option in question.options]
        if question.type in _ALWAYS_SHUFFLED or (qz.settings.shuffle and question.type in _SHUFFLED_ON_REQUEST):
            rng.shuffle(ids)
            if question.type in _ALWAYS_SHUFFLED and len(ids) > 1 and ids == sorted(ids):
                ids = ids[1:] + ids[:1]  # never show an ordering question already in order
        options[qid] = ids
    rights = {qid: _shuffled_rights(qz.question(qid), rng) for qid in question_ids
              if qz.question(qid).type == "association"}
    return {"questions": question_ids, "options": options, "rights": rights}


def _shuffled_rights(question: Question, rng: random.Random) -> list[str]:
    rights = list(question.match_choices)
    rng.shuffle(rights)
    return rights


def layout_questions(qz: Quiz, layout: dict[str, Any]) -> list[Question]:
    """The questions of a layout that still exist in the quiz, in layout order."""
    known = {question.id: question for question in qz.questions}
    return [known[qid] for qid in layout.get("questions", []) if qid in known]


def is_answered(question: Question, response: Any) -> bool:
    """True when `response` holds an actual answer for `question` (blank text or nothing is not)."""
    if response is None:
        return False
    if isinstance(response, str):
        return bool(response.strip())
    if isinstance(response, list | tuple | set | dict):
        return len(response) > 0
    return True
