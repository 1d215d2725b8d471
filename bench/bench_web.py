"""Web benchmark: comment submission throughput/latency against Isso, and submit-to-decision latency.

Run from the repository root with the project's virtualenv:

    .venv/bin/python bench/bench_web.py            # full run, about 2.5 minutes
    .venv/bin/python bench/bench_web.py --quick    # smoke test (CI): ours alone, ~30 s, exit 1 if a comment is left undecided

Everything runs on loopback in a temporary directory under /tmp that is removed at the end:

* ours: `moderation web --workers N` (gunicorn, sync workers) + `moderation worker --concurrency 1`
  (Celery prefork, the classifiers loaded once) + a private `redis-server` on a free port, SQLite
  (WAL, the default) in the temporary directory; rate limit off, flood check off, form tokens
  valid at once (each request carries its own fresh single-use token, issued with the service's
  own `antibot.issue_form_token` and key, so every accepted comment is a real, token-verified one).
* Isso 0.14.0: gunicorn (same N workers) serving `isso.run`, default SQLite, moderation on, guard
  (rate limit) off. Isso lives in its own virtualenv (bench/.isso-venv, created from
  bench/requirements-isso.txt if missing).

Phases (one run):
1. wrk, same connection levels and duration for both, same-size comment bodies; accepted comments
   per second (ours: 202; Isso: 201/202), p50/p90/p99, non-accepted answers counted separately.
   Between levels our queue is drained so the Celery worker does not steal CPU from the next level.
2. Submit-to-decision latency (Comment.decided_at - Comment.created_at, from the database):
   open-loop constant-rate load at half our maximum accepted rate, and one comment at a time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

from moderation.processes import stop_groups

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WEB = BENCH / "web"
LUA = WEB / "post.lua"
VENV_BIN = Path(sys.executable).parent
PAGES = 20  # comments are spread over this many pages (threads), the same for both services
# ~300 characters of polite Indonesian news comment; a 9-digit sequence number is appended.
TEXT = ("Terima kasih atas beritanya, sangat bermanfaat untuk warga di daerah kami. Semoga pemerintah "
        "daerah segera memperbaiki jalan yang rusak sebelum musim hujan datang, karena banyak anak "
        "sekolah yang setiap hari melewati jalan itu. Saya juga berharap ada liputan lanjutan tentang "
        "anggaran perbaikannya supaya masyarakat bisa ikut mengawasi.")


# --------------------------------------------------------------------------- small helpers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Procs:
    """Children started by this script, each in its own session; stopped by pid, in reverse order."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str], cwd: Path, logfile: Path) -> subprocess.Popen:
        out = open(logfile, "wb")  # noqa: SIM115  (closed with the process)
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.children.append((name, proc))
        return proc

    def pids(self, *names: str) -> list[int]:
        return [proc.pid for name, proc in self.children if name in names]

    def check(self) -> None:
        for name, proc in self.children:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see its log")

    def stop_all(self) -> None:
        stop_groups([proc for _name, proc in reversed(self.children)])


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by these processes and all their descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    roots, total = set(pids), 0.0
    for pid, seconds in cpu.items():
        p = pid
        while p > 1 and p not in roots:
            p = parent.get(p, 0)
        if p in roots:
            total += seconds
    return total


def wait_http(url: str, timeout: float, procs: Procs) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check()
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --------------------------------------------------------------------------- Isso

def ensure_isso_venv(venv: Path) -> Path:
    """The Isso virtualenv (created from bench/requirements-isso.txt when missing)."""
    py = venv / "bin" / "python"
    ok = py.exists() and subprocess.run([str(py), "-c", "import isso, gunicorn"], capture_output=True, check=False).returncode == 0
    if not ok:
        log(f"creating {venv} (isso + gunicorn from bench/requirements-isso.txt)")
        subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(BENCH / "requirements-isso.txt")], check=True)
    return venv


