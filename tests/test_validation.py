"""Bad input: a clear 4xx naming the field, nothing stored, never a 500."""
from __future__ import annotations

import json

import pytest

from tests.conftest import database_urls
from tests.public_helpers import ORIGIN, THREAD, comment, counts, news_app

LONG = "x" * 5001

# (case id, field overrides, expected status, field named in `fields`)
FIELD_CASES = [
    ("name missing", {"name": ""}, 422, "name"),
    ("name whitespace", {"name": "   "}, 422, "name"),
    ("name too long", {"name": "n" * 246}, 422, "name"),
    ("name not a string", {"name": 12}, 422, "name"),
    ("name control char", {"name": "Bu\x07di"}, 422, "name"),
    ("name newline", {"name": "Bu\ndi"}, 422, "name"),
    ("email missing", {"email": ""}, 422, "email"),
    ("email no at", {"email": "budi.example.com"}, 422, "email"),
    ("email no dot domain", {"email": "budi@localhost"}, 422, "email"),
    ("email double dot", {"email": "budi@example..com"}, 422, "email"),
    ("email script", {"email": "<script>alert(1)</script>@example.com"}, 422, "email"),
    ("email too long", {"email": "a" * 250 + "@example.com"}, 422, "email"),
    ("website javascript", {"website": "javascript:alert(1)"}, 422, "website"),
    ("website ftp", {"website": "ftp://example.com"}, 422, "website"),
    ("website no host", {"website": "http://"}, 422, "website"),
    ("website bad port", {"website": "http://example.com:99999"}, 422, "website"),
    ("website spaces", {"website": "http://exa mple.com"}, 422, "website"),
    ("website data", {"website": "data:text/html,<script>alert(1)</script>"}, 422, "website"),
    ("body empty", {"body": ""}, 422, "body"),
    ("body whitespace", {"body": " \n\t "}, 422, "body"),
    ("body too long", {"body": LONG}, 422, "body"),
    ("body NUL", {"body": "halo\x00"}, 422, "body"),
    ("body escape", {"body": "halo \x1b[31m"}, 422, "body"),
    ("body lone surrogate", {"body": "halo \ud800"}, 422, "body"),
    ("body not a string", {"body": ["a"]}, 422, "body"),
    ("thread missing", {"thread": ""}, 422, "thread"),
    ("thread foreign origin", {"thread": "https://evil.example/page"}, 403, "thread"),
    ("thread bad url", {"thread": "http://"}, 422, "thread"),
    ("thread control", {"thread": "page\x01"}, 422, "thread"),
    ("title control", {"title": "Judul\x02"}, 422, "title"),
    ("parent unknown", {"parent": 999}, 404, "parent"),
    ("parent negative", {"parent": -3}, 422, "parent"),
    ("parent not int", {"parent": "abc"}, 422, "parent"),
    ("unknown site", {"site": "nope"}, 404, "site"),
    ("site not a string", {"site": 5}, 422, "site"),
]


@pytest.mark.parametrize(("overrides", "status", "field"), [c[1:] for c in FIELD_CASES], ids=[c[0] for c in FIELD_CASES])
def test_bad_field(app_factory, overrides: dict, status: int, field: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    payload = comment(client)
    payload.update(overrides)
    response = client.post("/api/v1/comments", json=payload)
    assert response.status_code == status, response.json
    assert response.json["error"] == {403: "forbidden", 404: "not_found", 413: "request_entity_too_large"}.get(status, "invalid")
    assert field in response.json["fields"], response.json
    assert "budi@example.com" not in response.get_data(as_text=True)
    assert counts(app)[:3] == (0, 0, 0)


def test_every_reason_in_one_response(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/api/v1/comments", json={"site": "news", "thread": THREAD, "name": "",
                                                     "email": "x", "website": "ftp://a", "body": ""})
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"name", "email", "website", "body"}


