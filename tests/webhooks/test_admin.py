"""Admins manage endpoints over /api/v1/admin/webhooks and in the moderator UI; moderator actions and
reader reports become webhook events."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from standardwebhooks import Webhook

from tests.helpers.receiver import Receiver
from tests.moderator.helpers import bearer, held, login, moderator, site, token
from tests.webhooks.helpers import FAST, WebhookDelivery, endpoint, inline, rows

API = "/api/v1/admin/webhooks"


@pytest.fixture
def app(app_factory) -> Flask:  # type: ignore[no-untyped-def]
    built = app_factory(**FAST)
    site(built, "news")
    site(built, "other", "https://other.example")
    return built


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.close()


def test_admin_api_flow(app: Flask, receiver: Receiver) -> None:
    client, admin = app.test_client(), bearer(token(app, role="admin"))
    created = client.post(API, json={"site": "news", "url": receiver.url, "events": ["comment.published"]}, headers=admin)
    assert created.status_code == 201, created.json
    endpoint_id, secret = created.json["id"], created.json["secret"]
    assert secret.startswith("whsec_") and created.json["endpoint"]["events"] == ["comment.published"]
    listed = client.get(API, headers=admin).json["endpoints"]
    assert [e["id"] for e in listed] == [endpoint_id] and "secret" not in json.dumps(listed)

    ping = client.post(f"{API}/{endpoint_id}/test", headers=admin)
    assert ping.status_code == 200 and ping.json["delivered"] and ping.json["status"] == 200
    Webhook(secret).verify(receiver.requests[0].body, receiver.requests[0].headers)
    attempts = client.get(f"{API}/{endpoint_id}/attempts?limit=5", headers=admin).json["attempts"]
    assert attempts[0]["event"] == "webhook.test" and attempts[0]["response_status"] == 200

    rotated = client.post(f"{API}/{endpoint_id}/rotate", json={"overlap_hours": 1}, headers=admin)
    assert rotated.status_code == 200 and rotated.json["secret"] != secret and rotated.json["old_secret_until"]
    changed = client.patch(f"{API}/{endpoint_id}", json={"events": ["comment.held"], "enabled": False}, headers=admin)
    assert changed.status_code == 200 and changed.json["events"] == ["comment.held"] and not changed.json["enabled"]
    refused = client.post(f"{API}/{endpoint_id}/redeliver", json={"failed": True}, headers=admin)
    assert refused.status_code == 422 and "endpoint" in refused.json["fields"]
    assert client.patch(f"{API}/{endpoint_id}", json={"enabled": True}, headers=admin).json["enabled"]
    again = client.post(f"{API}/{endpoint_id}/redeliver", json={"failed": True}, headers=admin)
    assert again.status_code == 200 and again.json == {"queued": 0}


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"url": "https://10.0.0.1/hook"}, "url", "private"),
        ({"url": "http://2130706433/"}, "url", "non-standard"),
        ({"events": ["comment.exploded"]}, "events", "unknown event type"),
        ({"events": []}, "events", ""),
        ({"secret": "whsec_c2hvcnQ="}, "secret", "24 to 64"),
        ({"site": "nowhere"}, "site", "no such site"),
        ({"author_contact": "yes"}, "author_contact", ""),
        ({"colour": "red"}, "colour", ""),
    ],
)
def test_bad_input_is_a_422_naming_the_field(app: Flask, body: dict, field: str, reason: str) -> None:
    payload = {"site": "news", "url": "https://93.184.216.34/hook", "events": ["comment.published"]} | body
    answer = app.test_client().post(API, json=payload, headers=bearer(token(app, role="admin")))
    assert answer.status_code == 422 and field in answer.json["fields"], answer.json
    assert reason in answer.json["fields"][field]
    assert {"error", "message", "fields"} <= set(answer.json)  # plus per-field "codes"


def test_reused_secret_is_a_422(app: Flask) -> None:
    client, admin = app.test_client(), bearer(token(app, role="admin"))
    first = client.post(API, json={"site": "news", "url": "https://93.184.216.34/a", "events": ["comment.held"]},
                        headers=admin).json
    second = client.post(API, json={"site": "news", "url": "https://93.184.216.34/b", "events": ["comment.held"],
                                    "secret": first["secret"]}, headers=admin)
    assert second.status_code == 422 and "already used" in second.json["fields"]["secret"]


def test_only_admins_of_the_site(app: Flask) -> None:
    client = app.test_client()
    body = {"site": "news", "url": "https://93.184.216.34/hook", "events": ["comment.published"]}
    assert client.get(API).status_code == 401
    assert client.post(API, json=body).status_code == 401
    assert client.get(f"{API}/999").status_code == 401  # no hint whether it exists
    assert client.post(API, json=body, headers=bearer(token(app, role="moderator", name="m"))).status_code == 403
    other_admin = bearer(token(app, role="admin", sites=["other"], name="o"))
    assert client.post(API, json=body, headers=other_admin).status_code == 403
    endpoint_id = client.post(API, json=body, headers=bearer(token(app, role="admin", name="a"))).json["id"]
    assert client.get(f"{API}/{endpoint_id}", headers=other_admin).status_code == 403
    assert client.get(API, headers=other_admin).json == {"endpoints": []}


def test_moderator_decisions_and_reader_reports_are_events(app: Flask, receiver: Receiver) -> None:
    queue = inline(app)
    client, admin = app.test_client(), bearer(token(app, role="admin"))
    every = ["comment.published", "comment.held", "comment.reported"]
    client.post(API, json={"site": "news", "url": receiver.url, "events": every}, headers=admin)
    comment_id = held(app)
    decided = client.post(f"/api/v1/moderation/comments/{comment_id}/decision", json={"status": "published"},
                          headers=bearer(token(app, name="mod")))
    assert decided.status_code == 200, decided.json
    app_settings = app.extensions["settings"]
    for n in range(app_settings.policy.reports_threshold):
        reader = app.test_client()  # another reader each time (own cookie, own address)
        reported = reader.post(f"/api/v1/comments/{comment_id}/report", json={"reason": "abuse"},
                               environ_base={"REMOTE_ADDR": f"198.51.{n}.7"})
        assert reported.status_code in (200, 201, 202), reported.json
    queue.run(app)
    got = [(json.loads(r.body)["type"], json.loads(r.body)["data"]["actor"]) for r in receiver.requests]
    threshold = app_settings.policy.reports_threshold
    assert got == [("comment.published", "moderator")] + [("comment.reported", "reader")] * threshold \
        + [("comment.held", "reader")]
    assert json.loads(receiver.requests[-2].body)["data"]["report"] == {"reason": "abuse", "count": threshold}
    assert len(rows(app, WebhookDelivery)) == len(got)


def test_admin_pages(app: Flask, receiver: Receiver) -> None:
    moderator(app, "ana", role="admin")
    moderator(app, "mod", role="moderator")
    client = app.test_client()
    csrf = login(client, "ana")
    page = client.get("/moderation/webhooks")
    assert page.status_code == 200 and "add-endpoint" in page.get_data(as_text=True)
    added = client.post("/moderation/webhooks", data={"csrf_token": csrf, "site": "news", "url": receiver.url,
                                                      "events": ["comment.published", "comment.held"]})
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and 'id="new-secret">whsec_' in html
    [row] = rows(app, type(endpoint(app, 1)))
    assert row.event_types == ["comment.published", "comment.held"] and not row.author_contact
    bad = client.post("/moderation/webhooks", data={"csrf_token": csrf, "site": "news", "url": "https://127.1/"})
    assert bad.status_code == 422 and "non-standard" in bad.get_data(as_text=True)
    assert client.post("/moderation/webhooks", data={"site": "news", "url": receiver.url}).status_code == 403  # no CSRF
    tested = client.post(f"/moderation/webhooks/{row.id}/test", data={"csrf_token": csrf})
    assert tested.status_code == 200 and 'id="test-result"' in tested.get_data(as_text=True)
    detail = client.get(f"/moderation/webhooks/{row.id}").get_data(as_text=True)
    assert "webhook.test" in detail and ("Delivery log" in detail or "Log pengiriman" in detail)
    client.post(f"/moderation/webhooks/{row.id}/enabled", data={"csrf_token": csrf, "enabled": "0"})
    assert not endpoint(app, row.id).enabled
    queue_page = client.get("/moderation/queue").get_data(as_text=True)
    assert 'id="webhooks-disabled"' in queue_page  # shown to admins on every page
    other = app.test_client()
    login(other, "mod")
    assert other.get("/moderation/webhooks").status_code == 403
    assert 'id="webhooks-disabled"' not in other.get("/moderation/queue").get_data(as_text=True)
