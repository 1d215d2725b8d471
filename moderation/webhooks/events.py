"""Recording events: one call where a comment changes, writing rows in the caller's transaction.

`record(session, "comment.published", comment_id)` writes one message and one delivery per enabled
endpoint of the comment's site subscribed to that type (plus a notification mail when the author
asked for one). Nothing is sent here: the deliveries are enqueued after the caller commits
(moderation.webhooks.dispatch), so an event exists exactly when its change does.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, insert, select
from sqlalchemy.orm import Session

from moderation.models import Author, Comment, Decision, Thread, table_of, utcnow
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


def _load(session: Session, comment_ids: list[int]) -> dict[int, tuple[Comment, Thread, Decision | None]]:
    # populate_existing: callers may have changed the rows with Core statements in this transaction.
    rows = session.execute(
        select(Comment, Thread, Decision).join(Thread, Comment.thread_id == Thread.id)
        .outerjoin(Decision, Decision.comment_id == Comment.id).where(Comment.id.in_(comment_ids))
        .execution_options(populate_existing=True)
    )
    return {comment.id: (comment, thread, decision) for comment, thread, decision in rows}


# The enabled endpoints of the comments' sites: one indexed query, the only cost when a site has none.
_SITE_ENDPOINTS = (
    select(Comment.id, WebhookEndpoint.id, WebhookEndpoint.event_types)
    .join(Thread, Thread.site_id == WebhookEndpoint.site_id).join(Comment, Comment.thread_id == Thread.id)
    .where(Comment.id.in_(bindparam("cids", expanding=True)), WebhookEndpoint.enabled.is_(True))
)
SiteEndpoints = list[tuple[int, list[str]]]
_messages, _deliveries = table_of(WebhookMessage), table_of(WebhookDelivery)
_INSERT_MESSAGES = insert(_messages).returning(_messages.c.id, sort_by_parameter_order=True)
_INSERT_DELIVERIES = insert(_deliveries).returning(_deliveries.c.id, sort_by_parameter_order=True)


@dataclass(frozen=True)
class _Event:
    """One message to write: its type, subject, payload and who receives it."""

    event_type: str
    site_id: str
    subject_id: int
    related_id: int | None
    body: dict[str, Any]
    endpoints: list[int]
    recipient: int | None


def _subscribed(site_endpoints: SiteEndpoints, event_type: str) -> list[int]:
    return [endpoint_id for endpoint_id, types in site_endpoints if event_type in (types or [])]


def may_write(event_type: str, site_has_endpoints: bool, settings: Settings | None) -> bool:
    """Whether `record` could write anything for this event, known without a query: the site has
    an enabled endpoint, or the event is one that mails authors and mail is configured for it."""
    if site_has_endpoints:
        return True
    return (settings is not None and bool(settings.notifications.smtp_host) and event_type in MAIL_EVENTS
            and event_type in settings.notifications.events)


def _mail_recipient(session: Session, settings: Settings | None, event_type: str, subject: Comment) -> int | None:
    """The author to mail about `subject`, if mail is configured, wanted for this event and asked for."""
    if not may_write(event_type, False, settings) or not subject.notify_replies:
        return None
    author = session.get(Author, subject.author_id)
    if author is None or not author.email_enc or author.notify_off_at is not None:
        return None
    return author.id


def _write(session: Session, settings: Settings | None, events: list[_Event], now: datetime) -> int:
    """The messages and their deliveries, one multi-row INSERT each; deliveries are sent after commit."""
    if not events:
        return 0
    conn = session.connection()
    message_ids = conn.execute(_INSERT_MESSAGES, [
        {"msg_id": signing.new_message_id(), "site_id": e.site_id, "event_type": e.event_type,
         "comment_id": e.subject_id, "related_id": e.related_id, "payload": e.body, "created_at": now}
        for e in events]).scalars().all()
    first_delay = settings.webhook_retry_schedule[0] if settings is not None else 0.0
    due = now + timedelta(seconds=first_delay)
    timing = {"next_attempt_at": due, "queued_until": due + QUEUE_GRACE, "created_at": now, "updated_at": now}
    rows: list[dict[str, Any]] = []
    for message_id, e in zip(message_ids, events, strict=True):
        rows += [{"message_id": message_id, "endpoint_id": endpoint_id, "recipient_author_id": None, **timing}
                 for endpoint_id in e.endpoints]
        if e.recipient is not None:
            rows.append({"message_id": message_id, "endpoint_id": None, "recipient_author_id": e.recipient, **timing})
    if not rows:
        return 0
    delivery_ids = conn.execute(_INSERT_DELIVERIES, rows).scalars().all()
    for delivery_id in delivery_ids:
        dispatch.later(session, delivery_id, first_delay)
    return len(delivery_ids)


def record(session: Session, event_type: str, comment_id: int, *, actor: str = "system",
           report: Mapping[str, Any] | None = None, settings: Settings | None = None,
           now: datetime | None = None) -> int:
    """Write `event_type` about a comment for its subscribers, in the caller's transaction.

    Returns the number of deliveries written (0 when nobody subscribes: then nothing is written).
    Recording comment.published for a reply also records comment.replied for its parent, once per
    reply, so every path that publishes (classifiers, moderators) tells the parent's author.
    """
    return record_many(session, [(event_type, comment_id)], actor=actor, report=report, settings=settings, now=now)


def record_many(session: Session, events: list[tuple[str, int]], *, actor: str = "system",
                report: Mapping[str, Any] | None = None, settings: Settings | None = None,
                now: datetime | None = None) -> int:
    """`record` for several (event type, comment id) pairs: the sites' endpoints are read once for all."""
    for event_type, _ in events:
        if event_type not in payloads.EVENT_TYPES:
            raise ValueError(f"unknown webhook event type {event_type!r}")
    settings = settings or dispatch.session_settings(session)
    ids = list(dict.fromkeys(comment_id for _, comment_id in events))
    site_endpoints: dict[int, SiteEndpoints] = {}
    for comment_id, endpoint_id, types in session.execute(_SITE_ENDPOINTS, {"cids": ids}):
        site_endpoints.setdefault(comment_id, []).append((endpoint_id, types))
    if not site_endpoints and (settings is None or not settings.notifications.smtp_host):
        return 0  # nobody could be told: write nothing
    now = now or utcnow()
    loaded = _load(session, ids)
    out: list[_Event] = []
    for event_type, comment_id in events:
        if comment_id not in loaded:
            continue
        comment, thread, decision = loaded[comment_id]
        mine = site_endpoints.get(comment_id, [])
        endpoints = _subscribed(mine, event_type)
        recipient = _mail_recipient(session, settings, event_type, comment)
        if endpoints or recipient is not None:
            data = payloads.EventData(
                site=thread.site_id, thread=payloads.ThreadInfo(id=thread.id, uri=thread.uri, title=thread.title or ""),
                comment=comment_info(comment, decision), actor=actor,
                report=payloads.ReportInfo(**report) if report is not None else None,
            )
            out.append(_Event(event_type, thread.site_id, comment.id, None, payloads.event(event_type, now, data),
                              endpoints, recipient))
        if event_type == "comment.published" and comment.parent_id is not None:
            out += _reply_event(session, settings, comment, decision, thread, actor, now, mine)
    return _write(session, settings, out, now)


