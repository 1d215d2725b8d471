"""`moderation webhooks ...`: the documented output, clear errors naming the field, and the admin flows."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from standardwebhooks import Webhook

from moderation.db import session_scope
from moderation.models import Site
from tests.helpers.factories import make_comment
from tests.helpers.receiver import Receiver
from tests.webhooks.helpers import FAST, WebhookMessage, decide, endpoint, inline, rows


@pytest.fixture
def app(app_factory) -> Flask:  # type: ignore[no-untyped-def]
    built = app_factory(**FAST)
    with session_scope(built) as session:
        session.add(Site(id="news", name="News", origins=["https://news.example"]))
    return built


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver([200, 500]).start()
    yield server
    server.close()


def run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["webhooks", *args])
    return result.exit_code, result.output


def test_add_prints_id_and_secret_then_list_test_and_rotate(app: Flask, receiver: Receiver) -> None:
    code, out = run(app, "add", "news", receiver.url, "--events", "comment.published,comment.held", "--author-contact")
    assert code == 0, out
    added = json.loads(out)
    assert set(added) == {"id", "secret"} and added["secret"].startswith("whsec_")
    state = endpoint(app, added["id"])
    assert state.author_contact and state.event_types == ["comment.published", "comment.held"]
    assert added["secret"].encode() not in state.secret_enc  # stored encrypted

    code, out = run(app, "list", "--json")
    listed = json.loads(out.splitlines()[0])
    assert listed["url"] == receiver.url and listed["enabled"] and "secret" not in out

    code, out = run(app, "test", str(added["id"]))  # the receiver answers 200
    ping = json.loads(out)
    assert code == 0 and ping["delivered"] and ping["status"] == 200
    seen = receiver.requests[0]
    assert Webhook(added["secret"]).verify(seen.body, seen.headers)["type"] == "webhook.test"
    code, out = run(app, "test", str(added["id"]))  # then 500: shown, not retried
    assert code == 1 and json.loads(out)["status"] == 500 and len(receiver.requests) == 2

    code, out = run(app, "rotate", str(added["id"]), "--overlap-hours", "2")
    rotated = json.loads(out)
    assert code == 0 and rotated["secret"] != added["secret"] and rotated["old_secret_until"]
    code, out = run(app, "log", str(added["id"]))
    log = [json.loads(line) for line in out.splitlines()]
    assert [(e["event"], e["response_status"]) for e in log] == [("webhook.test", 500), ("webhook.test", 200)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["news", "ftp://example.com/", "--events", "comment.published"], "URL: must start with https://"),
        (["news", "https://127.1/", "--events", "comment.published"], "URL: host '127.1' is a non-standard"),
        (["news", "https://10.0.0.1/", "--events", "comment.published"], "URL: 10.0.0.1 is a private address"),
        (["news", "http://127.0.0.1:9/", "--events", "comment.eaten"], "--events: unknown event type 'comment.eaten'"),
        (["news", "http://127.0.0.1:9/", "--events", ""], "--events: required"),
        (["news", "http://127.0.0.1:9/", "--events", "comment.held", "--secret", "hunter2"],
         "--secret: must start with 'whsec_'"),
        (["nosite", "http://127.0.0.1:9/", "--events", "comment.held"], "SITE: no such site"),
    ],
)
def test_bad_input_names_the_field(app: Flask, args: list[str], message: str) -> None:
    code, out = run(app, "add", *args)
    assert code != 0 and message in out, out
    assert rows(app, WebhookMessage) == []


def test_reused_secret_is_refused(app: Flask) -> None:
    code, out = run(app, "add", "news", "http://127.0.0.1:9/a", "--events", "comment.held")
    secret = json.loads(out)["secret"]
    code, out = run(app, "add", "news", "http://127.0.0.1:9/b", "--events", "comment.held", "--secret", secret)
    assert code != 0 and "--secret: already used by another endpoint" in out
    code, out = run(app, "rotate", "1", "--secret", secret)
    assert code != 0 and "--secret: already used by this endpoint" in out


def test_disable_enable_and_redeliver_one_message(app: Flask) -> None:
    server = Receiver().start()
    try:
        queue = inline(app)
        _, out = run(app, "add", "news", server.url, "--events", "comment.published")
        endpoint_id = json.loads(out)["id"]
        comment_id = make_comment(app, site_id="news", thread_uri="https://news.example/a")
        decide(app, comment_id)
        queue.run(app)
        msg_id = rows(app, WebhookMessage)[0].msg_id
        assert run(app, "disable", str(endpoint_id))[0] == 0 and not endpoint(app, endpoint_id).enabled
        code, out = run(app, "redeliver", str(endpoint_id), "--message", msg_id)
        assert code != 0 and "disabled" in out
        assert run(app, "enable", str(endpoint_id))[0] == 0
        code, out = run(app, "redeliver", str(endpoint_id), "--message", msg_id)
        assert code == 0 and "1 deliveries" in out
        queue.run(app)
        assert [r.headers["webhook-id"] for r in server.requests] == [msg_id, msg_id]
        code, out = run(app, "redeliver", str(endpoint_id), "--message", "msg_nope")
        assert code != 0 and "No message msg_nope" in out
    finally:
        server.close()
