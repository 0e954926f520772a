"""Two replicas behind HAProxy (`python -m academy serve --replicas 2`) on PostgreSQL, in a real browser.

A learner signs in through the proxy and lands on replica A (HAProxy's `academy_replica` cookie says
which), starts the quiz and answers half of it; replica A is killed; the reload is served by replica B,
the learner is still signed in (the HttpOnly `academy_session` cookie, sessions in the database) and the
attempt resumes with every answer.

Before that, with each browser pinned to a replica by HAProxy's cookie: a trainer's Studio edit published on
replica A reaches a learner on replica B within 5 s; two trainers save the same file from A and B, opened
at the same version: exactly one save wins, the other is told the file changed elsewhere.

Needs PostgreSQL (ACADEMY_TEST_DATABASE_URL), haproxy, system Chromium and Python playwright; skips
otherwise. Set ACADEMY_SCREENSHOTS=DIR to keep screenshots.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    ace,
    ace_eval,
    free_port,
    type_at_end,
    wait_for_http,
    wait_idle,
)
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from academy.accounts import auth
from academy.i18n import t
from academy.store import db

PG_ENV = "ACADEMY_TEST_DATABASE_URL"
MODULE = "fondamentaux-ia-sante"
EMAIL = "interne.cluster@example.org"
PASSWORD = "replique-2026-solide"
TRAINERS = ("formatrice.a@example.org", "formateur.b@example.org")
LESSON_FILE, LESSON_ID = "04-chaine-de-soins.md", "chaine-de-soins"

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)
if shutil.which("haproxy") is None:
    pytest.skip("haproxy is absent (apt-get install haproxy)", allow_module_level=True)
if not os.environ.get(PG_ENV):
    pytest.skip(f"{PG_ENV} is not set: several replicas need PostgreSQL", allow_module_level=True)


@pytest.fixture(scope="module")
def schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema, migrated, with one learner; dropped afterwards."""
    base = make_url(os.environ[PG_ENV])
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    schema = f"cluster_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except Exception as exc:  # the variable is set but nothing answers
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_ENV} does not answer: {exc}")
    url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        auth.add_user(engine, email=EMAIL, name="Interne Cluster", password=PASSWORD, roles={"learner"})
        for email in TRAINERS:
            auth.add_user(engine, email=email, name=email.split("@")[0].title(), password=PASSWORD,
                          roles={"trainer"})
        engine.dispose()
        yield url
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


class Cluster:
    def __init__(self, url: str, log: Path, process: subprocess.Popen) -> None:
        self.url, self.log, self.process = url, log, process

    def replica_pid(self, name: str) -> int:
        match = re.search(rf"^replica {name} pid (\d+) port \d+$", self.log.read_text(), re.MULTILINE)
        assert match, f"serve did not report replica {name}: {self.log.read_text()[-2000:]}"
        return int(match.group(1))


@pytest.fixture(scope="module")
def cluster(schema_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    port = free_port()
    while any(_port_taken(port + i) for i in (1, 2)):
        port = free_port()
    log = tmp_path_factory.mktemp("cluster") / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "academy", "serve", "--replicas", "2", "--port", str(port), "--bind", "127.0.0.1"],
            cwd=ROOT, env={**os.environ, "ACADEMY_DATABASE_URL": schema_url}, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/healthz", process, log, timeout=180)
            yield Cluster(f"http://127.0.0.1:{port}", log, process)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
    assert process.returncode == 0, log.read_text()[-2000:]
    assert "stopped" in log.read_text()


