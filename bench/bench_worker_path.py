"""Worker CPU per decided comment in the deep-queue batch path, in-process (no broker, no Celery).

Creates N pending comments in a fresh SQLite app (the test factories' `make_comment`, as the web
side stores them), then decides them with `workers.batch.score_many` in batches of
`score_batch_size`, and reports CPU ms per comment (time.process_time of this process): the total,
the model's own part (its `score_and_explain_many` calls, timed inside the call) and the rest,
"around the model" (loading, policy, explanation's storage, the decision transaction). Once with a
fake fast scorer (keywords, no features) and once with the shipped model.

    .venv/bin/python bench/bench_worker_path.py                  # 2,000 comments, fake and shipped model
    .venv/bin/python bench/bench_worker_path.py --quick          # 200 comments, fake model only (seconds)
    .venv/bin/python bench/bench_worker_path.py --endpoint       # the site has a webhook endpoint
    .venv/bin/python bench/bench_worker_path.py --profile /tmp/worker.prof   # cProfiles: /tmp/worker.prof.fake, .shipped
    .venv/bin/python bench/bench_worker_path.py --celery --n 3000  # a real worker draining a deep queue

With --celery, the same comments are queued through the dispatcher to a private redis-server and a
real Celery worker (prefork, one child, the fake model: `tests.helpers.fake_worker_app`) drains
them; the worker's processes are stopped (SIGSTOP) while the queue fills, so it meets a deep queue,
and their CPU (/proc, main process and pool child) is divided by the comments decided. The fake
model costs about 0.01 ms, so that figure is the worker's CPU around the model, Celery included.

In-process, Redis is not touched: with --endpoint, the webhook deliveries written are counted after commit
instead of being sent to the broker (their rows and messages are written as in production).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moderation import create_app  # noqa: E402
from moderation.db import session_scope  # noqa: E402
from moderation.extensions import get_sessionmaker, get_settings  # noqa: E402
from moderation.migrate import upgrade  # noqa: E402
from moderation.models import Comment, Decision  # noqa: E402
from moderation.webhooks import dispatch, endpoints  # noqa: E402
from tests.conftest import TEST_SECRETS  # noqa: E402
from tests.helpers.factories import make_comment  # noqa: E402
from tests.helpers.fakes import FakeModel  # noqa: E402
from workers import batch  # noqa: E402
from workers import model as model_cache  # noqa: E402

WORDS = ("harga cabai naik lagi pemerintah harus turun tangan tulisan ini terima kasih beritanya bagus "
         "semoga jalan desa cepat diperbaiki warga gotong royong pak menteri jangan cuma janji").split()
SPICE = ("goblok", "slot gacor maxwin wa 0812", "https://contoh.example/promo")


class Timed:
    """A model wrapper that adds up the CPU time spent inside its batch calls."""

    def __init__(self, model: Any) -> None:
        self.model, self.cpu = model, 0.0
        self.version: str = model.version
        self.thresholds: Mapping[str, Mapping[str, float]] = model.thresholds

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def score_and_explain_many(self, texts: list[str], metadata: list[dict[str, Any]] | None = None,
                               top_k: int = 5) -> Any:
        """The wrapped call, timed."""
        started = time.process_time()
        try:
            return self.model.score_and_explain_many(texts, metadata, top_k=top_k)
        finally:
            self.cpu += time.process_time() - started


def texts(n: int, seed: int = 0) -> list[str]:
    """Comment-length texts, about 1 in 10 toxic, spam or with a link."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = rng.choices(WORDS, k=rng.randint(6, 30))
        if rng.random() < 0.1:
            words.insert(rng.randrange(len(words)), rng.choice(SPICE))
        out.append(" ".join(words).capitalize() + f". ({i})")
    return out


def build(tmp: Path) -> Any:
    """A migrated app on SQLite in `tmp` (Redis is configured but not used by this path)."""
    app = create_app({"env": "testing", "database_url": f"sqlite:///{tmp}/bench.sqlite",
                      "redis_url": "redis://127.0.0.1:6379/11", "secrets": TEST_SECRETS,
                      "rate_limit_enabled": False, "sites": {}, "namespace": "bench-worker-path",
                      "log_level": "WARNING", "webhook_allow_networks": ["127.0.0.0/8"]})
    upgrade(app.extensions["db_engine"])
    return app


def add_endpoint(app: Any) -> list[int]:
    """One endpoint for every decision event on the site; returns the list the sends are noted in."""
    with session_scope(app) as session:
        endpoints.create(session, get_settings(app), "demo", "http://127.0.0.1:9/hook",
                         ["comment.published", "comment.held", "comment.spam", "comment.rejected"])
    sent: list[int] = []
    dispatch.attach(get_sessionmaker(app), get_settings(app), lambda delivery_id, _: sent.append(delivery_id) is None)
    return sent


