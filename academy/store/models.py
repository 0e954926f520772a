"""The progress store's tables (SQLAlchemy 2 typed ORM).

The schema is created and evolved by Alembic (``migrations/``), never by ``create_all``: a change here
needs a new migration. Timestamps are timezone-aware UTC (:class:`UTCDateTime`); JSON columns are JSON
on SQLite and JSONB on PostgreSQL. The curriculum's files and versions live in the ``content_*`` tables
(``academy.content.repository``); progress rows name modules, lessons and questions by their stable
string ids, not by foreign keys, so a new version of a module never rewrites anyone's history.

Per-user rows cascade when a user row is deleted; certificates and the audit log keep their rows
(``SET NULL``) because they are records of what happened. Erasure normally anonymises the user row
(``erased_at``) rather than deleting it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

EMAIL_LENGTH = 254
ID_LENGTH = 100  # module, lesson and question ids
HASH_LENGTH = 64  # hex SHA-256
ATTEMPT_KINDS = ("pre", "post", "review")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    Naive datetimes are refused. SQLite has no time zone type: values are stored as naive UTC (so
    they still sort as text) and read back as aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: use timezone-aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def json_type() -> JSON:
    """JSON on SQLite, JSONB on PostgreSQL; Python None is stored as SQL NULL."""
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")  # type: ignore[return-value]


class Base(DeclarativeBase):
    """Declarative base with a naming convention (stable constraint names for migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: json_type()}


# --- accounts -------------------------------------------------------------------------------------


class User(Base):
    """An account. ``email`` is stored lowercased; ``erased_at`` marks an anonymised account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[str] = mapped_column(String(100), default="", server_default="")
    rpps: Mapped[str | None] = mapped_column(String(11))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="fr", server_default="fr")
    created_at: Mapped[datetime]
    erased_at: Mapped[datetime | None]

    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan", lazy="selectin")


class UserRole(Base):
    """One role of a user (learner, trainer, coordinator, admin)."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="roles")


class AuthSession(Base):
    """A sign-in session: only the SHA-256 of the browser's token is stored."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]


class ExternalIdentity(Base):
    """An identity at an OpenID Connect provider (issuer + subject) linked to a local account."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    linked_at: Mapped[datetime]


class SignInTicket(Base):
    """A one-time, 30-second ticket that a browser exchanges at ``/auth/session`` for its HttpOnly cookie.

    ``sealed_token`` is the session token XOR-ed with a pad derived from the ticket, which is never stored:
    only the browser holding the ticket can recover the token, once, before the ticket expires.
    """

    __tablename__ = "sign_in_tickets"

    ticket_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True)
    sealed_token: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RateLimit(Base):
    """Failures counted against one key (``account:<email>``, ``client:<address>``, ``verify:<address>``).

    Read and written under a row lock in one write transaction (see academy.store.rate_limits), so parallel
    tries are each counted.
    """

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failure_at: Mapped[datetime | None]
    blocked_until: Mapped[datetime | None]


class Setting(Base):
    """A platform setting (e.g. ``self_signup``), value as JSON."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(json_type(), nullable=True)
    updated_at: Mapped[datetime]


class AccountToken(Base):
    """A single-use link token (invitation, password reset) or a reminder unsubscribe token.

    Only the SHA-256 of the token is stored. ``used_at`` marks a consumed token, ``revoked_at`` one replaced
    by a newer token of the same purpose (or invalidated when a password was set).
    """

    __tablename__ = "account_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('invitation', 'reset', 'unsubscribe')", name="purpose"),
        Index("ix_account_tokens_user_id_purpose", "user_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class MailMessage(Base):
    """A message of the durable outbox (``academy.accounts.mail``).

    ``status``: ``pending`` (waiting for ``next_attempt_at``), ``sending`` (claimed by the sender whose
    ``claim`` it holds), ``sent`` or ``failed`` (gave up). Sent and failed rows keep no body: the bodies
    carry sign-in links.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]]
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


# --- cohorts --------------------------------------------------------------------------------------


class Cohort(Base):
    """A group of learners followed by a coordinator."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CohortManager(Base):
    """A coordinator who manages a cohort: its creator, and co-managers added by a manager or an admin.

    Coordinators see, export and attest only the cohorts they manage (and their members); admins see all.
    """

    __tablename__ = "cohort_managers"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime]
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CohortMember(Base):
    """Membership of a user in a cohort (one row per pair)."""

    __tablename__ = "cohort_members"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime]


class Assignment(Base):
    """A module assigned to a cohort, with an optional due date."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("cohort_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ReminderSent(Base):
    """A due-date reminder included in a digest mail: at most one row per learner, module, due date and kind.

    ``kind``: ``week_before``, ``due_today`` or ``overdue_<n>`` (the n-th week after the due date).
    """

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "due_date", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    due_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime]


