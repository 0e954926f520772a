"""Durability: a writer killed with SIGKILL at random points 20 times leaves a sound database.

After the kills: SQLite's integrity check passes, every submitted attempt is whole (score and one response
per answered question), no unsubmitted attempt has responses, and the progress rollup equals a rebuild
from the raw rows. Figures go to docs/performance.md.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from academy.accounts import auth
from academy.store import db, rollup
from academy.store.models import Attempt, Response

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "tests" / "fixtures" / "content" / "valid"
WRITER = Path(__file__).with_name("durability_writer.py")
KILLS = 20


def _rollup_rows(connection) -> list[tuple]:
    return [tuple(row) for row in connection.execute(
        text(f"SELECT * FROM {rollup.STATS_TABLE} ORDER BY user_id, module_id"))]


def test_twenty_kills_leave_no_partial_attempt_and_a_true_rollup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'durability.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    users = [auth.add_user(engine, email=f"l{n}@example.org", name=f"Learner {n}", password="durable-pass-2026",
                           roles={"learner"}).id for n in range(5)]
    rng = random.Random(2026)
    submitted_before_kill = []
    for kill in range(KILLS):
        writer = subprocess.Popen([sys.executable, str(WRITER), url, str(CONTENT), str(kill)], cwd=ROOT,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        writer.stdin.write(" ".join(map(str, users)) + "\n")
        writer.stdin.flush()
        writer.stdout.readline()  # it is writing: kill it somewhere in the next 0–0.8 s
        time.sleep(rng.uniform(0, 0.8))
        writer.send_signal(signal.SIGKILL)
        output, errors = writer.communicate(timeout=30)
        assert writer.returncode == -signal.SIGKILL, errors[-2000:]
        submitted_before_kill.append(1 + len(output.split()))

    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with db.read(engine) as session:
        submitted = session.scalars(select(Attempt).where(Attempt.submitted_at.is_not(None))).all()
        assert len(submitted) >= sum(submitted_before_kill)  # nothing the writer reported was lost
        for attempt in submitted:
            responses = session.scalar(select(func.count()).where(Response.attempt_id == attempt.id))
            assert attempt.score is not None and responses == len(attempt.answers), f"attempt {attempt.id} is partial"
        unsubmitted_with_responses = session.scalar(
            select(func.count()).select_from(Response).join(Attempt, Attempt.id == Response.attempt_id)
            .where(Attempt.submitted_at.is_(None)))
        assert unsubmitted_with_responses == 0
    with db.write_connection(engine) as connection:
        before = _rollup_rows(connection)
        rollup.rebuild_rollup(connection)
        assert _rollup_rows(connection) == before
    engine.dispose()
