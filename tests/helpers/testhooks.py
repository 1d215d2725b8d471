"""Fault hooks for the worker fault tests, installed only by the test worker apps in this folder.

The fault tests need a scoring run they can catch mid-flight: these hooks count runs, block a run
on a file barrier, and make a marked comment kill its process. They wrap `workers.scoring.classify`
in the test worker process; production code knows nothing of them.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from workers import scoring

ENV = "MODERATION_TEST_HOOKS_DIR"
POISON_MARKER = "__test_poison__"


def on_run(hooks: Path, comment_id: int, body: str) -> None:
    """Record this run; block while `<dir>/block` exists; die by SIGKILL on a poisoned body."""
    with open(hooks / "runs.log", "a", encoding="utf-8") as handle:
        handle.write(f"{comment_id} {os.getpid()}\n")
    if POISON_MARKER in body:
        os.kill(os.getpid(), signal.SIGKILL)
    deadline = time.monotonic() + 120
    while (hooks / "block").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def install() -> None:
    """Wrap the worker's classify step with the hooks when MODERATION_TEST_HOOKS_DIR is set."""
    value = os.environ.get(ENV)
    if not value:
        return
    hooks = Path(value)
    real = scoring.classify

    def hooked(comment: Any, *args: Any) -> Any:
        on_run(hooks, comment.id, comment.body)
        return real(comment, *args)

    scoring.classify = hooked
