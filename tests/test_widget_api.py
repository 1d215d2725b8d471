"""The API the widget uses: paged threads, counts, the author's view, duplicates, names, notify_replies."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from moderation.db import session_scope
from moderation.extensions import get_settings
from moderation.models import Comment, Status
from moderation.services.authorship import view_hash
from moderation.services.threads import MAX_COUNT_THREADS
from tests.conftest import database_urls
from tests.helpers.factories import decide_comment, make_comment
from tests.public_helpers import ORIGIN, THREAD, news_app, post


def _published(app, body: str, *, thread: str = THREAD, parent: int | None = None, n: int = 0) -> int:  # type: ignore[no-untyped-def]
    cid = make_comment(app, body, email=f"r{n}@example.com", name=f"R{n}", site_id="news", thread_uri=thread,
                       parent_id=parent, outbox=False)
    decide_comment(app, cid, "published")
    return cid


def _spread(app, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Give the comments distinct creation times, one minute apart, in the order given."""
    with session_scope(app) as session:
        base = session.get(Comment, ids[0]).created_at
        for i, cid in enumerate(ids):
            session.execute(update(Comment).where(Comment.id == cid).values(created_at=base + timedelta(minutes=i)))


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_thread_pages_keep_conversations_whole(app_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    roots = [_published(app, f"Akar {i}", n=i) for i in range(7)]
    reply = _published(app, "Balasan untuk akar 1", parent=roots[1], n=20)
    deep = _published(app, "Balasan untuk balasan", parent=reply, n=21)
    held = make_comment(app, "Ditahan", email="h@example.com", site_id="news", thread_uri=THREAD, parent_id=roots[2], outbox=False)
    decide_comment(app, held, "held")
    orphan = _published(app, "Balasan komentar yang ditahan", parent=held, n=22)  # parent not shown: top level
    _spread(app, [*roots, reply, deep, held, orphan])
    client = app.test_client()
    seen: list[int] = []
    after, pages = None, 0
    while True:
        query = {"site": "news", "thread": THREAD, "limit": 3} | ({"after": after} if after else {})
        page = client.get("/api/v1/comments", query_string=query).json
        assert page["count"] == 10
        assert (page["form_token"] is None) == (after is not None)
        seen += [c["id"] for c in page["comments"]]
        if page["comments"] and page["comments"][0]["id"] == roots[0]:
            assert page["comments"][1]["replies"][0]["id"] == reply
            assert page["comments"][1]["replies"][0]["replies"][0]["id"] == deep
        pages += 1
        after = page["next"]
        if after is None:
            break
    assert seen == [*roots, orphan] and pages == 3
    newest = client.get("/api/v1/comments", query_string={"site": "news", "thread": THREAD, "sort": "newest", "limit": 2}).json
    assert [c["id"] for c in newest["comments"]] == [orphan, roots[6]]
    following = client.get("/api/v1/comments", query_string={"site": "news", "thread": THREAD, "sort": "newest",
                                                             "limit": 2, "after": newest["next"]}).json
    assert [c["id"] for c in following["comments"]] == [roots[5], roots[4]]
    assert page["config"]["language"] == "id"
    assert page["config"]["thread_depth"] == 3 and page["config"]["max_body_chars"] == 5000


@pytest.mark.parametrize(("query", "field", "code"), [
    ({"limit": "0"}, "limit", "invalid"),
    ({"limit": "201"}, "limit", "invalid"),
    ({"limit": "dua"}, "limit", "invalid_type"),
    ({"sort": "random"}, "sort", "invalid_choice"),
    ({"after": "kemarin"}, "after", "cursor_invalid"),
])
def test_bad_listing_query_is_422_with_codes(app_factory, query: dict, field: str, code: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    response = app.test_client().get("/api/v1/comments", query_string={"site": "news", "thread": THREAD} | query)
    assert response.status_code == 422 and response.json["codes"] == {field: code}, response.json


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_counts_many_threads_in_one_request(app_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    other = ORIGIN + "/berita/2"
    for i in range(3):
        _published(app, f"Komentar {i}", n=i)
    _published(app, "Di halaman lain", thread=other, n=9)
    make_comment(app, "Belum diputuskan", site_id="news", thread_uri=other, outbox=False)
    client = app.test_client()
    asked = [THREAD, other + "#comments", ORIGIN + "/berita/3", "post-42"]
    response = client.get("/api/v1/counts", query_string={"site": "news", "thread": asked}, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.json["counts"] == {THREAD: 3, other + "#comments": 1, ORIGIN + "/berita/3": 0, "post-42": 0}
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    foreign = client.get("/api/v1/counts", query_string={"site": "news", "thread": "https://evil.example/x"})
    assert foreign.status_code == 403 and foreign.json["codes"] == {"thread": "thread_foreign"}
    none = client.get("/api/v1/counts", query_string={"site": "news"})
    assert none.status_code == 422 and none.json["codes"] == {"thread": "required"}
    many = client.get("/api/v1/counts", query_string={"site": "news", "thread": [f"p{i}" for i in range(MAX_COUNT_THREADS + 1)]})
    assert many.status_code == 422 and many.json["codes"] == {"thread": "too_many"}


def test_author_sees_own_comment_with_token_or_return_link_hash(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    answer = post(client, body="Teks asli saya.\n\nParagraf kedua.", notify_replies=True)
    cid, token = answer.json["id"], answer.json["edit_token"]
    assert answer.json["author_token"]
    own = client.get(f"/api/v1/comments/{cid}", headers={"X-Edit-Token": token}).json
    assert own["status"] == "pending" and own["body"] == "Teks asli saya.\n\nParagraf kedua."
    assert own["editable_until"] > own["created"]
    assert client.get(f"/api/v1/comments/{cid}").status_code == 404
    assert client.get(f"/api/v1/comments/{cid}", query_string={"moderation-hash": "0" * 32}).status_code == 404
    with app.app_context():
        proof = view_hash(get_settings(), cid)
    assert client.get(f"/api/v1/comments/{cid}", query_string={"moderation-hash": proof}).json["status"] == "pending"
    # The return link's hash shows; it does not allow editing or deleting.
    assert client.patch(f"/api/v1/comments/{cid}?moderation-hash={proof}", json={"body": "x"}).status_code == 403
    with session_scope(app) as session:
        assert session.get(Comment, cid).notify_replies is True


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_duplicate_means_same_author_or_same_browser(app_factory, database_url: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0)
    reader_a, reader_b = app.test_client(), app.test_client()
    first = post(reader_a, body="Terima kasih.", name="Ani", email="ani@example.com")
    assert first.status_code == 202
    # Another reader, other name and email, same short text: not a duplicate (was 409).
    assert post(reader_b, body="Terima kasih.", name="Budi", email="budi@example.com").status_code == 202
    # The same author (keyed email index), from anywhere: 409.
    again = post(app.test_client(), body="Terima kasih.", name="Ani lagi", email="ANI@example.com")
    assert again.status_code == 409 and again.json["codes"] == {"body": "duplicate"}
    # The same browser with another email: its author token (the widget's, kept by consent) says who it is.
    other_email = post(app.test_client(), body="Terima kasih.", name="Ani", email="ani.lain@example.com",
                       author_token=first.json["author_token"])
    assert other_email.status_code == 409
    # Same author, same text, but replying to someone: a different conversation, allowed (as WordPress).
    with session_scope(app) as session:
        session.execute(update(Comment).values(status=Status.PUBLISHED.value))
        target = session.scalars(select(Comment.id).where(Comment.name == "Budi")).one()
    assert post(reader_a, body="Terima kasih.", name="Ani", email="ani@example.com", parent=target).status_code == 202
    # A forged or foreign token counts for nothing.
    assert post(app.test_client(), body="Terima kasih.", name="C", email="c@example.com",
                author_token="eyJzIjoibmV3cyIsImEiOjF9.forged").status_code == 202


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
                                  "\u2069", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"])
def test_names_refuse_bidi_and_zero_width_characters(app_factory, char: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    response = post(app.test_client(), name=f"Bu{char}di")
    assert response.status_code == 422 and response.json["codes"] == {"name": "invisible_chars"}
    assert f"U+{ord(char):04X}" in response.json["fields"]["name"]


def test_bodies_render_without_bidi_controls(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    cid = _published(app, "harga \u202eturun\u202c hari ini \u2067x\u2069")
    body = app.test_client().get(f"/api/v1/comments/{cid}").json["body_html"]
    assert body == "<p>harga turun hari ini x</p>"
    with session_scope(app) as session:
        assert "\u202e" in session.get(Comment, cid).body  # stored as sent; only the rendering drops them
