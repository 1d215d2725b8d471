"""SQL tables: the system of record for sites, comments, decisions, the outbox and the audit log."""
from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware now, stored as UTC."""
    return datetime.now(UTC)


class Status(enum.StrEnum):
    """Lifecycle of a comment."""

    PENDING = "pending"
    PUBLISHED = "published"
    HELD = "held"
    SPAM = "spam"
    REJECTED = "rejected"
    DELETED = "deleted"


DECIDED = (Status.PUBLISHED, Status.HELD, Status.SPAM, Status.REJECTED)

# Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def table_of(model: type[Base]) -> Table:
    """The Core table behind a mapped class (for prebuilt hot-path statements)."""
    return cast(Table, model.__table__)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime}


class Site(Base):
    """A website whose comment form posts here."""

    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    origins: Mapped[list[Any]] = mapped_column(default=list)
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Thread(Base):
    """A page (URL or site-given id) that comments belong to."""

    __tablename__ = "threads"
    __table_args__ = (UniqueConstraint("site_id", "uri", name="uq_threads_site_uri"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    uri: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Author(Base):
    """A commenter, known only by the keyed email index; the email itself is encrypted."""

    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("site_id", "email_bidx", name="uq_authors_site_bidx"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    email_bidx: Mapped[str] = mapped_column(String(64))
    email_enc: Mapped[bytes] = mapped_column(LargeBinary)
    banned: Mapped[bool] = mapped_column(default=False)
    # A ban with an end: NULL with banned=True is permanent (moderation.moderator.bans).
    banned_until: Mapped[datetime | None] = mapped_column(default=None)
    published_count: Mapped[int] = mapped_column(default=0)
    # Set by the one-click unsubscribe link in notification mails: no more mail to this author.
    notify_off_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(Base):
    """One reply. `body` is the author's text; HTML is produced by sanitising on output."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_thread_status", "thread_id", "status"),
        Index("ix_comments_status_created", "status", "created_at"),
        # Duplicate check (same body on a thread) and flood check (same author, recent) by index.
        Index("ix_comments_thread_body", "thread_id", "body_hmac"),
        Index("ix_comments_author_created", "author_id", "created_at"),
        # The daily retention purge finds old rows it has not cleared yet (moderation.services.retention).
        Index("ix_comments_raw_purged_created", "raw_purged_at", "created_at"),
        # The moderator queue: keyset pages by (priority desc, created_at, id) within a status.
        Index("ix_comments_queue", "status", text("priority DESC"), "created_at", "id"),
        Index("ix_comments_reported", "report_count"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), default=None)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    name: Mapped[str] = mapped_column(String(245))
    website: Mapped[str] = mapped_column(String(2048), default="")
    body: Mapped[str] = mapped_column(Text)
    # Keyed HMAC of the body, for the indexed duplicate check; NULL on rows older than migration 0002.
    body_hmac: Mapped[str | None] = mapped_column(String(64), default=None)
    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING.value)
    ip_prefix: Mapped[str] = mapped_column(String(64), default="")
    signals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    edit_token_hash: Mapped[str] = mapped_column(String(128), default="")
    score_attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when the retention purge cleared ip_prefix and the personal signals.
    raw_purged_at: Mapped[datetime | None] = mapped_column(default=None)
    # Highest score of the automatic decision: the queue shows the riskiest comment first.
    priority: Mapped[float] = mapped_column(default=0.0)
    # Bumped by every decision; a moderator's action names the version it saw (optimistic concurrency).
    version: Mapped[int] = mapped_column(default=0)
    # Open reader reports (moderation.moderator.reports); cleared when a moderator decides.
    report_count: Mapped[int] = mapped_column(default=0)
    # The author ticked "notify me of replies": mail and webhooks tell them (moderation.webhooks.mail).
    notify_replies: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    thread: Mapped[Thread] = relationship()
    author: Mapped[Author] = relationship()


class Decision(Base):
    """The automatic decision for a comment: one per comment, whatever how often scoring ran."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    thresholds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model_version: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A task to publish to the broker, committed with the row it concerns (transactional outbox)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unsent", "published_at", "created_at"),
        Index("ix_outbox_comment_id", "comment_id"),  # closed by the decision transaction
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(100))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0)


class AuditEntry(Base):
    """Who changed a comment's status, when, from what, to what, and why (or did something else to it)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_moderator_created", "moderator_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    # "status" for a status change; else edit, ban, unban, reveal_email, report (moderation.moderator.audit).
    action: Mapped[str] = mapped_column(String(32), default="status")
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("moderators.id"), default=None)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Moderator(Base):
    """A person who works the queue: role `moderator` or `admin`, limited to `sites` (empty = all)."""

    __tablename__ = "moderators"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    can_reveal_email: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    role: Mapped[str] = mapped_column(String(16), default="moderator")
    sites: Mapped[list[Any]] = mapped_column(default=list)
    locale: Mapped[str] = mapped_column(String(8), default="")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)


class Lease(Base):
    """A named, expiring lock in SQL, so one maintenance job runs at a time across machines."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100), default="")
    expires_at: Mapped[datetime] = mapped_column(default=utcnow)
