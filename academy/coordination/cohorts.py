"""Cohorts: groups of learners, their members, and the modules assigned to them with due dates.

Plain functions over an engine; they return frozen dataclasses, never ORM objects. Every change is
audited (``cohort_create``, ``cohort_member_add``, ``cohort_member_remove``, ``module_assign``,
``module_unassign``, ``cohort_manager_add``, ``cohort_manager_remove``; the CSV import in
:mod:`academy.coordination.roster_import` writes ``cohort_import``).

Who sees a cohort
-----------------
A cohort has managers (``cohort_managers``): its creator, and co-managers that a manager or an admin
adds. A coordinator lists, changes, exports and attests only the cohorts they manage and the learners in
them; an admin sees every cohort, including those without a manager. Functions that read or change
cohorts take the ``viewer`` (the signed-in :class:`~academy.accounts.auth.Account`): ``viewer=None``
means no restriction, for the command line and system tasks only. :func:`managed_cohorts` and
:func:`managed_learners` are the SELECTs other packages filter with (attestations, exports, dashboard).

Errors are :class:`CohortError`, whose ``errors`` map a field to an interface-string key
(``academy/locales/cohorts.toml``), so pages show each message next to its field, in any locale.

Accounts created for unknown emails
-----------------------------------
:func:`add_member` (and the CSV import) create a *learner* account when no account has the email. Its
stored password hash is ``"!"`` followed by random characters: that is not an argon2 hash, so no
password ever matches it and :func:`academy.accounts.auth.authenticate` refuses it like a wrong password. When
the caller passes the platform's public address (``invite_base_url``), each new account gets an invitation
link (:mod:`academy.accounts.invitations`) in the same transaction: mailed through the outbox when mail is
configured, otherwise returned so the page shows it to the coordinator. The learner chooses a password from
that link (or "forgotten password", or the administrator). No hashing happens, so importing thousands of
learners stays fast. Existing accounts are never modified: only their membership is added.

Learner statuses on Home (:func:`assignments_for`): ``done`` once a certifying attempt passed (at any
time), else ``overdue`` when the due date is past, ``due_soon`` within ``DUE_SOON_DAYS`` days, and
``open`` otherwise (no due date or a later one). Dates are UTC calendar days.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Select, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from academy.accounts import invitations
from academy.accounts.auth import Account, has_control_characters, normalize_email
from academy.accounts.invitations import InvitationLink
from academy.accounts.professions import match_profession
from academy.store import db
from academy.store.audit import audit
from academy.store.models import (
    EMAIL_LENGTH,
    Assignment,
    Attempt,
    Cohort,
    CohortManager,
    CohortMember,
    User,
    UserRole,
)

NAME_LENGTH = 200
PROFESSION_LENGTH = 100
DUE_SOON_DAYS = 7
DONE, OVERDUE, DUE_SOON, OPEN = "done", "overdue", "due_soon", "open"
UNUSABLE_PASSWORD_PREFIX = "!"

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the same rule as sign-up
_RPPS_RE = re.compile(r"^[0-9]{11}$")
_STATUS_ORDER = {OVERDUE: 0, DUE_SOON: 1, OPEN: 2, DONE: 3}


class CohortError(ValueError):
    """Refused cohort operation; ``errors`` maps a field (or ``"form"``) to an interface-string key."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(", ".join(f"{field}: {key}" for field, key in self.errors.items()))


# --- values returned to callers --------------------------------------------------------------------


@dataclass(frozen=True)
class CohortInfo:
    """A cohort with its number of (non-erased) members and of assigned modules."""

    id: int
    name: str
    description: str
    created_at: datetime
    members: int
    modules: int


@dataclass(frozen=True)
class Manager:
    """A manager of a cohort."""

    user_id: int
    email: str
    name: str
    added_at: datetime


@dataclass(frozen=True)
class Member:
    """A member of a cohort."""

    user_id: int
    email: str
    name: str
    profession: str
    rpps: str | None
    added_at: datetime


@dataclass(frozen=True)
class AddedMember:
    """Outcome of :func:`add_member`: ``created`` when a new learner account was made for the email, and its
    invitation (None when no account was created or no base URL was given)."""

    user_id: int
    email: str
    created: bool
    already_member: bool
    invitation: InvitationLink | None = None


