"""E-mail: settings, a durable outbox, and the sender that flushes it over SMTP (standard library only).

Settings (environment)
----------------------
``ACADEMY_SMTP_URL``: ``smtp://host[:port]`` (plain, port 25), ``smtp+starttls://user:pass@host[:587]``
(STARTTLS, then login) or ``smtps://user:pass@host[:465]`` (TLS from the first byte). User and password are
URL-encoded (``%40`` for ``@``); ``?timeout=SECONDS`` (default 30). ``ACADEMY_MAIL_FROM``: the sender, e.g.
``Académie IA Santé <formation@chu-exemple.fr>`` (required with an SMTP URL). Without ``ACADEMY_SMTP_URL``
nothing is mailed: callers show the links instead (:func:`mail_enabled`).

The outbox
----------
:func:`queue` adds a message (table ``mail_outbox``) inside the caller's write transaction, so a mail
exists exactly when the change that asked for it was committed. Nothing talks to an SMTP server while a
page runs: :func:`flush` sends what is due, from ``python -m academy mail send`` (and after ``remind`` and
``users invite``) or from the app's background thread (:func:`kick`).

Each message is sent once, even with several senders (app replicas, cron) at the same time: a sender
*claims* a batch in a short write transaction (``UPDATE … SET status='sending', claim=… WHERE id IN (…)
AND status='pending'``; ``BEGIN IMMEDIATE`` serialises claims on SQLite, ``FOR UPDATE SKIP LOCKED`` lets
PostgreSQL senders pass each other), sends it, then marks each row ``sent`` under its own claim. A failure
puts the row back to ``pending`` with an exponential back-off (1 min, 2, 4… capped at 6 h); after
``MAX_ATTEMPTS`` tries, or at once when the server refuses the recipient permanently (5xx), it is
``failed``. A row left ``sending`` by a sender that died is given back after ``CLAIM_LEASE``: a crash
between the SMTP server's acceptance and the ``sent`` mark may send that one message twice (at least once
after a crash; exactly once otherwise).
"""

from __future__ import annotations

import html
import logging
import os
import re
import secrets
import smtplib
import ssl
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Engine, and_, func, select, update
from sqlalchemy.orm import Session

from academy.i18n import t
from academy.store import db
from academy.store.models import MailMessage

log = logging.getLogger(__name__)

SMTP_URL_ENV = "ACADEMY_SMTP_URL"
MAIL_FROM_ENV = "ACADEMY_MAIL_FROM"
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
DEFAULT_TIMEOUT = 30.0

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
CLAIM_LEASE = timedelta(minutes=15)
BATCH = 20


