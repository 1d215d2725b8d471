"""Webhook benchmark: delivery latency from a decision's commit to the receiver's 2xx, and throughput.

Run from the repository root with the project's virtualenv:

    .venv/bin/python bench/bench_webhooks.py                  # about 1.5 minutes
    .venv/bin/python bench/bench_webhooks.py --write-readme   # and refresh the table in bench/README.md

Everything runs on loopback in a temporary directory: a private `redis-server`, SQLite (WAL, the
default store), real Celery worker processes (`celery -A workers.celery_app worker -Q webhooks
-P threads`) and two receiver processes (Python's ThreadingHTTPServer) on 127.0.0.1, allow-listed.

Phase 1, latency: this process records automatic decisions (`record_decision` + commit, the scoring
worker's own code path) at a fixed 50 per second for 30 s. Each decision writes one message for two
endpoints: a healthy receiver and a flaky one that answers 500 to a random half of the requests.
Latency is the receiver's clock at its 2xx minus this process's clock right after the commit (same
machine, same clock). The flaky endpoint's retries use a bench schedule (0, 0.5, 1, 2, 4, 8, 16, 32 s,
no jitter) instead of the production one (5 s, 5 min, ...) so the run ends; its figures show what a
retry costs, the healthy endpoint's show that a failing neighbour does not slow it down.
Phase 2, throughput: 3,000 decisions are recorded with no worker running (their deliveries wait
in the queue), then one worker process (`-P threads -c 1`) starts; deliveries per second is the count divided
by the span between the first and the last 2xx at an always-200 receiver.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import tomli_w
from redis import Redis
from sqlalchemy import text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moderation import create_app, policy, privacy  # noqa: E402
from moderation.db import session_scope  # noqa: E402
from moderation.extensions import get_engine, get_sessionmaker  # noqa: E402
from moderation.migrate import upgrade  # noqa: E402
from moderation.models import Author, Comment, Site, Status, Thread  # noqa: E402
from moderation.processes import stop_groups, worker_argv  # noqa: E402
from moderation.services import decisions  # noqa: E402
from moderation.webhooks import endpoints  # noqa: E402

README = REPO / "bench" / "README.md"
RATE, SECONDS, THROUGHPUT_N = 50, 30, 3000
BENCH_SCHEDULE = [0, 0.5, 1, 2, 4, 8, 16, 32]
POOL = "threads"  # what `moderation serve` runs for the webhooks queue
HMAC = "bench"  # the body digest the decision checks it scored (the same text for every comment)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --------------------------------------------------------------------------- receiver process

def receiver_main(port: int, fail_share: float, out: str) -> None:
    """Answer POSTs (500 to a random `fail_share`), appending `time comment_id` per 2xx to `out`."""
    sink = open(out, "a", buffering=1, encoding="utf-8")  # noqa: SIM115  (lives as long as the process)
    rng = random.Random(port)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = 500 if rng.random() < fail_share else 200
            if status == 200:
                comment_id = json.loads(body)["data"]["comment"]["id"]
                sink.write(f"{time.time():.6f} {comment_id} {self.headers.get('webhook-id')}\n")
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


# --------------------------------------------------------------------------- set-up

def secrets() -> dict[str, Any]:
    key = lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()  # noqa: E731
    return {"secret_key": key(), "email_keys": {"k1": key()}, "active_email_key": "k1", "blind_index_key": key()}


class Rig:
    """Redis, config, database and child processes for one run, in a temporary directory."""

    def __init__(self, workdir: Path, database_url: str = "") -> None:
        self.workdir = workdir
        self.children: list[subprocess.Popen[bytes]] = []
        self.redis_port = free_port()
        self.start(["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "",
                    "--appendonly", "no", "--dir", str(workdir)], "redis")
        self.config = {
            "env": "testing", "database_url": database_url or f"sqlite:///{workdir}/bench.sqlite",
            "redis_url": f"redis://127.0.0.1:{self.redis_port}/0", "secrets": secrets(),
            "instance_path": str(workdir / "instance"), "log_level": "WARNING",
            "webhook_allow_networks": ["127.0.0.0/8"], "webhook_retry_schedule": BENCH_SCHEDULE,
            "webhook_retry_jitter": 0.0,
        }
        self.config_file = workdir / "moderation.toml"
        self.config_file.write_text(tomli_w.dumps(self.config), encoding="utf-8")
        self.app = create_app(self.config)
        if database_url:  # an empty PostgreSQL database for this run (its public schema is dropped)
            with get_engine(self.app).begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(get_engine(self.app))
        with session_scope(self.app) as session:
            session.add(Site(id="bench", name="Bench", origins=["https://news.example"]))

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        return env | {"MODERATION_CONFIG": str(self.config_file), "PYTHONPATH": str(REPO)}

    def start(self, argv: list[str], name: str) -> subprocess.Popen[bytes]:
        with (self.workdir / f"{name}.log").open("ab") as out:
            proc = subprocess.Popen(argv, cwd=REPO, env=self.env() if hasattr(self, "config_file") else None,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.children.append(proc)
        return proc

    def receiver(self, name: str, fail_share: float) -> tuple[str, Path]:
        port, out = free_port(), self.workdir / f"{name}.received"
        out.touch()
        self.start([sys.executable, __file__, "--receiver", str(port), str(fail_share), str(out)], name)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return f"http://127.0.0.1:{port}/hook", out
            time.sleep(0.05)
        raise RuntimeError(f"receiver {name} did not start")

    def worker(self, concurrency: int, name: str, wait: bool = True) -> subprocess.Popen[bytes]:
        settings = self.app.extensions["settings"]
        argv = [*worker_argv(settings, concurrency, ("webhooks",), POOL), "-n", f"{name}@bench", "--without-heartbeat"]
        proc = self.start(argv, name)
        deadline = time.monotonic() + 90
        # Ready once it waits on the queue (the log is at WARNING, so " ready." is not printed).
        while wait and not any(c.get("cmd") in ("brpop", "bzpopmin") for c in self.redis().client_list()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {name} failed to start; see {self.workdir / name}.log")
            time.sleep(0.2)
        return proc

    def redis(self) -> Redis:
        return Redis(port=self.redis_port)

    def endpoint(self, url: str) -> None:
        with session_scope(self.app) as session:
            endpoints.create(session, self.app.extensions["settings"], "bench", url, "comment.published")

    def comments(self, count: int) -> list[int]:
        """Pending comments the way the web side stores them (email encrypted, blind index)."""
        settings = self.app.extensions["settings"]
        with session_scope(self.app) as session:
            thread = Thread(site_id="bench", uri=f"https://news.example/{time.time_ns()}", title="Berita")
            bidx = privacy.blind_index(settings, "pembaca@example.org")
            author = session.query(Author).filter_by(site_id="bench", email_bidx=bidx).one_or_none()
            if author is None:
                author = Author(site_id="bench", email_bidx=bidx, email_enc=privacy.encrypt_email(
                    settings, "pembaca@example.org", privacy.author_aad("bench", bidx)))
            session.add_all([thread, author])
            session.flush()
            rows = [Comment(thread_id=thread.id, author_id=author.id, name="Budi", body=f"Komentar {n}",
                            body_hmac=HMAC, status=Status.PENDING.value) for n in range(count)]
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    def decide(self, comment_id: int) -> float:
        """The scoring worker's decision path; returns the wall-clock time right after the commit."""
        with get_sessionmaker(self.app)() as session:
            decisions.record_decision(session, comment_id, HMAC, policy.Decision(Status.PUBLISHED),
                                      decisions.Outcome(model_version="bench"))
            session.commit()
            return time.time()

    def close(self) -> None:
        stop_groups(list(reversed(self.children)), timeout=15)
        get_engine(self.app).dispose()


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) of every live process in a process group (a worker and its pool)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def received(path: Path) -> dict[int, float]:
    """First 2xx time per comment id."""
    first: dict[int, float] = {}
    for line in path.read_text().splitlines():
        stamp, comment_id, _ = line.split()
        first.setdefault(int(comment_id), float(stamp))
    return first


