"""Attack: guessing attestation codes on the public verification page. Refused per client address."""

from __future__ import annotations

from datetime import datetime, timedelta

from apptest_support import open_page
from sqlalchemy import Engine, func, select

from academy.coordination import certificates
from academy.store import db
from academy.store.models import RateLimit

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=db.utcnow().tzinfo)


def test_guessing_codes_is_slowed_per_address_and_real_codes_cost_nothing(engine: Engine) -> None:
    client = "203.0.113.50"
    for attempt in range(certificates.VERIFY_LIMIT.free_tries):
        answer = certificates.verify(engine, f"AAAA-BBBB-{attempt:04d}", client=client, now=T0)
        assert answer.status == certificates.UNKNOWN
    blocked = certificates.verify(engine, "AAAA-BBBB-9999", client=client, now=T0 + timedelta(seconds=5))
    assert blocked == certificates.Verification(certificates.THROTTLED, retry_after_seconds=25)
    # Another address is not affected; after the wait the address may try again.
    assert certificates.verify(engine, "AAAA-BBBB-9999", client="198.51.100.1", now=T0).status == "unknown"
    later = certificates.verify(engine, "AAAA-BBBB-9999", client=client, now=T0 + timedelta(seconds=31))
    assert later.status == certificates.UNKNOWN


def test_the_verify_page_shows_a_wait_message_and_looks_nothing_up(app_env: Engine) -> None:
    for attempt in range(certificates.VERIFY_LIMIT.free_tries):
        certificates.verify(app_env, f"AAAA-BBBB-{attempt:04d}", client="127.0.0.1")
    at = open_page("pages/12_verify.py", query={"code": "ZZZZ-ZZZZ-ZZZZ"})  # AppTest's peer is loopback
    assert not at.exception
    assert [e.value for e in at.error] == ["Trop de codes vérifiés depuis votre connexion. Réessayez dans 1 min."]
    assert not at.warning  # no "unknown code" answer: the lookup did not happen
    with db.read(app_env) as session:
        assert session.scalar(select(func.count()).select_from(RateLimit)) == 1
