"""Comment use cases after submission: view, edit, delete, list; and helpers the submit path shares."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from moderation import queue, schemas
from moderation.errors import Forbidden, NotFound
from moderation.models import AuditEntry, Comment, Decision, OutboxMessage, Status, Thread, utcnow
from moderation.sanitize import count_body_links
from moderation.services import sites
from moderation.settings import Settings
from moderation.signals import Signals
from moderation.webhooks import events as webhook_events


def token_hash(settings: Settings, token: str) -> str:
    """The stored form of an edit token (keyed HMAC: the token itself is never stored)."""
    return hmac.new(settings.secrets.secret_key.encode(), b"edit-token|" + token.encode(), hashlib.sha256).hexdigest()


_MARK_UNSENT = update(OutboxMessage).where(OutboxMessage.comment_id == bindparam("cid")).values(published_at=None)


def body_hmac(settings: Settings, body: str) -> str:
    """Keyed hash of a comment body (key derived from the blind-index key) for the duplicate check."""
    return hmac.new(settings.secrets.blind_index_key.encode(), b"comment-body|" + body.encode(),
                    hashlib.sha256).hexdigest()


def text_signals(body: str, website: str) -> dict[str, Any]:
    """Facts about the text as readers will see it: links in the sanitised HTML plus the website."""
    return {"links": count_body_links(body, website), "website_given": bool(website), "body_chars": len(body)}


def enqueue_committed(session: Session, comment_id: int, enqueue: queue.Enqueue) -> None:
    """Send after the commit; a failed send re-opens the comment's outbox row for the sweeper."""
    if not enqueue(comment_id):
        session.execute(_MARK_UNSENT, {"cid": comment_id})
        session.commit()


def scoring_outbox_row(comment_id: int) -> OutboxMessage:
    """The outbox row for (re-)scoring a comment; add it in the transaction that makes the comment pending."""
    # Written as sent because the request sends right after its commit; if that send fails the
    # row is re-opened, and if the process dies in between, the comment stays pending and the
    # sweeper re-sends it (moderation.services.outbox). No second write on the happy path.
    return OutboxMessage(task=queue.SCORE_TASK, comment_id=comment_id, published_at=utcnow(), attempts=1)


def authorised(settings: Settings, comment: Comment, token: str | None) -> bool:
    """Constant-time check of an edit token against the stored HMAC."""
    if not token or not comment.edit_token_hash:
        return False
    return hmac.compare_digest(token_hash(settings, token), comment.edit_token_hash)


def _editable(settings: Settings, session: Session, comment: Comment, token: str | None) -> None:
    if not authorised(settings, comment, token):
        raise Forbidden("A valid X-Edit-Token header is required to change this comment.", key="edit_token")
    if comment.status == Status.DELETED.value:
        raise NotFound("This comment was deleted.", key="comment_deleted")
    window = sites.policy_for(settings, sites.cached_site(session, comment.thread.site_id)).edit_window_minutes
    if utcnow() - comment.created_at > timedelta(minutes=window):
        raise Forbidden(f"The edit window has closed: comments can be changed for {window} minutes after posting.",
                        key="edit_window", params={"minutes": window})


MAX_ID = 2**63 - 1  # the largest id SQL stores; anything above cannot exist


def get_comment(session: Session, comment_id: int) -> Comment:
    """The comment or NotFound."""
    comment = session.get(Comment, comment_id) if 0 < comment_id <= MAX_ID else None
    if comment is None:
        raise NotFound("No such comment.", key="comment_not_found")
    return comment


def edit_comment(settings: Settings, session: Session, comment_id: int, token: str | None, raw: Mapping[str, Any],
                 enqueue: queue.Enqueue) -> Comment:
    """Replace the body within the edit window; the comment goes back to pending and is re-scored."""
    comment = get_comment(session, comment_id)
    _editable(settings, session, comment, token)
    policy = sites.policy_for(settings, sites.cached_site(session, comment.thread.site_id))
    data = schemas.parse(schemas.EditIn, raw, policy)
    previous = comment.status
    comment.body = data.body
    comment.body_hmac = body_hmac(settings, data.body)
    comment.status = Status.PENDING.value
    comment.score_attempts = 0
    comment.decided_at = None
    old = Signals.from_json(comment.signals)
    comment.signals = old.model_copy(update={**text_signals(data.body, comment.website), "edited": True}).to_json()
    # The old decision judged the old text; removing it lets the idempotent scorer decide again.
    session.execute(delete(Decision).where(Decision.comment_id == comment.id))
    session.add(AuditEntry(comment_id=comment.id, actor="author", from_status=previous,
                           to_status=Status.PENDING.value, reason="edited by author"))
    session.add(scoring_outbox_row(comment.id))
    webhook_events.record(session, "comment.edited", comment.id, actor="author", settings=settings)
    session.commit()
    enqueue_committed(session, comment.id, enqueue)
    return comment


def delete_comment(settings: Settings, session: Session, comment_id: int, token: str | None) -> Comment:
    """The author deletes their comment within the edit window (status deleted, audit row)."""
    comment = get_comment(session, comment_id)
    _editable(settings, session, comment, token)
    session.add(AuditEntry(comment_id=comment.id, actor="author", from_status=comment.status,
                           to_status=Status.DELETED.value, reason="deleted by author"))
    comment.status = Status.DELETED.value
    webhook_events.record(session, "comment.deleted", comment.id, actor="author", settings=settings)
    session.commit()
    return comment


def published_in_thread(session: Session, site_id: str, thread: str) -> list[Comment]:
    """Published comments of a thread, oldest first."""
    uri = schemas.normalize_thread(thread.strip())
    return list(session.scalars(
        select(Comment).join(Thread).where(Thread.site_id == site_id, Thread.uri == uri,
                                           Comment.status == Status.PUBLISHED.value)
        .order_by(Comment.created_at, Comment.id)
    ))


def decision_reasons(session: Session, comment_id: int) -> list[str]:
    """The typed reasons of the automatic decision, if one was made."""
    decision = session.scalars(select(Decision).where(Decision.comment_id == comment_id)).first()
    return list(decision.reasons) if decision else []
