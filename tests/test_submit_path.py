"""The submit path's SQL: a comment costs one SELECT and its INSERTs, and comment.created is written
exactly when the site has a webhook endpoint."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from moderation.db import session_scope
from moderation.webhooks.models import WebhookMessage
from tests.conftest import database_urls
from tests.public_helpers import form_token, news_app, post
from tests.test_read_paths import recorded
from tests.webhooks.helpers import add_endpoint


def _kinds(statements: list[str]) -> list[str]:
    """The first word and table of each statement, e.g. "INSERT comments"."""
    out = []
    for statement in statements:
        words = statement.split()
        verb = words[0].upper()
        table = words[words.index("INTO") + 1] if verb == "INSERT" else words[0]
        out.append(f"{verb} {table}" if verb == "INSERT" else verb)
    return out


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_a_new_and_a_known_author_cost_one_select_and_the_inserts(app_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0)
    client = app.test_client()
    assert post(client, body="Komentar pertama di halaman ini.").status_code == 202  # the page and the site snapshot
    token = form_token(client)
    with recorded(app) as first:
        assert post(client, email="baru@example.com", body="Penulis baru.", form_token=token).status_code == 202
    token = form_token(client)
    with recorded(app) as again:
        assert post(client, email="baru@example.com", body="Penulis yang sama lagi.", form_token=token).status_code == 202
    assert _kinds(first) == ["SELECT", "INSERT authors", "INSERT comments", "INSERT outbox"], first
    assert _kinds(again) == ["SELECT", "INSERT comments", "INSERT outbox"], again


@pytest.mark.parametrize("with_endpoint", [False, True])
def test_comment_created_is_written_when_the_site_has_an_endpoint(app_factory, with_endpoint: bool) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0, webhook_allow_networks=["127.0.0.0/8"])
    if with_endpoint:
        add_endpoint(app, "http://127.0.0.1:9/in", "comment.created", site="news")
    client = app.test_client()
    response = post(client, body="Ada yang baru di sini.")
    assert response.status_code == 202
    with session_scope(app) as session:
        written = list(session.scalars(select(WebhookMessage.event_type).where(
            WebhookMessage.comment_id == response.json["id"])))
    assert written == (["comment.created"] if with_endpoint else [])
