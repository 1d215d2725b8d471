"""Throughput benchmark (issue 12): reads, web-only submits, end to end, scaling, PostgreSQL, all beside Isso.

Run from the repository root with the project's virtualenv (needs `wrk` and `redis-server`):

    .venv/bin/python bench/bench_throughput.py                      # every phase, about 10 minutes
    .venv/bin/python bench/bench_throughput.py --phases reads,submit  # some of them

Phases (each starts its own services in a temporary directory under /tmp, removed at the end):

* reads: a thread of 200 published comments in each service; wrk GETs the whole thread
  (ours `GET /api/v1/comments?site=&thread=&limit=200`, Isso `GET /?uri=`) at 1, 4, 16 connections.
* submit: web only (our Celery worker stopped with SIGSTOP, as Isso does no scoring), wrk POSTs
  at 1, 4, 16 connections, for each gunicorn worker class asked (`--classes sync,gthread`) and Isso.
  The worker is resumed afterwards and every accepted comment must be decided.
* e2e: everything on the same cores; open-loop paced submits at `--e2e-rate` (default: 1.5x Isso's
  best accepted rate of the submit phase, else 150/s) for `--e2e-seconds` (60); decided/s,
  submit-to-decision p50/p99, queue drained, CPU per comment of the web and worker process trees.
  The model's own cost is measured beside it in this process (`score` one at a time, `score_many`
  in batches of score_batch_size) on the same texts.
* scale: `--scale-comments` comments queued with no worker, then a worker with 1, 2, 4 processes
  drains them: decisions per second between the 10th and 90th percentile decision times.
* postgres: two web processes and a worker with two processes against PostgreSQL
  (`--database-url`, emptied first) and one Redis: web-only submits at 16 connections, then the
  queue drained by the two worker processes, then the e2e phase at the same rate.

The 1-minute load average is recorded before and after every phase: the machine may be shared.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import (
    BENCH,
    TEXT,
    WEB,
    Ours,
    Procs,
    ensure_isso_venv,
    log,
    machine,
    paced_phase,
    run_wrk,
    start_isso,
    tree_cpu,
    warm_up,
)

READ_THREAD = "http://bench.example/artikel-baca"
CLASSES = {"sync": "--threads 1", "gthread": "--threads 4",
           "granian": "granian --blocking-threads 4 --log-level warning"}


def load() -> float:
    return round(os.getloadavg()[0], 2)


def write_tokens(ours: Ours, path: Path, n: int) -> None:
    with open(path, "w") as f:
        for page, tok in ours.tokens(n):
            f.write(f"{page}\t{tok}\n")


def pause(ours: Ours, stop: bool) -> None:
    """SIGSTOP / SIGCONT the Celery worker's process group (the queue keeps filling meanwhile)."""
    os.killpg(ours.worker_proc.pid, signal.SIGSTOP if stop else signal.SIGCONT)


def level_row(r: dict) -> dict:
    return {"per_s": round(r["accepted_per_s"], 1), "p50_ms": round(r["p50_us"] / 1000, 1),
            "p99_ms": round(r["p99_us"] / 1000, 1), "other": r["other"] + r["socket_errors"],
            "cpu_ms": round(r["cpu_ms_per_accepted"], 2)}


# --------------------------------------------------------------------------- phases

