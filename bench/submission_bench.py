"""Benchmark: quiz submissions with 8 concurrent writers on SQLite (DESIGN §6: ≥ 1,000/s, zero errors).

Run: `python bench/submission_bench.py [--writers 8] [--per-writer 250]`.

A submission is what the Submit button does: grade the 10 autosaved answers of an attempt, write its 10
response rows and record the score (`progress.submit_attempt`, one write transaction). The attempts and
their answers are prepared first (not timed); then each writer thread submits its own attempts while
the others do the same. A second figure times whole attempts (start, 10 autosaves, submit) to show the
cost of the autosave round trips.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import quiz
from academy.accounts import auth
from academy.learning import progress
from academy.learning.responses import correct_response
from academy.store import db

BAR_PER_SECOND = 1000
QUIZ = "\n\n".join(
    f"## Question {n} {{#q{n} .qrm}}\n\n- [x] Bonne réponse\n- [x] Autre bonne réponse\n- [ ] Distracteur\n"
    f"- [ ] Autre distracteur\n\n> Explication {n}."
    for n in range(1, 11)
)


def _accounts(engine, count: int) -> list[int]:
    password_hash = auth.hash_password("bench-password-not-used")
    ids = []
    for n in range(count):
        ids.append(auth.insert_account(engine, email=f"bench{n}@example.org", name=f"Bench {n}",
                                       password_hash=password_hash, roles={"learner"}).id)
    return ids


def _prepare(engine, qz: quiz.Quiz, user_ids: list[int], per_writer: int) -> list[list[int]]:
    answers = {q.id: correct_response(q) for q in qz.questions}
    batches = []
    for writer, user_id in enumerate(user_ids):
        batch = []
        for n in range(per_writer):
            attempt_id = progress.start_attempt(engine, user_id=user_id, module_id="bench", kind="post", quiz=qz,
                                                start_token=f"w{writer}-{n}")
            progress.save_answers(engine, attempt_id, answers)
            batch.append(attempt_id)
        batches.append(batch)
    return batches


def _run_threads(targets) -> tuple[float, list[BaseException]]:
    errors: list[BaseException] = []

    def guarded(target):
        def run():
            try:
                target()
            except BaseException as exc:  # a benchmark reports every failure rather than dying
                errors.append(exc)
        return run

    threads = [threading.Thread(target=guarded(target)) for target in targets]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--per-writer", type=int, default=250)
    args = parser.parse_args()
    qz = quiz.parse(QUIZ, source="bench.md")
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{folder}/bench.db")
        db.upgrade(engine)
        user_ids = _accounts(engine, args.writers)
        batches = _prepare(engine, qz, user_ids, args.per_writer)

        def submitter(batch):
            return lambda: [progress.submit_attempt(engine, a, qz, pass_mark=0.7) for a in batch]

        elapsed, errors = _run_threads([submitter(batch) for batch in batches])
        total = args.writers * args.per_writer
        rate = total / elapsed
        recorded = sum(progress.attempts_count(engine, u, "bench", submitted_only=True) for u in user_ids)
        print(f"submissions: {total} by {args.writers} writers in {elapsed:.2f} s = {rate:.0f}/s "
              f"(bar ≥ {BAR_PER_SECOND}/s); recorded {recorded}; errors {len(errors)}")

        answers = {q.id: correct_response(q) for q in qz.questions}
        whole = max(1, args.per_writer // 5)

        def whole_attempts(writer: int, user_id: int):
            def run():
                for n in range(whole):
                    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id="bench-full", kind="post",
                                                        quiz=qz, start_token=f"full-{writer}-{n}")
                    for qid, response in answers.items():
                        progress.save_answer(engine, attempt_id, qid, response)
                    progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.7)
            return run

        full_elapsed, full_errors = _run_threads([whole_attempts(w, u) for w, u in enumerate(user_ids)])
        print(f"whole attempts (start + 10 autosaves + submit): {args.writers * whole} in {full_elapsed:.2f} s = "
              f"{args.writers * whole / full_elapsed:.0f}/s; errors {len(full_errors)}")
        engine.dispose()
    ok = rate >= BAR_PER_SECOND and not errors and recorded == total and not full_errors
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
