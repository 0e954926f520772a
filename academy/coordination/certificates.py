"""Attestations: issue them, verify and revoke them by code, and render them as PDF.

Rules
-----
- A **module attestation** is issued only to a learner who passed the module (a passing certifying
  attempt, :func:`academy.learning.progress.module_progress`). Its score is the recorded score under the quiz's
  grading policy (:func:`academy.learning.progress.recorded_score`), its hours the module's ``credits_hours``;
  the holder's name is copied at issue, so later renames do not change an issued attestation.
- A **programme attestation** covers the modules assigned to a cohort (``assignments``). It is issued to
  a member of the cohort once every assigned module is passed; it is stored with
  ``module_id = "programme:<cohort id>"`` and ``cohort_id``, its title is the cohort's name, its hours
  the sum of the modules' credit hours and its score the mean of the modules' recorded scores.
- Issuing is idempotent: a learner holds at most one valid attestation per module (or programme);
  issuing again returns it. Concurrent issues for one learner are serialised by locking the user row
  (SQLite: the write lock taken up front). Once an attestation is revoked, a new one is issued only with
  ``reissue=True`` (coordinators): a learner cannot re-issue on their own what a coordinator revoked.
- Codes: 12 characters drawn with :mod:`secrets` from an alphabet without 0, O, 1 and I (60 bits),
  unique in the table, shown as ``XXXX-XXXX-XXXX``; typed codes are upper-cased and separators removed.
- :func:`verify` reveals only what the attestation itself shows: for a valid one its holder, title,
  date, hours, score and issuer; for a revoked one its holder, title, date and the revocation date (not
  the reason); nothing for an unknown code; only the status once the holder's data was erased.
- Titles are not stored: module titles come from the catalogue and programme titles from the cohort at
  display time (the module id or a generic title when they no longer exist). The issuer is the setting
  ``certificate_issuer``, else ``ACADEMY_ISSUER``, else "Académie IA Santé".
- Coordinators see, issue and revoke attestations only within the cohorts they manage
  (:mod:`academy.coordination.cohorts`, "Who sees a cohort"): those of the cohorts' members and the
  cohorts' programme attestations. Functions taking a ``viewer`` apply this; ``viewer=None`` (a learner's
  own attestations, the public verification, the command line) does not, and admins see everything.
- The PDF (A4 landscape, French) embeds DejaVu Sans (``academy/fonts/``) and draws the QR code of the
  verification URL as filled rectangles (no image library involved).
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import qrcode
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import ColumnElement, Engine, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from academy.accounts import auth
from academy.accounts.auth import Account
from academy.content.catalog import Module
from academy.coordination.cohorts import is_manager, managed_cohorts, managed_learners, sees_every_cohort
from academy.learning import progress
from academy.store import db, rate_limits
from academy.store.audit import audit
from academy.store.models import Assignment, Attempt, Certificate, Cohort, CohortMember, User
from academy.store.rate_limits import Policy

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, no 1/I
CODE_LENGTH = 12
PROGRAMME_PREFIX = "programme:"
DEFAULT_ISSUER = "Académie IA Santé"
ISSUER_SETTING = "certificate_issuer"
ISSUER_ENV = "ACADEMY_ISSUER"
VERIFY_PATH = "/verify"  # URL path of pages/12_verify.py
TIMEZONE = ZoneInfo("Europe/Paris")  # dates on attestations are French calendar dates
MAX_REASON_LENGTH = 500
FONT_PATH = Path(__file__).with_name("fonts") / "DejaVuSans.ttf"
PROGRAMME_FALLBACK_TITLE = "Programme de formation"

VALID, REVOKED, UNKNOWN, ERASED, THROTTLED = "valid", "revoked", "unknown", "erased", "throttled"
# Public verification by client address: 20 free unknown codes, then a doubling wait (a found code is free).
VERIFY_LIMIT = Policy(free_tries=20, base_delay=timedelta(seconds=30), max_delay=timedelta(minutes=15),
                      forget_after=timedelta(hours=1))

_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}
_NBSP = "\u00a0"


class CertificateError(Exception):
    """An attestation operation refused; ``reason`` is a stable code the interface translates.

    Reasons: ``not_passed``, ``revoked`` (re-issue needs ``reissue=True``), ``unknown_user``,
    ``not_member``, ``no_modules``, ``unknown_module``, ``unknown_code``, ``reason_required``,
    ``reason_too_long``, ``not_managed`` (the learner, cohort or attestation is outside the viewer's cohorts).
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class CertificateInfo:
    """An issued attestation, as stored, with its title and issuer resolved."""

    id: int
    code: str
    module_id: str  # a module id, or "programme:<cohort id>"
    cohort_id: int | None
    title: str
    user_id: int | None
    holder_name: str
    issued_at: datetime
    score: float  # 0..1
    hours: float
    issuer: str
    revoked_at: datetime | None
    revoked_reason: str | None

    @property
    def is_programme(self) -> bool:
        return self.module_id.startswith(PROGRAMME_PREFIX)

    @property
    def status(self) -> str:
        """``erased`` (holder data erased), ``revoked`` or ``valid``."""
        if self.user_id is None or not self.holder_name:
            return ERASED
        return REVOKED if self.revoked_at is not None else VALID

    @property
    def display_code(self) -> str:
        return format_code(self.code)


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show about a code (None: not revealed)."""

    status: str  # valid | revoked | unknown | erased | throttled
    code: str = ""
    title: str | None = None
    holder_name: str | None = None
    issued_at: datetime | None = None
    hours: float | None = None
    score: float | None = None
    issuer: str | None = None
    revoked_at: datetime | None = None
    is_programme: bool = False
    retry_after_seconds: int = 0


@dataclass(frozen=True)
class Learner:
    """A learner as listed on the attestations page."""

    id: int
    name: str
    email: str


@dataclass(frozen=True)
class Programme:
    """A cohort's programme: the modules assigned to it."""

    cohort_id: int
    name: str
    module_ids: tuple[str, ...]


# --- codes, dates, settings --------------------------------------------------------------------------


def new_code() -> str:
    """A random code of ``CODE_LENGTH`` characters from ``CODE_ALPHABET``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """A typed code as stored: upper-cased, spaces, hyphens and dots removed."""
    return "".join(ch for ch in text.upper() if ch not in " -.\t\u00a0")


def is_well_formed(code: str) -> bool:
    """True when a normalised code has the right length and alphabet."""
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def format_code(code: str) -> str:
    """A code as printed: groups of four separated by hyphens."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def format_date(moment: datetime | date, locale: str = "fr") -> str:
    """A calendar date in words, French by default (« 1er mars 2026 », « 29 novembre 2026 »).

    Datetimes are converted to French time first.
    """
    day = moment.astimezone(TIMEZONE).date() if isinstance(moment, datetime) else moment
    month = _MONTHS.get(locale, _MONTHS["fr"])[day.month - 1]
    number = "1er" if locale != "en" and day.day == 1 else str(day.day)
    return f"{number} {month} {day.year}"


def format_hours(hours: float) -> str:
    """Hours with a decimal comma, trimmed (« 0,75 », « 1 », « 1,5 »)."""
    return f"{hours:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def format_score(score: float) -> str:
    """A 0..1 score as a French percentage (« 85 % », with a no-break space)."""
    return f"{round(score * 100)}{_NBSP}%"


def issuer_name(engine: Engine) -> str:
    """Who issues attestations: the ``certificate_issuer`` setting, else ``ACADEMY_ISSUER``, else the default."""
    stored = auth.get_setting(engine, ISSUER_SETTING)
    if isinstance(stored, str) and stored.strip():
        return stored.strip()
    return os.environ.get(ISSUER_ENV, "").strip() or DEFAULT_ISSUER


def verify_url(code: str, base_url: str) -> str:
    """The public verification URL of a code under ``base_url``, the platform's public address.

    There is no default: pages pass ``ACADEMY_BASE_URL`` or the address the browser used
    (:func:`academy.ui.address.public_base_url`), the command line :func:`academy.settings.base_url`.
    """
    return f"{base_url.rstrip('/')}{VERIFY_PATH}?code={code}"


def _name_key(learner: Learner) -> tuple[str, int]:
    """Alphabetical order that ignores case and accents (É sorts with E)."""
    decomposed = unicodedata.normalize("NFKD", learner.name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)), learner.id


