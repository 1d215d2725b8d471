"""What admins see of endpoints and their delivery log (the CLI, the admin API and the admin pages)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage
from moderation.webhooks.payloads import iso


def summary(endpoint: WebhookEndpoint, counts: dict[str, int] | None = None) -> dict[str, Any]:
    """What admins see of an endpoint (never the secret)."""
    return {
        "id": endpoint.id, "site": endpoint.site_id, "url": endpoint.url, "description": endpoint.description,
        "events": list(endpoint.event_types or []), "author_contact": endpoint.author_contact,
        "enabled": endpoint.enabled, "disabled_reason": endpoint.disabled_reason or None,
        "disabled_at": iso(endpoint.disabled_at), "failing_since": iso(endpoint.failing_since),
        "last_success_at": iso(endpoint.last_success_at),
        "rotation_overlap_until": iso(endpoint.previous_secret_until),
        "created_at": iso(endpoint.created_at), "deliveries": counts or {},
    }


def delivery_counts(session: Session, endpoint_id: int) -> dict[str, int]:
    """How many deliveries of the endpoint are pending, delivered and failed."""
    rows = session.execute(select(WebhookDelivery.status, func.count())
                           .where(WebhookDelivery.endpoint_id == endpoint_id).group_by(WebhookDelivery.status))
    return {str(status): int(count) for status, count in rows}


def attempt_log(session: Session, endpoint_id: int, limit: int = 50,
                only: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The newest attempts of an endpoint: event, webhook-id, attempt, time, status, body, duration, error."""
    query = (select(WebhookAttempt, WebhookDelivery, WebhookMessage)
             .join(WebhookDelivery, WebhookAttempt.delivery_id == WebhookDelivery.id)
             .join(WebhookMessage, WebhookDelivery.message_id == WebhookMessage.id)
             .where(WebhookDelivery.endpoint_id == endpoint_id)
             .order_by(WebhookAttempt.id.desc()).limit(limit))
    if only:
        query = query.where(WebhookDelivery.status.in_(list(only)))
    return [{
        "event": message.event_type, "message": message.msg_id, "comment": message.comment_id,
        "attempt": attempt.attempt, "started_at": iso(attempt.started_at),
        "outcome": attempt.outcome, "response_status": attempt.response_status,
        "response_body": attempt.response_body, "duration_ms": attempt.duration_ms, "error": attempt.error,
        "delivery_status": delivery.status,
    } for attempt, delivery, message in session.execute(query)]