def wait_received(path: Path, count: int, timeout: float) -> dict[int, float]:
    deadline = time.monotonic() + timeout
    while True:
        got = received(path)
        if len(got) >= count or time.monotonic() > deadline:
            return got
        time.sleep(0.5)


# --------------------------------------------------------------------------- phases

def latency_phase(rig: Rig, rate: int, seconds: int, concurrency: int) -> dict[str, Any]:
    healthy_url, healthy_out = rig.receiver("healthy", 0.0)
    flaky_url, flaky_out = rig.receiver("flaky", 0.5)
    rig.endpoint(healthy_url)
    rig.endpoint(flaky_url)
    rig.worker(concurrency, "latency")
    ids = rig.comments(rate * seconds)
    log(f"latency: {len(ids)} decisions at {rate}/s, two endpoints (one answers 500 half the time)")
    committed: dict[int, float] = {}
    late = 0
    start = time.monotonic()
    for n, comment_id in enumerate(ids):
        due = start + n / rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        elif pause < -0.1:
            late += 1
        committed[comment_id] = rig.decide(comment_id)
    achieved = len(ids) / (time.monotonic() - start)
    healthy = wait_received(healthy_out, len(ids), 60)
    flaky = wait_received(flaky_out, len(ids), 120)
    lat = {name: [(got[c] - committed[c]) * 1000 for c in ids if c in got] for name, got in
           (("healthy", healthy), ("flaky", flaky))}
    flaky_lines = len(flaky_out.read_text().splitlines())
    return {"decisions": len(ids), "rate_target": rate, "concurrency": concurrency, "rate_achieved": round(achieved, 1), "late": late,
            "healthy": {"delivered": len(healthy), "p50_ms": pct(lat["healthy"], 50), "p99_ms": pct(lat["healthy"], 99)},
            "flaky": {"delivered": len(flaky), "p50_ms": pct(lat["flaky"], 50), "p99_ms": pct(lat["flaky"], 99),
                      "duplicates": flaky_lines - len(flaky)}}


