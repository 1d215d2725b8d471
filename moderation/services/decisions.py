"""Recording automatic decisions exactly once.

Every function here works inside the caller's transaction and never commits or rolls back: the
worker task that opened the session owns it and commits once per step.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, tuple_, update
from sqlalchemy.orm import Session

from moderation import policy
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, Status, table_of, utcnow
from moderation.signals import Signals
from moderation.webhooks import events as webhook_events

log = logging.getLogger("moderation.decisions")

# Prebuilt Core statements for the per-comment hot path: no statement construction per task.
_comments, _outbox, _authors = table_of(Comment), table_of(OutboxMessage), table_of(Author)
_COUNT_ATTEMPT = (
    update(_comments)
    .where(_comments.c.id == bindparam("cid"), _comments.c.status == Status.PENDING.value)
    .values(score_attempts=_comments.c.score_attempts + 1, updated_at=bindparam("now"))
    .returning(_comments.c.score_attempts)
)
# The guard of exactly-once: only a pending comment whose text is still the text that was scored
# (an author's edit changes body_hmac) moves on. A concurrent second run finds it decided.
_SET_STATUS = (
    update(_comments)
    .where(_comments.c.id == bindparam("cid"), _comments.c.status == Status.PENDING.value,
           _comments.c.body_hmac == bindparam("scored_hmac"))
    .values(status=bindparam("new_status"), decided_at=bindparam("now"), updated_at=bindparam("now"),
            priority=bindparam("priority"), version=_comments.c.version + 1)
    .returning(_comments.c.author_id)
)
# The same guard for many comments given the same status, in one statement: each moves only if it
# is still pending with the text that was scored; RETURNING says exactly which ones moved.
_SET_STATUS_MANY = (
    update(_comments)
    # `id IN` beside the pairs: SQLite scans the whole table for a row-value IN alone.
    .where(_comments.c.id.in_(bindparam("ids", expanding=True)),
           tuple_(_comments.c.id, _comments.c.body_hmac).in_(bindparam("keys", expanding=True)),
           _comments.c.status == Status.PENDING.value)
    .values(status=bindparam("new_status"), decided_at=bindparam("now"), updated_at=bindparam("now"),
            version=_comments.c.version + 1)
    .returning(_comments.c.id, _comments.c.author_id)
)
_SET_PRIORITY = update(_comments).where(_comments.c.id == bindparam("cid")).values(priority=bindparam("priority"))
_INSERT_DECISION = insert(table_of(Decision))
_INSERT_AUDIT = insert(table_of(AuditEntry))
_COUNT_PUBLISHED = (
    update(_authors).where(_authors.c.id.in_(bindparam("aids", expanding=True)))
    .values(published_count=_authors.c.published_count + bindparam("n"))
)
# A decided comment needs no message any more; dropping its rows keeps the outbox small.
_DROP_OUTBOX = delete(_outbox).where(_outbox.c.comment_id.in_(bindparam("cids", expanding=True)))


def count_attempt(session: Session, comment_id: int) -> int | None:
    """Count one scoring attempt on a pending comment and return the count; None if not pending.

    The caller commits before scoring: a run that kills its process still counts, which bounds
    poison messages (Redis keeps no redelivery counter).
    """
    row = session.connection().execute(_COUNT_ATTEMPT, {"cid": comment_id, "now": utcnow()})
    attempts: int | None = row.scalar_one_or_none()
    return attempts


_FIRST_ATTEMPTS = (
    update(_comments)
    .where(_comments.c.id.in_(bindparam("ids", expanding=True)), _comments.c.status == Status.PENDING.value,
           _comments.c.score_attempts == 0)
    .values(score_attempts=1, updated_at=bindparam("now"))
    .returning(_comments.c.id)
)


def count_first_attempts(session: Session, comment_ids: list[int]) -> set[int]:
    """Count the first attempt of those comments never tried before (one statement); returns their ids."""
    rows = session.connection().execute(_FIRST_ATTEMPTS, {"ids": comment_ids, "now": utcnow()})
    return {int(cid) for (cid,) in rows}


def author_facts(comment: Comment, signals: Signals) -> policy.AuthorFacts:
    """What the policy may know about the commenter."""
    author: Author = comment.author
    until = author.banned_until
    return policy.AuthorFacts(
        published_count=author.published_count,
        banned=author.banned and (until is None or until > utcnow()),
        recognised=signals.author_recognised,
        ip_prefix=comment.ip_prefix or "",
    )


@dataclass
class Outcome:
    """Everything stored with a decision besides the status and reasons."""

    scores: dict[str, float] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)
    explanation: dict[str, Any] = field(default_factory=dict)
    model_version: str = ""
    language: str = ""


def queue_priority(scores: dict[str, Any]) -> float:
    """The moderator queue's sort key: the highest classifier score (0 when unscored)."""
    values = [float(v) for k, v in scores.items() if k in policy.SCORE_REASONS and isinstance(v, (int, float))]
    return max(values, default=0.0)


