"""Queue queries: the comments of a tab matching a filter, by priority, paged by keyset (no OFFSET)."""
from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, String, and_, cast, or_, select
from sqlalchemy.orm import Session, contains_eager

from moderation.errors import ValidationFailed
from moderation.models import Comment, Decision, Status, Thread
from moderation.moderator.auth import Actor
from moderation.moderator.schemas import QueueFilter

REPORTED_STATUSES = (Status.PUBLISHED.value, Status.HELD.value)


def encode_cursor(comment: Comment) -> str:
    """The position after `comment` in (priority desc, created_at, id) order."""
    raw = json.dumps([comment.priority, comment.created_at.isoformat(), comment.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, datetime, int]:
    """Parse a cursor or say which field is wrong."""
    try:
        priority, created, comment_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        when = datetime.fromisoformat(created)
        if not isinstance(comment_id, int) or not isinstance(priority, (int, float)):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise ValidationFailed("Please correct the fields listed.",
                               {"cursor": "not a cursor from this API's `next`"}) from None
    return float(priority), when if when.tzinfo else when.replace(tzinfo=UTC), comment_id


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def filtered(actor: Actor, f: QueueFilter, what: Select | None = None) -> Select:  # type: ignore[type-arg]
    """SELECT of the comments the actor may see that match the filter (unordered)."""
    stmt = (what if what is not None else select(Comment)).join(Thread, Thread.id == Comment.thread_id)
    if f.status == "reported":
        stmt = stmt.where(Comment.report_count > 0, Comment.status.in_(REPORTED_STATUSES))
    else:
        stmt = stmt.where(Comment.status == f.status)
    if f.site:
        actor.require("view", [f.site])
        stmt = stmt.where(Thread.site_id == f.site)
    elif actor.sites is not None:
        stmt = stmt.where(Thread.site_id.in_(sorted(actor.sites)))
    if f.thread:
        stmt = stmt.where(Comment.thread_id == f.thread)
    if f.reason == "reported_by_readers":
        stmt = stmt.where(Comment.report_count > 0)
    elif f.reason or f.language:
        stmt = stmt.join(Decision, Decision.comment_id == Comment.id)
        if f.reason:
            # JSON list stored as text on both backends: match the quoted reason.
            stmt = stmt.where(cast(Decision.reasons, String).like(_like(json.dumps(f.reason)), escape="\\"))
        if f.language:
            stmt = stmt.where(Decision.language == f.language)
    if f.since:
        stmt = stmt.where(Comment.created_at >= datetime.combine(f.since, time.min, UTC))
    if f.until:
        stmt = stmt.where(Comment.created_at < datetime.combine(f.until + timedelta(days=1), time.min, UTC))
    if f.q:
        stmt = stmt.where(Comment.body.ilike(_like(f.q), escape="\\"))
    return stmt


def page(session: Session, actor: Actor, f: QueueFilter, cursor: str | None, limit: int) -> tuple[list[Comment], str | None]:
    """One page of the queue and the cursor of the next page (None on the last page)."""
    actor.require("view")
    stmt = filtered(actor, f).options(contains_eager(Comment.thread))
    if cursor:
        priority, created, last_id = decode_cursor(cursor)
        stmt = stmt.where(
            Comment.priority <= priority,  # the index range; the OR below only trims its first rows
            or_(Comment.priority < priority, Comment.created_at > created,
                and_(Comment.created_at == created, Comment.id > last_id)),
        )
    stmt = stmt.order_by(Comment.priority.desc(), Comment.created_at, Comment.id).limit(limit + 1)
    rows = list(session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]) if more and rows else None


def matching_ids(session: Session, actor: Actor, f: QueueFilter, cap: int) -> list[int]:
    """Ids of every comment matching the filter (for "all matching"); refuses more than `cap`."""
    ids = list(session.scalars(filtered(actor, f, select(Comment.id)).order_by(Comment.id).limit(cap + 1)))
    if len(ids) > cap:
        raise ValidationFailed(f"More than {cap} comments match; narrow the filter.", {"filter": f"matches more than {cap}"})
    return ids
