"""Moderator queue benchmark: 100,000 comments (20,000 held) on SQLite and PostgreSQL.

Measures the median server time (the Flask app in-process, no network) of the queue page
(/moderation/queue, logged in) and its API (/api/v1/moderation/comments, bearer token) for the
first page and page 50 (keyset cursor), with no filter and with each filter; and a bulk action on
500 comments (one POST /api/v1/moderation/decisions, committed).

    python bench/bench_queue.py                      # SQLite, and PostgreSQL if BENCH_DATABASE_URL is set
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_mod python bench/bench_queue.py --write-readme

The PostgreSQL database's public schema is dropped and recreated: use a scratch database.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track
from sqlalchemy import insert, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moderation import create_app, privacy  # noqa: E402
from moderation.db import session_scope  # noqa: E402
from moderation.migrate import upgrade  # noqa: E402
from moderation.models import Author, Comment, Decision, Moderator, Site, Thread, utcnow  # noqa: E402
from moderation.moderator import auth  # noqa: E402

console = Console()
TOTAL, HELD, THREADS, AUTHORS, SITES = 100_000, 20_000, 500, 5_000, ("news", "sport")
WORDS = ("harga cabai naik lagi pemerintah harus turun tangan goblok sekali tulisan ini slot gacor maxwin "
         "terima kasih beritanya bagus semoga jalan desa cepat diperbaiki warga gotong royong").split()
REASONS = ("toxic", "spam", "gambling_promo", "too_many_links", "first_time_author", "identity_hate")
RUNS = 15
SECRETS = {"secret_key": "bench-secret", "email_keys": {"k1": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="},
           "active_email_key": "k1", "blind_index_key": "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk="}


def build(url: str) -> Any:
    if url.startswith("postgresql"):
        from moderation.db import make_engine

        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"env": "testing", "database_url": url, "secrets": SECRETS, "rate_limit_enabled": False,
                      "redis_url": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")})
    upgrade(app.extensions["db_engine"])
    return app


def fill(app: Any) -> None:
    """100,000 comments with decisions: 20,000 held, the rest published, spam, rejected or pending."""
    rng = random.Random(0)
    settings = app.extensions["settings"]
    now = utcnow()
    with session_scope(app) as session:
        for s in SITES:
            session.add(Site(id=s, name=s, origins=[f"https://{s}.example"]))
        session.flush()
        session.execute(insert(Thread), [{"site_id": SITES[i % 2], "uri": f"https://{SITES[i % 2]}.example/a/{i}",
                                          "title": f"Artikel {i}", "created_at": now} for i in range(THREADS)])
        authors = []
        for i in range(AUTHORS):
            site, email = SITES[i % 2], f"pembaca{i}@example.co.id"
            bidx = privacy.blind_index(settings, email)
            authors.append({"site_id": site, "email_bidx": bidx, "created_at": now, "banned": False, "published_count": 0,
                            "email_enc": privacy.encrypt_email(settings, email, privacy.author_aad(site, bidx))})
        session.execute(insert(Author), authors)
        statuses = ["held"] * HELD + rng.choices(["published", "spam", "rejected", "pending"], [70, 15, 5, 1], k=TOTAL - HELD)
        rng.shuffle(statuses)
        batch = 5_000
        for start in track(range(0, TOTAL, batch), description="inserting comments", console=console):
            comments, decisions = [], []
            for i in range(start, start + batch):
                thread = rng.randrange(THREADS)
                author = (thread % 2) + 2 * rng.randrange(AUTHORS // 2)  # an author of the thread's site
                scores = {k: round(rng.random() ** 2, 4) for k in ("toxicity", "identity_hate", "spam", "gambling_promo")}
                created = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
                comments.append({"id": i + 1, "thread_id": thread + 1, "author_id": author + 1, "name": f"Pembaca {author}",
                                 "body": " ".join(rng.choices(WORDS, k=rng.randrange(5, 30))), "status": statuses[i],
                                 "ip_prefix": f"10.{i % 250}.{i % 199}.0/24", "created_at": created, "updated_at": created,
                                 "priority": max(scores.values()), "version": 0, "report_count": 0, "website": "",
                                 "signals": {}, "edit_token_hash": "", "score_attempts": 1})
                if statuses[i] != "pending":
                    decisions.append({"comment_id": i + 1, "status": statuses[i], "scores": scores,
                                      "reasons": rng.sample(REASONS, rng.randrange(0, 3)), "thresholds": {},
                                      "explanation": {"toxicity": [{"feature": "goblok", "contribution": 1.2}]},
                                      "model_version": "bench", "language": rng.choice(("id", "id", "en")), "created_at": created})
            session.execute(insert(Comment), comments)
            session.execute(insert(Decision), decisions)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT setval('comments_id_seq', (SELECT max(id) FROM comments))"))
        session.add(Moderator(username="bench", password_hash=auth.hash_password("bench password 1"), role="admin"))
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(text("ANALYZE"))


def median_ms(fn: Any, runs: int = RUNS) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


FILTERS: list[tuple[str, dict[str, Any]]] = [
    ("none", {}), ("site", {"site": "news"}), ("thread", {"thread": 7}), ("reason", {"reason": "toxic"}),
    ("language", {"language": "en"}), ("date", {"since": "2026-10-01"}), ("search", {"q": "gacor"}),
]


def measure(app: Any) -> tuple[list[tuple[str, str, int, float, float]], float]:
    with session_scope(app) as session:
        token = auth.create_token(session, "bench", "admin", [], None)[1]
    headers = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    ui = app.test_client()
    page = ui.get("/moderation/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert ui.post("/moderation/login", data={"username": "bench", "password": "bench password 1",
                                              "csrf_token": csrf}).status_code == 302
    rows = []
    for name, query in FILTERS:
        base = {"status": "held", **query}
        cursor, depth = None, 1
        for _ in range(49):  # walk to page 50 (or the last page)
            body = api.get("/api/v1/moderation/comments", query_string={**base, **({"cursor": cursor} if cursor else {})},
                           headers=headers).get_json()
            if not body["next"]:
                break
            cursor, depth = body["next"], depth + 1
        deep = {**base, **({"cursor": cursor} if cursor else {})}

        def run(client: Any, path: str, q: dict[str, Any], h: dict[str, str] | None = None) -> Any:
            def go() -> None:
                response = client.get(path, query_string=q, headers=h or {})
                assert response.status_code == 200, response.get_data(as_text=True)[:300]
            return go

        rows.append((name, "API", depth,
                     median_ms(run(api, "/api/v1/moderation/comments", base, headers)),
                     median_ms(run(api, "/api/v1/moderation/comments", deep, headers))))
        rows.append((name, "page", depth,
                     median_ms(run(ui, "/moderation/queue", base)), median_ms(run(ui, "/moderation/queue", deep))))
    with session_scope(app) as session:
        held = [r[0] for r in session.execute(text("SELECT id FROM comments WHERE status = 'held' ORDER BY id LIMIT 1500"))]
    bulk = []
    for i in range(3):
        ids = held[i * 500:(i + 1) * 500]
        start = time.perf_counter()
        response = api.post("/api/v1/moderation/decisions", json={"ids": ids, "status": "rejected", "reason": "bench"},
                            headers=headers)
        bulk.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and len(response.get_json()["applied"]) == 500, response.get_json()
    return rows, statistics.median(bulk)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0) / 1024 / 1024
    return (f"{os.cpu_count()} cores, CPU `{cpu}`, RAM {mem:.1f} GiB, Python {platform.python_version()}, "
            f"1-minute load average before the run {os.getloadavg()[0]:.2f}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write-readme", action="store_true", help="replace the table in bench/README.md")
    args = parser.parse_args()
    backends = [("SQLite", None)]
    if os.environ.get("BENCH_DATABASE_URL"):
        backends.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    lines = [f"Machine: {machine()}.", "",
             "| backend | filter | answer | page 50 reached | first page (ms) | page 50 (ms) |", "|---|---|---|---:|---:|---:|"]
    bulk_lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, url in backends:
            app = build(url or f"sqlite:///{tmp}/bench.sqlite")
            console.print(f"[bold]{label}[/bold]: filling {TOTAL:,} comments ({HELD:,} held)")
            fill(app)
            rows, bulk = measure(app)
            for name, kind, depth, first, deep in rows:
                lines.append(f"| {label} | {name} | {kind} | {depth} | {first:.1f} | {deep:.1f} |")
            bulk_lines.append(f"| {label} | {bulk:.0f} |")
            app.extensions["db_engine"].dispose()
    lines += ["", "Bulk action: one POST /api/v1/moderation/decisions rejecting 500 held comments (median of 3, committed):",
              "", "| backend | 500 comments (ms) |", "|---|---:|", *bulk_lines]
    table = "\n".join(lines)
    console.print(table)
    if args.write_readme:
        readme = REPO / "bench" / "README.md"
        content = readme.read_text()
        block = f"<!-- bench_queue:start -->\n{table}\n<!-- bench_queue:end -->"
        content = re.sub(r"<!-- bench_queue:start -->.*<!-- bench_queue:end -->", block, content, flags=re.S)
        readme.write_text(content)


if __name__ == "__main__":
    main()
