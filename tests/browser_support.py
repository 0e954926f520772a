"""Shared by the browser tests: start the app (asgi.py) for real, open system Chromium, wait for reruns."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Wait until ``url`` answers 200, failing with the end of ``log`` if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            pytest.fail(f"{url} did not come up: {log.read_text()[-2000:]}")
        time.sleep(0.3)


@contextmanager
def running(command: Sequence[str], health_url: str, log: Path, env: dict[str, str] | None = None) -> Iterator[None]:
    """Run ``command`` until the block ends, once ``health_url`` answers."""
    with log.open("w") as out:
        process = subprocess.Popen(list(command), cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,
                                   stderr=subprocess.STDOUT)
        try:
            wait_for_http(health_url, process, log)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def app_server(data: Path, *extra_args: str, env: dict[str, str] | None = None,
               port: int | None = None) -> Iterator[str]:
    """The app served by ``streamlit run asgi.py`` (on ``port`` or a free one) with its own SQLite file."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "asgi.py"), "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", *extra_args]
    environment = {"ACADEMY_DATABASE_URL": f"sqlite:///{data / 'academy.db'}", **(env or {})}
    with running(command, f"{url}/_stcore/health", data / "server.log", environment):
        yield url


def wait_idle(page) -> None:
    """Wait until Streamlit has finished running the script after the last interaction."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


# --- the Studio's Ace editor (a component in an iframe) ----------------------------------------------

EDITOR = 'iframe[title="academy.ui.text_editor.ace"]'


def ace(page):
    """The Ace editor's content area, inside the component's iframe."""
    # Chromium throttles the rendering of an iframe outside the viewport: Ace then never sizes its content
    # area, which stays hidden. Bring the frame into view first.
    page.locator(EDITOR).scroll_into_view_if_needed()
    frame = page.frame_locator(EDITOR)
    content = frame.locator(".ace_content")
    content.wait_for(state="visible")
    return content


def ace_eval(page, expression: str):
    """`expression` evaluated with `editor` the Ace instance inside the component's iframe."""
    frame = page.locator(EDITOR).element_handle().content_frame()
    return frame.evaluate(f"(() => {{ const editor = document.getElementById('REACT_ACE_EDITOR').env.editor; "
                          f"return {expression}; }})()")


def type_at_end(page, text: str) -> None:
    ace(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


# --- pages -----------------------------------------------------------------------------------------------


def snap(page, name: str) -> None:
    """A full-page screenshot `name`.png in ACADEMY_SCREENSHOTS, when that variable names a folder."""
    folder = os.environ.get("ACADEMY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page, url: str, email: str, password: str) -> None:
    """Open the app at `url` and sign in with the French form."""
    page.goto(url)
    wait_idle(page)
    form = page.get_by_test_id("stForm").filter(has_text="Se connecter")
    form.get_by_label("Adresse électronique").fill(email)
    form.get_by_label("Mot de passe", exact=True).fill(password)
    form.get_by_role("button", name="Se connecter").click()
    wait_idle(page)
