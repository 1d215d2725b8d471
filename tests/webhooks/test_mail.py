"""Author notification mail through a real local SMTP server (aiosmtpd), and one-click unsubscribe."""
from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from moderation.db import session_scope
from moderation.models import Author, Comment
from tests.conftest import database_urls
from tests.helpers.procs import free_port
from tests.public_helpers import THREAD, news_app, post
from tests.webhooks.helpers import FAST, WebhookAttempt, WebhookDelivery, decide, inline, rows

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def app(app_factory, smtp: tuple[Inbox, int]) -> Flask:  # type: ignore[no-untyped-def]
    notifications = {"smtp_host": "127.0.0.1", "smtp_port": smtp[1], "smtp_security": "none",
                     "from_address": "Komentar <komentar@news.example>",
                     "events": ["comment.published", "comment.rejected", "comment.replied"]}
    return news_app(app_factory, notifications=notifications, public_url="https://comments.example", **FAST)


def submit(app: Flask, email_address: str, name: str, **fields: Any) -> int:
    client = app.test_client()
    response = post(client, email=email_address, name=name, **fields)
    assert response.status_code == 202, response.json
    return int(response.json["id"])


def test_mail_on_publication_and_reply_then_unsubscribe(app: Flask, smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    queue = inline(app)
    parent = submit(app, "ani@example.com", "Ani", notify_replies=True)
    decide(app, parent)
    queue.run(app)
    [published] = inbox.messages
    assert published["To"] == "ani@example.com" and published["Subject"] == "Komentar Anda sudah terbit"
    assert published["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = published["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://comments.example/notifications/unsubscribe/")
    text = published.get_content()
    assert "Halo Ani" in text and f"{THREAD}#comment-{parent}" in text and unsubscribe in text
    assert [a.response_status for a in rows(app, WebhookAttempt)] == [250]

    quiet = submit(app, "tanpa@example.com", "Tono", body="Komentar tanpa pemberitahuan.")  # did not ask
    decide(app, quiet)
    reply = submit(app, "sari@example.com", "Sari", parent=parent, body="Setuju dengan Ani.")
    decide(app, reply, language="en")
    queue.run(app)
    assert [m["Subject"] for m in inbox.messages] == ["Komentar Anda sudah terbit", "Sari membalas komentar Anda"]
    assert inbox.messages[1]["To"] == "ani@example.com"
    assert f"#comment-{reply}" in inbox.messages[1].get_content()

    client = app.test_client()
    path = urlsplit(unsubscribe).path
    assert client.get(path).status_code == 200  # a link scanner's GET unsubscribes nobody
    with session_scope(app) as session:
        assert session.get(Author, session.get(Comment, parent).author_id).notify_off_at is None
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and b"unsubscribed" in answer.data
    assert client.post(path[:-3] + "xyz").status_code == 404  # a forged token
    second = submit(app, "budi@example.com", "Budi", parent=parent, body="Saya juga setuju.")
    decide(app, second)
    queue.run(app)
    assert len(inbox.messages) == 2
    assert all(d.recipient_author_id is not None for d in rows(app, WebhookDelivery))


def test_english_author_gets_english_mail_and_rejections_are_optional(app: Flask, smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    queue = inline(app)
    comment_id = submit(app, "john@example.com", "John", notify_replies=True, body="A thoughtful English comment.")
    decide(app, comment_id, "rejected", ["toxic"], language="en")
    queue.run(app)
    [mail] = inbox.messages
    assert mail["Subject"] == "Your comment was not published" and "Hello John" in mail.get_content()