class MailSettingsError(ValueError):
    """``ACADEMY_SMTP_URL`` or ``ACADEMY_MAIL_FROM`` is malformed or missing (message in English, for operators)."""


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send (parsed from the environment by :func:`mail_settings`)."""

    scheme: str  # smtp, smtp+starttls or smtps
    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    sender: str
    timeout: float = DEFAULT_TIMEOUT

    @property
    def display(self) -> str:
        """The server without credentials, for messages (``smtp+starttls://mail.example.org:587``)."""
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_smtp_url(url: str, sender: str) -> MailSettings:
    """Settings from an SMTP URL and a sender address; raises :class:`MailSettingsError`."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise MailSettingsError(
            f"{SMTP_URL_ENV}: unknown scheme {parts.scheme or '(none)'!r}; use smtp://, smtp+starttls:// or smtps://"
        )
    if not parts.hostname:
        raise MailSettingsError(f"{SMTP_URL_ENV}: no host in {url!r}")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise MailSettingsError(f"{SMTP_URL_ENV}: bad port in {url!r}") from exc
    query = parse_qs(parts.query)
    try:
        timeout = float(query.get("timeout", [DEFAULT_TIMEOUT])[0])
    except ValueError as exc:
        raise MailSettingsError(f"{SMTP_URL_ENV}: timeout must be a number of seconds") from exc
    sender = sender.strip()
    if not sender:
        raise MailSettingsError(f"{MAIL_FROM_ENV} is required when {SMTP_URL_ENV} is set")
    if "@" not in parseaddr(sender)[1]:
        raise MailSettingsError(f"{MAIL_FROM_ENV}: not an e-mail address: {sender!r}")
    return MailSettings(
        scheme=scheme,
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=sender,
        timeout=timeout,
    )


def mail_settings() -> MailSettings | None:
    """The configured settings; None when ``ACADEMY_SMTP_URL`` is unset; :class:`MailSettingsError` if invalid."""
    url = os.environ.get(SMTP_URL_ENV, "").strip()
    if not url:
        return None
    return parse_smtp_url(url, os.environ.get(MAIL_FROM_ENV, ""))


def mail_enabled() -> bool:
    """True when mail can be sent: ``ACADEMY_SMTP_URL`` set and valid. Otherwise links are shown instead."""
    try:
        return mail_settings() is not None
    except MailSettingsError:
        return False


# --- composing -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    """A composed message: plain text and HTML bodies of the same content."""

    to: str
    subject: str
    text: str
    html: str
    kind: str
    user_id: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _check_link(link: str) -> str:
    if not link.startswith(("http://", "https://")):
        raise ValueError(f"mail links must be absolute http(s) URLs, not {link!r}")
    return link


def compose(
    kind: str,
    locale: str,
    *,
    to: str,
    user_id: int | None = None,
    values: dict[str, object] | None = None,
    link: str | None = None,
    items: Sequence[str] = (),
    footer_link: str | None = None,
    headers: dict[str, str] | None = None,
) -> Mail:
    """A mail from the interface strings ``mail.<kind>.*`` (``academy/locales/mail.toml``).

    Strings: ``subject``, ``greeting``, ``body`` (paragraphs separated by blank lines), optional ``button``
    (the label of ``link``), ``after`` and ``footer`` (with ``footer_link``). ``values`` fill the
    ``{placeholders}``; in the HTML part every value, item and link is escaped, so user-supplied text (a
    name, a cohort) is never markup. ``items`` is a bulleted list after the body.
    """
    values = dict(values or {})
    escaped = {key: html.escape(str(value)) for key, value in values.items()}

    def text_of(key: str, *, escape: bool = False) -> str:
        full = f"mail.{kind}.{key}"
        found = t(full, locale, **(escaped if escape else values))
        return "" if found == full else found

    paragraphs = [p.strip() for p in text_of("body").split("\n\n") if p.strip()]
    html_paragraphs = [p.strip() for p in text_of("body", escape=True).split("\n\n") if p.strip()]
    greeting, html_greeting = text_of("greeting"), text_of("greeting", escape=True)
    after, html_after = text_of("after"), text_of("after", escape=True)
    footer, html_footer = text_of("footer"), text_of("footer", escape=True)
    button = text_of("button")
    signature = t("mail.signature", locale)

    lines = [greeting, ""] if greeting else []
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    for item in items:
        lines.append(f"- {item}")
    if items:
        lines.append("")
    if link:
        colon = "\u00a0:" if locale == "fr" else ":"
        lines += [f"{button}{colon}" if button else "", _check_link(link), ""]
    if after:
        lines += [after, ""]
    lines += ["-- ", signature]
    if footer:
        lines += ["", footer + (f" {_check_link(footer_link)}" if footer_link else "")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"

    parts = [f"<p>{html_greeting}</p>"] if html_greeting else []
    parts += [f"<p>{p}</p>".replace("\n", "<br>") for p in html_paragraphs]
    if items:
        parts.append("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>")
    if link:
        href = html.escape(_check_link(link), quote=True)
        parts.append(
            f'<p><a href="{href}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;'
            f'text-decoration:none;border-radius:6px">{html.escape(button or link)}</a></p>'
            f'<p style="font-size:13px;color:#555">{html.escape(t("mail.copy_link", locale))}<br>'
            f'<a href="{href}">{html.escape(link)}</a></p>'
        )
    if html_after:
        parts.append(f"<p>{html_after}</p>")
    parts.append(f'<p style="color:#555">— {html.escape(signature)}</p>')
    if html_footer:
        footer_html = html_footer
        if footer_link:
            href = html.escape(_check_link(footer_link), quote=True)
            footer_html += f' <a href="{href}">{html.escape(footer_link)}</a>'
        parts.append(f'<p style="font-size:12px;color:#777">{footer_html}</p>')
    body = "\n".join(parts)
    page = (
        f'<!DOCTYPE html>\n<html lang="{html.escape(locale)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(text_of('subject'))}</title></head>\n"
        f'<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#111">\n'
        f"{body}\n</body></html>\n"
    )
    return Mail(to, text_of("subject"), text, page, kind, user_id, dict(headers or {}))


# --- the outbox ----------------------------------------------------------------------------------------


def _message_id() -> str:
    """A unique Message-ID on the sender's domain (``ACADEMY_MAIL_FROM``)."""
    address = parseaddr(os.environ.get(MAIL_FROM_ENV, ""))[1]
    domain = address.rpartition("@")[2] or "academie-ia-sante.invalid"
    return f"<{secrets.token_hex(16)}@{domain}>"


def queue(session: Session, mails: Iterable[Mail], *, now: datetime | None = None) -> list[int]:
    """Add ``mails`` to the outbox inside the caller's write transaction; returns their ids."""
    now = now or db.utcnow()
    rows = [
        MailMessage(
            kind=mail.kind, user_id=mail.user_id, to_address=mail.to, subject=mail.subject[:300],
            text_body=mail.text, html_body=mail.html, headers=dict(mail.headers), message_id=_message_id(),
            status=PENDING, attempts=0, created_at=now, next_attempt_at=now,
        )
        for mail in mails
    ]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def queue_mail(engine: Engine, mail: Mail) -> int:
    """Queue one mail in its own transaction; returns its id."""
    with db.write(engine) as session:
        return queue(session, [mail])[0]


@dataclass(frozen=True)
class OutboxStatus:
    """Counts of the outbox by status, and the last error of a failed or retried message."""

    pending: int
    sending: int
    sent: int
    failed: int
    last_error: str | None


def outbox_status(engine: Engine) -> OutboxStatus:
    """How many messages are waiting, being sent, sent, failed."""
    with db.read(engine) as session:
        counts = dict(session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status)).all())
        last_error = session.scalar(
            select(MailMessage.last_error)
            .where(MailMessage.last_error.is_not(None))
            .order_by(MailMessage.id.desc())
            .limit(1)
        )
    return OutboxStatus(counts.get(PENDING, 0), counts.get(SENDING, 0), counts.get(SENT, 0), counts.get(FAILED, 0),
                        last_error)