@dataclass(frozen=True)
class AssignmentInfo:
    """A module assigned to a cohort."""

    cohort_id: int
    module_id: str
    due_date: date | None


@dataclass(frozen=True)
class LearnerAssignment:
    """A module assigned to a learner through a cohort, with its status for Home."""

    module_id: str
    cohort_id: int
    cohort_name: str
    due_date: date | None
    status: str  # DONE, OVERDUE, DUE_SOON or OPEN


@dataclass(frozen=True)
class LearnerFields:
    """A learner's identity fields, normalised (email lowercased, spaces collapsed)."""

    email: str
    name: str
    profession: str
    rpps: str | None


@dataclass(frozen=True)
class MembershipChange:
    """What :func:`insert_members` did, as user ids."""

    created: tuple[int, ...]
    added: tuple[int, ...]  # new memberships, created accounts included
    already_members: tuple[int, ...]


# --- learner fields --------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lowercase without accents, spaces collapsed (to compare labels)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def normalize_profession(text: str) -> str:
    """A known profession in any of its forms (« IDE », « infirmière »…) as its code; other text as given."""
    text = " ".join(text.split())
    return match_profession(text) or text


def check_learner(
    email: str, name: str, profession: str = "", rpps: str | None = None
) -> tuple[LearnerFields, dict[str, str]]:
    """Normalised fields and their problems: field → reason code.

    Reasons: ``bad_email``, ``missing_name``, ``name_too_long``, ``profession_too_long``, ``bad_rpps``
    (11 digits; spaces are ignored), ``control_characters`` (control or format characters inside a name or
    profession: line breaks, tabs, NUL, bidirectional overrides…, see
    :func:`academy.accounts.auth.has_control_characters`).
    Text that looks like a spreadsheet formula is kept as plain text: it is never evaluated here, and
    exports neutralise it.
    """
    problems: dict[str, str] = {}
    email = normalize_email(email)
    if len(email) > EMAIL_LENGTH or not _EMAIL_RE.match(email) or has_control_characters(email):
        problems["email"] = "bad_email"
    if has_control_characters(name):
        problems["name"] = "control_characters"
    name = " ".join(name.split())
    if not name:
        problems.setdefault("name", "missing_name")
    elif len(name) > NAME_LENGTH:
        problems.setdefault("name", "name_too_long")
    if has_control_characters(profession):
        problems["profession"] = "control_characters"
    profession = normalize_profession(profession)
    if len(profession) > PROFESSION_LENGTH:
        problems.setdefault("profession", "profession_too_long")
    rpps = (rpps or "").replace(" ", "") or None
    if rpps is not None and not _RPPS_RE.match(rpps):
        problems["rpps"] = "bad_rpps"
    return LearnerFields(email, name, profession, rpps), problems


# --- who manages what -----------------------------------------------------------------------------

MANAGER_ROLES = frozenset({"coordinator", "admin"})


def sees_every_cohort(viewer: Account | None) -> bool:
    """True for admins, and for ``None`` (the command line and system tasks): no restriction."""
    return viewer is None or viewer.has_role("admin")


def managed_cohorts(viewer: Account) -> Select[Any]:
    """A SELECT of the ids of the cohorts ``viewer`` manages (for ``IN`` filters; admins: use
    :func:`sees_every_cohort` first)."""
    return select(CohortManager.cohort_id).where(CohortManager.user_id == viewer.id)


def managed_learners(viewer: Account) -> Select[Any]:
    """A SELECT of the ids of the members of the cohorts ``viewer`` manages."""
    return select(CohortMember.user_id).where(CohortMember.cohort_id.in_(managed_cohorts(viewer)))


def is_manager(session: Session, viewer: Account | None, cohort_id: int) -> bool:
    """:func:`can_manage` inside the caller's transaction."""
    if sees_every_cohort(viewer):
        return True
    assert viewer is not None
    return session.get(CohortManager, (cohort_id, viewer.id)) is not None


def can_manage(engine: Engine, viewer: Account | None, cohort_id: int) -> bool:
    """True when ``viewer`` may see and change the cohort (a manager, an admin, or no viewer)."""
    with db.read(engine) as session:
        return is_manager(session, viewer, cohort_id)


