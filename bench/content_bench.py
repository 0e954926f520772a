"""Benchmark: what serving the curriculum from the database costs a page run, and how fast a replica follows.

Run: `python bench/content_bench.py [--calls 20000] [--postgres URL]`.

Imports content/ into a temporary SQLite database (and, with `--postgres`, into a fresh schema of that
server), then times, warm, per call:

- `cached_catalog(content/)`: what every page run paid before the curriculum moved to the database (a stat
  walk of the content folder);
- `repository.state()`: the one-row version check (a primary-key lookup on a pooled connection);
- `published_catalog()`: what a page run pays now (the check at most once a second, then dict lookups);
- `published_catalog()` checking the database on every call (no time-to-live).

Then, cold: a publication's cost to the process that next reads it (materialise the tree, parse it), and
the replica latency: a second process polls like a page run every 20 ms; the time from the commit of a
publication to the moment that process serves it (median of 5). Bars: a warm call no slower than before;
a replica serves a publication within 5 s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from academy.content import repository, studio
from academy.content.catalog import cached_catalog
from academy.store import db

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
BAR_REPLICA_SECONDS = 5.0
SPAWN = multiprocessing.get_context("spawn")
FOLDER = "01-fondamentaux-ia-sante"


def per_call(function: Callable[[], object], calls: int) -> float:
    """Median over 5 rounds of the mean time of one call, in seconds."""
    function()
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(calls // 5):
            function()
        rounds.append((time.perf_counter() - started) / (calls // 5))
    return statistics.median(rounds)


def _replica(url: str, cache: str, ready: object, seen: object) -> None:
    engine = db.make_engine(url)
    first = repository.state(engine).published_serial
    ready.set()  # type: ignore[attr-defined]
    while True:
        catalog = repository.published_catalog(engine, cache_dir=Path(cache))
        serial = repository.current_state(engine).published_serial
        if serial > first:
            seen.put((serial, time.time(), len(catalog.modules)))  # type: ignore[attr-defined]
            first = serial
        time.sleep(0.02)


def replica_latency(engine: Engine, url: str, cache: Path, rounds: int = 5) -> list[float]:
    """Seconds from a publication's commit to a second process serving it."""
    ready, seen = SPAWN.Event(), SPAWN.Queue()
    process = SPAWN.Process(target=_replica, args=(url, str(cache / "replica"), ready, seen), daemon=True)
    process.start()
    ready.wait(timeout=120)
    latencies = []
    try:
        for number in range(rounds):
            head = repository.module(engine, FOLDER).head_version_id
            text = studio.read_file(engine, FOLDER, "module.md")
            saved = studio.save_file(engine, FOLDER, "module.md", f"{text}\nRévision {number}.\n", base_version=head,
                                     actor_id=None)
            time.sleep(0.3)
            committed = time.time()
            studio.publish(engine, FOLDER, version_id=saved.version.id, actor_id=None)
            _, served, _ = seen.get(timeout=30)
            latencies.append(served - committed)
            time.sleep(0.5 + 0.37 * number)  # publications at various points of the replica's check cycle
    finally:
        process.terminate()
    return latencies


def measure(name: str, url: str, calls: int, cache: Path) -> bool:
    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        repository.import_folder(engine, CONTENT)
        before = per_call(lambda: cached_catalog(CONTENT), calls // 10)
        check = per_call(lambda: repository.state(engine), calls)
        warm = per_call(lambda: repository.published_catalog(engine, cache_dir=cache), calls)
        strict = per_call(lambda: repository.published_catalog(engine, cache_dir=cache,
                                                               current=repository.state(engine)), calls)
        head = repository.module(engine, FOLDER).head_version_id
        text = studio.read_file(engine, FOLDER, "module.md")
        saved = studio.save_file(engine, FOLDER, "module.md", text + "\nCold.\n", base_version=head, actor_id=None)
        studio.publish(engine, FOLDER, version_id=saved.version.id, actor_id=None)
        started = time.perf_counter()
        repository.published_catalog(engine, cache_dir=cache / "cold")
        cold = time.perf_counter() - started
        latencies = replica_latency(engine, url, cache)
    finally:
        engine.dispose()
    print(f"[{name}] per page run, before (stat walk of content/, cached_catalog): {before * 1e6:8.1f} µs")
    print(f"[{name}] version check (one-row SELECT, pooled connection):           {check * 1e6:8.1f} µs")
    print(f"[{name}] per page run, now (published_catalog, check ≤ 1/s):          {warm * 1e6:8.1f} µs")
    print(f"[{name}] published_catalog checking the database on every call:      {strict * 1e6:8.1f} µs")
    print(f"[{name}] after a publication, first call (materialise + parse):      {cold * 1000:8.1f} ms")
    print(f"[{name}] replica serves a publication after: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms (bar ≤ {BAR_REPLICA_SECONDS:.0f} s)")
    return warm <= before and max(latencies) <= BAR_REPLICA_SECONDS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL to measure too (a schema is created and dropped)")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        ok &= measure("sqlite", f"sqlite:///{folder}/bench.db", args.calls, Path(folder) / "cache")
        if args.postgres:
            base = make_url(args.postgres)
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            admin = create_engine(base)
            with admin.begin() as connection:
                connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            try:
                url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
                    hide_password=False)
                ok &= measure("postgresql", url, args.calls // 10, Path(folder) / "cache-pg")
            finally:
                with admin.begin() as connection:
                    connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
                admin.dispose()
        shutil.rmtree(Path(folder) / "cache", ignore_errors=True)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
