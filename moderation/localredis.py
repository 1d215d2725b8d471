"""A Redis for one machine: use the one at REDIS_URL, or start a private redis-server."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from redis import Redis
from redis.exceptions import RedisError


def answers(url: str) -> bool:
    """True when a Redis server replies to PING at `url`."""
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except RedisError:
        return False


def ensure(url: str, workdir: Path) -> subprocess.Popen[bytes] | None:
    """Return None if Redis already answers, else start one and return its process (or exit with help)."""
    if answers(url):
        return None
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit(
            f"No Redis answers at {url} and redis-server is not installed.\n"
            "Install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL."
        )
    parsed = urlparse(url)
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [binary, "--bind", parsed.hostname or "127.0.0.1", "--port", str(parsed.port or 6379),
         "--dir", str(workdir), "--appendonly", "yes", "--appendfsync", "everysec",
         "--maxmemory-policy", "noeviction", "--daemonize", "no", "--logfile", str(workdir / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    for _ in range(50):
        if answers(url):
            print(f"started a private redis-server at {url} (pid {proc.pid}, data in {workdir})")
            return proc
        time.sleep(0.1)
    sys.exit(f"redis-server did not start; see {workdir / 'redis.log'}")



def stop(proc: subprocess.Popen[bytes] | None) -> None:
    """Stop a private redis-server started by ensure() (SIGTERM saves the append-only file)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
