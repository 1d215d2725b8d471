"""Rows for tests that need comments before (or without) the public API, stored as the web side stores them."""
from __future__ import annotations

from typing import Any

from flask import Flask

from moderation import policy, privacy
from moderation.db import session_scope
from moderation.extensions import get_settings
from moderation.models import Author, Comment, OutboxMessage, Site, Status, Thread
from moderation.queue import SCORE_TASK
from moderation.services import decisions
from moderation.services.comments import body_hmac, text_signals
from moderation.signals import Signals


def make_comment(
    app: Flask,
    body: str = "Artikel yang bagus, terima kasih.",
    *,
    email: str = "reader@example.org",
    name: str = "Budi",
    website: str = "",
    site_id: str = "demo",
    thread_uri: str = "http://127.0.0.1:8000/demo/artikel-1",
    parent_id: int | None = None,
    signals: dict[str, Any] | None = None,
    outbox: bool = True,
    sent: bool = True,
    **fields: Any,
) -> int:
    """Insert a pending comment (and its outbox row) the way the web side does; returns its id.

    The keyed email index, the encrypted email, the body hash and the text signals are computed
    by the same functions the submit path uses; `signals` adds or overrides stored keys as given.
    """
    settings = get_settings(app)
    bidx = privacy.blind_index(settings, email)
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
            author = Author(site_id=site_id, email_bidx=bidx,
                            email_enc=privacy.encrypt_email(settings, email, privacy.author_aad(site_id, bidx)))
            session.add(author)
        session.flush()
        stored = Signals(**text_signals(body, website), new_author=author.published_count == 0).to_json()
        comment = Comment(
            thread_id=thread.id, author_id=author.id, parent_id=parent_id, name=name, website=website, body=body,
            body_hmac=body_hmac(settings, body), signals=stored | (signals or {}), **fields,
        )
        session.add(comment)
        session.flush()
        if outbox:
            session.add(OutboxMessage(task=SCORE_TASK, comment_id=comment.id, attempts=int(sent),
                                      published_at=comment.created_at if sent else None))
        return comment.id


def decide_comment(app: Flask, comment_id: int, status: str, reasons: tuple[str, ...] = (),
                   outcome: decisions.Outcome | None = None) -> bool:
    """Record an automatic decision through the worker's own path (status, decision, audit, outbox)."""
    with session_scope(app) as session:
        comment = session.get(Comment, comment_id)
        assert comment is not None
        return decisions.record_decision(session, comment_id, comment.body_hmac,
                                         policy.Decision(Status(status), list(reasons)), outcome or decisions.Outcome())
