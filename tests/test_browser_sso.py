"""Single sign-on in a real browser: st.login against an OpenID Connect provider on loopback.

`oidc-provider-mock` plays the institution's identity provider; the app runs with an `[auth]` secrets file
pointing at it. The first sign-in creates a learner from the verified address; the session then survives a
reload through our HttpOnly cookie, and signing out ends both sessions.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, app_server, free_port, running, wait_idle

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("system Chromium is absent (apt-get install chromium)", allow_module_level=True)

USER = {"sub": "interne-42", "email": "jeanne.interne@chu.example", "email_verified": True, "name": "Jeanne Interne"}


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    mock = shutil.which("oidc-provider-mock") or str(Path(sys.executable).with_name("oidc-provider-mock"))
    if not Path(mock).exists():
        pytest.skip("oidc-provider-mock is not installed (requirements-dev.txt)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    command = [mock, "--port", str(port), "--user-claims", json.dumps(USER)]
    with running(command, f"{url}/.well-known/openid-configuration", log):
        yield url


@pytest.fixture(scope="module")
def server(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("sso")
    port = free_port()
    secrets = data / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-secret-for-the-test-only"\n'
        'client_id = "academie-ia-sante"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with app_server(data, "--secrets.files", str(secrets), port=port) as url:
        yield url


def test_sign_in_with_the_institution_creates_a_learner(server: str) -> None:
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(server)
        wait_idle(page)
        page.get_by_role("button", name="Se connecter avec mon établissement").click()
        # The provider's authorization page: pick the predefined user.
        page.get_by_role("button", name=USER["sub"]).click()
        page.wait_for_url(f"{server}/**")
        wait_idle(page)
        expect(page.get_by_text("Bonjour Jeanne Interne")).to_be_visible()

        page.wait_for_function("() => true")
        for _ in range(50):  # the page exchanges its ticket for the cookie right after the run
            cookies = {c["name"]: c for c in context.cookies()}
            if "academy_session" in cookies:
                break
            page.wait_for_timeout(200)
        assert cookies["academy_session"]["httpOnly"] is True
        page.reload()
        wait_idle(page)
        expect(page.get_by_text("Bonjour Jeanne Interne")).to_be_visible()

        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_timeout(1000)
        page.goto(server)
        wait_idle(page)
        expect(page.get_by_role("button", name="Se connecter avec mon établissement")).to_be_visible()
        expect(page.get_by_text("Bonjour Jeanne Interne")).to_have_count(0)
        browser.close()