class ReminderOptOut(Base):
    """A learner who unsubscribed from due-date reminders."""

    __tablename__ = "reminder_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime]


# --- learning -------------------------------------------------------------------------------------


class LessonProgress(Base):
    """A learner's progress on one lesson."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    lesson_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    first_viewed_at: Mapped[datetime]
    last_viewed_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Attempt(Base):
    """A quiz attempt (pre-test, certifying quiz or review session).

    ``layout`` fixes what the learner sees: ``{"questions": [ids], "options": {id: [option ids]}}``.
    ``answers`` holds the autosaved answers ``{id: {"response": …, "saved_at": iso}}``,
    ``certainties`` ``{id: 1|2|3}``, ``locked`` the ids of case questions the learner moved past.
    ``score`` is a fraction 0..1 of ``max_points``.
    """

    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint("kind IN ('pre', 'post', 'review')", name="kind"),
        # Also serves the rollup's "first pre-test / latest certifying attempt" lookups (ordered by submission).
        Index("ix_attempts_user_id_module_id_kind_submitted_at", "user_id", "module_id", "kind", "submitted_at"),
        Index("ix_attempts_module_id_submitted_at", "module_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(10))
    start_token: Mapped[str] = mapped_column(String(100), unique=True)
    quiz_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    layout: Mapped[dict[str, Any]]
    answers: Mapped[dict[str, Any]]
    certainties: Mapped[dict[str, Any]]
    locked: Mapped[list[str]] = mapped_column(json_type())
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    score: Mapped[float | None] = mapped_column(Float)
    points: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]
    certainty_score: Mapped[float | None] = mapped_column(Float)


class Response(Base):
    """The graded answer to one question of a submitted attempt, with the question's content hash."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    question_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    answer: Mapped[Any] = mapped_column(json_type(), nullable=True)
    fraction: Mapped[float] = mapped_column(Float)
    certainty: Mapped[int | None] = mapped_column(SmallInteger)
    answered_at: Mapped[datetime | None]


class LearnerModuleStats(Base):
    """A learner's progress on one module, rolled up from lessons, attempts and responses.

    Maintained in the same transaction as every write of those tables and rebuilt on demand: column
    definitions in :mod:`academy.store.rollup`. The dashboard and the progress pages read it instead of the
    raw rows. It holds no personal data beyond the user id, so erasure keeps it.
    """

    __tablename__ = "learner_module_stats"

    # Every read names the learners (a cohort, a chunk of an export, one learner): the primary key serves
    # them all; an index on module_id alone made SQLite pick it and fetch each row by rowid (35 % slower).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    lessons_viewed: Mapped[int] = mapped_column(Integer)
    lessons_completed: Mapped[int] = mapped_column(Integer)
    seconds_spent: Mapped[int] = mapped_column(Integer)
    first_activity_at: Mapped[datetime]
    last_activity_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)  # submitted certifying attempts
    best_score: Mapped[float | None] = mapped_column(Float)
    first_score: Mapped[float | None] = mapped_column(Float)  # earliest submission
    last_score: Mapped[float | None] = mapped_column(Float)
    score_sum: Mapped[float] = mapped_column(Float)  # of the submitted certifying attempts (average = sum / attempts)
    first_passed_at: Mapped[datetime | None]
    last_submitted_at: Mapped[datetime | None]  # latest certifying submission (the one last_score and the gain use)
    gain_items: Mapped[int] = mapped_column(Integer)  # questions paired between pre-test and certifying attempt
    gain_pre_sum: Mapped[float] = mapped_column(Float)
    gain_post_sum: Mapped[float] = mapped_column(Float)


