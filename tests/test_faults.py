"""Faults with real Redis and real worker processes: killed workers, lost queues, poison messages.

The worker runs the real Celery app with the keyword model (tests/helpers/fake_worker_app.py): these
tests are about delivery and idempotence, not about the classifier. The hooks in
tests/helpers/testhooks.py count runs, hold a run on a file barrier, and make a marked comment
SIGKILL its own process.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from moderation import queue
from moderation.db import session_scope
from moderation.extensions import get_celery, get_sessionmaker, get_settings
from moderation.models import OutboxMessage, utcnow
from moderation.services import outbox
from tests.helpers.procs import REPO, wait_for
from tests.helpers.stack import Stack
from tests.helpers.testhooks import POISON_MARKER

pytestmark = pytest.mark.slow
FAKE_APP = "tests.helpers.fake_worker_app"


@pytest.fixture
def stack(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """A stack; tests change settings with `@pytest.mark.parametrize("stack", [{...}], indirect=True)`."""
    built = Stack(tmp_path, **getattr(request, "param", {}))
    yield built
    built.close()


def block(stack: Stack) -> None:
    (stack.hooks / "block").touch()


def release(stack: Stack) -> None:
    (stack.hooks / "block").unlink(missing_ok=True)


def submit(stack: Stack, body: str = "Artikel yang bagus, terima kasih.", **kw: str) -> int:
    response = stack.post(body, **kw)
    assert response.status_code == 202, response.get_data(as_text=True)
    return response.get_json()["id"]


def first_run_pid(stack: Stack, comment_id: int) -> int:
    runs = wait_for(lambda: [pid for cid, pid in stack.runs() if cid == comment_id], 30,
                    what=f"a scoring run of comment {comment_id}")
    return runs[0]


def sweep(stack: Stack, shift: float = 0) -> outbox.SweepResult:
    """One outbox sweep, as beat would trigger it; `shift` moves the clock forward."""
    celery_app = get_celery(stack.app)
    return outbox.sweep(get_sessionmaker(stack.app), get_settings(stack.app), lambda ids: queue.publish(celery_app, ids),
                        now=utcnow() + timedelta(seconds=shift))


def test_c2_sigkill_pool_child_mid_task_decides_once(stack: Stack) -> None:
    """The pool child dies mid-scoring; the message is redelivered and decided exactly once."""
    stack.worker(FAKE_APP)
    block(stack)
    comment_id = submit(stack)
    child = first_run_pid(stack, comment_id)
    os.kill(child, signal.SIGKILL)
    release(stack)
    assert stack.wait_decided(comment_id, 30) == "published"
    runs = [pid for cid, pid in stack.runs() if cid == comment_id]
    assert len(runs) == 2 and runs[0] != runs[1]  # ran again, in the respawned child
    assert stack.counts(comment_id) == (1, 1)


@pytest.mark.parametrize("stack", [dict(visibility_timeout=8, task_time_limit=6)], indirect=True)
def test_c3_sigkill_whole_worker_recovers_after_visibility_timeout(stack: Stack) -> None:
    """Main process and child killed together; a new worker decides it once, within ~30 s."""
    first = stack.worker(FAKE_APP)
    block(stack)
    comment_id = submit(stack)
    first_run_pid(stack, comment_id)
    first.kill()
    release(stack)
    started = time.monotonic()
    stack.worker(FAKE_APP)
    assert stack.wait_decided(comment_id, 30) == "published"
    assert time.monotonic() - started < 30
    assert len([c for c, _ in stack.runs() if c == comment_id]) == 2
    assert stack.counts(comment_id) == (1, 1)


def test_c5_redis_down_at_submit_then_back_empty(stack: Stack) -> None:
    """POSTs answer 202 with Redis down; after Redis returns (empty) the sweeper gets all scored."""
    stack.worker(FAKE_APP)
    stack.redis.kill()
    started = time.monotonic()
    ids = [submit(stack, f"Komentar nomor {n} saat Redis mati.", email=f"r{n}@example.org") for n in range(10)]
    assert time.monotonic() - started < 10, "an unreachable broker must not stall the request"
    assert {stack.status(i) for i in ids} == {"pending"}
    with session_scope(stack.app) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.comment_id.in_(ids))).all()
        assert len(rows) == 10 and {r.published_at for r in rows} == {None}
    stack.redis.start()  # persistence off: it comes back empty
    assert sweep(stack, shift=10).published == 10
    for comment_id in ids:
        assert stack.wait_decided(comment_id, 40) == "published"
        assert stack.counts(comment_id) == (1, 1)


@pytest.mark.parametrize("stack", [dict(pending_requeue_seconds=1)], indirect=True)
def test_c5_queue_lost_with_redis_data_is_requeued(stack: Stack) -> None:
    """A queued message lost with Redis's data is re-published from the pending row."""
    comment_id = submit(stack)  # published to Redis, but no worker yet
    assert stack.redis.client().llen(stack.queue_key) == 1
    stack.redis.kill()
    stack.redis.start()
    assert stack.redis.client().llen(stack.queue_key) == 0
    time.sleep(1.2)
    assert sweep(stack).requeued == 1
    stack.worker(FAKE_APP)
    assert stack.wait_decided(comment_id, 30) == "published"
    assert stack.counts(comment_id) == (1, 1)