def phase_reads(args: argparse.Namespace, tmp: Path, isso_venv: Path) -> dict:
    procs = Procs()
    out: dict = {"load_start": load()}
    try:
        ours = Ours(procs, tmp, args.workers, name="ours-reads")
        ours.start()
        isso_port = start_isso(procs, isso_venv, tmp, args.workers, name="isso-reads")
        # 200 comments on one page in each service, every one published.
        payloads = []
        from moderation.antibot import issue_form_token

        for n in range(200):
            payloads.append(ours.request_bytes(n, READ_THREAD, issue_form_token(ours.settings, "bench", READ_THREAD)))
        import asyncio

        from bench_web import _paced

        asyncio.run(_paced(ours.port, payloads, 50))
        ours.drain(120)
        published = ours.sql("SELECT count(*) FROM comments WHERE status = 'published'")[0][0]
        for n in range(200):
            req = urllib.request.Request(f"http://127.0.0.1:{isso_port}/new?uri=/artikel-baca", method="POST",
                                         data=json.dumps({"author": f"Pembaca {n}", "email": f"p{n}@example.com",
                                                          "text": f"{TEXT} {n:09d}", "title": "Artikel"}).encode(),
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=10).close()
        import sqlite3

        con = sqlite3.connect(tmp / "isso-reads" / "comments.db")
        con.execute("UPDATE comments SET mode = 1")  # accepted (moderation on had left them pending)
        con.commit()
        con.close()
        ours_path = f"/api/v1/comments?site=bench&thread={urllib.request.quote(READ_THREAD, safe='')}&limit=200"
        isso_path = "/?uri=/artikel-baca"
        with urllib.request.urlopen(f"http://127.0.0.1:{ours.port}{ours_path}") as r:
            ours_body = r.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{isso_port}{isso_path}") as r:
            isso_body = r.read()
        out["ours_comments"], out["isso_comments"] = json.loads(ours_body)["count"], len(json.loads(isso_body)["replies"])
        out["ours_bytes"], out["isso_bytes"], out["ours_published"] = len(ours_body), len(isso_body), published
        pause(ours, True)  # reads only: the idle worker is stopped so it takes nothing
        for c in args.levels:
            for name, port, path, pids in (("ours", ours.port, ours_path, procs.pids("web")),
                                           ("isso", isso_port, isso_path, procs.pids("isso"))):
                r = run_wrk(name, port, c, args.seconds, 0, None, pids, get_path=path)
                out[f"{name}-{c}"] = level_row(r)
                log(f"reads {name} c={c}: {r['accepted_per_s']:.0f} GET/s p99 {r['p99_us'] / 1000:.1f} ms "
                    f"CPU {r['cpu_ms_per_accepted']:.2f} ms/GET (load {load()})")
        pause(ours, False)
    finally:
        procs.stop_all()
    out["load_end"] = load()
    return out


def phase_submit(args: argparse.Namespace, tmp: Path, isso_venv: Path) -> dict:
    out: dict = {"load_start": load()}
    procs = Procs()
    try:
        isso_port = start_isso(procs, isso_venv, tmp, args.workers, name="isso-submit")
        services = []
        for cls in args.classes:
            ours = Ours(procs, tmp, args.workers, name=f"ours-submit-{cls}", gunicorn_args=CLASSES[cls])
            ours.start()
            warm_up(ours, False)
            pause(ours, True)
            services.append((cls, ours))
        tok = tmp / "tokens-submit.tsv"
        offset = 0
        for c in args.levels:
            for cls, ours in services:
                offset += 100_000_000
                write_tokens(ours, tok, int(max(3000, 1500 * args.seconds)))
                r = run_wrk("ours", ours.port, c, args.seconds, offset, tok, [ours.web_proc.pid])
                out[f"ours-{cls}-{c}"] = level_row(r)
                log(f"submit ours/{cls} c={c}: {r['accepted_per_s']:.0f}/s p99 {r['p99_us'] / 1000:.1f} ms "
                    f"web CPU {r['cpu_ms_per_accepted']:.2f} ms/comment (load {load()})")
            offset += 100_000_000
            r = run_wrk("isso", isso_port, c, args.seconds, offset, None, procs.pids("isso"))
            out[f"isso-{c}"] = level_row(r)
            log(f"submit isso c={c}: {r['accepted_per_s']:.0f}/s p99 {r['p99_us'] / 1000:.1f} ms "
                f"CPU {r['cpu_ms_per_accepted']:.2f} ms/comment (load {load()})")
        for cls, ours in services:
            pause(ours, False)
            waited = ours.drain(600)
            out[f"ours-{cls}-undecided"] = ours.pending()
            out[f"ours-{cls}-drain_s"] = round(waited, 1)
    finally:
        procs.stop_all()
    out["load_end"] = load()
    return out


