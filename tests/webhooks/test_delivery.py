"""W1-W4 in-process: events in the change's transaction, signed attempts, retries, disabling, replay."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from standardwebhooks import Webhook

from moderation.db import session_scope
from moderation.models import utcnow
from moderation.webhooks import delivery, dispatch, endpoints, events, sender
from moderation.webhooks.models import WebhookEndpoint
from tests.conftest import database_urls
from tests.helpers.factories import make_comment
from tests.helpers.procs import free_port
from tests.helpers.receiver import Receiver
from tests.webhooks.helpers import (
    FAST,
    WebhookAttempt,
    WebhookDelivery,
    WebhookMessage,
    add_endpoint,
    decide,
    endpoint,
    inline,
    rows,
)

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)


@pytest.fixture
def app(app_factory) -> Flask:  # type: ignore[no-untyped-def]
    return app_factory(**FAST)


def receiver_with(script: list, default: object = 200) -> Receiver:
    return Receiver(script, default).start()


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> Iterator[Receiver]:
    server = receiver_with(*getattr(request, "param", ([],)))
    yield server
    server.close()


@pytest.mark.parametrize("receiver", [([500, 500, 200],)], indirect=True)
def test_500_500_200_is_one_event_three_signed_attempts(app: Flask, receiver: Receiver) -> None:
    queue = inline(app)
    comment_id = make_comment(app)
    endpoint_id, secret = add_endpoint(app, receiver.url)
    assert decide(app, comment_id)
    assert queue.run(app) == ["retry", "retry", "delivered"]
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1
    stamps = [int(r.headers["webhook-timestamp"]) for r in receiver.requests]
    assert stamps == sorted(stamps)
    for seen in receiver.requests:
        body = Webhook(secret).verify(seen.body, seen.headers)  # a verifier we did not write
        assert body["type"] == "comment.published" and body["timestamp"].endswith("Z")
        assert body["data"]["comment"]["id"] == comment_id and body["data"]["comment"]["status"] == "published"
        assert body["data"]["comment"]["model_version"] == "test-1" and body["data"]["site"] == "demo"
    log = rows(app, WebhookAttempt)
    assert [(a.attempt, a.outcome, a.response_status) for a in log] == [
        (1, "failed", 500), (2, "failed", 500), (3, "succeeded", 200)]
    assert all(a.duration_ms is not None and a.finished_at for a in log) and log[2].response_body == "ok"
    assert rows(app, WebhookDelivery)[0].status == "delivered"
    assert endpoint(app, endpoint_id).failing_since is None
    assert all(isinstance(item[0], int) for item in queue.sent)  # ids only, never payloads


def test_events_exist_exactly_when_their_change_does(app: Flask, receiver: Receiver) -> None:
    queue = inline(app)
    comment_id = make_comment(app)
    other_site = make_comment(app, "Lain", site_id="other", thread_uri="https://other.example/a")
    add_endpoint(app, receiver.url, "comment.published")
    add_endpoint(app, receiver.url, "comment.held")  # not subscribed to published
    add_endpoint(app, receiver.url, "comment.published", site="other")
    with session_scope(app) as session:  # a change rolled back takes its event with it
        assert events.record(session, "comment.published", comment_id) == 1
        session.rollback()
    assert rows(app, WebhookMessage) == [] and queue.sent == []
    assert decide(app, comment_id) and not decide(app, comment_id)  # the duplicate run writes nothing
    messages = rows(app, WebhookMessage)
    assert [(m.event_type, m.comment_id) for m in messages] == [("comment.published", comment_id)]
    assert len(rows(app, WebhookDelivery)) == 1 and len(queue.sent) == 1
    assert other_site  # its site's endpoint got nothing from this site's comment
    with pytest.raises(ValueError, match="unknown webhook event type"), session_scope(app) as session:
        events.record(session, "comment.exploded", comment_id)


def test_retry_after_delays_the_next_attempt(app: Flask) -> None:
    server = receiver_with([(429, {"Retry-After": "1"}, b"slow down")])
    try:
        queue = inline(app)
        comment_id = make_comment(app)
        add_endpoint(app, server.url)
        decide(app, comment_id)
        assert queue.run(app) == ["retry", "delivered"]
        assert server.requests[1].at - server.requests[0].at >= 1.0
    finally:
        server.close()


def test_410_gone_disables_the_endpoint_at_once(app: Flask) -> None:
    server = receiver_with([410])
    try:
        queue = inline(app)
        first, second = make_comment(app), make_comment(app, "Kedua")
        endpoint_id, _ = add_endpoint(app, server.url)
        decide(app, first)
        assert queue.run(app) == ["failed"]
        state = endpoint(app, endpoint_id)
        assert not state.enabled and "410" in state.disabled_reason
        decide(app, second)  # a disabled endpoint is not written to
        assert len(rows(app, WebhookDelivery)) == 1 and len(server.requests) == 1
    finally:
        server.close()


def test_receiver_down_for_the_whole_schedule_then_redelivered(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(**FAST | {"webhook_disable_after_hours": 0.00003})  # about 0.1 s under test
    queue = inline(app)
    port = free_port()  # nothing listens there: connection refused on every attempt
    comment_id = make_comment(app)
    endpoint_id, secret = add_endpoint(app, f"http://127.0.0.1:{port}/hook")
    decide(app, comment_id)
    assert queue.run(app)[-1] == "failed"
    state = endpoint(app, endpoint_id)
    assert not state.enabled and "every attempt failed since" in state.disabled_reason
    [kept] = rows(app, WebhookDelivery)
    assert kept.status == "failed" and kept.total_attempts >= 2
    assert all(a.outcome == "failed" and a.error for a in rows(app, WebhookAttempt))
    with session_scope(app) as session, pytest.raises(Exception, match="Enable the endpoint first"):
        endpoints.redeliver(session, endpoint_id, failed=True)
    server = Receiver(port=port).start()
    try:
        with session_scope(app) as session:
            endpoints.enable(session, endpoint_id)
            assert endpoints.redeliver(session, endpoint_id, failed=True) == 1
        assert queue.run(app) == ["delivered"]
        msg_id = rows(app, WebhookMessage)[0].msg_id
        assert [r.headers["webhook-id"] for r in server.requests] == [msg_id]
        Webhook(secret).verify(server.requests[0].body, server.requests[0].headers)
    finally:
        server.close()


def test_rotation_signs_with_both_secrets_during_the_overlap(app: Flask, receiver: Receiver) -> None:
    queue = inline(app)
    endpoint_id, old = add_endpoint(app, receiver.url)
    with session_scope(app) as session:
        new = endpoints.rotate(session, app.extensions["settings"], endpoint_id, overlap_hours=1)
    decide(app, make_comment(app))
    queue.run(app)
    seen = receiver.requests[-1]
    assert len(seen.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(seen.body, seen.headers)  # receivers still holding the old secret
    Webhook(new).verify(seen.body, seen.headers)  # receivers already switched
    with session_scope(app) as session:
        newest = endpoints.rotate(session, app.extensions["settings"], endpoint_id, overlap_hours=0)
    decide(app, make_comment(app, "Lagi"))
    queue.run(app)
    seen = receiver.requests[-1]
    Webhook(newest).verify(seen.body, seen.headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(new).verify(seen.body, seen.headers)


def test_reply_tells_the_parent_once(app: Flask, receiver: Receiver) -> None:
    queue = inline(app)
    parent = make_comment(app, "Induk")
    decide(app, parent)
    add_endpoint(app, receiver.url, "comment.replied")
    reply = make_comment(app, "Balasan", parent_id=parent, name="Sari")
    decide(app, reply)
    queue.run(app)
    [seen] = receiver.requests
    body = json.loads(seen.body)
    assert body["type"] == "comment.replied"
    assert body["data"]["comment"]["id"] == parent and body["data"]["reply"]["id"] == reply
    assert body["data"]["reply"]["name"] == "Sari" and body["data"]["reply"]["parent"] == parent
    with session_scope(app) as session:  # published again (after an edit): not news for the parent
        assert events.record(session, "comment.published", reply) == 0


def test_garbage_is_recorded_and_retried(app: Flask) -> None:
    server = receiver_with(["garbage", 200])
    try:
        queue = inline(app)
        add_endpoint(app, server.url)
        comment_id = make_comment(app, "Baru")
        decide(app, comment_id)
        assert queue.run(app) == ["retry", "delivered"]
        first = rows(app, WebhookAttempt)[0]
        assert first.outcome == "failed" and first.response_status is None and first.error
    finally:
        server.close()


def test_lost_send_is_repeated_by_the_sweeper(app: Flask, receiver: Receiver) -> None:
    lost: list[int] = []
    dispatch.attach(app.extensions["db_sessionmaker"], app.extensions["settings"], lambda i, c: lost.append(i) or False)
    add_endpoint(app, receiver.url)
    decide(app, make_comment(app))
    assert len(lost) == 1  # the broker refused it; the row is committed anyway
    queue = inline(app)
    with session_scope(app) as session:
        assert delivery.sweep(session, app.extensions["settings"], queue) == 0  # inside the grace period
    with session_scope(app) as session:
        assert delivery.sweep(session, app.extensions["settings"], queue, now=utcnow() + timedelta(minutes=1)) == 1
    assert queue.run(app) == ["delivered"] and len(receiver.requests) == 1


def test_purge_keeps_what_is_still_to_send(app: Flask, receiver: Receiver) -> None:
    queue = inline(app)
    add_endpoint(app, receiver.url)
    decide(app, make_comment(app))
    queue.run(app)
    add_endpoint(app, f"http://127.0.0.1:{free_port()}/down")
    decide(app, make_comment(app, "Dua"))  # its delivery to the second endpoint stays pending
    later = utcnow() + timedelta(days=31)
    with session_scope(app) as session:  # the delivered message goes, the pending one stays
        assert delivery.purge(session, app.extensions["settings"], now=later) == 1
        assert delivery.purge(session, app.extensions["settings"]) == 0  # nothing is old yet
    assert [m.event_type for m in rows(app, WebhookMessage)] == ["comment.published"]
    queue.items.clear()
    with session_scope(app) as session:
        for row in session.query(WebhookDelivery).filter_by(status="pending"):
            row.status = "failed"
    with session_scope(app) as session:
        assert delivery.purge(session, app.extensions["settings"], now=later) == 1
    assert rows(app, WebhookMessage) == [] and rows(app, WebhookAttempt) == [] and rows(app, WebhookDelivery) == []


def test_disabled_after_five_days_of_failures_only(app_factory) -> None:  # type: ignore[no-untyped-def]
    """W3 on a fake clock: failures for 5 days disable; a success in between restarts the count."""
    app = app_factory(**FAST | {"webhook_disable_after_hours": 120})
    endpoint_id, _ = add_endpoint(app, "http://127.0.0.1:9/hook")
    failure, start = sender.Result(status=500), utcnow()

    def fail(days: float) -> bool:
        with session_scope(app) as session:
            return endpoints.note_failure(session, app.extensions["settings"], endpoint_id, failure,
                                          start + timedelta(days=days))

    assert not fail(0) and not fail(3.9)
    with session_scope(app) as session:  # what a 2xx does (delivery.finish)
        session.get(WebhookEndpoint, endpoint_id).failing_since = None
    assert not fail(4) and not fail(8.9)  # failing since day 4 only
    assert endpoint(app, endpoint_id).enabled
    assert fail(9.1)
    state = endpoint(app, endpoint_id)
    assert not state.enabled and "every attempt failed since" in state.disabled_reason