def retry_delay(attempts: int) -> timedelta:
    """Back-off before try ``attempts + 1``: 1 min, 2 min, 4 min… capped at ``MAX_RETRY``."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), MAX_RETRY)


@dataclass(frozen=True)
class Claimed:
    id: int
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, Any]
    message_id: str
    attempts: int


def claim(engine: Engine, *, limit: int = BATCH, now: datetime | None = None) -> tuple[str, list[Claimed]]:
    """Claim up to ``limit`` due messages for this sender; returns the claim and the claimed messages.

    First gives back rows left ``sending`` longer than ``CLAIM_LEASE`` (a sender that died).
    """
    now = now or db.utcnow()
    token = secrets.token_hex(16)
    with db.write(engine) as session:
        session.execute(
            update(MailMessage)
            .where(MailMessage.status == SENDING, MailMessage.claimed_at < now - CLAIM_LEASE)
            .values(status=PENDING, claim=None, last_error="interrupted while sending: retried")
        )
        ids = list(
            session.scalars(
                select(MailMessage.id)
                .where(MailMessage.status == PENDING, MailMessage.next_attempt_at <= now)
                .order_by(MailMessage.next_attempt_at, MailMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
            )
        )
        if not ids:
            return token, []
        session.execute(
            update(MailMessage)
            .where(MailMessage.id.in_(ids), MailMessage.status == PENDING)
            .values(status=SENDING, claim=token, claimed_at=now)
        )
        rows = session.execute(
            select(MailMessage.id, MailMessage.to_address, MailMessage.subject, MailMessage.text_body,
                   MailMessage.html_body, MailMessage.headers, MailMessage.message_id, MailMessage.attempts)
            .where(MailMessage.claim == token)
            .order_by(MailMessage.id)
        ).all()
    return token, [Claimed(*row) for row in rows]


def _mark_sent(engine: Engine, message_id: int, token: str, now: datetime) -> None:
    with db.write(engine) as session:
        session.execute(
            update(MailMessage)
            .where(MailMessage.id == message_id, MailMessage.claim == token)
            .values(status=SENT, sent_at=now, attempts=MailMessage.attempts + 1, text_body="", html_body="",
                    last_error=None)
        )


def _mark_failed(engine: Engine, message: Claimed, token: str, error: str, *, permanent: bool,
                 now: datetime) -> None:
    attempts = message.attempts + 1
    give_up = permanent or attempts >= MAX_ATTEMPTS
    values: dict[str, Any] = {"attempts": attempts, "last_error": error[:2000], "claim": None}
    if give_up:
        values.update(status=FAILED, text_body="", html_body="")
    else:
        values.update(status=PENDING, next_attempt_at=now + retry_delay(attempts))
    with db.write(engine) as session:
        session.execute(
            update(MailMessage).where(and_(MailMessage.id == message.id, MailMessage.claim == token)).values(**values)
        )


def build_message(settings: MailSettings, message: Claimed, *, now: datetime | None = None) -> EmailMessage:
    """The RFC 5322 message (multipart/alternative: text, then HTML)."""
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now or db.utcnow())
    email["Message-ID"] = message.message_id
    for name, value in message.headers.items():
        email[name] = value
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


def connect(settings: MailSettings) -> smtplib.SMTP:
    """An SMTP connection, secured and logged in as the settings say."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.scheme == "smtps":
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.scheme == "smtp+starttls":
            client.ehlo()
            client.starttls(context=context)
            client.ehlo()
    if settings.username:
        client.login(settings.username, settings.password or "")
    return client


