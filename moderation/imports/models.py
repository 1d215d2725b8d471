"""The import's own table: which comment each comment of an export became."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moderation.models import Base, utcnow


class ImportedComment(Base):
    """Which comment an export's comment became: a re-run of the same import adds nothing twice."""

    __tablename__ = "imported_comments"
    __table_args__ = (UniqueConstraint("site_id", "source", "source_id", name="uq_imported_comments_source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))  # wordpress, disqus
    source_id: Mapped[str] = mapped_column(String(100))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
