"""The audit view: every status change and every other action, filtered by moderator, comment, author, action."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.models import AuditEntry, Comment, Moderator, Thread
from moderation.moderator.auth import Actor
from moderation.moderator.schemas import AuditQuery

ACTIONS = ("status", "undo", "edit", "ban", "unban", "reveal_email")


def entries(session: Session, actor: Actor, q: AuditQuery, limit: int = 100) -> tuple[list[dict[str, Any]], int | None]:
    """Newest first, limited to the actor's sites; the second value is the `before` cursor of the next page."""
    actor.require("audit")
    stmt = (select(AuditEntry, Comment.author_id, Thread.site_id, Moderator.username)
            .join(Comment, Comment.id == AuditEntry.comment_id).join(Thread, Thread.id == Comment.thread_id)
            .outerjoin(Moderator, Moderator.id == AuditEntry.moderator_id))
    if actor.sites is not None:
        stmt = stmt.where(Thread.site_id.in_(sorted(actor.sites)))
    if q.moderator:
        stmt = stmt.where(AuditEntry.moderator_id == q.moderator)
    if q.comment:
        stmt = stmt.where(AuditEntry.comment_id == q.comment)
    if q.author:
        stmt = stmt.where(Comment.author_id == q.author)
    if q.action:
        stmt = stmt.where(AuditEntry.action == q.action)
    if q.before:
        stmt = stmt.where(AuditEntry.id < q.before)
    rows = session.execute(stmt.order_by(AuditEntry.id.desc()).limit(limit + 1)).all()
    out: list[dict[str, Any]] = [{"id": e.id, "comment_id": e.comment_id, "author_id": author_id, "site": site_id, "actor": e.actor,
            "moderator": username, "moderator_id": e.moderator_id, "action": e.action, "from": e.from_status,
            "to": e.to_status, "reason": e.reason, "created": e.created_at.isoformat(),
            # The previous text of an edit is shown; nothing else in details is personal.
            "details": dict(e.details or {})}
           for e, author_id, site_id, username in rows[:limit]]
    next_before: int | None = out[-1]["id"] if len(rows) > limit else None
    return out, next_before


def moderators(session: Session) -> list[tuple[int, str]]:
    """(id, username) of every moderator, for the filter menu."""
    return [(m.id, m.username) for m in session.scalars(select(Moderator).order_by(Moderator.username))]
