"""Benchmark: warm server-side reruns of every learner page (DESIGN §6: ≤ 10 × an empty script's rerun).

Run: `python bench/page_bench.py [--learners 10000] [--runs 20]`.

Builds the synthetic data set of `bench/synthetic.py` (10,000 learners × the 12 shipped modules) in a
temporary SQLite file, adds one learner with a history on real modules (lessons read, a passed quiz, an
attempt in progress), then, in the same process, times AppTest reruns: an empty script, and each learner
page signed in as that learner. "Warm" means after a first run in the same session (caches filled),
which is what a learner's click costs on a running server (scripts compiled once, as the server's
script cache does: see `_share_script_cache`). The median of `--runs` reruns is reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.testing.v1 import local_script_runner as local_script_runner_module

from academy.accounts import auth
from academy.content.catalog import load_catalog
from academy.learning import progress
from academy.learning.attempts import build_layout
from academy.learning.responses import correct_response
from academy.store import db
from bench import synthetic

ROOT = Path(__file__).resolve().parent.parent
BAR_RATIO = 10.0
MODULE = "ia-imagerie-medicale"
FIRST_LESSON = load_catalog(ROOT / "content").module(MODULE).lessons[0].id
FIGURES_MODULE, FIGURES_LESSON = "evaluer-ia-sante", "metriques-performance"  # a confusion matrix and a ROC explorer


def _share_script_cache() -> None:
    """Make AppTest reuse compiled scripts between reruns, as a server does.

    AppTest builds a new ScriptCache on every run, so each rerun re-reads, re-parses (Streamlit's "magic"
    AST pass) and recompiles app.py and the page: ~10 ms that a running server never pays (its Runtime
    keeps one ScriptCache and compiles each page once). Without this the ratio to the empty script, which
    has nothing to compile, measures the compiler rather than the page.
    """
    shared = ScriptCache()
    app_test_module.ScriptCache = lambda: shared  # type: ignore[attr-defined]
    local_script_runner_module.ScriptCache = lambda: shared  # type: ignore[attr-defined]


def _learner(engine) -> str:
    """A learner with some history; returns a session token for them."""
    account = auth.add_user(engine, email="bench.learner@example.org", name="Bench Learner",
                            password="quiet-harbour-lantern-2026", roles={"learner"})
    catalog = load_catalog(ROOT / "content")
    for module in catalog.modules[:3]:
        for lesson in module.lessons:
            progress.record_lesson_view(engine, account.id, module.id, lesson.id, seconds=300)
            progress.mark_lesson_complete(engine, account.id, module.id, lesson.id)
        qz = module.quiz
        attempt = progress.start_attempt(engine, user_id=account.id, module_id=module.id, kind="post", quiz=qz,
                                         start_token=f"bench-{module.id}", layout=build_layout(qz, seed=1))
        progress.save_answers(engine, attempt, {q.id: correct_response(q) for q in qz.questions if q.case is None})
        progress.submit_attempt(engine, attempt, qz, pass_mark=module.pass_mark)
    qz = catalog.module(MODULE).quiz
    progress.start_attempt(engine, user_id=account.id, module_id=MODULE, kind="post", quiz=qz,
                           start_token="bench-open", layout=build_layout(qz, seed=2))
    return auth.create_session(engine, account.id)


def _median_rerun(at: AppTest, runs: int) -> float:
    at.run()  # cold: fills caches
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        timings.append(time.perf_counter() - started)
    assert not at.exception, at.exception
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        os.environ["ACADEMY_DATABASE_URL"] = url
        engine = db.make_engine(url)
        db.upgrade(engine)
        module_ids = [m.id for m in load_catalog(ROOT / "content").modules]
        counts = synthetic.build(engine, learners=args.learners, module_ids=module_ids)
        print(f"data: {counts}")
        token = _learner(engine)
        _share_script_cache()

        empty = _median_rerun(AppTest.from_string("", default_timeout=60), args.runs)
        print(f"empty script rerun: {empty * 1000:.1f} ms")
        pages = {
            "Home": ("app.py", {}),
            "Catalogue": ("pages/1_catalogue.py", {}),
            "Module (lesson)": ("pages/2_module.py", {"module": MODULE, "lesson": FIRST_LESSON}),
            "Module (lesson with figures)": ("pages/2_module.py", {"module": FIGURES_MODULE, "lesson": FIGURES_LESSON}),
            "Quiz (attempt in progress)": ("pages/3_quiz.py", {"module": MODULE}),
            "My progress": ("pages/4_progress.py", {}),
            "Review": ("pages/5_review.py", {}),
        }
        worst = 0.0
        for name, (path, query) in pages.items():
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
            at.session_state["auth_token"] = token
            at.run()
            for key, value in query.items():
                at.query_params[key] = value
            if path != "app.py":
                at.switch_page(path)
            rerun = _median_rerun(at, args.runs)
            ratio = rerun / empty
            worst = max(worst, ratio)
            print(f"{name:<28} {rerun * 1000:7.1f} ms  = {ratio:4.1f} × empty (bar ≤ {BAR_RATIO:.0f} ×)")
        engine.dispose()
    print("PASS" if worst <= BAR_RATIO else "FAIL")
    return 0 if worst <= BAR_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
