"""`python -m academy serve`: the generated HAProxy configuration and the SQLite refusal (academy/serve.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from academy import serve
from academy.cli import cli
from academy.store import db

POSTGRES = "postgresql+psycopg://academy@db.example.org/academy"


def test_more_than_one_replica_on_sqlite_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(db.ENV_VAR, f"sqlite:///{tmp_path / 'academy.db'}")
    result = CliRunner().invoke(cli, ["serve", "--replicas", "2", "--port", "9300"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: 2 replicas need PostgreSQL, but the database is SQLite")
    assert "ACADEMY_DATABASE_URL" in result.stderr
    assert not (tmp_path / "academy.db").exists()  # refused before touching anything


def test_the_default_sqlite_database_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    result = CliRunner().invoke(cli, ["serve", "--replicas", "3", "--print-config"])
    assert result.exit_code == 1
    assert "need PostgreSQL" in result.stderr


def test_one_replica_on_sqlite_is_allowed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(db.ENV_VAR, f"sqlite:///{tmp_path / 'academy.db'}")
    result = CliRunner().invoke(cli, ["serve", "--replicas", "1", "--port", "9300", "--print-config"])
    assert result.exit_code == 0, result.output
    assert "server app1 127.0.0.1:9301 cookie app1" in result.stdout


def test_the_proxy_config_is_sticky_checks_health_and_names_every_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.ENV_VAR, POSTGRES)
    result = CliRunner().invoke(cli, ["serve", "--replicas", "3", "--port", "8600", "--bind", "10.0.0.5",
                                      "--print-config"])
    assert result.exit_code == 0, result.output
    config = result.stdout
    assert "bind 10.0.0.5:8600" in config
    servers = [line.split() for line in config.splitlines() if line.strip().startswith("server ")]
    assert servers == [["server", f"app{i}", f"127.0.0.1:{8600 + i}", "cookie", f"app{i}"] for i in (1, 2, 3)]
    assert 'cookie academy_replica insert indirect nocache httponly attr "SameSite=Lax"' in config
    assert "option httpchk GET /healthz" in config
    assert "http-check expect status 200" in config
    assert "default-server check" in config
    assert "option redispatch" in config  # a dead replica's users go to another one
    assert "timeout tunnel 1h" in config  # WebSockets stay open while a learner reads
    assert "$" not in config  # every placeholder of the template filled


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed (apt-get install haproxy)")
def test_haproxy_accepts_the_generated_config(tmp_path: Path) -> None:
    path = tmp_path / "haproxy.cfg"
    path.write_text(serve.proxy_config(serve.replicas_for(2, 8500), port=8500))
    checked = subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "WARNING" not in checked.stdout + checked.stderr


def test_replica_ports_and_bad_arguments() -> None:
    assert serve.replicas_for(2, 8500) == [serve.Replica("app1", 8501), serve.Replica("app2", 8502)]
    with pytest.raises(serve.ServeError):
        serve.replicas_for(0, 8500)
    with pytest.raises(serve.ServeError):
        serve.replicas_for(4, 65534)
    with pytest.raises(serve.ServeError):
        serve.check_database("not a url", 2)
    serve.check_database(POSTGRES, 8)


def test_every_replica_shares_the_cookie_secret_trusts_the_proxy_and_limits_malloc_arenas() -> None:
    env = serve.replica_environment({"PATH": "/usr/bin"}, "s3cret")
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"] == "s3cret"
    assert env["ACADEMY_TRUSTED_PROXIES"] == "127.0.0.1"
    assert env["MALLOC_ARENA_MAX"] == "2"  # the soak's setting (docs/performance.md)
    kept = serve.replica_environment({"ACADEMY_TRUSTED_PROXIES": "10.0.0.2", "MALLOC_ARENA_MAX": "4"}, "x")
    assert (kept["ACADEMY_TRUSTED_PROXIES"], kept["MALLOC_ARENA_MAX"]) == ("10.0.0.2", "4")
    command = serve.replica_command(serve.Replica("app1", 8501), python="python")
    assert command[:4] == ["python", "-m", "streamlit", "run"] and command[4].endswith("asgi.py")
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
