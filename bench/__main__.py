"""Run every benchmark (`bench/*_bench.py`) in turn and summarise PASS/FAIL; exit 1 if any fails.

`python -m bench` runs each in its quick mode; `python -m bench --full` gives `--full` to the benchmarks
that have a slower, finer mode (the load search: bench/load_bench.py). `--only NAME` runs one of them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WITH_FULL_MODE = {"load_bench.py"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the finer, slower mode where a benchmark has one")
    parser.add_argument("--only", default=None, help="run only this benchmark, e.g. load or load_bench.py")
    args = parser.parse_args()
    results = []
    for script in sorted(HERE.glob("*_bench.py")):
        if args.only and script.name not in (args.only, f"{args.only}_bench.py"):
            continue
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        extra = ["--full"] if args.full and script.name in WITH_FULL_MODE else []
        code = subprocess.run([sys.executable, str(script), *extra], cwd=HERE.parent).returncode
        results.append((script.name, code, time.perf_counter() - started))
    print("\n== summary")
    for name, code, seconds in results:
        print(f"{'PASS' if code == 0 else 'FAIL'}  {name}  ({seconds:.0f} s)")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
