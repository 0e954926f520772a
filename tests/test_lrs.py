"""Sending xAPI statements to an LRS: the outbox filled when events happen, and pushes to a real Ralph LRS.

The LRS is Ralph (`ralph-malph[lrs]`) with its file-system backend, started on loopback by the `ralph` fixture
from its own virtual environment (`make ralph`; tests/ralph_lrs.py says why, and the one setting changed). Tests
that need it skip when that environment is absent; everything else runs on the real databases of conftest.py.
Each test sends under its own home page (ACADEMY_BASE_URL), so the statement ids of different tests never meet in
the shared LRS.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apptest_support import open_page, token_for
from click.testing import CliRunner
from sqlalchemy import Engine, func, select, update
from test_exports import Dataset, at, build_dataset

from academy import settings
from academy.cli import cli
from academy.content.catalog import load_catalog
from academy.demo import load_demo
from academy.i18n import t
from academy.interop import exports, lrs
from academy.learning import progress
from academy.store import db, outbox
from academy.store.models import Attempt, LessonProgress, XapiOutbox

ROOT = Path(__file__).resolve().parents[1]
RALPH_PYTHON_ENV = "ACADEMY_TEST_RALPH_PYTHON"
USERNAME, PASSWORD = "academy", "lrs-test-password"


# --- a real LRS: Ralph with its file-system backend, on loopback ---------------------------------------------------


@dataclass(frozen=True)
class Ralph:
    url: str  # the xAPI endpoint, e.g. http://127.0.0.1:PORT/xAPI
    storage: Path

    def settings(self, password: str = PASSWORD) -> lrs.LrsSettings:
        return lrs.LrsSettings(self.url, USERNAME, password)

    def client(self) -> lrs.LrsClient:
        return lrs.LrsClient(self.settings())

    def _get(self, path: str) -> Any:
        request = urllib.request.Request(self.url.removesuffix("/xAPI") + path, headers={
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def stored(self, home: str) -> dict[str, dict[str, Any]]:
        """Every statement the LRS gives back through its statements resource (paging), of one home page."""
        found: dict[str, dict[str, Any]] = {}
        path = "/xAPI/statements?" + urllib.parse.urlencode({"limit": 100})
        while path:
            page = self._get(path)
            for statement in page["statements"]:
                if statement["actor"]["account"]["homePage"] == home:
                    found[statement["id"]] = statement
            path = page.get("more") or ""
        return found


def _ralph_python() -> Path | None:
    configured = os.environ.get(RALPH_PYTHON_ENV)
    candidate = Path(configured) if configured else ROOT / ".venv-ralph" / "bin" / "python"
    return candidate if candidate.is_file() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ralph]:
    python = _ralph_python()
    if python is None:
        pytest.skip(f"Ralph's LRS is not installed: run `make ralph` (or set {RALPH_PYTHON_ENV})")
    folder = tmp_path_factory.mktemp("ralph")
    hashed = subprocess.run([str(python), "-c", "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), "
                             "bcrypt.gensalt()).decode())", PASSWORD], capture_output=True, text=True, check=True,
                            timeout=60).stdout.strip()
    (folder / "auth.json").write_text(json.dumps([{"username": USERNAME, "hash": hashed, "scopes": ["all"],
                                                   "agent": {"mbox": "mailto:academy@example.org"}}]))
    (folder / "data").mkdir()
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("RALPH_")}
    env |= {"RALPH_RUNSERVER_BACKEND": "fs", "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data")}
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen([str(python), str(ROOT / "tests" / "ralph_lrs.py"), str(port)], cwd=folder, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/__heartbeat__", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Ralph did not start: {(folder / 'server.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield Ralph(f"http://127.0.0.1:{port}/xAPI", folder / "data")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def home() -> str:
    """A home page of this test's own (statement ids derive from it)."""
    return f"https://academie-{uuid.uuid4().hex[:8]}.example.org"


