"""Mail journeys in a real browser (system Chromium driven by Playwright) against the app served for real and an
SMTP server (aiosmtpd) on loopback: forgotten password → mail → reset → old password refused; roster import →
invitation mail → choose a password → signed in, through asgi.py. ``ACADEMY_BASE_URL`` is empty: links must carry the
address the browser used. Set ACADEMY_SCREENSHOTS=DIR to keep screenshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from browser_support import CHROMIUM, CHROMIUM_ARGS, app_server, wait_idle
from mail_support import SENDER, Sink, free_port, links

from academy.accounts import auth
from academy.coordination import cohorts
from academy.store import db

OLD_PASSWORD, NEW_PASSWORD = "ancien-mot-de-passe-42", "nouveau-mot-de-passe-42"

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)


class Server:
    def __init__(self, url: str, engine, sink: Sink) -> None:
        self.url, self.engine, self.sink = url, engine, sink


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The app served for real (asgi.py) with mail to an SMTP server on loopback; ACADEMY_BASE_URL empty."""
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    engine = db.make_engine(f"sqlite:///{tmp_path / 'academy.db'}")
    db.upgrade(engine)
    env = {"ACADEMY_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "ACADEMY_MAIL_FROM": SENDER, "ACADEMY_BASE_URL": ""}
    try:
        with app_server(tmp_path, env=env) as url:
            yield Server(url, engine, sink)
    finally:
        controller.stop()
        engine.dispose()


@pytest.fixture
def page(server: Server) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        context.set_default_timeout(30_000)
        yield context.new_page()
        browser.close()


def snap(page, name: str) -> None:
    folder = os.environ.get("ACADEMY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page, email: str, password: str) -> None:
    form = page.get_by_test_id("stForm").filter(has_text="Se connecter")
    form.get_by_label("Adresse électronique").fill(email)
    form.get_by_label("Mot de passe", exact=True).fill(password)
    form.get_by_role("button", name="Se connecter").click()
    wait_idle(page)


def choose_password(page, link: str, password: str) -> None:
    page.goto(link)
    wait_idle(page)
    form = page.get_by_test_id("stForm")
    form.get_by_label("Mot de passe", exact=True).fill(password)
    form.get_by_label("Confirmer le mot de passe").fill(password)
    form.get_by_role("button", name="Enregistrer et me connecter").click()
    wait_idle(page)


def test_forgotten_password_mail_reset_then_old_password_refused(server: Server, page) -> None:
    expect = sync_api.expect
    auth.add_user(server.engine, email="lea.martin@example.org", name="Léa Martin", password=OLD_PASSWORD,
                  roles={"learner"})
    page.goto(server.url)
    wait_idle(page)
    page.get_by_text("Mot de passe oublié ?").click()
    forgot = page.get_by_test_id("stForm").filter(has_text="Recevoir un lien")
    forgot.get_by_label("Adresse électronique").fill("lea.martin@example.org")
    forgot.get_by_role("button", name="Recevoir un lien").click()
    wait_idle(page)
    expect(page.get_by_text("Si un compte existe pour cette adresse")).to_be_visible()
    snap(page, "mail-01-forgot")
    [message] = server.sink.wait_for(1)
    [link] = links(message)
    assert link.startswith(f"{server.url}/password?token=")  # the browser's address, ACADEMY_BASE_URL unset

    choose_password(page, link, NEW_PASSWORD)
    expect(page.get_by_text("Votre mot de passe est enregistré et vous êtes connecté·e")).to_be_visible()
    snap(page, "mail-02-reset")
    page.get_by_role("link", name="Aller à l'accueil").click()
    wait_idle(page)
    expect(page.get_by_text("Bonjour Léa Martin")).to_be_visible()  # the used link signed her in

    page.get_by_role("button", name="Se déconnecter").click()
    wait_idle(page)
    sign_in(page, "lea.martin@example.org", OLD_PASSWORD)
    expect(page.get_by_text("Adresse ou mot de passe incorrect.")).to_be_visible()
    sign_in(page, "lea.martin@example.org", NEW_PASSWORD)
    expect(page.get_by_text("Bonjour Léa Martin")).to_be_visible()

    page.goto(link)  # the link works once
    wait_idle(page)
    expect(page.get_by_text("Ce lien a déjà servi")).to_be_visible()


def test_roster_import_invitation_mail_choose_password_and_sign_in(server: Server, page, tmp_path: Path) -> None:
    expect = sync_api.expect
    coordinator = auth.add_user(server.engine, email="coord@example.org", name="Camille Coord",
                                password=OLD_PASSWORD, roles={"coordinator", "learner"})
    cohorts.create_cohort(server.engine, "Promo IFSI 2026", actor_id=coordinator.id)
    roster = tmp_path / "promo.csv"
    roster.write_text("email;nom;profession\n" + "".join(
        f"etudiant{n:02d}@ifsi-exemple.fr;Étudiant {n:02d};etudiant_soins_infirmiers\n" for n in range(1, 21)),
        encoding="utf-8")

    page.goto(server.url)
    wait_idle(page)
    sign_in(page, "coord@example.org", OLD_PASSWORD)
    page.get_by_role("link", name="Cohortes").first.click()
    wait_idle(page)
    page.get_by_role("tab", name="Import CSV").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(roster))
    wait_idle(page)
    page.get_by_role("button", name="Importer 20 apprenant(s)").click()
    wait_idle(page)
    expect(page.get_by_text("Import terminé : 20 membre(s) ajouté(s)")).to_be_visible()
    snap(page, "mail-03-import")
    received = server.sink.wait_for(20, timeout=60)
    assert sorted(str(m["To"]) for m in received) == [f"etudiant{n:02d}@ifsi-exemple.fr" for n in range(1, 21)]
    invitation = next(m for m in received if str(m["To"]) == "etudiant07@ifsi-exemple.fr")
    [link] = links(invitation)
    assert link.startswith(f"{server.url}/password?token=")

    page.get_by_role("button", name="Se déconnecter").click()
    wait_idle(page)
    choose_password(page, link, NEW_PASSWORD)
    expect(page.get_by_text("Votre mot de passe est enregistré et vous êtes connecté·e")).to_be_visible()
    snap(page, "mail-04-invited")
    page.get_by_role("link", name="Aller à l'accueil").click()
    wait_idle(page)
    expect(page.get_by_text("Bonjour Étudiant 07")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    wait_idle(page)
    sign_in(page, "etudiant07@ifsi-exemple.fr", NEW_PASSWORD)
    expect(page.get_by_text("Bonjour Étudiant 07")).to_be_visible()
