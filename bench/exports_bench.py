"""Benchmark: exports on 10,000 learners × 12 modules (DESIGN §6: progress CSV of all learners ≤ 2 s).

Run: `python bench/exports_bench.py [--learners N] [--modules M] [--runs R] [--keep PATH]`.

Builds a synthetic catalog (M modules of 5 lessons and a 12-question quiz) in a temporary folder and the
history of `bench/synthetic.py` on its lessons and questions in a temporary SQLite file. Then it times,
writing real files:

- the progress export of all learners as CSV (the bar: median of R warm runs after a cold one), wall
  and CPU time, with a calibration loop to compare machines and loads;
- unless `--only-progress`, the progress XLSX, responses (CSV), xAPI (JSON Lines) and DPC (CSV)
  exports once each, with the resident memory before and after (the streamed exports stay flat).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from academy.content.catalog import Catalog, load_catalog
from academy.interop import exports
from academy.store import db
from bench import synthetic
from bench.synthetic import LESSONS, QUESTIONS

BAR_SECONDS = 2.0


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


def export_file(engine: Any, catalog: Catalog, request: exports.ExportRequest, path: Path) -> tuple[float, float, int]:
    """Wall time, CPU time and row count of one export written to `path`."""
    wall, cpu = time.perf_counter(), time.process_time()
    with path.open("wb") as handle:
        rows = exports.export_to(engine, catalog, request, handle, home="https://bench.example")  # xAPI ids
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
        counts = synthetic.build(
            engine, args.learners, [m.id for m in catalog.modules], seed=7,
            lesson_ids={m.id: [lesson.id for lesson in m.lessons] for m in catalog.modules},
            question_hashes={m.id: [q.hash for q in m.quiz.questions] for m in catalog.modules},
            with_responses=not args.only_progress,
        )
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
