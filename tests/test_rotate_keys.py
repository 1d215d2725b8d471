"""`moderation rotate-keys` re-encrypts every author email, so the old key can be dropped."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from moderation import privacy
from moderation.db import session_scope
from moderation.models import Author, Site
from tests.conftest import TEST_SECRETS, database_urls

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)

EMAILS = [f"pembaca{i}@example.com" for i in range(4)]
K1, K2 = TEST_SECRETS["email_keys"]["k1"], TEST_SECRETS["email_keys"]["k2"]


def add_authors(app: Flask, emails: list[str]) -> None:
    settings = app.extensions["settings"]
    with session_scope(app) as session:
        if session.get(Site, "news") is None:
            session.add(Site(id="news", origins=["https://news.example"]))
            session.flush()
        for email in emails:
            bidx = privacy.blind_index(settings, email)
            session.add(Author(site_id="news", email_bidx=bidx,
                               email_enc=privacy.encrypt_email(settings, email, privacy.author_aad("news", bidx))))


def decrypt_all(app: Flask) -> list[str]:
    settings = app.extensions["settings"]
    with session_scope(app) as session:
        return [privacy.decrypt_email(settings, a.email_enc, privacy.author_aad(a.site_id, a.email_bidx))
                for a in session.scalars(select(Author).order_by(Author.id))]


def key_ids(app: Flask) -> set[str]:
    with session_scope(app) as session:
        return {privacy.key_id_of(blob) for blob in session.scalars(select(Author.email_enc))}


def rotate(app: Flask) -> Any:
    return app.test_cli_runner().invoke(args=["rotate-keys"])


def test_rotate_keys_then_drop_the_old_key(app_factory) -> None:  # type: ignore[no-untyped-def]
    add_authors(app_factory(), EMAILS[:3])  # k1 active
    both = app_factory(secrets={**TEST_SECRETS, "active_email_key": "k2"})
    add_authors(both, EMAILS[3:])  # a new author written under k2 already
    assert key_ids(both) == {"k1", "k2"}
    result = rotate(both)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "re-encrypted 3 author emails under key 'k2'"
    assert key_ids(both) == {"k2"}
    again = rotate(both)
    assert again.exit_code == 0 and "re-encrypted 0 author emails" in again.output
    only_k2 = app_factory(secrets={**TEST_SECRETS, "email_keys": {"k2": K2}, "active_email_key": "k2"})
    assert decrypt_all(only_k2) == EMAILS
    assert not any(email in result.output for email in EMAILS)


def test_rotate_keys_without_the_old_key_fails_clearly_and_changes_nothing(app_factory) -> None:  # type: ignore[no-untyped-def]
    add_authors(app_factory(), EMAILS[:2])
    k1_dropped_too_early = app_factory(secrets={**TEST_SECRETS, "email_keys": {"k2": K2}, "active_email_key": "k2"})
    result = rotate(k1_dropped_too_early)
    assert result.exit_code != 0
    assert "keep every old key" in result.output
    assert key_ids(k1_dropped_too_early) == {"k1"}
    assert decrypt_all(app_factory(secrets={**TEST_SECRETS, "email_keys": {"k1": K1}})) == EMAILS[:2]
