"""Retention of the privacy-related rows: the webhook and mail delivery log, reader reports, export links.

Each has its own period (settings): webhook messages with nothing left to send and their delivery
and attempt log (mail deliveries included) after `webhook_log_retention_days`; resolved reader
reports after `privacy.report_retention_days`; export and erasure requests (so their links) after
`privacy.request_retention_days`. A row exactly at the cutoff stays; one a moment older goes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, select
from sqlalchemy.orm import Session

from moderation.datarights.models import PrivacyRequest
from moderation.moderator.models import Report
from moderation.settings import Settings
from moderation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookMessage

BATCH = 500


@dataclass
class Cutoffs:
    """Rows created before these instants are past their period."""

    messages: datetime
    reports: datetime
    requests: datetime


def cutoffs(settings: Settings, now: datetime) -> Cutoffs:
    """Each period from the settings."""
    return Cutoffs(messages=now - timedelta(days=settings.webhook_log_retention_days),
                   reports=now - timedelta(days=settings.privacy.report_retention_days),
                   requests=now - timedelta(days=settings.privacy.request_retention_days))


def _messages_due(before: datetime) -> list[ColumnElement[bool]]:
    pending = exists().where(WebhookDelivery.message_id == WebhookMessage.id, WebhookDelivery.status == "pending")
    return [WebhookMessage.created_at < before, ~pending]


def _reports_due(before: datetime) -> list[ColumnElement[bool]]:
    # An open report still counts towards its comment's threshold: only resolved ones go.
    return [Report.created_at < before, Report.resolved_at.is_not(None)]


def _requests_due(before: datetime) -> list[ColumnElement[bool]]:
    return [PrivacyRequest.created_at < before]


def count(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """What a purge at `now` would delete (the dry run)."""
    cut = cutoffs(settings, now)

    def n(model: Any, where: list[ColumnElement[bool]]) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    return {"webhook_messages": n(WebhookMessage, _messages_due(cut.messages)),
            "reports": n(Report, _reports_due(cut.reports)),
            "privacy_requests": n(PrivacyRequest, _requests_due(cut.requests))}


def purge(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Delete what is due, in committed batches; idempotent."""
    cut = cutoffs(settings, now)
    done = {"webhook_messages": 0, "reports": 0, "privacy_requests": 0}
    while ids := list(session.scalars(select(WebhookMessage.id).where(*_messages_due(cut.messages)).limit(BATCH))):
        deliveries = select(WebhookDelivery.id).where(WebhookDelivery.message_id.in_(ids))
        session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
        session.execute(delete(WebhookDelivery).where(WebhookDelivery.message_id.in_(ids)))
        session.execute(delete(WebhookMessage).where(WebhookMessage.id.in_(ids)))
        session.commit()
        done["webhook_messages"] += len(ids)
    for key, model, where in (("reports", Report, _reports_due(cut.reports)),
                              ("privacy_requests", PrivacyRequest, _requests_due(cut.requests))):
        while ids := list(session.scalars(select(model.id).where(*where).limit(BATCH))):
            session.execute(delete(model).where(model.id.in_(ids)))
            session.commit()
            done[key] += len(ids)
    return done
