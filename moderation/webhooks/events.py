"""Recording events: one call where a comment changes, writing rows in the caller's transaction.

`record(session, "comment.published", comment_id)` writes one message and one delivery per enabled
endpoint of the comment's site subscribed to that type (plus a notification mail when the author
asked for one). Nothing is sent here: the deliveries are enqueued after the caller commits
(moderation.webhooks.dispatch), so an event exists exactly when its change does.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from moderation.models import Author, Comment, Decision, Thread, utcnow
from moderation.settings import Settings
from moderation.webhooks import dispatch, payloads, signing
from moderation.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

STATUS_EVENTS = {s: f"comment.{s}" for s in ("published", "held", "spam", "rejected")}
MAIL_EVENTS = frozenset({"comment.published", "comment.rejected", "comment.replied"})
# A delivery enqueued after commit is not re-sent by the sweeper before this (normally it is
# claimed within milliseconds); after it, a send that the broker lost is repeated.
QUEUE_GRACE = timedelta(seconds=30)


def comment_info(comment: Comment, decision: Decision | None) -> payloads.CommentInfo:
    """The payload view of a comment (no email, IP or blind index)."""
    return payloads.CommentInfo(
        id=comment.id, parent=comment.parent_id, status=comment.status, name=comment.name,
        created_at=comment.created_at, updated_at=comment.updated_at, decided_at=comment.decided_at,
        reasons=list(decision.reasons) if decision else [],
        model_version=(decision.model_version or None) if decision else None,
        language=(decision.language or None) if decision else None,
    )


def _load(session: Session, comment_id: int) -> tuple[Comment, Thread, Decision | None] | None:
    # populate_existing: callers may have changed the row with Core statements in this transaction.
    row = session.execute(
        select(Comment, Thread, Decision).join(Thread, Comment.thread_id == Thread.id)
        .outerjoin(Decision, Decision.comment_id == Comment.id).where(Comment.id == comment_id)
        .execution_options(populate_existing=True)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


# The enabled endpoints of a comment's site: one indexed query, the only cost when a site has none.
_SITE_ENDPOINTS = (
    select(WebhookEndpoint.id, WebhookEndpoint.event_types)
    .join(Thread, Thread.site_id == WebhookEndpoint.site_id).join(Comment, Comment.thread_id == Thread.id)
    .where(Comment.id == bindparam("cid"), WebhookEndpoint.enabled.is_(True))
)
SiteEndpoints = list[tuple[int, list[str]]]


def _subscribed(site_endpoints: SiteEndpoints, event_type: str) -> list[int]:
    return [endpoint_id for endpoint_id, types in site_endpoints if event_type in (types or [])]


def _mail_recipient(session: Session, settings: Settings | None, event_type: str, subject: Comment) -> int | None:
    """The author to mail about `subject`, if mail is configured, wanted for this event and asked for."""
    if settings is None or not settings.notifications.smtp_host or event_type not in settings.notifications.events:
        return None
    if event_type not in MAIL_EVENTS or not subject.notify_replies:
        return None
    author = session.get(Author, subject.author_id)
    if author is None or not author.email_enc or author.notify_off_at is not None:
        return None
    return author.id


def _write(session: Session, settings: Settings | None, event_type: str, site_id: str, subject_id: int,
           related_id: int | None, body: dict[str, Any], endpoints: list[int],
           recipient: int | None, now: datetime) -> int:
    message = WebhookMessage(msg_id=signing.new_message_id(), site_id=site_id, event_type=event_type,
                             comment_id=subject_id, related_id=related_id, payload=body, created_at=now)
    session.add(message)
    session.flush()
    first_delay = settings.webhook_retry_schedule[0] if settings is not None else 0.0
    due = now + timedelta(seconds=first_delay)
    rows = [WebhookDelivery(message_id=message.id, endpoint_id=endpoint_id, next_attempt_at=due,
                            queued_until=due + QUEUE_GRACE, created_at=now) for endpoint_id in endpoints]
    if recipient is not None:
        rows.append(WebhookDelivery(message_id=message.id, recipient_author_id=recipient, next_attempt_at=due,
                                    queued_until=due + QUEUE_GRACE, created_at=now))
    session.add_all(rows)
    session.flush()
    for row in rows:
        dispatch.later(session, row.id, first_delay)
    return len(rows)


def record(session: Session, event_type: str, comment_id: int, *, actor: str = "system",
           report: Mapping[str, Any] | None = None, settings: Settings | None = None,
           now: datetime | None = None) -> int:
    """Write `event_type` about a comment for its subscribers, in the caller's transaction.

    Returns the number of deliveries written (0 when nobody subscribes: then nothing is written).
    Recording comment.published for a reply also records comment.replied for its parent, once per
    reply, so every path that publishes (classifiers, moderators) tells the parent's author.
    """
    if event_type not in payloads.EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    settings = settings or dispatch.session_settings(session)
    site_endpoints: SiteEndpoints = [(i, t) for i, t in session.execute(_SITE_ENDPOINTS, {"cid": comment_id})]
    if not site_endpoints and (settings is None or not settings.notifications.smtp_host):
        return 0  # nobody could be told: write nothing
    now = now or utcnow()
    loaded = _load(session, comment_id)
    if loaded is None:
        return 0
    comment, thread, decision = loaded
    site_id = thread.site_id
    written = 0
    endpoints = _subscribed(site_endpoints, event_type)
    recipient = _mail_recipient(session, settings, event_type, comment)
    if endpoints or recipient is not None:
        data = payloads.EventData(
            site=site_id, thread=payloads.ThreadInfo(id=thread.id, uri=thread.uri, title=thread.title or ""),
            comment=comment_info(comment, decision), actor=actor,
            report=payloads.ReportInfo(**report) if report is not None else None,
        )
        body = payloads.event(event_type, now, data)
        written += _write(session, settings, event_type, site_id, comment.id, None, body, endpoints, recipient, now)
    if event_type == "comment.published" and comment.parent_id is not None:
        written += _record_reply(session, settings, comment, decision, thread, actor, now, site_endpoints)
    return written


def _record_reply(session: Session, settings: Settings | None, reply: Comment, reply_decision: Decision | None,
                  thread: Thread, actor: str, now: datetime, site_endpoints: SiteEndpoints) -> int:
    """comment.replied about the parent, once per reply (an edited, re-published reply is not news)."""
    assert reply.parent_id is not None
    already = session.scalar(select(exists().where(WebhookMessage.event_type == "comment.replied",
                                                   WebhookMessage.related_id == reply.id)))
    if already:
        return 0
    loaded = _load(session, reply.parent_id)
    if loaded is None:
        return 0
    parent, _, parent_decision = loaded
    endpoints = _subscribed(site_endpoints, "comment.replied")
    recipient = _mail_recipient(session, settings, "comment.replied", parent)
    if recipient is not None and parent.author_id == reply.author_id:
        recipient = None  # nobody needs a mail about their own reply
    if not endpoints and recipient is None:
        return 0
    data = payloads.EventData(
        site=thread.site_id, thread=payloads.ThreadInfo(id=thread.id, uri=thread.uri, title=thread.title or ""),
        comment=comment_info(parent, parent_decision), reply=comment_info(reply, reply_decision),
        actor=actor,
    )
    body = payloads.event("comment.replied", now, data)
    return _write(session, settings, "comment.replied", thread.site_id, parent.id, reply.id, body, endpoints,
                  recipient, now)