def _reply_event(session: Session, settings: Settings | None, reply: Comment, reply_decision: Decision | None,
                 thread: Thread, actor: str, now: datetime, site_endpoints: SiteEndpoints) -> list[_Event]:
    """comment.replied about the parent, once per reply (an edited, re-published reply is not news)."""
    assert reply.parent_id is not None
    already = session.scalar(select(exists().where(WebhookMessage.event_type == "comment.replied",
                                                   WebhookMessage.related_id == reply.id)))
    if already:
        return []
    loaded = _load(session, [reply.parent_id]).get(reply.parent_id)
    if loaded is None:
        return []
    parent, _, parent_decision = loaded
    endpoints = _subscribed(site_endpoints, "comment.replied")
    recipient = _mail_recipient(session, settings, "comment.replied", parent)
    if recipient is not None and parent.author_id == reply.author_id:
        recipient = None  # nobody needs a mail about their own reply
    if not endpoints and recipient is None:
        return []
    data = payloads.EventData(
        site=thread.site_id, thread=payloads.ThreadInfo(id=thread.id, uri=thread.uri, title=thread.title or ""),
        comment=comment_info(parent, parent_decision), reply=comment_info(reply, reply_decision),
        actor=actor,
    )
    body = payloads.event("comment.replied", now, data)
    return [_Event("comment.replied", thread.site_id, parent.id, reply.id, body, endpoints, recipient)]
