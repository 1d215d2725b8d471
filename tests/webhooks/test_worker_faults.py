"""W1/W4 with real processes: private Redis, a real scoring worker and a real `webhooks` worker.

A comment goes in through the public API; the scoring worker decides it, writing the webhook
message in its decision transaction; the webhooks worker signs and posts it to a real receiver on
127.0.0.1 (allow-listed). Every request is verified with the `standardwebhooks` package.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook

from moderation.db import session_scope
from moderation.extensions import get_celery
from moderation.webhooks import delivery, dispatch, endpoints
from tests.helpers.procs import wait_for
from tests.helpers.receiver import Receiver
from tests.helpers.stack import Stack
from tests.webhooks.helpers import WebhookAttempt, WebhookDelivery, rows

pytestmark = pytest.mark.slow
FAKE_APP = "tests.helpers.fake_worker_app"
HOOKS = {"webhook_allow_networks": ["127.0.0.0/8"], "webhook_retry_schedule": [0, 0.5, 0.5, 0.5],
         "webhook_timeout_seconds": 3.0, "webhook_retry_jitter": 0}


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    built = Stack(tmp_path, **HOOKS)
    yield built
    built.close()


def subscribe(stack: Stack, receiver: Receiver) -> str:
    with session_scope(stack.app) as session:
        stack.app.test_client().get("/api/v1/form-token", query_string={"thread": "http://127.0.0.1:8000/demo/artikel-1"},
                                    headers={"Origin": "http://127.0.0.1:8000"})  # syncs the demo site
        _, secret = endpoints.create(session, stack.app.extensions["settings"], "demo", receiver.url, "comment.published")
    return secret


def submit(stack: Stack) -> int:
    response = stack.post("Artikel yang bagus, terima kasih.")
    assert response.status_code == 202, response.get_data(as_text=True)
    return int(response.get_json()["id"])


def test_500_500_200_through_real_workers(stack: Stack) -> None:
    receiver = Receiver([500, 500, 200]).start()
    try:
        secret = subscribe(stack, receiver)
        stack.worker(FAKE_APP)
        stack.worker(FAKE_APP, queues="webhooks", pool="threads")
        comment_id = submit(stack)
        wait_for(lambda: receiver.processed, 60, 0.2, what="the receiver's 2xx")
        assert len(receiver.requests) == 3
        assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
        for seen in receiver.requests:
            event: Any = Webhook(secret).verify(seen.body, seen.headers)
            assert event["type"] == "comment.published" and event["data"]["comment"]["id"] == comment_id
        [row] = rows(stack.app, WebhookDelivery)
        assert row.status == "delivered" and row.total_attempts == 3
    finally:
        receiver.close()


def test_sigkill_during_a_delivery_loses_nothing(stack: Stack) -> None:
    """W4: the worker dies while the receiver holds the request; after a restart it is delivered,
    with the same webhook-id, and the receiver's idempotency sees it once."""
    receiver = Receiver(["hang"]).start()
    try:
        subscribe(stack, receiver)
        stack.worker(FAKE_APP)
        first = stack.worker(FAKE_APP, queues="webhooks", pool="threads")
        submit(stack)
        wait_for(lambda: receiver.requests, 60, 0.1, what="the first delivery attempt")
        first.kill()  # SIGKILL to the whole worker, mid-request
        stack.worker(FAKE_APP, queues="webhooks", pool="threads")
        enqueue = dispatch.celery_enqueue(get_celery(stack.app))

        def delivered() -> bool:  # what beat's sweep does every few seconds
            with session_scope(stack.app) as session:
                delivery.sweep(session, stack.app.extensions["settings"], enqueue)
            return bool(receiver.processed)

        wait_for(delivered, 90, 0.5, what="redelivery after the lease expired")
        ids = {r.headers["webhook-id"] for r in receiver.requests}
        assert len(receiver.requests) >= 2 and len(ids) == 1 and receiver.processed == ids
        [row] = rows(stack.app, WebhookDelivery)
        assert row.status == "delivered"
        outcomes = [a.outcome for a in rows(stack.app, WebhookAttempt)]
        assert outcomes[0] == "interrupted" and outcomes[-1] == "succeeded"
        assert json.loads(receiver.requests[-1].body)["type"] == "comment.published"
    finally:
        receiver.close()
