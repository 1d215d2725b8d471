"""The comment widget in headless Chromium (Debian's), the page and the service on different origins.

One service for the module: the web app on its own port, a real Celery worker with the shipped
model, a private Redis, a SQLite file (tests/helpers/stack.py); the news site's pages on another
port with a strict CSP (tests/widget_pages.py). Every test fails on a CSP violation, a page error, a
console error or a dialog. Screenshots and the click-to-published time go to tests/artifacts/.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from moderation.db import session_scope
from moderation.extensions import get_settings
from moderation.models import Comment, Decision
from moderation.moderator.models import Report
from moderation.services.comments import token_hash
from tests.helpers.factories import decide_comment, make_comment
from tests.helpers.procs import free_port, wait_for
from tests.helpers.stack import Stack
from tests.widget_pages import SitePages

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOLD_WORD = "tahanlah"  # a moderation word of the test site: its comments are held, deterministically
pytestmark = [pytest.mark.browser, pytest.mark.slow]
WATCH = """(() => {
  window.__problems = [];
  document.addEventListener("securitypolicyviolation", e => window.__problems.push("csp: " + e.violatedDirective + " " + e.blockedURI));
})();"""


class Env:
    """The module's service, site pages, worker and browser."""

    def __init__(self, stack: Stack, service: str, site: SitePages, browser: Any) -> None:
        self.stack, self.service, self.site, self.browser = stack, service, site, browser

    def page(self, **context: Any) -> Any:
        ctx = self.browser.new_context(viewport=context.pop("viewport", {"width": 1100, "height": 900}), **context)
        ctx.add_init_script(WATCH)
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.problems = []
        page.on("pageerror", lambda exc: page.problems.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: page.problems.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("dialog", lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        return page

    def open(self, page: Any, slug: str, query: str = "") -> None:
        page.goto(f"{self.site.thread(slug)}{query}")
        page.wait_for_selector("#comments form.comment-form")

    def published(self, slug: str, body: str, name: str = "Siti", email: str = "siti@example.com",
                  parent: int | None = None) -> int:
        """A comment stored and published as the pipeline would (without going through the worker)."""
        cid = make_comment(self.stack.app, body, name=name, email=email, site_id="news",
                           thread_uri=self.site.thread(slug), parent_id=parent, outbox=False)
        decide_comment(self.stack.app, cid, "published")
        return cid


def clean(page: Any, expected_status: int | None = None) -> None:
    """No CSP violation, page error, console error or dialog happened (but the browser's note of an expected 4xx)."""
    problems = page.problems + page.evaluate("window.__problems || []")
    if expected_status is not None:
        problems = [p for p in problems if f"status of {expected_status} " not in p]
    assert not problems, problems


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    service_port, site_port = free_port(), free_port()
    service = f"http://127.0.0.1:{service_port}"
    site_origin = f"http://127.0.0.1:{site_port}"
    stack = Stack(tmp_path_factory.mktemp("widget"), sites={"news": {
        "name": "News", "origins": [site_origin], "policy": {"moderation_words": [HOLD_WORD]}}})
    server = make_server("127.0.0.1", service_port, stack.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = SitePages(service, site_port)
    try:
        _warm_up(stack, site)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            yield Env(stack, service, site, browser)
            browser.close()
    finally:
        site.close()
        server.shutdown()
        stack.close()


def _warm_up(stack: Stack, site: SitePages) -> None:
    """Start the worker and let it decide one comment, so timings measure a running service, not its start."""
    stack.worker()
    client = stack.app.test_client()
    thread = site.thread("pemanasan")
    token = client.get("/api/v1/form-token", query_string={"site": "news", "thread": thread}).get_json()["form_token"]
    posted = client.post("/api/v1/comments", json={"site": "news", "thread": thread, "name": "Panas", "email": "panas@example.com",
                                                   "body": "Komentar pemanasan.", "form_token": token})
    stack.wait_decided(posted.get_json()["id"], timeout=120)


def _until(page: Any, predicate: Any, timeout: float) -> None:
    """Wait while letting Playwright deliver the page's events (time.sleep would hold them back)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def _fill(page: Any, body: str, name: str = "Pembaca Setia", email: str = "pembaca@example.com") -> None:
    form = page.locator("#comments form.comment-form").first
    form.get_by_role("textbox", name="Komentar", exact=True).fill(body)
    form.get_by_role("textbox", name="Nama", exact=True).fill(name)
    form.get_by_role("textbox", name="Email", exact=True).fill(email)


def _status(env: Env, cid: int) -> str:
    with session_scope(env.stack.app) as session:
        return session.get(Comment, cid).status


def test_indonesian_form_two_requests_pending_then_published(env: Env) -> None:
    page = env.page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if r.url.startswith(env.service) else None)
    env.open(page, "harga-cabai")
    root = page.locator("#comments")
    assert root.locator("h3").inner_text().startswith("Tinggalkan Balasan")
    assert "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *" in root.inner_text()
    privacy = root.locator("a.mc-privacy")
    assert privacy.inner_text() == "Privasi dan data Anda"
    assert privacy.get_attribute("href").startswith(env.service + "/privacy?site=")
    assert root.locator("h2").inner_text() == "Belum ada komentar"
    assert [u.split("?")[0].removeprefix(env.service) for u in requests] == ["/static/embed.js", "/api/v1/comments"]
    _fill(page, "Semoga harga tetap stabil sampai Lebaran, terima kasih atas beritanya.")
    started = time.perf_counter()
    page.get_by_role("button", name="Kirim Komentar").click()
    mine = root.locator(".comment").first
    mine.locator(".mc-badge", has_text="Menunggu moderasi").wait_for()
    assert "Komentar Anda menunggu moderasi." in mine.inner_text()
    page.screenshot(path=str(ARTIFACTS / "widget-pending.png"))
    mine.locator(".mc-own-note", has_text="Komentar Anda sudah terbit.").wait_for(timeout=60_000)
    seconds = time.perf_counter() - started
    assert mine.locator(".mc-badge").count() == 0 and root.locator("h2").inner_text() == "1 Komentar"
    cid = int(mine.get_attribute("id").removeprefix("comment-"))
    assert _status(env, cid) == "published"
    (ARTIFACTS / "widget-timing.json").write_text(json.dumps({"click_to_published_seconds": round(seconds, 2)}))
    print(f"click 'Kirim' to published on screen: {seconds:.2f} s")
    page.screenshot(path=str(ARTIFACTS / "widget-desktop.png"), full_page=True)
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert "pembaca@example.com" not in stored and "Pembaca Setia" not in stored  # "save my details" not ticked
    assert [o["id"] for o in json.loads(page.evaluate("localStorage.getItem('mc:own:news')"))] == [cid]  # edit token kept
    clean(page)
    page.context.close()


def test_bad_email_shows_the_servers_reason_and_client_checks(env: Env) -> None:
    page = env.page()
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if r.url.startswith(env.service + "/api/v1/comments?") and r.request.method == "POST" else None)
    env.open(page, "email-salah")
    page.get_by_role("button", name="Kirim Komentar").click()
    # Client-side: the server's rules and words, no request sent.
    assert page.locator(".comment-form-body .mc-error").inner_text() == "Wajib diisi: silakan tulis komentar Anda."
    assert page.locator(".comment-form-name .mc-error").inner_text() == "Wajib diisi: silakan tulis nama Anda."
    assert page.evaluate("document.activeElement.name") == "body"
    _fill(page, "Komentar dengan email keliru.", name="Bu\u202edi")
    page.get_by_role("button", name="Kirim Komentar").click()
    assert "tidak diperbolehkan dalam nama (ditemukan U+202E)" in page.locator(".comment-form-name .mc-error").inner_text()
    assert statuses == []
    _fill(page, "Komentar dengan email keliru.", email="budi@contoh")  # looks like an email; the server disagrees
    page.get_by_role("button", name="Kirim Komentar").click()
    error = page.locator(".comment-form-email .mc-error")
    error.filter(has_text="Alamat email tidak valid.").wait_for()
    assert statuses == [422]
    email = page.get_by_role("textbox", name="Email", exact=True)
    assert email.get_attribute("aria-invalid") == "true"
    assert email.get_attribute("aria-describedby") == error.get_attribute("id")
    page.locator(".mc-status", has_text="Periksa kembali ruas yang ditandai.").wait_for()
    page.screenshot(path=str(ARTIFACTS / "widget-error.png"))
    clean(page, expected_status=422)
    page.context.close()


def test_reply_nests_under_its_parent_and_deep_replies_flatten(env: Env) -> None:
    top = env.published("balasan", "Pasokan dari Jawa Tengah memang sudah lancar.")
    second = env.published("balasan", "Di pasar saya masih mahal.", name="Budi", email="budi@example.com", parent=top)
    page = env.page()
    env.open(page, "balasan", "?max-depth=2")
    parent = page.locator(f"#comment-{top}")
    assert parent.locator(f"ol.children #comment-{second}").count() == 1
    reply = page.locator(f"#comment-{second}").get_by_role("button", name="Balas komentar Budi")
    reply.click()
    assert page.locator(f"#comment-{second} .comment-respond").count() == 1  # the form moved under it
    assert page.evaluate("document.activeElement.name") == "body"
    assert "Balas ke Budi" in page.locator(".comment-reply-title").inner_text()
    _fill(page, "Coba ke pasar induk, lebih murah.", name="Rina", email="rina@example.com")
    page.get_by_role("button", name="Kirim Komentar").click()
    page.locator(".mc-badge", has_text="Menunggu moderasi").wait_for()
    mine = page.locator("li.comment", has=page.locator(":scope > article", has_text="Coba ke pasar induk"))
    # Depth 2 reached: the reply is shown flat beside its parent, saying whom it answers.
    assert "membalas Budi" in mine.inner_text()
    assert parent.locator("ol.children > .comment").count() == 2
    assert page.locator(".comment-respond").evaluate("n => n.parentElement.id") == "comments"  # the form went back
    cid = int(mine.get_attribute("id").removeprefix("comment-"))
    with session_scope(env.stack.app) as session:
        assert session.get(Comment, cid).parent_id == second
    clean(page)
    page.context.close()


def test_edit_inside_the_window_is_rescored_then_delete(env: Env) -> None:
    page = env.page()
    env.open(page, "sunting")
    _fill(page, "Harga cabe turun, alhamdulillah.", name="Dewi", email="dewi@example.com")
    page.get_by_role("button", name="Kirim Komentar").click()
    mine = page.locator(".comment").first
    mine.locator(".mc-own-note", has_text="sudah terbit").wait_for(timeout=60_000)
    cid = int(mine.get_attribute("id").removeprefix("comment-"))
    first_decision = env.stack.decision(cid)
    assert first_decision is not None
    mine.get_by_role("button", name="Sunting").click()
    editor = mine.get_by_label("Sunting komentar Anda")
    assert editor.input_value() == "Harga cabe turun, alhamdulillah."
    editor.fill("Harga cabai turun, alhamdulillah. Semoga bertahan.")
    mine.get_by_role("button", name="Simpan").click()
    mine.locator(".mc-badge", has_text="Menunggu moderasi").wait_for()
    mine.locator(".mc-own-note", has_text="sudah terbit").wait_for(timeout=60_000)
    assert "Semoga bertahan." in mine.locator(".comment-content").inner_text()
    with session_scope(env.stack.app) as session:
        row = session.get(Comment, cid)
        assert row.body.endswith("Semoga bertahan.") and row.signals["edited"] is True
        decision = session.scalars(select(Decision).where(Decision.comment_id == cid)).one()
        assert decision.created_at > first_decision.created_at  # scored again: a new decision for the new text
    mine.get_by_role("button", name="Hapus").click()
    mine.get_by_role("button", name="Ya, hapus").click()
    mine.locator(".mc-deleted").wait_for()
    page.locator(".mc-status", has_text="Komentar Anda telah dihapus.").wait_for()
    assert _status(env, cid) == "deleted"
    clean(page)
    page.context.close()


def test_report_is_sent(env: Env) -> None:
    cid = env.published("lapor", "Slot gacor maxwin hari ini, hubungi WA kami!", name="Promo", email="promo@example.com")
    page = env.page()
    env.open(page, "lapor")
    comment = page.locator(f"#comment-{cid}")
    comment.get_by_role("button", name="Laporkan komentar Promo").click()
    comment.get_by_label("Spam atau promosi").check()
    comment.get_by_label("Keterangan (opsional)").fill("iklan judi")
    comment.get_by_role("button", name="Kirim laporan").click()
    comment.get_by_text("Terima kasih, laporan Anda sudah kami terima.").wait_for()
    with session_scope(env.stack.app) as session:
        report = session.scalars(select(Report).where(Report.comment_id == cid)).one()
        assert (report.reason, report.text) == ("spam", "iklan judi")
    clean(page)
    page.context.close()


def test_count_script_fills_every_span_with_one_request(env: Env) -> None:
    for i in range(3):
        env.published("hitung-a", f"Komentar nomor {i} untuk artikel A.", name=f"R{i}", email=f"r{i}@example.com")
    env.published("hitung-b", "Satu-satunya komentar.", name="Tunggal", email="t@example.com")
    make_comment(env.stack.app, "Masih menunggu.", site_id="news", thread_uri=env.site.thread("hitung-b"), outbox=False)
    page = env.page()
    counted: list[str] = []
    page.on("request", lambda r: counted.append(r.url) if "/api/v1/counts" in r.url else None)
    page.goto(f"{env.site.origin}/list?t=hitung-a&t=hitung-b&t=hitung-c")
    spans = page.locator("[data-comment-count]")
    page.locator("[data-count]").nth(2).wait_for()
    assert spans.all_inner_texts() == ["3 komentar", "1 komentar", "Belum ada komentar"]
    assert len(counted) == 1
    clean(page)
    page.context.close()


def test_disallowed_origin_is_refused(env: Env) -> None:
    env.published("asing", "Komentar yang terbit.")
    foreign = SitePages(env.service)  # same pages, but an origin the site did not register
    try:
        page = env.page()
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url.split("?")[0]))
        page.goto(f"{foreign.origin}/article/asing")
        page.locator("#comments h2", has_text="Komentar tidak dapat dimuat.").wait_for()
        assert page.locator("#comments .comment").count() == 0
        assert failed == [env.service + "/api/v1/comments"]  # the browser refused the answer: no CORS for it
        # What the service answered: 403 for a page outside the site, and no CORS header for that origin.
        answer = env.stack.app.test_client().get("/api/v1/comments", headers={"Origin": foreign.origin},
                                                 query_string={"site": "news", "thread": foreign.thread("asing")})
        assert answer.status_code == 403 and "Access-Control-Allow-Origin" not in answer.headers
        # A script on that origin cannot post either: no CORS answer, nothing stored.
        result = page.evaluate("""service => fetch(service + '/api/v1/comments', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({site: 'news', thread: location.href,
            name: 'X', email: 'x@example.com', body: 'dari situs lain'})}).then(r => 'read ' + r.status, e => 'blocked')""",
                               env.service)
        assert result == "blocked"
        with session_scope(env.stack.app) as session:
            assert session.scalars(select(Comment).where(Comment.body == "dari situs lain")).first() is None
        page.context.close()
    finally:
        foreign.close()


def test_xss_in_name_and_body_renders_as_text(env: Env) -> None:
    name = '<img src=x onerror=alert("name")>'
    body = ('<script>alert("body")</script><img src=x onerror=alert("img")>'
            '<a href="javascript:alert(\'link\')">klik</a> <svg onload=alert("svg")></svg>'
            "harga \u202eterbalik\u202c selesai")
    cid = env.published("xss", body, name=name, email="xss@example.com")
    page = env.page()
    env.open(page, "xss")
    comment = page.locator(f"#comment-{cid}")
    assert comment.locator(".fn").inner_text() == name
    assert comment.locator("img, script, svg").count() == 0
    assert comment.locator(".comment-content a").get_attribute("href") is None
    content = comment.locator(".comment-content")
    assert content.get_attribute("dir") == "auto" and "\u202e" not in content.inner_text()
    assert comment.locator(".fn bdi").count() == 1
    page.wait_for_timeout(500)  # give any injected handler the chance to fire
    clean(page)
    page.context.close()


def test_english_page_and_saved_details(env: Env) -> None:
    env.published("english", "Great to see the market back.", name="Sam", email="sam@example.com")
    page = env.page()
    env.open(page, "english", "?lang=en")
    root = page.locator("#comments")
    assert root.locator("h3").inner_text().startswith("Leave a Reply")
    assert "Your email address will not be published. Required fields are marked *" in root.inner_text()
    assert root.locator("time").first.inner_text() == "just now"
    _fill_en = page.locator("form.comment-form")
    _fill_en.get_by_role("textbox", name="Comment", exact=True).fill("Agreed, the lighting is much better now.")
    _fill_en.get_by_role("textbox", name="Name", exact=True).fill("Jo")
    _fill_en.get_by_role("textbox", name="Email", exact=True).fill("jo@example.com")
    _fill_en.get_by_label("Save my name").check()
    _fill_en.get_by_label("Notify me of replies").check()
    page.get_by_role("button", name="Post Comment").click()
    page.locator(".mc-badge", has_text="Awaiting moderation").wait_for()
    assert json.loads(page.evaluate("localStorage.getItem('mc:details')"))["email"] == "jo@example.com"
    with session_scope(env.stack.app) as session:
        row = session.scalars(select(Comment).where(Comment.name == "Jo")).one()
        assert row.notify_replies is True
    env.open(page, "english", "?lang=en")  # reload: the form is filled from the saved details
    assert page.locator("form.comment-form").get_by_role("textbox", name="Email", exact=True).input_value() == "jo@example.com"
    clean(page)
    page.context.close()


def test_accessibility_light_and_dark(env: Env) -> None:
    from axe_playwright_python.sync_playwright import Axe

    top = env.published("axe", "Komentar pertama yang panjang untuk diuji aksesibilitasnya.")
    env.published("axe", "Balasan.", name="Budi", email="budi@example.com", parent=top)
    page = env.page(bypass_csp=True)  # axe-core is injected as a script
    axe = Axe()
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        env.open(page, "axe")
        page.locator(f"#comment-{top}").get_by_role("button", name="Laporkan komentar Siti").click()  # open a panel too
        result = axe.run(page, context="#comments")
        found[scheme] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                         for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
        if scheme == "dark":
            page.screenshot(path=str(ARTIFACTS / "widget-dark.png"), full_page=True)
    assert found == {"light": [], "dark": []}, found
    page.context.close()


def test_phone_viewport_has_no_horizontal_scroll(env: Env) -> None:
    top = env.published("ponsel", "https://contoh.example/" + "sangat-panjang-" * 12 + " tautan tanpa spasi.")
    reply = env.published("ponsel", "Balasan.", name="Budi", email="budi@example.com", parent=top)
    env.published("ponsel", "Balasan lagi.", name="Rina", email="rina@example.com", parent=reply)
    page = env.page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    env.open(page, "ponsel")
    page.locator(f"#comment-{reply}").get_by_role("button", name="Balas komentar Budi").click()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    page.screenshot(path=str(ARTIFACTS / "widget-phone.png"), full_page=True)
    clean(page)
    page.context.close()


def test_wordpress_return_link_shows_the_pending_comment_to_its_author_only(env: Env) -> None:
    client = env.stack.app.test_client()
    thread = env.site.thread("kembali")
    token = client.get("/api/v1/form-token", query_string={"site": "news", "thread": thread}).get_json()["form_token"]
    posted = client.post("/wp-comments-post.php", data={
        "site": "news", "thread": thread, "author": "Wati", "email": "wati@example.com",
        "comment": f"Dikirim lewat formulir biasa, {HOLD_WORD}.", "form_token": token}, headers={"Origin": env.site.origin})
    location = posted.headers["Location"]
    cid = int(location.split("unapproved=")[1].split("&")[0])
    assert wait_for(lambda: _status(env, cid) != "pending" and _status(env, cid), 60, what="the decision") == "held"
    page = env.page()
    page.goto(location)
    mine = page.locator(f"#comment-{cid}")
    mine.locator(".mc-badge", has_text="Tidak diterbitkan").wait_for()
    assert "Komentar ini tidak diterbitkan." in mine.inner_text()
    assert page.locator(f"[id='comment-{cid}']").count() == 1
    assert mine.get_by_role("button", name="Laporkan").count() == 0
    # Someone who only has ?unapproved=N sees nothing of it.
    other = env.page()
    other.goto(location.split("&moderation-hash")[0])
    other.wait_for_selector("#comments form.comment-form")
    other.wait_for_timeout(500)
    assert other.locator(f"#comment-{cid}").count() == 0
    clean(page)
    clean(other)
    page.context.close()
    other.context.close()


def test_load_more_sort_and_relative_dates(env: Env) -> None:
    ids = [env.published("muat", f"Komentar ke-{i}.", name=f"Pembaca {i}", email=f"p{i}@example.com") for i in range(5)]
    with session_scope(env.stack.app) as session:
        for i, cid in enumerate(ids):  # oldest first: 5, 4, 3, 2, 1 hours ago
            row = session.get(Comment, cid)
            row.created_at = row.created_at - timedelta(hours=5 - i)
    page = env.page()
    env.open(page, "muat", "?page-size=2")
    shown = lambda: [int(i.removeprefix("comment-")) for i in page.locator("#comments .comment").evaluate_all("n => n.map(e => e.id)")]  # noqa: E731
    assert shown() == ids[:2] and page.locator("#comments h2").inner_text() == "5 Komentar"
    assert page.locator(f"#comment-{ids[3]}").count() == 0
    assert page.locator(f"#comment-{ids[0]} time").inner_text() == "5 jam yang lalu"
    more = page.get_by_role("button", name="Muat komentar lainnya")
    more.click()
    page.locator(f"#comment-{ids[3]}").wait_for()
    more.click()
    page.locator(f"#comment-{ids[4]}").wait_for()
    assert shown() == ids and more.is_hidden()
    page.get_by_label("Urutkan").select_option("newest")
    page.locator("#comments .comment").first.and_(page.locator(f"#comment-{ids[4]}")).wait_for()
    assert shown()[:2] == [ids[4], ids[3]]
    clean(page)
    page.context.close()


def test_own_pending_comment_comes_back_after_reload_and_polling_pauses_while_hidden(env: Env) -> None:
    # A pending comment the worker never gets (no outbox row), with an edit token this browser holds.
    cid = make_comment(env.stack.app, "Masih menunggu keputusan.", name="Sari", email="sari@example.com",
                       site_id="news", thread_uri=env.site.thread("tersembunyi"), outbox=False)
    token = "token-milik-sari"
    with session_scope(env.stack.app) as session:
        session.get(Comment, cid).edit_token_hash = token_hash(get_settings(env.stack.app), token)
    page = env.page()
    polls: list[float] = []
    page.on("request", lambda r: polls.append(time.monotonic()) if f"/api/v1/comments/{cid}?" in r.url else None)
    page.goto(f"{env.site.origin}/list")  # a page of the site's origin, to seed its storage
    page.evaluate("""([cid, token, thread]) => localStorage.setItem('mc:own:news',
        JSON.stringify([{id: cid, token: token, thread: thread, at: Date.now()}]))""", [cid, token, env.site.thread("tersembunyi")])
    env.open(page, "tersembunyi")
    mine = page.locator(f"#comment-{cid}")
    mine.locator(".mc-badge", has_text="Menunggu moderasi").wait_for()
    _until(page, lambda: len(polls) >= 2, 20)  # the first look, then the watch
    page.evaluate("""() => { Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
                             document.dispatchEvent(new Event('visibilitychange')); }""")
    page.wait_for_timeout(1500)  # let a poll already scheduled find the tab hidden
    hidden_from = len(polls)
    page.wait_for_timeout(4000)
    assert len(polls) == hidden_from, "polled while the tab was hidden"
    page.evaluate("""() => { Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});
                             document.dispatchEvent(new Event('visibilitychange')); }""")
    _until(page, lambda: len(polls) > hidden_from, 10)  # polling resumes
    clean(page)
    page.context.close()
