"""Moderator actions on comments: decide (one or many, optimistic concurrency), undo, edit the text.

Services take the session, settings and actor; the view owns the transaction and commits once.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from moderation import schemas as public_schemas
from moderation.errors import Conflict, NotFound, ValidationFailed
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, Status, Thread, utcnow
from moderation.moderator import labels
from moderation.moderator.auth import Actor
from moderation.moderator.models import Report
from moderation.services import sites
from moderation.services.comments import body_hmac, scoring_outbox_row, text_signals
from moderation.settings import Settings
from moderation.signals import Signals
from moderation.webhooks import events as webhook_events

PUBLISHED = Status.PUBLISHED.value


@dataclass
class Result:
    """What a decision changed, what it left alone and why, and the token that undoes it."""

    applied: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    undo: str = ""


def _undo_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secrets.secret_key, salt="moderation.undo.v1")


def _rows(session: Session, ids: list[int]) -> dict[int, Any]:
    stmt = (select(Comment.id, Comment.status, Comment.version, Comment.author_id, Thread.site_id)
            .join(Thread, Thread.id == Comment.thread_id).where(Comment.id.in_(ids)))
    return {row.id: row for row in session.execute(stmt)}


def decide(session: Session, settings: Settings, actor: Actor, ids: list[int], status: str, reason: str = "",
           versions: dict[int, int] | None = None, action: str = "status") -> Result:
    """Move comments to `status` in the caller's transaction; stale or unchanged ones are skipped.

    Unknown ids (404) and ids on sites outside the actor's scope (403) refuse the whole request
    before anything is written.
    """
    ids = list(dict.fromkeys(ids))
    rows = _rows(session, ids)
    unknown = [i for i in ids if i not in rows]
    if unknown:
        raise NotFound("Unknown comment id(s): " + ", ".join(map(str, unknown)) + ".",
                       {"ids": ", ".join(map(str, unknown))})
    actor.require("decide", {r.site_id for r in rows.values()})
    result, targets = Result(), []
    for i in ids:
        row = rows[i]
        seen = (versions or {}).get(i)
        if row.status == Status.DELETED.value:
            result.skipped.append({"id": i, "status": row.status, "reason": "deleted by its author"})
        elif seen is not None and seen != row.version:
            result.skipped.append({"id": i, "status": row.status, "version": row.version,
                                   "reason": f"changed since you loaded it: now {row.status}"})
        elif row.status == status:
            result.skipped.append({"id": i, "status": row.status, "version": row.version, "reason": f"already {status}"})
        else:
            targets.append(row)
    if not targets:
        return result
    now = utcnow()
    # Compare-and-set on (id, version, status): a concurrent change makes the row drop out here.
    changed = set(session.scalars(
        update(Comment).where(tuple_(Comment.id, Comment.version, Comment.status).in_(
            [(r.id, r.version, r.status) for r in targets]))
        .values(status=status, version=Comment.version + 1, decided_at=now, updated_at=now, report_count=0)
        .returning(Comment.id).execution_options(synchronize_session=False)
    ))
    for row in targets:
        if row.id not in changed:
            result.skipped.append({"id": row.id, "status": row.status, "reason": "changed by someone else just now"})
    applied = [r for r in targets if r.id in changed]
    if not applied:
        return result
    _after_change(session, actor, applied, status, reason, action, now)
    result.applied = [{"id": r.id, "from": r.status, "status": status, "version": r.version + 1} for r in applied]
    result.undo = _undo_serializer(settings).dumps({"a": actor.label, "i": [[r.id, r.status, r.version + 1] for r in applied]})
    return result


def _after_change(session: Session, actor: Actor, applied: list[Any], status: str, reason: str, action: str, now: Any) -> None:
    """Audit rows, labels, author counters and reports for the rows that changed."""
    ids = [r.id for r in applied]
    session.execute(insert(AuditEntry), [
        {"comment_id": r.id, "actor": actor.label, "moderator_id": actor.moderator_id, "action": action,
         "from_status": r.status, "to_status": status, "reason": reason[:500], "details": {}, "created_at": now}
        for r in applied])
    decisions = {d.comment_id: d for d in session.scalars(select(Decision).where(Decision.comment_id.in_(ids)))}
    labels.record(session, actor.moderator_id, [
        {"comment_id": r.id, "site_id": r.site_id, "status": status, "reason": reason,
         "reasons": list(decisions[r.id].reasons) if r.id in decisions else [],
         "scores": dict(decisions[r.id].scores) if r.id in decisions else {},
         "model_version": decisions[r.id].model_version if r.id in decisions else ""} for r in applied])
    # published_count drives the first-time-author rule: keep it equal to the published comments.
    delta: Counter[int] = Counter()
    for r in applied:
        delta[r.author_id] += (status == PUBLISHED) - (r.status == PUBLISHED)
    for author_id, change in delta.items():
        if change:
            session.execute(update(Author).where(Author.id == author_id)
                            .values(published_count=Author.published_count + change))
    session.execute(update(Report).where(Report.comment_id.in_(ids), Report.resolved_at.is_(None)).values(resolved_at=now))
    if status in webhook_events.STATUS_EVENTS:  # webhooks and author mail, in this transaction
        for r in applied:
            webhook_events.record(session, webhook_events.STATUS_EVENTS[status], r.id, actor="moderator", now=now)


def decide_one(session: Session, settings: Settings, actor: Actor, comment_id: int, status: str, reason: str = "",
               version: int | None = None) -> Result:
    """One comment; 409 naming the current status when someone else decided it first."""
    result = decide(session, settings, actor, [comment_id], status, reason,
                    None if version is None else {comment_id: version})
    if not result.applied:
        skip = result.skipped[0]
        raise Conflict(f"Comment {comment_id} was not changed: {skip['reason']}.",
                       {"version": f"current status {skip['status']}, version {skip.get('version', '?')}"})
    return result


def undo(session: Session, settings: Settings, actor: Actor, token: str) -> Result:
    """Put the comments of an earlier action back, unless someone changed them since."""
    try:
        data = _undo_serializer(settings).loads(token, max_age=settings.moderator.undo_seconds + 5)
    except SignatureExpired:
        raise Conflict(f"Too late to undo: an action can be undone for {settings.moderator.undo_seconds} seconds.") from None
    except BadSignature:
        raise ValidationFailed("Please correct the fields listed.", {"undo": "not an undo token from this service"}) from None
    if data.get("a") != actor.label:
        raise ValidationFailed("Please correct the fields listed.", {"undo": "made by another moderator"})
    combined = Result()
    by_status: dict[str, dict[int, int]] = {}
    for comment_id, previous, version in data["i"]:
        by_status.setdefault(previous, {})[int(comment_id)] = int(version)
    for previous, versions in by_status.items():
        part = decide(session, settings, actor, list(versions), previous, "undo", versions, action="undo")
        combined.applied += part.applied
        combined.skipped += part.skipped
    return combined


def edit(session: Session, settings: Settings, actor: Actor, comment_id: int, body: str,
         version: int | None) -> tuple[Comment, OutboxMessage]:
    """Replace the text; the comment goes back to pending. The caller commits, then sends the outbox row."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("No such comment.")
    site_id = comment.thread.site_id
    actor.require("edit", [site_id])
    if comment.status == Status.DELETED.value:
        raise Conflict("This comment was deleted by its author.")
    if version is not None and version != comment.version:
        raise Conflict(f"Comment {comment_id} changed since you loaded it: now {comment.status}.",
                       {"version": f"current version {comment.version}"})
    data = public_schemas.parse(public_schemas.EditIn, {"body": body}, sites.policy_for(settings, site_id))
    previous_body, previous_status = comment.body, comment.status
    comment.body, comment.body_hmac = data.body, body_hmac(settings, data.body)
    comment.status, comment.version = Status.PENDING.value, comment.version + 1
    comment.score_attempts, comment.decided_at = 0, None
    old = Signals.from_json(comment.signals)
    comment.signals = old.model_copy(update={**text_signals(data.body, comment.website), "edited": True}).to_json()
    if previous_status == PUBLISHED:
        session.execute(update(Author).where(Author.id == comment.author_id)
                        .values(published_count=Author.published_count - 1))
    # The automatic decision judged the old text; without it the idempotent scorer decides again.
    session.execute(delete(Decision).where(Decision.comment_id == comment.id))
    labels.record(session, actor.moderator_id, [{"comment_id": comment.id, "site_id": site_id,
                                                 "status": Status.PENDING.value, "reason": "edited"}])
    session.add(AuditEntry(comment_id=comment.id, actor=actor.label, moderator_id=actor.moderator_id, action="edit",
                           from_status=previous_status, to_status=Status.PENDING.value, reason="edited by a moderator",
                           details={"previous_body": previous_body}))
    message = scoring_outbox_row(comment.id)
    session.add(message)
    webhook_events.record(session, "comment.edited", comment.id, actor="moderator")
    return comment, message