@pytest.fixture
def data(engine: Engine, tmp_path: Path) -> Dataset:
    return build_dataset(engine, tmp_path / "content")


def events(engine: Engine, **where: Any) -> list[tuple[str, int, str]]:
    o = XapiOutbox
    query = select(o.event, o.source_id, o.status).order_by(o.id)
    for column, value in where.items():
        query = query.where(getattr(o, column) == value)
    with db.read(engine) as session:
        return [tuple(row) for row in session.execute(query)]


def expected_statements(engine: Engine, data: Dataset, home: str) -> dict[str, dict[str, Any]]:
    """What the outbox holds, as statements (the erased learner's event gives none)."""
    with db.read(engine) as session:
        rows = session.execute(select(XapiOutbox.event, XapiOutbox.source_id, XapiOutbox.user_id)).all()
    found = exports.statements_for_events(engine, data.catalog, {(r[0], r[1]) for r in rows}, {r[2] for r in rows},
                                          home=home)
    return {statement["id"]: statement for items in found.values() for statement in items}


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


# --- the outbox is filled when the events happen -------------------------------------------------------------------


def test_each_event_is_queued_once_in_the_transaction_that_records_it(engine: Engine, data: Dataset) -> None:
    with db.read(engine) as session:
        lessons = session.scalar(select(func.count()).select_from(LessonProgress))
        completed = session.scalar(select(func.count()).where(LessonProgress.completed_at.is_not(None)))
        submitted = session.scalar(select(func.count()).where(Attempt.submitted_at.is_not(None)))
    queued = events(engine)
    assert [e for e in queued if e[0] == outbox.LESSON_VIEWED].__len__() == lessons
    assert len([e for e in queued if e[0] == outbox.LESSON_COMPLETED]) == completed
    assert len([e for e in queued if e[0] == outbox.ATTEMPT_SUBMITTED]) == submitted == 6
    assert {status for *_, status in queued} == {outbox.PENDING}
    # Viewing again, completing again and submitting again queue nothing more.
    progress.record_lesson_view(engine, data.lea, "bases-ia", "introduction", seconds=10, now=at(2025, 5, 1))
    progress.mark_lesson_complete(engine, data.lea, "bases-ia", "introduction", now=at(2025, 5, 1))
    quiz = data.catalog.module("bases-ia").quiz
    progress.submit_attempt(engine, 2, quiz, pass_mark=0.6, now=at(2025, 5, 1))
    assert events(engine) == queued
    # A first view queues its event; a completion without a recorded view queues both.
    progress.record_lesson_view(engine, data.idle, "bases-ia", "introduction", now=at(2025, 5, 2))
    progress.mark_lesson_complete(engine, data.idle, "bases-ia", "limites", now=at(2025, 5, 2))
    assert [e[0] for e in events(engine)[len(queued):]] == [outbox.LESSON_VIEWED, outbox.LESSON_VIEWED,
                                                            outbox.LESSON_COMPLETED]


def test_backfill_queues_the_history_once(engine: Engine, data: Dataset) -> None:
    queued = events(engine)
    with db.write(engine) as session:
        session.execute(XapiOutbox.__table__.delete().where(XapiOutbox.event != outbox.LESSON_VIEWED))
    remaining = len(events(engine))
    assert outbox.backfill(engine) == len(queued) - remaining
    assert sorted(events(engine)) == sorted(queued)
    assert outbox.backfill(engine) == 0


def test_statements_of_the_events_are_those_of_the_export(engine: Engine, data: Dataset, home: str) -> None:
    exported = {s["id"]: s for s in exports.xapi_statements(engine, data.catalog, home=home)}
    queued = expected_statements(engine, data, home)
    assert {k: v for k, v in queued.items() if k in exported} == exported  # the same statements, ids included
    extra = [s for key, s in queued.items() if key not in exported]  # the coordinator's lesson view (not a learner)
    assert [(s["actor"]["account"]["name"], s["verb"]["display"]["en-US"]) for s in extra] == [
        (str(data.coordinator), "experienced")]


