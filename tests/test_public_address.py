"""The public address (ACADEMY_BASE_URL, else the browser's origin) on attestations, xAPI and the Admin page.

A printed attestation must never carry a made-up ``http://localhost:8501``: pages print ACADEMY_BASE_URL or
the origin the browser used, and the command line refuses to print links without the setting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apptest_support import make_account, open_page
from click.testing import CliRunner
from sqlalchemy import Engine
from streamlit.runtime.media_file_manager import MediaFileManager
from test_certificates import pass_module, pdf_text
from test_exports import Dataset, build_dataset

from academy import settings
from academy.accounts import auth
from academy.cli import cli
from academy.content.catalog import Module, load_catalog
from academy.coordination import certificates
from academy.i18n import t
from academy.interop import exports
from academy.store import db
from academy.ui.address import origin
from academy.ui.resources import PROJECT_ROOT

MODULE = "fondamentaux-ia-sante"


@pytest.fixture(scope="module")
def module() -> Module:
    return load_catalog(PROJECT_ROOT / "content").module(MODULE)


@pytest.fixture
def no_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.BASE_URL_ENV, raising=False)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """The callables of download buttons by file name, as the server would run them on a click."""
    found: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **options):
        found[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


def graduate(engine: Engine, module: Module) -> auth.Account:
    """A learner who passed `module`."""
    account = make_account(engine, "learner", "elodie@example.org", "Élodie Lefèvre")
    pass_module(engine, account.id, module)
    return account


# --- the setting and the origin ----------------------------------------------------------------------


def test_base_url_is_read_from_the_environment_without_a_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.BASE_URL_ENV, raising=False)
    assert settings.base_url() is None
    monkeypatch.setenv(settings.BASE_URL_ENV, "   ")
    assert settings.base_url() is None
    monkeypatch.setenv(settings.BASE_URL_ENV, " https://formation.chu.example/academie/ ")
    assert settings.base_url() == "https://formation.chu.example/academie"


@pytest.mark.parametrize(("url", "local"), [
    ("http://localhost:8501", True), ("http://127.0.0.1", True), ("http://[::1]:8501", True),
    ("http://0.0.0.0:8501", True), ("http://app.localhost", True),
    ("https://formation.chu.example", False), ("https://10.0.0.5", False),
])
def test_local_addresses_are_recognised(url: str, local: bool) -> None:
    assert settings.is_local(url) is local


@pytest.mark.parametrize(("url", "expected"), [
    ("https://formation.chu.example/attestations", "https://formation.chu.example"),
    ("http://formation.chu.example:8443/sub/page?x=1#y", "http://formation.chu.example:8443"),
    ("https://user:secret@formation.chu.example/", "https://formation.chu.example"),
    ("http://[2001:db8::1]:8501/", "http://[2001:db8::1]:8501"),
    ("javascript:alert(1)", None), ("ftp://files.example/", None), ("http://host:notaport/", None), ("", None),
    (None, None),
])
def test_origin_keeps_scheme_host_and_port_only(url: str | None, expected: str | None) -> None:
    assert origin(url) == expected


def test_verify_url_is_built_on_the_given_address_with_its_path() -> None:
    assert certificates.verify_url("ABCD", "https://formation.chu.example/academie/") == (
        "https://formation.chu.example/academie/verify?code=ABCD")


# --- the command line --------------------------------------------------------------------------------


def test_cli_refuses_an_xapi_export_without_the_public_address(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_base_url: None
) -> None:
    monkeypatch.setenv(db.ENV_VAR, database_url)
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path / "content"))
    build_dataset(engine, tmp_path / "content")
    output = tmp_path / "out" / "statements.jsonl"
    output.parent.mkdir()
    result = CliRunner().invoke(cli, ["export", "xapi", "--format", "jsonl", "--output", str(output)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Unknown public address: set ACADEMY_BASE_URL")
    assert list(output.parent.iterdir()) == []  # nothing written, no temporary file left

    monkeypatch.setenv(settings.BASE_URL_ENV, "https://formation.chu.example/")
    result = CliRunner().invoke(cli, ["export", "xapi", "--format", "jsonl", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert '"homePage":"https://formation.chu.example"' in output.read_text(encoding="utf-8")
    assert "localhost" not in output.read_text(encoding="utf-8")


# --- pages -------------------------------------------------------------------------------------------


def progress_page_pdf(engine: Engine, module: Module, downloads: dict[str, Callable[[], Any]],
                      url: str | None) -> str:
    """The text of the attestation My progress offers, seen from a browser at `url`."""
    token = auth.create_session(engine, graduate(engine, module).id)
    at = open_page("pages/4_progress.py", token)
    at.context["url"] = url
    at.run()
    assert not at.exception
    return pdf_text(downloads[f"attestation-{module.id}.pdf"]())


def test_an_attestation_from_a_page_prints_the_browser_origin(
    app_env: Engine, module: Module, downloads: dict, no_base_url: None
) -> None:
    text = progress_page_pdf(app_env, module, downloads, "https://formation.chu.example:8443/progress")
    [issued] = certificates.user_certificates(app_env, auth.list_accounts(app_env, search="elodie")[0].id)
    assert f"https://formation.chu.example:8443/verify?code={issued.code}" in text
    assert "localhost" not in text


def test_the_setting_wins_over_the_browser_origin(
    app_env: Engine, module: Module, downloads: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.BASE_URL_ENV, "https://academie.chu.example/formation/")
    text = progress_page_pdf(app_env, module, downloads, "http://10.0.0.7:8501/progress")
    assert "https://academie.chu.example/formation/verify?code=" in text
    assert "10.0.0.7" not in text


def test_without_any_address_no_attestation_is_printed(
    app_env: Engine, module: Module, downloads: dict, no_base_url: None
) -> None:
    token = auth.create_session(app_env, graduate(app_env, module).id)
    at = open_page("pages/4_progress.py", token)
    at.context["url"] = None  # a client that does not say where it is
    downloads.clear()
    at.run()
    assert not at.exception
    assert any("Adresse publique inconnue" in w.value for w in at.warning)
    assert f"attestation-{module.id}.pdf" not in downloads
    assert not at.get("download_button") or all(not b.proto.label.startswith("Télécharger l’attestation")
                                                for b in at.get("download_button"))


def test_coordinators_issue_attestations_on_the_browser_origin(
    app_env: Engine, module: Module, downloads: dict, no_base_url: None
) -> None:
    learner = graduate(app_env, module)
    coordinator = make_account(app_env, "admin", "admin@example.org", "Admin")
    at = open_page("pages/11_attestations.py", auth.create_session(app_env, coordinator.id))
    at.context["url"] = "https://dpc.chu.example/attestations"
    at.run()
    at.selectbox(key="issue_module").set_value(module.id).run()
    at.selectbox(key="issue_learner").set_value(learner.id).run()
    next(b for b in at.button if b.label == "Délivrer l’attestation").click().run()
    assert not at.exception
    [issued] = certificates.user_certificates(app_env, learner.id)
    text = pdf_text(downloads[f"attestation-{issued.code}.pdf"]())
    assert f"https://dpc.chu.example/verify?code={issued.code}" in text


def test_admin_page_shows_the_address_and_warns_about_localhost(
    app_env: Engine, monkeypatch: pytest.MonkeyPatch, no_base_url: None
) -> None:
    token = auth.create_session(app_env, make_account(app_env, "admin").id)
    at = open_page("pages/9_admin.py", token)  # the test browser is at http://localhost:8501/
    assert not at.exception
    shown = [m.value.replace("\\", "") for m in at.markdown]  # the address is escaped like any client input
    assert any("adresse de votre navigateur" in m and "http://localhost:8501" in m for m in shown)
    assert any("désigne cette machine (localhost)" in w.value for w in at.warning)

    monkeypatch.setenv(settings.BASE_URL_ENV, "https://formation.chu.example")
    at.run()
    shown = [m.value.replace("\\", "") for m in at.markdown]
    assert any("https://formation.chu.example" in m and "ACADEMY_BASE_URL" in m for m in shown)
    assert not [w for w in at.warning if "localhost" in w.value]


def test_xapi_preview_on_the_exports_page_uses_the_browser_origin(
    app_env: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_base_url: None
) -> None:
    data: Dataset = build_dataset(app_env, tmp_path / "content")
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path / "content"))
    token = auth.create_session(app_env, make_account(app_env, "admin", "admin2@example.org").id)
    at = open_page("pages/10_exports.py", token)
    at.context["url"] = "https://formation.chu.example/exports"
    at.segmented_control(key="export_kind").set_value("xapi").run()
    assert not at.exception
    objects = at.dataframe[0].value[t(exports.COLUMN_HEADERS["object_id"], "fr")].tolist()  # « Objet »
    assert objects and all(iri.startswith("https://formation.chu.example/") for iri in objects)
    del data
