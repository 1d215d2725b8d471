"""Reports, bans (seen by the scoring policy), edits (re-scored), keyset pages and the audit view."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from moderation.db import session_scope
from moderation.models import AuditEntry, Comment, Decision, OutboxMessage, utcnow
from moderation.moderator import bans
from moderation.services import decisions
from moderation.signals import Signals
from tests.conftest import database_urls
from tests.moderator.helpers import bearer, held, status_of, token

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)


def _report(client, cid: int, ip: str, **body):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/comments/{cid}/report", json={"reason": "abuse", **body}, environ_base={"REMOTE_ADDR": ip})


def test_reports_send_a_published_comment_back_to_held(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    cid = held(app, "Komentar biasa", status="published", scores={"toxicity": 0.2})
    assert _report(app.test_client(), cid, "198.51.100.1", text="kasar").status_code == 201
    again = app.test_client()
    assert _report(again, cid, "198.51.100.9").status_code == 409  # same /24: same reader
    assert _report(app.test_client(), cid, "192.0.2.1", reason="rude").status_code == 422
    assert _report(app.test_client(), cid, "192.0.2.1").status_code == 201
    assert status_of(app, cid) == "published"
    assert _report(app.test_client(), cid, "203.0.113.7", reason="spam").status_code == 201  # the third: threshold 3
    assert status_of(app, cid) == "held"
    listed = app.test_client().get("/api/v1/moderation/comments?status=reported", headers=bearer(token(app))).json
    c = listed["comments"][0]
    assert c["id"] == cid and "reported_by_readers" in c["reasons"]
    assert c["reports"]["count"] == 3 and c["reports"]["reasons"] == {"abuse": 2, "spam": 1} and c["reports"]["texts"] == ["kasar"]
    held_tab = app.test_client().get("/api/v1/moderation/comments?status=held&reason=reported_by_readers",
                                     headers=bearer(token(app, name="b2"))).json["comments"]
    assert [x["id"] for x in held_tab] == [cid]
    with session_scope(app) as session:
        row = session.scalars(select(AuditEntry).where(AuditEntry.comment_id == cid)).one()
        assert (row.actor, row.to_status, row.reason) == ("readers", "held", "reported_by_readers")
    assert _report(app.test_client(), 999999, "10.1.1.1").status_code == 404


def test_email_ban_with_expiry_reaches_the_policy(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    cid = held(app)
    client, headers = app.test_client(), bearer(token(app))
    response = client.post(f"/api/v1/moderation/comments/{cid}/ban", json={"kind": "email", "hours": 2, "reason": "kasar"},
                           headers=headers)
    assert response.status_code == 201, response.json
    with session_scope(app) as session:
        comment = session.get(Comment, cid)
        signals = Signals.from_json(comment.signals)
        assert decisions.author_facts(comment, signals).banned
        comment.author.banned_until = utcnow() - timedelta(minutes=1)  # expired
        assert not decisions.author_facts(comment, signals).banned
    lifted = client.delete(f"/api/v1/moderation/bans/{response.json['id']}", headers=headers)
    assert lifted.status_code == 200 and lifted.json["lifted"]
    assert client.get("/api/v1/moderation/bans", headers=headers).json["bans"] == []


def test_ip_ban_is_listed_for_the_worker(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    cid = held(app)
    client, headers = app.test_client(), bearer(token(app))
    too_wide = client.post(f"/api/v1/moderation/comments/{cid}/ban", json={"kind": "ip", "ip_range": "10.0.0.0/8"}, headers=headers)
    assert too_wide.status_code == 422 and "ip_range" in too_wide.json["fields"]
    assert client.post(f"/api/v1/moderation/comments/{cid}/ban", json={"kind": "ip"}, headers=headers).status_code == 201
    with session_scope(app) as session:
        assert bans.active_ip_ranges(session, "news") == ["203.0.113.0/24"]
        assert bans.active_ip_ranges(session, "elsewhere") == []
        actions = [r.action for r in session.scalars(select(AuditEntry).where(AuditEntry.comment_id == cid))]
    assert actions == ["ban"]


def test_edit_goes_back_to_pending_with_an_outbox_row(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    cid = held(app)
    client, headers = app.test_client(), bearer(token(app))
    stale = client.patch(f"/api/v1/moderation/comments/{cid}", json={"body": "Tulisan baru", "version": 7}, headers=headers)
    assert stale.status_code == 409
    empty = client.patch(f"/api/v1/moderation/comments/{cid}", json={"body": "   "}, headers=headers)
    assert empty.status_code == 422 and "body" in empty.json["fields"]
    response = client.patch(f"/api/v1/moderation/comments/{cid}", json={"body": "Tulisan baru", "version": 0}, headers=headers)
    assert response.status_code == 200 and response.json["status"] == "pending"
    with session_scope(app) as session:
        assert session.get(Comment, cid).body == "Tulisan baru"
        assert session.scalars(select(Decision).where(Decision.comment_id == cid)).first() is None
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.comment_id == cid)).one()
        assert message.attempts == 1  # the view sent it after the commit (the sweep re-sends if that failed)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.comment_id == cid)).one()
        assert audit.action == "edit" and audit.details["previous_body"] == "Dasar goblok kamu"


def test_keyset_pages_follow_priority_then_age(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    now = utcnow()
    made = []
    for i in range(7):
        score = [0.9, 0.5, 0.9, 0.7, 0.5, 0.9, 0.1][i]
        made.append((score, i, held(app, f"komentar nomor {i}", scores={"toxicity": score},
                                    created=now - timedelta(minutes=60 - i))))
    expected = [cid for _, _, cid in sorted(made, key=lambda m: (-m[0], m[1]))]
    client, headers = app.test_client(), bearer(token(app))
    seen, cursor = [], None
    while True:
        response = client.get("/api/v1/moderation/comments", query_string={"limit": 3, **({"cursor": cursor} if cursor else {})},
                              headers=headers)
        assert response.status_code == 200, response.json
        seen += [c["id"] for c in response.json["comments"]]
        cursor = response.json["next"]
        if cursor is None:
            break
    assert seen == expected
    bad = client.get("/api/v1/moderation/comments?cursor=xyz", headers=headers)
    assert bad.status_code == 422 and "cursor" in bad.json["fields"]


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "JUDI"}, ["ayo main judi online"]), ({"language": "en"}, ["you are stupid"]),
    ({"reason": "spam"}, ["ayo main judi online"]), ({"since": "2000-01-01", "until": "2000-01-02"}, []),
    ({"status": "spam"}, ["spam status"]),
])
def test_filters(app_factory, query, expected) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    held(app, "ayo main judi online", reasons=["spam"])
    held(app, "you are stupid", language="en")
    held(app, "spam status", status="spam", reasons=["blocked_word"])
    listed = app.test_client().get("/api/v1/moderation/comments", query_string=query, headers=bearer(token(app))).json
    assert [c["body_html"] for c in listed["comments"]] == [f"<p>{e}</p>" for e in expected]