def model_cost(texts: list[str], batch: int) -> dict:
    """CPU ms per comment of the shipped model: one call per comment, and score_many in batches."""
    import classifiers

    model = classifiers.load_default()
    for t in texts[:20]:
        model.score(t)
    t0 = time.process_time()
    for t in texts:
        model.score(t)
    single = (time.process_time() - t0) * 1000 / len(texts)
    t0 = time.process_time()
    for i in range(0, len(texts), batch):
        model.score_many(texts[i:i + batch])
    many = (time.process_time() - t0) * 1000 / len(texts)
    # The worker also explains every decision, in the same pass: one at a time, or per batch.
    t0 = time.process_time()
    for t in texts:
        model.score_and_explain(t, top_k=5)
    both = (time.process_time() - t0) * 1000 / len(texts)
    t0 = time.process_time()
    for i in range(0, len(texts), batch):
        model.score_and_explain_many(texts[i:i + batch], top_k=5)
    both_many = (time.process_time() - t0) * 1000 / len(texts)
    return {"single_ms": round(single, 3), "batch_ms": round(many, 3), "batch": batch, "texts": len(texts),
            "score_and_explain_ms": round(both, 3), "score_and_explain_batch_ms": round(both_many, 3)}


def settle(ours: Ours, quiet: float = 3.0, timeout: float = 180.0) -> int:
    """Wait until no comment has been stored for `quiet` seconds and none is pending; returns how
    many were stored after the generator finished (requests it gave up on at overload, which the
    web tier still took from its backlog: they must be decided too)."""
    first = last = ours.max_id()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = ours.max_id()
        if now == last and not ours.pending():
            break
        last = now
    return last - first


def e2e(ours: Ours, rate: float, seconds: float, offset: int) -> dict:
    web, worker = [ours.web_proc.pid], [ours.worker_proc.pid]
    web0, worker0, redis0 = tree_cpu(web), tree_cpu(worker), tree_cpu([ours.redis_proc.pid])
    d = paced_phase(ours, rate, seconds, offset, drain_timeout=600)
    n = max(d["accepted"], 1)
    d["web_cpu_ms"] = round((tree_cpu(web) - web0) * 1000 / n, 2)
    d["worker_cpu_ms"] = round((tree_cpu(worker) - worker0) * 1000 / n, 2)
    d["redis_cpu_ms"] = round((tree_cpu([ours.redis_proc.pid]) - redis0) * 1000 / n, 2)
    d["undecided_n"] = len(d.pop("undecided"))
    d["stored_late"] = settle(ours)
    d["pending_after"] = ours.pending()
    return d


def phase_e2e(args: argparse.Namespace, tmp: Path, rate: float) -> dict:
    procs = Procs()
    out: dict = {"load_start": load(), "rate": rate}
    try:
        ours = Ours(procs, tmp, args.workers, name="ours-e2e")
        ours.start()
        warm_up(ours, False)
        out.update(e2e(ours, rate, args.e2e_seconds, 0))
        log(f"e2e at {rate:.0f}/s: decided {out['decided']}/{out['accepted']} at {out['decisions_per_s']:.1f}/s, "
            f"p50 {out['p50_ms']:.0f} ms p99 {out['p99_ms']:.0f} ms, drained in {out['drain_wait_s']:.1f} s, "
            f"CPU web {out['web_cpu_ms']} + worker {out['worker_cpu_ms']} ms/comment (load {load()})")
    finally:
        procs.stop_all()
    texts = [f"{TEXT} {n:09d}" for n in range(300)]
    out["model"] = model_cost(texts, ours.settings.score_batch_size if ours.settings else 32)
    out["load_end"] = load()
    return out


