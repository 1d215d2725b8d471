"""Across the seam: what the web side stores is what the worker reads and the policy decides on.

Each case submits through the real public API (JSON or the WordPress form), then scores with the
real worker code (the keyword model stands in for the classifier): the stored link count is the
figure the policy used, and the decision follows from it.
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from moderation.db import session_scope
from moderation.extensions import get_sessionmaker, get_settings
from moderation.models import Comment, Decision
from tests.conftest import database_urls
from tests.helpers.fakes import FakeModel
from tests.public_helpers import ORIGIN, THREAD, form_token, news_app, post
from workers import model as model_cache
from workers import scoring

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)


@pytest.fixture
def app(app_factory) -> Flask:  # type: ignore[no-untyped-def]
    model_cache.set_model(FakeModel())
    yield news_app(app_factory, flood_seconds=0)
    model_cache.set_model(None)


def stored_and_decided(app: Flask, comment_id: int) -> tuple[dict[str, Any], Decision]:
    assert scoring.score_comment(get_sessionmaker(app), get_settings(app), comment_id) != "skipped"
    with session_scope(app) as session:
        comment = session.get(Comment, comment_id)
        decision = session.scalars(select(Decision).where(Decision.comment_id == comment_id)).one()
        return dict(comment.signals), decision


# The default link limit is 2: a comment with two or more links a reader could follow is held.
LINK_CASES = [
    ("no links at all", "", 0),
    ("see https://a.example/x", "", 1),
    ("bare http://a.example and www.b.example", "", 2),
    ("<a href='//x.example'>1</a> <a href='//y.example'>2</a> <a href='//z.example'>3</a>", "", 3),
    ("one anchor <a href='https://a.example'>https://a.example</a>", "", 1),  # its text is not a second link
    ("<a href='javascript:alert(1)'>x</a> <a>no href</a>", "", 0),  # stripped by the sanitiser: not links
    ("just text", "https://budi.example", 1),
    ("read https://a.example", "https://budi.example", 2),
    ("<a href='https://a.example'>a</a> and www.b.example", "https://c.example", 3),
]


@pytest.mark.parametrize(("body", "website", "links"), LINK_CASES)
def test_json_api_links_are_the_figure_the_policy_uses(app: Flask, body: str, website: str, links: int) -> None:
    client = app.test_client()
    response = post(client, {"Origin": ORIGIN}, body=body, website=website, email=f"{links}-{len(body)}@example.org")
    assert response.status_code == 202, response.json
    signals, decision = stored_and_decided(app, response.json["id"])
    assert signals["links"] == links
    assert ("too_many_links" in decision.reasons) is (links >= 2)
    assert decision.thresholds["link_limit"] == 2


@pytest.mark.parametrize(("body", "website", "links"), LINK_CASES[2:5])
def test_wordpress_form_links_are_the_figure_the_policy_uses(app: Flask, body: str, website: str, links: int) -> None:
    client = app.test_client()
    response = client.post("/wp-comments-post.php", headers={"Origin": ORIGIN}, data={
        "site": "news", "thread": THREAD, "author": "Budi", "email": "wp@example.org", "url": website,
        "comment": body, "form_token": form_token(client),
    })
    assert response.status_code == 303
    comment_id = int(re.search(r"unapproved=(\d+)", response.headers["Location"]).group(1))  # type: ignore[union-attr]
    signals, decision = stored_and_decided(app, comment_id)
    assert signals["links"] == links
    assert ("too_many_links" in decision.reasons) is (links >= 2)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"homepage": "http://bot.example"}, "bot_honeypot"),
        ({"form_token": "tampered"}, "bot_invalid_token"),
        ({"form_token": ""}, "bot_invalid_token"),
    ],
)
def test_bot_verdicts_stored_at_submit_decide_in_the_worker(app: Flask, fields: dict[str, str], reason: str) -> None:
    response = post(app.test_client(), {"Origin": ORIGIN}, **fields)
    assert response.status_code == 202
    _, decision = stored_and_decided(app, response.json["id"])
    assert decision.status == "spam" and reason in decision.reasons


def test_an_edit_recounts_links_for_the_worker(app: Flask) -> None:
    client = app.test_client()
    created = post(client, {"Origin": ORIGIN}, body="tanpa tautan").json
    stored_and_decided(app, created["id"])
    edited = client.patch(f"/api/v1/comments/{created['id']}", headers={"X-Edit-Token": created["edit_token"]},
                          json={"body": "<a href='//x.example'>a</a> https://y.example"})
    assert edited.status_code == 200
    signals, decision = stored_and_decided(app, created["id"])
    assert signals["links"] == 2 and signals["edited"] is True
    assert decision.status == "held" and "too_many_links" in decision.reasons
