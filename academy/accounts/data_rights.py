"""Learners' data rights: download everything held about oneself (JSON, CSV), erasure by an admin.

Export (:func:`export_personal_data`): the account (never its password hash), roles, sign-in sessions
(times only, never token hashes), failed sign-ins with the account's email, cohort memberships with
their assignments, lesson progress, quiz attempts with their responses, review cards, evaluations,
attestations and the audit entries about the account (as actor, as target, or about its attestations).
:func:`personal_data_json` is the complete download; :func:`personal_data_csv` one flat table of
activity (one row per event) with spreadsheet formula injection neutralised.

Erasure (:func:`erase_learner`, one transaction, audited as ``user_erase`` with ids only): the account
row is kept, anonymised — name, email (``erased-<id>@invalid``), profession and RPPS replaced, password
hash made unusable, roles removed, ``erased_at`` set — so that the statistics built on it stay right
without identifying anyone. Sessions are revoked; review cards, failed sign-ins and evaluation comments
are deleted (evaluation ratings stay); lesson progress, attempts, responses and cohort memberships stay
(aggregate statistics). Attestations keep their code, module, score and hours but lose their holder
(``user_id`` NULL, empty ``holder_name``), so verification answers "erased". Audit targets naming the
old email are rewritten. The last administrator cannot be erased; an erased account cannot sign in.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.orm import Session

from academy.store import db
from academy.store.audit import audit
from academy.store.models import (
    AccountToken,
    Assignment,
    Attempt,
    AuditEntry,
    AuthSession,
    Certificate,
    Cohort,
    CohortMember,
    Evaluation,
    LessonProgress,
    MailMessage,
    RateLimit,
    Response,
    ReviewCard,
    User,
    UserRole,
)

ERASED_NAME = "Compte effacé"
UNUSABLE_PASSWORD_HASH = "!erased"  # not an argon2 hash: every verification fails
CSV_COLUMNS = ("at", "activity", "module_id", "item", "value", "detail")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ErasureError(Exception):
    """Erasure refused; ``reason``: ``unknown_account``, ``already_erased`` or ``last_admin``."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def erased_email(user_id: int) -> str:
    """The placeholder email of an erased account."""
    return f"erased-{user_id}@invalid"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- export -------------------------------------------------------------------------------------------


def _attempts(session: Session, user_id: int) -> list[dict[str, Any]]:
    attempts = session.scalars(select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.started_at,
                                                                                          Attempt.id)).all()
    responses: dict[int, list[dict[str, Any]]] = {}
    if attempts:
        rows = session.scalars(
            select(Response).where(Response.attempt_id.in_([a.id for a in attempts])).order_by(Response.id)
        )
        for r in rows:
            responses.setdefault(r.attempt_id, []).append({
                "question_id": r.question_id,
                "question_hash": r.question_hash,
                "answer": r.answer,
                "fraction": r.fraction,
                "certainty": r.certainty,
                "answered_at": _iso(r.answered_at),
            })
    return [
        {
            "id": a.id,
            "module_id": a.module_id,
            "kind": a.kind,
            "quiz_hash": a.quiz_hash,
            "started_at": _iso(a.started_at),
            "updated_at": _iso(a.updated_at),
            "deadline": _iso(a.deadline),
            "submitted_at": _iso(a.submitted_at),
            "score": a.score,
            "points": a.points,
            "max_points": a.max_points,
            "passed": a.passed,
            "certainty_score": a.certainty_score,
            "layout": a.layout,
            "saved_answers": a.answers,
            "certainties": a.certainties,
            "locked": a.locked,
            "responses": responses.get(a.id, []),
        }
        for a in attempts
    ]


def _cohorts(session: Session, user_id: int) -> list[dict[str, Any]]:
    memberships = session.execute(
        select(Cohort.id, Cohort.name, CohortMember.added_at)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id)
        .order_by(CohortMember.added_at, Cohort.id)
    ).all()
    assignments: dict[int, list[dict[str, Any]]] = {}
    if memberships:
        for a in session.scalars(select(Assignment).where(Assignment.cohort_id.in_([m.id for m in memberships]))
                                 .order_by(Assignment.module_id)):
            assignments.setdefault(a.cohort_id, []).append({"module_id": a.module_id, "due_date": _iso(a.due_date)})
    return [
        {"cohort_id": m.id, "name": m.name, "added_at": _iso(m.added_at), "assignments": assignments.get(m.id, [])}
        for m in memberships
    ]


def _throttle(row: RateLimit | None) -> dict[str, Any] | None:
    """Recent failed sign-ins on the account's address (what throttling keeps), or None."""
    if row is None or not row.failures:
        return None
    return {"failures": row.failures, "last_failure_at": _iso(row.last_failure_at),
            "blocked_until": _iso(row.blocked_until)}


