"""An old unlabelled spam comment, as the retention purge finds it."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from moderation.db import session_scope
from moderation.models import Comment, utcnow
from tests.helpers.factories import decide_comment, make_comment


def old_spam(app: Flask, days: float = 40) -> int:
    comment_id = make_comment(app, "beli obat murah di sini", email="spammer@example.org", site_id="news",
                              thread_uri="https://news.example/lama/")
    assert decide_comment(app, comment_id, "spam", ("spam",))
    past = utcnow() - timedelta(days=days)
    with session_scope(app) as session:
        session.execute(update(Comment).where(Comment.id == comment_id).values(created_at=past, updated_at=past))
    return comment_id