@dataclass(frozen=True)
class FlushResult:
    """What one :func:`flush` did."""

    sent: int
    retried: int
    failed: int


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError)
    return False


def flush(engine: Engine, settings: MailSettings | None = None, *, limit: int | None = None,
          batch: int = BATCH) -> FlushResult:
    """Send every due message of the outbox (or at most ``limit``); see the module docstring.

    Raises :class:`MailSettingsError` when mail is not configured.
    """
    settings = settings or mail_settings()
    if settings is None:
        raise MailSettingsError(f"{SMTP_URL_ENV} is not set: nothing can be sent")
    sent = retried = failed = 0
    while limit is None or sent + retried + failed < limit:
        size = batch if limit is None else min(batch, limit - sent - retried - failed)
        token, messages = claim(engine, limit=size)
        if not messages:
            break
        client: smtplib.SMTP | None = None
        try:
            client = connect(settings)
        except (OSError, smtplib.SMTPException) as exc:  # server down, TLS or login refused: retry them all
            for message in messages:
                _mark_failed(engine, message, token, f"connect: {exc}", permanent=False, now=db.utcnow())
                retried += message.attempts + 1 < MAX_ATTEMPTS
                failed += message.attempts + 1 >= MAX_ATTEMPTS
            break
        try:
            for index, message in enumerate(messages):
                if client is None:  # the server hung up and could not be reached again: retry the rest later
                    for rest in messages[index:]:
                        _mark_failed(engine, rest, token, "connection lost", permanent=False, now=db.utcnow())
                        retried += 1
                    break
                try:
                    email = build_message(settings, message)
                except (ValueError, TypeError) as exc:  # e.g. a header the email package refuses: never sendable
                    _mark_failed(engine, message, token, f"{type(exc).__name__}: {exc}", permanent=True,
                                 now=db.utcnow())
                    failed += 1
                    continue
                try:
                    client.send_message(email, from_addr=parseaddr(settings.sender)[1], to_addrs=[message.to])
                except (OSError, smtplib.SMTPException) as exc:
                    permanent = _permanent(exc)
                    _mark_failed(engine, message, token, f"{type(exc).__name__}: {exc}", permanent=permanent,
                                 now=db.utcnow())
                    gave_up = permanent or message.attempts + 1 >= MAX_ATTEMPTS
                    failed += gave_up
                    retried += not gave_up
                    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                        client = _reconnect(settings, client)
                else:
                    _mark_sent(engine, message.id, token, db.utcnow())
                    sent += 1
        finally:
            _quit(client)
    return FlushResult(sent, retried, failed)


