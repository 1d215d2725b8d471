"""Tables of the data-rights feature: requests (the links), the privacy log, the rotation cursor."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from moderation.models import Base, utcnow


class PrivacyRequest(Base):
    """A guest's export or erasure request; its link is an HMAC over this row, never stored."""

    __tablename__ = "privacy_requests"
    __table_args__ = (Index("ix_privacy_requests_created", "created_at"),
                      Index("ix_privacy_requests_author", "author_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64))
    # No foreign key: the request is deleted with the author's data, and by the purge.
    author_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(8))  # export, erase
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class PrivacyLogEntry(Base):
    """Audit of exports and erasures; an erasure keeps a keyed tag of the email, never the email or index."""

    __tablename__ = "privacy_log"
    __table_args__ = (Index("ix_privacy_log_site_tag", "site_id", "tag"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # export, erase, reapply
    tag: Mapped[str | None] = mapped_column(String(64), default=None)
    mode: Mapped[str] = mapped_column(String(16), default="")
    actor: Mapped[str] = mapped_column(String(100))  # cli, guest, moderator:<name>
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("moderators.id"), default=None)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KeyRotation(Base):
    """Where `moderation rotate-keys` stopped: authors with id <= cursor are done for `target`."""

    __tablename__ = "key_rotations"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    target: Mapped[str] = mapped_column(String(200))
    cursor: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