def phase_scale(args: argparse.Namespace, tmp: Path) -> dict:
    out: dict = {"load_start": load()}
    for k in args.scale:
        procs = Procs()
        try:
            ours = Ours(procs, tmp, args.workers, name=f"ours-scale-{k}")
            ours.start()
            warm_up(ours, False)
            ours.stop_worker()
            first = ours.max_id() + 1
            paced_phase_nodrain(ours, args.scale_comments)
            queued = ours.max_id() - first + 1
            ours.start_worker(k)
            t0 = time.monotonic()
            ours.drain(900)
            r = drain_rate_since(ours, first)
            r.update(queued=queued, wall_s=round(time.monotonic() - t0, 1), load=load(), undecided=ours.pending())
            out[f"processes-{k}"] = r
            log(f"scale: worker -c {k}: {r['per_s']} decisions/s over {queued} queued (load {load()})")
        finally:
            procs.stop_all()
    return out


def paced_phase_nodrain(ours: Ours, count: int) -> None:
    """Queue `count` comments as fast as the web side takes them (no worker running)."""
    import asyncio

    from bench_web import _paced

    payloads = [ours.request_bytes(5_000_000 + i, page, tok) for i, (page, tok) in enumerate(ours.tokens(count))]
    asyncio.run(_paced(ours.port, payloads, 200))


def drain_rate_since(ours: Ours, first: int) -> dict:
    rows = ours.sql("SELECT decided_at FROM comments WHERE id >= ? AND decided_at IS NOT NULL", first)
    times = sorted(x if isinstance(x, datetime) else datetime.fromisoformat(x) for (x,) in rows)
    lo, hi = int(len(times) * 0.1), int(len(times) * 0.9)
    span = (times[hi] - times[lo]).total_seconds() if hi > lo else 0
    return {"decided": len(times), "per_s": round((hi - lo) / span, 1) if span else float("nan")}


def reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as con:
        con.execute("DROP SCHEMA public CASCADE")
        con.execute("CREATE SCHEMA public")


def postgres_usable(url: str) -> bool:
    """Whether the PostgreSQL database answers (else the phase is skipped and the others still count)."""
    try:
        reset_postgres(url)
    except Exception as exc:  # noqa: BLE001
        log(f"postgres phase skipped: {url} is not usable ({type(exc).__name__})")
        return False
    return True


def phase_postgres(args: argparse.Namespace, tmp: Path, rate: float) -> dict:
    out: dict = {"load_start": load(), "rate": rate}
    reset_postgres(args.database_url)
    procs = Procs()
    try:
        ours = Ours(procs, tmp, 2, name="ours-pg", database_url=args.database_url, worker_concurrency=2)
        ours.start()
        warm_up(ours, False)
        pause(ours, True)
        tok = tmp / "tokens-pg.tsv"
        write_tokens(ours, tok, int(max(3000, 1500 * args.seconds)))
        first = ours.max_id() + 1
        r = run_wrk("ours", ours.port, 16, args.seconds, 700_000_000, tok, [ours.web_proc.pid])
        out["submit-16"] = level_row(r)
        pause(ours, False)
        ours.drain(600)
        out["drain"] = drain_rate_since(ours, first)
        log(f"postgres: submit {r['accepted_per_s']:.0f}/s p99 {r['p99_us'] / 1000:.1f} ms; "
            f"2 worker processes drained at {out['drain']['per_s']}/s (load {load()})")
        out["e2e"] = e2e(ours, rate, args.e2e_seconds, 800_000_000)
        e = out["e2e"]
        log(f"postgres e2e at {rate:.0f}/s: {e['decisions_per_s']:.1f} decided/s p50 {e['p50_ms']:.0f} "
            f"p99 {e['p99_ms']:.0f} ms (load {load()})")
    finally:
        procs.stop_all()
    out["load_end"] = load()
    return out


# --------------------------------------------------------------------------- report