def _port_taken(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def snap(page, name: str) -> None:
    folder = os.environ.get("ACADEMY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"cluster-{name}.png"), full_page=True)


def replica_cookie(page) -> str | None:
    found = [c["value"] for c in page.context.cookies() if c["name"] == "academy_replica"]
    return found[0] if found else None


def wait_for_cookie(page, name: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not [c for c in page.context.cookies() if c["name"] == name]:
        assert time.monotonic() < deadline, f"no {name} cookie"
        page.wait_for_timeout(200)


def settled_count(locator, timeout: float = 20) -> int:
    """How many elements match once the page stops adding them (Streamlit streams a long page in parts)."""
    deadline = time.monotonic() + timeout
    previous = -1
    while (count := locator.count()) != previous or count == 0:
        assert time.monotonic() < deadline, f"the count never settled (last {count})"
        previous = count
        time.sleep(1)
    return count


def pinned_page(browser, cluster: Cluster, replica: str, email: str):
    """A signed-in tab whose requests HAProxy sends to `replica` (its sticky cookie set beforehand)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    context.set_default_timeout(30_000)
    context.add_cookies([{"name": "academy_replica", "value": replica, "url": cluster.url}])
    page = context.new_page()
    page.goto(cluster.url)
    wait_idle(page)
    form = page.get_by_test_id("stForm").filter(has_text="Se connecter")
    form.get_by_label("Adresse électronique").fill(email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()
    wait_idle(page)
    sync_api.expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert replica_cookie(page) == replica
    return page


def open_in_editor(page, cluster: Cluster) -> None:
    page.goto(f"{cluster.url}/studio")
    wait_idle(page)
    page.get_by_role("tab", name=t("studio.tab_edit", "fr")).click()
    page.get_by_test_id("stSelectbox").filter(has_text=t("studio.file", "fr")).click()
    page.get_by_role("option", name=LESSON_FILE).click()
    wait_idle(page)
    ace(page)


def test_studio_edits_reach_the_other_replica_and_concurrent_saves_conflict(cluster: Cluster) -> None:
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        trainer_a = pinned_page(browser, cluster, "app1", TRAINERS[0])
        trainer_b = pinned_page(browser, cluster, "app2", TRAINERS[1])
        learner_b = pinned_page(browser, cluster, "app2", EMAIL)

        # published on A, read on B within 5 s
        sentence = f"Phrase publiée depuis la réplique A ({uuid.uuid4().hex[:6]})."
        open_in_editor(trainer_a, cluster)
        type_at_end(trainer_a, f"\n\n{sentence}")
        trainer_a.get_by_role("button", name=t("studio.save", "fr")).click()
        wait_idle(trainer_a)
        expect(trainer_a.get_by_text(t("studio.saved", "fr", file=LESSON_FILE))).to_be_visible()
        trainer_a.get_by_role("tab", name=t("studio.tab_preview", "fr")).click()
        trainer_a.get_by_role("button", name=t("studio.publish", "fr"), exact=True).click()
        wait_idle(trainer_a)
        published = time.monotonic()
        snap(trainer_a, "10-published-on-a")
        lesson = f"{cluster.url}/module?module={MODULE}&lesson={LESSON_ID}"
        while True:
            learner_b.goto(lesson)
            wait_idle(learner_b)
            if sentence in learner_b.get_by_test_id("stMain").inner_text():
                break
            assert time.monotonic() - published < 5, "replica B did not serve the publication within 5 s"
        assert replica_cookie(learner_b) == "app2"
        snap(learner_b, "11-read-on-b")

        # both open the file at the same version; A saves first, B is refused and told
        open_in_editor(trainer_a, cluster)
        open_in_editor(trainer_b, cluster)
        type_at_end(trainer_a, "\n\nAjout de la formatrice A.")
        type_at_end(trainer_b, "\n\nAjout du formateur B.")
        trainer_a.get_by_role("button", name=t("studio.save", "fr")).click()
        wait_idle(trainer_a)
        expect(trainer_a.get_by_text(t("studio.saved", "fr", file=LESSON_FILE))).to_be_visible()
        trainer_b.get_by_role("button", name=t("studio.save", "fr")).click()
        wait_idle(trainer_b)
        expect(trainer_b.get_by_text(t("studio.conflict", "fr"))).to_be_visible()
        expect(trainer_b.get_by_text(t("studio.saved", "fr", file=LESSON_FILE))).to_have_count(0)
        snap(trainer_b, "12-conflict-on-b")
        open_in_editor(trainer_b, cluster)  # reloaded: the draft holds A's addition, not B's
        draft = ace_eval(trainer_b, "editor.getValue()")  # Ace draws only the lines in view
        assert "Ajout de la formatrice A." in draft and "Ajout du formateur B." not in draft
        assert replica_cookie(trainer_a) == "app1" and replica_cookie(trainer_b) == "app2"
        browser.close()


def test_a_learner_survives_the_loss_of_their_replica(cluster: Cluster) -> None:
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        context.set_default_timeout(30_000)
        page = context.new_page()

        page.goto(cluster.url)
        wait_idle(page)
        replica_a = replica_cookie(page)
        assert replica_a in ("app1", "app2"), "HAProxy did not insert its sticky cookie"
        form = page.get_by_test_id("stForm").filter(has_text="Se connecter")
        form.get_by_label("Adresse électronique").fill(EMAIL)
        form.get_by_label("Mot de passe").fill(PASSWORD)
        form.get_by_role("button", name="Se connecter").click()
        wait_idle(page)
        expect(page.get_by_text("Bonjour Interne Cluster")).to_be_visible()
        wait_for_cookie(page, "academy_session")
        snap(page, "01-signed-in")

        page.goto(f"{cluster.url}/quiz?module={MODULE}")
        wait_idle(page)
        page.get_by_role("button", name="Commencer").click()
        wait_idle(page)
        radios = page.get_by_test_id("stRadio")
        count = settled_count(radios)
        assert count >= 2, f"expected several single-answer questions, found {count}"
        answered = {}  # radio group index -> option index chosen
        for group in range(count - 1):  # all single-answer questions but the last: part of the quiz
            choice = (group + 1) % radios.nth(group).get_by_role("radio").count()
            radios.nth(group).get_by_role("radio").nth(choice).locator("xpath=ancestor::label[1]").click()
            wait_idle(page)
            expect(radios.nth(group).get_by_role("radio").nth(choice)).to_be_checked()
            answered[group] = choice
        ticked = page.get_by_test_id("stCheckbox").first  # one option of a multiple-answer question too
        ticked.locator("label").click()
        wait_idle(page)
        expect(ticked.get_by_role("checkbox")).to_be_checked()
        assert replica_cookie(page) == replica_a, "the learner moved between replicas while A was up"
        snap(page, "02-half-answered")

        os.kill(cluster.replica_pid(replica_a), signal.SIGKILL)  # a crash, not a graceful stop
        page.reload()
        wait_idle(page)
        replica_b = replica_cookie(page)
        assert replica_b in ("app1", "app2") and replica_b != replica_a, f"still on {replica_b} after A died"
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
        expect(page.get_by_role("button", name="Commencer")).to_have_count(0)
        radios = page.get_by_test_id("stRadio")
        assert settled_count(radios) == count
        for group in range(count):
            options = radios.nth(group).get_by_role("radio")
            for index in range(options.count()):
                if answered.get(group) == index:
                    expect(options.nth(index)).to_be_checked()
                else:
                    expect(options.nth(index)).not_to_be_checked()
        expect(page.get_by_test_id("stCheckbox").first.get_by_role("checkbox")).to_be_checked()
        expect(page.get_by_test_id("stCheckbox").nth(1).get_by_role("checkbox")).not_to_be_checked()
        snap(page, "03-resumed-on-b")
        browser.close()

    deadline = time.monotonic() + 10
    while f"replica {replica_a} exited" not in cluster.log.read_text():
        assert time.monotonic() < deadline, "serve did not report the lost replica"
        time.sleep(0.2)
    assert cluster.process.poll() is None, "serve stopped when one replica died"
