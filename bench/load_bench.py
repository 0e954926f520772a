"""Load benchmark: concurrent simulated learners at Streamlit's WebSocket protocol (DESIGN §6 "Load").

Run: `python bench/load_bench.py` (quick: short windows, coarse steps) or `--full` (60 s windows, finer
search, the figures of docs/performance.md). `--soak MINUTES --soak-sessions N` holds N learners on one
replica and samples its RSS every minute.

Each simulated learner is one WebSocket on `/_stcore/stream` speaking Streamlit's own protobufs (the
browser's client does the same: `BackMsg.rerun_script` with the page, the query string and the widget
states; the server answers with `ForwardMsg`s until `script_finished`). An interaction is one rerun
request until the final `script_finished` (reruns the script asks for with `st.rerun()` included). The
learner is signed in: its account and its session are created in the database beforehand, and the
`academy_session` cookie goes in the WebSocket handshake, as the browser sends it. It opens Home, the
catalogue, a module, reads its lessons (marking each as read), starts the quiz, answers up to six
questions one at a time and submits, then goes on with the next module; 3–7 s of think time before
every interaction. The anchor is a bare script (`st.write`) served the same way (`st.App` under
`streamlit run`, the project's `.streamlit/config.toml`, the same flags); its learners rerun it. With
`--bare-elements N` it draws N Markdown elements per run instead: what sending as many elements as the app's
interactions costs Streamlit alone (the app's interactions average ~41 messages each).

Targets, in one run: the bare script, the app on one replica, the app on two replicas behind HAProxy
(`python -m academy serve --replicas 2`, PostgreSQL only). For each, learners are added in steps; a step
holds for a warm-up then a measurement window; the target holds a step when the window's p95 latency is
≤ 500 ms with no error. Reported per step: p50/p95/p99, interactions, errors, server CPU per interaction
(all of the target's processes: replicas and proxy) and resident memory. Bars: one replica holds ≥ 50 %
of the bare script's sessions; two replicas ≥ 1.6 × one.

The database: PostgreSQL in a fresh schema when `--postgresql URL` or ACADEMY_TEST_DATABASE_URL is given
(the schema is dropped afterwards); otherwise a temporary SQLite file and no two-replica target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil
import websockets
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from academy.accounts import auth
from academy.content.catalog import load_catalog
from academy.store import db
from academy.store.models import User, UserRole

ROOT = Path(__file__).resolve().parent.parent
BARE = ROOT / "bench" / "load_app" / "bare_asgi.py"
P95_BAR = 0.5
TIMEOUT = 30.0
THINK = (3.0, 7.0)
FINISHED_EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_WITH_COMPILE_ERROR")
SERVER_FLAGS = ["--server.headless", "true", "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
MAX_ANSWERS = 6


# --- the protocol client ---------------------------------------------------------------------------------


class InteractionError(Exception):
    pass


@dataclass
class Sample:
    started: float
    latency: float
    ok: bool
    what: str
    messages: int = 0  # ForwardMsgs received until script_finished


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    pending: dict[int, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def window(self, start: float, end: float, now: float) -> tuple[list[float], int, int]:
        """Latencies of the interactions started in [start, end) (in-flight ones count their time so far)."""
        latencies = [s.latency for s in self.samples if start <= s.started < end and s.ok]
        latencies += [now - t for t in self.pending.values() if start <= t < end]
        errors = sum(1 for s in self.samples if start <= s.started < end and not s.ok)
        return latencies, errors, len(latencies) + errors


class Session:
    """One browser tab at protocol level: the page, its query string, its widgets, its last elements."""

    def __init__(self, ws, recorder: Recorder) -> None:
        self.ws = ws
        self.recorder = recorder
        self.pages: dict[str, str] = {}  # url path ("" for the main page) -> page_script_hash
        self.page_hash = ""
        self.query = ""
        self.widgets: dict[str, object] = {}  # widget id -> WidgetState (values persist like the browser's)
        self.elements: list[tuple[str, object]] = []
        self.fragments: dict[str, str] = {}  # widget id -> id of the fragment that drew it (as the browser keeps)
        self.received = 0  # messages of the interaction under way

    async def interact(self, what: str, *, page: str | None = None, query: str | None = None,
                       trigger: str | None = None, set_widget=None, fragment: str = "") -> None:
        if page is not None:
            page_hash = self.pages.get(page, "")
            if page_hash != self.page_hash:
                self.widgets.clear()
            self.page_hash = page_hash
            self.query = query or ""
        elif query is not None:
            self.query = query
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        rerun.page_name = ""
        rerun.context_info.timezone = "Europe/Paris"
        rerun.context_info.locale = "fr-FR"
        if set_widget is not None:
            set_widget(self.widgets)
        for state in self.widgets.values():
            rerun.widget_states.widgets.append(state)
        if trigger is not None:
            rerun.widget_states.widgets.add(id=trigger, trigger_value=True)
        rerun.fragment_id = fragment  # a widget drawn by a fragment reruns only that fragment, as in the browser
        key = id(message)
        started = time.monotonic()
        self.received = 0
        self.recorder.pending[key] = started
        ok = False
        try:
            await self.ws.send(message.SerializeToString())
            await asyncio.wait_for(self._until_finished(fragment), TIMEOUT)
            ok = True
        except TimeoutError:
            self.recorder.errors.append(f"{what}: no script_finished within {TIMEOUT:.0f} s")
            raise InteractionError(what) from None
        except InteractionError as exc:
            self.recorder.errors.append(f"{what}: {exc}")
            raise
        except websockets.ConnectionClosed as exc:
            self.recorder.errors.append(f"{what}: connection closed ({exc})")
            raise InteractionError(what) from exc
        finally:
            self.recorder.pending.pop(key, None)
            self.recorder.samples.append(Sample(started, time.monotonic() - started, ok, what, self.received))

    async def _until_finished(self, fragment: str) -> None:
        # a fragment's run redraws only the fragment: the page's other elements stay
        self.elements = [(kind, widget) for kind, widget in self.elements
                         if fragment and self.fragments.get(widget.id) != fragment]
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            self.received += 1
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self._learn_pages(msg.new_session.app_pages)
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "navigation":
                self._learn_pages(msg.navigation.app_pages)
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                element_type = element.WhichOneof("type")
                if element_type == "exception":
                    raise InteractionError(f"exception {element.exception.type}: {element.exception.message[:200]}")
                if element_type in ("button", "radio", "checkbox"):
                    widget = getattr(element, element_type)
                    self.elements.append((element_type, widget))
                    if msg.delta.fragment_id:
                        self.fragments[widget.id] = msg.delta.fragment_id
            elif kind == "script_finished":
                if msg.script_finished == COMPILE_ERROR:
                    raise InteractionError("compile error")
                if msg.script_finished != FINISHED_EARLY:
                    return

    def _learn_pages(self, pages) -> None:
        for page in pages:
            self.pages[page.url_pathname] = page.page_script_hash

    def button(self, label: str):
        return next((w for t, w in self.elements if t == "button" and w.label == label and not w.disabled), None)

    def keyed_button(self, key: str):
        """The button drawn with `key` (a widget's id ends with its key)."""
        return next((w for t, w in self.elements if t == "button" and w.id.endswith(f"-{key}")), None)

    async def click(self, what: str, button) -> None:
        """Click `button`, as the browser does: a button drawn by a fragment reruns that fragment only."""
        await self.interact(what, trigger=button.id, fragment=self.fragments.get(button.id, ""))


async def think(rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(*THINK) if THINK[1] else 0)


async def learner(url: str, cookie: str | None, bare: bool, modules: list[tuple[str, list[str]]], seed: int,
                  recorder: Recorder, stop: asyncio.Event, start_delay: float) -> None:
    """One simulated learner until ``stop``; reconnects after an error (the error is counted)."""
    rng = random.Random(seed)
    await asyncio.sleep(start_delay)
    host = url.split("://", 1)[1]
    headers = {"Origin": url}
    if cookie:
        headers["Cookie"] = f"academy_session={cookie}"
    while not stop.is_set():
        try:
            async with websockets.connect(f"ws://{host}/_stcore/stream", additional_headers=headers,
                                          subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT,
                                          ping_interval=None) as ws:
                session = Session(ws, recorder)
                await session.interact("home", page="")
                if bare:
                    while not stop.is_set():
                        await think(rng)
                        await session.interact("rerun")
                    return
                index = seed
                while not stop.is_set():
                    module_id, lessons = modules[index % len(modules)]
                    index += 1
                    await journey(session, module_id, lessons, rng, stop)
        except InteractionError:
            await asyncio.sleep(1)
        except (OSError, websockets.InvalidHandshake, websockets.ConnectionClosed, TimeoutError) as exc:
            recorder.errors.append(f"connect: {exc!r}")
            recorder.samples.append(Sample(time.monotonic(), 0.0, False, "connect"))
            await asyncio.sleep(1)


async def journey(session: Session, module_id: str, lessons: list[str], rng: random.Random,
                  stop: asyncio.Event) -> None:
    """Catalogue → module → each lesson (the overview's first lesson button, then « next »; read, marked as read)
    → quiz: start, answer, submit. Buttons are clicked as the browser does (a fragment's button reruns it)."""
    steps = [("catalogue", dict(page="catalogue")),
             ("module", dict(page="module", query=urlencode({"module": module_id})))]
    for step in steps:
        await think(rng)
        if stop.is_set():
            return
        await session.interact(step[0], **step[1])
    for number, lesson in enumerate(lessons):  # the first from the overview, then "next" under each lesson
        opener = session.keyed_button(f"open_lesson:{'next' if number else 'start'}:{lesson}")
        await think(rng)
        if stop.is_set():
            return
        if opener is None:
            session.recorder.errors.append(f"lesson: no button opens {lesson}")
            raise InteractionError(lesson)
        await session.click("lesson", opener)
        mark = session.button("Marquer comme lu")
        if mark is not None:
            await think(rng)
            await session.click("mark-read", mark)
    await think(rng)
    if stop.is_set():
        return
    await session.interact("quiz", page="quiz", query=urlencode({"module": module_id}))
    start = session.button("Commencer")
    if start is None:
        return  # attempts used up on this module: on to the next one
    await think(rng)
    await session.click("quiz-start", start)
    answered = 0
    for element_type, widget in list(session.elements):
        if answered >= MAX_ANSWERS or stop.is_set():
            break
        if widget.disabled or (element_type == "radio" and widget.label == "Langue") or (
                element_type == "checkbox" and widget.label == "À revoir"):
            continue
        if element_type == "radio" and widget.options:
            choice = widget.options[rng.randrange(len(widget.options))]

            def set_radio(widgets, wid=widget.id, value=choice):  # radios send the formatted option (1.67)
                widgets[wid] = _state(wid, string_value=value)
            setter = set_radio
        elif element_type == "checkbox":
            def set_box(widgets, wid=widget.id):
                widgets[wid] = _state(wid, bool_value=True)
            setter = set_box
        else:
            continue
        await think(rng)
        await session.interact("answer", set_widget=setter, fragment=session.fragments.get(widget.id, ""))
        answered += 1
    finish = session.button("Terminer la tentative…")
    if finish is None or stop.is_set():
        return
    await think(rng)
    await session.click("summary", finish)
    submit = session.button("Tout envoyer et terminer")
    if submit is not None and not stop.is_set():
        await think(rng)
        await session.click("submit", submit)


def _state(widget_id: str, **value):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return WidgetState(id=widget_id, **value)


# --- servers -------------------------------------------------------------------------------------------


def free_port(span: int = 1) -> int:
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + span < 65000 and all(_free(port + i) for i in range(1, span + 1)):
            return port


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_http(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Target:
    name: str
    url: str
    processes: list[psutil.Process]


@contextmanager
def start_target(name: str, database_url: str, env_extra: dict[str, str], log_dir: Path) -> Iterator[Target]:
    # Every target as deployed (serve, Dockerfile, systemd units): two malloc arenas, unless --env says otherwise.
    env = {**os.environ, "MALLOC_ARENA_MAX": "2", "ACADEMY_DATABASE_URL": database_url, **env_extra}
    log = (log_dir / f"{name}.log").open("w")
    if name == "app-2":
        port = free_port(span=2)
        command = [sys.executable, "-m", "academy", "serve", "--replicas", "2", "--port", str(port),
                   "--bind", "127.0.0.1"]
    else:
        port = free_port()
        script = BARE if name == "bare" else ROOT / "asgi.py"
        command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                   "--server.address", "127.0.0.1", *SERVER_FLAGS]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/{'_stcore/health' if name == 'bare' else 'healthz'}", process)
        if name == "app-2":
            deadline = time.monotonic() + 30
            while "serving http" not in (log_dir / f"{name}.log").read_text():
                if time.monotonic() > deadline:
                    raise RuntimeError("serve did not report that it is serving")
                time.sleep(0.2)
            text = (log_dir / f"{name}.log").read_text()
            pids = [int(p) for p in re.findall(r"^(?:replica \w+|proxy haproxy) pid (\d+)", text, re.MULTILINE)]
            processes = [psutil.Process(pid) for pid in pids]
        else:
            processes = [psutil.Process(process.pid)]
        yield Target(name, f"http://127.0.0.1:{port}", processes)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def rss_mb(processes: list[psutil.Process]) -> float:
    total = 0
    for process in processes:
        with suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total / 2**20


# --- the data: learners with open sessions ----------------------------------------------------------------


@contextmanager
def database(postgresql: str | None) -> Iterator[str]:
    if postgresql:
        base = make_url(postgresql)
        if base.drivername == "postgresql":
            base = base.set(drivername="postgresql+psycopg")
        schema = f"load_{uuid.uuid4().hex[:12]}"
        admin = create_engine(base)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory(prefix="load-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'academy.db'}"


def make_learners(database_url: str, count: int) -> list[str]:
    """``count`` learner accounts (one shared password hash) and one open session each: their tokens."""
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine)
        password_hash = auth.hash_password("charge-2026-simulee")
        now = db.utcnow()
        with db.write(engine) as session:
            for i in range(count):
                user = User(email=f"charge.{i}@example.org", name=f"Apprenant {i}", password_hash=password_hash,
                            locale="fr", created_at=now)
                user.roles = [UserRole(role="learner")]
                session.add(user)
        with db.read(engine) as session:
            ids = [u.id for u in session.query(User).order_by(User.id)]
        return [auth.create_session(engine, user_id) for user_id in ids]
    finally:
        engine.dispose()


# --- the search --------------------------------------------------------------------------------------------


@dataclass
class Step:
    sessions: int
    p50: float
    p95: float
    p99: float
    interactions: int
    errors: int
    cpu_ms: float
    cores: float
    rss_mb: float
    client_cores: float

    @property
    def held(self) -> bool:
        return self.p95 <= P95_BAR and self.errors == 0 and self.interactions > 0

    def line(self) -> str:
        return (f"{self.sessions:5d} sessions  p50 {self.p50 * 1000:6.0f}  p95 {self.p95 * 1000:6.0f}  "
                f"p99 {self.p99 * 1000:6.0f} ms  {self.interactions:5d} interactions  {self.errors} errors  "
                f"server {self.cpu_ms:5.1f} ms CPU/interaction ({self.cores:.2f} cores)  RSS {self.rss_mb:6.0f} MB  "
                f"client {self.client_cores:.2f} cores  {'held' if self.held else 'NOT held'}")


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Load:
    """Learners running against a target; more can be added; stopped all at once."""

    def __init__(self, target: Target, tokens: list[str], bare: bool, modules: list[tuple[str, list[str]]]) -> None:
        self.target, self.tokens, self.bare, self.modules = target, tokens, bare, modules
        self.recorder = Recorder()
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task] = []

    def grow(self, sessions: int) -> None:
        while len(self.tasks) < sessions:
            i = len(self.tasks)
            self.tasks.append(asyncio.create_task(learner(
                self.target.url, None if self.bare else self.tokens[i], self.bare, self.modules, seed=i,
                recorder=self.recorder, stop=self.stop, start_delay=random.uniform(0, THINK[1]))))

    async def measure(self, warmup: float, window: float) -> Step:
        await asyncio.sleep(warmup)
        me = psutil.Process()
        cpu0, client0, start = cpu_seconds(self.target.processes), cpu_seconds([me]), time.monotonic()
        await asyncio.sleep(window)
        end = time.monotonic()
        cpu1, client1 = cpu_seconds(self.target.processes), cpu_seconds([me])
        latencies, errors, count = self.recorder.window(start, end, end)
        step = Step(len(self.tasks), _quantile(latencies, 0.5), _quantile(latencies, 0.95),
                    _quantile(latencies, 0.99), count, errors, (cpu1 - cpu0) * 1000 / max(count, 1),
                    (cpu1 - cpu0) / (end - start), rss_mb(self.target.processes), (client1 - client0) / (end - start))
        print(f"  {step.line()}", flush=True)
        for message in sorted(set(self.recorder.errors))[:5] if errors else []:
            print(f"    error: {message}", flush=True)
        return step

    async def close(self) -> None:
        self.stop.set()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        kinds: dict[str, list[Sample]] = {}
        for sample in self.recorder.samples:
            kinds.setdefault(sample.what, []).append(sample)
        print("    interactions by kind (count, median ms, messages each): " + ", ".join(
            f"{k} {len(v)} {_quantile([s.latency for s in v], 0.5) * 1000:.0f} "
            f"{sum(s.messages for s in v) / len(v):.0f}" for k, v in sorted(kinds.items())), flush=True)
        done = [s for s in self.recorder.samples if s.ok]
        print(f"    messages per interaction: {sum(s.messages for s in done) / max(len(done), 1):.0f}", flush=True)