def start_isso(procs: Procs, venv: Path, tmp: Path, workers: int, name: str = "isso") -> int:
    port = free_port()
    d = tmp / name
    d.mkdir()
    cfg = d / "isso.cfg"
    cfg.write_text((WEB / "isso.cfg.in").read_text().format(dbpath=d / "comments.db", closed_port=free_port(), port=port))
    env = {**os.environ, "ISSO_SETTINGS": str(cfg)}
    env.pop("VIRTUAL_ENV", None)
    # Create the schema once, so the two gunicorn workers do not race to create it.
    subprocess.run([str(venv / "bin" / "python"), "-c",
                    "import os; from isso import config, make_app; "
                    "make_app(config.load(config.default_file(), os.environ['ISSO_SETTINGS']), multiprocessing=True)"],
                   env=env, cwd=d, check=True, capture_output=True)
    procs.start("isso", [str(venv / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                         "--no-control-socket", "--log-level", "warning", "isso.run"],
                env, d, d / "gunicorn.log")
    wait_http(f"http://127.0.0.1:{port}/info", 60, procs)
    return port


# --------------------------------------------------------------------------- ours

class Ours:
    def __init__(self, procs: Procs, tmp: Path, workers: int, classifiers: Path | None = None, *,
                 name: str = "ours", database_url: str | None = None, gunicorn_args: str = "",
                 worker_concurrency: int = 1) -> None:
        self.procs, self.tmp, self.workers = procs, tmp, workers
        self.worker_concurrency = worker_concurrency
        self.dir = tmp / name
        self.dir.mkdir()
        self.pg = database_url if database_url and database_url.startswith("postgresql") else None
        self.db = self.dir / "moderation.sqlite"
        self.port = free_port()
        self.redis_port = free_port()
        config = self.dir / "bench.toml"
        config.write_text((WEB / "ours.toml.in").read_text().format(
            dbpath=self.db, redis_port=self.redis_port, port=self.port, instance=self.dir / "instance"))
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("MODERATION_") and k not in ("DATABASE_URL", "REDIS_URL", "PORT")}
        self.env["MODERATION_CONFIG"] = str(config)
        if database_url:
            self.env["MODERATION_DATABASE_URL"] = database_url
        # "--threads N" goes to `moderation web` (1: sync workers); "granian ..." runs granian instead.
        self.web_args = gunicorn_args.split() if gunicorn_args.startswith("--threads") else []
        if gunicorn_args.startswith("granian"):
            self.env["GUNICORN_CMD_ARGS"] = gunicorn_args
        self.moderation = str(VENV_BIN / "moderation")
        self.worker_env = dict(self.env)
        if classifiers is not None:
            # Use the `classifiers` package of another checkout (e.g. the classifiers branch's
            # worktree before it is merged): only the worker imports it.
            ext = tmp / "pyext"
            ext.mkdir()
            (ext / "classifiers").symlink_to(classifiers.resolve() / "classifiers", target_is_directory=True)
            self.worker_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ext), os.environ.get("PYTHONPATH")]))
        self.settings = None
        self._seq = 0

    def start(self) -> None:
        self.redis_proc = self.procs.start("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
                         self.env, self.dir, self.dir / "redis.log")
        subprocess.run([self.moderation, "init-secrets", "--instance", str(self.dir / "instance")],
                       env=self.env, cwd=self.dir, check=True, capture_output=True)
        subprocess.run([self.moderation, "db", "upgrade"], env=self.env, cwd=self.dir, check=True, capture_output=True)
        argv = [self.moderation, "web", "--workers", str(self.workers), *self.web_args]
        if self.env.get("GUNICORN_CMD_ARGS", "").startswith("granian"):
            # Another WSGI server for the comparison: granian (Rust), same app, same process count.
            argv = [str(VENV_BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(self.port),
                    "--workers", str(self.workers), *self.env.pop("GUNICORN_CMD_ARGS").split()[1:], "moderation.wsgi:app"]
        self.web_proc = self.procs.start("web", argv, self.env, self.dir, self.dir / "web.log")
        self.start_worker(self.worker_concurrency)
        wait_http(f"http://127.0.0.1:{self.port}/api/v1/openapi.json", 60, self.procs)
        # The form tokens are issued here with the service's own function and key (same as
        # GET /api/v1/form-token, without spending the server's CPU on thousands of GETs).
        sys.path.insert(0, str(REPO))
        from moderation.settings import load_settings

        self.settings = load_settings(environ=self.env, root=self.dir)

    def start_worker(self, concurrency: int) -> None:
        """One Celery worker (prefork, `concurrency` processes) for the scoring queue."""
        self.worker_proc = self.procs.start("worker", [self.moderation, "worker", "--concurrency", str(concurrency)],
                                            self.worker_env, self.dir, self.dir / f"worker-{len(self.procs.children)}.log")

    def stop_worker(self) -> None:
        """Stop this service's Celery worker (warm shutdown; unacked messages go back to the queue)."""
        stop_groups([self.worker_proc])
        self.procs.children = [(n, p) for n, p in self.procs.children if p is not self.worker_proc]

    def page(self, n: int) -> str:
        return f"http://bench.example/artikel-{n % PAGES}"

    def tokens(self, count: int) -> list[tuple[str, str]]:
        from moderation.antibot import issue_form_token

        out = []
        for _ in range(count):
            self._seq += 1
            page = self.page(self._seq)
            out.append((page, issue_form_token(self.settings, "bench", page)))
        return out

    def token_via_http(self, page: str) -> str:
        url = f"http://127.0.0.1:{self.port}/api/v1/form-token?site=bench&thread={urllib.request.quote(page, safe='')}"
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)["form_token"]

    def body(self, n: int, page: str, token: str) -> bytes:
        return json.dumps({"site": "bench", "thread": page, "title": "Artikel", "name": f"Pembaca {n:09d}",
                           "email": f"pembaca{n:09d}@example.com", "body": f"{TEXT} {n:09d}",
                           "form_token": token}, separators=(",", ":")).encode()

    def request_bytes(self, n: int, page: str, token: str) -> bytes:
        body = self.body(n, page, token)
        head = (f"POST /api/v1/comments HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Type: application/json\r\n"
                f"Accept: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        return head.encode() + body

    # -- database views (read-only; WAL lets us read while the service writes)
    def sql(self, query: str, *args: object) -> list[tuple]:
        if self.pg:
            import psycopg

            with psycopg.connect(self.pg.replace("postgresql+psycopg://", "postgresql://")) as con:
                return con.execute(query.replace("?", "%s").replace("json_extract(signals, '$.form_token')",
                                                                    "signals->>'form_token'"), args).fetchall()
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def max_id(self) -> int:
        return self.sql("SELECT coalesce(max(id), 0) FROM comments")[0][0]

    def pending(self) -> int:
        return self.sql("SELECT count(*) FROM comments WHERE status = 'pending'")[0][0]

    def undecided(self, ids: list[int]) -> list[int]:
        """The accepted comments (by id) still pending or without a decision row."""
        decided = {row[0] for row in self.sql(
            "SELECT c.id FROM comments c JOIN decisions d ON d.comment_id = c.id WHERE c.status != 'pending'")}
        return sorted(set(ids) - decided)

    def drain(self, timeout: float = 240) -> float:
        """Wait until every comment is decided; returns the seconds waited."""
        start = time.monotonic()
        while self.pending() and time.monotonic() - start < timeout:
            self.procs.check()
            time.sleep(0.25)
        return time.monotonic() - start

    def decisions(self, first: int, last: int) -> dict:
        rows = self.sql("SELECT created_at, decided_at, status, json_extract(signals, '$.form_token') "
                        "FROM comments WHERE id BETWEEN ? AND ?", first, last)
        lat, decided, statuses, tokens = [], [], {}, {}
        for created, dec, status, tok in rows:
            statuses[status] = statuses.get(status, 0) + 1
            tokens[tok] = tokens.get(tok, 0) + 1
            if dec:
                c, d = (x if isinstance(x, datetime) else datetime.fromisoformat(x) for x in (created, dec))
                lat.append((d - c).total_seconds() * 1000)
                decided.append(d)
        rate = float("nan")
        if len(decided) > 1:
            span = (max(decided) - min(decided)).total_seconds()
            rate = (len(decided) - 1) / span if span > 0 else float("nan")
        return {"n": len(rows), "decided": len(lat), "p50_ms": pct(lat, 50), "p90_ms": pct(lat, 90),
                "p99_ms": pct(lat, 99), "max_ms": max(lat) if lat else float("nan"),
                "decisions_per_s": rate, "statuses": statuses, "form_token": tokens}


# --------------------------------------------------------------------------- load generators

def run_wrk(target: str, port: int, conns: int, seconds: float, offset: int, tokens_file: Path | None,
            cpu_pids: list[int] | None = None, get_path: str | None = None) -> dict:
    """wrk POSTing new comments (post.lua), or GETting `get_path` (get.lua, 200 counts as accepted)."""
    env = {**os.environ, "BENCH_TARGET": target, "BENCH_OFFSET": str(offset), "BENCH_TEXT": TEXT,
           "BENCH_THREADS": str(PAGES), "BENCH_WRK_THREADS": "1", "BENCH_PATH": get_path or "/"}
    if tokens_file:
        env["BENCH_TOKENS"] = str(tokens_file)
    argv = ["wrk", "-t", "1", "-c", str(conns), "-d", f"{seconds:g}s", "--timeout", "10s",
            "-s", str(WEB / "get.lua" if get_path else LUA), f"http://127.0.0.1:{port}"]
    cpu0 = tree_cpu(cpu_pids or [])
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False)
    cpu_s = tree_cpu(cpu_pids or []) - cpu0
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    r = json.loads(line[len("BENCH_JSON "):])
    ok_codes = {"200"} if get_path else {"202"} if target == "ours" else {"201", "202"}
    secs = r["duration_us"] / 1e6
    accepted = sum(v for k, v in r["statuses"].items() if k in ok_codes)
    r.update(target=target, conns=conns, seconds=secs, accepted=accepted,
             accepted_per_s=accepted / secs, other=r["requests"] - accepted,
             socket_errors=sum(r["errors"].values()), cpu_s=cpu_s,
             cpu_ms_per_accepted=cpu_s * 1000 / accepted if accepted else float("nan"))
    return r


