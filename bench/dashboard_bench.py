"""Benchmark: the coordinator dashboard on 10,000 learners × 12 modules (DESIGN §6: ≤ 300 ms).

Run: `python bench/dashboard_bench.py [--learners N] [--modules M] [--runs R] [--keep PATH | --postgresql URL]`.

Builds the synthetic cohort of `bench/synthetic.py` in a temporary SQLite file, then times, warm
(after one cold run):

- `academy.analytics.dashboard.load_dashboard` for the whole cohort and every module, knowledge gain included
  (each part's time shown): the page's load, and the figure held to the bar;
- the same with one module, and with a 30-day date range (scores and time then read the raw rows);
- the first heatmap page and building every chart of the page (`academy.analytics.dashboard_charts`).

Wall and CPU times are printed: on a shared machine the CPU time shows the work itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from academy.analytics import dashboard
from academy.analytics import dashboard_charts as charts_dashboard
from academy.store import db
from bench.synthetic import COHORT_ID, TODAY, build

BAR_SECONDS = 0.300


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


@contextlib.contextmanager
def _database(args: argparse.Namespace, folder: Path) -> Iterator[tuple[Engine, bool]]:
    """The engine to measure and whether it already holds the data set (a kept SQLite file)."""
    if args.postgresql is None:
        path = args.keep or folder / "bench.db"
        reuse = path.exists()
        engine = db.make_engine(f"sqlite:///{path}")
        try:
            yield engine, reuse
        finally:
            engine.dispose()
        return
    base = make_url(args.postgresql)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = db.make_engine(base.render_as_string(hide_password=False))
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = db.make_engine(base.update_query_dict({"options": f"-csearch_path={schema}"})
                            .render_as_string(hide_password=False))
    try:
        yield engine, False
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--modules", type=int, default=12)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the SQLite database at PATH (reused when it exists)")
    parser.add_argument("--postgresql", metavar="URL",
                        help="run on this PostgreSQL database instead, in a new schema dropped at the end "
                             "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, _database(args, Path(folder)) as (engine, reuse):
        module_ids = tuple(f"module-{n:02d}" for n in range(1, args.modules + 1))
        if reuse:
            print(f"reusing {args.keep}")
        else:
            db.upgrade(engine)
            started = time.perf_counter()
            counts = build(engine, args.learners, module_ids)
            print(f"data set built in {time.perf_counter() - started:.0f} s: "
                  + ", ".join(f"{value:,} {name}" for name, value in counts.items()))
        everything = dashboard.DashboardFilter(COHORT_ID, module_ids)
        load_average = os.getloadavg()[0]

        wall, cpu, board = _time(lambda: dashboard.load_dashboard(engine, everything, today=TODAY), args.runs)
        parts = ", ".join(f"{name} {value * 1000:.0f}" for name, value in board.timings.items())
        print(f"dashboard figures, {len(board.learners):,} learners × {len(module_ids)} modules: {_ms(wall)} wall, "
              f"{_ms(cpu)} CPU (parts of the last run, ms wall: {parts})")
        one = dashboard.DashboardFilter(COHORT_ID, module_ids[:1])
        one_wall, one_cpu, _ = _time(lambda: dashboard.load_dashboard(engine, one, today=TODAY), args.runs)
        print(f"dashboard figures, one module: {_ms(one_wall)} wall, {_ms(one_cpu)} CPU")
        month = dashboard.DashboardFilter(COHORT_ID, module_ids, TODAY - timedelta(days=60), TODAY - timedelta(days=30))
        month_wall, month_cpu, _ = _time(lambda: dashboard.load_dashboard(engine, month, today=TODAY), args.runs)
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
        verdict = "OK" if wall <= BAR_SECONDS else "OVER"
        print(f"coordinator dashboard (figures, {engine.dialect.name}): {_ms(wall)} wall / {_ms(cpu)} CPU against a "
              f"bar of {_ms(BAR_SECONDS)}: {verdict}; load average at the start: {load_average:.1f} on "
              f"{os.cpu_count()} cores")
    return 0 if wall <= BAR_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