def _quit(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _reconnect(settings: MailSettings, client: smtplib.SMTP) -> smtplib.SMTP | None:
    client.close()
    try:
        return connect(settings)
    except (OSError, smtplib.SMTPException):
        return None


def next_due(engine: Engine) -> datetime | None:
    """When the earliest pending message is due (None: nothing pending)."""
    with db.read(engine) as session:
        return session.scalar(select(func.min(MailMessage.next_attempt_at)).where(MailMessage.status == PENDING))


def send_test(settings: MailSettings, address: str, locale: str = "fr") -> str:
    """Send a test message straight away (no outbox); returns its Message-ID. SMTP errors propagate."""
    mail = compose("test", locale, to=address, values={"server": settings.display})
    message = Claimed(0, address, mail.subject, mail.text, mail.html, {}, _message_id(), 0)
    client = connect(settings)
    try:
        client.send_message(build_message(settings, message), from_addr=parseaddr(settings.sender)[1],
                            to_addrs=[address])
    finally:
        _quit(client)
    return message.message_id


# --- the app's background sender -----------------------------------------------------------------------

_workers: dict[str, threading.Thread] = {}
_wakeups: dict[str, threading.Event] = {}
_workers_lock = threading.Lock()
IDLE_CHECK = timedelta(minutes=5)


def kick(engine: Engine) -> None:
    """Have this process's background sender flush the outbox soon (returns at once).

    One daemon thread per database and process: it sends what is due, sleeps until the next retry (checking
    at least every ``IDLE_CHECK``), and ends when nothing is pending; the next :func:`kick` starts it again.
    Does nothing when mail is not configured.
    """
    if not mail_enabled():
        return
    key = str(engine.url)
    with _workers_lock:
        wakeup = _wakeups.setdefault(key, threading.Event())
        wakeup.set()
        worker = _workers.get(key)
        if worker is not None and worker.is_alive():
            return
        worker = threading.Thread(target=_work, args=(engine, key, wakeup), name="academy-mail", daemon=True)
        _workers[key] = worker
        worker.start()


def _work(engine: Engine, key: str, wakeup: threading.Event) -> None:
    while True:
        wakeup.clear()
        try:
            flush(engine)
            due = next_due(engine)
        except Exception:  # a database gone, a bad setting…: stop; the next kick (or `mail send`) starts again
            log.exception("mail sender stopped")
            due = None
        with _workers_lock:
            if due is None and not wakeup.is_set():
                _workers.pop(key, None)
                return
        wait = IDLE_CHECK if due is None else min(max(due - db.utcnow(), timedelta(seconds=1)), IDLE_CHECK)
        wakeup.wait(wait.total_seconds())