async def _paced(port: int, payloads: list[bytes], rate: float) -> list[tuple[float, float, int, int]]:
    """Open loop: request i starts at t0 + i/rate whatever happened to the others.

    Each result is (start s, latency ms, HTTP status, comment id of a 202 or 0).
    """
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.2
    results: list[tuple[float, float, int, int]] = []

    async def one(i: int, payload: bytes) -> None:
        await asyncio.sleep(max(0.0, t0 + i / rate - loop.time()))
        start = loop.time()
        status = comment_id = 0
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
            writer.write(payload)
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), 30)
            writer.close()
            status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
            if status == 202:
                comment_id = int(json.loads(data.split(b"\r\n\r\n", 1)[1])["id"])
        except (TimeoutError, OSError, ValueError, KeyError, IndexError):
            status = status or 0
        results.append((start - t0, (loop.time() - start) * 1000, status, comment_id))

    await asyncio.gather(*(one(i, p) for i, p in enumerate(payloads)))
    return results


def paced_phase(ours: Ours, rate: float, seconds: float, offset: int, drain_timeout: float = 240) -> dict:
    count = max(1, int(rate * seconds))
    payloads = [ours.request_bytes(offset + i, page, tok) for i, (page, tok) in enumerate(ours.tokens(count))]
    first = ours.max_id() + 1
    t = time.monotonic()
    res = asyncio.run(_paced(ours.port, payloads, rate))
    wall = time.monotonic() - t
    waited = ours.drain(drain_timeout)
    last = ours.max_id()
    lat = [ms for _s, ms, st, _id in res if st == 202]
    d = ours.decisions(first, last)
    d.update(rate=rate, sent=count, wall_s=wall, accepted=len(lat), other=count - len(lat),
             submit_p50_ms=pct(lat, 50), submit_p99_ms=pct(lat, 99), drain_wait_s=waited,
             undecided=ours.undecided([cid for *_rest, cid in res if cid]))
    return d


