"""`python -m academy serve`: N app replicas behind HAProxy with sticky sessions (docs/deployment.md).

The proxy listens on the given port; replica ``i`` (1-based) runs ``streamlit run asgi.py`` on
``port + i``, bound to 127.0.0.1 so that only the proxy is reachable. The proxy's configuration comes
from ``deploy/haproxy.cfg.template`` (cookie insertion for stickiness, WebSocket upgrade, health
checks on ``/healthz``). Every replica gets the same Streamlit cookie secret, and trusts the proxy's
``X-Forwarded-For`` (sign-in throttling per client address).

Several replicas need PostgreSQL: SQLite lives in one machine's file and its writers take turns inside
one process, so :func:`check_database` refuses it for more than one replica.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy.cfg.template"
STICKY_COOKIE = "academy_replica"
READY_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 20


class ServeError(Exception):
    """A refusal or a failure to start, with a message for the operator."""


class _Stopped(Exception):
    """SIGINT or SIGTERM arrived while the cluster was starting."""


@dataclass(frozen=True)
class Replica:
    name: str
    port: int


def replicas_for(count: int, port: int) -> list[Replica]:
    """The replicas ``app1`` … ``appN`` on the ports after the proxy's."""
    if count < 1:
        raise ServeError("--replicas must be 1 or more.")
    if not 1 <= port <= 65535 - count:
        raise ServeError(f"--port {port} leaves no room for {count} replica port(s) after it.")
    return [Replica(f"app{i}", port + i) for i in range(1, count + 1)]


def check_database(url: str, replicas: int) -> None:
    """Refuse SQLite for more than one replica (several processes would share one file's write lock)."""
    try:
        backend = make_url(url).get_backend_name()
    except Exception as exc:
        raise ServeError(f"ACADEMY_DATABASE_URL is not a database URL: {exc}") from exc
    if backend == "sqlite" and replicas > 1:
        raise ServeError(
            f"{replicas} replicas need PostgreSQL, but the database is SQLite ({url}). SQLite serves one "
            "process: run `make run` (or `serve --replicas 1`), or set ACADEMY_DATABASE_URL to a PostgreSQL "
            "URL such as postgresql+psycopg://academy@db.example.org/academy (docs/deployment.md)."
        )


def proxy_config(replicas: Sequence[Replica], *, port: int, bind: str = "*", maxconn: int = 4096,
                 template: Path = TEMPLATE) -> str:
    """The HAProxy configuration for ``replicas``, from the committed template."""
    servers = "\n".join(
        f"    server {replica.name} 127.0.0.1:{replica.port} cookie {replica.name}" for replica in replicas
    )
    return Template(template.read_text(encoding="utf-8")).substitute(
        bind=bind, port=port, maxconn=maxconn, cookie=STICKY_COOKIE, servers=servers
    )


def replica_command(replica: Replica, python: str = sys.executable) -> list[str]:
    """The command that runs one replica (``asgi.py``: the app with /healthz and /auth/session)."""
    return [python, "-m", "streamlit", "run", str(PROJECT_ROOT / "asgi.py"),
            "--server.port", str(replica.port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--server.runOnSave", "false"]


def replica_environment(base: dict[str, str], cookie_secret: str) -> dict[str, str]:
    """What every replica shares: the cookie secret (st.login, XSRF), the proxy as a trusted forwarder, and two
    malloc arenas (a thread per script run otherwise spreads memory over many; docs/performance.md, "Soak")."""
    env = dict(base)
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", cookie_secret)
    env.setdefault("ACADEMY_TRUSTED_PROXIES", "127.0.0.1")
    env.setdefault("MALLOC_ARENA_MAX", "2")
    return env


@dataclass
class Cluster:
    """The processes of one `serve` run: replicas first, then the proxy; stopped in reverse order."""

    replicas: list[Replica]
    port: int
    bind: str = "*"
    haproxy: str = "haproxy"
    log: Callable[[str], None] = print
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    workdir: Path | None = None
    stop_requested: bool = False

    def start(self) -> None:
        env = replica_environment(dict(os.environ), secrets.token_urlsafe(32))
        for replica in self.replicas:
            process = subprocess.Popen(replica_command(replica), cwd=PROJECT_ROOT, env=env,
                                       start_new_session=True)
            self.processes[replica.name] = process
            self.log(f"replica {replica.name} pid {process.pid} port {replica.port}")
        for replica in self.replicas:
            self._wait_healthy(replica)
        self.workdir = Path(tempfile.mkdtemp(prefix="academy-serve-"))
        config = self.workdir / "haproxy.cfg"
        config.write_text(proxy_config(self.replicas, port=self.port, bind=self.bind), encoding="utf-8")
        checked = subprocess.run([self.haproxy, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
        if checked.returncode != 0:
            raise ServeError(f"HAProxy refused the generated configuration:\n{checked.stdout}{checked.stderr}")
        proxy = subprocess.Popen([self.haproxy, "-db", "-f", str(config)], cwd=self.workdir, start_new_session=True)
        self.processes["proxy"] = proxy
        self.log(f"proxy haproxy pid {proxy.pid} port {self.port} config {config}")

    def _wait_healthy(self, replica: Replica) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        url = f"http://127.0.0.1:{replica.port}/healthz"
        while True:
            if self.stop_requested:
                raise _Stopped
            process = self.processes[replica.name]
            if process.poll() is not None:
                raise ServeError(f"replica {replica.name} exited with code {process.returncode} while starting.")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServeError(f"replica {replica.name} did not answer {url} within {READY_TIMEOUT_SECONDS} s.")
            time.sleep(0.3)

    def watch(self) -> None:
        """Report processes that exit until a stop is requested; the proxy sends a dead replica's users elsewhere."""
        reported: set[str] = set()
        while not self.stop_requested:
            for name, process in self.processes.items():
                if name not in reported and process.poll() is not None:
                    reported.add(name)
                    if name == "proxy":
                        raise ServeError(f"the proxy exited with code {process.returncode}.")
                    self.log(f"replica {name} exited with code {process.returncode}; "
                             "the proxy sends its users to the other replicas")
            if len(reported) == len(self.replicas):
                raise ServeError("every replica has exited.")
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM to the proxy, then to every replica; SIGKILL what is still running after a grace period."""
        for name in ["proxy", *(r.name for r in reversed(self.replicas))]:
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def serve(replicas: int, port: int, *, bind: str, database_url: str,
          upgrade: Callable[[], object], log: Callable[[str], None] = print) -> None:
    """Run the cluster until SIGINT or SIGTERM; raises :class:`ServeError` on a refusal or a failure."""
    check_database(database_url, replicas)
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise ServeError("haproxy is not installed (Debian/Ubuntu: apt-get install haproxy).")
    upgrade()  # once, before the replicas start (each would otherwise race to migrate)
    cluster = Cluster(replicas_for(replicas, port), port, bind=bind, haproxy=haproxy, log=log)

    def on_signal(_signum: int, _frame: object) -> None:
        cluster.stop_requested = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        cluster.start()
        host = "localhost" if bind in ("*", "0.0.0.0", "") else bind
        log(f"serving http://{host}:{port} with {replicas} replica(s); Ctrl-C stops everything")
        cluster.watch()
    except _Stopped:
        pass
    finally:
        cluster.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log("stopped")
