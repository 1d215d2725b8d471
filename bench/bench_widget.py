"""Comment widget benchmark: size on the wire, requests on load, first render, click "Kirim" to published.

Everything real and on this machine: gunicorn (2 workers) serving the service on one port, a
Celery worker with the shipped model, a private redis-server, SQLite; the news site's page on
another port with a strict CSP (tests/widget_pages.py); Debian's headless Chromium via Playwright.

- Size: /static/embed.js (script + stylesheet + both language files) and /static/count.js as
  served gzipped, and each part gzipped alone.
- Requests on load: every request the page makes to the service until the comments are shown.
- First render: navigation start to the widget's `moderation-widget-rendered` performance mark
  (script download, one API call, building the DOM), median of RUNS fresh browser contexts (cold
  cache); also the time from the API answer to the mark (the widget's own work). Threads: 200
  comments (140 top-level, 60 replies) shown as the default first page (50 top-level comments with
  their replies) and all at once (data-page-size="200"), and 2,000 comments (default page).
- Click to published: click "Kirim Komentar" until the page says "Komentar Anda sudah terbit."
  (the worker decides, the widget's poll sees it), and the server-side part (created -> decided).

    python bench/bench_widget.py                  # prints the table
    python bench/bench_widget.py --write-readme   # and refreshes bench/README.md
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests
from rich.console import Console
from rich.progress import track

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moderation import create_app, privacy  # noqa: E402
from moderation.blueprints import widget  # noqa: E402
from moderation.db import session_scope  # noqa: E402
from moderation.migrate import upgrade  # noqa: E402
from moderation.models import Author, Comment, Site, Thread, utcnow  # noqa: E402
from moderation.processes import web_argv  # noqa: E402
from moderation.settings import generate_secrets, load_settings  # noqa: E402
from tests.helpers.procs import RedisServer, Worker, free_port, wait_for, write_config  # noqa: E402
from tests.widget_pages import SitePages  # noqa: E402

console = Console()
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WORDS = (
    "harga", "cabai", "turun", "pasar", "induk", "semoga", "stabil", "sampai", "lebaran", "pedagang", "pasokan", "lancar",
    "cuaca", "membaik", "terima", "kasih", "beritanya", "warga", "diimbau", "tidak", "membeli", "berlebihan",
)


def machine() -> str:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores, CPU `{cpu}`, Python {platform.python_version()}"


def seed(app: Any, thread_uri: str, total: int, roots: int, rng: random.Random) -> None:
    """`total` published comments: `roots` top-level, the rest replies to earlier comments."""
    settings = app.extensions["settings"]
    with session_scope(app) as session:
        thread = Thread(site_id="news", uri=thread_uri, title="bench")
        session.add(thread)
        authors = []
        for i in range(40):
            bidx = privacy.blind_index(settings, f"pembaca{i}@example.com")
            author = session.query(Author).filter_by(site_id="news", email_bidx=bidx).one_or_none()
            if author is None:
                author = Author(site_id="news", email_bidx=bidx, email_enc=privacy.encrypt_email(
                    settings, f"pembaca{i}@example.com", privacy.author_aad("news", bidx)))
                session.add(author)
            authors.append(author)
        session.flush()
        start = utcnow() - timedelta(days=2)
        ids: list[int] = []
        reply_slots = set(rng.sample(range(1, total), total - roots))
        for n in range(total):
            parent = rng.choice(ids[-30:]) if n in reply_slots and ids else None
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
            row = Comment(thread_id=thread.id, author_id=authors[n % 40].id, parent_id=parent, name=f"Pembaca {n % 40}",
                          body=text.capitalize() + ".", status="published", created_at=start + timedelta(minutes=n))
            session.add(row)
            session.flush()
            ids.append(row.id)


def first_render(browser: Any, site: SitePages, slug: str, query: str, service: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if r.url.startswith(service) else None)
    page.goto(f"{site.thread(slug)}{query}")
    # Polled with evaluate (run by the browser's debugger, which the page's CSP does not govern).
    wait_for(lambda: page.evaluate("performance.getEntriesByName('moderation-widget-rendered').length > 0"), 60, 0.05,
             what="the widget's first render")
    timing = page.evaluate("""() => {
        const mark = performance.getEntriesByName('moderation-widget-rendered')[0].startTime;
        const find = part => performance.getEntriesByType('resource').find(e => e.name.includes(part));
        const api = find('/api/v1/comments'), script = find('/static/embed.js');
        const start = performance.getEntriesByName('moderation-widget-start')[0].startTime;
        return {mark, page: performance.getEntriesByType('navigation')[0].responseEnd, script_start: script.startTime,
                script: script.responseEnd, start, api_start: api.startTime, api_end: api.responseEnd,
                comments: document.querySelectorAll('#comments .comment').length};
    }""")
    context.close()
    return {"first_render_ms": timing["mark"], "widget_work_ms": timing["mark"] - timing["api_end"],
            "page_ms": timing["page"], "script_ms": timing["script"] - timing["page"],
            "api_ms": timing["api_end"] - timing["api_start"], "comments": timing["comments"], "requests": len(requested),
            "script_queued_ms": timing["script_start"] - timing["page"], "script_run_ms": timing["start"] - timing["script"],
            "to_api_ms": timing["api_start"] - timing["start"]}


def click_to_published(browser: Any, site: SitePages, slug: str, app: Any) -> tuple[float, float]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(site.thread(slug))
    form = page.locator("#comments form.comment-form")
    form.wait_for()
    form.get_by_role("textbox", name="Komentar", exact=True).fill(f"Semoga harga tetap stabil, terima kasih ({slug}).")
    form.get_by_role("textbox", name="Nama", exact=True).fill("Pembaca Bench")
    form.get_by_role("textbox", name="Email", exact=True).fill(f"{slug}@example.com")
    started = time.perf_counter()
    page.get_by_role("button", name="Kirim Komentar").click()
    page.locator(".mc-own-note", has_text="Komentar Anda sudah terbit.").wait_for(timeout=120_000)
    seconds = time.perf_counter() - started
    cid = int(page.locator("#comments .comment").first.get_attribute("id").removeprefix("comment-"))
    context.close()
    with session_scope(app) as session:
        row = session.get(Comment, cid)
        server = (row.decided_at - row.created_at).total_seconds()
    return seconds, server


def sizes(service: str) -> dict[str, int]:
    embed = requests.get(f"{service}/static/embed.js", headers={"Accept-Encoding": "gzip"}, timeout=30)
    count = requests.get(f"{service}/static/count.js", headers={"Accept-Encoding": "gzip"}, timeout=30)
    js = (widget.SOURCES / "embed.js").read_bytes()
    css = widget.minify_css((widget.SOURCES / "widget.css").read_text(encoding="utf-8")).encode()
    langs = b"".join(p.read_bytes() for p in sorted((widget.SOURCES / "lang").glob("*.json")))
    return {
        "embed_gz": int(embed.headers.get("Content-Length", 0)), "embed_raw": len(embed.content),
        "count_gz": int(count.headers.get("Content-Length", 0)),
        "js_gz": len(gzip.compress(js, 9)), "css_gz": len(gzip.compress(css, 9)), "langs_gz": len(gzip.compress(langs, 9)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--clicks", type=int, default=5)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        console.print(f"[red]{CHROMIUM} is not installed (apt-get install chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench-widget-"))
    redis = RedisServer(tmp / "redis").start()
    service_port, site_port = free_port(), free_port()
    service = f"http://127.0.0.1:{service_port}"
    site = SitePages(service, site_port)
    config = {"env": "testing", "database_url": f"sqlite:///{tmp}/bench.sqlite", "redis_url": redis.url,
              "secrets": generate_secrets(), "instance_path": str(tmp / "instance"), "host": "127.0.0.1",
              "port": service_port, "rate_limit_enabled": False, "flood_seconds": 0, "form_token_min_seconds": 0,
              "log_level": "WARNING", "sites": {"news": {"name": "News", "origins": [site.origin]}}}
    config_file = write_config(tmp / "moderation.toml", config)
    app = create_app(config)
    upgrade(app.extensions["db_engine"])
    with session_scope(app) as session:
        session.add(Site(id="news", name="News", origins=[site.origin]))
    rng = random.Random(0)
    seed(app, site.thread("t200"), 200, 140, rng)
    seed(app, site.thread("t2000"), 2000, 1400, rng)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}, "MODERATION_CONFIG": str(config_file)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    with (tmp / "web.log").open("wb") as out:
        web = subprocess.Popen(web_argv(load_settings(environ=env), 2), cwd=REPO, env=env, stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True)
    worker = Worker(tmp, config_file).start()
    results: dict[str, Any] = {}
    try:
        wait_for(lambda: _answers(service), 60, 0.2, what="gunicorn")
        results["sizes"] = sizes(service)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            first_render(browser, site, "t200", "", service)  # warm the server processes once
            for name, slug, query in (("200 comments, first page (default: 50 top-level + replies)", "t200", ""),
                                      ("200 comments, all at once (data-page-size=200)", "t200", "?page-size=200"),
                                      ("2,000 comments, first page (default)", "t2000", "")):
                runs = [first_render(browser, site, slug, query, service) for _ in track(range(args.runs), description=name)]
                results[name] = {k: statistics.median(r[k] for r in runs) for k in runs[0]} | {
                    "first_render_min_ms": min(r["first_render_ms"] for r in runs)}
            click_to_published(browser, site, "warm", app)  # the worker loads the model on its first comment
            clicks = [click_to_published(browser, site, f"klik-{i}", app)
                      for i in track(range(args.clicks), description="click to published")]
            results["click"] = {"median_s": statistics.median(c[0] for c in clicks), "max_s": max(c[0] for c in clicks),
                                "server_median_s": statistics.median(c[1] for c in clicks)}
            browser.close()
    finally:
        worker.kill()
        os.killpg(web.pid, 15)
        web.wait(timeout=20)
        redis.kill()
        site.close()
    results["load"] = (load_before, os.getloadavg()[0])
    table = render(results, args)
    console.print(table)
    (REPO / "bench" / "web" / "widget-last-run.json").write_text(json.dumps(results, indent=2))
    if args.write_readme:
        readme = REPO / "bench" / "README.md"
        text = readme.read_text(encoding="utf-8")
        block = f"<!-- bench_widget:start -->\n{table}\n<!-- bench_widget:end -->"
        text = re.sub(r"<!-- bench_widget:start -->.*?<!-- bench_widget:end -->", lambda _m: block, text, flags=re.S)
        readme.write_text(text, encoding="utf-8")
    return 0


def _answers(service: str) -> bool:
    try:
        return requests.get(f"{service}/static/count.js", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def render(results: dict[str, Any], args: argparse.Namespace) -> str:
    s = results["sizes"]
    before, after = results["load"]
    lines = [
        f"Machine: {machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. The machine is shared with other "
        f"sessions: 1-minute load average {before:.2f} before the run and {after:.2f} after (above 2 means other "
        "processes competed for the CPU and every time is inflated).",
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        f"| embed.js as served, gzipped (script + stylesheet + 2 languages) | {s['embed_gz'] / 1024:.1f} KB "
        f"({s['embed_raw'] / 1024:.1f} KB unzipped) | < 30 KB: {'met' if s['embed_gz'] < 30 * 1024 else '**not met**'} |",
        f"| of which, each gzipped alone: script / stylesheet / language files | {s['js_gz'] / 1024:.1f} / "
        f"{s['css_gz'] / 1024:.1f} / {s['langs_gz'] / 1024:.1f} KB | |",
        f"| count.js, gzipped | {s['count_gz'] / 1024:.1f} KB | |",
    ]
    for name in (k for k in results if "comments" in k):
        r = results[name]
        lines.append(f"| first render, {name}: {int(r['comments'])} comments on screen (median of {args.runs}; "
                     f"min) | {r['first_render_ms']:.0f} ms ({r['first_render_min_ms']:.0f} ms) | < 300 ms: "
                     f"{'met' if r['first_render_ms'] < 300 else '**not met**'} |")
        lines.append(f"| ... page HTML; embed.js queued, then fetched; script parsed; API call sent; API answered; "
                     f"widget's work after it | {r['page_ms']:.0f}; {r['script_queued_ms']:.0f} + "
                     f"{r['script_ms'] - r['script_queued_ms']:.0f}; {r['script_run_ms']:.0f}; {r['to_api_ms']:.0f}; "
                     f"{r['api_ms']:.0f}; {r['widget_work_ms']:.0f} ms | |")
    requests_on_load = results["200 comments, first page (default: 50 top-level + replies)"]["requests"]
    lines.append(f"| requests to the service on load | {requests_on_load:.0f} (embed.js, one API call) | 2: "
                 f"{'met' if requests_on_load <= 2 else '**not met**'} |")
    c = results["click"]
    lines.append(f"| click \"Kirim Komentar\" to \"sudah terbit\" on screen (median of {args.clicks}; max) | "
                 f"{c['median_s']:.2f} s ({c['max_s']:.2f} s) | |")
    lines.append(f"| ... of which submit to decided, server side (median) | {c['server_median_s'] * 1000:.0f} ms | |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
