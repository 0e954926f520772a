"""Sending xAPI statements to a Learning Record Store (LRS): settings, an HTTP client, the push of the outbox.

Events are queued by the learning layer in the xAPI outbox (:mod:`academy.store.outbox`) in the transaction that
records them. :func:`push` claims the due events, rebuilds their statements from the source rows (the very
statements of the xAPI export: :func:`academy.interop.exports.statements_for_events`), and sends them:

- in batches: ``POST {ACADEMY_LRS_URL}/statements`` with a JSON array of at most :data:`BATCH_STATEMENTS`
  statements (whole events only), headers ``X-Experience-API-Version: 1.0.3`` and HTTP basic authentication
  (``ACADEMY_LRS_USERNAME`` / ``ACADEMY_LRS_PASSWORD``);
- idempotently: every statement has a stable id (UUID5 of its source row), so sending again is harmless. A
  ``200`` or ``204`` (all already stored) is success; a ``409`` (an LRS may refuse a batch holding a stored id)
  or a ``400``/``413``/``422`` makes the batch go again one statement at a time with
  ``PUT /statements?statementId=…``, where ``204`` and ``409`` (already stored) are success. A statement the LRS
  still refuses fails its own event only;
- with back-off: an event whose sending failed stays pending with its error and is tried again after
  :func:`retry_delay` (1 min, 2 min, 4 min… up to 6 h; at least the LRS's ``Retry-After``). An LRS that cannot be
  reached, refuses the credentials or answers 5xx/429 stops the run: the events of the run are all put off;
- an event with nothing to send (the account was erased) is dropped, never sent.

``python -m academy lrs push`` runs it (e.g. every minute from cron or a systemd timer), ``lrs status`` shows
the backlog and the latest error, as does the Admin page.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from academy.content.catalog import Catalog
from academy.interop import exports
from academy.settings import base_url
from academy.store import db, outbox

URL_ENV = "ACADEMY_LRS_URL"
USERNAME_ENV = "ACADEMY_LRS_USERNAME"
PASSWORD_ENV = "ACADEMY_LRS_PASSWORD"
XAPI_VERSION = "1.0.3"
BATCH_STATEMENTS = 100  # statements per POST (an event is never split)
CLAIM_EVENTS = 200  # events claimed per round
LEASE = timedelta(minutes=5)  # a claimed event is left alone by other pushes for that long
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
TIMEOUT_SECONDS = 30.0
DROPPED_REASON = "nothing to send: the account was erased or the source row deleted"
_ONE_BY_ONE = frozenset({400, 409, 413, 422})  # something in the batch: send its statements one at a time


@dataclass(frozen=True)
class LrsSettings:
    """Where and how to send: the LRS's xAPI endpoint (``…/statements`` is added) and basic-auth credentials."""

    url: str
    username: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LrsSettings | None:
        """The settings of ``ACADEMY_LRS_URL``, ``ACADEMY_LRS_USERNAME``, ``ACADEMY_LRS_PASSWORD``; None when no URL."""
        environ = os.environ if environ is None else environ
        url = environ.get(URL_ENV, "").strip().rstrip("/")
        if not url:
            return None
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"{URL_ENV} must be an http(s) URL, e.g. https://lrs.example.org/xAPI (got {url!r})")
        return cls(url, environ.get(USERNAME_ENV, ""), environ.get(PASSWORD_ENV, ""))

    @property
    def display_url(self) -> str:
        """The URL without credentials, for messages."""
        parsed = urllib.parse.urlsplit(self.url)
        netloc = parsed.netloc.rsplit("@", 1)[-1]
        return urllib.parse.urlunsplit(parsed._replace(netloc=netloc))


class LrsError(Exception):
    """A request the LRS did not accept: ``status`` is its HTTP status (None: no answer)."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class LrsClient:
    """The statements resource of an LRS (xAPI 1.0.3 §2.1), over ``urllib``."""

    def __init__(self, settings: LrsSettings, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.timeout = timeout

    def post_statements(self, statements: Sequence[dict[str, Any]]) -> int:
        """``POST /statements`` of a batch; returns the status (200, or 204 when all were stored already)."""
        return self._request("POST", "/statements", statements)

    def put_statement(self, statement: dict[str, Any]) -> int:
        """``PUT /statements?statementId=…`` of one statement; 409 (stored already, maybe differently) is success."""
        query = urllib.parse.urlencode({"statementId": statement["id"]})
        try:
            return self._request("PUT", f"/statements?{query}", statement)
        except LrsError as error:
            if error.status == 409:
                return 409
            raise

    def _request(self, method: str, path: str, body: Any) -> int:
        request = urllib.request.Request(
            self.settings.url + path, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method=method,
            headers={"Content-Type": "application/json; charset=utf-8", "X-Experience-API-Version": XAPI_VERSION,
                     **self._authorization()},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # the URL is checked to be http(s)
                return response.status
        except urllib.error.HTTPError as error:
            detail = error.read(500).decode("utf-8", "replace").strip()
            retry_after = _seconds(error.headers.get("Retry-After"))
            message = f"{method} {path.split('?', 1)[0]}: HTTP {error.code} {error.reason}"
            raise LrsError(f"{message}: {detail}" if detail else message, status=error.code,
                           retry_after=retry_after) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise LrsError(f"{method} {self.settings.display_url}{path.split('?', 1)[0]}: {reason}") from None

    def _authorization(self) -> dict[str, str]:
        if not self.settings.username:
            return {}
        pair = f"{self.settings.username}:{self.settings.password}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def retry_delay(tries: int, retry_after: float | None = None) -> timedelta:
    """How long an event waits after its ``tries``-th failure: 1 min, doubling, at most 6 h (and at least the LRS's
    ``Retry-After``)."""
    delay = min(FIRST_RETRY * 2 ** max(tries - 1, 0), MAX_RETRY)
    return max(delay, timedelta(seconds=retry_after)) if retry_after else delay


@dataclass
class PushResult:
    """What one :func:`push` did."""

    events_sent: int = 0
    statements_sent: int = 0
    events_failed: int = 0
    events_dropped: int = 0
    error: str | None = None  # the latest error met
    stopped: bool = False  # the run stopped on an LRS that could not take anything


@dataclass(frozen=True)
class LrsStatus:
    """The LRS configuration and the outbox, for ``lrs status`` and the Admin page."""

    url: str | None  # None: not configured
    outbox: outbox.OutboxStatus


def status(engine: Engine, settings: LrsSettings | None = None) -> LrsStatus:
    """The configured LRS (``ACADEMY_LRS_URL`` unless ``settings``) and the outbox's backlog and latest error."""
    try:
        settings = settings or LrsSettings.from_env()
    except ValueError:
        settings = None
    return LrsStatus(settings.display_url if settings else None, outbox.status(engine))


