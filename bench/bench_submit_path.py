"""Web CPU per accepted comment in the submit path, in-process (no HTTP server, no load generator).

Builds the app as `moderation web` does (a settings file like bench/web/ours.toml.in: SQLite under
a temporary directory, rate limit and flood check off, tokens valid at once), issues a form token
per comment with the service's own function, then calls the WSGI app directly with a prebuilt
environ per request (`POST /api/v1/comments`, JSON, a new author each time, 20 pages). Reports CPU
ms per accepted comment (time.process_time of this process) in three rounds and the best of them,
and the SQL statements one submit runs. What a WSGI server adds (HTTP parsing, the socket) is
measured by bench_throughput.py's submit phase, not here.

    .venv/bin/python bench/bench_submit_path.py                 # 3,000 submits
    .venv/bin/python bench/bench_submit_path.py --quick         # 150 submits (tests/test_bench_smoke.py)
    .venv/bin/python bench/bench_submit_path.py --profile /tmp/submit.prof

Redis: a private redis-server on a free port (needs `redis-server`), so the nonce and the enqueue
make their real round trip.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

from bench_web import TEXT, free_port  # noqa: E402

PAGES = 20


def _environ(settings: Any, n: int) -> dict[str, Any]:
    from moderation.antibot import issue_form_token

    page = f"http://bench.example/artikel-{n % PAGES}"
    body = json.dumps({"site": "bench", "thread": page, "title": "Artikel", "name": f"Pembaca {n:09d}",
                       "email": f"pembaca{n:09d}@example.com", "body": f"{TEXT} {n:09d}",
                       "form_token": issue_form_token(settings, "bench", page)}).encode()
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/comments", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)), "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_ACCEPT": "application/json"}


def _app(tmp: Path, redis_port: int) -> Any:
    config = tmp / "bench.toml"
    config.write_text((BENCH / "web" / "ours.toml.in").read_text().format(
        dbpath=tmp / "moderation.sqlite", redis_port=redis_port, port=8000, instance=tmp / "instance"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")} | {"MODERATION_CONFIG": str(config)}
    moderation = str(Path(sys.executable).parent / "moderation")
    for argv in ([moderation, "init-secrets", "--instance", str(tmp / "instance")], [moderation, "db", "upgrade"]):
        subprocess.run(argv, env=env, cwd=tmp, check=True, capture_output=True)
    os.environ.update(env)
    os.chdir(tmp)
    from moderation import create_app

    return create_app()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=3000, help="submits measured (three rounds of n/3)")
    ap.add_argument("--quick", action="store_true", help="150 submits: a smoke run")
    ap.add_argument("--profile", type=Path, help="write a cProfile of the measured submits here")
    args = ap.parse_args()
    n = 150 if args.quick else args.n
    from sqlalchemy import event

    tmp = Path(tempfile.mkdtemp(prefix="bench-submit-", dir="/tmp"))
    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL, cwd=tmp)
    try:
        time.sleep(0.3)
        app = _app(tmp, redis_port)
        settings = app.extensions["settings"]
        statuses: dict[str, int] = {}

        def start_response(status: str, _headers: list[Any], _exc: Any = None) -> None:
            statuses[status] = statuses.get(status, 0) + 1

        def run(environs: list[dict[str, Any]]) -> None:
            for environ in environs:
                b"".join(app(environ, start_response))

        run([_environ(settings, i) for i in range(min(300, n))])  # warm: caches, the pages' thread rows
        statements: list[str] = []
        listen = lambda _c, _cur, statement, *_r: statements.append(statement.split()[0])  # noqa: E731
        event.listen(app.extensions["db_engine"], "before_cursor_execute", listen)
        run([_environ(settings, 10_000_000)])
        event.remove(app.extensions["db_engine"], "before_cursor_execute", listen)
        environs = [_environ(settings, 1_000_000 + i) for i in range(n)]
        profile = cProfile.Profile() if args.profile else None
        rounds = []
        for k in range(3):
            part = environs[k * n // 3:(k + 1) * n // 3]
            if profile:
                profile.enable()
            started = time.process_time()
            run(part)
            rounds.append((time.process_time() - started) * 1000 / len(part))
            if profile:
                profile.disable()
        if profile and args.profile:
            profile.dump_stats(args.profile)
    finally:
        redis.terminate()
        redis.wait(10)
    accepted = statuses.get("202 ACCEPTED", 0)
    expected = min(300, n) + 1 + n
    print(f"submit path, in-process: {accepted}/{expected} accepted; CPU ms per submit, rounds "
          f"{' / '.join(f'{r:.3f}' for r in rounds)}, best {min(rounds):.3f}; statements per submit "
          f"{len(statements)} ({', '.join(statements)}); load {os.getloadavg()[0]:.2f}")
    return 0 if accepted == expected else 1


if __name__ == "__main__":
    sys.exit(main())
