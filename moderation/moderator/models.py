"""Tables of the moderator feature: login sessions, API tokens, labels, bans and reader reports."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moderation.models import Base, utcnow


class ModeratorSession(Base):
    """A server-side login session; the cookie holds only a random id whose hash is the key."""

    __tablename__ = "moderator_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("moderators.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token for the moderation API: shown once, stored as a SHA-256 hash, revocable."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16), default="moderator")
    sites: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("moderators.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class Label(Base):
    """One final decision on a comment as training data; a later one supersedes it (current=False)."""

    __tablename__ = "labels"
    __table_args__ = (
        Index("ix_labels_comment_current", "comment_id", "current"),
        Index("ix_labels_site_created", "site_id", "created_at"),
        Index("ix_labels_site_id", "site_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    site_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="moderator")
    status: Mapped[str] = mapped_column(String(16))
    # Per head: 1 (has it), 0 (has not), NULL (the decision does not tell).
    toxicity: Mapped[int | None] = mapped_column(default=None)
    identity_hate: Mapped[int | None] = mapped_column(default=None)
    spam: Mapped[int | None] = mapped_column(default=None)
    gambling_promo: Mapped[int | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("moderators.id"), default=None)
    model_version: Mapped[str] = mapped_column(String(100), default="")
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ban(Base):
    """An author (by keyed email index) or an address range banned on a site, maybe until a time."""

    __tablename__ = "bans"
    __table_args__ = (Index("ix_bans_site_kind", "site_id", "kind", "lifted_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # "email" or "ip"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"), default=None)
    ip_range: Mapped[str] = mapped_column(String(64), default="")
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("moderators.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    until: Mapped[datetime | None] = mapped_column(default=None)
    lifted_at: Mapped[datetime | None] = mapped_column(default=None)


class Report(Base):
    """A reader's report on a comment; one per reader (cookie) and per address per comment."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("comment_id", "reader_key", name="uq_reports_comment_reader"),
        UniqueConstraint("comment_id", "ip_key", name="uq_reports_comment_ip"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    reader_key: Mapped[str] = mapped_column(String(64))
    ip_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
