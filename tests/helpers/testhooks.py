"""Fault hooks for the worker fault tests, installed only by the test worker apps in this folder.

The fault tests need a scoring run they can catch mid-flight: these hooks count runs, block a run
on a file barrier, and make a marked comment kill its process. They wrap `workers.scoring.classify`
(and the batch path's `_classify_many`) in the test worker process; production code knows nothing
of them.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from workers import batch, scoring

ENV = "TEST_HOOKS_DIR"
POISON_MARKER = "__test_poison__"


def on_run(hooks: Path, comment_id: int, body: str) -> None:
    """Record this run; block while `<dir>/block` exists; die by SIGKILL on a poisoned body."""
    on_batch(hooks, [(comment_id, body)])


def on_batch(hooks: Path, runs: list[tuple[int, str]]) -> None:
    """Record every run of a batch, then block or die once for the whole batch."""
    with open(hooks / "runs.log", "a", encoding="utf-8") as handle:
        handle.writelines(f"{comment_id} {os.getpid()}\n" for comment_id, _ in runs)
    if any(POISON_MARKER in body for _, body in runs):
        os.kill(os.getpid(), signal.SIGKILL)
    deadline = time.monotonic() + 120
    while (hooks / "block").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def install() -> None:
    """Wrap the worker's classify step with the hooks when TEST_HOOKS_DIR is set."""
    value = os.environ.get(ENV)
    if not value:
        return
    hooks = Path(value)
    real, real_many = scoring.classify, batch._classify_many

    def hooked(comment: Any, *args: Any) -> Any:
        on_run(hooks, comment.id, comment.body)
        return real(comment, *args)

    def hooked_many(model: Any, comments: list[Any], *args: Any) -> Any:
        on_batch(hooks, [(comment.id, comment.body) for comment in comments])
        return real_many(model, comments, *args)

    scoring.classify = hooked
    batch._classify_many = hooked_many
