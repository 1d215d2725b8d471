"""A real worker process switches to a newly activated version (and back on rollback) without a restart."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from moderation.db import session_scope
from moderation.registry import store
from moderation.services import sites
from tests.helpers.procs import wait_for
from tests.helpers.stack import Stack
from tests.learning.tinydata import artifact

pytestmark = pytest.mark.slow


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    built = Stack(tmp_path, learning={"model_check_seconds": 1.0})
    yield built
    built.close()


def decided_with(stack: Stack, body: str) -> str:
    response = stack.post(body)
    assert response.status_code == 202, response.get_data(as_text=True)
    comment_id = response.get_json()["id"]
    stack.wait_decided(comment_id, timeout=60)
    decision = stack.decision(comment_id)
    assert decision is not None
    return decision.model_version


def test_worker_switches_versions_without_restart(stack: Stack) -> None:
    with session_scope(stack.app) as session:
        sites.sync_sites(session, stack.app.extensions["settings"])
        for name, seed in (("tiny-v1", 0), ("tiny-v2", 1)):
            store.store(session, version=name, artifact=artifact(name, seed), site_id="demo",
                        thresholds={}, labels_through=0)
        store.activate(session, "tiny-v1", "demo", "test")
    worker = stack.worker()
    pid = worker.proc.pid
    assert decided_with(stack, "Artikel yang bagus, terima kasih.") == "tiny-v1"
    with session_scope(stack.app) as session:
        store.activate(session, "tiny-v2", "demo", "test")
    activated = time.monotonic()
    seen: list[str] = []

    def switched() -> bool:
        seen.append(decided_with(stack, f"Komentar nomor {len(seen)} tentang jalan"))
        return seen[-1] == "tiny-v2"

    wait_for(switched, timeout=60, interval=0.2, what="a decision made with tiny-v2")
    assert time.monotonic() - activated < 60
    assert set(seen) <= {"tiny-v1", "tiny-v2"}
    with session_scope(stack.app) as session:
        store.rollback(session, "demo", "test")
    wait_for(lambda: decided_with(stack, f"Komentar lagi {time.monotonic()}") == "tiny-v1", timeout=60, interval=0.2,
             what="a decision made with tiny-v1 after the rollback")
    with session_scope(stack.app) as session:
        store.rollback(session, "demo", "test")  # back to no own model: the shipped one
    shipped = wait_for(lambda: (v := decided_with(stack, f"Satu lagi {time.monotonic()}")) not in ("tiny-v1", "tiny-v2") and v,
                       timeout=60, interval=0.2, what="a decision made with the shipped model")
    assert shipped.startswith("cls-")
    assert worker.proc.poll() is None and worker.proc.pid == pid  # the same process all along
