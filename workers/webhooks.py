"""Celery tasks of the webhooks side: one delivery attempt by id (queue `webhooks`), and the sweep
and purge (queue `maintenance`). Thin wrappers: the logic is in moderation.webhooks.delivery.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from typing import Any

from celery import Task, shared_task
from sqlalchemy.exc import OperationalError as DBOperationalError

from moderation import leases
from moderation.extensions import get_celery, get_sessionmaker, get_settings
from moderation.webhooks import delivery, dispatch

log = logging.getLogger("workers.webhooks")
SWEEP_LEASE = "webhooks-sweep"


@shared_task(bind=True, name=dispatch.DELIVER_TASK, max_retries=5, ignore_result=True)
def deliver(self: Task[Any, Any], delivery_id: int) -> str:
    """Attempt one delivery if it is due and nobody else holds it (duplicates are no-ops)."""
    session = get_sessionmaker()()
    try:
        return delivery.attempt(session, get_settings(), int(delivery_id))
    except DBOperationalError as exc:
        # The database is away: retry soon; if that fails too, the lease expires and the sweeper resends.
        log.warning("delivery %s: database unavailable, retry %s", delivery_id, self.request.retries + 1)
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 30)) from exc
    finally:
        session.close()


@shared_task(name=dispatch.SWEEP_TASK, ignore_result=True)
def sweep() -> int:
    """Send due deliveries to the queue (beat runs this every webhook_sweep_seconds); one at a time."""
    sessions, settings = get_sessionmaker(), get_settings()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not leases.acquire(sessions, SWEEP_LEASE, holder, seconds=settings.task_time_limit):
        return 0
    try:
        with sessions() as session:
            return delivery.sweep(session, settings, dispatch.celery_enqueue(get_celery()))
    finally:
        leases.release(sessions, SWEEP_LEASE, holder)


@shared_task(name=dispatch.PURGE_TASK, ignore_result=True)
def purge() -> int:
    """Delete old messages with nothing left to send, and their log (beat runs this daily)."""
    with get_sessionmaker()() as session:
        purged = delivery.purge(session, get_settings())
        session.commit()
        return purged
