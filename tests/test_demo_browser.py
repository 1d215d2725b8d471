"""The demo article page in headless Chromium: the widget posts a comment and shows it is pending."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from moderation.db import session_scope
from moderation.models import Comment
from moderation.services.sites import ensure_demo_site

CHROMIUM = "/usr/bin/chromium"
EMAIL = "pembaca.demo@example.com"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_app(app_factory) -> Iterator[tuple[object, str]]:  # type: ignore[no-untyped-def]
    port = _free_port()
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


def test_widget_posts_and_shows_pending(live_app) -> None:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    app, base = live_app
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1600})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{base}/demo/artikel-1")
            assert "Harga Cabai" in page.title()
            form = page.locator("form.mc-form")
            form.wait_for()
            assert "Alamat email Anda tidak akan dipublikasikan" in form.inner_text()
            page.wait_for_function("document.querySelector('.mc-count').textContent.length > 0")
            form.locator("textarea[name=body]").fill("Semoga harga tetap stabil sampai Lebaran.")
            form.locator("input[name=name]").fill("Pembaca Setia")
            form.locator("input[name=email]").fill(EMAIL)
            form.locator("button[type=submit]").click()
            page.locator(".mc-pending").wait_for(timeout=10_000)
            assert "menunggu moderasi" in page.locator(".mc-pending").inner_text()
            page.screenshot(path="/tmp/demo.png", full_page=True)
            html = page.content()
        finally:
            browser.close()
    assert EMAIL not in html
    assert not errors, errors
    with session_scope(app) as session:
        row = session.scalars(select(Comment)).one()
        assert row.status == "pending" and row.name == "Pembaca Setia"
        assert row.thread.uri == f"{base}/demo/artikel-1"
        assert row.signals["form_token"] == "ok" and row.signals["honeypot"] is False
