"""`users invite`, `users set-password`, `mail send`, `mail test` (CliRunner; a real SMTP server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from mail_support import BASE_URL, free_port, links, token_of
from sqlalchemy import Engine

from academy.accounts import auth, invitations, mail
from academy.cli import cli
from academy.store import db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def cli_engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv(db.ENV_VAR, database_url)
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_users_invite_mails_a_link_that_works(cli_engine: Engine, smtp) -> None:
    result = CliRunner().invoke(cli, ["users", "invite", "Nina.Petit@Example.org", "--name", "Nina Petit"])
    assert result.exit_code == 0, result.output
    assert "Created account" in result.stdout and "nina.petit@example.org" in result.stdout
    assert "Mail: 1 sent" in result.stdout
    assert "token=" not in result.stdout  # the link is only in the mail
    [message] = smtp.sink.wait_for(1)
    [link] = links(message)
    account = invitations.complete(cli_engine, token_of(link), PASSWORD)
    assert account.roles == frozenset({"learner"}) and account.name == "Nina Petit"


def test_users_invite_without_mail_prints_the_link(cli_engine: Engine, no_smtp) -> None:
    result = CliRunner().invoke(cli, ["users", "invite", "coord@example.org", "--role", "coordinator"])
    assert result.exit_code == 0, result.output
    assert "Mail is not configured" in result.stdout
    link = result.stdout.strip().splitlines()[-1]
    assert link.startswith(f"{BASE_URL}/password?token=")
    account = invitations.complete(cli_engine, token_of(link), PASSWORD)
    assert account.roles == frozenset({"coordinator"})


def test_users_invite_an_existing_account_adds_the_role(cli_engine: Engine, no_smtp) -> None:
    auth.add_user(cli_engine, email="t@example.org", name="Théo", password=PASSWORD, roles={"learner"})
    result = CliRunner().invoke(cli, ["users", "invite", "t@example.org", "--role", "trainer"])
    assert result.exit_code == 0, result.output
    assert "Existing account" in result.stdout and "already has a password" in result.stdout
    assert auth.authenticate(cli_engine, "t@example.org", PASSWORD).roles == frozenset({"learner", "trainer"})


def test_commands_with_links_require_the_base_url(cli_engine: Engine, no_smtp, monkeypatch) -> None:
    monkeypatch.delenv("ACADEMY_BASE_URL")
    result = CliRunner().invoke(cli, ["users", "invite", "x@example.org"])
    assert result.exit_code == 1
    assert result.stdout == "" and "ACADEMY_BASE_URL must be set" in result.stderr
    assert auth.list_accounts(cli_engine) == []  # nothing written


def test_users_invite_refuses_a_bad_address(cli_engine: Engine, no_smtp) -> None:
    result = CliRunner().invoke(cli, ["users", "invite", "pas-une-adresse"])
    assert result.exit_code == 1 and "Error: email" in result.stderr


def test_users_set_password_for_an_invited_account(cli_engine: Engine, no_smtp) -> None:
    invited = invitations.invite(cli_engine, email="inv@example.org", base_url=BASE_URL)
    session = auth.create_session(cli_engine, invited.account.id)
    result = CliRunner().invoke(cli, ["users", "set-password", "INV@example.org", "--password-stdin"],
                                input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert auth.authenticate(cli_engine, "inv@example.org", PASSWORD).id == invited.account.id
    assert auth.account_for_token(cli_engine, session) is None  # signed out everywhere
    assert not invitations.check_link(cli_engine, token_of(invited.invitation.link)).valid


def test_users_set_password_asks_twice_and_refuses_bad_input(cli_engine: Engine) -> None:
    auth.add_user(cli_engine, email="u@example.org", name="Ugo", password=PASSWORD, roles={"admin"})
    runner = CliRunner()
    asked = runner.invoke(cli, ["users", "set-password", "u@example.org"], input="nouveau-secret-42\n" * 2)
    assert asked.exit_code == 0, asked.output
    assert "nouveau-secret-42" not in asked.output
    assert auth.authenticate(cli_engine, "u@example.org", "nouveau-secret-42")
    weak = runner.invoke(cli, ["users", "set-password", "u@example.org", "--password-stdin"], input="court\n")
    assert weak.exit_code == 1 and "Error: password" in weak.stderr
    unknown = runner.invoke(cli, ["users", "set-password", "nobody@example.org", "--password-stdin"],
                            input=PASSWORD + "\n")
    assert unknown.exit_code == 1 and "no account" in unknown.stderr


def test_mail_send_flushes_the_outbox(cli_engine: Engine, smtp) -> None:
    invitations.invite(cli_engine, email="a@example.org", base_url=BASE_URL)
    invitations.invite(cli_engine, email="b@example.org", base_url=BASE_URL)
    result = CliRunner().invoke(cli, ["mail", "send"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Mail: 2 sent, 0 to retry later, 0 failed.\n"
    assert len(smtp.sink.wait_for(2)) == 2
    assert CliRunner().invoke(cli, ["mail", "send"]).stdout.startswith("Mail: 0 sent")


def test_mail_send_reports_an_unreachable_server(cli_engine: Engine, smtp, monkeypatch) -> None:
    invitations.invite(cli_engine, email="a@example.org", base_url=BASE_URL)
    monkeypatch.setenv(mail.SMTP_URL_ENV, f"smtp://127.0.0.1:{free_port()}?timeout=2")
    result = CliRunner().invoke(cli, ["mail", "send"])
    assert result.exit_code == 1
    assert "1 to retry later" in result.stdout and "last SMTP error" in result.stderr


def test_mail_commands_without_smtp(cli_engine: Engine, no_smtp) -> None:
    for command in (["mail", "send"], ["mail", "test", "a@example.org"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1 and "ACADEMY_SMTP_URL is not set" in result.stderr


def test_mail_test_sends_at_once(smtp) -> None:
    result = CliRunner().invoke(cli, ["mail", "test", "admin@chu-exemple.fr"])
    assert result.exit_code == 0, result.output
    assert f"through smtp://127.0.0.1:{smtp.port}" in result.stdout
    [message] = smtp.sink.wait_for(1)
    assert message["To"] == "admin@chu-exemple.fr"


def test_mail_test_reports_a_refusal(smtp, monkeypatch) -> None:
    monkeypatch.setenv(mail.SMTP_URL_ENV, f"smtp://127.0.0.1:{free_port()}?timeout=2")
    result = CliRunner().invoke(cli, ["mail", "test", "admin@chu-exemple.fr"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: cannot send through smtp://127.0.0.1")
    monkeypatch.setenv(mail.SMTP_URL_ENV, "imap://x")
    bad = CliRunner().invoke(cli, ["mail", "test", "admin@chu-exemple.fr"])
    assert bad.exit_code == 1 and "unknown scheme" in bad.stderr
