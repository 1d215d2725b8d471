"""Managing endpoints (admin use cases shared by the CLI, the admin API and the admin pages).

Functions take a Session and Settings, flush but never commit: the caller owns the transaction.
Bad input raises ValidationFailed naming each field (`url`, `events`, `secret`, `site`, ...).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.errors import NotFound, ValidationFailed
from moderation.models import Site, utcnow
from moderation.settings import Settings
from moderation.webhooks import dispatch, payloads, sender, signing, ssrf
from moderation.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

log = logging.getLogger("moderation.webhooks")


def _fingerprint(settings: Settings, key: bytes) -> str:
    return hmac.new(settings.secrets.blind_index_key.encode(), b"webhook-secret|" + key, hashlib.sha256).hexdigest()


def _aad(endpoint_id: int) -> bytes:
    return b"webhook.secret|" + str(endpoint_id).encode()


def _encrypt(settings: Settings, endpoint_id: int, secret: str) -> bytes:
    return privacy.encrypt_email(settings, secret, _aad(endpoint_id))


def decrypt_secret(settings: Settings, endpoint_id: int, blob: bytes) -> str:
    """A stored `whsec_` secret in clear (only the delivery worker needs this)."""
    return privacy.decrypt_email(settings, blob, _aad(endpoint_id))


def keys_of(settings: Settings, endpoint_id: int, endpoint: Any, now: datetime | None = None) -> list[bytes]:
    """The current key, plus the previous one while a rotation's overlap lasts (endpoint: row or object)."""
    now = now or utcnow()
    keys = [signing.secret_key(decrypt_secret(settings, endpoint_id, endpoint.secret_enc))]
    until = endpoint.previous_secret_until
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=UTC)  # Core rows from SQLite come back naive
    if endpoint.previous_secret_enc and until is not None and until > now:
        keys.append(signing.secret_key(decrypt_secret(settings, endpoint_id, endpoint.previous_secret_enc)))
    return keys


def check_events(events: Iterable[str] | str | None) -> list[str]:
    """A non-empty list of known event types (a comma-separated string is accepted)."""
    if isinstance(events, str):
        events = [e.strip() for e in events.split(",") if e.strip()]
    if not events or isinstance(events, (bytes, dict)):
        raise ValueError("required: one or more of " + ", ".join(payloads.EVENT_TYPES))
    listed = list(events)
    unknown = [e for e in listed if not isinstance(e, str) or e not in payloads.EVENT_TYPES]
    if unknown:
        raise ValueError(f"unknown event type {unknown[0]!r}; known: " + ", ".join(payloads.EVENT_TYPES))
    return sorted(set(listed), key=payloads.EVENT_TYPES.index)


def _check_secret(session: Session, settings: Settings, secret: str, endpoint_id: int | None) -> tuple[bytes, str]:
    try:
        key = signing.secret_key(secret)
    except signing.BadSecret as exc:
        raise ValidationFailed("Please correct the fields listed.", {"secret": str(exc)}) from None
    fp = _fingerprint(settings, key)
    clash = session.scalars(select(WebhookEndpoint.id).where(
        (WebhookEndpoint.secret_fp == fp) | (WebhookEndpoint.previous_secret_fp == fp))).first()
    if clash is not None:
        where = "this endpoint" if clash == endpoint_id else "another endpoint"
        raise ValidationFailed("Please correct the fields listed.",
                               {"secret": f"already used by {where}; every endpoint needs its own new secret"})
    return key, fp


def _fields(session: Session, settings: Settings, url: Any = None, events: Any = None,
            site_id: Any = None) -> tuple[dict[str, str], list[str]]:
    errors: dict[str, str] = {}
    checked: list[str] = []
    if url is not None:
        try:
            ssrf.resolve(url, settings)
        except ssrf.Blocked as exc:
            errors["url"] = str(exc)
    if events is not None:
        try:
            checked = check_events(events)
        except ValueError as exc:
            errors["events"] = str(exc)
    if site_id is not None and (not isinstance(site_id, str) or session.get(Site, site_id) is None):
        errors["site"] = "no such site"
    return errors, checked


