"""Celery tasks: ids in, decisions in SQL out. Thin wrappers; the logic is in workers.scoring and
moderation.services, so it is testable without a broker."""
from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import OperationalError as DBOperationalError

from moderation import queue
from moderation.extensions import get_celery, get_sessionmaker, get_settings
from moderation.learning import continuous
from moderation.services import outbox, retention
from workers import scoring

log = logging.getLogger("workers.tasks")

# Errors worth retrying: the database or broker is briefly away. Anything else is a bug or a bad
# model; those are bounded by the attempt counter in SQL and end as classifier_unavailable.
TRANSIENT = (DBOperationalError, BrokerError, RedisConnectionError, RedisTimeoutError)
MAX_RETRIES = 5


def backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 1, 2, 4, ... capped below the visibility timeout."""
    return queue.retry_countdown(retries, get_settings().visibility_timeout)


@shared_task(bind=True, name=queue.SCORE_TASK, max_retries=MAX_RETRIES)
def score_comment(self: Task[Any, Any], comment_id: int) -> str:
    """Score one comment and record its decision exactly once."""
    try:
        return scoring.score_comment(get_sessionmaker(), get_settings(), int(comment_id))
    except TRANSIENT as exc:
        log.warning("comment %s: transient %s, retry %s", comment_id, type(exc).__name__, self.request.retries + 1)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except scoring.ClassifierFailed as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(name=queue.SWEEP_TASK, ignore_result=True)
def sweep_outbox() -> dict[str, int | bool]:
    """Send unsent outbox rows and re-send comments pending too long (beat runs this)."""
    celery_app = get_celery()
    result = outbox.sweep(get_sessionmaker(), get_settings(), lambda ids: queue.publish(celery_app, ids))
    return {"published": result.published, "requeued": result.requeued, "held": result.held, "skipped": result.skipped}


@shared_task(name=queue.RETENTION_TASK, ignore_result=True)
def purge_retention() -> dict[str, int]:
    """Clear raw request data of old comments and delete old spam (beat runs this daily)."""
    result = retention.purge(get_sessionmaker(), get_settings())
    return {"scrubbed": result.scrubbed, "deleted": result.deleted}


@shared_task(name=queue.LEARN_TASK, ignore_result=True, acks_late=False)
def learn_sites() -> dict[str, str]:
    """Train a challenger for every site with continuous learning on and enough new labels (beat runs this)."""
    return continuous.run(get_sessionmaker(), get_settings())
