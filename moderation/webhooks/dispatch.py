"""Enqueue deliveries only after the transaction that wrote them commits (the outbox's send step).

`later()` notes a delivery id on the session; an `after_commit` listener on the app's sessionmaker
sends the noted ids to the `webhooks` queue, and a rollback forgets them. A failed send loses
nothing: the delivery row is committed and the beat sweeper sends anything due and unclaimed.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import Celery
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from moderation.settings import Settings

log = logging.getLogger("moderation.webhooks")

QUEUE = "webhooks"
DELIVER_TASK = "workers.webhooks.deliver"
SWEEP_TASK = "workers.webhooks.sweep"
PURGE_TASK = "workers.webhooks.purge"
PENDING_KEY = "moderation.webhooks.pending"
ENQUEUE_KEY = "moderation.webhooks.enqueue"
SETTINGS_KEY = "moderation.settings"

Enqueue = Callable[[int, float], bool]  # (delivery id, countdown seconds) -> sent?


def later(session: Session, delivery_id: int, countdown: float = 0.0) -> None:
    """Send this delivery to the queue once the session's transaction commits."""
    session.info.setdefault(PENDING_KEY, []).append((delivery_id, countdown))


def session_settings(session: Session) -> Settings | None:
    """The settings of the app whose sessionmaker made this session (see attach)."""
    return session.info.get(SETTINGS_KEY)


def celery_enqueue(celery_app: Celery) -> Enqueue:
    """An Enqueue that publishes `workers.webhooks.deliver(id)` by name; False when the broker is away."""

    def send(delivery_id: int, countdown: float = 0.0) -> bool:
        try:
            celery_app.send_task(DELIVER_TASK, args=[delivery_id], queue=QUEUE,
                                 countdown=countdown if countdown > 0 else None, retry=False)
        except (KombuOperationalError, RedisError, OSError) as exc:
            log.warning("broker unavailable, delivery %s left for the sweeper: %s", delivery_id, exc)
            return False
        return True

    return send


def attach(factory: sessionmaker[Session], settings: Settings, enqueue: Enqueue | None) -> None:
    """Give the factory's sessions the settings and the after-commit send."""
    factory.configure(info={SETTINGS_KEY: settings, ENQUEUE_KEY: enqueue})
    if not event.contains(factory, "after_commit", _after_commit):  # attaching again only swaps the values
        event.listen(factory, "after_commit", _after_commit)
        event.listen(factory, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    pending: list[tuple[int, float]] | None = session.info.pop(PENDING_KEY, None)
    enqueue: Enqueue | None = session.info.get(ENQUEUE_KEY)
    if not pending or enqueue is None:
        return
    for delivery_id, countdown in pending:
        if not enqueue(delivery_id, countdown):
            break  # broker down: the sweeper sends this one and the rest


def _after_rollback(session: Session, *_: Any) -> None:
    session.info.pop(PENDING_KEY, None)
