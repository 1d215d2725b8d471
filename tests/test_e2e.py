"""End to end with the real model: public API -> SQL + outbox -> Redis -> real Celery worker -> decision.

One private Redis (recorded with MONITOR), one SQLite file and one real worker process for the
whole module, because loading the trained model is the slow part. The last test scans everything
the run produced for the plaintext emails.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.stack import SITE_ORIGIN, THREAD, Stack

pytestmark = pytest.mark.slow

EMAILS: list[str] = []
RESPONSES: list[str] = []
LOG = io.StringIO()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    handler = logging.StreamHandler(LOG)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    built = Stack(tmp_path_factory.mktemp("e2e"))
    built.redis.start_monitor(built.workdir / "redis-monitor.log")
    built.worker()
    yield built
    root.removeHandler(handler)
    built.close()


def submit(stack: Stack, body: str, **extra: Any) -> int:
    email = f"pembaca{len(EMAILS) + 1}.rahasia@example.org"
    EMAILS.append(email)
    response = stack.post(body, email=email, name=f"Pembaca {len(EMAILS)}", **extra)
    RESPONSES.append(response.get_data(as_text=True))
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.get_json()["status"] == "pending"
    return response.get_json()["id"]


def public_get(stack: Stack, path: str, **query: Any) -> Any:
    response = stack.app.test_client().get(path, query_string=query, headers={"Origin": SITE_ORIGIN})
    RESPONSES.append(response.get_data(as_text=True))
    return response


def test_polite_indonesian_comment_is_published(stack: Stack) -> None:
    comment_id = submit(stack, "Terima kasih atas liputannya, semoga pembangunan jalan di desa kami cepat selesai.")
    # The first comment also pays for loading the model in the worker's pool process.
    assert stack.wait_decided(comment_id, 60) == "published"
    decision = stack.decision(comment_id)
    assert decision is not None and decision.reasons == []
    assert decision.language == "id" and decision.model_version
    assert set(decision.scores) >= {"toxicity", "identity_hate", "spam", "gambling_promo"}


def test_indonesian_insult_is_held_as_toxic(stack: Stack) -> None:
    comment_id = submit(stack, "dasar anjing goblok, otak udang lu")
    assert stack.wait_decided(comment_id, 15) == "held"
    decision = stack.decision(comment_id)
    assert decision is not None and "toxic" in decision.reasons
    assert decision.explanation.get("toxicity"), "moderators see which n-grams pushed the score"


def test_judol_promotion_goes_to_spam(stack: Stack) -> None:
    comment_id = submit(stack, "Slot gacor maxwin hari ini! Daftar di https://gacor88.example WA 0812-3456-7890")
    assert stack.wait_decided(comment_id, 15) == "spam"
    decision = stack.decision(comment_id)
    assert decision is not None and {"gambling_promo", "spam"} & set(decision.reasons)


def test_polite_comment_with_three_links_is_held(stack: Stack) -> None:
    comment_id = submit(
        stack,
        "Menurut saya artikel ini bagus. Saya membandingkan dengan laporan di https://www.kompas.com/a, "
        "https://www.tempo.co/b dan https://www.bbc.com/indonesia/c yang isinya mirip.",
    )
    assert stack.wait_decided(comment_id, 15) == "held"
    decision = stack.decision(comment_id)
    assert decision is not None and "too_many_links" in decision.reasons


def test_reply_nests_under_its_parent(stack: Stack) -> None:
    parent = submit(stack, "Pemerintah daerah sebaiknya menambah jadwal bus sekolah di pagi hari.")
    assert stack.wait_decided(parent, 15) == "published"
    reply = submit(stack, "Setuju, semoga usulan ini didengar oleh dinas perhubungan.", parent=parent)
    assert stack.wait_decided(reply, 15) == "published"
    listing = public_get(stack, "/api/v1/comments", thread=THREAD)
    assert listing.status_code == 200
    roots = {node["id"]: node for node in listing.get_json()["comments"]}
    assert parent in roots and reply not in roots
    assert [child["id"] for child in roots[parent]["replies"]] == [reply]
    public_get(stack, f"/api/v1/comments/{parent}")


def _redis_dump(stack: Stack) -> bytes:
    """Every key and value in Redis, kombu queues and unacked hashes included."""
    client = stack.redis.client()
    out = io.BytesIO()
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        out.write(key + b"\n")
        if kind == b"string":
            out.write(client.get(key) or b"")
        elif kind == b"list":
            out.write(b"\n".join(client.lrange(key, 0, -1)))
        elif kind == b"hash":
            out.write(b"\n".join(k + b"=" + v for k, v in client.hgetall(key).items()))
        elif kind == b"set":
            out.write(b"\n".join(client.smembers(key)))
        elif kind == b"zset":
            out.write(b"\n".join(m for m, _ in client.zrange(key, 0, -1, withscores=True)))
        out.write(b"\n")
    return out.getvalue()


def test_plaintext_email_leaks_nowhere(stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert len(EMAILS) >= 5, "runs after the submitting tests"
    public_get(stack, "/api/v1/comments", thread=THREAD)
    redis_dump = _redis_dump(stack)
    stack.redis.stop_monitor()
    monitor = (stack.workdir / "redis-monitor.log").read_bytes()
    assert b"score_comment" in monitor, "MONITOR saw the task messages"
    worker_log = "\n".join(w.log() for w in stack.workers)
    assert "decided" in worker_log
    logs = LOG.getvalue() + "\n" + caplog.text + "\n" + worker_log
    db_bytes = b"".join(p.read_bytes() for p in Path(stack.db_path).parent.glob(stack.db_path.name + "*"))
    public = "\n".join(RESPONSES)
    for email in EMAILS:
        for name, haystack in (("public responses", public), ("logs", logs)):
            assert email not in haystack.lower(), f"{email} found in {name}"
        for name, blob in (("redis", redis_dump), ("redis MONITOR", monitor), ("sqlite file", db_bytes)):
            assert email.encode() not in blob.lower(), f"{email} found in {name}"
