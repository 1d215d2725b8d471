"""Retention: old comments lose their IP prefix and personal signals; old spam is deleted."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from moderation import queue
from moderation.db import session_scope
from moderation.extensions import get_sessionmaker, get_settings
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, Thread, utcnow
from moderation.services import retention
from tests.conftest import database_urls
from tests.helpers.factories import decide_comment, make_comment
from workers import tasks

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)

SIGNALS = {"form_token": "ok", "fill_seconds": 12.5, "author_recognised": True, "honeypot": True,
           "links": 1, "new_author": True, "some_future_key": "x"}
KEPT = {"form_token": "ok", "honeypot": True, "links": 1, "new_author": True}


def decided(app: Flask, body: str, status: str, **fields: object) -> int:
    """A comment decided with `status` through the real decision path (decision, audit, outbox closed)."""
    comment_id = make_comment(app, body, email=body.replace(" ", ".") + "@example.org",
                              ip_prefix="203.0.113.0/24", **fields)
    exact_signals(app, comment_id)
    assert decide_comment(app, comment_id, status, (status,))
    return comment_id


def exact_signals(app: Flask, comment_id: int) -> None:
    """Store exactly SIGNALS (with a key no version of the code writes) as the comment's signals."""
    with session_scope(app) as session:
        session.execute(update(Comment).where(Comment.id == comment_id).values(signals=dict(SIGNALS)))


def age(app: Flask, comment_id: int, days: float) -> None:
    """Move the comment's clock back: created and last changed `days` ago."""
    past = utcnow() - timedelta(days=days)
    with session_scope(app) as session:
        session.execute(update(Comment).where(Comment.id == comment_id).values(created_at=past, updated_at=past))


def rows(app: Flask, comment_id: int) -> tuple[int, int, int, int]:
    """(comments, decisions, audit rows, outbox rows) for one comment id."""
    with session_scope(app) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model).where(column == comment_id))
            for model, column in ((Comment, Comment.id), (Decision, Decision.comment_id),
                                  (AuditEntry, AuditEntry.comment_id), (OutboxMessage, OutboxMessage.comment_id))
        )


def purge(app: Flask) -> retention.RetentionResult:
    return retention.purge(get_sessionmaker(app), get_settings(app))


def test_old_comments_lose_ip_and_personal_signals_only(app: Flask) -> None:
    old = decided(app, "lama dan baik", "published")
    fresh = decided(app, "baru dan baik", "held")
    pending = make_comment(app, "masih menunggu", email="p@example.org", ip_prefix="198.51.100.0/24")
    exact_signals(app, pending)
    for comment_id in (old, pending):
        age(app, comment_id, 31)
    with session_scope(app) as session:
        before = session.get(Comment, old).updated_at
    assert purge(app) == retention.RetentionResult(scrubbed=1, deleted=0)
    with session_scope(app) as session:
        scrubbed = session.get(Comment, old)
        assert (scrubbed.ip_prefix, scrubbed.signals) == ("", KEPT)
        assert scrubbed.raw_purged_at is not None and scrubbed.updated_at == before
        assert scrubbed.body == "lama dan baik" and scrubbed.status == "published"
        for untouched in (fresh, pending):  # too young, or still to be scored
            comment = session.get(Comment, untouched)
            assert comment.ip_prefix != "" and comment.signals == SIGNALS and comment.raw_purged_at is None
    assert rows(app, old) == (1, 1, 1, 0)  # decision and audit kept for every non-spam comment
    assert purge(app) == retention.RetentionResult()  # idempotent


def test_old_spam_is_deleted_with_its_rows_and_nothing_else(app: Flask) -> None:
    spam = decided(app, "slot gacor lama", "spam")
    young_spam = decided(app, "slot gacor baru", "spam")
    rejected = decided(app, "ditolak lama", "rejected")
    age(app, spam, 40)
    age(app, rejected, 40)
    recent_move = decided(app, "dipindah ke spam", "spam")
    with session_scope(app) as session:  # created long ago, but a moderator moved it to spam today
        session.execute(update(Comment).where(Comment.id == recent_move)
                        .values(created_at=utcnow() - timedelta(days=40)))
    assert rows(app, spam) == (1, 1, 1, 0)
    result = purge(app)
    assert result.deleted == 1
    assert rows(app, spam) == (0, 0, 0, 0)
    for kept in (young_spam, rejected, recent_move):
        assert rows(app, kept)[:3] == (1, 1, 1)
    with session_scope(app) as session:  # authors and threads are never deleted
        assert session.scalar(select(func.count()).select_from(Author)) == 4
        assert session.scalar(select(func.count()).select_from(Thread)) == 1
    assert purge(app) == retention.RetentionResult()


def test_old_spam_with_replies_is_kept_scrubbed(app: Flask) -> None:
    parent = decided(app, "dulu terbit, kini spam", "spam")
    reply = decided(app, "balasan", "published", parent_id=parent)
    age(app, parent, 40)
    age(app, reply, 40)
    assert purge(app) == retention.RetentionResult(scrubbed=2, deleted=0)
    with session_scope(app) as session:
        assert session.get(Comment, parent).ip_prefix == ""
        assert session.get(Comment, reply).parent_id == parent


def test_retention_days_setting_is_honoured(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(raw_data_retention_days=7)
    comment_id = decided(app, "delapan hari", "spam")
    age(app, comment_id, 8)
    assert purge(app).deleted == 1


def test_purge_task_and_daily_schedule(app: Flask) -> None:
    comment_id = decided(app, "spam lama", "spam")
    age(app, comment_id, 31)
    with app.app_context():
        assert tasks.purge_retention.apply().get() == {"scrubbed": 1, "deleted": 1, "webhook_messages": 0, "reports": 0, "privacy_requests": 0}
        assert tasks.purge_retention.apply().get() == {"scrubbed": 0, "deleted": 0, "webhook_messages": 0, "reports": 0, "privacy_requests": 0}
    conf = app.extensions["celery"].conf
    entry = conf.beat_schedule["purge-retention"]
    assert entry["task"] == queue.RETENTION_TASK == tasks.purge_retention.name
    assert entry["schedule"] == timedelta(days=1)
    assert conf.task_routes[queue.RETENTION_TASK]["queue"] == queue.MAINTENANCE_QUEUE
