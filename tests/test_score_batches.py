"""Batches of waiting comments: N ids, N decisions, one each; a SIGKILL mid-batch loses and repeats nothing."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

from moderation.db import session_scope
from moderation.extensions import get_dispatcher, get_sessionmaker, get_settings
from moderation.models import Comment
from tests.conftest import database_urls
from tests.helpers.factories import make_comment
from tests.helpers.fakes import FakeModel
from tests.helpers.procs import wait_for
from tests.helpers.stack import Stack
from workers import batch
from workers import model as model_cache


@pytest.fixture
def fake_model() -> Iterator[FakeModel]:
    fake = FakeModel()
    model_cache.set_model(fake)
    yield fake
    model_cache.set_model(None)


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_a_batch_of_n_decides_n_once_each(app: Flask, fake_model: FakeModel) -> None:
    ids = [make_comment(app, f"Komentar ke-{n}" + (" goblok" if n % 3 == 0 else ""), email=f"b{n}@example.org")
           for n in range(12)]
    results = batch.score_many(get_sessionmaker(app), get_settings(app), ids)
    assert fake_model.batches == [12]  # one model call
    assert {results[cid] for cid in ids[1::3]} == {"published"} and {results[cid] for cid in ids[::3]} == {"held"}
    again = batch.score_many(get_sessionmaker(app), get_settings(app), ids)
    assert set(again.values()) == {"single"}  # decided already: the single path skips them
    with session_scope(app) as session:
        for cid in ids:
            comment = session.get(Comment, cid)
            assert comment.status in ("published", "held") and comment.score_attempts == 1


def test_comments_tried_before_are_scored_alone(app: Flask, fake_model: FakeModel) -> None:
    fresh = make_comment(app, "baru", email="f@example.org")
    retried = make_comment(app, "pernah gagal", email="r@example.org", score_attempts=1)
    results = batch.score_many(get_sessionmaker(app), get_settings(app), [fresh, retried])
    assert results == {fresh: "published", retried: "single"}  # attempts untouched for the single path
    assert fake_model.batches == [1]


def test_a_failing_model_sends_the_batch_back_one_by_one(app: Flask, fake_model: FakeModel) -> None:
    ids = [make_comment(app, f"teks {n}", email=f"x{n}@example.org") for n in range(3)]
    fake_model.fail_with = [RuntimeError("model broke")]
    assert set(batch.score_many(get_sessionmaker(app), get_settings(app), ids).values()) == {"single"}
    with session_scope(app) as session:
        assert {session.get(Comment, cid).status for cid in ids} == {"pending"}


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    built = Stack(tmp_path, visibility_timeout=25, task_time_limit=20, pending_requeue_seconds=3600)
    yield built
    built.close()


def _queue_comments(stack: Stack, count: int) -> list[int]:
    ids = [make_comment(stack.app, f"Komentar antrean {n}.", email=f"q{n}@example.org") for n in range(count)]
    dispatcher = get_dispatcher(stack.app)
    assert {dispatcher.send(cid) for cid in ids} == {"sent"}
    return ids


@pytest.mark.slow
def test_a_deep_queue_is_scored_in_batches_by_a_real_worker(stack: Stack) -> None:
    ids = _queue_comments(stack, 40)  # queued before any worker runs: a deep queue
    stack.worker("tests.helpers.fake_worker_app")
    for cid in ids:
        assert stack.wait_decided(cid, 60) == "published"
        assert stack.counts(cid) == (1, 1)
    log = stack.workers[0].log_path.read_text()
    executed = log.count("] succeeded")
    assert executed < 20  # most messages were taken into batches, not run one by one
    assert sorted(cid for cid, _ in stack.runs()) == sorted(ids)  # each comment reached the model once


@pytest.mark.slow
def test_sigkill_mid_batch_decides_every_comment_exactly_once(stack: Stack) -> None:
    (stack.hooks / "block").touch()
    ids = _queue_comments(stack, 20)
    first = stack.worker("tests.helpers.fake_worker_app")
    wait_for(lambda: len(stack.runs()) > 1, 60, what="a batch reaching the model")
    batch_size = len(stack.runs())
    first.kill()  # the whole worker, mid-batch: nothing of the batch was committed
    (stack.hooks / "block").unlink()
    with session_scope(stack.app) as session:
        assert session.execute(update(Comment).where(Comment.id.in_(ids), Comment.status != "pending")
                               .values(status=Comment.status)).rowcount == 0  # nothing decided yet
    started = time.monotonic()
    stack.worker("tests.helpers.fake_worker_app")
    for cid in ids:  # redelivered after the visibility timeout (25 s here)
        assert stack.wait_decided(cid, 90) == "published"
        assert stack.counts(cid) == (1, 1), cid
    assert batch_size > 1 and time.monotonic() - started < 90