def export_personal_data(engine: Engine, user_id: int) -> dict[str, Any]:
    """Everything stored about an account, as JSON-ready values (ISO dates); LookupError when unknown."""
    with db.read(engine) as session:
        user = session.get(User, user_id)
        if user is None:
            raise LookupError(f"no account {user_id}")
        certificates = session.scalars(
            select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.issued_at, Certificate.id)
        ).all()
        about = [AuditEntry.actor_id == user_id, AuditEntry.target.in_([f"user:{user_id}", f"email:{user.email}"])]
        if certificates:
            about.append(AuditEntry.target.in_([f"certificate:{c.code}" for c in certificates]))
        return {
            "generated_at": _iso(db.utcnow()),
            "account": {
                "id": user.id,
                "email": user.email,
                "name": user.name,
                "profession": user.profession,
                "rpps": user.rpps,
                "locale": user.locale,
                "created_at": _iso(user.created_at),
                "erased_at": _iso(user.erased_at),
            },
            "roles": sorted(r.role for r in user.roles),
            "sessions": [
                {
                    "id": s.id,
                    "created_at": _iso(s.created_at),
                    "expires_at": _iso(s.expires_at),
                    "revoked_at": _iso(s.revoked_at),
                    "last_seen_at": _iso(s.last_seen_at),
                }
                for s in session.scalars(
                    select(AuthSession).where(AuthSession.user_id == user_id).order_by(AuthSession.created_at,
                                                                                       AuthSession.id)
                )
            ],
            "sign_in_throttle": _throttle(session.get(RateLimit, f"account:{user.email}")),
            "cohorts": _cohorts(session, user_id),
            "lesson_progress": [
                {
                    "module_id": p.module_id,
                    "lesson_id": p.lesson_id,
                    "first_viewed_at": _iso(p.first_viewed_at),
                    "last_viewed_at": _iso(p.last_viewed_at),
                    "completed_at": _iso(p.completed_at),
                    "seconds_spent": p.seconds_spent,
                }
                for p in session.scalars(
                    select(LessonProgress).where(LessonProgress.user_id == user_id)
                    .order_by(LessonProgress.first_viewed_at, LessonProgress.id)
                )
            ],
            "attempts": _attempts(session, user_id),
            "review_cards": [
                {
                    "module_id": c.module_id,
                    "question_id": c.question_id,
                    "question_hash": c.question_hash,
                    "state": c.state,
                    "due_at": _iso(c.due_at),
                    "last_review_at": _iso(c.last_review_at),
                }
                for c in session.scalars(
                    select(ReviewCard).where(ReviewCard.user_id == user_id).order_by(ReviewCard.id)
                )
            ],
            "evaluations": [
                {"module_id": e.module_id, "answers": e.answers, "comment": e.comment, "created_at": _iso(e.created_at)}
                for e in session.scalars(
                    select(Evaluation).where(Evaluation.user_id == user_id).order_by(Evaluation.created_at,
                                                                                     Evaluation.id)
                )
            ],
            "certificates": [
                {
                    "code": c.code,
                    "module_id": c.module_id,
                    "cohort_id": c.cohort_id,
                    "holder_name": c.holder_name,
                    "score": c.score,
                    "hours": c.hours,
                    "issued_at": _iso(c.issued_at),
                    "revoked_at": _iso(c.revoked_at),
                    "revoked_reason": c.revoked_reason,
                }
                for c in certificates
            ],
            "audit_log": [
                {"at": _iso(e.at), "actor_id": e.actor_id, "action": e.action, "target": e.target,
                 "details": e.details}
                for e in session.scalars(select(AuditEntry).where(or_(*about)).order_by(AuditEntry.at, AuditEntry.id))
            ],
        }


