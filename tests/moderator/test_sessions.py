"""Browser sessions: login, throttle, CSRF, same-origin checks, logout and idle expiry, cookie flags."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from moderation.db import session_scope
from moderation.models import AuditEntry, utcnow
from moderation.moderator.models import ModeratorSession
from tests.conftest import REDIS_URL
from tests.moderator.helpers import PASSWORD, csrf_of, held, login, moderator, status_of


@pytest.fixture(autouse=True)
def _clean_throttle() -> None:
    from redis import Redis

    redis = Redis.from_url(REDIS_URL)
    for key in redis.scan_iter("*:login:*"):
        redis.delete(key)


def test_login_sets_a_new_http_only_lax_cookie_and_logout_ends_it(app: Flask) -> None:
    moderator(app)
    client = app.test_client()
    csrf = login(client)
    cookie = client.get_cookie("moderation_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    with session_scope(app) as session:
        assert len(session.scalars(select(ModeratorSession)).all()) == 1
    stolen = cookie.value
    assert client.post("/moderation/logout", data={"csrf_token": csrf}).status_code == 302
    with session_scope(app) as session:
        assert session.scalars(select(ModeratorSession)).all() == []
    replay = app.test_client()
    replay.set_cookie("moderation_session", stolen)
    assert replay.get("/moderation/queue").status_code == 302  # to the login page


def test_production_cookie_is_secure_with_host_prefix(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(env="production")
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-moderation_session"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_idle_session_expires(app: Flask) -> None:
    moderator(app)
    client = app.test_client()
    login(client)
    with session_scope(app) as session:
        session.execute(update(ModeratorSession).values(last_seen_at=utcnow() - timedelta(hours=2)))
    response = client.get("/moderation/queue")
    assert response.status_code == 302 and "/moderation/login" in response.headers["Location"]
    assert client.get("/api/v1/moderation/comments").status_code == 401


def test_login_throttle_locks_after_failures_without_telling_if_the_account_exists(app: Flask) -> None:
    moderator(app)
    client = app.test_client()
    csrf = csrf_of(client.get("/moderation/login").get_data(as_text=True))
    answers = []
    for name in ("ana", "nobody"):
        for _ in range(5):
            response = client.post("/moderation/login", data={"username": name, "password": "wrong password!",
                                                               "csrf_token": csrf}, environ_base={"REMOTE_ADDR": f"10.0.0.{len(answers)}"})
            answers.append((response.status_code, "locked" in response.get_data(as_text=True)))
    assert answers[:4] == [(401, False)] * 4 and answers[4] == (429, True)
    assert answers[5:9] == [(401, False)] * 4 and answers[9] == (429, True)  # same answers for a missing account
    locked = client.post("/moderation/login", data={"username": "ana", "password": PASSWORD, "csrf_token": csrf},
                         environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert locked.status_code == 429  # even the right password, while locked


def test_login_throttle_per_address(app: Flask) -> None:
    client = app.test_client()
    csrf = csrf_of(client.get("/moderation/login").get_data(as_text=True))
    for i in range(5):
        client.post("/moderation/login", data={"username": f"user{i}", "password": "x" * 12, "csrf_token": csrf})
    moderator(app, "budi")
    response = client.post("/moderation/login", data={"username": "budi", "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 429 and "address" in response.get_data(as_text=True)


@pytest.mark.parametrize(("headers", "with_token", "reason"), [
    ({}, False, "CSRF"),
    ({"X-CSRFToken": "forged"}, False, "CSRF"),
    ({"Origin": "https://evil.example"}, True, "Cross-site"),
    ({"Sec-Fetch-Site": "cross-site"}, True, "Cross-site"),
    ({"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:9999"}, True, "Cross-site"),
])
def test_session_writes_need_csrf_and_same_origin(app: Flask, headers: dict[str, str], with_token: bool, reason: str) -> None:
    moderator(app)
    cid = held(app)
    client = app.test_client()
    csrf = login(client)
    if with_token:
        headers = {**headers, "X-CSRFToken": csrf}
    response = client.post(f"/api/v1/moderation/comments/{cid}/decision", json={"status": "published"}, headers=headers)
    assert response.status_code == 403 and reason in response.json["message"], response.json
    assert status_of(app, cid) == "held"
    ok = client.post(f"/api/v1/moderation/comments/{cid}/decision", json={"status": "published"},
                     headers={"X-CSRFToken": csrf, "Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 200, ok.json


def test_ui_form_without_csrf_renders_an_html_error(app: Flask) -> None:
    moderator(app)
    cid = held(app)
    client = app.test_client()
    login(client)
    response = client.post(f"/moderation/comments/{cid}/ban", data={"kind": "email"})
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "CSRF" in response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [("moderator", 403), ("admin", 200)])
def test_reveal_email_is_admin_only_and_audited(app: Flask, role: str, status: int) -> None:
    moderator(app, role=role)
    cid = held(app)
    client = app.test_client()
    csrf = login(client)
    page = client.get("/moderation/queue").get_data(as_text=True)
    assert ('class="reveal"' in page) == (role == "admin")
    assert "budi@example.co.id" not in page and "b***@example.co.id" in page
    response = client.post(f"/moderation/comments/{cid}/reveal", data={"reason": "court order 17", "csrf_token": csrf})
    assert response.status_code == status
    assert ("budi@example.co.id" in response.get_data(as_text=True)) == (role == "admin")
    assert response.headers["Cache-Control"] == "no-store"
    with session_scope(app) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal_email")).all()
        assert [(r.actor, r.reason) for r in rows] == ([("moderator:ana", "court order 17")] if role == "admin" else [])


def test_open_redirect_after_login_is_refused(app: Flask) -> None:
    moderator(app)
    client = app.test_client()
    csrf = csrf_of(client.get("/moderation/login").get_data(as_text=True))
    response = client.post("/moderation/login?next=https://evil.example/x",
                           data={"username": "ana", "password": PASSWORD, "csrf_token": csrf})
    assert response.headers["Location"].endswith("/moderation/queue")
