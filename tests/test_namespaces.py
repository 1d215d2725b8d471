"""Two deployments on one Redis: each decides only its own comments and counts only its own readers."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from moderation import instances
from moderation.settings import Settings
from tests.helpers.procs import RedisServer
from tests.helpers.stack import Stack

pytestmark = pytest.mark.slow
FAKE_APP = "tests.helpers.fake_worker_app"


@pytest.fixture
def shared_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.kill()


def test_two_instances_share_one_redis_without_sharing_work(tmp_path: Path, shared_redis: RedisServer) -> None:
    limits = {"rate_limit_enabled": True, "rate_limit_comments": "2 per minute"}
    one = Stack(tmp_path / "one", redis=shared_redis, **limits)
    two = Stack(tmp_path / "two", redis=shared_redis, **limits)
    try:
        assert one.queue_key != two.queue_key
        one.worker(FAKE_APP)
        two.worker(FAKE_APP)
        mine = [one.post(f"Komentar satu nomor {n}.").get_json()["id"] for n in range(2)]
        theirs = [two.post(f"Komentar dua nomor {n}.").get_json()["id"] for n in range(2)]
        for comment_id in mine:
            assert one.wait_decided(comment_id) == "published"
        for comment_id in theirs:
            assert two.wait_decided(comment_id) == "published"
        # Each worker received only its own deployment's tasks (the ids overlap: both start at 1).
        for stack, ids in ((one, mine), (two, theirs)):
            log = stack.workers[0].log_path.read_text()
            assert log.count("score_comment[") and log.count("] received") == len(ids), log[-2000:]
            assert sorted(cid for cid, _ in stack.runs()) == sorted(ids)
        # Rate limits count per deployment: "one" is at its limit, "two" is not affected by it.
        assert one.post("Komentar satu yang ketiga.").status_code == 429
        assert two.post("Komentar dua yang ketiga.").status_code == 429  # its own two posts
        prefixes = {key.decode().split(":", 1)[0] for key in shared_redis.client().scan_iter(count=1000)}
        assert {one.app.extensions["settings"].redis_namespace, two.app.extensions["settings"].redis_namespace} <= prefixes
    finally:
        one.close()
        two.close()


def test_an_instance_without_a_namespace_is_reported(shared_redis: RedisServer) -> None:
    redis: Redis = shared_redis.client()
    assert instances.warn_if_shared(redis, "m-ours") is None
    redis.lpush("scoring", b"{}")  # what an older, namespace-less instance leaves behind
    message = instances.warn_if_shared(redis, "m-ours")
    assert message is not None and "scoring" in message and "m-ours:" in message


@pytest.mark.parametrize(
    ("one", "two", "same"),
    [
        ("sqlite:///a/moderation.sqlite", "sqlite:///a/moderation.sqlite", True),
        ("sqlite:///a/moderation.sqlite", "sqlite:///b/moderation.sqlite", False),
        ("postgresql+psycopg://db/news", "postgresql+psycopg://db/news", True),
        ("postgresql+psycopg://db/news", "postgresql+psycopg://db/blog", False),
    ],
)
def test_the_default_namespace_follows_the_database(one: str, two: str, same: bool) -> None:
    assert (Settings(database_url=one).redis_namespace == Settings(database_url=two).redis_namespace) is same
    assert Settings(database_url=one, namespace="news").redis_namespace == "news"
