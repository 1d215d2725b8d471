"""Helpers shared by the public API tests (site set-up, posting, counting rows)."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from moderation.db import session_scope
from moderation.models import Author, Comment, OutboxMessage, Thread

ORIGIN = "https://news.example"
THREAD = ORIGIN + "/berita/1"
SITES = {"news": {"name": "News", "origins": [ORIGIN]}}


def news_app(app_factory: Any, **overrides: Any) -> Flask:
    """An app with the `news` site (origin https://news.example)."""
    return app_factory(sites=SITES, **overrides)


def form_token(client: FlaskClient, thread: str = THREAD, site: str = "news") -> str:
    """A fresh form token for the thread."""
    response = client.get("/api/v1/form-token", query_string={"site": site, "thread": thread})
    assert response.status_code == 200, response.json
    return response.json["form_token"]


def comment(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    """A valid comment payload with a fresh token; `fields` override."""
    payload: dict[str, Any] = {
        "site": "news", "thread": THREAD, "name": "Budi", "email": "budi@example.com",
        "body": "Artikel yang bagus, terima kasih.",
    }
    payload.update(fields)
    if "form_token" not in payload:
        payload["form_token"] = form_token(client, payload["thread"], payload["site"])
    return payload


def post(client: FlaskClient, headers: dict[str, str] | None = None, **fields: Any):  # type: ignore[no-untyped-def]
    """POST a comment as JSON."""
    return client.post("/api/v1/comments", json=comment(client, **fields), headers=headers or {})


def counts(app: Flask) -> tuple[int, int, int, int]:
    """Rows in comments, authors, outbox, threads."""
    with session_scope(app) as session:
        return tuple(session.scalar(select(func.count()).select_from(m))  # type: ignore[return-value]
                     for m in (Comment, Author, OutboxMessage, Thread))
