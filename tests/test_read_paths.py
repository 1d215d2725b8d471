"""Read paths: a thread's listing costs the same few statements for 20 comments as for 40, each body
is sanitised once (not on every GET), and CORS preflights and the WordPress form find their site in
the per-process snapshot without a query."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import event, update

from moderation import sanitize
from moderation.db import session_scope
from moderation.models import Comment, Status
from tests.conftest import database_urls
from tests.public_helpers import ORIGIN, THREAD, news_app, post


@contextmanager
def recorded(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block."""
    engine = app.extensions["db_engine"]
    statements: list[str] = []

    def listen(_conn, _cursor, statement: str, *_rest) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def publish_more(app: Flask, total: int) -> None:
    """Post comments by different authors (every third a reply) until the thread has `total`, all published."""
    client = app.test_client()
    with session_scope(app) as session:
        have = session.query(Comment).count()
    last = None
    for n in range(have, total):
        fields = {"name": f"Pembaca {n}", "email": f"pembaca{n}@example.com", "body": f"Komentar ke-{n}\n\nParagraf dua."}
        if last is not None and n % 3 == 2:
            fields["parent"] = last
        response = post(client, **fields)
        assert response.status_code == 202, response.json
        last = response.json["id"]
        with session_scope(app) as session:  # a reply needs its parent published
            session.execute(update(Comment).where(Comment.id == last).values(status=Status.PUBLISHED.value))


def listing(app: Flask) -> dict:  # type: ignore[type-arg]
    response = app.test_client().get("/api/v1/comments", query_string={"site": "news", "thread": THREAD, "limit": 200},
                                     headers={"Origin": ORIGIN})
    assert response.status_code == 200, response.json
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    return response.json  # type: ignore[no-any-return]


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_listing_statements_do_not_grow_with_the_thread(app_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0)
    per_size: dict[int, int] = {}
    for size in (20, 40):
        publish_more(app, size)
        listing(app)  # the site snapshot is loaded by the first request of a process
        with recorded(app) as statements:
            data = listing(app)
        assert data["count"] == size
        shown = sum(1 + len(top["replies"]) for top in data["comments"])
        assert shown == size, "every published comment, replies nested under their parent"
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert selects == statements, f"a read writes nothing: {statements}"
        per_size[size] = len(statements)
    # Thread id, the (id, parent) scan, the page's comments and one query for all their authors.
    assert per_size[20] == per_size[40] <= 4, per_size


def test_bodies_are_sanitised_once_not_per_read(app_factory, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0)
    publish_more(app, 20)
    first = listing(app)
    calls: list[str] = []
    real: Callable[[str], str] = sanitize.clean
    monkeypatch.setattr(sanitize, "clean", lambda html: calls.append(html) or real(html))
    again = listing(app)
    assert calls == [], "a second read of the same bodies runs nh3 again"
    assert [c["body_html"] for c in again["comments"]] == [c["body_html"] for c in first["comments"]]
    assert again["comments"][0]["body_html"] == "<p>Komentar ke-0</p><p>Paragraf dua.</p>"


def test_preflight_and_wordpress_form_use_the_site_snapshot(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    client.get("/api/v1/counts", query_string={"site": "news", "thread": THREAD})  # loads the snapshot
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    with recorded(app) as statements:
        answer = client.options("/api/v1/comments", headers=preflight)
        foreign = client.options("/api/v1/comments", headers={**preflight, "Origin": "https://evil.example"})
        # A theme's form without a `site` field: the Referer names the site; the empty comment is refused.
        form = client.post("/wp-comments-post.php", data={"author": "Budi", "comment": ""}, headers={"Referer": THREAD})
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in foreign.headers
    assert form.status_code == 422 and f'href="{THREAD}"' in form.get_data(as_text=True)
    assert statements == [], statements
