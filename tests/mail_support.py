"""A real SMTP server (aiosmtpd) on loopback for the mail tests, and helpers to read what it received."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from academy.accounts import mail

BASE_URL = "https://formation.chu-exemple.fr"
SENDER = "Académie IA Santé <formation@chu-exemple.fr>"
_LINK_RE = re.compile(r"https?://[^\s<>\"']+")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """aiosmtpd handler that keeps every message it accepts (parsed), refusing some recipients with 550."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # a slow server: blocks the loop on purpose, like a busy relay
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        """The received messages once there are at least ``count`` (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s), got {len(self.messages)}")

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


class SmtpServer:
    def __init__(self, sink: Sink, port: int, controller: Controller) -> None:
        self.sink, self.port, self.controller = sink, port, controller

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 (a free port), configured as the platform's (ACADEMY_SMTP_URL…)."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv(mail.SMTP_URL_ENV, f"smtp://127.0.0.1:{port}?timeout=10")
    monkeypatch.setenv(mail.MAIL_FROM_ENV, SENDER)
    monkeypatch.setenv("ACADEMY_BASE_URL", BASE_URL)
    try:
        yield SmtpServer(sink, port, controller)
    finally:
        controller.stop()


@pytest.fixture
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mail not configured (links are shown instead); the public address set."""
    monkeypatch.delenv(mail.SMTP_URL_ENV, raising=False)
    monkeypatch.delenv(mail.MAIL_FROM_ENV, raising=False)
    monkeypatch.setenv("ACADEMY_BASE_URL", BASE_URL)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "no text/plain part"
    return part.get_content()


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "no text/html part"
    return part.get_content()


def links(message: EmailMessage) -> list[str]:
    """The links of the plain text part, in order (each also in the HTML part)."""
    found = _LINK_RE.findall(text_of(message))
    body = html_of(message)
    for link in found:
        assert f'href="{link}"' in body, f"{link} missing from the HTML part"
    return found


def token_of(link: str) -> str:
    match = re.search(r"[?&]token=([A-Za-z0-9_-]+)", link)
    assert match, link
    return match.group(1)
