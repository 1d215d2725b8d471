"""Signed single-use form tokens and the honeypot. Bots get the same 202; the facts are signals."""
from __future__ import annotations

import pytest

from moderation import antibot
from moderation.db import session_scope
from moderation.models import Comment
from tests.conftest import REDIS_URL
from tests.public_helpers import THREAD, comment, counts, form_token, news_app

T0 = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """A controllable clock for token issue and check."""
    now = {"t": T0}
    monkeypatch.setattr(antibot, "clock", lambda: now["t"])
    return now


def _signals(app, comment_id: int) -> dict:  # type: ignore[no-untyped-def]
    with session_scope(app) as session:
        return dict(session.get(Comment, comment_id).signals)


@pytest.mark.parametrize(("age", "expected", "flag"), [
    (1, "too_fast", "bot_too_fast"),
    (5, "ok", None),
    (7199, "ok", None),
    (3 * 3600, "expired", "form_token_invalid"),
])
def test_token_age(app_factory, clock, age: float, expected: str, flag: str | None) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, form_token_min_seconds=3)
    client = app.test_client()
    token = form_token(client)
    clock["t"] += age
    response = client.post("/api/v1/comments", json=comment(client, form_token=token))
    assert response.status_code == 202  # the same answer for bots and humans
    signals = _signals(app, response.json["id"])
    assert signals["form_token"] == expected
    assert signals["fill_seconds"] == pytest.approx(age, abs=1)
    if flag:
        assert signals[flag] is True
    else:
        assert signals["bot_too_fast"] is False and signals["form_token_invalid"] is False


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda t: "", "missing"),
    (lambda t: t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1], "tampered"),
    (lambda t: "garbage", "tampered"),
])
def test_bad_tokens(app_factory, clock, mutate, expected: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    token = mutate(form_token(client))
    response = client.post("/api/v1/comments", json=comment(client, form_token=token))
    assert response.status_code == 202
    signals = _signals(app, response.json["id"])
    assert signals["form_token"] == expected and signals["form_token_invalid"] is True


def test_token_for_another_page_is_a_mismatch(app_factory, clock) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    token = form_token(client, thread=THREAD + "-lain")
    response = client.post("/api/v1/comments", json=comment(client, form_token=token))
    assert _signals(app, response.json["id"])["form_token"] == "mismatch"


def test_replayed_token(app_factory, clock) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    token = form_token(client)
    first = client.post("/api/v1/comments", json=comment(client, form_token=token))
    second = client.post("/api/v1/comments", json=comment(client, form_token=token, email="lain@example.com",
                                                           body="Komentar lain"))
    assert first.status_code == second.status_code == 202
    assert _signals(app, first.json["id"])["form_token"] == "ok"
    assert _signals(app, second.json["id"])["form_token"] == "replayed"
    assert counts(app)[0] == 2  # both stored; the policy sends the replay to spam


def test_honeypot(app_factory, clock) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/api/v1/comments", json=comment(client, homepage="http://spam.example"))
    assert response.status_code == 202 and response.json["status"] == "pending"
    signals = _signals(app, response.json["id"])
    assert signals["honeypot"] is True and signals["form_token"] == "ok"
    assert counts(app)[2] == 1  # still queued for scoring (and the policy's bot_honeypot reason)


def test_redis_down_accepts_token_unverified(app_factory, clock) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, redis_url="redis://127.0.0.1:1/0", broker_url=REDIS_URL)
    client = app.test_client()
    response = client.post("/api/v1/comments", json=comment(client))
    assert response.status_code == 202
    signals = _signals(app, response.json["id"])
    assert signals["form_token"] == "ok" and signals["form_token_unverified"] is True


def test_form_token_endpoint_checks_site_and_thread(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    assert client.get("/api/v1/form-token", query_string={"site": "news"}).status_code == 422
    bad = client.get("/api/v1/form-token", query_string={"site": "news", "thread": "https://evil.example/x"})
    assert bad.status_code == 403 and "thread" in bad.json["fields"]
    assert client.get("/api/v1/form-token", query_string={"site": "zzz", "thread": "x"}).status_code == 404
    ok = client.get("/api/v1/form-token", query_string={"site": "news", "thread": "artikel-99"})
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