def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def report(results: dict) -> str:
    """Markdown tables of whatever phases the results hold."""
    out: list[str] = []
    if r := results.get("reads"):
        out += [f"Reads, a 200-comment thread (ours {r['ours_bytes']:,} B, Isso {r['isso_bytes']:,} B per answer; "
                f"load {r['load_start']} -> {r['load_end']}):", "",
                "| connections | ours GET/s | Isso GET/s | ratio | ours p50 / p99 ms | Isso p50 / p99 ms | CPU ms/GET ours / Isso |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for c in sorted({int(k.split("-")[1]) for k in r if k.startswith("ours-")}):
            o, i = r[f"ours-{c}"], r[f"isso-{c}"]
            out.append(f"| {c} | {o['per_s']:.0f} | {i['per_s']:.0f} | {_ratio(o['per_s'], i['per_s'])} | "
                       f"{o['p50_ms']} / {o['p99_ms']} | {i['p50_ms']} / {i['p99_ms']} | {o['cpu_ms']} / {i['cpu_ms']} |")
        out.append("")
    if r := results.get("submit"):
        classes = sorted({k.split("-")[1] for k in r if k.startswith("ours-") and isinstance(r[k], dict)})
        out += [f"Submit, web only (our worker stopped; load {r['load_start']} -> {r['load_end']}): accepted/s, "
                "p50 / p99 ms, web CPU ms per accepted comment:", "",
                "| connections | " + " | ".join(f"ours {c}" for c in classes) + " | Isso | best ours / Isso |",
                "| ---: | " + " | ".join("---:" for _ in classes) + " | ---: | ---: |"]
        for c in sorted({int(k.split("-")[1]) for k in r if k.startswith("isso-")}):
            cells = [r[f"ours-{cls}-{c}"] for cls in classes]
            i = r[f"isso-{c}"]
            best = max(x["per_s"] for x in cells)
            out.append(f"| {c} | " + " | ".join(f"{x['per_s']:.0f} ({x['p50_ms']} / {x['p99_ms']}; {x['cpu_ms']})" for x in cells)
                       + f" | {i['per_s']:.0f} ({i['p50_ms']} / {i['p99_ms']}; {i['cpu_ms']}) | {_ratio(best, i['per_s'])} |")
        out.append("")
    for key, label in (("e2e", "End to end, SQLite"), ("postgres", "End to end, PostgreSQL, 2 web + 2 worker processes")):
        e = results.get(key)
        e = e.get("e2e") if key == "postgres" and e else e
        if not e:
            continue
        out.append(f"{label}: offered {e['rate']:.0f}/s for {e['sent'] / e['rate']:.0f} s (sent in {e['wall_s']:.0f} s): "
                   f"{e['accepted']} accepted, {e['decided']} decided, **{e['decisions_per_s']:.1f} decided/s**, "
                   f"submit-to-decision p50 {e['p50_ms']:.0f} ms, p99 {e['p99_ms']:.0f} ms; submit p50 {e['submit_p50_ms']:.0f} ms "
                   f"p99 {e['submit_p99_ms']:.0f} ms; pending after the drain: {e['pending_after']} (stored after the generator gave up on them, then decided: {e.get('stored_late', 0)}); CPU per comment: "
                   f"web {e['web_cpu_ms']} ms, worker {e['worker_cpu_ms']} ms, Redis {e['redis_cpu_ms']} ms.")
        if m := e.get("model") or results.get(key, {}).get("model"):
            out.append(f"Model's own CPU on the same texts: {m['single_ms']} ms per comment one at a time, "
                       f"{m['batch_ms']} ms in batches of {m['batch']}; worker overhead (worker CPU minus the model) "
                       f"{e['worker_cpu_ms'] - m['single_ms']:.1f} to {e['worker_cpu_ms'] - m['batch_ms']:.1f} ms.")
            if "score_and_explain_batch_ms" in m:
                out.append(f"With explanations (what the worker runs): score_and_explain {m['score_and_explain_ms']} ms "
                           f"per comment one at a time, score_and_explain_many {m['score_and_explain_batch_ms']} ms in "
                           f"batches; worker CPU around them: {e['worker_cpu_ms'] - m['score_and_explain_ms']:.1f} to "
                           f"{e['worker_cpu_ms'] - m['score_and_explain_batch_ms']:.1f} ms.")
        out.append("")
    if r := results.get("postgres"):
        o = r["submit-16"]
        out += [f"PostgreSQL web only at 16 connections: {o['per_s']:.0f}/s, p50 / p99 {o['p50_ms']} / {o['p99_ms']} ms, "
                f"web CPU {o['cpu_ms']} ms; the queue then drained by 2 worker processes at {r['drain']['per_s']}/s "
                f"(load {r['load_start']} -> {r['load_end']}).", ""]
    if r := results.get("scale"):
        out += ["| worker processes | queued | decisions/s (10th-90th percentile) | load |", "| ---: | ---: | ---: | ---: |"]
        for k, v in r.items():
            if k.startswith("processes-"):
                out.append(f"| {k.split('-')[1]} | {v['queued']} | {v['per_s']} | {v['load']} |")
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--phases", default="reads,submit,e2e,scale,postgres")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers for both services")
    ap.add_argument("--levels", default="1,4,16")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--classes", default="sync,gthread", help=f"gunicorn worker classes to compare: {','.join(CLASSES)}")
    ap.add_argument("--e2e-rate", type=float, default=0, help="comments/s of the e2e phase (0: 1.5x Isso's best)")
    ap.add_argument("--e2e-seconds", type=float, default=60)
    ap.add_argument("--scale", default="1,2,4", help="worker process counts of the scale phase")
    ap.add_argument("--scale-comments", type=int, default=1500)
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                             "postgresql+psycopg://postgres@127.0.0.1:5432/test_bench"))
    ap.add_argument("--isso-venv", type=Path, default=BENCH / ".isso-venv")
    ap.add_argument("--json", type=Path, default=WEB / "throughput-last-run.json")
    ap.add_argument("--report", action="store_true", help="only print the tables of the last run's JSON")
    args = ap.parse_args()
    if args.report:
        print(report(json.loads(args.json.read_text())))
        return 0
    args.levels = [int(x) for x in args.levels.split(",")]
    args.classes = [c for c in args.classes.split(",") if c]
    args.scale = [int(x) for x in args.scale.split(",")]
    phases = args.phases.split(",")
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found (Debian: apt-get install {tool})")
    isso_venv = ensure_isso_venv(args.isso_venv.resolve())
    tmp = Path(tempfile.mkdtemp(prefix="bench-throughput-", dir="/tmp"))
    results: dict = json.loads(args.json.read_text()) if args.json.exists() else {}
    results["machine"] = machine()
    try:
        if "reads" in phases:
            results["reads"] = phase_reads(args, tmp, isso_venv)
        if "submit" in phases:
            results["submit"] = phase_submit(args, tmp, isso_venv)
        isso_best = max((v["per_s"] for k, v in results.get("submit", {}).items()
                         if k.startswith("isso-") and isinstance(v, dict)), default=100.0)
        rate = args.e2e_rate or 1.5 * isso_best
        if "e2e" in phases:
            results["e2e"] = phase_e2e(args, tmp, rate)
        if "scale" in phases:
            results["scale"] = phase_scale(args, tmp)
        if "postgres" in phases and postgres_usable(args.database_url):
            results["postgres"] = phase_postgres(args, tmp, rate)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n")
    text = report(results)
    args.json.with_suffix(".md").write_text(text + "\n")
    print(text)
    undecided = [results.get("e2e", {}).get("pending_after", 0), results.get("postgres", {}).get("e2e", {}).get("pending_after", 0)]
    return 1 if any(undecided) else 0


if __name__ == "__main__":
    sys.exit(main())
