"""The outbox sweep: send what the request could not, re-send what a broker lost, hold the hopeless.

A comment is committed with an outbox row in one transaction. The request then sends the scoring
task itself; the row records that send (`published_at`, `attempts`). A send that failed leaves
`published_at` NULL, and the sweep sends it after OUTBOX_GRACE_SECONDS. A message the broker lost
(Redis restarted without persistence, or the web process died between commit and send) shows as
a comment still pending long after its last send: the sweep re-sends it after
`pending_requeue_seconds`, then after twice that, four times, up to RESEND_BACKOFF_CAP times, so a
deep queue is not multiplied by its own re-sends. A comment whose scoring was attempted
`max_score_attempts` times is held for a human. A lease in SQL keeps two sweeps from overlapping.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from moderation import leases
from moderation.models import Comment, OutboxMessage, Status, utcnow
from moderation.queue import SCORE_TASK
from moderation.services.decisions import hold_unavailable
from moderation.settings import Settings

log = logging.getLogger("moderation.outbox")

OUTBOX_GRACE_SECONDS = 5.0
SWEEP_BATCH = 500
RESEND_BACKOFF_CAP = 16
LEASE = "outbox-sweep"

# Sends comment ids to the broker in order; returns the ids sent (it stops at the first failure).
Publisher = Callable[[list[int]], list[int]]


@dataclass
class SweepResult:
    """What one sweep did."""

    published: int = 0
    requeued: int = 0
    held: int = 0
    skipped: bool = False  # another sweep held the lease


def resend_after(settings: Settings, attempts: int) -> timedelta:
    """How long a pending comment waits after its last send before the next re-send."""
    factor = min(2 ** max(attempts - 1, 0), RESEND_BACKOFF_CAP)
    return timedelta(seconds=settings.pending_requeue_seconds * factor)


def _unsent(session: Session, before: datetime) -> list[int]:
    """Comments whose send failed (row open) more than the grace period ago."""
    query = (
        select(OutboxMessage.comment_id)
        .join(Comment, Comment.id == OutboxMessage.comment_id)
        .where(OutboxMessage.published_at.is_(None), OutboxMessage.created_at < before,
               Comment.status == Status.PENDING.value)
        .order_by(OutboxMessage.id).limit(SWEEP_BATCH)
        .with_for_update(of=OutboxMessage, skip_locked=True)
    )
    return list(dict.fromkeys(session.scalars(query)))


def _stale(session: Session, settings: Settings, now: datetime) -> list[tuple[Comment, OutboxMessage | None]]:
    """Pending comments untouched for `pending_requeue_seconds` whose last send is past its back-off."""
    before = now - timedelta(seconds=settings.pending_requeue_seconds)
    latest = aliased(OutboxMessage)
    last_row = (
        select(func.max(latest.id)).where(latest.comment_id == Comment.id).correlate(Comment).scalar_subquery()
    )
    query = (
        select(Comment, OutboxMessage)
        .outerjoin(OutboxMessage, and_(OutboxMessage.id == last_row))
        .where(Comment.status == Status.PENDING.value, Comment.created_at < before, Comment.updated_at < before)
        .where((OutboxMessage.id.is_(None)) | (OutboxMessage.published_at < before))
        .order_by(Comment.id).limit(SWEEP_BATCH)
        .with_for_update(of=Comment, skip_locked=True)
    )
    due: list[tuple[Comment, OutboxMessage | None]] = []
    for comment, message in session.execute(query):
        last_sent = message.published_at if message is not None else None
        if message is None or last_sent is None or last_sent < now - resend_after(settings, message.attempts):
            due.append((comment, message))
    return due


def sweep(
    sessions: sessionmaker[Session], settings: Settings, publish: Publisher, now: datetime | None = None
) -> SweepResult:
    """Send unsent rows, re-send stale pending comments, hold exhausted ones (each step committed)."""
    now = now or utcnow()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not leases.acquire(sessions, LEASE, holder, seconds=settings.task_time_limit):
        return SweepResult(skipped=True)
    try:
        return _sweep(sessions, settings, publish, now)
    finally:
        leases.release(sessions, LEASE, holder)


def _sweep(sessions: sessionmaker[Session], settings: Settings, publish: Publisher, now: datetime) -> SweepResult:
    result = SweepResult()
    exhausted: list[tuple[int, str | None, int]] = []
    with sessions() as session:
        unsent = _unsent(session, now - timedelta(seconds=OUTBOX_GRACE_SECONDS))
        requeue: list[int] = []
        for comment, message in _stale(session, settings, now):
            if comment.score_attempts >= settings.max_score_attempts:
                exhausted.append((comment.id, comment.body_hmac, comment.score_attempts))
                continue
            if message is None:  # our copy of the message is the comment row itself
                session.add(OutboxMessage(task=SCORE_TASK, comment_id=comment.id, published_at=None))
            requeue.append(comment.id)
        session.commit()
    to_send = unsent + [cid for cid in requeue if cid not in unsent]
    sent = publish(to_send) if to_send else []
    if sent:
        with sessions() as session:
            session.execute(
                update(OutboxMessage).where(OutboxMessage.comment_id.in_(sent))
                .values(published_at=now, attempts=OutboxMessage.attempts + 1)
            )
            session.commit()
    sent_set = set(sent)
    result.published = sum(1 for cid in unsent if cid in sent_set)
    result.requeued = sum(1 for cid in requeue if cid in sent_set and cid not in unsent)
    for comment_id, body_hmac, attempts in exhausted:
        with sessions() as session:
            if hold_unavailable(session, comment_id, body_hmac, attempts):
                result.held += 1
            session.commit()
    if result.published or result.requeued or result.held:
        log.info("outbox sweep: %s published, %s requeued, %s held", result.published, result.requeued, result.held)
    return result
