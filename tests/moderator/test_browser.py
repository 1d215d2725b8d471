"""The moderator UI in headless Chromium (Debian's): the issue's browser scenarios, axe-core, screenshots.

Screenshots and the keyboard timing land in tests/artifacts/ (ignored by git).
"""
from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from moderation.db import session_scope
from moderation.models import AuditEntry
from moderation.moderator.models import Ban
from tests.conftest import REDIS_URL
from tests.moderator.helpers import PASSWORD, held, moderator, status_of

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _clean_throttle() -> None:
    from redis import Redis

    redis = Redis.from_url(REDIS_URL)
    for key in redis.scan_iter("*:login:*"):
        redis.delete(key)


@pytest.fixture
def live(app_factory) -> Iterator[tuple[Any, str]]:  # type: ignore[no-untyped-def]
    port = _free_port()
    app = app_factory(host="127.0.0.1", port=port)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


def _page(browser: Any, **context: Any) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 1000}, **context).new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def _login(page: Any, base: str, name: str = "ana", password: str = PASSWORD) -> None:
    page.goto(f"{base}/moderation/login")
    page.fill("#username", name)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_see_why_and_approve_with_the_keyboard(browser: Any, live: tuple[Any, str]) -> None:
    app, base = live
    moderator(app)
    first = held(app, "Dasar goblok, tulisan ini ngawur sekali", scores={"toxicity": 0.97, "spam": 0.02})
    others = [held(app, f"Komentar goblok nomor {i}", scores={"toxicity": 0.8 - i * 0.01}) for i in range(10)]
    page = _page(browser, locale="en-US")
    _login(page, base)
    page.wait_for_selector("article.card.focused")
    card = page.locator(f"#c{first}")
    assert card.locator("mark.hl-toxicity").first.inner_text() == "goblok"
    assert "toxic" in card.locator(".reasons").inner_text()
    assert "0.97" in card.locator("table.scores").inner_text() and "0.65" in card.locator("table.scores").inner_text()
    page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=False)
    card.screenshot(path=str(ARTIFACTS / "held-comment.png"))
    page.keyboard.press("a")
    card.wait_for(state="detached")
    assert status_of(app, first) == "published"
    public = page.request.get(f"{base}/api/v1/comments/{first}")
    assert public.status == 200 and "goblok" in public.json()["body_html"]
    # Timing: one key per comment for the next ten, each waiting until its card is gone.
    start = time.perf_counter()
    for cid in others:
        page.wait_for_selector(f"#c{cid}.focused")
        page.keyboard.press("a")
        page.wait_for_selector(f"#c{cid}", state="detached")
    per_comment = (time.perf_counter() - start) / len(others)
    assert [status_of(app, c) for c in others] == ["published"] * len(others)
    (ARTIFACTS / "keyboard.json").write_text(json.dumps({"comments": len(others), "key_presses_per_comment": 1,
                                                          "seconds_per_comment": round(per_comment, 3)}))
    print(f"keyboard: 1 key press per comment, {per_comment * 1000:.0f} ms per comment over {len(others)}")
    assert not page.errors, page.errors


