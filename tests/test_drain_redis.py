"""Taking and acking a batch on Redis in one round trip each, leaving kombu's unacked bookkeeping as kombu writes it."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from kombu import Connection
from kombu.utils.json import loads

from moderation.extensions import get_celery, get_dispatcher, get_redis, get_settings
from moderation.queue import SCORE_TASK, SCORING_QUEUE
from tests.helpers.factories import make_comment
from workers import drain, drain_redis


@pytest.fixture
def broker(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """A Redis client and this app's key prefix; the drain's connection and kombu's unacked keys start empty."""
    redis, prefix = get_redis(app), get_settings(app).redis_key_prefix
    monkeypatch.setattr(drain, "_connection", None)
    redis.delete(prefix + "unacked", prefix + "unacked_index")
    yield redis, prefix
    if drain._connection is not None:
        drain._connection.close()
    redis.delete(prefix + "unacked", prefix + "unacked_index", prefix + SCORING_QUEUE)


def _send(app: Flask, how: str, comment_id: int) -> None:
    if how == "web":  # the submit path's own message (moderation.dispatch.task_message)
        assert get_dispatcher(app).send(comment_id) == "sent"
    else:  # Celery's (kombu's _put), as the outbox sweeper sends
        get_celery(app).send_task(SCORE_TASK, args=[comment_id], queue=SCORING_QUEUE)


def _queued(app: Flask, word: str, count: int) -> list[int]:
    """`count` pending comments, each queued by the submit path's sender."""
    ids = [make_comment(app, f"{word} {n}", email=f"{word}{n}@example.org") for n in range(count)]
    for cid in ids:
        _send(app, "web", cid)
    return ids


@pytest.mark.parametrize("how", ["web", "celery"])
def test_a_taken_batch_is_unacked_as_kombu_records_it_until_acked(app: Flask, broker: tuple[Any, str], how: str) -> None:
    redis, prefix = broker
    ids = [make_comment(app, f"antre {n}", email=f"d{n}@example.org") for n in range(6)]
    for cid in ids[:3]:
        _send(app, how, cid)
    get_celery(app).send_task("workers.webhooks.deliver", args=[1], queue=SCORING_QUEUE)  # not a score task
    for cid in ids[3:]:
        _send(app, how, cid)
    taken = drain.take(get_celery(app), redis, get_settings(app), 10)
    assert [t.comment_id for t in taken] == ids  # in queue order, the other task left out
    assert isinstance(taken[0].message.channel, drain_redis.DrainChannel)
    assert redis.llen(prefix + SCORING_QUEUE) == 1  # the deliver task, given back
    stored = redis.hgetall(prefix + "unacked")
    assert set(stored) == {t.message.delivery_tag.encode() for t in taken}
    assert redis.zcard(prefix + "unacked_index") == len(taken)
    for t in taken:  # kombu's QoS.append format: [payload, exchange, routing key]
        assert loads(stored[t.message.delivery_tag.encode()]) == [t.message._raw, "", SCORING_QUEUE]
    drain.ack(taken[:4])
    assert redis.hlen(prefix + "unacked") == 2 and redis.zcard(prefix + "unacked_index") == 2
    assert all(t.message.acknowledged for t in taken[:4])
    with pytest.raises(Exception, match="already"):
        taken[0].message.ack()  # as after kombu's own ack


def test_a_worker_that_dies_holding_a_batch_has_it_restored_by_kombu(app: Flask, broker: tuple[Any, str]) -> None:
    redis, prefix = broker
    ids = _queued(app, "mati", 5)
    taken = drain.take(get_celery(app), redis, get_settings(app), 10)
    assert len(taken) == 5 and redis.llen(prefix + SCORING_QUEUE) == 0
    drain._connection = None  # the process "dies": nothing acked, nothing requeued
    celery_app = get_celery(app)
    options = dict(celery_app.conf.broker_transport_options, visibility_timeout=0)
    with Connection(celery_app.conf.broker_url, transport_options=options) as plain:  # kombu's own transport
        plain.default_channel.qos.restore_visible()  # what any worker runs periodically
        queue = plain.SimpleQueue(SCORING_QUEUE, no_ack=True)
        restored = [queue.get(timeout=1) for _ in ids]
        queue.close()
    assert sorted(m.payload[0][0] for m in restored) == sorted(ids)
    assert all(m.delivery_info.get("redelivered") for m in restored)
    assert redis.hlen(prefix + "unacked") == 0 and redis.llen(prefix + SCORING_QUEUE) == 0


def test_requeue_gives_a_taken_message_back_at_once(app: Flask, broker: tuple[Any, str]) -> None:
    redis, prefix = broker
    _queued(app, "balik", 4)
    taken = drain.take(get_celery(app), redis, get_settings(app), 10)
    drain.requeue(taken[1:])
    drain.ack(taken[:1])
    assert redis.llen(prefix + SCORING_QUEUE) == 3 and redis.hlen(prefix + "unacked") == 0