def _require_cohort(session: Session, cohort_id: int, viewer: Account | None = None) -> None:
    """Raise :class:`CohortError` when the cohort does not exist, or ``viewer`` does not manage it."""
    if session.get(Cohort, cohort_id) is None:
        raise CohortError({"cohort": "cohorts.error.unknown_cohort"})
    if not is_manager(session, viewer, cohort_id):
        raise CohortError({"cohort": "cohorts.error.not_manager"})


def require_manager(engine: Engine, viewer: Account | None, cohort_id: int) -> None:
    """Raise :class:`CohortError` unless the cohort exists and ``viewer`` manages it (or sees every cohort)."""
    with db.read(engine) as session:
        _require_cohort(session, cohort_id, viewer)


# --- cohorts ---------------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    if has_control_characters(name):
        raise CohortError({"name": "cohorts.error.name_control_characters"})
    name = " ".join(name.split())
    if not name:
        raise CohortError({"name": "cohorts.error.name_required"})
    if len(name) > NAME_LENGTH:
        raise CohortError({"name": "cohorts.error.name_too_long"})
    return name


def create_cohort(engine: Engine, name: str, *, description: str = "", actor_id: int | None) -> CohortInfo:
    """Create a cohort; its name must be unique (ignoring case and accents). Its creator (``actor_id``)
    becomes its first manager. Audited."""
    name = _clean_name(name)
    description = description.strip()
    try:
        with db.write(engine) as session:
            taken = {_fold(other) for other in session.scalars(select(Cohort.name))}
            if _fold(name) in taken:
                raise CohortError({"name": "cohorts.error.name_taken"})
            cohort = Cohort(name=name, description=description, created_at=db.utcnow(), created_by=actor_id)
            session.add(cohort)
            session.flush()
            if actor_id is not None:
                session.add(CohortManager(cohort_id=cohort.id, user_id=actor_id, added_at=cohort.created_at,
                                          added_by=actor_id))
            audit(session, actor_id=actor_id, action="cohort_create", target=f"cohort:{cohort.id}",
                  details={"name": name})
            return CohortInfo(cohort.id, cohort.name, cohort.description, cohort.created_at, 0, 0)
    except IntegrityError as exc:  # created concurrently under the same name
        raise CohortError({"name": "cohorts.error.name_taken"}) from exc


def _live_members() -> Select[Any]:
    """Membership rows of accounts that are not erased."""
    return (
        select(CohortMember.cohort_id, CohortMember.user_id)
        .join(User, User.id == CohortMember.user_id)
        .where(User.erased_at.is_(None))
    )


def member_ids_query(cohort_id: int) -> Select[Any]:
    """A SELECT of the ids of the cohort's non-erased members, for ``IN`` filters in grouped queries."""
    return (
        select(CohortMember.user_id)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id, User.erased_at.is_(None))
    )


def list_cohorts(engine: Engine, *, viewer: Account | None = None) -> list[CohortInfo]:
    """The cohorts ``viewer`` manages (every cohort for an admin or no viewer), by name, with their counts of
    members and assigned modules."""
    live = _live_members().subquery()
    member_counts = (
        select(live.c.cohort_id, func.count().label("n")).group_by(live.c.cohort_id).subquery()
    )
    module_counts = (
        select(Assignment.cohort_id, func.count().label("n")).group_by(Assignment.cohort_id).subquery()
    )
    query = (
        select(
            Cohort.id,
            Cohort.name,
            Cohort.description,
            Cohort.created_at,
            func.coalesce(member_counts.c.n, 0),
            func.coalesce(module_counts.c.n, 0),
        )
        .outerjoin(member_counts, member_counts.c.cohort_id == Cohort.id)
        .outerjoin(module_counts, module_counts.c.cohort_id == Cohort.id)
        .order_by(Cohort.name)
    )
    if not sees_every_cohort(viewer):
        assert viewer is not None
        query = query.where(Cohort.id.in_(managed_cohorts(viewer)))
    with db.read(engine) as session:
        return [CohortInfo(*row) for row in session.execute(query)]


def get_cohort(engine: Engine, cohort_id: int, *, viewer: Account | None = None) -> CohortInfo | None:
    """The cohort with this id (None when unknown, or not one ``viewer`` manages)."""
    return next((c for c in list_cohorts(engine, viewer=viewer) if c.id == cohort_id), None)


