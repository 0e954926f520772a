"""The audit log an admin can read: filters by actor, action and Paris dates; paging; CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from apptest_support import make_account, open_page
from sqlalchemy import Engine

from academy.accounts import auth
from academy.store import db
from academy.store.audit import AuditFilter, audit, audit_actions, count_audit, search_audit
from academy.ui.audit_view import PAGE_SIZE, audit_csv


def _entries(engine: Engine) -> tuple[auth.Account, auth.Account]:
    alice = make_account(engine, "coordinator", "alice@example.org", "Alice Durand")
    bob = make_account(engine, "trainer", "bob@example.org", "Bob Martin")
    with db.write(engine) as session:
        # 22:30 UTC on 4 March is 23:30 in Paris (still the 4th); 23:30 UTC is 00:30 on the 5th in Paris.
        audit(session, actor_id=alice.id, action="export", target="progress",
              at=datetime(2025, 3, 4, 22, 30, tzinfo=UTC))
        audit(session, actor_id=bob.id, action="studio.save", target="quiz.md",
              at=datetime(2025, 3, 4, 23, 30, tzinfo=UTC))
        audit(session, actor_id=None, action="certificate_issue", target="=HYPERLINK(1)",
              at=datetime(2025, 3, 6, 8, 0, tzinfo=UTC))
    return alice, bob


def test_filters_by_actor_action_and_paris_dates(engine: Engine) -> None:
    _entries(engine)
    assert count_audit(engine, AuditFilter()) == 5  # two accounts created, three entries written
    assert {line.action for line in search_audit(engine, AuditFilter(actor="ALICE"))} == {"user_add", "export"}
    assert {line.actor_email for line in search_audit(engine, AuditFilter(actor="martin"))} == {"bob@example.org"}
    only = search_audit(engine, AuditFilter(actions=("studio.save",)))
    assert [(line.action, line.actor_name) for line in only] == [("studio.save", "Bob Martin")]
    fourth = search_audit(engine, AuditFilter(start=date(2025, 3, 4), end=date(2025, 3, 4)))
    assert [line.action for line in fourth] == ["export"]
    fifth = search_audit(engine, AuditFilter(start=date(2025, 3, 5), end=date(2025, 3, 5)))
    assert [line.action for line in fifth] == ["studio.save"]
    assert count_audit(engine, AuditFilter(actor="%")) == 0  # LIKE wildcards are not special
    assert {"export", "studio.save", "certificate_issue"} <= set(audit_actions(engine))


def test_the_admin_page_lists_filters_and_pages(app_env: Engine) -> None:
    admin = make_account(app_env, "admin", "admin@example.org", "Admin")
    _entries(app_env)
    with db.write(app_env) as session:
        for n in range(PAGE_SIZE + 5):
            audit(session, actor_id=admin.id, action="setting_change", target=f"setting {n}")
    at = open_page("pages/17_audit.py", token=auth.create_session(app_env, admin.id))
    assert not at.exception
    total = count_audit(app_env, AuditFilter())
    assert f"{total} entrée(s)" in [c.value for c in at.caption]
    assert len(at.dataframe[0].value) == PAGE_SIZE
    at.button(key="audit_next").click().run()
    assert len(at.dataframe[0].value) == total - PAGE_SIZE
    assert "Page 2 sur 2" in [c.value for c in at.caption]
    at.text_input(key="audit_actor").input("bob").run()
    at.multiselect(key="audit_actions").select("studio.save").run()
    frame = at.dataframe[0].value
    assert frame["Auteur"].tolist() == ["bob@example.org"]
    assert frame["Date (heure de Paris)"].tolist() == ["05/03/2025 00:30:00"]


def test_actions_read_as_words_in_the_table_and_the_filter_but_stay_codes_in_the_csv(app_env: Engine) -> None:
    admin = make_account(app_env, "admin", "admin@example.org", "Admin")
    _entries(app_env)
    with db.write(app_env) as session:
        audit(session, actor_id=admin.id, action="legacy_thing", target="old")  # a code without a label
    at = open_page("pages/17_audit.py", token=auth.create_session(app_env, admin.id))
    assert not at.exception
    shown = set(at.dataframe[0].value["Action"])
    assert {"Export de données", "Studio : enregistrement", "Attestation délivrée", "Compte créé",
            "legacy_thing"} <= shown
    assert not shown & {"export", "studio.save", "certificate_issue", "user_add"}
    options = set(at.multiselect(key="audit_actions").options)
    assert {"Compte créé", "Studio : enregistrement", "legacy_thing"} <= options
    at.multiselect(key="audit_actions").select("certificate_issue").run()
    assert at.dataframe[0].value["Action"].tolist() == ["Attestation délivrée"]
    rows = list(csv.reader(io.StringIO(audit_csv(AuditFilter()).decode("utf-8-sig"))))
    assert {"export", "studio.save", "certificate_issue", "user_add", "legacy_thing"} <= {row[4] for row in rows[1:]}


def test_actions_read_in_english_after_the_switch(app_env: Engine) -> None:
    admin = make_account(app_env, "admin", "admin@example.org", "Admin")
    _entries(app_env)
    at = open_page("pages/17_audit.py", token=auth.create_session(app_env, admin.id))
    at.button_group(key="locale_switch").set_value("en").run()
    assert {"Data export", "Studio: saved", "Certificate issued"} <= set(at.dataframe[0].value["Action"])
    assert at.multiselect(key="audit_actions").placeholder == "All actions"


def test_the_audit_log_refuses_other_roles(app_env: Engine) -> None:
    coordinator = make_account(app_env, "coordinator")
    at = open_page("pages/17_audit.py", token=auth.create_session(app_env, coordinator.id))
    assert not at.dataframe and at.error


def test_csv_holds_every_match_with_formulas_neutralised(app_env: Engine) -> None:
    _entries(app_env)
    rows = list(csv.reader(io.StringIO(audit_csv(AuditFilter()).decode("utf-8-sig"))))
    assert rows[0][:5] == ["at_utc", "actor_id", "actor_email", "actor_name", "action"]
    targets = [row[5] for row in rows[1:]]
    assert "=HYPERLINK(1)" not in targets and any("HYPERLINK" in target for target in targets)
