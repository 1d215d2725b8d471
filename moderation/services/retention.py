"""Retention: clear raw request data and delete unapproved spam after `raw_data_retention_days`.

What the daily purge does to a comment created more than N days ago:

- Decided comments (any status but `pending`) lose their truncated IP (`ip_prefix` becomes "") and
  every signal not retained. Kept are the facts a moderator or an audit needs to understand the
  decision: the bot verdicts (form token outcome, honeypot, too fast, invalid token) and facts
  derived from the text (link count, length, website given, edited, new author). Cleared are the
  request-derived details that profile a person: `fill_seconds` (typing time), `author_recognised`
  (ties the comment to a browser cookie) and any field not in `moderation.signals.RETAINED_FIELDS`,
  so a signal added later is purged unless someone decides to keep it. `raw_purged_at` marks the
  row, making reruns no-ops.
  Pending comments are left alone: the scorer still needs their signals (the sweeper holds them
  long before N days anyway).
- Comments in status `spam` whose creation *and* last change are older than N days are deleted
  with their decision, audit rows and outbox rows. A spam comment that still has replies (a
  published comment a moderator moved to spam later) is kept, scrubbed, so no reply loses its
  parent; so is spam that is a training label (a moderator's decision or an imported status,
  moderation.moderator.labels) or came from an import. Nothing else is deleted: authors, threads
  and every other status stay.
- The same purge deletes the webhook and mail delivery log, resolved reader reports and export or
  erasure requests past their own periods (moderation.datarights.retention); `moderation retention
  purge --dry-run` prints what it would delete.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from moderation.datarights import retention as privacy_retention
from moderation.imports.models import ImportedComment
from moderation.models import AuditEntry, Comment, Decision, OutboxMessage, Status, table_of, utcnow
from moderation.moderator.models import Label
from moderation.settings import Settings
from moderation.signals import RETAINED_FIELDS

log = logging.getLogger("moderation.retention")

BATCH = 500

_comments = table_of(Comment)
_SCRUB = (
    update(_comments)
    .where(_comments.c.id == bindparam("cid"))
    # updated_at is set to itself so the purge does not count as a change of the comment.
    .values(ip_prefix="", signals=bindparam("kept"), raw_purged_at=bindparam("now"),
            updated_at=_comments.c.updated_at)
)


@dataclass
class RetentionResult:
    """What one purge did."""

    scrubbed: int = 0
    deleted: int = 0
    webhook_messages: int = 0  # with their deliveries, attempts and mail deliveries
    reports: int = 0
    privacy_requests: int = 0


def kept_signals(signals: dict[str, Any] | None) -> dict[str, Any]:
    """The signals that survive the retention period."""
    return {key: value for key, value in (signals or {}).items() if key in RETAINED_FIELDS}


def cutoff(settings: Settings, now: datetime | None = None) -> datetime:
    """Rows created before this instant are past the retention period."""
    return (now or utcnow()) - timedelta(days=settings.raw_data_retention_days)


def _scrub_where(before: datetime) -> list[ColumnElement[bool]]:
    return [Comment.raw_purged_at.is_(None), Comment.created_at < before, Comment.status != Status.PENDING.value]


def _spam_where(before: datetime) -> list[ColumnElement[bool]]:
    reply = aliased(Comment)
    return [Comment.status == Status.SPAM.value, Comment.created_at < before, Comment.updated_at < before,
            ~exists().where(reply.parent_id == Comment.id),
            # Spam a moderator confirmed or an import brought in is training data: kept, scrubbed.
            ~exists().where(Label.comment_id == Comment.id),
            ~exists().where(ImportedComment.comment_id == Comment.id)]


def _scrub(session: Session, before: datetime, now: datetime) -> int:
    done = 0
    while True:
        rows = session.execute(
            select(Comment.id, Comment.signals).where(*_scrub_where(before))
            .order_by(Comment.id).limit(BATCH)
        ).all()
        if not rows:
            return done
        session.connection().execute(_SCRUB, [{"cid": cid, "kept": kept_signals(sig), "now": now} for cid, sig in rows])
        session.commit()
        done += len(rows)


def _delete_spam(session: Session, before: datetime) -> int:
    done = 0
    while True:
        ids = list(session.scalars(select(Comment.id).where(*_spam_where(before)).order_by(Comment.id).limit(BATCH)))
        if not ids:
            return done
        for model in (OutboxMessage, AuditEntry, Decision):
            session.execute(delete(model).where(model.comment_id.in_(ids)).execution_options(synchronize_session=False))
        session.execute(delete(Comment).where(Comment.id.in_(ids)).execution_options(synchronize_session=False))
        session.commit()
        done += len(ids)


def purge(sessions: sessionmaker[Session], settings: Settings, now: datetime | None = None) -> RetentionResult:
    """Clear raw request data of old comments and delete old spam, in committed batches; idempotent."""
    now = now or utcnow()
    before = cutoff(settings, now)
    with sessions() as session:
        result = RetentionResult(scrubbed=_scrub(session, before, now), deleted=_delete_spam(session, before),
                                 **privacy_retention.purge(session, settings, now))
    if any(asdict(result).values()):
        log.info("retention purge: %s comments cleared of raw data, %s spam comments deleted, %s webhook messages, "
                 "%s reports, %s privacy requests deleted", result.scrubbed, result.deleted, result.webhook_messages,
                 result.reports, result.privacy_requests)
    return result


def plan(sessions: sessionmaker[Session], settings: Settings, now: datetime | None = None) -> RetentionResult:
    """What `purge` would do at `now`, changing nothing (the dry run)."""
    now = now or utcnow()
    before = cutoff(settings, now)
    with sessions() as session:
        def n(where: list[ColumnElement[bool]]) -> int:
            return int(session.scalar(select(func.count()).select_from(Comment).where(*where)) or 0)

        return RetentionResult(scrubbed=n(_scrub_where(before)), deleted=n(_spam_where(before)),
                               **privacy_retention.count(session, settings, now))
