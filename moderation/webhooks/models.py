"""Webhook tables: endpoints, messages (the outbox of events), deliveries and the attempt log."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moderation.models import Base, utcnow


class WebhookEndpoint(Base):
    """A receiver URL of one site, with its subscribed event types and its signing secret."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(String(200), default="")
    event_types: Mapped[list[Any]] = mapped_column(default=list)
    # The secret is stored encrypted (email key ring); its keyed fingerprint refuses reuse.
    secret_enc: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    secret_fp: Mapped[str] = mapped_column(String(64), unique=True)
    previous_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    previous_secret_fp: Mapped[str | None] = mapped_column(String(64), default=None)
    previous_secret_until: Mapped[datetime | None] = mapped_column(default=None)
    author_contact: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str] = mapped_column(String(500), default="")
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    # First failure since the last success; the endpoint is disabled once this is old enough.
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WebhookMessage(Base):
    """One event, written in the transaction of the change that caused it; `msg_id` is webhook-id."""

    __tablename__ = "webhook_messages"
    __table_args__ = (
        Index("ix_webhook_messages_comment", "comment_id", "event_type"),
        Index("ix_webhook_messages_related", "event_type", "related_id"),
        Index("ix_webhook_messages_created", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    msg_id: Mapped[str] = mapped_column(String(40), unique=True)
    site_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(40))
    # No foreign key: the log outlives comments that the retention purge deletes.
    comment_id: Mapped[int | None] = mapped_column(default=None)
    related_id: Mapped[int | None] = mapped_column(default=None)  # the reply of comment.replied
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)  # never holds an email
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One message to one endpoint (or, with no endpoint, one notification mail to an author)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "status"),
        Index("ix_webhook_deliveries_message", "message_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("webhook_messages.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
                                                    default=None)
    recipient_author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"), default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(default=0)  # in the current run of the schedule
    total_attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_until: Mapped[datetime | None] = mapped_column(default=None)  # sent to the broker, not yet claimed
    lease_until: Mapped[datetime | None] = mapped_column(default=None)  # an attempt is running
    last_status_code: Mapped[int | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    message: Mapped[WebhookMessage] = relationship()
    endpoint: Mapped[WebhookEndpoint | None] = relationship()


class WebhookAttempt(Base):
    """The delivery log: one row per attempt, written before the request and completed after it."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "attempt"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(16), default="sending")  # sending, succeeded, failed, interrupted
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    response_status: Mapped[int | None] = mapped_column(default=None)
    response_body: Mapped[str] = mapped_column(Text, default="")  # the first 1 KB
    duration_ms: Mapped[int | None] = mapped_column(default=None)
    error: Mapped[str] = mapped_column(String(500), default="")
