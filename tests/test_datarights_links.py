"""The guest flow: a request with only an email, a signed expiring link sent to author_contact endpoints only."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from moderation.db import session_scope
from moderation.models import Comment
from tests.conftest import database_urls
from tests.helpers.factories import decide_comment, make_comment
from tests.helpers.receiver import Receiver
from tests.webhooks.helpers import FAST, add_endpoint, inline

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)
SITE = "news"
EMAIL = "siti@example.com"


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    contact, plain = Receiver().start(), Receiver().start()
    yield contact, plain
    contact.close()
    plain.close()


def setup(app_factory: Any, receivers: tuple[Receiver, Receiver], tmp_path: Any, ttl_hours: float = 24,
          **policy: Any) -> tuple[Flask, Any]:
    app = app_factory(**FAST, privacy={"erasure_log_file": str(tmp_path / "erasures.jsonl"),
                                       "link_ttl_hours": ttl_hours}, policy=policy)
    queue = inline(app)
    events = "comment.published,privacy.export_requested,privacy.erasure_requested"
    add_endpoint(app, receivers[0].url, events, site=SITE, author_contact=True)
    add_endpoint(app, receivers[1].url, events, site=SITE)
    first = make_comment(app, "Komentar pertama Siti.", email=EMAIL, name="Siti Aminah", site_id=SITE)
    reply = make_comment(app, "Balasan Budi.", email="budi@example.org", name="Budi", site_id=SITE, parent_id=first)
    for cid in (first, reply):
        decide_comment(app, cid, "published")
    queue.items.clear()
    return app, queue


def ask(app: Flask, queue: Any, contact: Receiver, kind: str, email: str = EMAIL) -> str | None:
    """Request a link; the author_contact receiver's body carries it (None when nothing was sent)."""
    before = len(contact.requests)
    response = app.test_client().post("/api/v1/privacy/requests", json={"site": SITE, "email": email, "kind": kind})
    assert response.status_code == 202 and response.json["status"] == "accepted"
    queue.run(app)
    if len(contact.requests) == before:
        return None
    body = json.loads(contact.requests[-1].body)
    assert body["type"] == f"privacy.{'export' if kind == 'export' else 'erasure'}_requested"
    assert body["data"]["email"] == EMAIL
    return str(body["data"]["link"]).split("/api/v1/privacy/", 1)[1]


def test_export_link_reaches_author_contact_endpoints_only_and_gives_the_json(app_factory, receivers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app, queue = setup(app_factory, receivers, tmp_path)
    path = ask(app, queue, receivers[0], "export")
    assert path is not None and path.startswith("export/")
    assert all(b"privacy." not in seen.body for seen in receivers[1].requests)  # no author_contact: nothing
    response = app.test_client().get("/api/v1/privacy/" + path)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert [c["body"] for c in response.json["comments"]] == ["Komentar pertama Siti."]
    with session_scope(app) as session:  # the link and the email are never stored
        payloads = json.dumps([m for m in session.execute(select(Comment.body)).scalars()])
        assert EMAIL not in payloads
    assert ask(app, queue, receivers[0], "export", "nobody@example.com") is None  # same 202, nothing sent


def tampered(path: str) -> str:
    kind, token = path.split("/", 1)
    request_id, expires, mac = token.split(".")
    return f"{kind}/{request_id}.{int(expires) + 3600}.{mac}"


@pytest.mark.parametrize("how", ["mac", "expiry", "kind", "expired", "garbage"])
def test_tampered_or_expired_links_are_refused(app_factory, receivers, tmp_path, how: str) -> None:  # type: ignore[no-untyped-def]
    app, queue = setup(app_factory, receivers, tmp_path, ttl_hours=1.5 / 3600 if how == "expired" else 24)
    path = ask(app, queue, receivers[0], "export")
    assert path is not None
    client = app.test_client()
    if how == "mac":
        bad, status = path[:-1] + ("0" if path[-1] != "0" else "1"), 403
    elif how == "expiry":
        bad, status = tampered(path), 403
    elif how == "kind":
        bad, status = path.replace("export/", "erase/"), 403
    elif how == "garbage":
        bad, status = "export/not-a-token", 403
    else:
        time.sleep(2.1)
        bad, status = path, 410
    method = client.post if bad.startswith("erase/") else client.get
    response = method("/api/v1/privacy/" + bad)
    assert response.status_code == status, response.json
    assert "comments" not in (response.json or {})


@pytest.mark.parametrize("mode", ["anonymise", "delete"])
def test_erasure_by_link_in_both_modes_works_once(app_factory, receivers, tmp_path, mode: str) -> None:  # type: ignore[no-untyped-def]
    app, queue = setup(app_factory, receivers, tmp_path, erase_mode=mode)
    path = ask(app, queue, receivers[0], "erase")
    assert path is not None and path.startswith("erase/")
    client = app.test_client()
    info = client.get("/api/v1/privacy/" + path)
    assert info.status_code == 200 and info.json["mode"] == mode
    done = client.post("/api/v1/privacy/" + path)
    assert done.status_code == 200 and done.json["found"] is True
    with session_scope(app) as session:
        names = sorted(session.scalars(select(Comment.name)))
        bodies = sorted(session.scalars(select(Comment.body)))
    assert names == ["Budi", "anonim"]
    assert ("Komentar pertama Siti." in bodies) == (mode == "anonymise")
    again = client.post("/api/v1/privacy/" + path)
    assert again.status_code == 410  # used, and the request went with the author's data
    assert ask(app, queue, receivers[0], "erase") is None  # the email is no longer known


@pytest.mark.parametrize(("body", "field", "status"), [
    ({"site": SITE, "email": "x", "kind": "export"}, "email", 422),
    ({"site": SITE, "email": "a b@example.com", "kind": "export"}, "email", 422),
    ({"site": SITE, "email": EMAIL, "kind": "burn"}, "kind", 422),
    ({"site": "nope", "email": EMAIL, "kind": "export"}, "site", 404),
])
def test_bad_requests_name_the_field(app_factory, body: dict[str, str], field: str, status: int) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(sites={SITE: {"origins": ["https://news.example"]}})
    response = app.test_client().post("/api/v1/privacy/requests", json=body)
    assert response.status_code == status and field in response.json["fields"]


def test_the_service_mails_the_link_itself_when_smtp_is_set(app_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from aiosmtpd.controller import Controller

    from tests.helpers.procs import free_port
    from tests.webhooks.test_mail import Inbox

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = app_factory(**FAST, public_url="https://comments.example",
                          notifications={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"})
        queue = inline(app)
        make_comment(app, "Komentar Siti.", email=EMAIL, name="Siti Aminah", site_id=SITE)
        client = app.test_client()
        response = client.post("/api/v1/privacy/requests", json={"site": SITE, "email": EMAIL, "kind": "export"})
        assert response.status_code == 202
        queue.run(app)
    finally:
        controller.stop()
    assert [m["To"] for m in inbox.messages] == [EMAIL]
    text = inbox.messages[0].get_content()
    assert inbox.messages[0]["Subject"] == "Data komentar Anda"
    link = next(word for word in text.split() if word.startswith("https://comments.example/api/v1/privacy/export/"))
    exported = client.get(link.removeprefix("https://comments.example"))
    assert exported.status_code == 200 and exported.json["comments"][0]["body"] == "Komentar Siti."