def create(session: Session, settings: Settings, site_id: str, url: str, events: Any, *,
           author_contact: bool = False, secret: str | None = None,
           description: str = "") -> tuple[WebhookEndpoint, str]:
    """A new enabled endpoint and its secret in clear (shown once, stored encrypted)."""
    errors, checked = _fields(session, settings, url=url, events=events, site_id=site_id)
    if not isinstance(description, str) or len(description) > 200:
        errors["description"] = "at most 200 characters of text"
    if errors:
        raise ValidationFailed("Please correct the fields listed.", errors)
    secret = secret or signing.generate_secret()
    _, fp = _check_secret(session, settings, secret, None)
    endpoint = WebhookEndpoint(site_id=site_id, url=url, event_types=checked, author_contact=bool(author_contact),
                               description=description, secret_fp=fp)
    session.add(endpoint)
    session.flush()  # the id is part of the secret's encryption context
    endpoint.secret_enc = _encrypt(settings, endpoint.id, secret)
    session.flush()
    return endpoint, secret


def get(session: Session, endpoint_id: int) -> WebhookEndpoint:
    """The endpoint or NotFound."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(f"No webhook endpoint {endpoint_id}.")
    return endpoint


def update_endpoint(session: Session, settings: Settings, endpoint_id: int, *, url: str | None = None,
                    events: Any = None, author_contact: bool | None = None,
                    description: str | None = None) -> WebhookEndpoint:
    """Change URL, subscriptions, author_contact or description; all checked before anything changes."""
    endpoint = get(session, endpoint_id)
    errors, checked = _fields(session, settings, url=url, events=events)
    if description is not None and (not isinstance(description, str) or len(description) > 200):
        errors["description"] = "at most 200 characters of text"
    if errors:
        raise ValidationFailed("Please correct the fields listed.", errors)
    if url is not None:
        endpoint.url = url
    if events is not None:
        endpoint.event_types = checked
    if author_contact is not None:
        endpoint.author_contact = bool(author_contact)
    if description is not None:
        endpoint.description = description
    session.flush()
    return endpoint


def rotate(session: Session, settings: Settings, endpoint_id: int, secret: str | None = None,
           overlap_hours: float | None = None) -> str:
    """A new secret; the old one keeps signing too for the overlap, so receivers can switch calmly."""
    endpoint = get(session, endpoint_id)
    secret = secret or signing.generate_secret()
    _, fp = _check_secret(session, settings, secret, endpoint.id)
    hours = settings.webhook_rotation_overlap_hours if overlap_hours is None else overlap_hours
    if hours < 0:
        raise ValidationFailed("Please correct the fields listed.", {"overlap_hours": "must be 0 or more"})
    endpoint.previous_secret_enc, endpoint.previous_secret_fp = endpoint.secret_enc, endpoint.secret_fp
    endpoint.previous_secret_until = utcnow() + timedelta(hours=hours)
    endpoint.secret_enc, endpoint.secret_fp = _encrypt(settings, endpoint.id, secret), fp
    session.flush()
    return secret


def disable(session: Session, endpoint: WebhookEndpoint, reason: str, now: datetime | None = None) -> None:
    """Stop sending to an endpoint; its pending deliveries become `failed`, kept for redelivery."""
    now = now or utcnow()
    endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = False, reason[:500], now
    log.warning("webhook endpoint %s (%s) disabled: %s", endpoint.id, endpoint.site_id, reason)
    session.execute(update(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id,
                                                  WebhookDelivery.status == "pending")
                    .values(status="failed", last_error=f"endpoint disabled: {reason}"[:500]))
    session.flush()


def enable(session: Session, endpoint_id: int) -> WebhookEndpoint:
    """Send to the endpoint again (failed messages stay failed until redelivered)."""
    endpoint = get(session, endpoint_id)
    endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at, endpoint.failing_since = True, "", None, None
    session.flush()
    return endpoint


def note_failure(session: Session, settings: Settings, endpoint_id: int, result: sender.Result,
                 now: datetime) -> bool:
    """Endpoint health after a failed attempt: 410 disables at once, so does failing for too long.

    Returns True when the endpoint was disabled just now.
    """
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not endpoint.enabled:
        return False
    if result.status == 410:
        disable(session, endpoint, "the receiver answered 410 Gone", now)
        return True
    endpoint.failing_since = endpoint.failing_since or now
    if now - endpoint.failing_since >= timedelta(hours=settings.webhook_disable_after_hours):
        since = payloads.iso(endpoint.failing_since)
        disable(session, endpoint, f"every attempt failed since {since}", now)
        return True
    return False


def redeliver(session: Session, endpoint_id: int, msg_id: str | None = None, failed: bool = False) -> int:
    """Send one message (by webhook-id) or every failed one again, same webhook-id; returns how many."""
    endpoint = get(session, endpoint_id)
    if not endpoint.enabled:
        raise ValidationFailed("Enable the endpoint first.", {"endpoint": f"disabled: {endpoint.disabled_reason}"})
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if msg_id is not None:
        query = query.join(WebhookMessage).where(WebhookMessage.msg_id == msg_id)
    elif failed:
        query = query.where(WebhookDelivery.status == "failed")
    else:
        raise ValidationFailed("Say what to redeliver.", {"message": "give a message id, or ask for all failed"})
    rows = list(session.scalars(query))
    if msg_id is not None and not rows:
        raise NotFound(f"No message {msg_id} for endpoint {endpoint_id}.")
    now = utcnow()
    for row in rows:
        if row.status == "pending" and row.lease_until is not None and row.lease_until > now:
            continue  # an attempt is running right now
        row.status, row.attempts, row.next_attempt_at, row.lease_until = "pending", 0, now, None
        row.queued_until = now + timedelta(seconds=30)
    session.flush()
    for row in rows:
        dispatch.later(session, row.id)
    return len(rows)


def create_test_delivery(session: Session, endpoint_id: int) -> int:
    """A `webhook.test` ping for one endpoint (not queued: the caller attempts it and shows the result)."""
    endpoint = get(session, endpoint_id)
    now = utcnow()
    body = payloads.event(payloads.TEST_EVENT, now, {"site": endpoint.site_id, "endpoint": endpoint.id})
    message = WebhookMessage(msg_id=signing.new_message_id(), site_id=endpoint.site_id,
                             event_type=payloads.TEST_EVENT, payload=body, created_at=now)
    session.add(message)
    session.flush()
    delivery = WebhookDelivery(message_id=message.id, endpoint_id=endpoint.id, next_attempt_at=now,
                               queued_until=now + timedelta(minutes=5), created_at=now)
    session.add(delivery)
    session.flush()
    return delivery.id


def listing(session: Session, site_id: str | None = None) -> list[WebhookEndpoint]:
    """Endpoints, oldest first, optionally of one site."""
    query = select(WebhookEndpoint).order_by(WebhookEndpoint.id)
    if site_id is not None:
        query = query.where(WebhookEndpoint.site_id == site_id)
    return list(session.scalars(query))


def rotate_stored_secrets(session: Session, settings: Settings) -> int:
    """Re-encrypt endpoint secrets under active_email_key (part of `moderation rotate-keys`)."""
    active, changed = settings.secrets.active_email_key, 0
    for endpoint in session.scalars(select(WebhookEndpoint)):
        for column in ("secret_enc", "previous_secret_enc"):
            blob = getattr(endpoint, column)
            if blob and privacy.key_id_of(blob) != active:
                setattr(endpoint, column, _encrypt(settings, endpoint.id, decrypt_secret(settings, endpoint.id, blob)))
                changed += 1
    session.flush()
    return changed
