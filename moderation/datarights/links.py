"""Guest requests: a signed, expiring link for export or erasure, to author_contact endpoints and by mail.

The link is `<request id>.<expiry, unix seconds>.<HMAC>`: the HMAC (secret_key) binds the id, the
kind and the expiry, so a changed character or a later expiry fails; the row must still exist (the
purge and an erasure delete it) and an erasure link works once. The link and the email are added
to the webhook body in the delivery worker, for author_contact endpoints only, and never stored; with
notifications.smtp_host set the service also mails the link itself (moderation.datarights.mail).
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.datarights.lookup import check_email, check_site, find_author
from moderation.datarights.models import PrivacyRequest
from moderation.errors import APIError
from moderation.models import Author, utcnow
from moderation.settings import Settings
from moderation.webhooks import dispatch, payloads, signing
from moderation.webhooks.mail import base_url
from moderation.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

Kind = Literal["export", "erase"]
EVENTS: dict[str, str] = {"export": "privacy.export_requested", "erase": "privacy.erasure_requested"}


class InvalidLink(APIError):
    status = 403
    code = "invalid_link"


class ExpiredLink(APIError):
    status = 410
    code = "expired_link"


def _mac(settings: Settings, request_id: int, kind: str, expires: int) -> str:
    message = f"privacy-link|{request_id}|{kind}|{expires}".encode()
    return hmac.new(settings.secrets.secret_key.encode(), message, hashlib.sha256).hexdigest()[:40]


def _expiry(row: PrivacyRequest) -> int:
    return int(row.expires_at.timestamp())


def token(settings: Settings, row: PrivacyRequest) -> str:
    """The link's token for a stored request."""
    return f"{row.id}.{_expiry(row)}.{_mac(settings, row.id, row.kind, _expiry(row))}"


def link(settings: Settings, row: PrivacyRequest) -> str:
    """The full address the guest opens."""
    return f"{base_url(settings)}/api/v1/privacy/{row.kind}/{token(settings, row)}"


def verify(session: Session, settings: Settings, value: str, kind: Kind, now: datetime | None = None) -> PrivacyRequest:
    """The request behind a valid, unexpired, unused link of this kind; else 403 (tampered) or 410 (expired)."""
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 18:
        raise InvalidLink("This link is not valid.", key="invalid_link")
    request_id, expires = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(parts[2], _mac(settings, request_id, kind, expires)):
        raise InvalidLink("This link is not valid.", key="invalid_link")
    if expires <= (now or utcnow()).timestamp():
        raise ExpiredLink("This link has expired; ask for a new one.", key="expired_link")
    row = session.get(PrivacyRequest, request_id)
    if row is None or row.kind != kind or _expiry(row) != expires or row.used_at is not None:
        raise ExpiredLink("This link is no longer valid; ask for a new one.", key="expired_link")
    return row


def _author_contact_endpoints(session: Session, site_id: str, event_type: str) -> list[int]:
    rows = session.execute(select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(
        WebhookEndpoint.site_id == site_id, WebhookEndpoint.enabled.is_(True),
        WebhookEndpoint.author_contact.is_(True)))
    return [endpoint_id for endpoint_id, types in rows if event_type in (types or [])]


def request_link(session: Session, settings: Settings, site_id: str, email: str, kind: Kind,
                 now: datetime | None = None) -> int:
    """Store a request and its event (caller commits); returns deliveries written. Unknown emails write nothing,
    and the caller answers the same either way, so the API never tells whether an email commented."""
    email = check_email(email)
    check_site(session, site_id)
    author = find_author(session, settings, site_id, email)
    now = now or utcnow()
    event_type = EVENTS[kind]
    endpoints = _author_contact_endpoints(session, site_id, event_type)
    own_mail = bool(settings.notifications.smtp_host)
    if author is None or not author.email_enc or not (endpoints or own_mail):
        return 0
    row = PrivacyRequest(site_id=site_id, author_id=author.id, kind=kind, created_at=now,
                         expires_at=(now + timedelta(hours=settings.privacy.link_ttl_hours)).replace(microsecond=0))
    session.add(row)
    session.flush()
    data = {"site": site_id, "request": {"id": row.id, "kind": kind, "expires_at": payloads.iso(row.expires_at)}}
    message = WebhookMessage(msg_id=signing.new_message_id(), site_id=site_id, event_type=event_type,
                             comment_id=None, related_id=row.id, payload=payloads.event(event_type, now, data),
                             created_at=now)
    session.add(message)
    session.flush()
    deliveries = [WebhookDelivery(message_id=message.id, endpoint_id=e, next_attempt_at=now, created_at=now)
                  for e in endpoints]
    if own_mail:  # the service mails the link itself too
        deliveries.append(WebhookDelivery(message_id=message.id, recipient_author_id=author.id, next_attempt_at=now,
                                          created_at=now))
    session.add_all(deliveries)
    session.flush()
    for delivery in deliveries:
        dispatch.later(session, delivery.id)
    return len(deliveries)


def enrich(session: Session, settings: Settings, body: dict[str, Any]) -> None:
    """Delivery worker, author_contact endpoint: add the guest's email and link (never stored)."""
    data = body.get("data")
    request = data.get("request") if isinstance(data, dict) else None
    row = session.get(PrivacyRequest, request.get("id")) if isinstance(request, dict) else None
    author = session.get(Author, row.author_id) if row is not None else None
    if row is None or author is None or not author.email_enc or not isinstance(data, dict):
        return  # erased or purged meanwhile: the receiver gets no link
    data["email"] = privacy.decrypt_email(settings, author.email_enc, privacy.author_aad(author.site_id,
                                                                                          author.email_bidx))
    data["link"] = link(settings, row)


def expires_at(row: PrivacyRequest) -> datetime:
    """When the link stops working (UTC)."""
    return row.expires_at.astimezone(UTC)
