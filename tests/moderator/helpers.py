"""Rows and clients for the moderator tests: sites, decided comments, moderators, tokens, logged-in clients."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from moderation import privacy
from moderation.db import session_scope
from moderation.models import Author, Comment, Decision, Moderator, Site, Thread, utcnow
from moderation.moderator import auth
from moderation.services.decisions import queue_priority

PASSWORD = "correct horse battery"


def site(app: Flask, site_id: str, origin: str = "https://news.example") -> None:
    with session_scope(app) as session:
        if session.get(Site, site_id) is None:
            session.add(Site(id=site_id, name=site_id, origins=[origin]))


def held(app: Flask, body: str = "Dasar goblok kamu", *, site_id: str = "news", status: str = "held",
         email: str = "budi@example.co.id", scores: dict[str, float] | None = None, reasons: list[str] | None = None,
         thread: str = "https://news.example/berita/1", language: str = "id", created: Any = None,
         parent_id: int | None = None, ip_prefix: str = "203.0.113.0/24") -> int:
    """A decided comment with a real encrypted email and a decision that explains it."""
    site(app, site_id)
    settings = app.extensions["settings"]
    scores = scores if scores is not None else {"toxicity": 0.93, "identity_hate": 0.05, "spam": 0.02, "gambling_promo": 0.01}
    with session_scope(app) as session:
        t = session.query(Thread).filter_by(site_id=site_id, uri=thread).one_or_none()
        if t is None:
            t = Thread(site_id=site_id, uri=thread, title="Berita satu")
            session.add(t)
        bidx = privacy.blind_index(settings, email)
        author = session.query(Author).filter_by(site_id=site_id, email_bidx=bidx).one_or_none()
        if author is None:
            author = Author(site_id=site_id, email_bidx=bidx,
                            email_enc=privacy.encrypt_email(settings, email, privacy.author_aad(site_id, bidx)))
            session.add(author)
        session.flush()
        comment = Comment(thread_id=t.id, author_id=author.id, name="Budi", body=body, status=status,
                          priority=queue_priority(scores), ip_prefix=ip_prefix, parent_id=parent_id,
                          created_at=created or utcnow(), decided_at=utcnow())
        if status == "published":
            author.published_count += 1
        session.add(comment)
        session.flush()
        session.add(Decision(comment_id=comment.id, status=status, scores=scores,
                             reasons=reasons if reasons is not None else ["toxic"],
                             thresholds={"toxicity": {"hold": 0.65, "action_at": 0.9, "action": "held"}},
                             explanation={"toxicity": [{"feature": "goblok", "contribution": 2.1}]},
                             model_version="cls-test-1", language=language))
        return comment.id


def moderator(app: Flask, name: str = "ana", role: str = "moderator", sites: list[str] | None = None,
              locale: str = "") -> int:
    with session_scope(app) as session:
        row = Moderator(username=name, password_hash=auth.hash_password(PASSWORD), role=role, sites=sites or [],
                        locale=locale)
        session.add(row)
        session.flush()
        return row.id


def token(app: Flask, role: str = "moderator", sites: list[str] | None = None, name: str = "bot") -> str:
    with session_scope(app) as session:
        return auth.create_token(session, name, role, sites or [], None)[1]


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: FlaskClient, name: str = "ana", password: str = PASSWORD) -> str:
    """Log in through the form; returns the CSRF token for later requests."""
    page = client.get("/moderation/login")
    response = client.post("/moderation/login", data={"username": name, "password": password,
                                                      "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf_of(client.get("/moderation/queue").get_data(as_text=True))


def status_of(app: Flask, comment_id: int) -> str:
    with session_scope(app) as session:
        return session.get(Comment, comment_id).status