# --- reading ------------------------------------------------------------------------------------------


def _titles(session: Session, rows: Iterable[Certificate], titles: dict[str, str]) -> dict[str, str]:
    """Display titles by ``module_id`` for these rows: ``titles`` (module titles) plus cohort names."""
    prefixed = {r.module_id.removeprefix(PROGRAMME_PREFIX) for r in rows if r.module_id.startswith(PROGRAMME_PREFIX)}
    cohort_ids = {int(value) for value in prefixed if value.isdigit()}
    titles = dict(titles)
    if cohort_ids:
        for cohort_id, name in session.execute(select(Cohort.id, Cohort.name).where(Cohort.id.in_(cohort_ids))):
            titles[f"{PROGRAMME_PREFIX}{cohort_id}"] = name
    return titles


def _module_titles(modules: Iterable[Module]) -> dict[str, str]:
    return {module.id: module.title for module in modules}


def _title(titles: dict[str, str], module_id: str) -> str:
    if module_id in titles:
        return titles[module_id]
    return PROGRAMME_FALLBACK_TITLE if module_id.startswith(PROGRAMME_PREFIX) else module_id


def _infos(
    session: Session, rows: Sequence[Certificate], titles: dict[str, str], issuer: str
) -> list[CertificateInfo]:
    titles = _titles(session, rows, titles)
    return [
        CertificateInfo(
            id=r.id,
            code=r.code,
            module_id=r.module_id,
            cohort_id=r.cohort_id,
            title=_title(titles, r.module_id),
            user_id=r.user_id,
            holder_name=r.holder_name,
            issued_at=r.issued_at,
            score=r.score,
            hours=r.hours,
            issuer=issuer,
            revoked_at=r.revoked_at,
            revoked_reason=r.revoked_reason,
        )
        for r in rows
    ]