def members(engine: Engine, cohort_id: int) -> list[Member]:
    """The cohort's members (erased accounts left out), by name then email."""
    query = (
        select(User.id, User.email, User.name, User.profession, User.rpps, CohortMember.added_at)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort_id, User.erased_at.is_(None))
        .order_by(User.name, User.email)
    )
    with db.read(engine) as session:
        return [Member(*row) for row in session.execute(query)]


def insert_members(
    session: Session, cohort_id: int, learners: Sequence[LearnerFields], *, now: datetime | None = None
) -> MembershipChange:
    """Add learners to a cohort inside the caller's write transaction (bulk statements).

    Emails with an account join as they are (the account is not modified); unknown emails get a new
    learner account with an unusable password (module docstring). Members already in the cohort are
    left alone. An email of an erased account raises :class:`CohortError` (the caller's transaction
    then rolls back).
    """
    now = now or db.utcnow()
    emails = list(dict.fromkeys(learner.email for learner in learners))
    found = session.execute(select(User.id, User.email, User.erased_at).where(User.email.in_(emails))).all()
    if any(row.erased_at is not None for row in found):
        raise CohortError({"email": "cohorts.reason.erased_account"})
    ids = {row.email: row.id for row in found}
    unknown = {learner.email: learner for learner in learners if learner.email not in ids}
    created: list[int] = []
    if unknown:
        rows = [
            {
                "email": learner.email,
                "name": learner.name,
                "profession": learner.profession,
                "rpps": learner.rpps,
                "password_hash": UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24),
                "locale": "fr",
                "created_at": now,
            }
            for learner in unknown.values()
        ]
        for user_id, email in session.execute(insert(User).returning(User.id, User.email), rows):
            ids[email] = user_id
            created.append(user_id)
        session.execute(insert(UserRole), [{"user_id": user_id, "role": "learner"} for user_id in created])
    wanted = [ids[email] for email in emails]
    present = set(
        session.scalars(
            select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id, CohortMember.user_id.in_(wanted))
        )
    )
    added = [user_id for user_id in wanted if user_id not in present]
    if added:
        session.execute(
            insert(CohortMember), [{"cohort_id": cohort_id, "user_id": user_id, "added_at": now} for user_id in added]
        )
    return MembershipChange(tuple(created), tuple(added), tuple(u for u in wanted if u in present))


def add_member(
    engine: Engine,
    cohort_id: int,
    *,
    email: str,
    name: str = "",
    profession: str = "",
    rpps: str | None = None,
    actor_id: int | None,
    invite_base_url: str | None = None,
    viewer: Account | None = None,
) -> AddedMember:
    """Add one learner by email: an existing account as is, or a new learner account (see module docstring).

    ``name``, ``profession`` and ``rpps`` only matter for a new account (``name`` is then required).
    With ``invite_base_url``, a new account is invited (mailed, or the link returned in ``invitation``).
    Raises :class:`CohortError` with field errors (``cohort`` when ``viewer`` does not manage it). Audited as
    ``cohort_member_add``.
    """
    learner, problems = check_learner(email, name, profession, rpps)
    if "email" in problems:
        raise CohortError({"email": f"cohorts.reason.{problems['email']}"})
    try:
        with db.write(engine) as session:
            _require_cohort(session, cohort_id, viewer)
            existing = session.scalar(select(User.id).where(User.email == learner.email))
            if existing is None and problems:
                raise CohortError({field: f"cohorts.reason.{reason}" for field, reason in problems.items()})
            change = insert_members(session, cohort_id, [learner])
            user_id = (change.added or change.already_members)[0]
            audit(session, actor_id=actor_id, action="cohort_member_add", target=f"cohort:{cohort_id}",
                  details={"user_id": user_id, "created_account": bool(change.created)})
            links = []
            if change.created and invite_base_url is not None:
                links = invitations.issue_links(session, change.created, "invitation", base_url=invite_base_url,
                                                actor_id=actor_id)
    except IntegrityError as exc:  # the same email or membership was added concurrently
        raise CohortError({"form": "cohorts.error.conflict"}) from exc
    return AddedMember(user_id, learner.email, bool(change.created), bool(change.already_members),
                       links[0] if links else None)