@dataclass(frozen=True)
class Pending:
    """A decision to record: the comment, the text that was scored (its keyed hash), status and reasons, outcome."""

    comment_id: int
    body_hmac: str | None
    decision: policy.Decision
    outcome: Outcome


def record_decision(
    session: Session, comment_id: int, body_hmac: str | None, decision: policy.Decision, outcome: Outcome,
    actor: str = "system",
) -> bool:
    """Write the new status, the decision and an audit row in the caller's transaction.

    Returns False, having written nothing, when the comment is no longer pending with the text
    that was scored: decided by a concurrent run, deleted or edited by its author, or moved by a
    moderator while it was being scored.
    """
    return bool(record_decisions(session, [Pending(comment_id, body_hmac, decision, outcome)], actor))


def record_decisions(session: Session, items: list[Pending], actor: str = "system") -> set[int]:
    """`record_decision` for many comments in the caller's transaction; returns the ids recorded.

    The guarded status change (it alone decides who wins) is one statement per new status;
    everything after it is one statement per kind for the whole batch, so a batch costs a few
    statements, not six per comment.
    """
    now = utcnow()
    conn = session.connection()
    groups: dict[str, list[Pending]] = {}
    for item in items:
        groups.setdefault(item.decision.status.value, []).append(item)
    won = [claimed for status, group in groups.items() for claimed in _claim(conn, status, group, now)]
    if not won:
        return set()
    conn.execute(_INSERT_DECISION, [{
        "comment_id": item.comment_id, "status": item.decision.status.value, "scores": item.outcome.scores,
        "reasons": list(item.decision.reasons), "thresholds": item.outcome.thresholds,
        "explanation": item.outcome.explanation, "model_version": item.outcome.model_version[:100],
        "language": item.outcome.language[:8], "created_at": now,
    } for item, _ in won])
    conn.execute(_INSERT_AUDIT, [{
        "comment_id": item.comment_id, "actor": actor, "from_status": Status.PENDING.value,
        "to_status": item.decision.status.value, "reason": ",".join(item.decision.reasons)[:500], "created_at": now,
    } for item, _ in won])
    published = Counter(author_id for item, author_id in won if item.decision.status == Status.PUBLISHED)
    by_count: dict[int, list[int]] = {}
    for author_id, count in published.items():  # an author with two comments in the batch counts twice
        by_count.setdefault(count, []).append(author_id)
    for count, author_ids in by_count.items():
        conn.execute(_COUNT_PUBLISHED, {"aids": author_ids, "n": count})
    ids = [item.comment_id for item, _ in won]
    conn.execute(_DROP_OUTBOX, {"cids": ids})
    # Webhook messages and author mail for the new statuses, in this same transaction (outbox).
    webhook_events.record_many(session, [(webhook_events.STATUS_EVENTS[item.decision.status.value], item.comment_id)
                                         for item, _ in won], now=now)
    if log.isEnabledFor(logging.INFO):
        for item, _ in won:
            log.info("comment %s decided: %s %s", item.comment_id, item.decision.status.value,
                     ",".join(item.decision.reasons))
    return set(ids)


def _claim(conn: Connection, status: str, group: list[Pending], now: datetime) -> list[tuple[Pending, int]]:
    """The guarded status change of comments decided alike: (item, author id) for each comment it moved."""
    if len(group) == 1:  # one comment (the single path): one statement
        item = group[0]
        author_id = conn.execute(_SET_STATUS, {"cid": item.comment_id, "scored_hmac": item.body_hmac, "now": now,
                                               "new_status": status,
                                               "priority": queue_priority(item.outcome.scores)}).scalar_one_or_none()
        claimed: dict[int, int] = {} if author_id is None else {item.comment_id: author_id}
    else:
        rows = conn.execute(_SET_STATUS_MANY, {"ids": [item.comment_id for item in group],
                                               "keys": [(item.comment_id, item.body_hmac) for item in group],
                                               "new_status": status, "now": now})
        claimed = dict(rows.all())  # each Row is an (id, author id) pair
    won = []
    for item in group:
        if item.comment_id in claimed:  # pop: a comment listed twice is recorded once
            won.append((item, claimed.pop(item.comment_id)))
        else:
            log.info("comment %s no longer pending with the scored text; decision dropped", item.comment_id)
    if len(group) > 1 and won:
        conn.execute(_SET_PRIORITY, [{"cid": item.comment_id, "priority": queue_priority(item.outcome.scores)}
                                     for item, _ in won])
    return won


def hold_unavailable(session: Session, comment_id: int, body_hmac: str | None, attempts: int) -> bool:
    """Hold a comment whose scoring keeps failing, for a human; never publish it unscored."""
    log.warning("comment %s held after %s failed scoring attempts", comment_id, attempts)
    return record_decision(session, comment_id, body_hmac, policy.unavailable(), Outcome(scores={"attempts": attempts}))
