"""Payload privacy (P4) and the author's events through the public API; the OpenAPI `webhooks` section."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask

from moderation.webhooks import payloads
from tests.conftest import database_urls
from tests.helpers.receiver import Receiver
from tests.public_helpers import THREAD, news_app, post
from tests.webhooks.helpers import FAST, WebhookAttempt, WebhookMessage, add_endpoint, decide, inline, rows

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)
EMAIL = "budi.rahasia@example.com"


@pytest.fixture
def app(app_factory) -> Flask:  # type: ignore[no-untyped-def]
    return news_app(app_factory, **FAST)


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    plain, contact = Receiver().start(), Receiver().start()
    yield plain, contact
    plain.close()
    contact.close()


def test_email_only_for_author_contact_endpoints(app: Flask, receivers: tuple[Receiver, Receiver]) -> None:
    plain, contact = receivers
    contact.default = (200, {}, b'{"echo": "budi.rahasia@example.com"}')  # a receiver echoing what it got
    queue = inline(app)
    client = app.test_client()
    client.get("/api/v1/form-token", query_string={"site": "news", "thread": THREAD})  # syncs the site
    every = ",".join(payloads.EVENT_TYPES)
    add_endpoint(app, plain.url, every, site="news")
    add_endpoint(app, contact.url, every, site="news", author_contact=True)
    created = post(client, email=EMAIL, name="Budi")
    assert created.status_code == 202
    comment_id = created.json["id"]
    decide(app, comment_id)
    queue.run(app)
    assert [json.loads(r.body)["type"] for r in plain.requests] == ["comment.created", "comment.published"]
    for seen in plain.requests:
        assert b"@" not in seen.body and b"email" not in seen.body
    for seen in contact.requests:
        assert json.loads(seen.body)["data"]["comment"]["email"] == EMAIL
    stored = json.dumps([m.payload for m in rows(app, WebhookMessage)])
    assert "@" not in stored  # the outbox never holds the address; the worker adds it per endpoint
    logged = [a.response_body for a in rows(app, WebhookAttempt)]
    assert any("[email]" in body for body in logged) and not any(EMAIL in body for body in logged)
    assert all(isinstance(delivery_id, int) for delivery_id, _ in queue.sent)  # Celery gets ids only
    body = json.loads(plain.requests[1].body)
    comment = body["data"]["comment"]
    assert comment["id"] == comment_id and comment["status"] == "published" and comment["name"] == "Budi"
    assert body["data"]["thread"]["uri"] == THREAD and body["data"]["site"] == "news"
    assert body["version"] == payloads.PAYLOAD_VERSION
    payloads.WebhookEvent.model_validate(body)  # what we send is what the OpenAPI document describes


def test_author_edit_and_delete_are_events(app: Flask, receivers: tuple[Receiver, Receiver]) -> None:
    plain, _ = receivers
    queue = inline(app)
    client = app.test_client()
    client.get("/api/v1/form-token", query_string={"site": "news", "thread": THREAD})
    add_endpoint(app, plain.url, "comment.edited,comment.deleted", site="news")
    created = post(client, email=EMAIL).json
    headers = {"X-Edit-Token": created["edit_token"]}
    assert client.patch(f"/api/v1/comments/{created['id']}", json={"body": "Sudah saya ubah."},
                        headers=headers).status_code == 200
    assert client.delete(f"/api/v1/comments/{created['id']}", headers=headers).status_code == 200
    queue.run(app)
    got = [(json.loads(r.body)["type"], json.loads(r.body)["data"]["comment"]["status"],
            json.loads(r.body)["data"]["actor"]) for r in plain.requests]
    assert got == [("comment.edited", "pending", "author"), ("comment.deleted", "deleted", "author")]


def test_openapi_documents_every_event(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").json
    assert set(doc["webhooks"]) == set(payloads.EVENT_TYPES) | {payloads.TEST_EVENT}
    hook = doc["webhooks"]["comment.published"]["post"]
    assert {p["name"] for p in hook["parameters"]} == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    event = doc["components"]["schemas"]["WebhookEvent"]
    assert set(event["required"]) >= {"type", "timestamp", "data"}
    assert "email" in doc["components"]["schemas"]["CommentInfo"]["properties"]
    assert "email" not in doc["components"]["schemas"]["CommentInfo"].get("required", [])
