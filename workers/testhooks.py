"""TEST-ONLY fault hooks for the worker fault tests; inert unless MODERATION_TEST_HOOKS_DIR is set.

The fault tests (tests/test_faults.py) need a scoring run they can catch mid-flight: this module
lets them count runs, block a run on a file barrier, and make a marked comment kill its process.
Production never sets the variable, so every function returns at once.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ENV = "MODERATION_TEST_HOOKS_DIR"
POISON_MARKER = "__test_poison__"


def _dir() -> Path | None:
    value = os.environ.get(ENV)
    return Path(value) if value else None


def on_run(comment_id: int, body: str) -> None:
    """Record this run; block while `<dir>/block` exists; die by SIGKILL on a poisoned body."""
    hooks = _dir()
    if hooks is None:
        return
    with open(hooks / "runs.log", "a", encoding="utf-8") as handle:
        handle.write(f"{comment_id} {os.getpid()}\n")
    if POISON_MARKER in body:
        os.kill(os.getpid(), signal.SIGKILL)
    deadline = time.monotonic() + 120
    while (hooks / "block").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
