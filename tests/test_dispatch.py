"""The web side's sender: one Redis round trip spends the form token's nonce and queues the task."""
from __future__ import annotations

import json
import uuid

from flask import Flask
from redis import Redis

from moderation.dispatch import CeleryDispatcher, RedisDispatcher, dispatcher_for, nonce_key, task_message
from moderation.extensions import get_celery, get_redis, get_settings
from moderation.queue import SCORE_TASK, SCORING_QUEUE
from tests.conftest import make_config


def _key(app: Flask) -> str:
    return get_settings(app).redis_key_prefix + SCORING_QUEUE


def _queue(app: Flask) -> Redis:
    redis = get_redis(app)
    redis.delete(_key(app))
    return redis


def _shape(value: object) -> object:
    """Keys and value types, recursively: what must match between two messages with other ids."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    return type(value).__name__


def test_our_message_is_the_one_celery_writes(app: Flask) -> None:
    redis = _queue(app)
    get_celery(app).send_task(SCORE_TASK, args=[42], queue=SCORING_QUEUE, retry=False)
    theirs = json.loads(redis.lpop(_key(app)))  # type: ignore[arg-type]
    ours = json.loads(task_message(get_celery(app), 42))
    for message in (theirs, ours):  # per-message ids and the sending host differ by design
        for key in ("id", "root_id", "origin"):
            message["headers"].pop(key)
        for key in ("correlation_id", "delivery_tag", "reply_to"):
            message["properties"].pop(key)
        message["headers"].pop("ignore_result")
    assert ours["body"] == theirs["body"]
    assert ours == theirs
    assert _shape(ours) == _shape(theirs)


def test_a_nonce_is_spent_once_and_a_replay_queues_nothing(app: Flask) -> None:
    redis = _queue(app)
    dispatcher = RedisDispatcher(get_celery(app), redis, get_settings(app))
    nonce = uuid.uuid4().hex
    assert dispatcher.send(7, nonce) == "sent"
    assert dispatcher.send(8, nonce) == "replayed"
    assert dispatcher.send(9) == "sent"  # no nonce: just queued
    queued = [json.loads(m)["headers"]["argsrepr"] for m in redis.lrange(_key(app), 0, -1)]
    assert sorted(queued) == ["[7]", "[9]"]
    assert 0 < redis.ttl(nonce_key(get_settings(app), nonce)) <= int(get_settings(app).form_token_max_seconds) + 60


def test_redis_down_is_reported_not_raised(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from moderation import create_app

    app = create_app(make_config(f"sqlite:///{tmp_path}/x.sqlite", redis_url="redis://127.0.0.1:1/0"))
    dispatcher = RedisDispatcher(get_celery(app), get_redis(app), get_settings(app))
    assert dispatcher.send(1, "n") == "unavailable"


def test_another_broker_uses_celery_with_the_nonce_in_redis(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(broker_url="amqp://guest:guest@127.0.0.1:1//")
    dispatcher = dispatcher_for(get_celery(app), get_redis(app), get_settings(app))
    assert isinstance(dispatcher, CeleryDispatcher)
    assert dispatcher.send(1, "nonce-rabbit") == "unavailable"  # nothing listens on port 1
    get_redis(app).delete(nonce_key(get_settings(app), "nonce-rabbit"))
    assert isinstance(dispatcher_for(get_celery(app), get_redis(app), get_settings(app).model_copy(
        update={"broker_url": ""})), RedisDispatcher)
