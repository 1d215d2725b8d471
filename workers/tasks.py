"""Celery tasks: ids in, decisions in SQL out. Thin wrappers; the logic is in workers.scoring and
moderation.services, so it is testable without a broker."""
from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from celery import Task, shared_task
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import OperationalError as DBOperationalError

from moderation import queue
from moderation.extensions import get_celery, get_redis, get_sessionmaker, get_settings
from moderation.learning import continuous
from moderation.services import outbox, retention
from workers import batch, drain, scoring

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
    """Score one comment (and, when the queue is deep, the messages waiting behind it) exactly once."""
    sessions, settings = get_sessionmaker(), get_settings()
    taken = drain.take(get_celery(), get_redis(), settings, settings.score_batch_size - 1)
    try:
        if taken:
            results = batch.score_many(sessions, settings, [int(comment_id), *(t.comment_id for t in taken)])
            for item in [t for t in taken if results.get(t.comment_id) == "single"]:
                if not _score_alone(item.comment_id):
                    drain.requeue([item])  # its own message runs again, with its own retries
                    taken.remove(item)
            drain.ack(taken)
            taken = []
            if results.get(int(comment_id)) != "single":
                return results[int(comment_id)]
        return scoring.score_comment(sessions, settings, int(comment_id))
    except TRANSIENT as exc:
        drain.requeue(taken)
        log.warning("comment %s: transient %s, retry %s", comment_id, type(exc).__name__, self.request.retries + 1)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except scoring.ClassifierFailed as exc:
        drain.requeue(taken)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except BaseException:
        drain.requeue(taken)  # nothing of the batch was decided: the broker gives them out again
        raise


def _score_alone(comment_id: int) -> bool:
    """A batch-mate that must be scored by itself; False when that failed and it should run again."""
    try:
        scoring.score_comment(get_sessionmaker(), get_settings(), comment_id)
    except (scoring.ClassifierFailed, *TRANSIENT) as exc:
        log.warning("comment %s: %s, left to its own message", comment_id, type(exc).__name__)
        return False
    return True


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
    return asdict(result)


@shared_task(name=queue.LEARN_TASK, ignore_result=True, acks_late=False)
def learn_sites() -> dict[str, str]:
    """Train a challenger for every site with continuous learning on and enough new labels (beat runs this)."""
    return continuous.run(get_sessionmaker(), get_settings())
