"""The app served with its server routes: `streamlit run asgi.py` (what `make run` does) or any ASGI server.

`st.App` wraps app.py (and pages/) in a Starlette application that adds the routes of
academy/ui/server.py: `/healthz` and `/auth/session` (the HttpOnly session cookie).

Before serving, the process imports the domain packages the pages use and parses the curriculum, then moves
everything alive into the collector's permanent generation (`gc.freeze()`): the full collection that
Streamlit runs after each script run (`runner.postScriptGC`) then walks only what the runs create, not
the ~200,000 objects of the libraries (docs/performance.md). `ACADEMY_GC_FREEZE=0` turns it off;
`ACADEMY_GC_STATS=1` logs, every minute, how many collections of each generation ran and their longest pause
(2: and the object types that grew; 3: and the source lines whose allocations grew, with tracemalloc).
"""

import os

import streamlit as st

from academy.ui.server import ROUTES


def _warm_and_freeze() -> None:
    import gc
    import importlib
    import pkgutil

    import academy
    from academy.ui.resources import catalog

    # Not academy.ui's views: a custom component registers itself only when first imported during a script
    # run, so importing one here would leave its files unserved (the quiz's click-on-image iframe stays blank).
    for module in pkgutil.walk_packages(academy.__path__, "academy."):
        if not module.name.startswith(("academy.ui", "academy.__main__")):
            importlib.import_module(module.name)
    catalog()
    gc.collect()
    gc.freeze()


def _log_gc_stats() -> None:
    import collections
    import gc
    import sys
    import threading
    import time

    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    # ACADEMY_GC_STATS=2 adds the object types whose count grew the most in the minute (leak hunting); 3, the
    # source lines whose allocations grew the most since the first minute (tracemalloc: memory the collector
    # does not track, such as strings and bytes, included; slows the server down).
    census = [collections.Counter()] if os.environ.get("ACADEMY_GC_STATS") == "2" else []
    traced = os.environ.get("ACADEMY_GC_STATS") == "3"
    if traced:
        import tracemalloc

        tracemalloc.start(1)
    baseline: list = []
    started: list[float] = [0.0]

    def on_collection(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append(time.perf_counter() - started[0])

    def report() -> None:
        while True:
            time.sleep(60)
            lines = [f"gen{g} {len(p)} runs, longest {max(p, default=0) * 1000:.1f} ms, total "
                     f"{sum(p) * 1000:.0f} ms" for g, p in pauses.items()]
            for p in pauses.values():
                p.clear()
            print("gc last minute: " + "; ".join(lines) + f"; tracked {len(gc.get_objects())}, "
                  f"frozen {gc.get_freeze_count()}", file=sys.stderr, flush=True)
            if census:
                counts = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
                growth = (counts - census[-1]).most_common(12)
                census[-1] = counts
                print("gc growth: " + ", ".join(f"{name} +{n}" for name, n in growth), file=sys.stderr, flush=True)
            if traced:
                snapshot = tracemalloc.take_snapshot()
                if not baseline:
                    baseline.append(snapshot)
                    continue
                top = snapshot.compare_to(baseline[0], "lineno")[:10]
                print("malloc growth since minute 1: " + "; ".join(
                    f"{stat.traceback[0].filename.rsplit('site-packages/', 1)[-1]}:{stat.traceback[0].lineno} "
                    f"{stat.size_diff / 1e6:+.1f} MB ({stat.count_diff:+d})" for stat in top),
                    file=sys.stderr, flush=True)

    gc.callbacks.append(on_collection)
    threading.Thread(target=report, name="gc-stats", daemon=True).start()


if os.environ.get("ACADEMY_GC_FREEZE", "1") != "0":
    _warm_and_freeze()
if os.environ.get("ACADEMY_GC_STATS") in ("1", "2", "3"):
    _log_gc_stats()

app = st.App("app.py", routes=ROUTES)
