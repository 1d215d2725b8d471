"""The batch decision writer: one decision and one audit row per comment, none for a comment decided meanwhile."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from moderation import policy
from moderation.db import session_scope
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, Status
from moderation.services import decisions
from tests.conftest import database_urls
from tests.helpers.factories import decide_comment, make_comment
from tests.webhooks.helpers import FAST, WebhookDelivery, WebhookMessage, add_endpoint, inline, rows


def _pending(app: Flask, statuses: dict[int, str]) -> list[decisions.Pending]:
    """What the worker would record for these comments, with the text it scored."""
    with session_scope(app) as session:
        hmacs = {cid: h for cid, h in session.execute(select(Comment.id, Comment.body_hmac).where(Comment.id.in_(list(statuses))))}
    return [decisions.Pending(cid, hmacs[cid], policy.Decision(Status(status), ["toxic"] if status != "published" else []),
                              decisions.Outcome(scores={"toxicity": 0.5}, model_version="test-1", language="id"))
            for cid, status in statuses.items()]


def _count(app: Flask, model: Any, comment_id: int) -> int:
    with session_scope(app) as session:
        return int(session.scalar(select(func.count()).select_from(model).where(model.comment_id == comment_id)) or 0)


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_one_decision_and_audit_row_each_and_a_concurrent_decision_wins(app: Flask) -> None:
    ids = [make_comment(app, f"Komentar {n}", email="same@example.org" if n < 2 else f"w{n}@example.org")
           for n in range(5)]
    items = _pending(app, {cid: "held" if n == 4 else "published" for n, cid in enumerate(ids)})
    assert decide_comment(app, ids[3], "spam", ("spam",))  # another run decided this one first
    with session_scope(app) as session:
        recorded = decisions.record_decisions(session, [*items, items[0]])  # and one comment twice in the batch
    assert recorded == {ids[0], ids[1], ids[2], ids[4]}
    for cid in ids:
        assert (_count(app, Decision, cid), _count(app, AuditEntry, cid), _count(app, OutboxMessage, cid)) == (1, 1, 0)
    with session_scope(app) as session:
        assert [session.get(Comment, cid).status for cid in ids] == ["published"] * 3 + ["spam", "held"]
        assert session.scalars(select(Decision.status).where(Decision.comment_id == ids[3])).one() == "spam"
        authors = {c.author_id: session.get(Author, c.author_id).published_count
                   for c in session.scalars(select(Comment).where(Comment.id.in_(ids)))}
    assert sorted(authors.values()) == [0, 0, 1, 2]  # two published comments of one author count twice


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
@pytest.mark.parametrize("subscribed", ["comment.published,comment.held,comment.replied", "comment.held"])
def test_every_comment_of_a_batch_gets_its_webhook_messages(app_factory: Any, subscribed: str) -> None:
    app = app_factory(**FAST)
    queue = inline(app)
    parent = make_comment(app, "Induk", email="p@example.org")
    decide_comment(app, parent, "published")
    ids = [make_comment(app, f"Balasan {n}", email=f"r{n}@example.org", parent_id=parent if n == 0 else None)
           for n in range(4)]
    add_endpoint(app, "http://127.0.0.1:9/hook", subscribed)
    statuses = {cid: "held" if n % 2 else "published" for n, cid in enumerate(ids)}
    with session_scope(app) as session:
        assert decisions.record_decisions(session, _pending(app, statuses)) == set(ids)
    wanted = set(subscribed.split(","))
    expected = {(f"comment.{status}", cid) for cid, status in statuses.items() if f"comment.{status}" in wanted}
    if "comment.replied" in wanted:
        expected.add(("comment.replied", parent))
    messages = rows(app, WebhookMessage)
    assert {(m.event_type, m.comment_id) for m in messages} == expected and len(messages) == len(expected)
    for m in messages:
        subject = m.payload["data"]["comment"]
        assert subject["id"] == m.comment_id and subject["status"] == (statuses.get(m.comment_id) or "published")
    deliveries = rows(app, WebhookDelivery)
    assert sorted(d.message_id for d in deliveries) == sorted(m.id for m in messages)  # one endpoint: one each
    assert sorted(sent for sent, _ in queue.sent) == sorted(d.id for d in deliveries)  # sent after commit


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
@pytest.mark.parametrize("batch", [1, 3])
def test_a_comment_edited_while_it_was_scored_is_not_decided(app: Flask, batch: int) -> None:
    ids = [make_comment(app, f"Teks asli {n}", email=f"e{n}@example.org") for n in range(batch)]
    items = _pending(app, dict.fromkeys(ids, "published"))
    with session_scope(app) as session:  # the author edits the first one: its keyed hash changes
        session.get(Comment, ids[0]).body_hmac = "edited"
    with session_scope(app) as session:
        assert decisions.record_decisions(session, items) == set(ids[1:])
    assert _count(app, Decision, ids[0]) == 0 and _count(app, AuditEntry, ids[0]) == 0
    with session_scope(app) as session:
        assert [session.get(Comment, cid).status for cid in ids] == ["pending"] + ["published"] * (batch - 1)
        assert all(session.get(Comment, cid).priority == 0.5 for cid in ids[1:])  # the queue's sort key, written too