def remove_member(
    engine: Engine, cohort_id: int, user_id: int, *, actor_id: int | None, viewer: Account | None = None
) -> bool:
    """Remove a learner from a cohort (the account stays); False when they were not a member. Audited.

    Raises :class:`CohortError` when ``viewer`` does not manage the cohort.
    """
    with db.write(engine) as session:
        _require_cohort(session, cohort_id, viewer)
        removed = session.execute(
            delete(CohortMember).where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id)
        ).rowcount
        if removed:
            audit(session, actor_id=actor_id, action="cohort_member_remove", target=f"cohort:{cohort_id}",
                  details={"user_id": user_id})
    return bool(removed)


# --- managers --------------------------------------------------------------------------------------


def managers(engine: Engine, cohort_id: int) -> list[Manager]:
    """The cohort's managers (erased accounts left out), by name then email."""
    query = (
        select(User.id, User.email, User.name, CohortManager.added_at)
        .join(CohortManager, CohortManager.user_id == User.id)
        .where(CohortManager.cohort_id == cohort_id, User.erased_at.is_(None))
        .order_by(User.name, User.email)
    )
    with db.read(engine) as session:
        return [Manager(*row) for row in session.execute(query)]


def add_manager(engine: Engine, cohort_id: int, *, email: str, viewer: Account | None) -> tuple[Manager, bool]:
    """Make the coordinator (or admin) with this email a manager of the cohort; ``viewer`` must manage it.

    Returns the manager and whether they were added (False: already a manager). Raises
    :class:`CohortError`: ``cohort`` (unknown, or not managed by ``viewer``), ``email``
    (``cohorts.error.unknown_account`` for no such live account, ``cohorts.error.not_coordinator``).
    Audited as ``cohort_manager_add``.
    """
    email = normalize_email(email)
    try:
        with db.write(engine) as session:
            _require_cohort(session, cohort_id, viewer)
            user = session.scalar(select(User).where(User.email == email, User.erased_at.is_(None)))
            if user is None:
                raise CohortError({"email": "cohorts.error.unknown_account"})
            if not {role.role for role in user.roles} & MANAGER_ROLES:
                raise CohortError({"email": "cohorts.error.not_coordinator"})
            row = session.get(CohortManager, (cohort_id, user.id))
            added = row is None
            if row is None:
                row = CohortManager(cohort_id=cohort_id, user_id=user.id, added_at=db.utcnow(),
                                    added_by=viewer.id if viewer is not None else None)
                session.add(row)
                audit(session, actor_id=viewer.id if viewer is not None else None, action="cohort_manager_add",
                      target=f"cohort:{cohort_id}", details={"user_id": user.id})
            session.flush()
            return Manager(user.id, user.email, user.name, row.added_at), added
    except IntegrityError as exc:  # the same manager was added concurrently
        raise CohortError({"form": "cohorts.error.conflict"}) from exc


def remove_manager(engine: Engine, cohort_id: int, user_id: int, *, viewer: Account | None) -> bool:
    """Remove a manager (themselves included); ``viewer`` must manage the cohort. False when not a manager.

    The last manager stays (``cohorts.error.last_manager``): a cohort keeps someone who follows it. Audited
    as ``cohort_manager_remove``.
    """
    with db.write(engine) as session:
        _require_cohort(session, cohort_id, viewer)
        rows = session.scalars(
            select(CohortManager).where(CohortManager.cohort_id == cohort_id).with_for_update()
        ).all()
        row = next((r for r in rows if r.user_id == user_id), None)
        if row is None:
            return False
        live = set(session.scalars(select(User.id).where(User.id.in_([r.user_id for r in rows]),
                                                         User.erased_at.is_(None))))
        if live <= {user_id}:
            raise CohortError({"manager": "cohorts.error.last_manager"})
        session.delete(row)
        audit(session, actor_id=viewer.id if viewer is not None else None, action="cohort_manager_remove",
              target=f"cohort:{cohort_id}", details={"user_id": user_id})
    return True


# --- assignments -----------------------------------------------------------------------------------


