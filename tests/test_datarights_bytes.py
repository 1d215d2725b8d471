"""After erasure no raw byte anywhere holds the email, its blind index or the name.

Looked at: the SQLite file and its WAL (secure_delete zeroes freed pages, the erasure truncates
the WAL), a pg_dump of PostgreSQL, every Redis key and value, every log record, every webhook body
stored or sent afterwards and every mail sent afterwards (a reply mail naming the author was still
waiting when she was erased).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from moderation import privacy
from moderation.db import session_scope
from moderation.webhooks.models import WebhookDelivery, WebhookMessage
from tests.conftest import REDIS_URL, database_urls
from tests.helpers.factories import decide_comment
from tests.helpers.procs import free_port
from tests.helpers.receiver import Receiver
from tests.public_helpers import SITES, post
from tests.webhooks.helpers import FAST, add_endpoint, inline
from tests.webhooks.test_mail import Inbox

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)
EMAIL, NAME = "Siti.Rahasia@Example.com", "Sitirahasia Aminah"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def needles(app: Flask) -> dict[str, bytes]:
    bidx = privacy.blind_index(app.extensions["settings"], EMAIL)
    return {"email": EMAIL.lower().encode(), "email as typed": EMAIL.encode(), "blind index": bidx.encode(),
            "blind index (bytes)": bytes.fromhex(bidx), "name": NAME.encode(), "name (utf-16)": NAME.encode("utf-16-le")}


def database_bytes(app: Flask, database_url: str, tmp_path: Path) -> dict[str, bytes]:
    if database_url.startswith("sqlite"):
        # Read while the service's connections are open: closing the last one would checkpoint and
        # delete the WAL and hide what a running service leaves in it.
        path = Path(database_url.split("///", 1)[1])
        with app.extensions["db_engine"].connect():
            return {p.name: p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()}
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    dump = subprocess.run(["pg_dump", "--no-owner", url], capture_output=True, check=True, timeout=120).stdout
    return {"pg_dump": dump}


def redis_bytes(app: Flask) -> dict[str, bytes]:
    client = redis.Redis.from_url(REDIS_URL)
    found: dict[str, bytes] = {}
    for key in client.scan_iter(count=1000):
        kind = client.type(key).decode()
        if kind == "string":
            value: Any = client.get(key)
        elif kind == "list":
            value = client.lrange(key, 0, -1)
        elif kind == "hash":
            value = client.hgetall(key)
        elif kind == "set":
            value = sorted(client.smembers(key))
        elif kind == "zset":
            value = client.zrange(key, 0, -1)
        else:
            value = b""
        found[key.decode(errors="replace")] = key + repr(value).encode()
    return found


def assert_clean(where: dict[str, bytes], app: Flask) -> None:
    for source, data in where.items():
        lowered = data.lower()
        for what, needle in needles(app).items():
            assert needle.lower() not in lowered if what.startswith(("email", "blind index (")) else needle not in data, \
                f"{what} found in {source}"


@pytest.mark.parametrize("mode", ["anonymise", "delete"])
def test_no_trace_of_the_author_after_erasure(app_factory, tmp_path, receiver, smtp, caplog, mode: str,  # type: ignore[no-untyped-def]
                                              database_url: str) -> None:
    caplog.set_level(logging.DEBUG)
    inbox, port = smtp
    app = app_factory(sites=SITES, **{**FAST, "rate_limit_enabled": True, "flood_seconds": 0,
                                       "rate_limit_comments": "100 per minute"},
                      privacy={"erasure_log_file": str(tmp_path / "erasures.jsonl")},
                      notifications={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"})
    queue = inline(app)
    add_endpoint(app, receiver.url, "comment.created,comment.published,comment.replied", site="news")
    add_endpoint(app, receiver.url, "comment.published,comment.replied", site="news", author_contact=True)
    client = app.test_client()
    ids = []
    for body in ("Rahasia pertama saya.", "Rahasia kedua saya, lebih panjang dari yang pertama."):
        response = post(client, name=NAME, email=EMAIL, body=body, notify_replies=True)
        assert response.status_code == 202, response.json
        ids.append(response.json["id"])
    for cid in ids:
        decide_comment(app, cid, "published")
    reply = post(client, name="Budi", email="budi@example.org", body="Balasan untuk Siti.", parent=ids[0])
    assert reply.status_code == 202, reply.json
    decide_comment(app, reply.json["id"], "published")
    queue.run(app)
    assert any(NAME.encode() in seen.body for seen in receiver.requests)  # the name did travel before
    # Siti answers Budi, who asked for reply mail: the webhooks and the mail naming her are still
    # waiting to be sent when she is erased.
    budi = post(client, name="Budi", email="budi@example.org", body="Pendapat Budi.", notify_replies=True)
    decide_comment(app, budi.json["id"], "published")
    queue.run(app)
    seen_before, mails_before = len(receiver.requests), len(inbox.messages)
    answer = post(client, name=NAME, email=EMAIL, body="Jawaban Siti untuk Budi.", parent=budi.json["id"])
    decide_comment(app, answer.json["id"], "published")
    with session_scope(app) as session:
        waiting = session.scalars(select(WebhookDelivery.id).where(WebhookDelivery.recipient_author_id.is_not(None),
                                                                   WebhookDelivery.status == "pending")).all()
    assert waiting, "a reply mail to Budi naming Siti is waiting"

    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "erase", "--site", "news", "--email", EMAIL, "--mode", mode])
    assert result.exit_code == 0, result.output
    # Life goes on: another comment is published afterwards, and webhooks are sent.
    later = post(client, name="Budi", email="budi@example.org", body="Komentar sesudahnya.")
    decide_comment(app, later.json["id"], "published")
    queue.run(app)
    with session_scope(app) as session:
        stored = {f"message {m.id}": json.dumps(m.payload).encode() for m in session.scalars(select(WebhookMessage))}
    sent_after = {f"webhook body {i}": seen.body for i, seen in enumerate(receiver.requests[seen_before:])}
    sent_after |= {f"mail {i}": m.as_bytes() for i, m in enumerate(inbox.messages[mails_before:])}
    assert sent_after, "webhooks were sent after the erasure"
    assert len(inbox.messages) == mails_before, "the waiting reply mail naming her was never sent"
    # The test's own SMTP server (aiosmtpd, logger mail.log) logs what it received; it is not the service.
    records = [r for r in caplog.records if not r.name.startswith("mail.log")]
    logs = {"logs": "\n".join(f"{r.getMessage()} {r.args!r}" for r in records).encode(),
            "cli output": result.output.encode()}
    in_redis = redis_bytes(app)
    prefix = app.extensions["settings"].redis_namespace
    assert any(prefix in key for key in in_redis), "the service's own keys (rate limits, form tokens) were scanned"
    assert_clean({**stored, **sent_after, **logs, **in_redis}, app)
    assert_clean(database_bytes(app, database_url, tmp_path), app)
    assert os.path.getsize(tmp_path / "erasures.jsonl") > 0
