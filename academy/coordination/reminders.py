"""Due-date reminders: one digest mail per learner and run, never the same reminder twice.

``python -m academy remind`` (cron or a systemd timer, daily; docs/deployment.md) calls :func:`send_reminders`.
A learner is reminded of a module assigned through one of their cohorts (earliest due date when several
cohorts assign it) that they have not passed yet:

- ``week_before``: the due date is within the next ``WINDOW_DAYS`` days (once per module and due date);
- ``due_today``: the due date is today;
- ``overdue_<n>``: the due date is past, once per week after it (n = whole weeks since the due date; the
  first week's reminder is skipped when the learner had the ``due_today`` one).

Each reminder is recorded in ``reminders_sent`` (unique per learner, module, due date and kind) in the same
transaction as the digest that carries it, so a second run the same day, or two runs at once, mail nothing
new; moving a due date makes new reminders. Learners who unsubscribed (``reminder_opt_outs``), erased
accounts and invited accounts that never chose a password get nothing. Each digest carries an unsubscribe
link (``{base_url}/unsubscribe?token=…``, also in the ``List-Unsubscribe`` header) whose page asks for a
click before unsubscribing (mail scanners open links).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, exists, func, select
from sqlalchemy.exc import IntegrityError

from academy.accounts import mail, tokens
from academy.accounts.invitations import UNUSABLE_PASSWORD_PREFIX
from academy.i18n import t
from academy.store import db
from academy.store.audit import audit
from academy.store.models import (
    Assignment,
    Attempt,
    CohortMember,
    ReminderOptOut,
    ReminderSent,
    User,
)

WINDOW_DAYS = 7
WEEK_BEFORE, DUE_TODAY, OVERDUE = "week_before", "due_today", "overdue"
UNSUBSCRIBE_PATH = "/unsubscribe"


@dataclass(frozen=True)
class Reminder:
    """One module to remind a learner of."""

    module_id: str
    due_date: date
    kind: str  # WEEK_BEFORE, DUE_TODAY or overdue_<n>


@dataclass(frozen=True)
class RemindResult:
    """What one run did."""

    digests: int
    reminders: int


def reminder_kind(due_date: date, today: date) -> str | None:
    """The reminder a due date calls for today (None: too far ahead)."""
    if due_date > today + timedelta(days=WINDOW_DAYS):
        return None
    if due_date > today:
        return WEEK_BEFORE
    if due_date == today:
        return DUE_TODAY
    return f"{OVERDUE}_{(today - due_date).days // 7}"


def _covered(kind: str, sent_kinds: set[str]) -> bool:
    """True when a reminder of ``kind`` (or one standing for it) was already sent for this module and due date."""
    return kind in sent_kinds or (kind == f"{OVERDUE}_0" and DUE_TODAY in sent_kinds)


def due_reminders(
    engine: Engine, *, today: date, modules: Mapping[str, str] | None = None
) -> dict[int, list[Reminder]]:
    """The reminders each learner should get today and has not had yet (by user id).

    ``modules``: when given, only these module ids (the catalogue's) are reminded.
    """
    horizon = today + timedelta(days=WINDOW_DAYS)
    passed = exists().where(Attempt.user_id == CohortMember.user_id, Attempt.module_id == Assignment.module_id,
                            Attempt.kind == "post", Attempt.passed.is_(True))
    opted_out = exists().where(ReminderOptOut.user_id == CohortMember.user_id)
    query = (
        select(CohortMember.user_id, Assignment.module_id, func.min(Assignment.due_date))
        .join(Assignment, Assignment.cohort_id == CohortMember.cohort_id)
        .join(User, User.id == CohortMember.user_id)
        .where(Assignment.due_date.is_not(None), Assignment.due_date <= horizon, User.erased_at.is_(None),
               ~User.password_hash.startswith(UNUSABLE_PASSWORD_PREFIX, autoescape=True), ~passed, ~opted_out)
        .group_by(CohortMember.user_id, Assignment.module_id)
    )
    wanted: dict[int, list[Reminder]] = defaultdict(list)
    with db.read(engine) as session:
        for user_id, module_id, due in session.execute(query):
            if modules is not None and module_id not in modules:
                continue
            kind = reminder_kind(due, today)
            if kind is not None:
                wanted[user_id].append(Reminder(module_id, due, kind))
        if not wanted:
            return {}
        sent: dict[tuple[int, str, date], set[str]] = defaultdict(set)
        user_ids = list(wanted)
        for start in range(0, len(user_ids), 1000):  # bounded IN lists
            for user_id, module_id, due, kind in session.execute(
                select(ReminderSent.user_id, ReminderSent.module_id, ReminderSent.due_date, ReminderSent.kind)
                .where(ReminderSent.user_id.in_(user_ids[start:start + 1000]))
            ):
                sent[user_id, module_id, due].add(kind)
    result: dict[int, list[Reminder]] = {}
    for user_id, items in wanted.items():
        fresh = [r for r in items if not _covered(r.kind, sent.get((user_id, r.module_id, r.due_date), set()))]
        if fresh:
            result[user_id] = sorted(fresh, key=lambda r: (r.due_date, r.module_id))
    return result


def _item_text(reminder: Reminder, title: str, today: date, locale: str) -> str:
    date_text = reminder.due_date.strftime(t("mail.reminder.date_format", locale))
    kind = OVERDUE if reminder.kind.startswith(OVERDUE) else reminder.kind
    return t(f"mail.reminder.item.{kind}", locale, title=title, date=date_text,
             days=(reminder.due_date - today).days)


def send_reminders(
    engine: Engine,
    *,
    modules: Mapping[str, str],
    base_url: str,
    today: date | None = None,
    now: datetime | None = None,
) -> RemindResult:
    """Queue today's reminder digests (one per learner) in the outbox; see the module docstring.

    ``modules``: the catalogue's module ids and titles. Raises :class:`academy.accounts.mail.MailSettingsError`
    when mail is not configured (reminders are never recorded without a mail to carry them).
    """
    if mail.mail_settings() is None:
        raise mail.MailSettingsError(f"{mail.SMTP_URL_ENV} is not set: reminders need e-mail")
    now = now or db.utcnow()
    today = today or now.date()
    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"the public base URL must be absolute (http:// or https://), not {base_url!r}")
    digests = reminders = 0
    for user_id, items in due_reminders(engine, today=today, modules=modules).items():
        try:
            with db.write(engine) as session:
                user = session.get(User, user_id)
                taken: dict[tuple[str, date], set[str]] = defaultdict(set)
                for module_id, due, kind in session.execute(
                    select(ReminderSent.module_id, ReminderSent.due_date, ReminderSent.kind).where(
                        ReminderSent.user_id == user_id, ReminderSent.module_id.in_([r.module_id for r in items]))
                ):
                    taken[module_id, due].add(kind)
                fresh = [r for r in items if not _covered(r.kind, taken.get((r.module_id, r.due_date), set()))]
                opted_out = session.get(ReminderOptOut, user_id) is not None
                if user is None or user.erased_at is not None or opted_out or not fresh:
                    continue
                session.add_all(ReminderSent(user_id=user_id, module_id=r.module_id, due_date=r.due_date, kind=r.kind,
                                             sent_at=now) for r in fresh)
                token = tokens.issue(session, user_id, tokens.UNSUBSCRIBE, now=now)
                unsubscribe = f"{base}{UNSUBSCRIBE_PATH}?token={token}"
                digest = mail.compose(
                    "reminder", user.locale, to=user.email, user_id=user_id, link=f"{base}/",
                    values={"name": user.name, "n": len(fresh)},
                    items=[_item_text(r, modules[r.module_id], today, user.locale) for r in fresh],
                    footer_link=unsubscribe, headers={"List-Unsubscribe": f"<{unsubscribe}>"},
                )
                mail.queue(session, [digest], now=now)
                audit(session, actor_id=None, action="reminder_send", target=f"user:{user_id}",
                      details={"reminders": [[r.module_id, r.due_date.isoformat(), r.kind] for r in fresh]}, at=now)
        except IntegrityError:  # another run recorded them meanwhile (PostgreSQL): its digest carries them
            continue
        digests += 1
        reminders += len(fresh)
    return RemindResult(digests, reminders)


# --- unsubscribing ----------------------------------------------------------------------------------------


def check_unsubscribe(engine: Engine, token: str | None, *, now: datetime | None = None) -> tokens.TokenCheck:
    """What an unsubscribe link is worth (changes nothing)."""
    return tokens.check(engine, token, {tokens.UNSUBSCRIBE}, now=now)


def unsubscribe(engine: Engine, token: str | None, *, now: datetime | None = None) -> tokens.TokenCheck:
    """Stop reminders for the link's learner (idempotent); returns the link's check (VALID when done)."""
    now = now or db.utcnow()
    with db.write(engine) as session:
        found = tokens.consume(session, token, {tokens.UNSUBSCRIBE}, now=now)
        if found.valid and found.user_id is not None and session.get(ReminderOptOut, found.user_id) is None:
            session.add(ReminderOptOut(user_id=found.user_id, at=now))
            audit(session, actor_id=found.user_id, action="reminder_unsubscribe", target=f"user:{found.user_id}",
                  at=now)
    return found


def resubscribe(engine: Engine, token: str | None, *, now: datetime | None = None) -> tokens.TokenCheck:
    """Undo :func:`unsubscribe` with the same link."""
    now = now or db.utcnow()
    with db.write(engine) as session:
        found = tokens.consume(session, token, {tokens.UNSUBSCRIBE}, now=now)
        if found.valid and found.user_id is not None:
            row = session.get(ReminderOptOut, found.user_id)
            if row is not None:
                session.delete(row)
                audit(session, actor_id=found.user_id, action="reminder_resubscribe",
                      target=f"user:{found.user_id}", at=now)
    return found


def is_unsubscribed(engine: Engine, user_id: int) -> bool:
    """True when the learner stopped reminders."""
    with db.read(engine) as session:
        return session.get(ReminderOptOut, user_id) is not None

