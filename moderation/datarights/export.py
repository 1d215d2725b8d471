"""Export: everything stored about one email on one site, as JSON data, and nothing of anyone else."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.datarights.lookup import check_email, find_author
from moderation.models import AuditEntry, Author, Comment, Decision, Thread, utcnow
from moderation.settings import Settings
from moderation.webhooks.payloads import iso

EXPORT_VERSION = 1
REPORTS_NOTE = ("Reader reports are stored without any email, under a keyed value of a browser cookie and of "
                "the address range, so they cannot be found by email; none are included.")


def _edits(session: Session, comment_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Edit history per comment: when, by whom (author or moderator, never a moderator's name), the old text."""
    history: dict[int, list[dict[str, Any]]] = {cid: [] for cid in comment_ids}
    if not comment_ids:
        return history
    rows = session.scalars(select(AuditEntry).where(AuditEntry.comment_id.in_(comment_ids))
                           .order_by(AuditEntry.id))
    for entry in rows:
        by_author = entry.actor == "author" and entry.reason == "edited by author"
        if entry.action == "edit" or by_author:
            item: dict[str, Any] = {"at": iso(entry.created_at), "by": "author" if by_author else "moderator"}
            if "previous_body" in (entry.details or {}):
                item["previous_body"] = entry.details["previous_body"]
            history[entry.comment_id].append(item)
    return history


def _comment(comment: Comment, thread: Thread, decision: Decision | None,
             edits: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": comment.id, "status": comment.status,
        "thread": {"id": thread.id, "uri": thread.uri, "title": thread.title or ""},
        "parent": comment.parent_id, "name": comment.name, "website": comment.website, "body": comment.body,
        "ip_prefix": comment.ip_prefix, "created_at": iso(comment.created_at), "updated_at": iso(comment.updated_at),
        "decided_at": iso(comment.decided_at), "reasons": list(decision.reasons) if decision else [],
        "notify_replies": comment.notify_replies, "reports_received": comment.report_count,
        "edit_history": edits,
    }


def export_author(session: Session, settings: Settings, site_id: str, author: Author | None,
                  email: str) -> dict[str, Any]:
    """The export document for an author row (None: nothing is stored, and the document says so)."""
    document: dict[str, Any] = {"version": EXPORT_VERSION, "site": site_id, "generated_at": iso(utcnow()),
                                "email": email, "author": None, "comments": [],
                                "notification_subscriptions": [], "reports_made": [], "notes": [REPORTS_NOTE]}
    if author is None:
        return document
    document["author"] = {"created_at": iso(author.created_at), "published_comments": author.published_count,
                          "banned": author.banned, "banned_until": iso(author.banned_until),
                          "notifications_stopped_at": iso(author.notify_off_at),
                          "email_stored_as": "AES-256-GCM ciphertext plus a keyed HMAC index"}
    rows = session.execute(
        select(Comment, Thread, Decision).join(Thread, Thread.id == Comment.thread_id)
        .outerjoin(Decision, Decision.comment_id == Comment.id)
        .where(Comment.author_id == author.id, Thread.site_id == site_id).order_by(Comment.created_at, Comment.id)
    ).all()
    edits = _edits(session, [c.id for c, _, _ in rows])
    document["comments"] = [_comment(c, t, d, edits[c.id]) for c, t, d in rows]
    document["notification_subscriptions"] = [
        {"comment_id": c.id, "thread": t.uri, "events": ["comment.published", "comment.replied"],
         "active": author.notify_off_at is None}
        for c, t, _ in rows if c.notify_replies]
    return document


def export(session: Session, settings: Settings, site_id: str, email: str) -> dict[str, Any]:
    """Everything stored about `email` on `site_id` (the same document for the CLI, the link and admins)."""
    email = check_email(email)
    author = find_author(session, settings, site_id, email)
    if author is not None:
        # The stored address must be the one asked about (the index is keyed, but say so explicitly).
        stored = privacy.decrypt_email(settings, author.email_enc, privacy.author_aad(site_id, author.email_bidx))
        if privacy.normalize_email(stored) != privacy.normalize_email(email):
            author = None
    return export_author(session, settings, site_id, author, email)