def throughput_phase(rig: Rig, count: int) -> dict[str, Any]:
    url, out = rig.receiver("fast", 0.0)
    with session_scope(rig.app) as session:  # only the fast receiver from here on
        for endpoint in endpoints.listing(session):
            endpoints.disable(session, endpoint, "bench phase over")
        endpoints.create(session, rig.app.extensions["settings"], "bench", url, "comment.published")
    for proc in rig.children:  # the latency phase's worker
        if proc.args and "latency@bench" in " ".join(map(str, proc.args)):  # type: ignore[arg-type]
            stop_groups([proc], timeout=15)
    ids = rig.comments(count)
    log(f"throughput: {count} decisions queued, then one worker process (-P threads -c 1)")
    for comment_id in ids:
        rig.decide(comment_id)
    worker = rig.worker(1, "throughput", wait=False)  # measured by the receiver's clock: first to last 2xx
    first = wait_received(out, 1, 120)
    cpu_start, done_start = group_cpu(worker.pid), len(received(out))  # start-up excluded
    got = wait_received(out, count, 300)
    cpu = (group_cpu(worker.pid) - cpu_start) / max(1, len(got) - done_start) * len(got)
    assert first
    stamps = sorted(got.values())
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else float("nan")
    return {"deliveries": len(got), "span_s": round(span, 2), "per_second": round((len(got) - 1) / span, 1),
            "worker_cpu_ms_per_delivery": round(cpu * 1000 / max(1, len(got)), 2)}


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        match = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
        cpu = match.group(1) if match else cpu
    except OSError:
        pass
    mem = Path("/proc/meminfo").read_text().split()[1] if Path("/proc/meminfo").exists() else "0"
    return {"cores": os.cpu_count(), "cpu": cpu, "ram_gib": round(int(mem) / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "loadavg_start": round(os.getloadavg()[0], 2)}


def table(results: dict[str, Any]) -> str:
    m, lat, thr = results["machine"], results["latency"], results["throughput"]
    return "\n".join([
        f"Machine: {m['cores']} cores, CPU `{m['cpu']}`, RAM {m['ram_gib']} GiB, Python {m['python']}, "
        f"{m['platform']}. Run on {results['when']}; 1-minute load average {m['loadavg_start']} before and "
        f"{m['loadavg_end']} after the run. **This machine is shared** with other sessions: a load above the core "
        "count means other processes competed for the CPU and every figure is pessimistic.",
        "",
        f"Latency phase: {lat['decisions']} decisions at {lat['rate_target']}/s (achieved {lat['rate_achieved']}/s), "
        f"{results['store']}, one webhooks worker (`-P threads -c {lat['concurrency']}`), two endpoints. The decisions "
        f"themselves fell behind the 50/s pace {lat['late']} times (by more than 0.1 s).",
        "",
        "| measure | median | p99 | delivered |",
        "|---|---:|---:|---:|",
        f"| commit to 2xx, healthy endpoint (ms) | {lat['healthy']['p50_ms']:.1f} | {lat['healthy']['p99_ms']:.1f} "
        f"| {lat['healthy']['delivered']}/{lat['decisions']} |",
        f"| commit to 2xx, endpoint answering 500 half the time (ms; retries after 0.5, 1, 2 ... s) | "
        f"{lat['flaky']['p50_ms']:.1f} | {lat['flaky']['p99_ms']:.1f} | {lat['flaky']['delivered']}/{lat['decisions']} |",
        "",
        f"Throughput phase: one worker process (`-P threads -c 1`), always-200 receiver on loopback: **{thr['per_second']} "
        f"deliveries/s** ({thr['deliveries']} deliveries in {thr['span_s']} s, each one claimed, logged before and "
        f"after, signed and posted). CPU of that worker process (after start-up) per "
        f"delivery: **{thr['worker_cpu_ms_per_delivery']} ms**, so on an idle core one process could do about "
        f"{1000 / max(thr['worker_cpu_ms_per_delivery'], 0.01):.0f}/s.",
    ])


def write_readme(text: str) -> None:
    start, end = "<!-- bench_webhooks:start -->", "<!-- bench_webhooks:end -->"
    readme = README.read_text(encoding="utf-8")
    block = f"{start}\n{text}\n{end}"
    if start in readme:
        readme = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, readme, flags=re.S)
    else:
        readme += "\n" + block + "\n"
    README.write_text(readme, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=SECONDS)
    parser.add_argument("--throughput", type=int, default=THROUGHPUT_N)
    parser.add_argument("--concurrency", type=int, default=8, help="threads of the latency phase's worker")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL of a database to empty and use "
                                                                "(default: SQLite in the temporary directory)")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        sys.exit("redis-server is needed (apt-get install redis-server)")
    results: dict[str, Any] = {"machine": machine(),
                               "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
    workdir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    rig = Rig(workdir, args.database_url)
    results["store"] = "PostgreSQL" if args.database_url else "SQLite"
    try:
        results["latency"] = latency_phase(rig, RATE, args.seconds, args.concurrency)
        results["throughput"] = throughput_phase(rig, args.throughput)
    finally:
        rig.close()
        shutil.rmtree(workdir, ignore_errors=True)
    results["machine"]["loadavg_end"] = round(os.getloadavg()[0], 2)
    text = table(results)
    print(text)
    print(json.dumps(results, indent=1))
    if args.write_readme:
        write_readme(text)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--receiver":
        receiver_main(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    else:
        main()
