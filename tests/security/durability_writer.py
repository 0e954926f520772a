"""A busy writer for the durability test: learners read lessons and take attempts until it is killed.

Run as ``python durability_writer.py DATABASE_URL CONTENT_DIR SEED``; prints one line per submitted attempt.
"""

from __future__ import annotations

import random
import secrets
import sys

from academy.content.catalog import load_catalog
from academy.learning import progress
from academy.learning.responses import correct_response, wrong_response
from academy.store import db


def main(url: str, content: str, seed: int) -> None:
    engine = db.make_engine(url)
    module = load_catalog(content).modules[0]
    qz = module.quiz
    rng = random.Random(seed)
    user_ids = [int(value) for value in sys.stdin.readline().split()]
    while True:
        user_id = rng.choice(user_ids)
        lesson = rng.choice(module.lessons)
        progress.record_lesson_view(engine, user_id, module.id, lesson.id, seconds=rng.randint(5, 90))
        attempt_id = progress.start_attempt(engine, user_id=user_id, module_id=module.id, kind="review", quiz=qz,
                                            start_token=secrets.token_hex(8))
        answers = {q.id: correct_response(q) if rng.random() < 0.6 else wrong_response(q, rng)
                   for q in qz.questions if q.case is None}
        progress.save_answers(engine, attempt_id, answers)
        progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.5)
        print(attempt_id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
