"""The service's processes (web, worker, beat) as command lines, and a small supervisor for `serve`.

`moderation web|worker|beat` exec one of these; `moderation serve` runs all three as children,
each in its own process group, and stops them together.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from moderation import queue
from moderation.settings import Settings

# Sync workers by default: on an idle 2-core machine they accepted 1.4-1.7x as many comments per
# second as gthread with 4 threads, at a p99 of 13-57 ms against 270-1,120 ms (bench/WEB.md, 2026-12-07).
WEB_THREADS = 1


def web_argv(settings: Settings, workers: int, threads: int = WEB_THREADS) -> list[str]:
    """gunicorn serving the app factory; no access log because it would record client IPs.

    `threads=1` (the default) gives sync workers, meant to sit behind a buffering reverse proxy;
    more threads give gthread workers that keep connections alive 5 s. Measured in bench/WEB.md.
    """
    worker_class = ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "5"] if threads > 1 else [
        "--worker-class", "sync"]
    return [
        sys.executable, "-m", "gunicorn", "--bind", f"{settings.host}:{settings.port}",
        "--workers", str(workers), *worker_class, "--graceful-timeout", "10", "--log-level", settings.log_level.lower(),
        "--no-control-socket",  # several services on one machine would fight over ~/.gunicorn
        "moderation.wsgi:app",
    ]


DEFAULT_QUEUES = (queue.SCORING_QUEUE, queue.MAINTENANCE_QUEUE)


def worker_argv(settings: Settings, concurrency: int, queues: tuple[str, ...] = DEFAULT_QUEUES,
                pool: str = "prefork", name: str | None = None) -> list[str]:
    """A Celery worker for the given queues (scoring and maintenance by default); prefork unless told."""
    return [
        sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "-Q", ",".join(queues),
        "-P", pool, "-c", str(concurrency), "--loglevel", settings.log_level,
        "--without-gossip", "--without-mingle", *(["-n", name] if name else []),
    ]


def beat_argv(settings: Settings, instance: Path) -> list[str]:
    """Celery beat, which schedules the outbox sweep and the retention purge; state under instance/."""
    return [
        sys.executable, "-m", "celery", "-A", "workers.celery_app", "beat", "--loglevel", settings.log_level,
        "--schedule", str(instance / "celerybeat-schedule"),
    ]


def wait_http(url: str, timeout: float, alive: Supervisor | None = None) -> bool:
    """True once `url` answers (any HTTP status); False on timeout or when a child died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and alive.exited():
            return False
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


@dataclass
class Supervisor:
    """Children in their own process groups: Ctrl-C reaches only us, and we stop them in order."""

    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    stopping: bool = False

    def start(self, name: str, argv: list[str]) -> None:
        """Start one child."""
        self.children[name] = subprocess.Popen(argv, env=self.env, start_new_session=True)

    def exited(self) -> str | None:
        """The name of a child that has exited, if any."""
        for name, proc in self.children.items():
            if proc.poll() is not None:
                return name
        return None

    def install_signal_handlers(self) -> None:
        """SIGINT and SIGTERM ask the main loop to stop."""

        def _request_stop(_signum: int, _frame: object) -> None:
            self.stopping = True

        signal.signal(signal.SIGINT, _request_stop)
        signal.signal(signal.SIGTERM, _request_stop)

    def wait(self) -> str | None:
        """Block until asked to stop or a child exits; returns that child's name."""
        while not self.stopping:
            name = self.exited()
            if name:
                return name
            time.sleep(0.3)
        return None

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM every child's group (warm shutdown re-queues running tasks), SIGKILL stragglers."""
        stop_groups(list(reversed(list(self.children.values()))), timeout)


def stop_groups(procs: list[subprocess.Popen[bytes]], timeout: float = 20.0) -> None:
    """SIGTERM each process group in the order given, wait up to `timeout`, then SIGKILL stragglers."""
    for proc in procs:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