def push(
    engine: Engine, catalog: Catalog, client: LrsClient, *, home: str | None = None, max_events: int | None = None,
    clock: Callable[[], datetime] = db.utcnow,
) -> PushResult:
    """Send every due event of the outbox (or the first ``max_events``), see the module docstring."""
    result = PushResult()
    start = clock()
    home = (home or base_url() or "").rstrip("/")
    if not home:
        raise ValueError("unknown public address: set ACADEMY_BASE_URL, on which xAPI identifiers are built")
    claimed_total = 0
    while max_events is None or claimed_total < max_events:
        limit = CLAIM_EVENTS if max_events is None else min(CLAIM_EVENTS, max_events - claimed_total)
        # Due at the start of the run: events put off during the run are not taken again by it.
        events = outbox.claim_due(engine, limit, start, LEASE)
        if not events:
            break
        claimed_total += len(events)
        statements = exports.statements_for_events(engine, catalog, {(e.event, e.source_id) for e in events},
                                                   {e.user_id for e in events}, home=home)
        empty = [e for e in events if not statements.get((e.event, e.source_id))]
        outbox.mark_dropped(engine, [e.id for e in empty], DROPPED_REASON, clock())
        result.events_dropped += len(empty)
        ready = [(e, statements[(e.event, e.source_id)]) for e in events if statements.get((e.event, e.source_id))]
        _send(engine, client, ready, result, clock)
        if result.stopped:
            break
    return result


def _send(engine: Engine, client: LrsClient, ready: list[tuple[outbox.Event, list[dict[str, Any]]]],
          result: PushResult, clock: Callable[[], datetime]) -> None:
    batches = list(_batches(ready))
    for index, batch in enumerate(batches):
        later = [event for pending in batches[index + 1:] for event, _ in pending]
        try:
            client.post_statements([statement for _, items in batch for statement in items])
        except LrsError as error:
            if error.status not in _ONE_BY_ONE:
                _stop(engine, [event for event, _ in batch] + later, error, result, clock)
                return
            stopped = _send_one_by_one(engine, client, batch, result, clock)
            if stopped is not None:
                error, unsent = stopped
                _stop(engine, unsent + later, error, result, clock)
                return
            continue
        _sent(engine, batch, result, clock)


def _send_one_by_one(
    engine: Engine, client: LrsClient, batch: list[tuple[outbox.Event, list[dict[str, Any]]]], result: PushResult,
    clock: Callable[[], datetime],
) -> tuple[LrsError, list[outbox.Event]] | None:
    """PUT the batch's statements one by one. A statement the LRS refuses fails its event alone; an LRS that stops
    taking anything stops the run: returns its error and the events not sent (None when the batch went through)."""
    for position, (event, items) in enumerate(batch):
        try:
            for statement in items:
                client.put_statement(statement)
        except LrsError as error:
            if error.status not in _ONE_BY_ONE:
                return error, [pending for pending, _ in batch[position:]]
            outbox.mark_failed(engine, [event], str(error), clock(), retry_delay)
            result.events_failed += 1
            result.error = str(error)
            continue
        _sent(engine, [(event, items)], result, clock)
    return None


def _sent(engine: Engine, batch: Iterable[tuple[outbox.Event, list[dict[str, Any]]]], result: PushResult,
          clock: Callable[[], datetime]) -> None:
    counts = {event.id: len(items) for event, items in batch}
    outbox.mark_sent(engine, counts, clock())
    result.events_sent += len(counts)
    result.statements_sent += sum(counts.values())


def _stop(engine: Engine, events: list[outbox.Event], error: LrsError, result: PushResult,
          clock: Callable[[], datetime]) -> None:
    """The LRS cannot take anything now: put off every event of the run still in hand."""
    outbox.mark_failed(engine, events, str(error), clock(), lambda tries: retry_delay(tries, error.retry_after))
    result.events_failed += len(events)
    result.error = str(error)
    result.stopped = True


def _batches(
    ready: list[tuple[outbox.Event, list[dict[str, Any]]]],
) -> Iterable[list[tuple[outbox.Event, list[dict[str, Any]]]]]:
    """Whole events, at most :data:`BATCH_STATEMENTS` statements per batch (an event larger than that goes alone)."""
    batch: list[tuple[outbox.Event, list[dict[str, Any]]]] = []
    size = 0
    for event, items in ready:
        if batch and size + len(items) > BATCH_STATEMENTS:
            yield batch
            batch, size = [], 0
        batch.append((event, items))
        size += len(items)
    if batch:
        yield batch