def test_c5c_web_process_dies_between_commit_and_publish(stack: Stack) -> None:
    """The web process is killed (os._exit) after its commit, before the broker send; the
    comment stays pending, the sweeper re-sends it after pending_requeue_seconds, and a real
    worker decides it once."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env["MODERATION_CONFIG"] = str(stack.config_file)
    crashed = subprocess.run([sys.executable, "-m", "tests.helpers.crash_submit"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=60)
    assert crashed.returncode == 1, crashed.stderr
    comment_id = int(crashed.stdout.split()[-1])
    assert stack.status(comment_id) == "pending"
    with session_scope(stack.app) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.comment_id == comment_id)).all()
        assert [r.attempts for r in rows] == [1]  # committed with the comment as the request's own send
    assert stack.redis.client().llen(stack.queue_key) == 0
    stack.worker(FAKE_APP)
    requeue_after = get_settings(stack.app).pending_requeue_seconds
    assert sweep(stack, shift=requeue_after / 2) == outbox.SweepResult()  # not yet: it may still be queued
    assert sweep(stack, shift=requeue_after + 1).requeued == 1
    assert stack.wait_decided(comment_id, 30) == "published"
    assert stack.counts(comment_id) == (1, 1)
    assert sweep(stack, shift=3600) == outbox.SweepResult()  # decided: nothing left to send


@pytest.mark.parametrize("stack", [dict(max_score_attempts=3)], indirect=True)
def test_c4_poison_message_is_bounded_and_does_not_block_others(stack: Stack) -> None:
    """A comment whose scoring kills the process is tried at most N+1 times, then held."""
    stack.worker(FAKE_APP)
    poison = submit(stack, f"Komentar beracun {POISON_MARKER}", email="poison@example.org")
    normal = submit(stack, "Komentar biasa yang sopan.", email="normal@example.org")
    assert stack.wait_decided(poison, 60) == "held"
    decision = stack.decision(poison)
    assert decision is not None and decision.reasons == ["classifier_unavailable"]
    # Runs that reached the model: exactly N; the N+1th saw the counter and held it unscored.
    assert len([c for c, _ in stack.runs() if c == poison]) == 3
    assert stack.wait_decided(normal, 30) == "published"
    assert stack.counts(poison) == (1, 1) and stack.counts(normal) == (1, 1)


def test_c6_sigterm_mid_task_requeues_for_the_next_worker(stack: Stack) -> None:
    """SIGTERM (deploy, restart) while scoring: soft shutdown re-queues it; a new worker decides it once."""
    first = stack.worker(FAKE_APP)
    block(stack)
    comment_id = submit(stack)
    first_run_pid(stack, comment_id)
    assert first.proc is not None
    os.killpg(first.proc.pid, signal.SIGTERM)
    first.proc.wait(timeout=30)  # soft shutdown gives the task 10 s, then cancels and re-queues it
    release(stack)
    started = time.monotonic()
    stack.worker(FAKE_APP)
    assert stack.wait_decided(comment_id, 20) == "published"
    assert time.monotonic() - started < 20  # no wait for the visibility timeout (90 s here)
    assert stack.counts(comment_id) == (1, 1)
