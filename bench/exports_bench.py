"""Benchmark: exports on 10,000 learners × 12 modules (DESIGN §6: progress CSV of all learners ≤ 2 s).

Run: `python bench/exports_bench.py [--learners N] [--modules M] [--runs R] [--keep PATH]`.

Builds a synthetic catalog (M modules of 5 lessons and a 12-question quiz) in a temporary folder and a
synthetic history with bulk inserts into a temporary SQLite file (migrated schema): every learner opens
~80 % of the modules (5 lessons each), takes the pre-test in ~70 % of those and 1 to 3 certifying
attempts in ~75 % (one response row per question). Then it times, writing real files:

- the progress export of all learners as CSV (the bar: median of R warm runs after a cold one), wall
  and CPU time, with a calibration loop to compare machines and loads;
- unless `--only-progress`, the progress XLSX, responses (CSV), xAPI (JSON Lines) and DPC (CSV)
  exports once each, with the resident memory before and after (the streamed exports stay flat).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from academy import db, exports, rollup
from academy.catalog import Catalog, load_catalog

BAR_SECONDS = 2.0
LESSONS = 5
QUESTIONS = 12
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _ts(moment: datetime) -> str:
    """A timestamp as SQLAlchemy stores it on SQLite (naive UTC text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def write_catalog(root: Path, modules: int) -> Catalog:
    """M valid modules `module-NN`, each with LESSONS lessons and a QUESTIONS-question quiz."""
    for number in range(1, modules + 1):
        folder = root / f"{number:02d}-module-{number:02d}"
        folder.mkdir(parents=True)
        (folder / "module.md").write_text(
            f"---\ntitle: Module {number}\nsummary: Synthétique.\nduration_minutes: 60\nobjectives:\n  - Savoir.\n"
            "level: initiation\n---\n\nVue d'ensemble.\n", encoding="utf-8")
        for lesson in range(1, LESSONS + 1):
            (folder / f"{lesson:02d}-lesson-{lesson}.md").write_text(
                f"---\ntitle: Leçon {lesson}\n---\n\nTexte.\n", encoding="utf-8")
        questions = "".join(f"## Question {n} {{#q{n:02d} .qru}}\n\nQuelle option ?\n\n- [x] A\n- [ ] B\n\n"
                            for n in range(1, QUESTIONS + 1))
        (folder / "quiz.md").write_text(f"---\npass_mark: 0.7\n---\n\n{questions}", encoding="utf-8")
    catalog = load_catalog(root)
    assert not catalog.problems, catalog.problems[:3]
    return catalog


def build(engine: Any, catalog: Catalog, learners: int, *, responses: bool = True, seed: int = 7) -> dict[str, int]:
    """Insert the synthetic history (response rows only when `responses`); return row counts."""
    rng = random.Random(seed)
    hashes = {m.id: [q.hash for q in m.quiz.questions] for m in catalog.modules}
    now = _ts(_EPOCH)
    users, roles, lessons, attempts, answers = [], [], [], [], []
    attempt_id = 0
    for user_id in range(1, learners + 1):
        users.append((user_id, f"learner{user_id:05d}@example.org", f"Apprenant·e {user_id:05d}", "medecin",
                      f"{10_000_000_000 + user_id}", "!unusable", "fr", now))
        roles.append((user_id, "learner"))
        ability = rng.gauss(0, 1)
        for module in catalog.modules:
            if rng.random() > 0.8:
                continue
            began = _EPOCH + timedelta(days=rng.uniform(0, 300), minutes=rng.uniform(0, 600))
            for number, lesson in enumerate(module.lessons, 1):
                seen = began + timedelta(minutes=10 * number)
                done = _ts(seen) if rng.random() < 0.85 else None
                lessons.append((user_id, module.id, lesson.id, _ts(seen), _ts(seen), done, rng.randint(60, 900)))
            kinds = [("pre", began - timedelta(minutes=5))] if rng.random() < 0.7 else []
            if rng.random() < 0.75:
                kinds += [("post", began + timedelta(days=rng.uniform(0, 10) + n)) for n in range(rng.randint(1, 3))]
            for kind, started in kinds:
                attempt_id += 1
                boost = 0.0 if kind == "pre" else 1.0
                fractions = [1.0 if rng.random() < 1 / (1 + 2.7 ** -(ability + boost)) else 0.0
                             for _ in range(QUESTIONS)]
                score = sum(fractions) / QUESTIONS
                submitted = started + timedelta(minutes=rng.uniform(5, 30))
                attempts.append((attempt_id, user_id, module.id, kind, f"t{attempt_id}", "0" * 64, "{}", "{}", "{}",
                                 "[]", _ts(started), _ts(submitted), _ts(submitted), score, score * QUESTIONS,
                                 float(QUESTIONS), score >= 0.7))
                if responses:
                    answers += [(attempt_id, f"q{n:02d}", hashes[module.id][n - 1], '"a"' if f else '"b"', f,
                                 _ts(started + timedelta(minutes=n))) for n, f in enumerate(fractions, start=1)]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany("INSERT INTO users (id, email, name, profession, rpps, password_hash, locale, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", users)
        cursor.executemany("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", roles)
        cursor.executemany(
            "INSERT INTO lesson_progress (user_id, module_id, lesson_id, first_viewed_at, last_viewed_at,"
            " completed_at, seconds_spent) VALUES (?, ?, ?, ?, ?, ?, ?)", lessons)
        cursor.executemany(
            "INSERT INTO attempts (id, user_id, module_id, kind, start_token, quiz_hash, layout, answers, certainties,"
            " locked, started_at, updated_at, submitted_at, score, points, max_points, passed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", attempts)
        cursor.executemany(
            "INSERT INTO responses (attempt_id, question_id, question_hash, answer, fraction, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", answers)
        cursor.execute("COMMIT")
    finally:
        raw.close()
    with db.write_connection(engine) as connection:  # bulk SQL bypasses the app's writes: rebuild once
        rollup.rebuild_rollup(connection)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    return {"learners": len(users), "lesson rows": len(lessons), "attempts": len(attempts),
            "responses": len(answers)}


def export_file(engine: Any, catalog: Catalog, request: exports.ExportRequest, path: Path) -> tuple[float, float, int]:
    """Wall time, CPU time and row count of one export written to `path`."""
    wall, cpu = time.perf_counter(), time.process_time()
    with path.open("wb") as handle:
        rows = exports.export_to(engine, catalog, request, handle)
    return time.perf_counter() - wall, time.process_time() - cpu, rows


def resident_megabytes() -> float:
    """The process's current resident memory (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def calibration() -> float:
    """CPU seconds of a fixed pure-Python loop: compare figures between machines and loads."""
    started = time.process_time()
    sum(range(10_000_000))
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--modules", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only-progress", action="store_true", help="skip the responses, xAPI and DPC exports")
    parser.add_argument("--keep", type=Path, help="build the database at PATH and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        catalog = write_catalog(out / "content", args.modules)
        engine = db.make_engine(f"sqlite:///{args.keep or out / 'bench.db'}")
        db.upgrade(engine)
        started = time.perf_counter()
        counts = build(engine, catalog, args.learners, responses=not args.only_progress)
        print(f"data set built in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{value:,} {name}" for name, value in counts.items()))
        print(f"calibration loop: {calibration():.2f} s CPU")

        progress_csv = exports.ExportRequest("progress", "csv")
        export_file(engine, catalog, progress_csv, out / "progress.csv")  # cold run
        samples = [export_file(engine, catalog, progress_csv, out / "progress.csv") for _ in range(args.runs)]
        wall = statistics.median(sample[0] for sample in samples)
        cpu = statistics.median(sample[1] for sample in samples)
        rows = samples[0][2]
        size = (out / "progress.csv").stat().st_size
        print(f"progress CSV, {rows:,} rows ({size / 1e6:.1f} MB): median {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"(runs, wall: {', '.join(f'{sample[0]:.2f}' for sample in samples)})")
        if not args.only_progress:
            for kind, fmt in (("progress", "xlsx"), ("responses", "csv"), ("xapi", "jsonl"), ("dpc", "csv")):
                before = resident_megabytes()
                seconds, cpu_seconds, count = export_file(engine, catalog, exports.ExportRequest(kind, fmt),
                                                          out / f"{kind}.{fmt}")
                print(f"{kind} {fmt.upper()}, {count:,} rows: {seconds:.2f} s wall, {cpu_seconds:.2f} s CPU "
                      f"({count / seconds:,.0f} rows/s; resident memory {before:.0f} -> {resident_megabytes():.0f} MB)")

        verdict = "OK" if wall <= BAR_SECONDS else "OVER"
        print(f"progress export of all learners (CSV): {wall:.2f} s (bar {BAR_SECONDS:.0f} s) {verdict}; "
              f"CPU {cpu:.2f} s; calibration {calibration():.2f} s")
        engine.dispose()
    return 0 if wall <= BAR_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