def certificate(engine: Engine, code: str, *, modules: Iterable[Module] = ()) -> CertificateInfo | None:
    """The attestation with this code (typed form accepted), or None."""
    normalised = normalize_code(code)
    if not is_well_formed(normalised):
        return None
    issuer = issuer_name(engine)
    with db.read(engine) as session:
        row = session.scalar(select(Certificate).where(Certificate.code == normalised))
        return _infos(session, [row], _module_titles(modules), issuer)[0] if row is not None else None


def user_certificates(engine: Engine, user_id: int, *, modules: Iterable[Module] = ()) -> list[CertificateInfo]:
    """A learner's attestations (valid and revoked), newest first."""
    issuer = issuer_name(engine)
    query = (
        select(Certificate)
        .where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    with db.read(engine) as session:
        return _infos(session, session.scalars(query).all(), _module_titles(modules), issuer)


def _visible_to(viewer: Account) -> ColumnElement[bool]:
    """The attestations a coordinator sees: their cohorts' programmes, and those of their cohorts' members."""
    return or_(Certificate.cohort_id.in_(managed_cohorts(viewer)), Certificate.user_id.in_(managed_learners(viewer)))


def search_certificates(
    engine: Engine, *, query: str = "", modules: Iterable[Module] = (), limit: int = 100,
    viewer: Account | None = None,
) -> list[CertificateInfo]:
    """Attestations whose code, holder name, module (id or title) or programme name matches, newest first;
    only those within ``viewer``'s cohorts (module docstring)."""
    modules = list(modules)
    issuer = issuer_name(engine)
    statement = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit)
    if not sees_every_cohort(viewer):
        statement = statement.where(_visible_to(viewer))
    needle = " ".join(query.split())
    with db.read(engine) as session:
        if needle:
            folded = needle.casefold()
            conditions = [
                func.lower(Certificate.holder_name).contains(needle.lower(), autoescape=True),
                Certificate.module_id.contains(needle.lower(), autoescape=True),
            ]
            code = normalize_code(needle)
            if code and all(ch in CODE_ALPHABET for ch in code):
                conditions.append(Certificate.code.contains(code, autoescape=True))
            module_ids = [m.id for m in modules if folded in m.title.casefold()]
            cohort_ids = session.scalars(
                select(Cohort.id).where(func.lower(Cohort.name).contains(needle.lower(), autoescape=True))
            ).all()
            module_ids += [f"{PROGRAMME_PREFIX}{cohort_id}" for cohort_id in cohort_ids]
            if module_ids:
                conditions.append(Certificate.module_id.in_(module_ids))
            statement = statement.where(or_(*conditions))
        return _infos(session, session.scalars(statement).all(), _module_titles(modules), issuer)


