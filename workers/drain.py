"""Taking more waiting scoring messages from the broker, to score them with the one that arrived.

Messages are taken unacknowledged (kombu's basic_get): until `ack`, the broker keeps each one as
delivered-but-unacked, so a worker killed mid-batch loses nothing (Redis hands them out again after
the visibility timeout, like any message a dead worker held). `requeue` gives them back at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from celery import Celery
from kombu import Connection, Queue
from kombu.exceptions import ChannelError
from kombu.exceptions import OperationalError as KombuOperationalError
from redis import Redis
from redis.exceptions import RedisError

from moderation.queue import SCORE_TASK, SCORING_QUEUE
from moderation.settings import Settings
from workers import drain_redis

log = logging.getLogger("workers.drain")
# ChannelError: the queue is not declared yet (no worker started it): nothing to take.
_ERRORS = (KombuOperationalError, ChannelError, RedisError, OSError)

# A queue is "deep" from this many waiting messages: below it, comments are scored one by one, so
# a shallow queue keeps Celery's per-message behaviour exactly (a killed pool child's message is
# redelivered at once; taken messages wait for the visibility timeout).
MIN_DEPTH = 4

_connection: Connection | None = None


@dataclass(frozen=True)
class Taken:
    """A scoring message taken from the queue, and the comment it is for."""

    comment_id: int
    message: Any


def _queue(celery_app: Celery) -> Queue:
    global _connection
    if _connection is None:  # one connection per pool process, opened on first use (after the fork)
        redis_broker = urlsplit(celery_app.conf.broker_url or "").scheme in ("redis", "rediss")
        # On Redis, kombu's transport with a kept client and batched acks (workers.drain_redis).
        _connection = celery_app.connection_for_read(transport=drain_redis.DrainTransport if redis_broker else None)
    return Queue(SCORING_QUEUE, channel=_connection.default_channel)


def waiting(celery_app: Celery, redis: Redis, settings: Settings) -> int:
    """How many scoring messages wait in the queue."""
    if settings.effective_broker_url == settings.redis_url:
        return int(redis.llen(settings.redis_key_prefix + SCORING_QUEUE))  # the list kombu reads
    channel: Any = _queue(celery_app).channel  # StdChannel's type omits queue_declare, which channels have
    return int(channel.queue_declare(queue=SCORING_QUEUE, passive=True).message_count)


def take(celery_app: Celery, redis: Redis, settings: Settings, limit: int) -> list[Taken]:
    """Up to `limit` waiting score messages when the queue is deep; none when it is shallow."""
    global _connection
    taken: list[Taken] = []
    if limit <= 0:
        return taken
    try:
        if waiting(celery_app, redis, settings) < MIN_DEPTH:
            return taken
        queue = _queue(celery_app)
        channel = queue.channel
        if isinstance(channel, drain_redis.DrainChannel):
            messages = channel.basic_get_many(SCORING_QUEUE, limit)  # one atomic round trip
        else:
            messages = _get_each(queue, limit)
        for message in messages:
            if message.errors:
                message._reraise_error()  # as Queue.get does
            args = message.decode()[0] if message.headers.get("task") == SCORE_TASK else None
            if not args or not isinstance(args[0], int):
                message.requeue()  # not ours to batch: leave it to the normal consumer
                continue
            taken.append(Taken(args[0], message))
    except _ERRORS as exc:
        log.warning("could not take more scoring messages: %s", exc)
        _connection = None
    return taken


def _get_each(queue: Queue, limit: int) -> list[Any]:
    """Up to `limit` messages one basic_get at a time, ending at the first that is not a score task."""
    messages: list[Any] = []
    while len(messages) < limit:
        message = queue.get(no_ack=False)
        if message is None:
            break
        messages.append(message)
        if message.headers.get("task") != SCORE_TASK:
            break
    return messages


def ack(taken: list[Taken]) -> None:
    """Acknowledge messages whose comments are decided (or were not pending), in one round trip on Redis."""
    if not taken or drain_redis.ack_many([item.message for item in taken]):
        return
    for item in taken:  # another broker: one by one
        item.message.ack()


def requeue(taken: list[Taken]) -> None:
    """Give messages back to the queue at once (the batch failed before deciding them)."""
    for item in taken:
        try:
            item.message.requeue()
        except _ERRORS as exc:  # the broker will hand it out again after the visibility timeout
            log.warning("could not requeue the message for comment %s: %s", item.comment_id, exc)
