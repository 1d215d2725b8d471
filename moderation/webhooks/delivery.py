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

from sqlalchemy import bindparam, delete, exists, insert, or_, select, update
from sqlalchemy.orm import Session

from moderation.logsafe import mask_emails
from moderation.models import table_of, utcnow
from moderation.settings import Settings
from moderation.webhooks import dispatch, endpoints, mail, payloads, sender, signing
from moderation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage

log = logging.getLogger("moderation.webhooks")

LEASE_MARGIN_SECONDS = 10.0
SWEEP_BATCH = 500

_deliveries = table_of(WebhookDelivery)


@dataclass
class Transport:
    """How attempts leave the process: HTTP for endpoints, SMTP for author mail (tests swap these)."""

    post: Callable[..., sender.Result] = sender.post
    send_mail: Callable[[Settings, mail.Prepared], sender.Result] = mail.send
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


_messages, _endpoints, _attempts = table_of(WebhookMessage), table_of(WebhookEndpoint), table_of(WebhookAttempt)
_CLAIM = (
    update(_deliveries)
    .where(_deliveries.c.id == bindparam("did"), _deliveries.c.status == "pending",
           _deliveries.c.next_attempt_at <= bindparam("due"),
           or_(_deliveries.c.lease_until.is_(None), _deliveries.c.lease_until < bindparam("now")))
    .values(lease_until=bindparam("lease"), queued_until=None, attempts=_deliveries.c.attempts + 1,
            total_attempts=_deliveries.c.total_attempts + 1, updated_at=bindparam("now"))
    .returning(_deliveries.c.attempts, _deliveries.c.total_attempts, _deliveries.c.message_id,
               _deliveries.c.endpoint_id, _deliveries.c.recipient_author_id)
)
_INTERRUPTED = (
    update(_attempts)
    .where(_attempts.c.delivery_id == bindparam("did"), _attempts.c.outcome == "sending")
    .values(outcome="interrupted", finished_at=bindparam("now"), error="the worker stopped during this attempt")
)
_LOG_ATTEMPT = insert(_attempts).returning(_attempts.c.id)
_MESSAGE = select(_messages.c.msg_id, _messages.c.event_type, _messages.c.payload).where(
    _messages.c.id == bindparam("mid"))
_ENDPOINT = select(_endpoints.c.url, _endpoints.c.enabled, _endpoints.c.author_contact, _endpoints.c.secret_enc,
                   _endpoints.c.previous_secret_enc, _endpoints.c.previous_secret_until,
                   _endpoints.c.failing_since, _endpoints.c.last_success_at).where(_endpoints.c.id == bindparam("eid"))
_FINISH_ATTEMPT = update(_attempts).where(_attempts.c.id == bindparam("aid"))
_FINISH_DELIVERY = update(_deliveries).where(_deliveries.c.id == bindparam("did"))
_HEALTHY = (
    update(_endpoints).where(_endpoints.c.id == bindparam("eid"))
    .values(failing_since=None, last_success_at=bindparam("now"))
)
SUCCESS_STAMP_EVERY = timedelta(minutes=1)  # last_success_at is not rewritten on every delivery


@dataclass(frozen=True)
class Claimed:
    """A leased delivery with its attempt logged, and everything needed to send it."""

    delivery_id: int
    attempt_id: int
    attempts: int  # in the current run of the schedule, this one included
    total: int
    msg_id: str
    event_type: str
    payload: dict[str, Any]
    endpoint_id: int | None
    recipient_author_id: int | None
    endpoint: Any = None  # the endpoint's row (url, enabled, secrets, health), None for mail


def claim(session: Session, settings: Settings, delivery_id: int, now: datetime | None = None) -> Claimed | None:
    """Lease a due delivery and log the attempt before anything is sent (committed); None if not ours."""
    now = now or utcnow()
    lease = now + timedelta(seconds=settings.webhook_timeout_seconds + LEASE_MARGIN_SECONDS)
    conn = session.connection()
    row = conn.execute(_CLAIM, {"did": delivery_id, "due": now + timedelta(seconds=1), "now": now,
                                "lease": lease}).first()
    if row is None:
        session.rollback()
        return None
    attempts, total, message_id, endpoint_id, recipient = row
    if total > 1:  # an attempt still "sending" belonged to a worker that died before finishing it
        conn.execute(_INTERRUPTED, {"did": delivery_id, "now": now})
    attempt_id = conn.execute(_LOG_ATTEMPT, {"delivery_id": delivery_id, "attempt": total, "outcome": "sending",
                                             "started_at": now, "response_body": "", "error": ""}).scalar_one()
    message = conn.execute(_MESSAGE, {"mid": message_id}).one()
    endpoint = conn.execute(_ENDPOINT, {"eid": endpoint_id}).first() if endpoint_id is not None else None
    session.commit()
    return Claimed(delivery_id, attempt_id, attempts, total, message.msg_id, message.event_type,
                   dict(message.payload), endpoint_id, recipient, endpoint)