def test_bulk_reject_three_and_undo(browser: Any, live: tuple[Any, str]) -> None:
    app, base = live
    moderator(app)
    ids = [held(app, f"Komentar kasar {i}", scores={"toxicity": 0.9 - i * 0.1}) for i in range(4)]
    page = _page(browser)
    _login(page, base)
    page.wait_for_selector("article.card.focused")
    for key in ("x", "j", "x", "j", "x", "r"):
        page.keyboard.press(key)
    for cid in ids[:3]:
        page.wait_for_selector(f"#c{cid}", state="detached")
    assert [status_of(app, c) for c in ids] == ["rejected"] * 3 + ["held"]
    page.keyboard.press("u")
    page.wait_for_selector(f"#c{ids[2]}")  # the page reloads with them back
    assert [status_of(app, c) for c in ids] == ["held"] * 4
    assert not page.errors, page.errors


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_reveal_email_only_for_admins(browser: Any, live: tuple[Any, str], role: str) -> None:
    app, base = live
    moderator(app, role=role)
    cid = held(app)
    page = _page(browser)
    _login(page, base)
    card = page.locator(f"#c{cid}")
    card.locator("summary").click()
    assert "b***@example.co.id" in card.inner_text() and "budi@example.co.id" not in page.content()
    if role == "moderator":
        assert card.locator("form.reveal").count() == 0
        return
    card.locator("form.reveal input[name=reason]").fill("legal request 42")
    card.locator("form.reveal button").click()
    assert page.locator("#revealed-email").inner_text() == "budi@example.co.id"
    with session_scope(app) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal_email")).all()
        assert [(r.comment_id, r.actor, r.reason) for r in rows] == [(cid, "moderator:ana", "legal request 42")]


class _Attacker(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:
        html = (f'<form id="f" method="post" action="{self.target}"><input name="kind" value="email"></form>'
                '<script>document.getElementById("f").submit()</script>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(html)

    def log_message(self, *args: Any) -> None:
        pass


def test_cross_site_post_is_refused(browser: Any, live: tuple[Any, str]) -> None:
    app, base = live
    moderator(app)
    cid = held(app)
    page = _page(browser)
    _login(page, base)
    page.wait_for_selector("article.card")
    _Attacker.target = f"{base}/moderation/comments/{cid}/ban"
    evil = ThreadingHTTPServer(("127.0.0.1", _free_port()), _Attacker)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        with page.expect_navigation(url=f"**/comments/{cid}/ban"):
            page.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
        assert "Cross-site request refused" in page.content()
    finally:
        evil.shutdown()
        evil.server_close()
    with session_scope(app) as session:
        assert session.scalars(select(Ban)).all() == []


def test_login_throttle_locks(browser: Any, live: tuple[Any, str]) -> None:
    app, base = live
    moderator(app)
    page = _page(browser)
    for _ in range(5):
        _login(page, base, password="wrong password")
    assert "locked" in page.locator("p.error").inner_text()
    _login(page, base)  # the right password does not help now (account and address are both locked)
    assert "Too many failed logins" in page.locator("p.error").inner_text()
    assert "/moderation/login" in page.url


def test_dashboard_draws_and_indonesian_labels(browser: Any, live: tuple[Any, str]) -> None:
    app, base = live
    moderator(app, locale="id")
    for i in range(6):
        held(app, f"komentar {i}", language="id" if i % 2 else "en", scores={"toxicity": i / 6, "spam": 0.1})
    held(app, "terbit", status="published")
    page = _page(browser, locale="en-US")
    _login(page, base)
    assert "Antrean" in page.locator("header nav").inner_text() and "Setujui" in page.locator("main").inner_text()
    page.goto(f"{base}/moderation/dashboard")
    page.wait_for_function("window.dashboardCharts && window.dashboardCharts.length >= 6")
    drawn = page.evaluate("""() => window.dashboardCharts.map(c => {
        const d = c.ctx.getImageData(0, 0, c.canvas.width, c.canvas.height).data;
        let ink = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) ink++; } return ink; })""")
    assert all(n > 500 for n in drawn), drawn
    assert "Dasbor" in page.locator("h1").inner_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert not page.errors, page.errors


def test_accessibility_of_login_and_queue(browser: Any, live: tuple[Any, str]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    app, base = live
    moderator(app)
    held(app)
    page = _page(browser, bypass_csp=True)  # axe-core is injected as a script
    axe = Axe()
    page.goto(f"{base}/moderation/login")
    found = {"login": axe.run(page).response["violations"]}
    _login(page, base)
    page.wait_for_selector("article.card")
    found["queue"] = axe.run(page).response["violations"]
    bad = {name: [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")]
           for name, violations in found.items()}
    assert bad == {"login": [], "queue": []}, bad