# --- pushing to Ralph -----------------------------------------------------------------------------------------------


def test_push_stores_every_statement_once_in_ralph(engine: Engine, data: Dataset, ralph: Ralph, home: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lrs, "BATCH_STATEMENTS", 10)  # several batches, whole events each
    expected = expected_statements(engine, data, home)
    result = lrs.push(engine, data.catalog, ralph.client(), home=home)
    assert (result.statements_sent, result.events_failed, result.events_dropped) == (len(expected), 0, 1)
    stored = ralph.stored(home)
    assert set(stored) == set(expected)
    for statement_id, statement in expected.items():  # Ralph kept each statement as sent (plus what it adds)
        assert {key: stored[statement_id][key] for key in statement} == json.loads(json.dumps(statement))
    state = lrs.status(engine, ralph.settings()).outbox
    assert (state.pending, state.dropped, state.statements_sent) == (0, 1, len(expected))
    assert events(engine, status=outbox.DROPPED) == [(outbox.LESSON_VIEWED, events(engine)[-1][1], "dropped")]
    # Sending everything again is harmless: Ralph answers 204 (all stored already), nothing is duplicated.
    with db.write(engine) as session:
        session.execute(update(XapiOutbox).values(status=outbox.PENDING, next_try_at=None))
    again = lrs.push(engine, data.catalog, ralph.client(), home=home)
    assert (again.statements_sent, again.events_failed) == (len(expected), 0)
    assert set(ralph.stored(home)) == set(expected)
    print(f"\nRalph stored {len(stored)} statements of {len(expected)} sent")


@pytest.mark.slow
def test_a_demo_history_reaches_ralph_whole(engine: Engine, ralph: Ralph, home: str) -> None:
    """The demo's simulated learners (their events queued by the progress functions as they happen): every statement
    of the xAPI export is stored by Ralph, once."""
    catalog = load_catalog(ROOT / "content")
    load_demo(engine, list(catalog.modules), learners=12, seed=16)
    exported = {s["id"] for s in exports.xapi_statements(engine, catalog, home=home)}
    result = lrs.push(engine, catalog, ralph.client(), home=home)
    assert (result.events_failed, result.events_dropped) == (0, 0)
    stored = ralph.stored(home)
    assert set(stored) == exported and result.statements_sent == len(exported)
    assert outbox.status(engine).pending == 0
    print(f"\ndemo history: {len(exported)} statements exported, {result.statements_sent} sent, "
          f"{len(stored)} stored by Ralph")


def test_a_conflicting_id_goes_one_by_one_and_counts_as_stored(engine: Engine, data: Dataset, ralph: Ralph,
                                                               home: str) -> None:
    expected = expected_statements(engine, data, home)
    first = next(iter(expected.values()))
    changed = json.loads(json.dumps(first)) | {"timestamp": "2020-01-01T00:00:00.000Z"}
    assert ralph.client().put_statement(changed) == 204  # the LRS already holds a different statement with that id
    result = lrs.push(engine, data.catalog, ralph.client(), home=home)  # the batch holding it gets a 409
    assert (result.statements_sent, result.events_failed) == (len(expected), 0)
    assert ralph.stored(home)[first["id"]]["timestamp"].startswith("2020-01-01")  # never overwritten
    assert set(ralph.stored(home)) == set(expected)


