"""Benchmark: the shipped curriculum parses cold in ≤ 300 ms (DESIGN §6).

Run: `python bench/curriculum_bench.py [--runs 5]`. Each run is a fresh Python process (imports done
before the clock starts, nothing cached), timing `load_catalog(content/)`: every module, lesson and quiz
read, parsed and validated. Also times a warm `cached_catalog` call (an unchanged tree: a stat walk).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAR_SECONDS = 0.300
CHILD = """
import time
from academy.content.catalog import cached_catalog, load_catalog
started = time.perf_counter()
catalog = load_catalog("content")
cold = time.perf_counter() - started
assert not catalog.problems, catalog.problems
cached_catalog("content")
started = time.perf_counter()
cached_catalog("content")
warm = time.perf_counter() - started
print(cold, warm, len(catalog.modules), sum(len(m.quiz.questions) for m in catalog.modules if m.quiz))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    colds, warms = [], []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, check=True)
        cold, warm, modules, questions = out.stdout.split()
        colds.append(float(cold))
        warms.append(float(warm))
    cold = statistics.median(colds)
    print(f"curriculum ({modules} modules, {questions} questions): cold parse median {cold * 1000:.0f} ms "
          f"(bar ≤ {BAR_SECONDS * 1000:.0f} ms); warm cached_catalog {statistics.median(warms) * 1000:.1f} ms")
    print("PASS" if cold <= BAR_SECONDS else "FAIL")
    return 0 if cold <= BAR_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
