"""Benchmark: the coordinator dashboard on 10,000 learners × 12 modules (DESIGN §6: ≤ 300 ms).

Run: `python bench/dashboard_bench.py [--learners N] [--modules M] [--runs R] [--keep PATH]`.

Builds a synthetic cohort directly with bulk inserts into a temporary SQLite file (migrated schema):
every learner is a member of one cohort that has every module assigned (half of them already due);
each learner opens ~80 % of the modules (5 lessons each), takes the pre-test in ~70 % of those,
1 to 3 certifying attempts in ~75 % (12 questions each, one response row per question), and fills a
5-item satisfaction survey after ~60 % of their passes. Then it times, warm (after one cold run):

- `academy.dashboard.load_dashboard` for the whole cohort and every module (each part's time shown),
- the same with one module, and with a 30-day date range,
- the first heatmap page and building every chart of the page (`academy.charts_dashboard`),
- `academy.dashboard.knowledge_gain` (every pre-test and certifying response of the cohort).

Wall and CPU times are printed: on a shared machine the CPU time shows the work itself.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from academy import charts_dashboard, dashboard, db, survey

BAR_SECONDS = 0.300
LESSONS = 5
QUESTIONS = 12
_TODAY = date(2026, 5, 1)
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _ts(moment: datetime) -> str:
    """A timestamp as SQLAlchemy stores it on SQLite (naive UTC text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def build(engine: Any, learners: int, modules: int, seed: int = 11) -> tuple[int, tuple[str, ...], dict[str, int]]:
    """Insert the synthetic data set; return the cohort id, the module ids and row counts."""
    rng = random.Random(seed)
    module_ids = tuple(f"module-{n:02d}" for n in range(1, modules + 1))
    question_hash = "0" * 64
    now = _ts(_EPOCH)
    users, roles, members, lessons, attempts, responses, evaluations = [], [], [], [], [], [], []
    attempt_id = 0
    for user_id in range(1, learners + 1):
        users.append((user_id, f"learner{user_id:05d}@example.org", f"Learner {user_id:05d}", "medecin", None,
                      "!unusable", "fr", now))
        roles.append((user_id, "learner"))
        members.append((1, user_id, now))
        ability = rng.gauss(0, 1)
        for module_id in module_ids:
            if rng.random() > 0.8:
                continue
            began = _EPOCH + timedelta(days=rng.uniform(0, 110), minutes=rng.uniform(0, 600))
            for lesson in range(1, LESSONS + 1):
                seen = began + timedelta(minutes=10 * lesson)
                done = _ts(seen) if rng.random() < 0.85 else None
                lessons.append((user_id, module_id, f"lesson-{lesson}", _ts(seen), _ts(seen), done,
                                rng.randint(60, 900)))
            kinds = []
            if rng.random() < 0.7:
                kinds.append(("pre", began - timedelta(minutes=5)))
            if rng.random() < 0.75:
                kinds += [("post", began + timedelta(days=rng.uniform(0, 10) + n)) for n in range(rng.randint(1, 3))]
            for kind, started in kinds:
                attempt_id += 1
                boost = 0.0 if kind == "pre" else 1.0
                fractions = [1.0 if rng.random() < 1 / (1 + 2.7 ** -(ability + boost)) else 0.0
                             for _ in range(QUESTIONS)]
                score = sum(fractions) / QUESTIONS
                passed = score >= 0.7
                submitted = started + timedelta(minutes=rng.uniform(5, 30))
                attempts.append((attempt_id, user_id, module_id, kind, f"t{attempt_id}", question_hash, "{}", "{}",
                                 "{}", "[]", _ts(started), _ts(submitted), _ts(submitted), score, score * QUESTIONS,
                                 float(QUESTIONS), passed))
                responses += [(attempt_id, f"q{n:02d}", question_hash, '"a"', fraction, _ts(submitted))
                              for n, fraction in enumerate(fractions, start=1)]
                if kind == "post" and passed and rng.random() < 0.6:
                    answers = {item: rng.randint(1, 5) for item in survey.ITEMS}
                    evaluations.append((user_id, module_id, json.dumps(answers), "", _ts(submitted)))
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany("INSERT INTO users (id, email, name, profession, rpps, password_hash, locale, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", users)
        cursor.executemany("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", roles)
        cursor.execute("INSERT INTO cohorts (id, name, description, created_at) VALUES (1, 'Bench', '', ?)", (now,))
        cursor.executemany("INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)", members)
        cursor.executemany(
            "INSERT INTO assignments (cohort_id, module_id, due_date, created_at) VALUES (1, ?, ?, ?)",
            [(m, (_TODAY + timedelta(days=30 * (1 if n % 2 else -1))).isoformat(), now)
             for n, m in enumerate(module_ids)],
        )
        cursor.executemany(
            "INSERT INTO lesson_progress (user_id, module_id, lesson_id, first_viewed_at, last_viewed_at,"
            " completed_at, seconds_spent) VALUES (?, ?, ?, ?, ?, ?, ?)", lessons)
        cursor.executemany(
            "INSERT INTO attempts (id, user_id, module_id, kind, start_token, quiz_hash, layout, answers, certainties,"
            " locked, started_at, updated_at, submitted_at, score, points, max_points, passed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", attempts)
        cursor.executemany(
            "INSERT INTO responses (attempt_id, question_id, question_hash, answer, fraction, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", responses)
        cursor.executemany(
            "INSERT INTO evaluations (user_id, module_id, answers, comment, created_at) VALUES (?, ?, ?, ?, ?)",
            evaluations)
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
    finally:
        raw.close()
    counts = {"learners": len(users), "lesson rows": len(lessons), "attempts": len(attempts),
              "responses": len(responses), "evaluations": len(evaluations)}
    return 1, module_ids, counts


def _time(function: Any, runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of `runs` warm calls (after one cold call), and the last result.

    CPU time (this process: Python and SQLite) shows the work itself when other jobs share the cores.
    """
    result = function()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--modules", type=int, default=12)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the database at PATH (reused when it exists)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "bench.db"
        reuse = path.exists()
        engine = db.make_engine(f"sqlite:///{path}")
        module_ids = tuple(f"module-{n:02d}" for n in range(1, args.modules + 1))
        if reuse:
            print(f"reusing {path}")
        else:
            db.upgrade(engine)
            started = time.perf_counter()
            _, module_ids, counts = build(engine, args.learners, args.modules)
            print(f"data set built in {time.perf_counter() - started:.0f} s: "
                  + ", ".join(f"{value:,} {name}" for name, value in counts.items()))
        everything = dashboard.DashboardFilter(1, module_ids)
        load_average = os.getloadavg()[0]

        wall, cpu, board = _time(lambda: dashboard.load_dashboard(engine, everything, today=_TODAY), args.runs)
        parts = ", ".join(f"{name} {value * 1000:.0f}" for name, value in board.timings.items())
        print(f"dashboard figures, {len(board.learners):,} learners × {len(module_ids)} modules: {_ms(wall)} wall, "
              f"{_ms(cpu)} CPU (parts of the last run, ms wall: {parts})")
        one = dashboard.DashboardFilter(1, module_ids[:1])
        one_wall, one_cpu, _ = _time(lambda: dashboard.load_dashboard(engine, one, today=_TODAY), args.runs)
        print(f"dashboard figures, one module: {_ms(one_wall)} wall, {_ms(one_cpu)} CPU")
        month = dashboard.DashboardFilter(1, module_ids, _TODAY - timedelta(days=60), _TODAY - timedelta(days=30))
        month_wall, month_cpu, _ = _time(lambda: dashboard.load_dashboard(engine, month, today=_TODAY), args.runs)
        print(f"dashboard figures, 30-day range: {_ms(month_wall)} wall, {_ms(month_cpu)} CPU")

        titles = {m: m for m in module_ids}

        def draw() -> None:
            charts_dashboard.status_bars(board.status_counts, titles, "fr").to_dict()
            charts_dashboard.status_heatmap(dashboard.heatmap_rows(board), titles, "fr").to_dict()
            charts_dashboard.completion_over_time(board.completion, titles, "fr").to_dict()
            charts_dashboard.score_bars(board.module_stats, titles, "fr").to_dict()
            charts_dashboard.time_bars(board.module_stats, titles, "fr").to_dict()
            charts_dashboard.satisfaction_heatmap(board.satisfaction, titles, "fr").to_dict()

        chart_wall, chart_cpu, _ = _time(draw, args.runs)
        print(f"heatmap page of 200 learners + every chart (Vega-Lite specs): {_ms(chart_wall)} wall, "
              f"{_ms(chart_cpu)} CPU")
        gain_runs = max(1, args.runs // 2)
        gain_wall, gain_cpu, _ = _time(lambda: dashboard.knowledge_gain(engine, everything), gain_runs)
        print(f"knowledge gain over every response (separate, cached by the page): {_ms(gain_wall)} wall, "
              f"{_ms(gain_cpu)} CPU")
        verdict = "OK" if wall <= BAR_SECONDS else "OVER"
        print(f"coordinator dashboard (figures): {_ms(wall)} wall / {_ms(cpu)} CPU against a bar of "
              f"{_ms(BAR_SECONDS)}: {verdict}; load average at the start: {load_average:.1f} on {os.cpu_count()} cores")
        engine.dispose()
    return 0 if wall <= BAR_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