def assign_module(
    engine: Engine,
    cohort_id: int,
    module_id: str,
    *,
    due_date: date | None = None,
    known_modules: Collection[str],
    actor_id: int | None,
    viewer: Account | None = None,
) -> AssignmentInfo:
    """Assign a catalogue module to a cohort, or change the due date of an existing assignment.

    ``known_modules``: the ids of the catalogue's modules (the module must be one of them). One
    assignment per cohort and module. Audited as ``module_assign`` with the due date before and after.
    """
    if module_id not in known_modules:
        raise CohortError({"module": "cohorts.error.unknown_module"})
    try:
        with db.write(engine) as session:
            _require_cohort(session, cohort_id, viewer)
            assignment = session.scalar(
                select(Assignment)
                .where(Assignment.cohort_id == cohort_id, Assignment.module_id == module_id)
                .with_for_update()
            )
            before = None
            if assignment is None:
                session.add(Assignment(cohort_id=cohort_id, module_id=module_id, due_date=due_date,
                                       created_at=db.utcnow(), created_by=actor_id))
            else:
                before = assignment.due_date.isoformat() if assignment.due_date else None
                assignment.due_date = due_date
            audit(session, actor_id=actor_id, action="module_assign", target=f"cohort:{cohort_id}",
                  details={"module_id": module_id, "new": assignment is None, "due_before": before,
                           "due_after": due_date.isoformat() if due_date else None})
    except IntegrityError as exc:  # assigned concurrently
        raise CohortError({"form": "cohorts.error.conflict"}) from exc
    return AssignmentInfo(cohort_id, module_id, due_date)


def unassign(
    engine: Engine, cohort_id: int, module_id: str, *, actor_id: int | None, viewer: Account | None = None
) -> bool:
    """Remove a module's assignment from a cohort (progress is kept); False when it was not assigned.

    Raises :class:`CohortError` when ``viewer`` does not manage the cohort.
    """
    with db.write(engine) as session:
        _require_cohort(session, cohort_id, viewer)
        removed = session.execute(
            delete(Assignment).where(Assignment.cohort_id == cohort_id, Assignment.module_id == module_id)
        ).rowcount
        if removed:
            audit(session, actor_id=actor_id, action="module_unassign", target=f"cohort:{cohort_id}",
                  details={"module_id": module_id})
    return bool(removed)


def cohort_assignments(engine: Engine, cohort_id: int) -> list[AssignmentInfo]:
    """The cohort's assigned modules, by due date (no date last) then module id."""
    query = select(Assignment.cohort_id, Assignment.module_id, Assignment.due_date).where(
        Assignment.cohort_id == cohort_id
    )
    with db.read(engine) as session:
        rows = [AssignmentInfo(*row) for row in session.execute(query)]
    return sorted(rows, key=lambda a: (a.due_date is None, a.due_date or date.min, a.module_id))


def assignment_status(due_date: date | None, passed: bool, today: date) -> str:
    """DONE, OVERDUE, DUE_SOON or OPEN (see the module docstring)."""
    if passed:
        return DONE
    if due_date is None:
        return OPEN
    if due_date < today:
        return OVERDUE
    if due_date <= today + timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    return OPEN


def assignments_for(engine: Engine, user_id: int, *, today: date | None = None) -> list[LearnerAssignment]:
    """The modules assigned to a learner through their cohorts, most urgent first.

    A module assigned by several cohorts appears once, with the earliest due date (and its cohort).
    """
    today = today or db.utcnow().date()
    assigned = (
        select(Assignment.module_id, Assignment.cohort_id, Cohort.name, Assignment.due_date)
        .join(CohortMember, CohortMember.cohort_id == Assignment.cohort_id)
        .join(Cohort, Cohort.id == Assignment.cohort_id)
        .where(CohortMember.user_id == user_id)
    )
    passed_query = (
        select(Attempt.module_id)
        .where(Attempt.user_id == user_id, Attempt.kind == "post", Attempt.passed.is_(True))
        .distinct()
    )
    with db.read(engine) as session:
        rows = session.execute(assigned).all()
        passed = set(session.scalars(passed_query))
    earliest: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: (r.due_date is None, r.due_date or date.min, r.name)):
        earliest.setdefault(row.module_id, row)
    result = [
        LearnerAssignment(row.module_id, row.cohort_id, row.name, row.due_date,
                          assignment_status(row.due_date, row.module_id in passed, today))
        for row in earliest.values()
    ]
    return sorted(result, key=lambda a: (_STATUS_ORDER[a.status], a.due_date is None, a.due_date or date.min))