def passed_learners(
    engine: Engine, module_id: str, *, search: str = "", limit: int = 100, viewer: Account | None = None
) -> list[Learner]:
    """Accounts (not erased) that passed the module's certifying quiz, by name; optional name/email filter.

    At most ``limit`` accounts (the first by stored order of names), sorted ignoring case and accents. Only
    members of ``viewer``'s cohorts (module docstring).
    """
    passed = exists().where(
        Attempt.user_id == User.id,
        Attempt.module_id == module_id,
        Attempt.kind == "post",
        Attempt.submitted_at.is_not(None),
        Attempt.passed.is_(True),
    )
    query = select(User.id, User.name, User.email).where(User.erased_at.is_(None), passed)
    if not sees_every_cohort(viewer):
        query = query.where(User.id.in_(managed_learners(viewer)))
    needle = search.strip().lower()
    if needle:
        query = query.where(or_(User.email.contains(needle, autoescape=True),
                                func.lower(User.name).contains(needle, autoescape=True)))
    with db.read(engine) as session:
        rows = session.execute(query.order_by(User.name, User.id).limit(limit)).all()
    return sorted((Learner(r.id, r.name, r.email) for r in rows), key=_name_key)


def _programmes(engine: Engine, cohort_ids: Iterable[int] | Select[Any] | None) -> list[Programme]:
    query = (
        select(Cohort.id, Cohort.name, Assignment.module_id)
        .join(Assignment, Assignment.cohort_id == Cohort.id)
        .order_by(Cohort.name, Cohort.id, Assignment.module_id)
    )
    if isinstance(cohort_ids, Select):
        query = query.where(Cohort.id.in_(cohort_ids))
    elif cohort_ids is not None:
        query = query.where(Cohort.id.in_(list(cohort_ids)))
    found: dict[int, Programme] = {}
    with db.read(engine) as session:
        for cohort_id, name, module_id in session.execute(query):
            known = found.get(cohort_id)
            modules = (known.module_ids if known else ()) + (module_id,)
            found[cohort_id] = Programme(cohort_id, name, modules)
    return list(found.values())


def programmes(engine: Engine, *, viewer: Account | None = None) -> list[Programme]:
    """Every cohort ``viewer`` manages (all for an admin) that has at least one assigned module, by name."""
    return _programmes(engine, None if sees_every_cohort(viewer) else managed_cohorts(viewer))


def learner_programmes(engine: Engine, user_id: int) -> list[Programme]:
    """The programmes of the cohorts the learner belongs to."""
    with db.read(engine) as session:
        cohort_ids = session.scalars(select(CohortMember.cohort_id).where(CohortMember.user_id == user_id)).all()
    return _programmes(engine, cohort_ids) if cohort_ids else []


