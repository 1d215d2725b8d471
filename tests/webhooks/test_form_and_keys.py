"""The "notify me" box from both forms, and endpoint secrets under `moderation rotate-keys`."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from moderation import privacy
from moderation.db import session_scope
from moderation.models import Comment
from moderation.webhooks import endpoints
from moderation.webhooks.models import WebhookEndpoint
from tests.conftest import TEST_SECRETS
from tests.public_helpers import ORIGIN, THREAD, form_token, news_app, post
from tests.webhooks.helpers import add_endpoint


@pytest.mark.parametrize(("box", "stored"), [("on", True), ("", False), (None, False)])
def test_wordpress_checkbox(app_factory, box: str | None, stored: bool) -> None:  # type: ignore[no-untyped-def]
    app: Flask = news_app(app_factory)
    client = app.test_client()
    data = {"site": "news", "thread": THREAD, "author": "Budi", "email": "budi@example.com", "comment": "Mantap.",
            "form_token": form_token(client)}
    if box is not None:
        data["notify_replies"] = box
    assert client.post("/wp-comments-post.php", data=data, headers={"Origin": ORIGIN}).status_code == 303
    with session_scope(app) as session:
        assert session.scalars(select(Comment.notify_replies)).one() is stored


def test_json_flag_needs_an_email_and_a_boolean(app_factory) -> None:  # type: ignore[no-untyped-def]
    app: Flask = news_app(app_factory, flood_seconds=0)
    client = app.test_client()
    assert post(client, notify_replies=True).status_code == 202
    bad = post(client, notify_replies="maybe", body="Lain kali.")
    assert bad.status_code == 422 and "notify_replies" in bad.json["fields"]
    with session_scope(app) as session:
        assert session.scalars(select(Comment.notify_replies)).all() == [True]


def test_rotate_keys_reencrypts_endpoint_secrets(app_factory) -> None:  # type: ignore[no-untyped-def]
    first = app_factory()
    endpoint_id, secret = add_endpoint(first, "https://93.184.216.34/hook")
    with session_scope(first) as session:
        rotated = endpoints.rotate(session, first.extensions["settings"], endpoint_id)
    moved = app_factory(secrets={**TEST_SECRETS, "active_email_key": "k2"})
    result = moved.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0 and "re-encrypted 2 webhook secrets" in result.output
    only_k2 = app_factory(secrets={**TEST_SECRETS, "email_keys": {"k2": TEST_SECRETS["email_keys"]["k2"]},
                                   "active_email_key": "k2"})
    with session_scope(only_k2) as session:
        row = session.get(WebhookEndpoint, endpoint_id)
        assert privacy.key_id_of(row.secret_enc) == "k2"
        settings = only_k2.extensions["settings"]
        assert endpoints.decrypt_secret(settings, endpoint_id, row.secret_enc) == rotated
        assert endpoints.decrypt_secret(settings, endpoint_id, row.previous_secret_enc) == secret