def personal_data_json(data: dict[str, Any]) -> bytes:
    """The complete export as UTF-8 JSON (indented, accents kept)."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def neutralise(value: Any) -> Any:
    """A CSV cell safe for spreadsheets: text starting with = + - @ tab or CR gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _compact(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def activity_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The export as one flat table of events (``CSV_COLUMNS``), in time order."""
    rows: list[dict[str, Any]] = []

    def add(at: str | None, activity: str, module_id: str = "", item: Any = "", value: Any = "",
            detail: Any = "") -> None:
        rows.append({"at": at or "", "activity": activity, "module_id": module_id, "item": item, "value": value,
                     "detail": detail})

    account = data["account"]
    add(account["created_at"], "account_created", item=account["email"],
        detail=_compact({k: account[k] for k in ("name", "profession", "rpps", "locale")}))
    for s in data["sessions"]:
        add(s["created_at"], "session", item=s["id"], detail=_compact({k: s[k] for k in ("expires_at", "revoked_at")}))
    if throttle := data["sign_in_throttle"]:
        add(throttle["last_failure_at"], "sign_in_failures", value=throttle["failures"])
    for c in data["cohorts"]:
        add(c["added_at"], "cohort_joined", item=c["name"], detail=_compact(c["assignments"]))
    for p in data["lesson_progress"]:
        add(p["first_viewed_at"], "lesson_viewed", p["module_id"], p["lesson_id"], p["seconds_spent"])
        if p["completed_at"]:
            add(p["completed_at"], "lesson_completed", p["module_id"], p["lesson_id"])
    for a in data["attempts"]:
        add(a["started_at"], f"attempt_started_{a['kind']}", a["module_id"], a["id"])
        if a["submitted_at"]:
            add(a["submitted_at"], f"attempt_submitted_{a['kind']}", a["module_id"], a["id"], a["score"],
                _compact({"passed": a["passed"], "certainty_score": a["certainty_score"]}))
        for r in a["responses"]:
            add(r["answered_at"] or a["submitted_at"], "response", a["module_id"], r["question_id"], r["fraction"],
                _compact(r["answer"]))
    for c in data["review_cards"]:
        add(c["last_review_at"] or c["due_at"], "review_card", c["module_id"], c["question_id"],
            detail=_compact({"due_at": c["due_at"]}))
    for e in data["evaluations"]:
        add(e["created_at"], "evaluation", e["module_id"], detail=_compact({"answers": e["answers"],
                                                                           "comment": e["comment"]}))
    for c in data["certificates"]:
        add(c["issued_at"], "certificate_issued", c["module_id"], c["code"], c["score"],
            _compact({"hours": c["hours"], "revoked_at": c["revoked_at"], "revoked_reason": c["revoked_reason"]}))
    for e in data["audit_log"]:
        add(e["at"], f"audit_{e['action']}", item=e["target"], detail=_compact(e["details"]))
    rows.sort(key=lambda row: row["at"])
    return rows


def personal_data_csv(data: dict[str, Any]) -> bytes:
    """The activity table as CSV (UTF-8 with BOM, for spreadsheets), formula injection neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in activity_rows(data):
        writer.writerow({key: neutralise(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def record_export(engine: Engine, user_id: int, *, actor_id: int | None, fmt: str) -> None:
    """Audit a download of an account's personal data (``personal_data_export``)."""
    with db.write(engine) as session:
        audit(session, actor_id=actor_id, action="personal_data_export", target=f"user:{user_id}",
              details={"format": fmt})


# --- erasure ------------------------------------------------------------------------------------------


def erase_learner(engine: Engine, user_id: int, *, actor_id: int | None, now: datetime | None = None) -> None:
    """Erase an account's personal data in one transaction (see the module docstring); audited.

    Raises :class:`ErasureError`: ``unknown_account``, ``already_erased``, ``last_admin``.
    """
    now = now or db.utcnow()
    with db.write(engine) as session:
        user = session.scalar(select(User).where(User.id == user_id).with_for_update())
        if user is None:
            raise ErasureError("unknown_account")
        if user.erased_at is not None:
            raise ErasureError("already_erased")
        if any(r.role == "admin" for r in user.roles):
            admins = session.scalars(
                select(UserRole.user_id)
                .join(User, User.id == UserRole.user_id)
                .where(UserRole.role == "admin", User.erased_at.is_(None))
                .with_for_update()
            ).all()
            if len(admins) <= 1:
                raise ErasureError("last_admin")
        old_email, new_email = user.email, erased_email(user_id)
        user.email = new_email
        user.name = ERASED_NAME
        user.profession = ""
        user.rpps = None
        user.password_hash = UNUSABLE_PASSWORD_HASH
        user.erased_at = now
        user.roles = []
        sessions = session.execute(
            update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
        session.execute(delete(RateLimit).where(RateLimit.key == f"account:{old_email}"))
        session.execute(delete(AccountToken).where(AccountToken.user_id == user_id))
        session.execute(delete(MailMessage).where(MailMessage.user_id == user_id))  # queued mails carry the address
        cards = session.execute(delete(ReviewCard).where(ReviewCard.user_id == user_id)).rowcount
        session.execute(update(Evaluation).where(Evaluation.user_id == user_id).values(comment=""))
        certificates = session.execute(
            update(Certificate).where(Certificate.user_id == user_id).values(holder_name="", user_id=None)
        ).rowcount
        session.execute(
            update(AuditEntry).where(AuditEntry.target == f"email:{old_email}").values(target=f"email:{new_email}")
        )
        audit(session, actor_id=actor_id, action="user_erase", target=f"user:{user_id}", at=now,
              details={"sessions_revoked": sessions, "review_cards_deleted": cards,
                       "certificates_anonymised": certificates})
