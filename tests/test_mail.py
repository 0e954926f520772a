"""E-mail: settings, templates, the outbox and its sender against a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from mail_support import BASE_URL, SENDER, free_port, html_of, links, text_of
from sqlalchemy import Engine, select, update

from academy.accounts import mail
from academy.store import db
from academy.store.models import MailMessage

ROOT = Path(__file__).resolve().parents[1]


def _mail(to: str = "lea@example.org", name: str = "Léa Martin", locale: str = "fr") -> mail.Mail:
    return mail.compose("invitation", locale, to=to, values={"name": name, "email": to, "days": 14},
                        link=f"{BASE_URL}/password?token=abc")


def _rows(engine: Engine) -> list[MailMessage]:
    with db.read(engine) as session:
        return list(session.scalars(select(MailMessage).order_by(MailMessage.id)))


# --- settings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "scheme", "host", "port", "user", "password"),
    [
        ("smtp://relay.local", "smtp", "relay.local", 25, None, None),
        ("smtp://127.0.0.1:2525", "smtp", "127.0.0.1", 2525, None, None),
        ("smtp+starttls://formation%40chu.fr:p%40ss@smtp.chu.fr:587", "smtp+starttls", "smtp.chu.fr", 587,
         "formation@chu.fr", "p@ss"),
        ("smtp+starttls://u:p@smtp.chu.fr", "smtp+starttls", "smtp.chu.fr", 587, "u", "p"),
        ("smtps://u:p@smtp.chu.fr", "smtps", "smtp.chu.fr", 465, "u", "p"),
    ],
)
def test_smtp_urls(url: str, scheme: str, host: str, port: int, user: str | None, password: str | None) -> None:
    settings = mail.parse_smtp_url(url, SENDER)
    assert (settings.scheme, settings.host, settings.port, settings.username, settings.password) == (
        scheme, host, port, user, password)
    assert "p@ss" not in repr(settings) and "p@ss" not in settings.display  # the password never shows


@pytest.mark.parametrize(
    ("url", "sender", "message"),
    [
        ("http://relay.local", SENDER, "unknown scheme"),
        ("smtp://", SENDER, "no host"),
        ("smtp://relay.local:port", SENDER, "bad port"),
        ("smtp://relay.local?timeout=soon", SENDER, "timeout"),
        ("smtp://relay.local", "", "ACADEMY_MAIL_FROM is required"),
        ("smtp://relay.local", "Académie", "not an e-mail address"),
    ],
)
def test_bad_settings_are_explained(url: str, sender: str, message: str) -> None:
    with pytest.raises(mail.MailSettingsError, match=message):
        mail.parse_smtp_url(url, sender)


def test_mail_is_off_without_an_smtp_url(no_smtp) -> None:
    assert mail.mail_settings() is None and not mail.mail_enabled()


# --- templates --------------------------------------------------------------------------------------------


def test_templates_in_french_and_english_escape_user_text_in_html() -> None:
    evil = '<a href="https://evil.example">Zoé</a> & co'
    fr = _mail(name=evil)
    en = _mail(name=evil, locale="en")
    assert fr.subject == "Votre accès à Académie IA Santé"
    assert en.subject == "Your access to Académie IA Santé"
    assert f"Bonjour {evil}," in fr.text  # plain text keeps the text as typed
    assert "evil.example" not in fr.html.replace("&lt;a href=&quot;https://evil.example&quot;&gt;", "")
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;Zoé&lt;/a&gt; &amp; co" in fr.html
    assert "Choose my password" in en.html and "Choisir mon mot de passe" in fr.html
    assert f"{BASE_URL}/password?token=abc" in fr.text


def test_links_must_be_absolute() -> None:
    with pytest.raises(ValueError, match="absolute"):
        mail.compose("reset", "fr", to="x@example.org", values={"name": "X", "email": "x@example.org"},
                     link="/password?token=abc")


# --- the outbox and the sender ----------------------------------------------------------------------------


def test_a_queued_mail_is_sent_once_as_text_and_html(engine: Engine, smtp) -> None:
    mail.queue_mail(engine, _mail())
    result = mail.flush(engine)
    assert (result.sent, result.retried, result.failed) == (1, 0, 0)
    [message] = smtp.sink.wait_for(1)
    assert message["From"] == SENDER and message["To"] == "lea@example.org"
    assert message["Subject"] == "Votre accès à Académie IA Santé"
    assert message.get_content_type() == "multipart/alternative"
    assert "Bonjour Léa Martin" in text_of(message) and "Bonjour Léa Martin" in html_of(message)
    assert links(message) == [f"{BASE_URL}/password?token=abc"]
    [row] = _rows(engine)
    assert (row.status, row.attempts, row.message_id) == ("sent", 1, message["Message-ID"])
    assert row.message_id.endswith("@chu-exemple.fr>")
    assert row.text_body == row.html_body == ""  # sent rows keep no link
    assert mail.flush(engine).sent == 0  # nothing left: sent once
    assert len(smtp.sink.messages) == 1


def test_an_unreachable_server_is_retried_with_back_off(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(mail.SMTP_URL_ENV, f"smtp://127.0.0.1:{free_port()}?timeout=2")  # nobody listens
    monkeypatch.setenv(mail.MAIL_FROM_ENV, SENDER)
    mail.queue_mail(engine, _mail())
    before = db.utcnow()
    assert mail.flush(engine) == mail.FlushResult(0, 1, 0)
    [row] = _rows(engine)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "connect" in row.last_error
    assert before + timedelta(seconds=55) <= row.next_attempt_at <= db.utcnow() + timedelta(minutes=1)
    assert mail.flush(engine) == mail.FlushResult(0, 0, 0)  # not due yet: no second try at once
    assert [mail.retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert mail.retry_delay(20) == mail.MAX_RETRY

    for _ in range(mail.MAX_ATTEMPTS - 1):  # each later try fails too, until the sender gives up
        with db.write(engine) as session:
            session.execute(update(MailMessage).values(next_attempt_at=db.utcnow() - timedelta(seconds=1)))
        mail.flush(engine)
    [row] = _rows(engine)
    assert (row.status, row.attempts) == ("failed", mail.MAX_ATTEMPTS)
    assert row.text_body == ""


def test_a_retried_mail_goes_out_once_the_server_answers(engine: Engine, smtp, monkeypatch) -> None:
    monkeypatch.setenv(mail.SMTP_URL_ENV, f"smtp://127.0.0.1:{free_port()}?timeout=2")
    mail.queue_mail(engine, _mail())
    mail.flush(engine)
    monkeypatch.setenv(mail.SMTP_URL_ENV, smtp.url)
    with db.write(engine) as session:
        session.execute(update(MailMessage).values(next_attempt_at=db.utcnow()))
    assert mail.flush(engine).sent == 1
    assert len(smtp.sink.wait_for(1)) == 1
    assert _rows(engine)[0].attempts == 2


def test_a_refused_recipient_fails_at_once(engine: Engine, smtp) -> None:
    smtp.sink.refused.add("nobody@example.org")
    mail.queue_mail(engine, _mail(to="nobody@example.org"))
    mail.queue_mail(engine, _mail(to="lea@example.org"))
    assert mail.flush(engine) == mail.FlushResult(1, 0, 1)
    refused, ok = _rows(engine)
    assert (refused.status, refused.attempts) == ("failed", 1) and "550" in refused.last_error
    assert ok.status == "sent"
    assert mail.outbox_status(engine).failed == 1


def test_a_claim_left_by_a_dead_sender_is_given_back_after_the_lease(engine: Engine, smtp) -> None:
    mail.queue_mail(engine, _mail())
    _, claimed = mail.claim(engine)  # a sender claims it, then dies
    assert len(claimed) == 1
    assert mail.flush(engine).sent == 0  # still leased: nobody else sends it
    with db.write(engine) as session:
        session.execute(update(MailMessage).values(claimed_at=db.utcnow() - mail.CLAIM_LEASE - timedelta(seconds=1)))
    assert mail.flush(engine).sent == 1
    assert len(smtp.sink.wait_for(1)) == 1


def test_two_concurrent_senders_send_each_message_once(engine: Engine, database_url: str, smtp) -> None:
    count = 40
    with db.write(engine) as session:
        mail.queue(session, [_mail(to=f"learner{n:02d}@example.org") for n in range(count)])
    smtp.sink.delay = 0.01
    other = db.make_engine(database_url)
    results: list[mail.FlushResult] = []
    errors: list[BaseException] = []

    def send(target: Engine) -> None:
        try:
            results.append(mail.flush(target, batch=3))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(e,)) for e in (engine, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert errors == []
    received = smtp.sink.wait_for(count)
    time.sleep(0.2)
    assert len(smtp.sink.messages) == count
    assert len({m["Message-ID"] for m in received}) == count
    assert sorted(str(m["To"]) for m in received) == [f"learner{n:02d}@example.org" for n in range(count)]
    assert sum(r.sent for r in results) == count
    assert all(r.sent > 0 for r in results), results  # both senders really worked at the same time
    assert {row.status for row in _rows(engine)} == {"sent"}


def test_two_concurrent_mail_send_commands_send_each_message_once(tmp_path: Path, smtp) -> None:
    url = f"sqlite:///{tmp_path / 'academy.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    count = 60
    with db.write(engine) as session:
        mail.queue(session, [_mail(to=f"interne{n:02d}@example.org") for n in range(count)])
    smtp.sink.delay = 0.02
    env = {**os.environ, "ACADEMY_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    commands = [subprocess.Popen([sys.executable, "-m", "academy", "mail", "send"], env=env, cwd=tmp_path,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [command.communicate(timeout=120) for command in commands]
    assert [c.returncode for c in commands] == [0, 0], outputs
    received = smtp.sink.wait_for(count)
    time.sleep(0.2)
    assert len(smtp.sink.messages) == count
    assert len({m["Message-ID"] for m in received}) == count
    assert {row.status for row in _rows(engine)} == {"sent"}
    engine.dispose()


def test_kick_sends_in_the_background_without_blocking(engine: Engine, smtp) -> None:
    smtp.sink.delay = 0.5  # a slow server
    mail.queue_mail(engine, _mail())
    started = time.monotonic()
    mail.kick(engine)
    assert time.monotonic() - started < 0.2  # the caller (a page) does not wait for SMTP
    assert len(smtp.sink.wait_for(1)) == 1
    deadline = time.monotonic() + 10
    while mail.outbox_status(engine).sent != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mail.outbox_status(engine).sent == 1


def test_kick_does_nothing_without_mail(engine: Engine, no_smtp) -> None:
    before = {thread.name for thread in threading.enumerate()}
    mail.kick(engine)
    assert "academy-mail" not in {thread.name for thread in threading.enumerate()} - before


def test_send_test_message(smtp) -> None:
    settings = mail.mail_settings()
    assert settings is not None
    message_id = mail.send_test(settings, "admin@chu-exemple.fr", "en")
    [message] = smtp.sink.wait_for(1)
    assert message["Message-ID"] == message_id
    assert message["Subject"] == "Test message — Académie IA Santé"
    assert f"127.0.0.1:{smtp.port}" in text_of(message)


def test_a_message_that_cannot_be_built_fails_without_blocking_the_others(engine: Engine, smtp) -> None:
    mail.queue_mail(engine, _mail(to="lea@example.org\r\nBcc: spy@example.org"))  # header injection attempt
    mail.queue_mail(engine, _mail(to="tom@example.org"))
    assert mail.flush(engine) == mail.FlushResult(1, 0, 1)
    bad, good = _rows(engine)
    assert bad.status == "failed" and "ValueError" in bad.last_error
    assert good.status == "sent"
    [message] = smtp.sink.wait_for(1)
    assert message["To"] == "tom@example.org" and not smtp.sink.to("spy@example.org")
