"""`moderation serve --demo` (what `make run` calls) in an empty directory, as a new user runs it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.procs import free_port, wait_for

pytestmark = pytest.mark.slow


def http(url: str, data: dict | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict | str]:
    request = urllib.request.Request(url, data=json.dumps(data).encode() if data is not None else None,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
        is_json = response.headers.get_content_type() == "application/json"
        return response.status, json.loads(body) if is_json else body


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_serve_demo_runs_everything_and_stops_cleanly(tmp_path: Path) -> None:
    port, redis_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    # No Redis answers on redis_port: serve must start a private redis-server under instance/.
    env |= {"PORT": str(port), "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "moderation"), "serve", "--demo"], cwd=tmp_path, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: "Press Ctrl-C to stop." in log.read_text(errors="replace"), 90, 0.3, what="serve to start")
        text = log.read_text(errors="replace")
        assert f"demo page: {base}/demo/artikel-1" in text and f"{base}/api/v1/openapi.json" in text
        assert "started a private redis-server" in text
        assert (tmp_path / "instance" / "secrets.toml").exists()  # development keys created
        assert http(base + "/demo/artikel-1")[0] == 200
        assert http(base + "/api/v1/openapi.json")[0] == 200

        thread = base + "/demo/artikel-1"
        origin = {"Origin": base}
        _, token = http(f"{base}/api/v1/form-token?thread={thread}", headers=origin)
        time.sleep(3.1)  # the form token is valid from 3 s (bot defence)
        status, created = http(base + "/api/v1/comments", {
            "thread": thread, "name": "Budi", "email": "budi@example.org",
            "body": "Terima kasih, artikelnya jelas.", "form_token": token["form_token"],  # type: ignore[index]
        }, origin)
        assert status == 202
        own = {"X-Edit-Token": created["edit_token"], **origin}  # type: ignore[index]

        def decided() -> str | None:
            state = http(f"{base}/api/v1/comments/{created['id']}", headers=own)[1]  # type: ignore[index]
            return state["status"] if state["status"] != "pending" else None  # type: ignore[index]

        assert wait_for(decided, 60, 0.3, what="the worker to decide the comment") in ("published", "held")
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            code = proc.wait(timeout=40)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    text = log.read_text(errors="replace")
    assert code == 0, text[-3000:]
    assert "stopped." in text
    assert not port_open(port) and not port_open(redis_port)
