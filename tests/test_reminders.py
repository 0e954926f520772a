"""Due-date reminders: one digest per learner and run, never twice, unsubscribe honoured; real SMTP (aiosmtpd)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from attempt_support import pass_module
from click.testing import CliRunner
from mail_support import BASE_URL, html_of, links, text_of, token_of
from sqlalchemy import Engine, func, select

from academy.accounts import auth, invitations, mail, tokens
from academy.cli import cli
from academy.coordination import cohorts, reminders
from academy.store import db
from academy.store.models import ReminderSent

PASSWORD = "correct-horse-battery"
TODAY = date(2026, 3, 10)
MODULES = {"fondamentaux-ia-sante": "Fondamentaux de l’IA en santé", "ethique-regulation": "Éthique & régulation",
           "ia-imagerie-medicale": "IA en imagerie médicale"}


def _learner(engine: Engine, email: str, name: str = "Léa Martin", locale: str = "fr") -> auth.Account:
    return auth.add_user(engine, email=email, name=name, password=PASSWORD, roles={"learner"}, locale=locale)


def _cohort(engine: Engine, learners: list[auth.Account], due: dict[str, date | None]) -> int:
    cohort = cohorts.create_cohort(engine, f"Cohorte {len(cohorts.list_cohorts(engine)) + 1}", actor_id=None)
    for learner in learners:
        cohorts.add_member(engine, cohort.id, email=learner.email, actor_id=None)
    for module_id, due_date in due.items():
        cohorts.assign_module(engine, cohort.id, module_id, due_date=due_date, known_modules=MODULES, actor_id=None)
    return cohort.id


def _run(engine: Engine, today: date) -> reminders.RemindResult:
    result = reminders.send_reminders(engine, modules=MODULES, base_url=BASE_URL, today=today)
    mail.flush(engine)
    return result


def test_reminder_kinds() -> None:
    assert reminders.reminder_kind(TODAY + timedelta(days=8), TODAY) is None
    assert reminders.reminder_kind(TODAY + timedelta(days=7), TODAY) == "week_before"
    assert reminders.reminder_kind(TODAY + timedelta(days=1), TODAY) == "week_before"
    assert reminders.reminder_kind(TODAY, TODAY) == "due_today"
    assert [reminders.reminder_kind(TODAY - timedelta(days=d), TODAY) for d in (1, 6, 7, 13, 14)] == [
        "overdue_0", "overdue_0", "overdue_1", "overdue_1", "overdue_2"]


def test_one_digest_per_learner_and_never_the_same_reminder_twice(engine: Engine, smtp) -> None:
    lea = _learner(engine, "lea@example.org")
    tom = _learner(engine, "tom@example.org", "Tom <b>Durand</b>", locale="en")
    _cohort(engine, [lea, tom], {"fondamentaux-ia-sante": TODAY + timedelta(days=7), "ethique-regulation": TODAY,
                                 "ia-imagerie-medicale": TODAY - timedelta(days=3)})
    pass_module(engine, tom.id, "ethique-regulation")  # passed modules are not reminded

    assert _run(engine, TODAY) == reminders.RemindResult(digests=2, reminders=5)
    received = smtp.sink.wait_for(2)
    [to_lea] = smtp.sink.to("lea@example.org")
    [to_tom] = smtp.sink.to("tom@example.org")
    assert to_lea["Subject"] == "Rappel : 3 module(s) à terminer"
    body = text_of(to_lea)
    assert "« Fondamentaux de l’IA en santé » — échéance le 17/03/2026 (dans 7 jour(s))" in body
    assert "« Éthique & régulation » — échéance aujourd’hui (10/03/2026)" in body
    assert "« IA en imagerie médicale » — en retard : l’échéance était le 07/03/2026" in body
    assert "Éthique &amp; régulation" in html_of(to_lea)
    assert to_tom["Subject"] == "Reminder: 2 module(s) to complete"
    assert "Tom &lt;b&gt;Durand&lt;/b&gt;" in html_of(to_tom) and "Éthique" not in text_of(to_tom)
    home, unsubscribe = links(to_lea)
    assert home == f"{BASE_URL}/" and unsubscribe.startswith(f"{BASE_URL}/unsubscribe?token=")
    assert to_lea["List-Unsubscribe"] == f"<{unsubscribe}>"

    assert _run(engine, TODAY) == reminders.RemindResult(0, 0)  # a second run the same day: nothing new
    assert _run(engine, TODAY + timedelta(days=1)) == reminders.RemindResult(0, 0)  # nothing new tomorrow either
    assert len(smtp.sink.messages) == len(received) == 2

    # A week after the overdue reminder, the overdue modules come back, once.
    later = TODAY + timedelta(days=7)  # imagerie: 10 days late (week 1); fondamentaux: due today
    assert _run(engine, later) == reminders.RemindResult(digests=2, reminders=5)
    assert "échéance aujourd’hui (17/03/2026)" in text_of(smtp.sink.to("lea@example.org")[-1])
    assert _run(engine, later) == reminders.RemindResult(0, 0)
    with db.read(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReminderSent)) == 10


def test_a_moved_due_date_is_reminded_again(engine: Engine, smtp) -> None:
    lea = _learner(engine, "lea@example.org")
    cohort_id = _cohort(engine, [lea], {"fondamentaux-ia-sante": TODAY})
    assert _run(engine, TODAY).reminders == 1
    cohorts.assign_module(engine, cohort_id, "fondamentaux-ia-sante", due_date=TODAY + timedelta(days=3),
                          known_modules=MODULES, actor_id=None)
    assert _run(engine, TODAY).reminders == 1
    assert len(smtp.sink.wait_for(2)) == 2


def test_unsubscribe_link_is_honoured_and_can_be_undone(engine: Engine, smtp) -> None:
    lea = _learner(engine, "lea@example.org")
    cohort_id = _cohort(engine, [lea], {"fondamentaux-ia-sante": TODAY})
    _run(engine, TODAY)
    [message] = smtp.sink.wait_for(1)
    token = token_of(links(message)[-1])
    assert reminders.check_unsubscribe(engine, token).valid  # looking at the link changes nothing
    assert not reminders.is_unsubscribed(engine, lea.id)
    assert reminders.unsubscribe(engine, token).valid
    assert reminders.unsubscribe(engine, token).valid  # idempotent (the link may be followed twice)
    assert reminders.is_unsubscribed(engine, lea.id)
    cohorts.assign_module(engine, cohort_id, "ethique-regulation", due_date=TODAY, known_modules=MODULES,
                          actor_id=None)
    assert _run(engine, TODAY) == reminders.RemindResult(0, 0)
    assert reminders.resubscribe(engine, token).valid
    assert _run(engine, TODAY).reminders == 1
    assert reminders.check_unsubscribe(engine, "forged").status == tokens.UNKNOWN
    assert invitations.check_link(engine, token).status == tokens.UNKNOWN  # not a password link


def test_invited_erased_and_unassigned_people_get_nothing(engine: Engine, smtp) -> None:
    invited = invitations.invite(engine, email="invited@example.org", base_url=BASE_URL, deliver=False).account
    outsider = _learner(engine, "outsider@example.org")
    _cohort(engine, [invited], {"fondamentaux-ia-sante": TODAY})
    _cohort(engine, [outsider], {"ethique-regulation": None, "ia-imagerie-medicale": TODAY + timedelta(days=30)})
    assert _run(engine, TODAY) == reminders.RemindResult(0, 0)
    assert smtp.sink.messages == []


def test_reminders_need_mail(engine: Engine, no_smtp) -> None:
    with pytest.raises(mail.MailSettingsError):
        reminders.send_reminders(engine, modules=MODULES, base_url=BASE_URL, today=TODAY)


def test_remind_command(database_url: str, monkeypatch: pytest.MonkeyPatch, smtp) -> None:
    monkeypatch.setenv(db.ENV_VAR, database_url)
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    lea = _learner(engine, "lea@example.org")
    _cohort(engine, [lea], {"fondamentaux-ia-sante": TODAY})
    runner = CliRunner()
    result = runner.invoke(cli, ["remind", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Queued 1 digest(s) carrying 1 reminder(s)." in result.stdout
    assert "Mail: 1 sent" in result.stdout
    assert len(smtp.sink.wait_for(1)) == 1
    again = runner.invoke(cli, ["remind", "--today", TODAY.isoformat()])
    assert again.exit_code == 0 and "Queued 0 digest(s)" in again.stdout
    monkeypatch.delenv("ACADEMY_BASE_URL")
    refused = runner.invoke(cli, ["remind"])
    assert refused.exit_code == 1 and "ACADEMY_BASE_URL" in refused.stderr
    engine.dispose()


def test_two_runs_at_once_send_each_reminder_once(engine: Engine, database_url: str, smtp) -> None:
    import threading

    learners = [_learner(engine, f"l{n}@example.org") for n in range(6)]
    _cohort(engine, learners, {"fondamentaux-ia-sante": TODAY, "ethique-regulation": TODAY - timedelta(days=2)})
    other = db.make_engine(database_url)
    results: list[reminders.RemindResult] = []

    def run(target: Engine) -> None:
        results.append(reminders.send_reminders(target, modules=MODULES, base_url=BASE_URL, today=TODAY))

    threads = [threading.Thread(target=run, args=(e,)) for e in (engine, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert sum(r.digests for r in results) == 6 and sum(r.reminders for r in results) == 12
    mail.flush(engine)
    received = smtp.sink.wait_for(6)
    assert sorted(str(m["To"]) for m in received) == [f"l{n}@example.org" for n in range(6)]
