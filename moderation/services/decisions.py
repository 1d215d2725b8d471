"""Recording automatic decisions exactly once, and sweeping the outbox so nothing accepted is lost.

Everything here takes a Session (and, for the sweep, a publish callable), so it is testable without
Celery and shared by the worker task and the beat sweeper.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderation import policy
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, Status, utcnow
from moderation.queue import SCORE_TASK
from moderation.settings import Settings
from moderation.webhooks import events as webhook_events

log = logging.getLogger("moderation.decisions")

# Outbox rows stay open (published_at NULL) from the web request's commit until the worker's decision
# transaction closes them; the request sends the task without writing again. Open rows younger than
# this are left alone: their message is normally queued or being scored right now. Older open rows
# (the broker was down at submit time, or the queue is that far behind) are sent by the sweeper; a
# duplicate message only costs a no-op task run ("skipped": the comment is no longer pending).
OUTBOX_GRACE_SECONDS = 5.0
SWEEP_BATCH = 500


# Prebuilt Core statements for the per-comment hot path: no ORM bulk-update machinery and no
# statement construction per task (the ORM flush/`update(Model)` path cost more than the SQL).
_comments, _outbox, _authors = Comment.__table__, OutboxMessage.__table__, Author.__table__
_BEGIN_ATTEMPT = (
    update(_comments)
    .where(_comments.c.id == bindparam("cid"), _comments.c.status == Status.PENDING.value)
    .values(score_attempts=_comments.c.score_attempts + 1, updated_at=bindparam("now"))
    .returning(_comments.c.score_attempts)
)
_INSERT_DECISION = insert(Decision.__table__)
_INSERT_AUDIT = insert(AuditEntry.__table__)
_SET_STATUS = (
    update(_comments)
    .where(_comments.c.id == bindparam("cid"), _comments.c.status == Status.PENDING.value)
    .values(status=bindparam("new_status"), decided_at=bindparam("now"), updated_at=bindparam("now"))
    .returning(_comments.c.author_id)
)
_COUNT_PUBLISHED = (
    update(_authors).where(_authors.c.id == bindparam("aid"))
    .values(published_count=_authors.c.published_count + 1)
)
_CLOSE_OUTBOX = (
    update(_outbox)
    .where(_outbox.c.comment_id == bindparam("cid"), _outbox.c.published_at.is_(None))
    .values(published_at=bindparam("now"))
)


def begin_attempt(session: Session, comment_id: int) -> int | None:
    """Count one scoring attempt in the database (committed) and return it; None if not pending.

    Counting before scoring bounds poison messages: a run that kills its process still counts,
    because Redis keeps no redelivery counter.
    """
    attempts = session.connection().execute(_BEGIN_ATTEMPT, {"cid": comment_id, "now": utcnow()}).scalar_one_or_none()
    session.commit()
    return attempts


def author_facts(comment: Comment) -> policy.AuthorFacts:
    """What the policy may know about the commenter."""
    author: Author = comment.author
    signals = comment.signals or {}
    return policy.AuthorFacts(
        published_count=author.published_count,
        banned=author.banned,
        recognised=bool(signals.get("author_recognised")),
        ip_prefix=comment.ip_prefix or "",
    )


@dataclass
class Outcome:
    """Everything stored with a decision besides the status and reasons."""

    scores: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)
    explanation: dict[str, Any] = field(default_factory=dict)
    model_version: str = ""
    language: str = ""


def record_decision(
    session: Session, comment_id: int, decision: policy.Decision, outcome: Outcome, actor: str = "system"
) -> bool:
    """Write the decision, the new status and an audit row in one transaction; False if already decided.

    The unique constraint on decisions.comment_id and the `WHERE status='pending'` guard make a
    second run (redelivery after SIGKILL, a sweeper duplicate) a no-op instead of a second decision.
    """
    session.rollback()  # start a fresh transaction; callers may hold stale state
    now = utcnow()
    conn = session.connection()
    try:
        conn.execute(_INSERT_DECISION, {
            "comment_id": comment_id, "status": decision.status, "scores": outcome.scores,
            "reasons": list(decision.reasons), "thresholds": outcome.thresholds,
            "explanation": outcome.explanation, "model_version": outcome.model_version[:100],
            "language": outcome.language[:8], "created_at": now,
        })
    except IntegrityError:
        session.rollback()
        log.info("comment %s already decided; duplicate run ignored", comment_id)
        return False
    changed = conn.execute(_SET_STATUS, {"cid": comment_id, "new_status": decision.status, "now": now}).scalar_one_or_none()
    if changed is None:
        # Deleted by its author (or moved by a moderator) while being scored: keep their choice.
        session.rollback()
        log.info("comment %s no longer pending; decision dropped", comment_id)
        return False
    conn.execute(_INSERT_AUDIT, {
        "comment_id": comment_id, "actor": actor, "from_status": Status.PENDING.value,
        "to_status": decision.status, "reason": ",".join(decision.reasons)[:500], "created_at": now,
    })
    if decision.status == Status.PUBLISHED.value:
        conn.execute(_COUNT_PUBLISHED, {"aid": changed})
    # Close the comment's open outbox rows in the same transaction: decided, nothing left to send.
    conn.execute(_CLOSE_OUTBOX, {"cid": comment_id, "now": now})
    # Webhook messages and author mail for the new status, in this same transaction (outbox).
    webhook_events.record(session, webhook_events.STATUS_EVENTS[decision.status], comment_id, now=now)
    session.commit()
    log.info("comment %s decided: %s %s", comment_id, decision.status, ",".join(decision.reasons))
    return True


def hold_unavailable(session: Session, comment_id: int, attempts: int) -> bool:
    """Hold a comment whose scoring keeps failing, for a human; never publish it unscored."""
    log.warning("comment %s held after %s failed scoring attempts", comment_id, attempts)
    return record_decision(session, comment_id, policy.unavailable(), Outcome(scores={"attempts": attempts}))


@dataclass
class SweepResult:
    """What one sweep did."""

    published: int = 0
    requeued: int = 0
    held: int = 0


Publisher = Callable[[Session, list[int]], int]


def _unsent(session: Session, before: datetime) -> list[int]:
    rows = session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.published_at.is_(None), OutboxMessage.created_at < before)
        .order_by(OutboxMessage.id)
        .limit(SWEEP_BATCH)
    )
    return list(rows)


def _stale_pending(session: Session, before: datetime) -> list[Comment]:
    # An open row counts as sent when it was written (the request sends right after its commit).
    recently_sent = exists().where(
        OutboxMessage.comment_id == Comment.id,
        func.coalesce(OutboxMessage.published_at, OutboxMessage.created_at) >= before,
    )
    query = (
        select(Comment)
        .where(
            Comment.status == Status.PENDING.value,
            Comment.created_at < before,
            Comment.updated_at < before,
            ~recently_sent,
        )
        .order_by(Comment.id)
        .limit(SWEEP_BATCH)
    )
    return list(session.scalars(query))


def sweep(session: Session, settings: Settings, publish: Publisher, now: datetime | None = None) -> SweepResult:
    """Publish unsent outbox rows; re-publish comments pending too long; hold exhausted ones."""
    now = now or utcnow()
    result = SweepResult()
    unsent = _unsent(session, now - timedelta(seconds=OUTBOX_GRACE_SECONDS))
    if unsent:
        result.published = publish(session, unsent)
        if result.published < len(unsent):
            return result  # broker still down: leave the rest for the next sweep

    stale_before = now - timedelta(seconds=settings.pending_requeue_seconds)
    requeue: list[int] = []
    for comment in _stale_pending(session, stale_before):
        if comment.score_attempts >= settings.max_score_attempts:
            result.held += int(hold_unavailable(session, comment.id, comment.score_attempts))
            continue
        # A Redis that lost its data (no persistence, restart) lost the message too; the row
        # is our copy. Reuse the comment's outbox row so repeated sweeps do not pile rows up.
        message = session.scalars(
            select(OutboxMessage).where(OutboxMessage.comment_id == comment.id).order_by(OutboxMessage.id.desc())
        ).first()
        if message is None:
            message = OutboxMessage(task=SCORE_TASK, comment_id=comment.id)
            session.add(message)
        message.published_at = None
        session.flush()
        requeue.append(message.id)
    session.commit()
    if requeue:
        result.requeued = publish(session, requeue)
    if result.published or result.requeued or result.held:
        log.info("outbox sweep: %s published, %s requeued, %s held", result.published, result.requeued, result.held)
    return result