def request_body(session: Session, settings: Settings, claimed: Claimed) -> bytes:
    """The exact bytes sent: the stored payload, plus the author's email for author_contact endpoints."""
    body: dict[str, Any] = json.loads(json.dumps(claimed.payload))
    if claimed.event_type.startswith("privacy."):
        if claimed.endpoint is not None and claimed.endpoint.author_contact:
            from moderation.datarights import links

            links.enrich(session, settings, body)
            session.rollback()
    elif claimed.endpoint is not None and claimed.endpoint.author_contact and isinstance(body.get("data"), dict):
        comment = body["data"].get("comment")
        if isinstance(comment, dict) and isinstance(comment.get("id"), int):
            email = mail.author_email(session, settings, comment["id"])
            session.rollback()
            if email:
                comment["email"] = email
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def attempt(session: Session, settings: Settings, delivery_id: int, transport: Transport | None = None) -> str:
    """Make one attempt at a delivery if it is due and unclaimed; returns what happened."""
    transport = transport or Transport()
    claimed = claim(session, settings, delivery_id)
    if claimed is None:
        return "skipped"
    final = claimed.event_type == payloads.TEST_EVENT  # a ping shows its answer once, never retried
    endpoint = claimed.endpoint
    if claimed.endpoint_id is not None and (endpoint is None or not endpoint.enabled):
        result = sender.Result(error="endpoint disabled")
        final = True
    elif endpoint is not None and claimed.endpoint_id is not None:
        body = request_body(session, settings, claimed)
        keys = endpoints.keys_of(settings, claimed.endpoint_id, endpoint)
        headers = signing.headers(keys, claimed.msg_id, sender.utc_timestamp(), body)
        result = transport.post(endpoint.url, body, headers, settings)
    else:
        if claimed.event_type.startswith("privacy."):
            from moderation.datarights import mail as privacy_mail

            prepared = privacy_mail.prepare(session, settings, claimed.recipient_author_id, claimed.payload)
        else:
            prepared = mail.prepare(session, settings, claimed.recipient_author_id, claimed.payload)
        session.rollback()  # nothing is held open while the mail server answers
        result = transport.send_mail(settings, prepared)
    final = final or result.status == 410 or result.permanent
    return finish(session, settings, claimed, result, final=final, rng=transport.rng)


def _text(value: str) -> str:
    """A receiver's answer as storable text: no NUL (PostgreSQL refuses it) and no email address (a
    receiver that echoes an author_contact payload must not put the address in the log)."""
    return mask_emails(value.replace("\x00", "\ufffd"))


def finish(session: Session, settings: Settings, claimed: Claimed, result: sender.Result, final: bool = False,
           rng: random.Random | None = None) -> str:
    """Record an attempt's outcome, the delivery's next state and the endpoint's health (one commit)."""
    now = utcnow()
    conn = session.connection()
    conn.execute(_FINISH_ATTEMPT, {
        "aid": claimed.attempt_id, "outcome": "succeeded" if result.ok else "failed", "finished_at": now,
        "response_status": result.status, "duration_ms": result.duration_ms, "error": _text(result.error)[:500],
        "response_body": _text(result.body[: sender.RESPONSE_BYTES].decode("utf-8", "replace"))})
    values: dict[str, Any] = {"lease_until": None, "last_status_code": result.status, "updated_at": now,
                              "last_error": _text(result.error or ("" if result.ok else f"HTTP {result.status}"))[:500]}
    endpoint = claimed.endpoint
    if result.ok:
        outcome = "delivered"
        values.update(status="delivered", delivered_at=now)
        if endpoint is not None and (endpoint.failing_since is not None or endpoint.last_success_at is None
                                     or now - endpoint.last_success_at > SUCCESS_STAMP_EVERY):
            conn.execute(_HEALTHY, {"eid": claimed.endpoint_id, "now": now})
    else:
        if endpoint is not None and endpoint.enabled and claimed.endpoint_id is not None:
            final = endpoints.note_failure(session, settings, claimed.endpoint_id, result, now) or final
        delay = None if final else next_delay(settings, claimed.attempts, result.retry_after, rng or random.Random())
        if delay is None:
            outcome = "failed"
            values["status"] = "failed"
        else:
            outcome = "retry"
            values.update(status="pending", next_attempt_at=now + timedelta(seconds=delay))
            if delay <= settings.visibility_timeout / 2:
                # Short waits ride on a countdown task; longer ones are sent by the sweeper when due
                # (a Redis countdown beyond the visibility timeout would be redelivered early).
                values["queued_until"] = now + timedelta(seconds=delay + 30)
                dispatch.later(session, claimed.delivery_id, delay)
    conn.execute(_FINISH_DELIVERY.values(**values), {"did": claimed.delivery_id})
    session.commit()
    log.log(logging.DEBUG if result.ok else logging.INFO, "delivery %s attempt %s: %s (%s)", claimed.delivery_id,
            claimed.total, outcome, result.status if result.status is not None else result.error[:80])
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