def test_a_statement_ralph_refuses_fails_its_event_alone(engine: Engine, data: Dataset, ralph: Ralph, home: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    built = exports.statements_for_events

    def with_a_bad_statement(*args: Any, **kwargs: Any) -> dict[tuple[str, int], list[dict[str, Any]]]:
        found = built(*args, **kwargs)
        key = min(k for k in found if k[0] == outbox.ATTEMPT_SUBMITTED)
        found[key] = [*found[key][:-1], found[key][-1] | {"actor": {"objectType": "Agent"}}]  # an Agent without id
        return found

    monkeypatch.setattr(exports, "statements_for_events", with_a_bad_statement)
    clock = Clock()
    result = lrs.push(engine, data.catalog, ralph.client(), home=home, clock=clock)
    assert result.events_failed == 1 and not result.stopped
    assert "HTTP 4" in result.error
    state = outbox.status(engine)
    assert (state.pending, state.failing) == (1, 1)
    assert state.last_error == result.error
    assert state.next_try_at == clock.now + timedelta(minutes=1)
    monkeypatch.setattr(exports, "statements_for_events", built)
    clock.now += timedelta(minutes=1)
    assert lrs.push(engine, data.catalog, ralph.client(), home=home, clock=clock).events_sent == 1
    assert outbox.status(engine).pending == 0
    assert set(ralph.stored(home)) == set(expected_statements(engine, data, home))


def test_an_unreachable_lrs_is_retried_with_back_off(engine: Engine, data: Dataset, ralph: Ralph, home: str) -> None:
    closed = lrs.LrsClient(lrs.LrsSettings(f"http://127.0.0.1:{_free_port()}/xAPI", USERNAME, PASSWORD), timeout=5)
    clock = Clock()
    pending = outbox.status(engine).pending
    first = lrs.push(engine, data.catalog, closed, home=home, clock=clock)
    assert first.stopped and first.events_sent == 0 and first.events_failed == pending - 1  # one dropped (erased)
    assert "Connection refused" in first.error
    state = outbox.status(engine)
    assert (state.pending, state.failing, state.next_try_at) == (pending - 1, pending - 1,
                                                                 clock.now + timedelta(minutes=1))
    assert state.last_error == first.error
    assert lrs.push(engine, data.catalog, ralph.client(), home=home, clock=clock).events_sent == 0  # not due yet
    clock.now += timedelta(minutes=1)
    assert lrs.push(engine, data.catalog, closed, home=home, clock=clock).events_failed == pending - 1
    assert outbox.status(engine).next_try_at == clock.now + timedelta(minutes=2)  # doubled
    clock.now += timedelta(minutes=2)
    done = lrs.push(engine, data.catalog, ralph.client(), home=home, clock=clock)
    assert (done.events_sent, done.events_failed) == (pending - 1, 0)
    state = outbox.status(engine)
    assert (state.pending, state.failing, state.last_error) == (0, 0, None)


def test_wrong_credentials_stop_the_push(engine: Engine, data: Dataset, ralph: Ralph, home: str) -> None:
    result = lrs.push(engine, data.catalog, lrs.LrsClient(ralph.settings(password="wrong")), home=home)
    assert result.stopped and result.events_sent == 0
    assert "HTTP 401" in result.error
    assert ralph.stored(home) == {}


def test_retry_delays() -> None:
    assert [lrs.retry_delay(n) for n in (1, 2, 3, 10, 20)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(hours=6), timedelta(hours=6)]
    assert lrs.retry_delay(1, retry_after=300) == timedelta(minutes=5)


def test_settings_come_from_the_environment() -> None:
    assert lrs.LrsSettings.from_env({}) is None
    settings = lrs.LrsSettings.from_env({lrs.URL_ENV: "https://lrs.example.org/xAPI/", lrs.USERNAME_ENV: "key",
                                         lrs.PASSWORD_ENV: "secret"})
    assert settings == lrs.LrsSettings("https://lrs.example.org/xAPI", "key", "secret")
    assert "secret" not in repr(settings)
    assert lrs.LrsSettings("https://key:secret@lrs.example.org/xAPI").display_url == "https://lrs.example.org/xAPI"
    with pytest.raises(ValueError, match="http"):
        lrs.LrsSettings.from_env({lrs.URL_ENV: "lrs.example.org"})


# --- python -m academy lrs push | status | backfill ----------------------------------------------------------------


def test_cli_push_and_status(engine: Engine, database_url: str, data: Dataset, ralph: Ralph, home: str,
                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(db.ENV_VAR, database_url)
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv(settings.BASE_URL_ENV, home)
    monkeypatch.delenv(lrs.URL_ENV, raising=False)
    runner = CliRunner()
    status = runner.invoke(cli, ["lrs", "status"])
    assert status.exit_code == 0
    assert "LRS: not configured (ACADEMY_LRS_URL is not set)" in status.stdout
    pending = outbox.status(engine).pending
    assert f"Waiting: {pending} events" in status.stdout
    refused = runner.invoke(cli, ["lrs", "push"])
    assert refused.exit_code == 1 and "no LRS configured" in refused.stderr
    monkeypatch.setenv(lrs.URL_ENV, ralph.url)
    monkeypatch.setenv(lrs.USERNAME_ENV, USERNAME)
    monkeypatch.setenv(lrs.PASSWORD_ENV, PASSWORD)
    pushed = runner.invoke(cli, ["lrs", "push"])
    expected = expected_statements(engine, data, home)
    assert pushed.exit_code == 0, pushed.output
    assert pushed.stdout == (f"Sent {len(expected)} statements ({pending - 1} events) to {ralph.url}; 1 dropped "
                             "(erased accounts); 0 events waiting.\n")
    assert set(ralph.stored(home)) == set(expected)
    status = runner.invoke(cli, ["lrs", "status"])
    assert f"LRS: {ralph.url}" in status.stdout and "Last error: none" in status.stdout
    assert runner.invoke(cli, ["lrs", "backfill"]).stdout == "Queued 0 events.\n"


def test_cli_push_reports_a_failure(engine: Engine, database_url: str, data: Dataset,
                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(db.ENV_VAR, database_url)
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv(lrs.URL_ENV, f"http://127.0.0.1:{_free_port()}/xAPI")
    monkeypatch.setenv(settings.BASE_URL_ENV, "https://formation.example.org")
    monkeypatch.setattr(lrs, "TIMEOUT_SECONDS", 5.0)
    result = CliRunner().invoke(cli, ["lrs", "push"])
    assert result.exit_code == 1
    assert "not sent, retried later" in result.stderr and "Connection refused" in result.stderr
    status = CliRunner().invoke(cli, ["lrs", "status"])
    assert "Last error (" in status.stdout and "Connection refused" in status.stdout
    assert "Next retry: " in status.stdout


# --- the Admin page ---------------------------------------------------------------------------------------------------


def test_admin_page_shows_backlog_and_last_error(app_env: Engine, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.delenv(lrs.URL_ENV, raising=False)
    data = build_dataset(app_env, tmp_path / "content")
    token = token_for(app_env, "admin")
    page = open_page("pages/9_admin.py", token)
    assert not page.exception
    metrics = {metric.label: metric.value for metric in page.metric}
    pending = outbox.status(app_env).pending
    assert metrics[t("admin.lrs.pending")] == str(pending)
    assert any(t("admin.lrs.not_configured", variable=lrs.URL_ENV) == caption.value for caption in page.caption)
    closed = lrs.LrsClient(lrs.LrsSettings(f"http://127.0.0.1:{_free_port()}/xAPI"), timeout=5)
    result = lrs.push(app_env, data.catalog, closed, home="https://formation.example.org")
    monkeypatch.setenv(lrs.URL_ENV, "https://lrs.example.org/xAPI")
    page = open_page("pages/9_admin.py", token)
    assert not page.exception
    metrics = {metric.label: metric.value for metric in page.metric}
    assert metrics[t("admin.lrs.failing")] == str(result.events_failed)
    assert any(result.error in error.value for error in page.error)
    assert any("https://lrs.example.org/xAPI" in caption.value for caption in page.caption)