def programme_completers(engine: Engine, programme: Programme) -> list[Learner]:
    """Members of the programme's cohort (not erased) who passed every assigned module, by name."""
    with db.read(engine) as session:
        members = session.execute(
            select(User.id, User.name, User.email)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == programme.cohort_id, User.erased_at.is_(None))
        ).all()
    standing = progress.progress_by_user(engine, [m.id for m in members]) if members else {}
    done = [
        Learner(m.id, m.name, m.email)
        for m in members
        if programme.module_ids and all(
            (mp := standing.get(m.id, {}).get(mid)) is not None and mp.passed for mid in programme.module_ids
        )
    ]
    return sorted(done, key=_name_key)


# --- issuing, revoking --------------------------------------------------------------------------------


def _unique_code(session: Session) -> str:
    while True:
        code = new_code()
        if session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code


def _issue(
    engine: Engine,
    *,
    user_id: int,
    module_id: str,
    cohort_id: int | None,
    title: str,
    score: float,
    hours: float,
    now: datetime | None,
    actor_id: int | None,
    reissue: bool,
) -> CertificateInfo:
    """Return the learner's valid attestation for ``module_id``, or store a new one (see the module docstring)."""
    issuer = issuer_name(engine)
    with db.write(engine) as session:
        user = session.scalar(select(User).where(User.id == user_id).with_for_update())
        if user is None or user.erased_at is not None:
            raise CertificateError("unknown_user")
        existing = session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id, Certificate.module_id == module_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        ).all()
        row = next((c for c in existing if c.revoked_at is None), None)
        if row is None:
            if existing and not reissue:
                raise CertificateError("revoked")
            row = Certificate(
                code=_unique_code(session),
                user_id=user_id,
                module_id=module_id,
                cohort_id=cohort_id,
                holder_name=user.name,
                score=score,
                hours=hours,
                issued_at=now or db.utcnow(),
            )
            session.add(row)
            session.flush()
            audit(
                session,
                actor_id=actor_id if actor_id is not None else user_id,
                action="certificate_issue",
                target=f"certificate:{row.code}",
                details={"user_id": user_id, "module_id": module_id, "cohort_id": cohort_id},
            )
        return _infos(session, [row], {module_id: title}, issuer)[0]


def _grading(module: Module) -> str:
    return module.quiz.settings.grading if module.quiz is not None else "highest"


def issue_certificate(
    engine: Engine,
    *,
    user_id: int,
    module: Module,
    now: datetime | None = None,
    actor_id: int | None = None,
    reissue: bool = False,
    viewer: Account | None = None,
) -> CertificateInfo:
    """The learner's attestation for ``module``, issued now if they have none (idempotent).

    Raises :class:`CertificateError`: ``not_passed`` when the learner has not passed the module,
    ``revoked`` when their attestation was revoked and ``reissue`` is False, ``unknown_user``,
    ``not_managed`` when the learner is in none of ``viewer``'s cohorts.
    ``actor_id`` (default: the learner) is recorded in the audit log.
    """
    if not sees_every_cohort(viewer):
        with db.read(engine) as session:
            if session.scalar(managed_learners(viewer).where(CohortMember.user_id == user_id).limit(1)) is None:
                raise CertificateError("not_managed")
    standing = progress.module_progress(engine, user_id).get(module.id)
    if standing is None or not standing.passed:
        raise CertificateError("not_passed")
    score = progress.recorded_score(engine, user_id, module.id, _grading(module)) or 0.0
    return _issue(
        engine, user_id=user_id, module_id=module.id, cohort_id=None, title=module.title, score=score,
        hours=module.credits_hours, now=now, actor_id=actor_id, reissue=reissue,
    )


