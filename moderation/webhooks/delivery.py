"""Attempting a delivery: claim it, log the attempt, send, record the outcome, schedule the retry.

Every step is a short transaction of its own, and no transaction is open while the receiver is
being waited for. A claim is one conditional UPDATE (pending, due, not leased), so duplicate tasks
and redeliveries after a crash are no-ops; a worker that dies mid-attempt leaves a lease that
expires, and the sweeper sends the delivery again with the same webhook-id.
"""
from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from moderation.models import table_of, utcnow
from moderation.settings import Settings
from moderation.webhooks import dispatch, endpoints, mail, payloads, sender, signing
from moderation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookMessage

log = logging.getLogger("moderation.webhooks")

LEASE_MARGIN_SECONDS = 10.0
SWEEP_BATCH = 500

_deliveries = table_of(WebhookDelivery)
_CLAIM = (
    update(_deliveries)
    .where(_deliveries.c.id == bindparam("did"), _deliveries.c.status == "pending",
           _deliveries.c.next_attempt_at <= bindparam("due"),
           or_(_deliveries.c.lease_until.is_(None), _deliveries.c.lease_until < bindparam("now")))
    .values(lease_until=bindparam("lease"), queued_until=None, attempts=_deliveries.c.attempts + 1,
            total_attempts=_deliveries.c.total_attempts + 1, updated_at=bindparam("now"))
    .returning(_deliveries.c.total_attempts)
)


@dataclass
class Transport:
    """How attempts leave the process: HTTP for endpoints, SMTP for author mail (tests swap these)."""

    post: Callable[..., sender.Result] = sender.post
    send_mail: Callable[[Settings, Any], sender.Result] = mail.send
    rng: random.Random = field(default_factory=random.Random)


def next_delay(settings: Settings, failed_attempts: int, retry_after: float | None, rng: random.Random) -> float | None:
    """Seconds until the next attempt after `failed_attempts` failures in this run; None when exhausted."""
    schedule = settings.webhook_retry_schedule
    if failed_attempts >= len(schedule):
        return None
    jitter = settings.webhook_retry_jitter
    delay = schedule[failed_attempts] * (1 + rng.uniform(-jitter, jitter))
    if retry_after is not None:
        delay = max(delay, min(retry_after, settings.webhook_max_retry_after_seconds))
    return delay


def claim(session: Session, settings: Settings, delivery_id: int, now: datetime | None = None) -> WebhookAttempt | None:
    """Lease a due delivery and log the attempt before anything is sent (committed); None if not ours."""
    now = now or utcnow()
    lease = now + timedelta(seconds=settings.webhook_timeout_seconds + LEASE_MARGIN_SECONDS)
    number = session.execute(_CLAIM, {"did": delivery_id, "due": now + timedelta(seconds=1), "now": now,
                                      "lease": lease}).scalar_one_or_none()
    if number is None:
        session.rollback()
        return None
    # An attempt still "sending" belonged to a worker that died before it could finish it.
    session.execute(update(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id,
                                                 WebhookAttempt.outcome == "sending")
                    .values(outcome="interrupted", finished_at=now, error="the worker stopped during this attempt"))
    attempt = WebhookAttempt(delivery_id=delivery_id, attempt=number, started_at=now)
    session.add(attempt)
    session.commit()
    return attempt


