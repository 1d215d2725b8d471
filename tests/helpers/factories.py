"""Rows for tests that need comments before (or without) the public API."""
from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask

from moderation.db import session_scope
from moderation.models import Author, Comment, OutboxMessage, Site, Thread
from moderation.queue import SCORE_TASK


def make_comment(
    app: Flask,
    body: str = "Artikel yang bagus, terima kasih.",
    *,
    email: str = "reader@example.org",
    name: str = "Budi",
    site_id: str = "demo",
    thread_uri: str = "http://127.0.0.1:8000/demo/artikel-1",
    parent_id: int | None = None,
    signals: dict[str, Any] | None = None,
    outbox: bool = True,
    **fields: Any,
) -> int:
    """Insert a pending comment (and its outbox row) the way the web side does; returns its id."""
    # Stand-ins for the privacy module's keyed index and ciphertext: never the plaintext email.
    bidx = hashlib.blake2b(email.encode(), key=b"test-bidx", digest_size=32).hexdigest()
    with session_scope(app) as session:
        if session.get(Site, site_id) is None:
            session.add(Site(id=site_id, name=site_id, origins=["http://127.0.0.1:8000"]))
            session.flush()
        thread = session.query(Thread).filter_by(site_id=site_id, uri=thread_uri).one_or_none()
        if thread is None:
            thread = Thread(site_id=site_id, uri=thread_uri)
            session.add(thread)
        author = session.query(Author).filter_by(site_id=site_id, email_bidx=bidx).one_or_none()
        if author is None:
            author = Author(site_id=site_id, email_bidx=bidx, email_enc=b"\x00encrypted")
            session.add(author)
        session.flush()
        comment = Comment(
            thread_id=thread.id, author_id=author.id, parent_id=parent_id, name=name, body=body,
            signals=signals or {}, **fields,
        )
        session.add(comment)
        session.flush()
        if outbox:
            session.add(OutboxMessage(task=SCORE_TASK, comment_id=comment.id))
        return comment.id