def issue_programme_certificate(
    engine: Engine,
    *,
    user_id: int,
    cohort_id: int,
    modules: Iterable[Module],
    now: datetime | None = None,
    actor_id: int | None = None,
    reissue: bool = False,
    viewer: Account | None = None,
) -> CertificateInfo:
    """The learner's attestation for the programme of a cohort, issued now if they have none (idempotent).

    ``modules`` are the catalogue's modules (for credit hours and grading policies). Raises
    :class:`CertificateError`: ``no_modules`` (no module assigned to the cohort), ``not_member``,
    ``unknown_module`` (an assigned module is not in ``modules``), ``not_passed``, ``revoked``,
    ``unknown_user``, ``not_managed`` (``viewer`` does not manage the cohort).
    """
    with db.read(engine) as session:
        if not is_manager(session, viewer, cohort_id):
            raise CertificateError("not_managed")
    programme = next(iter(_programmes(engine, [cohort_id])), None)
    if programme is None:
        raise CertificateError("no_modules")
    with db.read(engine) as session:
        member = session.get(CohortMember, (cohort_id, user_id))
    if member is None:
        raise CertificateError("not_member")
    by_id = {module.id: module for module in modules}
    if any(module_id not in by_id for module_id in programme.module_ids):
        raise CertificateError("unknown_module")
    standing = progress.module_progress(engine, user_id)
    if not all((mp := standing.get(mid)) is not None and mp.passed for mid in programme.module_ids):
        raise CertificateError("not_passed")
    assigned = [by_id[module_id] for module_id in programme.module_ids]
    scores = [progress.recorded_score(engine, user_id, m.id, _grading(m)) or 0.0 for m in assigned]
    return _issue(
        engine, user_id=user_id, module_id=f"{PROGRAMME_PREFIX}{cohort_id}", cohort_id=cohort_id,
        title=programme.name, score=sum(scores) / len(scores), hours=sum(m.credits_hours for m in assigned),
        now=now, actor_id=actor_id, reissue=reissue,
    )


def revoke(
    engine: Engine, code: str, *, actor_id: int | None, reason: str, now: datetime | None = None,
    viewer: Account | None = None,
) -> bool:
    """Revoke an attestation with a reason (audited); False when it was already revoked.

    Raises :class:`CertificateError`: ``reason_required``, ``reason_too_long``, ``unknown_code``,
    ``not_managed`` (outside ``viewer``'s cohorts, module docstring).
    """
    reason = " ".join(reason.split())
    if not reason:
        raise CertificateError("reason_required")
    if len(reason) > MAX_REASON_LENGTH:
        raise CertificateError("reason_too_long")
    normalised = normalize_code(code)
    with db.write(engine) as session:
        row = session.scalar(select(Certificate).where(Certificate.code == normalised).with_for_update())
        if row is None:
            raise CertificateError("unknown_code")
        if not sees_every_cohort(viewer) and session.scalar(
                select(Certificate.id).where(Certificate.id == row.id, _visible_to(viewer))) is None:
            raise CertificateError("not_managed")
        if row.revoked_at is not None:
            return False
        row.revoked_at = now or db.utcnow()
        row.revoked_reason = reason
        audit(session, actor_id=actor_id, action="certificate_revoke", target=f"certificate:{row.code}",
              details={"reason": reason})
        return True


# --- verification -----------------------------------------------------------------------------------


