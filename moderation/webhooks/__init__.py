"""Webhooks and author notifications: signed (Standard Webhooks), retried, never lost, never leaking.

Where things are:
- events.record(): the one call at each place a comment changes (writes rows in that transaction)
- payloads: the versioned payload models; openapi: the `webhooks` section and the admin API paths
- signing, ssrf, sender: secrets and signatures; the address guard; the HTTP POST
- delivery: claim, attempt, retry schedule, sweep, purge; dispatch: enqueue after commit
- endpoints: admin use cases; present: what admins see; mail: author notification mail
- cli: `moderation webhooks ...`; admin_api + schemas: /api/v1/admin/webhooks; ui: /moderation/webhooks;
  views: the unsubscribe link of notification mails
The Celery tasks are in workers/webhooks.py, on their own `webhooks` queue.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from moderation.settings import Settings
from moderation.webhooks.dispatch import DELIVER_TASK, PURGE_TASK, QUEUE, SWEEP_TASK

__all__ = ["DELIVER_TASK", "QUEUE", "SWEEP_TASK", "beat_schedule", "init_app", "task_annotations", "task_routes"]


def init_app(app: Flask, settings: Settings) -> None:
    """Send deliveries after commit from every session of this app; mount the unsubscribe pages."""
    from moderation.webhooks import admin_api, dispatch, models, ui, views  # noqa: F401  (models: tables)

    dispatch.attach(app.extensions["db_sessionmaker"], settings, dispatch.celery_enqueue(app.extensions["celery"]))
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_api.bp)
    app.register_blueprint(ui.bp)


def task_routes(maintenance_queue: str) -> dict[str, dict[str, str]]:
    """Deliveries have their own queue, so a slow receiver never delays scoring; sweep and purge
    go with the other maintenance jobs."""
    return {DELIVER_TASK: {"queue": QUEUE}, SWEEP_TASK: {"queue": maintenance_queue},
            PURGE_TASK: {"queue": maintenance_queue}}


def task_annotations(settings: Settings) -> dict[str, dict[str, float]]:
    """A delivery's own time limits: its HTTP deadline plus room to record the outcome."""
    limit = settings.webhook_timeout_seconds + 20
    return {DELIVER_TASK: {"time_limit": limit, "soft_time_limit": limit - 5}}


def beat_schedule(settings: Settings) -> dict[str, Any]:
    """Beat sends due deliveries (retries, and any the broker did not take) every few seconds."""
    return {"webhooks-sweep": {"task": SWEEP_TASK, "schedule": timedelta(seconds=settings.webhook_sweep_seconds)},
            "webhooks-purge": {"task": PURGE_TASK, "schedule": timedelta(days=1)}}