async def search(target: Target, tokens: list[str], bare: bool, levels: list[int], warmup: float, window: float,
                 modules: list[tuple[str, list[str]]], refine: bool) -> tuple[int, list[Step]]:
    """The most sessions held (p95 ≤ 500 ms, no error), and every step measured.

    Learners are added level by level (a ramp) until a level is not held; with ``refine``, the gap between
    the last level held and the first not held is then bisected, each probe with a fresh set of learners
    after the previous ones have left.
    """
    print(f"  RSS before the load {rss_mb(target.processes):.0f} MB", flush=True)
    steps: list[Step] = []
    held, failed = 0, None
    load = Load(target, tokens, bare, modules)
    try:
        for level in levels:
            if level > len(tokens) and not bare:
                break
            load.grow(level)
            step = await load.measure(warmup, window)
            steps.append(step)
            if not step.held:
                failed = level
                break
            held = level
    finally:
        await load.close()
    while refine and failed is not None and failed - held > max(5, held // 20):
        level = (held + failed) // 2
        await asyncio.sleep(10)  # the previous learners' sessions end
        load = Load(target, tokens, bare, modules)
        try:
            load.grow(level)
            step = await load.measure(warmup, window)
        finally:
            await load.close()
        steps.append(step)
        held, failed = (level, failed) if step.held else (held, level)
    return held, steps


async def soak(target: Target, tokens: list[str], sessions: int, minutes: float,
               modules: list[tuple[str, list[str]]]) -> None:
    recorder = Recorder()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(learner(target.url, tokens[i], False, modules, seed=i, recorder=recorder, stop=stop,
                                         start_delay=random.uniform(0, THINK[1]))) for i in range(sessions)]
    start = time.monotonic()
    minute = 0
    try:
        while time.monotonic() - start < minutes * 60:
            await asyncio.sleep(60)
            minute += 1
            now = time.monotonic()
            latencies, errors, count = recorder.window(now - 60, now, now)
            print(f"  minute {minute:3d}: RSS {rss_mb(target.processes):6.0f} MB  p95 "
                  f"{_quantile(latencies, 0.95) * 1000:5.0f} ms  {count} interactions  {errors} errors", flush=True)
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# --- main -------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="60 s windows and a finer search (slow)")
    parser.add_argument("--targets", default="bare,app-1,app-2", help="comma-separated: bare, app-1, app-2")
    parser.add_argument("--levels", default=None, help="sessions per step, comma-separated (default by mode)")
    parser.add_argument("--window", type=float, default=None, help="measurement window per step, seconds")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up before each window, seconds")
    parser.add_argument("--postgresql", default=os.environ.get("ACADEMY_TEST_DATABASE_URL"),
                        help="PostgreSQL URL (a schema is created and dropped); default ACADEMY_TEST_DATABASE_URL")
    parser.add_argument("--env", action="append", default=[],
                        help="NAME=VALUE for every server, e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=false (repeatable)")
    parser.add_argument("--bare-elements", type=int, default=0,
                        help="the bare script draws N Markdown elements per run instead of one (the cost of drawing "
                             "as many elements as the app's interactions, without its logic)")
    parser.add_argument("--think", default=None, help="think time MIN,MAX in seconds (default 3,7; 0,0 to profile)")
    parser.add_argument("--logs", default=None, help="keep the servers' logs in this folder")
    parser.add_argument("--soak", type=float, default=0, help="minutes of soak on one replica (after the search)")
    parser.add_argument("--soak-sessions", type=int, default=0, help="learners during the soak")
    args = parser.parse_args()
    # Ctrl-C or SIGTERM (also when started in the background, where SIGINT is ignored): unwind, so that the
    # servers are stopped and the PostgreSQL schema dropped.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    global THINK
    if args.think:
        THINK = tuple(float(x) for x in args.think.split(","))

    levels = [int(x) for x in args.levels.split(",")] if args.levels else (
        [25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1200] if args.full
        else [25, 50, 75, 100, 150, 200, 300, 400, 600, 800])
    window = args.window or (60.0 if args.full else 20.0)
    warmup = args.warmup or (20.0 if args.full else 10.0)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if not args.postgresql and "app-2" in targets:
        print("no PostgreSQL (--postgresql or ACADEMY_TEST_DATABASE_URL): the two-replica target is skipped")
        targets.remove("app-2")
    if "app-2" in targets and shutil.which("haproxy") is None:
        print("haproxy is not installed: the two-replica target is skipped")
        targets.remove("app-2")
    env_extra = dict(item.split("=", 1) for item in args.env)
    catalog = load_catalog(ROOT / "content")
    modules = [(m.id, [lesson.id for lesson in m.lessons]) for m in catalog.modules]
    print(f"load on the machine before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} cores; think time {THINK[0]:.0f}–{THINK[1]:.0f} s; "
          f"window {window:.0f} s after {warmup:.0f} s of warm-up; "
          f"server environment {env_extra or 'as configured'}", flush=True)

    results: dict[str, int] = {}
    with database(args.postgresql) as url, tempfile.TemporaryDirectory(prefix="load-logs-") as temporary:
        logs = args.logs or temporary
        Path(logs).mkdir(parents=True, exist_ok=True)
        print(f"database: {make_url(url).get_backend_name()}", flush=True)
        needed = max(max(levels), args.soak_sessions)
        tokens = make_learners(url, needed) if set(targets) - {"bare"} or args.soak else []
        for name in targets:
            print(f"== {name}", flush=True)
            extra = {**env_extra, "BENCH_BARE_ELEMENTS": str(args.bare_elements)} if name == "bare" else env_extra
            with start_target(name, url, extra, Path(logs)) as target:
                held, _steps = asyncio.run(search(target, tokens, name == "bare", levels, warmup, window, modules,
                                                  refine=args.full))
            results[name] = held
            print(f"  {name}: holds {held} sessions at p95 ≤ {P95_BAR * 1000:.0f} ms with 0 errors", flush=True)
        if args.soak and args.soak_sessions:
            print(f"== soak: {args.soak_sessions} learners on one replica for {args.soak:.0f} min", flush=True)
            with start_target("app-1", url, env_extra, Path(logs)) as target:
                asyncio.run(soak(target, tokens, args.soak_sessions, args.soak, modules))
    print(f"load on the machine after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")

    verdicts = []
    if "bare" in results and "app-1" in results:
        ratio = results["app-1"] / max(results["bare"], 1)
        verdicts.append(ratio >= 0.5)
        print(f"{'PASS' if ratio >= 0.5 else 'FAIL'}  one replica holds {results['app-1']} sessions = "
              f"{ratio:.0%} of the bare script's {results['bare']} (bar ≥ 50 %)")
    if "app-1" in results and "app-2" in results:
        ratio = results["app-2"] / max(results["app-1"], 1)
        verdicts.append(ratio >= 1.6)
        print(f"{'PASS' if ratio >= 1.6 else 'FAIL'}  two replicas hold {results['app-2']} sessions = "
              f"{ratio:.2f} × one replica (bar ≥ 1.6 ×)")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