def one_at_a_time(ours: Ours, count: int, offset: int) -> dict:
    """Submit, wait until that comment is decided (polling the database), then the next one."""
    first = ours.max_id() + 1
    for i, (page, tok) in enumerate(ours.tokens(count)):
        req = urllib.request.Request(f"http://127.0.0.1:{ours.port}/api/v1/comments", data=ours.body(offset + i, page, tok),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            cid = json.load(r)["id"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not ours.sql("SELECT decided_at FROM comments WHERE id = ?", cid)[0][0]:
            time.sleep(0.005)
    return ours.decisions(first, ours.max_id())


def warm_up(ours: Ours, allow_unscored: bool) -> None:
    """One comment with a token fetched over HTTP, decided before the load starts (loads the model)."""
    page = ours.page(0)
    single_warm = urllib.request.Request(f"http://127.0.0.1:{ours.port}/api/v1/comments",
                                         data=ours.body(999_000_000, page, ours.token_via_http(page)),
                                         headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(single_warm, timeout=10) as r:
        assert r.status == 202, r.status
        warm_id = json.load(r)["id"]
    ours.drain(120)
    reasons = ours.sql("SELECT reasons FROM decisions WHERE comment_id = ?", warm_id)
    if not reasons or "classifier_unavailable" in reasons[0][0]:
        msg = ("the worker could not score the warm-up comment (classifier_unavailable): the classifiers "
               "package has no usable model; pass --classifiers PATH (a checkout with classifiers/)")
        if not allow_unscored:
            raise SystemExit(msg)
        log("WARNING: " + msg)


def smoke(args: argparse.Namespace) -> int:
    """--quick: a few seconds of real load on our stack alone; 1 if any accepted comment is left undecided."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-quick-", dir="/tmp"))
    procs = Procs()
    t_start = time.monotonic()
    try:
        ours = Ours(procs, tmp, args.workers, args.classifiers)
        ours.start()
        log(f"quick: ours on :{ours.port} (gunicorn {args.workers} workers + celery worker -c 1), SQLite, "
            f"load {os.getloadavg()[0]:.2f}")
        warm_up(ours, args.allow_unscored)
        # Faster than one worker scores one at a time, so the queue gets deep enough to batch.
        r = paced_phase(ours, args.quick_rate, args.quick_seconds, 0, drain_timeout=args.quick_drain)
    finally:
        procs.stop_all()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"quick: {r['accepted']}/{r['sent']} accepted at {args.quick_rate:.0f}/s for {args.quick_seconds:.0f} s, "
          f"submit p50 {r['submit_p50_ms']:.1f} ms p99 {r['submit_p99_ms']:.1f} ms; "
          f"decided {r['decided']}, submit-to-decision p50 {r['p50_ms']:.0f} ms p99 {r['p99_ms']:.0f} ms, "
          f"queue drained in {r['drain_wait_s']:.1f} s; statuses {r['statuses']}; "
          f"elapsed {time.monotonic() - t_start:.1f} s")
    if not r["accepted"]:
        print("FAIL: no comment was accepted")
        return 1
    if r["undecided"]:
        print(f"FAIL: {len(r['undecided'])} accepted comments left undecided: {r['undecided'][:20]}")
        return 1
    return 0


# --------------------------------------------------------------------------- report

def machine() -> dict:
    def cmd(argv: list[str]) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
        except OSError:
            return "?"

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem_kb = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    versions = {}
    for pkg in ("flask", "gunicorn", "sqlalchemy", "celery", "redis", "scikit-learn"):
        try:
            from importlib.metadata import version

            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001
            versions[pkg] = "?"
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "kernel": platform.release(), "sqlite": sqlite3.sqlite_version,
            "wrk": cmd(["wrk", "-v"]).splitlines()[0] if cmd(["wrk", "-v"]) else "?",
            "redis": cmd(["redis-server", "--version"]), **versions}


def table(results: dict) -> str:
    lines = ["| connections | ours accepted/s | Isso accepted/s | ratio | ours p50 / p99 ms | Isso p50 / p99 ms | ours non-202 | Isso non-2xx | ours CPU ms/comment web + scoring | Isso CPU ms/comment |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for c in results["levels"]:
        o, i = results["wrk"][f"ours-{c}"], results["wrk"][f"isso-{c}"]
        lines.append(f"| {c} | {o['accepted_per_s']:.0f} | {i['accepted_per_s']:.0f} | "
                     f"{o['accepted_per_s'] / max(i['accepted_per_s'], 1e-9):.2f}x | "
                     f"{o['p50_us'] / 1000:.1f} / {o['p99_us'] / 1000:.1f} | {i['p50_us'] / 1000:.1f} / {i['p99_us'] / 1000:.1f} | "
                     f"{o['other'] + o['socket_errors']} | {i['other'] + i['socket_errors']} | "
                     f"{o['web_cpu_ms_per_comment']:.1f} + {o['worker_cpu_ms_per_comment']:.1f} | {i['cpu_ms_per_accepted']:.1f} |")
    return "\n".join(lines)


def summary(results: dict) -> str:
    best_o = max(results["levels"], key=lambda c: results["wrk"][f"ours-{c}"]["accepted_per_s"])
    best_i = max(results["levels"], key=lambda c: results["wrk"][f"isso-{c}"]["accepted_per_s"])
    o, i = results["wrk"][f"ours-{best_o}"], results["wrk"][f"isso-{best_i}"]
    same = results["wrk"][f"isso-{best_o}"]
    out = [table(results), "",
           f"max accepted/s: ours {o['accepted_per_s']:.0f} (c={best_o}), Isso {i['accepted_per_s']:.0f} (c={best_i}); "
           f"ratio {o['accepted_per_s'] / max(i['accepted_per_s'], 1e-9):.2f}x (target >= 3x)",
           f"p99 at ours' max load (c={best_o}): ours {o['p99_us'] / 1000:.1f} ms, Isso {same['p99_us'] / 1000:.1f} ms "
           f"(target: ours lower)", ""]
    out.append("| submit-to-decision | rate | comments | decided | median ms | p90 ms | p99 ms | max ms | submit p50 / p99 ms | worker decisions/s |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, key in (("half max load", "half"), ("one at a time", "single")):
        d = results.get(key)
        if not d:
            continue
        rate = f"{d['rate']:.0f}/s" if "rate" in d else "serial"
        sub = f"{d['submit_p50_ms']:.1f} / {d['submit_p99_ms']:.1f}" if "submit_p50_ms" in d else "-"
        out.append(f"| {name} | {rate} | {d['n']} | {d['decided']} | {d['p50_ms']:.1f} | {d['p90_ms']:.1f} | {d['p99_ms']:.1f} | "
                   f"{d['max_ms']:.1f} | {sub} | {d['decisions_per_s']:.1f} |")
    return "\n".join(out)


# --------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers for both services")
    ap.add_argument("--levels", default="1,4,16", help="wrk connection levels")
    ap.add_argument("--seconds", type=float, default=10, help="wrk duration per level and service")
    ap.add_argument("--half-seconds", type=float, default=20, help="duration of the half-load phase")
    ap.add_argument("--single", type=int, default=30, help="comments in the one-at-a-time phase")
    ap.add_argument("--isso-venv", type=Path, default=BENCH / ".isso-venv")
    ap.add_argument("--json", type=Path, default=WEB / "last-run.json", help="where to write raw results")
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: our stack alone (no Isso, no wrk), a few seconds of paced load; "
                         "exits 1 if any accepted comment is left undecided")
    ap.add_argument("--quick-rate", type=float, default=60, help="--quick: comments per second")
    ap.add_argument("--quick-seconds", type=float, default=4, help="--quick: seconds of load")
    ap.add_argument("--quick-drain", type=float, default=60, help="--quick: seconds allowed to drain the queue")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--classifiers", type=Path, default=Path(os.environ["BENCH_CLASSIFIERS"]) if os.environ.get("BENCH_CLASSIFIERS") else None,
                    help="a checkout whose classifiers/ package the worker should use (default: this repository's)")
    ap.add_argument("--allow-unscored", action="store_true",
                    help="go on even if the worker cannot score (comments end held as classifier_unavailable)")
    args = ap.parse_args()
    if args.quick:
        if not shutil.which("redis-server"):
            sys.exit("redis-server not found (Debian: apt-get install redis-server)")
        return smoke(args)
    levels = [int(x) for x in args.levels.split(",")]
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found (Debian: apt-get install {'wrk' if tool == 'wrk' else 'redis-server'})")
    isso_venv = ensure_isso_venv(args.isso_venv.resolve())
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-", dir="/tmp"))
    procs = Procs()
    results: dict = {"machine": machine(), "levels": levels, "workers": args.workers, "seconds": args.seconds, "wrk": {}}
    t_start = time.monotonic()
    try:
        log(f"temporary directory {tmp}")
        results["machine"]["loadavg_start"] = os.getloadavg()
        ours = Ours(procs, tmp, args.workers, args.classifiers)
        ours.start()
        isso_port = start_isso(procs, isso_venv, tmp, args.workers)
        results["machine"]["isso"] = subprocess.run([str(isso_venv / "bin" / "python"), "-c",
                                                     "from importlib.metadata import version as v; print(v('isso'), v('gunicorn'))"],
                                                    capture_output=True, text=True, check=False).stdout.strip()
        log(f"ours on :{ours.port} (gunicorn {args.workers} workers + celery worker -c 1), Isso on :{isso_port}")

        warm_up(ours, args.allow_unscored)

        offset = 0
        tok_file = tmp / "tokens.tsv"

        def write_tokens(n: int) -> None:
            with open(tok_file, "w") as f:
                for page, tok in ours.tokens(n):
                    f.write(f"{page}\t{tok}\n")

        # Warm-up both (discarded): imports, SQLite caches, first threads created.
        log("warm-up (3 s each, discarded)")
        write_tokens(6000)
        offset += 100_000_000
        run_wrk("ours", ours.port, 4, 3, offset, tok_file)
        run_wrk("isso", isso_port, 4, 3, offset, None)
        ours.drain()

        for c in levels:
            offset += 100_000_000
            write_tokens(int(max(2000, 1500 * args.seconds)))
            first = ours.max_id() + 1
            web_cpu0 = tree_cpu(procs.pids("web"))
            worker_cpu0 = tree_cpu(procs.pids("worker", "redis"))
            r = run_wrk("ours", ours.port, c, args.seconds, offset, tok_file, procs.pids("web"))
            r["drain_s"] = ours.drain()
            # CPU per accepted comment, web side and scoring side (worker + Redis, incl. the drain).
            r["web_cpu_ms_per_comment"] = (tree_cpu(procs.pids("web")) - web_cpu0) * 1000 / max(r["accepted"], 1)
            r["worker_cpu_ms_per_comment"] = (tree_cpu(procs.pids("worker", "redis")) - worker_cpu0) * 1000 / max(r["accepted"], 1)
            r["decisions"] = ours.decisions(first, ours.max_id())
            results["wrk"][f"ours-{c}"] = r
            log(f"ours c={c}: {r['accepted_per_s']:.0f} accepted/s p50 {r['p50_us'] / 1000:.1f} ms "
                f"p99 {r['p99_us'] / 1000:.1f} ms other={r['other']} errors={r['socket_errors']} "
                f"tokens_reused={r['tokens_reused']} queue drained in {r['drain_s']:.1f} s "
                f"CPU/comment web {r['web_cpu_ms_per_comment']:.1f} ms + worker/redis {r['worker_cpu_ms_per_comment']:.1f} ms "
                f"(worker {r['decisions']['decisions_per_s']:.0f} decisions/s)")
            offset += 100_000_000
            r = run_wrk("isso", isso_port, c, args.seconds, offset, None, procs.pids("isso"))
            results["wrk"][f"isso-{c}"] = r
            log(f"isso c={c}: {r['accepted_per_s']:.0f} accepted/s p50 {r['p50_us'] / 1000:.1f} ms "
                f"p99 {r['p99_us'] / 1000:.1f} ms other={r['other']} errors={r['socket_errors']} "
                f"CPU/comment {r['cpu_ms_per_accepted']:.1f} ms")

        max_rate = max(results["wrk"][f"ours-{c}"]["accepted_per_s"] for c in levels)
        half = max_rate / 2
        log(f"submit-to-decision at half our max load: {half:.0f} comments/s for {args.half_seconds:.0f} s")
        offset += 100_000_000
        results["half"] = paced_phase(ours, half, args.half_seconds, offset)
        h = results["half"]
        log(f"half load: {h['accepted']}/{h['sent']} accepted, decision median {h['p50_ms']:.1f} ms "
            f"p90 {h['p90_ms']:.1f} p99 {h['p99_ms']:.1f}; worker {h['decisions_per_s']:.1f} decisions/s")
        log(f"one at a time: {args.single} comments")
        offset += 100_000_000
        results["single"] = one_at_a_time(ours, args.single, offset)
        s = results["single"]
        log(f"one at a time: median {s['p50_ms']:.1f} ms p90 {s['p90_ms']:.1f} p99 {s['p99_ms']:.1f}")
        results["all_comments"] = ours.decisions(1, ours.max_id())
        results["machine"]["loadavg_end"] = os.getloadavg()
    finally:
        procs.stop_all()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    results["elapsed_s"] = round(time.monotonic() - t_start, 1)
    text = summary(results)
    print("\n" + text + "\n")
    print(f"all our comments: statuses {results['all_comments']['statuses']}, form tokens {results['all_comments']['form_token']}")
    print(f"machine: {json.dumps(results['machine'])}")
    print("note: a load average above the core count means other processes shared the CPU during the run")
    print(f"elapsed {results['elapsed_s']} s")
    args.json.write_text(json.dumps(results, indent=1, default=str) + "\n")
    (args.json.with_suffix(".md")).write_text(text + "\n")
    pending = results["all_comments"]["statuses"].get("pending", 0)
    if pending:
        print(f"FAIL: {pending} accepted comments left undecided")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
