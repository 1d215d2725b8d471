"""Real processes for end-to-end and fault tests: a private redis-server and Celery workers.

Each process runs in its own session (process group) so a test can SIGKILL all of it, and
teardown kills whatever is left.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import tomli_w
from redis import Redis
from redis.exceptions import RedisError

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Any, timeout: float, interval: float = 0.1, what: str = "condition") -> Any:
    """Poll until `predicate()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def _kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


class RedisServer:
    """A private redis-server without persistence, so a restart starts empty (data-loss faults)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.monitor: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> Redis:
        return Redis.from_url(self.url, socket_connect_timeout=1)

    def start(self) -> RedisServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.proc = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.workdir),
             "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction",
             "--logfile", str(self.workdir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_for(self.answers, 10, what=f"redis on port {self.port}")
        return self

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL the server: what a crash or an OOM kill looks like."""
        self.stop_monitor()
        if self.proc is not None:
            _kill_group(self.proc)
            self.proc = None

    def start_monitor(self, path: Path) -> None:
        """Record every command the server receives (the leak scan greps this)."""
        with path.open("wb") as out:  # the child keeps its own copy of the descriptor
            self.monitor = subprocess.Popen(
                ["redis-cli", "-p", str(self.port), "MONITOR"], stdout=out,
                stderr=subprocess.DEVNULL, start_new_session=True,
            )
        wait_for(lambda: path.stat().st_size > 0, 5, what="redis MONITOR")

    def stop_monitor(self) -> None:
        if self.monitor is not None:
            _kill_group(self.monitor, signal.SIGTERM)
            self.monitor = None


def write_config(path: Path, config: dict[str, Any]) -> Path:
    """Write settings as TOML for child processes (MODERATION_CONFIG)."""
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    return path


class Worker:
    """`celery -A workers.celery_app worker -Q scoring -P prefork -c 1` (or other queues) as a real subprocess."""

    counter = 0

    def __init__(
        self, workdir: Path, config_file: Path, hooks_dir: Path | None = None, app_module: str = "workers.celery_app",
        queues: str = "scoring", pool: str = "prefork",
    ) -> None:
        self.app_module = app_module
        self.queues, self.pool = queues, pool
        Worker.counter += 1
        self.name = f"w{Worker.counter}-{os.getpid()}@localhost"
        self.workdir = workdir
        self.log_path = workdir / f"worker{Worker.counter}.log"
        self.config_file = config_file
        self.hooks_dir = hooks_dir
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        env["MODERATION_CONFIG"] = str(self.config_file)
        env["PYTHONUNBUFFERED"] = "1"
        if self.hooks_dir is not None:
            env["TEST_HOOKS_DIR"] = str(self.hooks_dir)
        return env

    def start(self, wait: bool = True) -> Worker:
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", self.app_module, "worker", "-Q", self.queues,
                 "-P", self.pool, "-c", "1" if self.pool == "prefork" else "4", "-n", self.name, "--loglevel", "INFO",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=REPO, env=self.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        if wait:
            wait_for(self.ready, 60, 0.2, what=f"worker ready (see {self.log_path})")
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def ready(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(f"worker exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
        return " ready." in self.log()

    def kill(self) -> None:
        """SIGKILL the whole worker: main process and pool children."""
        if self.proc is not None:
            _kill_group(self.proc)
            self.proc = None

    def stop(self) -> None:
        """SIGTERM (warm shutdown), then SIGKILL whatever is left."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
            self.kill()
