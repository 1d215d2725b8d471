"""Shared pieces of the webhook tests: a stand-in broker that runs deliveries in-process, set-up."""
from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import select

from moderation import policy
from moderation.db import session_scope
from moderation.models import Comment, Site, Status
from moderation.services import decisions
from moderation.webhooks import delivery, dispatch, endpoints
from moderation.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage

FAST = {"webhook_allow_networks": ["127.0.0.0/8"], "webhook_retry_schedule": [0, 0.1, 0.1],
        "webhook_retry_jitter": 0, "webhook_timeout_seconds": 2.0}


class InlineQueue:
    """Takes the place of the broker: records (due, id) and runs attempts in this process."""

    def __init__(self) -> None:
        self.items: list[tuple[float, int]] = []
        self.sent: list[Any] = []  # exactly what would have gone to Celery: ids (and countdowns)

    def __call__(self, delivery_id: int, countdown: float) -> bool:
        self.sent.append((delivery_id, countdown))
        self.items.append((time.monotonic() + countdown, delivery_id))
        return True

    def run(self, app: Flask, timeout: float = 30) -> list[str]:
        """Attempt queued deliveries in due order until none is left; the outcomes."""
        outcomes = []
        deadline = time.monotonic() + timeout
        while self.items and time.monotonic() < deadline:
            self.items.sort()
            due, delivery_id = self.items.pop(0)
            time.sleep(max(0.0, due - time.monotonic()))
            session = app.extensions["db_sessionmaker"]()
            try:
                outcomes.append(delivery.attempt(session, app.extensions["settings"], delivery_id))
            finally:
                session.close()
        return outcomes


def inline(app: Flask) -> InlineQueue:
    """Route this app's after-commit sends into an InlineQueue."""
    queue = InlineQueue()
    dispatch.attach(app.extensions["db_sessionmaker"], app.extensions["settings"], queue)
    return queue


def add_endpoint(app: Flask, url: str, events: str = "comment.published,comment.held", site: str = "demo",
                 **kw: Any) -> tuple[int, str]:
    with session_scope(app) as session:
        if session.get(Site, site) is None:
            session.add(Site(id=site, name=site, origins=["http://127.0.0.1:8000"]))
            session.flush()
        endpoint, secret = endpoints.create(session, app.extensions["settings"], site, url, events, **kw)
        return endpoint.id, secret


def decide(app: Flask, comment_id: int, status: str = "published", reasons: list[str] | None = None,
           language: str = "id") -> bool:
    """Record a decision the way the worker does (the caller's transaction, committed here)."""
    with session_scope(app) as session:
        body_hmac = session.get(Comment, comment_id).body_hmac
        return decisions.record_decision(session, comment_id, body_hmac, policy.Decision(Status(status), reasons or []),
                                         decisions.Outcome(model_version="test-1", language=language))


def rows(app: Flask, model: type, **where: Any) -> list[Any]:
    with session_scope(app) as session:
        query = select(model).filter_by(**where).order_by(model.id)
        found = list(session.scalars(query))
        session.expunge_all()
        return found


def endpoint(app: Flask, endpoint_id: int) -> WebhookEndpoint:
    return rows(app, WebhookEndpoint, id=endpoint_id)[0]


__all__ = [
    "FAST",
    "InlineQueue",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookMessage",
    "add_endpoint",
    "decide",
    "endpoint",
    "inline",
    "rows",
]
