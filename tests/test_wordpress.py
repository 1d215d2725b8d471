"""POST /wp-comments-post.php: WordPress field names, 303 back to the page, wp_die-style errors."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from moderation.db import session_scope
from moderation.extensions import get_settings
from moderation.models import Comment, Status
from moderation.services.authorship import view_hash
from tests.public_helpers import ORIGIN, THREAD, counts, form_token, news_app


def _form(client, **fields):  # type: ignore[no-untyped-def]
    data = {"site": "news", "thread": THREAD, "author": "Budi", "email": "budi@example.com",
            "url": "", "comment": "Mantap beritanya.", "comment_post_ID": "42", "comment_parent": "0",
            "submit": "Kirim Komentar"}
    data.update(fields)
    if "form_token" not in data:
        data["form_token"] = form_token(client, data["thread"])
    return data


def test_redirects_to_the_page_with_anchor(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/wp-comments-post.php", data=_form(client, url="https://budi.example"),
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    with session_scope(app) as session:
        row = session.scalars(select(Comment)).one()
        assert row.website == "https://budi.example" and row.status == "pending"
        assert row.signals["form_token"] == "ok"
    with app.app_context():
        proof = view_hash(get_settings(), row.id)
    assert response.headers["Location"] == f"{THREAD}?unapproved={row.id}&moderation-hash={proof}#comment-{row.id}"


def test_thread_from_referer_and_site_from_referer(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    data = _form(client, form_token="")
    del data["site"], data["thread"]
    response = client.post("/wp-comments-post.php", data=data, headers={"Referer": THREAD + "?p=1#respond"})
    assert response.status_code == 303
    assert response.headers["Location"].startswith(THREAD + "?p=1&unapproved=")


def test_reply_via_comment_parent(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0)
    client = app.test_client()
    client.post("/wp-comments-post.php", data=_form(client))
    with session_scope(app) as session:
        parent = session.scalars(select(Comment)).one()
        parent.status = Status.PUBLISHED.value
        parent_id = parent.id
    response = client.post("/wp-comments-post.php", data=_form(client, comment="Balasan", comment_parent=str(parent_id)))
    assert response.status_code == 303
    with session_scope(app) as session:
        assert session.get(Comment, parent_id + 1).parent_id == parent_id


def test_honeypot_gets_the_same_redirect(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/wp-comments-post.php", data=_form(client, homepage="http://spam.example"))
    assert response.status_code == 303
    with session_scope(app) as session:
        assert session.get(Comment, 1).signals["honeypot"] is True


@pytest.mark.parametrize(("fields", "status", "field"), [
    ({"author": ""}, 422, "name"),
    ({"email": "budi@"}, 422, "email"),
    ({"email": "<b>budi</b>@example.com"}, 422, "email"),
    ({"url": "javascript:alert(1)"}, 422, "website"),
    ({"comment": ""}, 422, "body"),
    ({"comment": "x\x00"}, 422, "body"),
    ({"site": "nope"}, 404, "site"),
    ({"comment_parent": "77"}, 404, "parent"),
])
def test_error_page(app_factory, fields: dict, status: int, field: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/wp-comments-post.php", data=_form(client, **fields), headers={"Referer": THREAD})
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert f"<code>{field}</code>" in html
    assert "budi@example.com" not in html and "<b>budi" not in html
    assert f'href="{THREAD}"' in html  # back link to a registered origin
    assert counts(app)[:3] == (0, 0, 0)


def test_error_page_back_link_never_to_foreign_referer(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/wp-comments-post.php", data=_form(client, comment=""),
                           headers={"Referer": "https://evil.example/phish"})
    assert response.status_code == 422
    assert "evil.example" not in response.get_data(as_text=True)


def test_duplicate_is_409_page(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0)
    client = app.test_client()
    assert client.post("/wp-comments-post.php", data=_form(client)).status_code == 303
    # Same browser (the author cookie the first post set), other email: still this reader repeating themselves.
    again = client.post("/wp-comments-post.php", data=_form(client, email="lain@example.com"))
    assert again.status_code == 409
    assert "Komentar ganda" in again.get_data(as_text=True)  # the site's language (Indonesian) by default
    english = client.post("/wp-comments-post.php", data=_form(client), headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert english.status_code == 409 and "Duplicate comment detected" in english.get_data(as_text=True)


def test_oversize_is_413_page(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/wp-comments-post.php", data=_form(client, comment="x" * 70_000))
    assert response.status_code == 413
    assert counts(app)[:3] == (0, 0, 0)


def test_non_url_thread_without_referer_shows_thanks(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/wp-comments-post.php", data=_form(client, thread="post-42"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # It says what is true at that moment (received, being checked), not "awaiting moderation" for ever.
    assert "sedang diperiksa" in html and "menunggu moderasi" not in html and 'id="comment-' not in html
    assert "frame-ancestors https://news.example" in response.headers["Content-Security-Policy"]
