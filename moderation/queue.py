"""The single seam to Celery: configuration, and publishing outbox rows by task name."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import Celery, Task
from flask import Flask
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from moderation import webhooks
from moderation.settings import Settings, SettingsError

# Enqueues scoring of a committed comment id; False when the broker is unreachable.
Enqueue = Callable[[int], bool]

log = logging.getLogger("moderation.queue")

SCORE_TASK = "workers.tasks.score_comment"
SWEEP_TASK = "workers.tasks.sweep_outbox"
RETENTION_TASK = "workers.tasks.purge_retention"
RETENTION_INTERVAL = timedelta(days=1)
LEARN_TASK = "workers.tasks.learn_sites"
SCORING_QUEUE = "scoring"
# Sweeps and purges have their own queue: they never wait behind a backlog of comments, and a
# slow purge never delays scoring.
MAINTENANCE_QUEUE = "maintenance"
# Training takes minutes and gigabytes: its own queue, for a worker on a machine with the datasets.
LEARNING_QUEUE = "learning"


def restore_interval(visibility_timeout: int) -> int:
    """Seconds between scans for unacked messages whose visibility timeout has passed."""
    return max(1, min(10, visibility_timeout // 8))


def retry_countdown(retries: int, visibility_timeout: int) -> int:
    """Exponential backoff capped at half the visibility timeout (an ETA beyond it would be redelivered)."""
    return max(1, min(1 << min(retries, 8), 30, visibility_timeout // 2))


def celery_config(settings: Settings) -> dict[str, Any]:
    """Celery settings that make a SIGKILLed worker lose nothing."""
    if settings.task_time_limit >= settings.visibility_timeout:
        # Otherwise Redis hands a still-running task to a second worker (duplicate runs forever).
        raise SettingsError(
            f"task_time_limit ({settings.task_time_limit}s) must be below visibility_timeout "
            f"({settings.visibility_timeout}s)"
        )
    transport: dict[str, Any] = {
        "visibility_timeout": settings.visibility_timeout,
        # A whole-worker crash is recovered after visibility_timeout plus one restore scan; scan
        # often (the scan is one ZRANGEBYSCORE) so that bound stays near the timeout.
        "unacked_restore_interval": restore_interval(settings.visibility_timeout),
        "unacked_restore_throttle": 1,
        # Publishing gives up fast (one quick retry) when the broker is down: the web request must
        # still answer 202 promptly, and the outbox row is our copy (kombu's default waits ~6 s).
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
        "retry_on_timeout": False,
    }
    if settings.effective_broker_url.startswith(("redis://", "rediss://", "unix://")):
        # Queues, bindings and the unacked set of this deployment only (RabbitMQ: use a vhost each).
        transport["global_keyprefix"] = settings.redis_key_prefix
    return {
        "broker_url": settings.effective_broker_url,
        "broker_transport_options": transport,
        "result_backend_transport_options": {"visibility_timeout": settings.visibility_timeout},
        "visibility_timeout": settings.visibility_timeout,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        "result_backend": None,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        # SIGTERM: stop taking work, give running tasks 10 s, then re-queue them at once.
        "worker_soft_shutdown_timeout": 10.0,
        "task_time_limit": settings.task_time_limit,
        "task_soft_time_limit": settings.task_time_limit - max(1, min(10, settings.task_time_limit // 4)),
        "task_default_queue": SCORING_QUEUE,
        "task_routes": {SCORE_TASK: {"queue": SCORING_QUEUE}, SWEEP_TASK: {"queue": MAINTENANCE_QUEUE},
                        RETENTION_TASK: {"queue": MAINTENANCE_QUEUE}, LEARN_TASK: {"queue": LEARNING_QUEUE}}
        | webhooks.task_routes(MAINTENANCE_QUEUE),
        "task_annotations": webhooks.task_annotations(settings),
        "task_serializer": "json",
        "accept_content": ["json"],
        "event_serializer": "json",
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            "sweep-outbox": {"task": SWEEP_TASK, "schedule": timedelta(seconds=settings.outbox_sweep_seconds)},
            # Clear raw request data and delete old spam (moderation.services.retention).
            "purge-retention": {"task": RETENTION_TASK, "schedule": RETENTION_INTERVAL},
            **webhooks.beat_schedule(settings),
            **learning_schedule(settings),
        },
    }


def learning_schedule(settings: Settings) -> dict[str, Any]:
    """The continuous-learning beat entry, only when some site has it on (nothing would consume it otherwise).

    The task is acknowledged on receipt (training outlasts the visibility timeout, and a redelivered
    copy would train twice); if its worker dies, the next beat tick simply tries again. Its time
    limit is its own, above the scoring tasks'.
    """
    conf = settings.learning
    if not conf.continuous_sites:
        return {}
    return {"learn-sites": {"task": LEARN_TASK, "schedule": timedelta(minutes=conf.check_minutes),
                            "options": {"queue": LEARNING_QUEUE, "time_limit": conf.train_time_limit,
                                        "soft_time_limit": conf.train_time_limit - 30, "expires": conf.check_minutes * 60}}}


def init_app(app: Flask, settings: Settings) -> Celery:
    """Build the Celery app from the Flask app (Flask's documented pattern) and attach it."""

    class FlaskTask(Task):  # type: ignore[type-arg]
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app: Celery = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(celery_config(settings))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


_BROKER_ERRORS = (KombuOperationalError, RedisError, OSError)


def send_score(celery_app: Celery, comment_id: int) -> bool:
    """Enqueue scoring of a committed comment; False (logged) when the broker is unreachable.

    A failed send only delays the comment: its outbox row is the copy the sweeper sends
    (moderation.services.outbox).
    """
    try:
        celery_app.send_task(SCORE_TASK, args=[comment_id], queue=SCORING_QUEUE, retry=False)
    except _BROKER_ERRORS as exc:
        log.warning("broker unavailable, comment %s left for the outbox sweeper: %s", comment_id, exc)
        return False
    return True


def publish(celery_app: Celery, comment_ids: list[int]) -> list[int]:
    """Send scoring tasks in order; stops at the first failure and returns the ids sent."""
    sent: list[int] = []
    for comment_id in comment_ids:
        if not send_score(celery_app, comment_id):
            break
        sent.append(comment_id)
    return sent
