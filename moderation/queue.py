"""The single seam to Celery: configuration, and publishing outbox rows by task name."""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import Celery, Task
from flask import Flask
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderation.models import OutboxMessage, utcnow
from moderation.settings import Settings

log = logging.getLogger("moderation.queue")

SCORE_TASK = "workers.tasks.score_comment"
SWEEP_TASK = "workers.tasks.sweep_outbox"
SCORING_QUEUE = "scoring"


def celery_config(settings: Settings) -> dict:
    """Celery settings that make a SIGKILLed worker lose nothing (see DESIGN.md, C1)."""
    transport = {
        "visibility_timeout": settings.visibility_timeout,
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
        "retry_on_timeout": False,
    }
    return {
        "broker_url": settings.effective_broker_url,
        "broker_transport_options": transport,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        "result_backend": None,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "task_time_limit": settings.task_time_limit,
        "task_soft_time_limit": max(1, settings.task_time_limit - 10),
        "task_default_queue": SCORING_QUEUE,
        "task_routes": {SCORE_TASK: {"queue": SCORING_QUEUE}, SWEEP_TASK: {"queue": SCORING_QUEUE}},
        "task_serializer": "json",
        "accept_content": ["json"],
        "worker_hijack_root_logger": False,
        "beat_schedule": {
            "sweep-outbox": {"task": SWEEP_TASK, "schedule": timedelta(seconds=settings.outbox_sweep_seconds)},
        },
    }


def init_app(app: Flask, settings: Settings) -> Celery:
    """Build the Celery app from the Flask app (Flask's documented pattern) and attach it."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(celery_config(settings))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def publish(app: Flask, session: Session, message_ids: list[int]) -> int:
    """Send committed outbox rows to the broker; a broker outage leaves them for the sweeper."""
    celery_app: Celery = app.extensions["celery"]
    sent = 0
    for message in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))):
        try:
            celery_app.send_task(message.task, args=[message.comment_id], queue=SCORING_QUEUE, retry=False)
        except (KombuOperationalError, RedisError, OSError) as exc:
            log.warning("broker unavailable, outbox message %s left for the sweeper: %s", message.id, exc)
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message.id)
                .values(attempts=OutboxMessage.attempts + 1)
            )
            break
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message.id)
            .values(published_at=utcnow(), attempts=OutboxMessage.attempts + 1)
        )
        sent += 1
    session.commit()
    return sent
