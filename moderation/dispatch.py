"""Sending a submitted comment to the scoring queue, and spending its form token's nonce, in one step.

When the Celery broker is the Redis that also keeps the nonces (the default), a small Lua script
spends the nonce and pushes the task message in one round trip, atomically: a replayed token never
reaches the queue. The message is Celery's own (protocol 2, built by `celery.app.amqp.as_task_v2`)
in the envelope kombu's Redis transport reads; a test checks it against what `send_task` writes.
With any other broker, the nonce is spent in Redis and the task is sent with `send_task`.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import uuid
from typing import Any, Literal, Protocol

from celery import Celery
from kombu.exceptions import OperationalError as KombuOperationalError
from redis import Redis
from redis.commands.core import Script
from redis.exceptions import RedisError

from moderation.queue import SCORE_TASK, SCORING_QUEUE
from moderation.settings import Settings

log = logging.getLogger("moderation.dispatch")


def nonce_key(settings: Settings, nonce: str) -> str:
    """Where a spent form-token nonce is remembered (per deployment)."""
    return f"{settings.redis_key_prefix}form-nonce:{nonce}"

Sent = Literal["sent", "replayed", "unavailable"]

# KEYS[1]: the nonce key ("" when the token carried none), KEYS[2]: the queue list.
# ARGV[1]: nonce lifetime in seconds, ARGV[2]: the task message.
_SPEND_AND_PUSH = """
if KEYS[1] ~= '' and not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return 0
end
redis.call('LPUSH', KEYS[2], ARGV[2])
return 1
"""


class Dispatcher(Protocol):
    """Sends scoring tasks for committed comments."""

    def send(self, comment_id: int, nonce: str = "") -> Sent:
        """Spend `nonce` (if any) and enqueue scoring; "replayed" enqueues nothing."""


# Celery's headers of a score task are the same for every comment but for the ids: built once per
# process (the origin header names the process) and copied per message.
_templates: dict[int, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {}


def _template(celery_app: Celery) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    pid = os.getpid()
    template = _templates.get(pid)
    if template is None:
        headers, properties, body, _ = celery_app.amqp.as_task_v2("", SCORE_TASK, args=(0,), kwargs={}, argsrepr="[0]")
        template = _templates[pid] = (headers, properties, body[2])
    return template


def task_message(celery_app: Celery, comment_id: int, queue: str = SCORING_QUEUE) -> bytes:
    """The score task for one comment as kombu's Redis transport stores it on the queue list."""
    task_id = str(uuid.uuid4())
    headers, properties, embed = _template(celery_app)
    body = json.dumps(((comment_id,), {}, embed)).encode()
    envelope = {
        "body": base64.b64encode(body).decode(),
        "content-encoding": "utf-8",
        "content-type": "application/json",
        "headers": {**headers, "id": task_id, "root_id": task_id, "argsrepr": f"[{comment_id}]"},
        "properties": {**properties, "correlation_id": task_id, "reply_to": celery_app.thread_oid,
                       "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": queue},
                       "priority": 0, "body_encoding": "base64", "delivery_tag": str(uuid.uuid4())},
    }
    return json.dumps(envelope).encode()


class RedisDispatcher:
    """The broker is this Redis: spend the nonce and push the message in one script call."""

    def __init__(self, celery_app: Celery, redis: Redis, settings: Settings) -> None:
        self.celery_app = celery_app
        self.settings = settings
        self.queue_key = settings.redis_key_prefix + SCORING_QUEUE  # kombu's global_keyprefix
        self.nonce_ttl = int(settings.form_token_max_seconds) + 60
        self.script: Script = redis.register_script(_SPEND_AND_PUSH)

    def send(self, comment_id: int, nonce: str = "") -> Sent:
        """Spend the nonce and enqueue in one round trip."""
        keys = [nonce_key(self.settings, nonce) if nonce else "", self.queue_key]
        try:
            pushed = self.script(keys=keys, args=[self.nonce_ttl, task_message(self.celery_app, comment_id)])
        except (RedisError, OSError) as exc:
            log.warning("Redis unavailable, comment %s left for the outbox sweeper: %s", comment_id, exc)
            return "unavailable"
        return "sent" if pushed else "replayed"


class CeleryDispatcher:
    """Another broker (RabbitMQ): the nonce in Redis, then Celery's send_task."""

    def __init__(self, celery_app: Celery, redis: Redis, settings: Settings) -> None:
        self.celery_app = celery_app
        self.redis = redis
        self.settings = settings
        self.nonce_ttl = int(settings.form_token_max_seconds) + 60

    def send(self, comment_id: int, nonce: str = "") -> Sent:
        """Spend the nonce, then send the task."""
        try:
            if nonce and not self.redis.set(nonce_key(self.settings, nonce), b"1", nx=True, ex=self.nonce_ttl):
                return "replayed"
            self.celery_app.send_task(SCORE_TASK, args=[comment_id], queue=SCORING_QUEUE, retry=False)
        except (KombuOperationalError, RedisError, OSError) as exc:
            log.warning("broker or Redis unavailable, comment %s left for the outbox sweeper: %s", comment_id, exc)
            return "unavailable"
        return "sent"


def dispatcher_for(celery_app: Celery, redis: Redis, settings: Settings) -> Dispatcher:
    """The Redis fast path when the broker is the Redis at `redis_url`, else Celery's own sending."""
    if settings.effective_broker_url == settings.redis_url:
        return RedisDispatcher(celery_app, redis, settings)
    return CeleryDispatcher(celery_app, redis, settings)