class ReviewCard(Base):
    """Spaced-repetition state of one question for one learner (FSRS card as JSON)."""

    __tablename__ = "review_cards"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id", "question_id"),
        Index("ix_review_cards_user_id_due_at", "user_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    question_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    question_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    state: Mapped[dict[str, Any]]
    due_at: Mapped[datetime]
    last_review_at: Mapped[datetime | None]


class Evaluation(Base):
    """A satisfaction survey filled in by a learner for a module."""

    __tablename__ = "evaluations"
    __table_args__ = (Index("ix_evaluations_user_id_module_id", "user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    answers: Mapped[dict[str, Any]]
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime]


class Certificate(Base):
    """An issued attestation, verifiable by its code; kept (without user) after erasure."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    holder_name: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(Float)
    hours: Mapped[float] = mapped_column(Float)
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)


# --- curriculum content (academy.content.repository) ------------------------------------------------

CONTENT_STATUSES = ("draft", "published", "superseded", "discarded")
CONTENT_ACTIONS = ("import", "save", "upload", "restore")
FOLDER_LENGTH = 120
PATH_LENGTH = 300


class ContentState(Base):
    """The content store's one row (id 1): its identity and the serials that key every copy of the curriculum.

    ``published_serial`` grows by one at every change of the published curriculum, ``working_serial`` at
    every change of any module's newest version (drafts included). Every content write locks this row first,
    so content writes are serialised on every backend; the app reads it once per page run to know whether
    its cached curriculum is current.
    """

    __tablename__ = "content_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    store_id: Mapped[str] = mapped_column(String(32))  # random: keys the copies materialised on disk
    published_serial: Mapped[int] = mapped_column(Integer)
    working_serial: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class ContentBlob(Base):
    """The bytes of a content file, stored once per distinct content (an image shared by versions is one row)."""

    __tablename__ = "content_blobs"

    sha256: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ContentVersion(Base):
    """One version of a module folder: the whole folder's files (``content_files``), who made it and why.

    ``folder`` is the module folder name ``NN-slug`` ("" holds the plain files at the top of the content
    folder). ``base_version_id`` is the version it was made from (optimistic concurrency: a save names it).
    ``status``: draft (seen only in the Studio), published (what learners get), superseded (was published or
    drafted, then replaced by a later publication), discarded (a draft thrown away).
    """

    __tablename__ = "content_versions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'superseded', 'discarded')", name="status"),
        CheckConstraint("action IN ('import', 'save', 'upload', 'restore')", name="action"),
        Index("ix_content_versions_folder_id", "folder", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    folder: Mapped[str] = mapped_column(String(FOLDER_LENGTH))
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("content_versions.id"))
    source_version_id: Mapped[int | None] = mapped_column(ForeignKey("content_versions.id"))  # what a restore copied
    status: Mapped[str] = mapped_column(String(12))
    action: Mapped[str] = mapped_column(String(12))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    published_at: Mapped[datetime | None]
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ContentFile(Base):
    """One file of a content version: its path inside the module folder (with /) and its blob."""

    __tablename__ = "content_files"

    version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(String(PATH_LENGTH), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("content_blobs.sha256"))


class ContentModule(Base):
    """A module folder of the curriculum: its newest version (what the Studio edits) and its published one.

    ``head_version_id`` is the newest version that is not discarded: a draft, or the published version when
    there is no draft. ``published_version_id`` is None until the module is first published.
    """

    __tablename__ = "content_modules"

    folder: Mapped[str] = mapped_column(String(FOLDER_LENGTH), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    head_version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id"))
    published_version_id: Mapped[int | None] = mapped_column(ForeignKey("content_versions.id"))


class AuditEntry(Base):
    """One audited event: sign-ins, role changes, exports, erasures…"""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(50), index=True)
    target: Mapped[str] = mapped_column(String(300), default="", server_default="")
    details: Mapped[dict[str, Any]]


class XapiOutbox(Base):
    """An event waiting to be sent to the LRS as xAPI statements (or sent, or dropped), see :mod:`academy.store.outbox`.

    It names an immutable fact by its source row (``lesson_viewed`` / ``lesson_completed``: a lesson_progress id,
    ``attempt_submitted``: an attempts id), never a copy of the statements: they are rebuilt from the source rows at
    each try (the same ids, so an LRS stores them once), and an erased account's events are dropped unsent.
    """

    __tablename__ = "xapi_outbox"
    __table_args__ = (
        UniqueConstraint("event", "source_id"),
        CheckConstraint("status IN ('pending', 'sent', 'dropped')", name="status"),
        Index("ix_xapi_outbox_status_next_try_at", "status", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_try_at: Mapped[datetime | None]  # None: due at once (never tried nor leased)
    last_tried_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]  # sent or dropped
    statements: Mapped[int | None] = mapped_column(Integer)  # how many were sent