def verify(engine: Engine, code: str, *, modules: Iterable[Module] = (), client: str | None = None,
           now: datetime | None = None) -> Verification:
    """The public answer for a typed code (see the module docstring for what each status reveals).

    With ``client`` (the browser's address), lookups are rate-limited per address before the code is
    looked up (``VERIFY_LIMIT``): guessing codes slows to a crawl, while checking real codes costs nothing.
    """
    key = f"verify:{client}" if client else None
    if key:
        with db.write(engine) as session:
            wait = rate_limits.take(session, key, VERIFY_LIMIT, now or db.utcnow())
        if wait:
            return Verification(THROTTLED, retry_after_seconds=wait)
    info = certificate(engine, code, modules=modules)
    if info is not None and key:
        with db.write(engine) as session:
            rate_limits.forgive(session, key)
    if info is None:
        return Verification(UNKNOWN)
    if info.status == ERASED:
        return Verification(ERASED)
    if info.status == REVOKED:
        return Verification(
            REVOKED, code=info.display_code, title=info.title, holder_name=info.holder_name,
            issued_at=info.issued_at, revoked_at=info.revoked_at, is_programme=info.is_programme,
        )
    return Verification(
        VALID, code=info.display_code, title=info.title, holder_name=info.holder_name, issued_at=info.issued_at,
        hours=info.hours, score=info.score, issuer=info.issuer, is_programme=info.is_programme,
    )


# --- PDF ----------------------------------------------------------------------------------------------


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code of ``data`` (error correction M, no quiet zone) as rows of dark (True) modules."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def dark_runs(matrix: Sequence[Sequence[bool]]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as ``(row, first column, length)``: one rectangle each in the PDF."""
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append((y, start, x - start))
            else:
                x += 1
    return runs


def _draw_qr(pdf: FPDF, data: str, *, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(data)
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, column, length in dark_runs(matrix):
        pdf.rect(x + column * module, y + row * module, length * module, module, style="F")
    pdf.link(x, y, size, size, data)


def certificate_pdf(info: CertificateInfo, *, verify_url: str) -> bytes:
    """The attestation as an A4 landscape PDF (French), with its code and the QR code of ``verify_url``."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title("Attestation de formation")
    pdf.set_author(info.issuer)
    pdf.set_lang("fr-FR")
    pdf.add_font("DejaVu", "", str(FONT_PATH))
    pdf.add_page()
    width, height = pdf.w, pdf.h
    navy, grey = (20, 51, 92), (90, 90, 90)

    pdf.set_draw_color(*navy)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20, style="D")
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, width - 26, height - 26, style="D")

    def line(y: float, text: str, size: float, color: tuple[int, int, int] = (0, 0, 0), height_mm: float = 0) -> None:
        pdf.set_xy(25, y)
        pdf.set_font("DejaVu", size=size)
        pdf.set_text_color(*color)
        pdf.multi_cell(width - 50, height_mm or size * 0.5, text, align="C")

    line(24, info.issuer, 13, grey)
    line(36, "Attestation de formation", 30, navy)
    line(56, "Nous attestons que", 13, grey)
    line(66, info.holder_name, 26)
    what = "a suivi avec succès le programme de formation" if info.is_programme else "a suivi avec succès le module"
    line(84, what, 13, grey)
    line(93, f"« {info.title} »", 18, navy, 9)

    details = [
        f"Date{_NBSP}: {format_date(info.issued_at)}",
        f"Score{_NBSP}: {format_score(info.score)}",
        f"Heures créditées{_NBSP}: {format_hours(info.hours)}{_NBSP}h",
        f"Délivrée par{_NBSP}: {info.issuer}",
        f"Code de vérification{_NBSP}: {info.display_code}",
    ]
    pdf.set_font("DejaVu", size=12)
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(126)
    for text in details:  # long issuers wrap instead of running into the QR code
        pdf.set_x(30)
        pdf.multi_cell(180, 7, text, new_x="LMARGIN", new_y="NEXT")

    qr_size = 42
    qr_x, qr_y = width - 30 - qr_size, 122
    _draw_qr(pdf, verify_url, x=qr_x, y=qr_y, size=qr_size)
    pdf.set_font("DejaVu", size=9)
    pdf.set_text_color(*grey)
    pdf.set_xy(25, height - 27)
    pdf.multi_cell(width - 50, 4.5, "Vérifiez l’authenticité de cette attestation en scannant le QR code ou sur"
                   f"{_NBSP}: {verify_url}", align="C")
    return bytes(pdf.output())
