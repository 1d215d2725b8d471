"""The public comment API: submit, leak scan, published tree, author view, edit and delete."""
from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import select

from moderation.db import session_scope
from moderation.models import AuditEntry, Author, Comment, Decision, OutboxMessage, Status
from moderation.queue import SCORE_TASK
from tests.conftest import REDIS_URL, database_urls
from tests.public_helpers import ORIGIN, THREAD, comment, counts, news_app, post

EMAIL = "Rahasia.Pembaca@Example.com"


def _set_status(app, comment_id: int, status: Status, **extra) -> None:  # type: ignore[no-untyped-def]
    with session_scope(app) as session:
        row = session.get(Comment, comment_id)
        row.status = status.value
        for key, value in extra.items():
            setattr(row, key, value)


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_submit_stores_privately_and_queues(app_factory, database_url: str, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/api/v1/comments", json=comment(client, email=EMAIL, website="https://budi.example"),
                           headers={"Origin": ORIGIN}, environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert response.status_code == 202
    assert response.json["status"] == "pending" and response.json["edit_token"]
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert counts(app) == (1, 1, 1, 1)
    with session_scope(app) as session:
        row = session.get(Comment, response.json["id"])
        assert row.status == "pending" and row.ip_prefix == "203.0.113.0/24"
        assert row.signals["form_token"] == "ok" and row.signals["website_given"] is True
        assert row.edit_token_hash and response.json["edit_token"] not in row.edit_token_hash
        outbox = session.scalars(select(OutboxMessage)).one()
        assert outbox.task == SCORE_TASK and outbox.comment_id == row.id
        author = session.scalars(select(Author)).one()
        assert EMAIL.lower().encode() not in author.email_enc
    # Leak scan: not in any response, log line, Redis key or value, nor the database file.
    responses = [response.get_data(as_text=True)]
    responses.append(client.get(f"/api/v1/comments/{row.id}", headers={"X-Edit-Token": response.json["edit_token"]}).get_data(as_text=True))
    _set_status(app, row.id, Status.PUBLISHED)
    responses.append(client.get("/api/v1/comments", query_string={"site": "news", "thread": THREAD}).get_data(as_text=True))
    needles = [EMAIL, EMAIL.lower(), "203.0.113.77", author.email_bidx]
    for text in responses + [caplog.text]:
        for needle in needles:
            assert needle not in text
    redis = Redis.from_url(REDIS_URL)
    for key in redis.scan_iter(count=1000):
        dump = key + (redis.dump(key) or b"")
        assert EMAIL.lower().encode() not in dump.lower() and b"203.0.113.77" not in dump
    if database_url.startswith("sqlite"):
        app.extensions["db_engine"].dispose()
        raw = b"".join(p.read_bytes() for p in Path(database_url.split("///", 1)[1]).parent.glob("test.sqlite*"))
        assert EMAIL.lower().encode() not in raw.lower() and b"203.0.113.77" not in raw


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_published_tree_nests_replies(app_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    first = post(client, body="Komentar pertama\n\nParagraf <a href='javascript:alert(1)'>dua</a> <img src=x onerror=alert(1)>",
                 website="https://budi.example").json["id"]
    _set_status(app, first, Status.PUBLISHED)
    reply = post(client, parent=first, name="Siti", email="siti@example.com", body="Balasan").json["id"]
    hidden = post(client, name="Ani", email="ani@example.com", body="Belum dimoderasi").json["id"]
    _set_status(app, reply, Status.PUBLISHED)
    response = client.get("/api/v1/comments", query_string={"site": "news", "thread": THREAD + "#comments"})
    assert response.status_code == 200
    data = response.json
    assert data["count"] == 2
    [top] = data["comments"]
    assert top["id"] == first and top["website"] == "https://budi.example"
    assert top["body_html"].startswith("<p>Komentar pertama</p><p>")
    assert "javascript" not in top["body_html"] and "onerror" not in top["body_html"] and "<img" not in top["body_html"]
    assert [r["id"] for r in top["replies"]] == [reply]
    assert top["replies"][0]["parent"] == first
    assert set(top) == {"id", "parent", "name", "website", "body_html", "created", "avatar_seed", "replies"}
    assert len(top["avatar_seed"]) == 16 and top["avatar_seed"] != top["replies"][0]["avatar_seed"]
    assert "Belum dimoderasi" not in response.get_data(as_text=True)
    for needle in ("budi@example.com", "siti@example.com", "127.0.0.1"):
        assert needle not in response.get_data(as_text=True)
    # A reply to a comment that is not published is refused.
    refused = post(client, parent=hidden, body="Balasan ke komentar tertahan")
    assert refused.status_code == 404 and "parent" in refused.json["fields"]


def test_author_view_edit_and_delete(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    created = post(client).json
    cid, token = created["id"], created["edit_token"]
    assert client.get(f"/api/v1/comments/{cid}").status_code == 404  # pending is not public
    assert client.get(f"/api/v1/comments/{cid}", headers={"X-Edit-Token": "wrong"}).status_code == 404
    own = client.get(f"/api/v1/comments/{cid}", headers={"X-Edit-Token": token})
    assert own.status_code == 200 and own.json["status"] == "pending" and own.json["reasons"] == []
    with session_scope(app) as session:
        session.add(Decision(comment_id=cid, status="held", reasons=["toxic"]))
    _set_status(app, cid, Status.HELD)
    own = client.get(f"/api/v1/comments/{cid}", headers={"X-Edit-Token": token}).json
    assert own["status"] == "held" and own["reasons"] == ["toxic"]

    assert client.patch(f"/api/v1/comments/{cid}", json={"body": "x"}).status_code == 403
    assert client.patch(f"/api/v1/comments/{cid}", json={"body": ""}, headers={"X-Edit-Token": token}).status_code == 422
    edited = client.patch(f"/api/v1/comments/{cid}", json={"body": "Versi yang lebih sopan."}, headers={"X-Edit-Token": token})
    assert edited.status_code == 200 and edited.json["status"] == "pending"
    with session_scope(app) as session:
        row = session.get(Comment, cid)
        assert row.body == "Versi yang lebih sopan." and row.status == "pending"
        assert session.scalars(select(Decision)).first() is None  # re-scored from scratch
        assert len(session.scalars(select(OutboxMessage)).all()) == 2
        assert [a.reason for a in session.scalars(select(AuditEntry))] == ["edited by author"]

    deleted = client.delete(f"/api/v1/comments/{cid}", headers={"X-Edit-Token": token})
    assert deleted.status_code == 200 and deleted.json["status"] == "deleted"
    with session_scope(app) as session:
        assert session.get(Comment, cid).status == "deleted"
        assert session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first().to_status == "deleted"


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_edit_window_closes(app_factory, method: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    created = post(client).json
    with session_scope(app) as session:
        row = session.get(Comment, created["id"])
        row.created_at = row.created_at - timedelta(minutes=16)
    kwargs = {"json": {"body": "baru"}} if method == "patch" else {}
    response = getattr(client, method)(f"/api/v1/comments/{created['id']}", headers={"X-Edit-Token": created["edit_token"]}, **kwargs)
    assert response.status_code == 403
    assert "15 minutes" in response.json["message"]


def test_get_unknown_comment(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/comments/12345").status_code == 404
    assert client.get("/api/v1/comments", query_string={"site": "nope", "thread": "x"}).status_code == 404


def test_returning_author_recognised_by_signed_cookie(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0)
    client = app.test_client()
    first = post(client, body="satu")
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "budi" not in cookie.lower()
    second = post(client, body="dua").json["id"]  # same browser: cookie sent back
    stranger = app.test_client()  # same name and email typed in another browser
    third = post(stranger, body="tiga").json["id"]
    with session_scope(app) as session:
        assert session.get(Comment, first.json["id"]).signals["author_recognised"] is False
        assert session.get(Comment, second).signals["author_recognised"] is True
        assert session.get(Comment, third).signals["author_recognised"] is False


def test_a_deleted_comment_is_gone_even_for_its_author(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    created = post(client).json
    headers = {"X-Edit-Token": created["edit_token"]}
    assert client.get(f"/api/v1/comments/{created['id']}", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/comments/{created['id']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/comments/{created['id']}", headers=headers).status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_id_beyond_sql_range_is_not_found(app_factory, method: str) -> None:  # type: ignore[no-untyped-def]
    client = news_app(app_factory).test_client()
    kwargs = {"json": {"body": "x"}} if method == "patch" else {}
    response = getattr(client, method)(f"/api/v1/comments/{2**63}", **kwargs)
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_method_not_allowed_says_what_is(app_factory) -> None:  # type: ignore[no-untyped-def]
    response = news_app(app_factory).test_client().put("/api/v1/comments")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
