"""Celery tasks of the `webhooks` queue: one delivery attempt by id, and the sweep of due deliveries.

Thin wrappers: the logic is in moderation.webhooks.delivery, testable without a broker.
"""
from __future__ import annotations

import logging

from celery import Task, shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError as DBOperationalError

from moderation.db import session_scope
from moderation.webhooks import delivery, dispatch

log = logging.getLogger("workers.webhooks")


@shared_task(bind=True, name=dispatch.DELIVER_TASK, max_retries=5, ignore_result=True)
def deliver(self: Task, delivery_id: int) -> str:
    """Attempt one delivery if it is due and nobody else holds it (duplicates are no-ops)."""
    app = current_app
    settings = app.extensions["settings"]
    session = app.extensions["db_sessionmaker"]()
    try:
        return delivery.attempt(session, settings, int(delivery_id))
    except DBOperationalError as exc:
        # The database is away: retry soon; if that fails too, the lease expires and the sweeper resends.
        log.warning("delivery %s: database unavailable, retry %s", delivery_id, self.request.retries + 1)
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 30)) from exc
    finally:
        session.close()


@shared_task(name=dispatch.SWEEP_TASK, ignore_result=True)
def sweep() -> int:
    """Send due deliveries to the queue (beat runs this every webhook_sweep_seconds)."""
    app = current_app
    enqueue = dispatch.celery_enqueue(app.extensions["celery"])
    with session_scope(app) as session:
        return delivery.sweep(session, app.extensions["settings"], enqueue)


@shared_task(name=dispatch.PURGE_TASK, ignore_result=True)
def purge() -> int:
    """Delete old messages with nothing left to send, and their log (beat runs this daily)."""
    app = current_app
    with session_scope(app) as session:
        return delivery.purge(session, app.extensions["settings"])
