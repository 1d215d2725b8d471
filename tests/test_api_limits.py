"""Rate limits (Redis, trusted proxies, Redis down), flood and duplicate (409), and CORS."""
from __future__ import annotations

import uuid

import pytest

from tests.conftest import REDIS_URL
from tests.public_helpers import ORIGIN, comment, news_app


def _ip() -> str:
    # A fresh address per test: limiter counters live in the shared test Redis.
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _post_many(client, count: int, ip: str, spoof: bool = False) -> list:  # type: ignore[no-untyped-def]
    responses = []
    for i in range(count):
        headers = {"X-Forwarded-For": f"198.51.100.{i + 1}"} if spoof else {}
        payload = comment(client, email=f"p{i}@example.com", body=f"Komentar nomor {i} {uuid.uuid4()}")
        responses.append(client.post("/api/v1/comments", json=payload, headers=headers, environ_base={"REMOTE_ADDR": ip}))
    return responses


@pytest.mark.parametrize("spoof", [False, True], ids=["plain", "spoofed-xff"])
def test_per_ip_limit(app_factory, spoof: bool) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, rate_limit_enabled=True, rate_limit_comments="5 per minute")
    client = app.test_client()
    responses = _post_many(client, 7, _ip(), spoof=spoof)
    assert [r.status_code for r in responses] == [202] * 5 + [429] * 2
    limited = responses[-1]
    assert limited.is_json and int(limited.headers["Retry-After"]) > 0
    assert "X-RateLimit-Limit" in responses[0].headers


def test_trusted_proxy_uses_forwarded_address(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, rate_limit_enabled=True, rate_limit_comments="2 per minute", trusted_proxies=1)
    client = app.test_client()
    proxy = _ip()
    codes = []
    for i in range(4):
        payload = comment(client, email=f"q{i}@example.com", body=f"Komentar {i} {uuid.uuid4()}")
        codes.append(client.post("/api/v1/comments", json=payload, environ_base={"REMOTE_ADDR": proxy},
                                 headers={"X-Forwarded-For": _ip()}).status_code)
    assert codes == [202] * 4  # four real clients behind one proxy, each under its limit


def test_per_site_limit(app_factory) -> None:  # type: ignore[no-untyped-def]
    site = "s" + uuid.uuid4().hex[:8]
    app = app_factory(sites={site: {"origins": [ORIGIN]}}, rate_limit_enabled=True,
                      rate_limit_comments="100 per minute", rate_limit_site="3 per minute")
    client = app.test_client()
    codes = [client.post("/api/v1/comments", json=comment(client, site=site, email=f"r{i}@example.com", body=f"b{i}"),
                         environ_base={"REMOTE_ADDR": _ip()}).status_code for i in range(4)]
    assert codes == [202, 202, 202, 429]


def test_redis_down_never_500(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, rate_limit_enabled=True, rate_limit_comments="3 per minute",
                   redis_url="redis://127.0.0.1:1/0", broker_url=REDIS_URL)
    client = app.test_client()
    codes = [r.status_code for r in _post_many(client, 5, _ip())]
    assert 500 not in codes
    assert codes == [202] * 3 + [429] * 2  # in-memory fallback still limits per process


def test_flood_same_author(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=15)
    client = app.test_client()
    assert client.post("/api/v1/comments", json=comment(client, body="satu")).status_code == 202
    again = client.post("/api/v1/comments", json=comment(client, email=" BUDI@example.com", body="dua"))
    assert again.status_code == 429 and "too quickly" in again.json["message"]
    assert int(again.headers["Retry-After"]) >= 1
    other = client.post("/api/v1/comments", json=comment(client, email="siti@example.com", body="tiga"))
    assert other.status_code == 202


def test_duplicate_body_on_thread(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0)
    client = app.test_client()
    assert client.post("/api/v1/comments", json=comment(client, body="Sama persis")).status_code == 202
    dup = client.post("/api/v1/comments", json=comment(client, email="siti@example.com", body="  Sama persis "))
    assert dup.status_code == 409
    assert dup.json["message"] == "Duplicate comment detected; it looks as though you've already said that!"
    elsewhere = client.post("/api/v1/comments", json=comment(client, thread=ORIGIN + "/lain", body="Sama persis"))
    assert elsewhere.status_code == 202


@pytest.mark.parametrize(("origin", "echoed"), [(ORIGIN, True), ("https://evil.example", False), ("null", False)])
def test_cors(app_factory, origin: str, echoed: bool) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    listing = client.get("/api/v1/comments", query_string={"site": "news", "thread": "x"}, headers={"Origin": origin})
    preflight = client.options("/api/v1/comments", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    for response in (listing, preflight):
        assert "Origin" in response.headers["Vary"]
        assert response.headers.get("Access-Control-Allow-Origin") == (origin if echoed else None)
        assert response.headers.get("Access-Control-Allow-Credentials") is None
    if echoed:
        assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
        assert "X-Edit-Token" in preflight.headers["Access-Control-Allow-Headers"]


def test_cors_is_per_site(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(sites={"news": {"origins": [ORIGIN]}, "blog": {"origins": ["https://blog.example"]}})
    client = app.test_client()
    response = client.get("/api/v1/comments", query_string={"site": "news", "thread": "x"},
                          headers={"Origin": "https://blog.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