def request_body(session: Session, settings: Settings, delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent: the stored payload, plus the author's email for author_contact endpoints."""
    body: dict[str, Any] = json.loads(json.dumps(delivery.message.payload))
    endpoint = delivery.endpoint
    if endpoint is not None and endpoint.author_contact and isinstance(body.get("data"), dict):
        comment = body["data"].get("comment")
        if isinstance(comment, dict) and isinstance(comment.get("id"), int):
            email = mail.author_email(session, settings, comment["id"])
            if email:
                comment["email"] = email
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def attempt(session: Session, settings: Settings, delivery_id: int, transport: Transport | None = None) -> str:
    """Make one attempt at a delivery if it is due and unclaimed; returns what happened."""
    transport = transport or Transport()
    logged = claim(session, settings, delivery_id)
    if logged is None:
        return "skipped"
    delivery = session.get(WebhookDelivery, delivery_id)
    assert delivery is not None
    endpoint = delivery.endpoint
    is_test = delivery.message.event_type == payloads.TEST_EVENT
    if delivery.endpoint_id is not None and (endpoint is None or not endpoint.enabled):
        result = sender.Result(error="endpoint disabled")
        return finish(session, settings, delivery_id, logged.id, result, final=True, rng=transport.rng)
    if endpoint is not None:
        body = request_body(session, settings, delivery)
        keys = endpoints.signing_keys(settings, endpoint)
        url, msg_id = endpoint.url, delivery.message.msg_id
        session.rollback()  # end the read transaction: nothing is held open while the receiver answers
        result = transport.post(url, body, signing.headers(keys, msg_id, sender.utc_timestamp(), body), settings)
        final = result.status == 410 or result.permanent
    else:
        prepared = mail.prepare(session, settings, delivery)
        session.rollback()
        result = transport.send_mail(settings, prepared)
        final = result.permanent
    return finish(session, settings, delivery_id, logged.id, result, final=final or is_test, rng=transport.rng)


def _text(value: str) -> str:
    """A receiver's bytes as storable text: PostgreSQL refuses NUL characters."""
    return value.replace("\x00", "\ufffd")


def finish(session: Session, settings: Settings, delivery_id: int, attempt_id: int, result: sender.Result,
           final: bool = False, rng: random.Random | None = None) -> str:
    """Record an attempt's outcome, the delivery's next state and the endpoint's health (one commit)."""
    now = utcnow()
    session.execute(update(WebhookAttempt).where(WebhookAttempt.id == attempt_id).values(
        outcome="succeeded" if result.ok else "failed", finished_at=now, response_status=result.status,
        response_body=_text(result.body[: sender.RESPONSE_BYTES].decode("utf-8", "replace")),
        duration_ms=result.duration_ms, error=_text(result.error)[:500]))
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    assert delivery is not None
    endpoint = delivery.endpoint
    delivery.lease_until = None
    delivery.last_status_code = result.status
    delivery.last_error = _text(result.error or (f"HTTP {result.status}" if not result.ok else ""))[:500]
    outcome = "delivered"
    if result.ok:
        delivery.status, delivery.delivered_at = "delivered", now
        if endpoint is not None:
            endpoint.failing_since, endpoint.last_success_at = None, now
    else:
        if endpoint is not None and endpoint.enabled:
            endpoints.note_failure(session, settings, endpoint, result, now)
            final = final or not endpoint.enabled  # 410, or failing for too long: disabled just now
        delay = None if final else next_delay(settings, delivery.attempts, result.retry_after, rng or random.Random())
        if delay is None:
            delivery.status, outcome = "failed", "failed"
        else:
            outcome = "retry"
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            if delay <= settings.visibility_timeout / 2:
                # Short waits ride on a countdown task; longer ones are sent by the sweeper when due
                # (a Redis countdown beyond the visibility timeout would be redelivered early).
                delivery.queued_until = delivery.next_attempt_at + timedelta(seconds=30)
                dispatch.later(session, delivery_id, delay)
    session.commit()
    log.info("delivery %s attempt %s: %s (%s)", delivery_id, delivery.total_attempts, outcome,
             result.status if result.status is not None else result.error[:80])
    return outcome


def sweep(session: Session, settings: Settings, enqueue: dispatch.Enqueue, now: datetime | None = None) -> int:
    """Send every due, unclaimed, not-recently-queued delivery to the queue; returns how many were sent."""
    now = now or utcnow()
    due = list(session.scalars(
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
               or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
               or_(WebhookDelivery.queued_until.is_(None), WebhookDelivery.queued_until < now))
        .order_by(WebhookDelivery.next_attempt_at).limit(SWEEP_BATCH)
    ))
    if not due:
        session.rollback()
        return 0
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id.in_(due))
                    .values(queued_until=now + timedelta(seconds=30)))
    session.commit()
    sent = 0
    for delivery_id in due:
        if not enqueue(delivery_id, 0.0):
            break
        sent += 1
    if sent:
        log.info("webhook sweep: %s deliveries sent", sent)
    return sent



def purge(session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Delete messages older than webhook_log_retention_days with nothing left to send, and their log."""
    before = (now or utcnow()) - timedelta(days=settings.webhook_log_retention_days)
    pending = exists().where(WebhookDelivery.message_id == WebhookMessage.id, WebhookDelivery.status == "pending")
    old = list(session.scalars(select(WebhookMessage.id).where(WebhookMessage.created_at < before, ~pending)
                               .limit(SWEEP_BATCH)))
    if not old:
        return 0
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.message_id.in_(old))
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.message_id.in_(old)))
    session.execute(delete(WebhookMessage).where(WebhookMessage.id.in_(old)))
    session.flush()
    return len(old)