def run(model: Any, n: int, endpoint: bool, profile: str | None) -> dict[str, float]:
    """Decide n fresh comments in batches; CPU ms per comment: total, model, around."""
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        ids = [make_comment(app, text, email=f"r{i % 400}@example.org") for i, text in enumerate(texts(n))]
        sent = add_endpoint(app) if endpoint else []
        timed = Timed(model)
        model_cache.set_model(timed)
        sessions, settings = get_sessionmaker(app), get_settings(app)
        size = settings.score_batch_size
        batch.score_many(sessions, settings, ids[:size])  # warm-up: caches, statement compilation
        timed.cpu, rest = 0.0, ids[size:]
        profiler = cProfile.Profile() if profile else None
        started = time.process_time()
        if profiler:
            profiler.enable()
        for i in range(0, len(rest), size):
            batch.score_many(sessions, settings, rest[i:i + size])
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile or "")
        total = time.process_time() - started
        with session_scope(app) as session:
            undecided = session.query(Comment).filter(Comment.status == "pending").count()
            decided = session.query(Decision).count()
        model_cache.set_model(None)
        app.extensions["db_engine"].dispose()
    if undecided or decided != n or (endpoint and len(sent) != n):
        raise SystemExit(f"{undecided} comments left pending, {decided} decisions, {len(sent)} deliveries for {n}")
    count = len(rest)
    return {"total": total * 1000 / count, "model": timed.cpu * 1000 / count,
            "around": (total - timed.cpu) * 1000 / count, "n": count, "batch": size}


def run_celery(n: int) -> dict[str, float]:
    """A real worker drains n queued comments; its CPU ms per comment and the wall time."""
    from bench_web import tree_cpu

    from moderation.extensions import get_dispatcher
    from tests.helpers.procs import Worker, wait_for
    from tests.helpers.stack import Stack

    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp))
        try:
            ids = [make_comment(stack.app, text, email=f"r{i % 400}@example.org") for i, text in enumerate(texts(n))]
            worker = Worker(Path(tmp), stack.config_file, None, "tests.helpers.fake_worker_app").start()
            stack.workers.append(worker)
            assert worker.proc is not None
            os.killpg(worker.proc.pid, signal.SIGSTOP)  # fill the queue first: the worker meets a deep queue
            dispatcher = get_dispatcher(stack.app)
            sent = {dispatcher.send(cid) for cid in ids}
            cpu0, started = tree_cpu([worker.proc.pid]), time.monotonic()
            os.killpg(worker.proc.pid, signal.SIGCONT)
            wait_for(lambda: stack.redis.client().llen(stack.queue_key) == 0 and all(
                stack.status(cid) != "pending" for cid in ids[-50:]), 600, 0.2, what="the queue drained")
            wait_for(lambda: all(stack.status(cid) != "pending" for cid in ids), 120, 0.5, what="all decided")
            seconds, cpu = time.monotonic() - started, tree_cpu([worker.proc.pid]) - cpu0
            log = worker.log()
        finally:
            stack.close()
    if sent != {"sent"}:
        raise SystemExit(f"dispatch: {sent}")
    return {"cpu": cpu * 1000 / n, "seconds": seconds, "tasks": log.count("] succeeded")}


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="comments per model (default 2000)")
    parser.add_argument("--quick", action="store_true", help="200 comments, fake model only")
    parser.add_argument("--models", default="fake,shipped", help="fake, shipped or both (comma-separated)")
    parser.add_argument("--endpoint", action="store_true", help="the site has a webhook endpoint")
    parser.add_argument("--profile", help="write a cProfile of each model's run to PROFILE.<model>")
    parser.add_argument("--celery", action="store_true", help="a real Celery worker and Redis, fake model")
    args = parser.parse_args()
    if args.celery:
        load = os.getloadavg()[0]
        r = run_celery(args.n)
        print(f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}; {args.n} comments through a real worker: "
              f"{r['cpu']:.3f} ms worker CPU per comment (fake model), {r['tasks']:.0f} Celery tasks, "
              f"{args.n / r['seconds']:.0f} decided/s")
        return
    n, names = (200, ["fake"]) if args.quick else (args.n, args.models.split(","))
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; {n} comments; "
          f"webhook endpoint: {'yes' if args.endpoint else 'no'}")
    print(f"{'model':<8} {'total ms':>9} {'model ms':>9} {'around ms':>10}  (CPU per comment, batches)")
    for name in names:
        if name == "fake":
            model: Any = FakeModel()
        else:
            import classifiers

            model = classifiers.load_default()
        r = run(model, n, args.endpoint, f"{args.profile}.{name}" if args.profile else None)
        print(f"{name:<8} {r['total']:>9.3f} {r['model']:>9.3f} {r['around']:>10.3f}  "
              f"({r['n']:.0f} comments, batches of {r['batch']:.0f})")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
