"""A racer for test_quiz_integrity: waits for a "go" file, then starts or submits one attempt, and prints
what happened on one line.

Run as ``python quiz_race_worker.py DATABASE_URL QUIZ_FILE GO_FILE start USER_ID MODULE TOKEN`` or
``python quiz_race_worker.py DATABASE_URL QUIZ_FILE GO_FILE submit ATTEMPT_ID``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import quiz
from academy.learning import progress
from academy.store import db


def main(url: str, quiz_file: str, go_file: str, action: str, *args: str) -> None:
    engine = db.make_engine(url)
    qz = quiz.load(quiz_file)
    with db.read_connection(engine):
        pass  # connected before the race starts
    print("ready", flush=True)
    while not Path(go_file).exists():
        time.sleep(0.005)
    if action == "start":
        user_id, module_id, token = args
        try:
            attempt_id = progress.start_attempt(engine, user_id=int(user_id), module_id=module_id, kind="post",
                                                quiz=qz, start_token=token)
        except progress.AttemptLimitError as exc:
            print(f"refused {exc}", flush=True)
        else:
            print(f"started {attempt_id}", flush=True)
    else:
        result = progress.submit_attempt(engine, int(args[0]), qz, pass_mark=0.5)
        print(f"submitted {result.submitted_at.isoformat()} {result.score}", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
