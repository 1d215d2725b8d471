"""The demo articles `make run` serves: the widget under the demo's own strict CSP, both languages, and
the WordPress-form return page (?unapproved=N) that shows a pending comment to its author only."""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from moderation.db import session_scope
from moderation.extensions import get_settings
from moderation.models import Comment
from moderation.services.authorship import view_hash
from moderation.services.sites import ensure_demo_site
from tests.helpers.factories import decide_comment, make_comment
from tests.helpers.procs import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
EMAIL = "pembaca.demo@example.com"


@pytest.fixture
def live_app(app_factory) -> Iterator[tuple[Flask, str]]:  # type: ignore[no-untyped-def]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = app_factory(public_url=base, host="127.0.0.1", port=port, form_token_min_seconds=0)
    with session_scope(app) as session:
        ensure_demo_site(session, app.extensions["settings"])
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, base
    server.shutdown()
    thread.join(timeout=5)


def _post_form(app: Flask, base: str, slug: str = "artikel-1", **extra: str) -> Any:
    client = app.test_client()
    thread = f"{base}/demo/{slug}"
    token = client.get("/api/v1/form-token", query_string={"site": "demo", "thread": thread}).get_json()["form_token"]
    data = {"site": "demo", "thread": thread, "author": "Wati", "email": "wati@example.com",
            "comment": "Lewat formulir tanpa JavaScript.", "form_token": token, **extra}
    return client, client.post("/wp-comments-post.php", data=data, headers={"Origin": base})


def test_return_page_shows_pending_only_with_the_authors_proof(live_app) -> None:  # type: ignore[no-untyped-def]
    app, base = live_app
    client, posted = _post_form(app, base, notify_replies="1")
    location = posted.headers["Location"]
    cid = int(re.search(r"unapproved=(\d+)", location).group(1))  # type: ignore[union-attr]
    with session_scope(app) as session:
        assert session.get(Comment, cid).notify_replies is True
    path = location.removeprefix(base).split("#")[0]
    mine = client.get(path, base_url=base).get_data(as_text=True)  # the author: moderation-hash in the link (and the cookie)
    assert mine.count(f'id="comment-{cid}"') == 1 and "Lewat formulir tanpa JavaScript." in mine
    stranger = app.test_client()  # no cookie, only ?unapproved=N: nothing of the comment
    html = stranger.get(f"/demo/artikel-1?unapproved={cid}", base_url=base).get_data(as_text=True)
    assert f'id="comment-{cid}"' not in html and "Lewat formulir" not in html
    forged = stranger.get(f"/demo/artikel-1?unapproved={cid}&moderation-hash={'0' * 32}", base_url=base).get_data(as_text=True)
    assert "Lewat formulir" not in forged
    with app.app_context():
        proof = view_hash(get_settings(), cid)
    shown = stranger.get(f"/demo/artikel-1?unapproved={cid}&moderation-hash={proof}", base_url=base).get_data(as_text=True)
    assert "Lewat formulir" in shown
    decide_comment(app, cid, "published")  # once published it is in the list, once, with or without the marker
    again = client.get(path, base_url=base).get_data(as_text=True)
    assert again.count(f'id="comment-{cid}"') == 1


@pytest.mark.browser
@pytest.mark.parametrize(("slug", "lang", "title", "button", "pending"), [
    ("artikel-1", "id", "Tinggalkan Balasan", "Kirim Komentar", "Komentar Anda menunggu moderasi."),
    ("article-2", "en", "Leave a Reply", "Post Comment", "Your comment is awaiting moderation."),
])
def test_demo_article_posts_under_its_csp(live_app, slug: str, lang: str, title: str, button: str,  # type: ignore[no-untyped-def]
                                          pending: str) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    app, base = live_app
    other = "article-2" if slug == "artikel-1" else "artikel-1"
    for i in range(2):
        decide_comment(app, make_comment(app, f"Komentar {i}.", email=f"r{i}@example.com",
                                         thread_uri=f"{base}/demo/{other}", outbox=False), "published")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1600})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{base}/demo/{slug}")
            form = page.locator("#comments form.comment-form")
            form.wait_for()
            assert page.locator("#comments h3").inner_text().startswith(title)
            assert page.locator("[data-comment-count]").inner_text() in ("2 komentar", "2 comments")
            form.get_by_role("textbox", name=re.compile("^(Komentar|Comment)$")).fill("Semoga harga tetap stabil.")
            form.get_by_role("textbox", name=re.compile("^(Nama|Name)$")).fill("Pembaca Setia")
            form.get_by_role("textbox", name="Email", exact=True).fill(EMAIL)
            page.get_by_role("button", name=button).click()
            page.locator(".mc-own-note", has_text=pending).wait_for()
            html = page.content()
        finally:
            browser.close()
    assert EMAIL not in html
    assert not errors, errors
    with session_scope(app) as session:
        row = session.scalars(select(Comment).where(Comment.name == "Pembaca Setia")).one()
        assert row.status == "pending" and row.thread.uri == f"{base}/demo/{slug}"
        assert row.signals["form_token"] == "ok" and row.signals["honeypot"] is False