@pytest.mark.parametrize(("kind", "status", "error"), [
    ("wrong content type", 415, "unsupported_media_type"),
    ("form encoded", 415, "unsupported_media_type"),
    ("malformed json", 400, "malformed_json"),
    ("json array", 422, "invalid"),
    ("json string", 422, "invalid"),
    ("oversize", 413, "request_entity_too_large"),
])
def test_bad_requests(app_factory, kind: str, status: int, error: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    good = json.dumps(comment(client))
    requests = {
        "wrong content type": {"data": good, "content_type": "text/plain"},
        "form encoded": {"data": {"body": "x"}},
        "malformed json": {"data": good[:-3], "content_type": "application/json"},
        "json array": {"data": "[1, 2]", "content_type": "application/json"},
        "json string": {"data": '"hello"', "content_type": "application/json"},
        "oversize": {"data": json.dumps(comment(client, body="x" * 70_000)), "content_type": "application/json"},
    }
    response = client.post("/api/v1/comments", **requests[kind])
    assert response.status_code == status
    assert response.is_json and response.json["error"] == error
    assert counts(app)[:3] == (0, 0, 0)


def test_body_limit_follows_site_policy(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(sites={"news": {"origins": [ORIGIN], "policy": {"max_body_chars": 10}}})
    client = app.test_client()
    assert client.post("/api/v1/comments", json=comment(client, body="x" * 11)).status_code == 422
    assert client.post("/api/v1/comments", json=comment(client, body="x" * 10)).status_code == 202


def test_name_email_optional_when_site_allows(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(sites={"news": {"origins": [ORIGIN], "policy": {"require_name_email": False}}})
    client = app.test_client()
    response = client.post("/api/v1/comments", json=comment(client, name="", email=""))
    assert response.status_code == 202, response.json
    assert client.post("/api/v1/comments", json=comment(client, email="bad")).status_code == 422


def test_foreign_origin_is_refused(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/api/v1/comments", json=comment(client), headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "origin" in response.json["fields"]
    assert "Access-Control-Allow-Origin" not in response.headers
    assert counts(app)[:3] == (0, 0, 0)


def test_site_may_be_omitted_when_only_one_exists(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    payload = comment(client)
    del payload["site"]
    assert client.post("/api/v1/comments", json=payload).status_code == 202


def test_site_required_when_several_exist(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(sites={"news": {"origins": [ORIGIN]}, "blog": {"origins": ["https://blog.example"]}})
    client = app.test_client()
    payload = comment(client)
    del payload["site"]
    response = client.post("/api/v1/comments", json=payload)
    assert response.status_code == 422 and "site" in response.json["fields"]
    # ...unless the Origin says which one.
    assert client.post("/api/v1/comments", json=payload, headers={"Origin": ORIGIN}).status_code == 202


SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
@pytest.mark.parametrize("field", ["name", "body", "title", "website", "thread", "email"])
def test_script_tags_in_every_field(app_factory, database_url: str, field: str) -> None:  # type: ignore[no-untyped-def]
    from moderation.db import session_scope
    from moderation.models import Comment, Status

    app = news_app(app_factory)
    client = app.test_client()
    values = {"name": f"Budi {SCRIPT}", "body": f"Halo {SCRIPT} <b onclick=x>tebal</b>", "title": SCRIPT,
              "website": f"https://example.com/{SCRIPT}", "thread": f"{THREAD}?q={SCRIPT}", "email": f"{SCRIPT}@x.com"}
    response = client.post("/api/v1/comments", json=comment(client, **{field: values[field]}))
    assert response.status_code in (202, 422), response.json
    if response.status_code == 422:
        assert counts(app)[:3] == (0, 0, 0)
        return
    with session_scope(app) as session:
        stored = session.get(Comment, response.json["id"])
        stored.status = Status.PUBLISHED.value
        thread = stored.thread.uri
    listing = client.get("/api/v1/comments", query_string={"site": "news", "thread": thread})
    # Plain-text fields come back as JSON data (the widget sets them with textContent); only
    # body_html is HTML, and it has been through the allow-list.
    assert listing.mimetype == "application/json"
    assert listing.headers["X-Content-Type-Options"] == "nosniff"
    item = listing.json["comments"][0]
    assert "<script" not in item["body_html"] and "onclick" not in item["body_html"]
    assert item["name"] == ("Budi " + SCRIPT if field == "name" else "Budi")


def test_the_control_character_check_matches_unicode_categories() -> None:
    """The fast check refuses exactly Unicode's Cc and Cs characters and U+2028/U+2029."""
    import unicodedata

    from moderation.schemas import check_controls

    def refused(ch: str, newlines: bool) -> bool:
        try:
            check_controls(ch, allow_newlines=newlines)
        except ValueError:
            return True
        return False

    for code in range(0x110000):
        ch = chr(code)
        control = unicodedata.category(ch) in ("Cc", "Cs") or ch in "\u2028\u2029"
        assert refused(ch, False) is control, hex(code)
        assert refused(ch, True) is (control and ch not in "\n\t"), hex(code)
