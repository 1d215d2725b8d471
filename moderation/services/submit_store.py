"""The submit path's SQL: Core statements, at most one SELECT before the inserts on the hot path.

Threads are never deleted, so their ids are cached per process; the author row, the duplicate check,
the flood check and whether the site has webhook endpoints come back from one SELECT; a new author
is one INSERT ... RETURNING; the comment and its outbox row are two INSERTs.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, exists, func, insert, literal, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from moderation.models import Author, Comment, OutboxMessage, Status, Thread, UTCDateTime, table_of, utcnow
from moderation.webhooks.models import WebhookEndpoint

_threads, _authors, _comments, _outbox = table_of(Thread), table_of(Author), table_of(Comment), table_of(OutboxMessage)
_endpoints = table_of(WebhookEndpoint)

_THREAD = select(_threads.c.id, _threads.c.title).where(
    _threads.c.site_id == bindparam("site_id"), _threads.c.uri == bindparam("uri"))
_AUTHOR_ID = select(_authors.c.id).where(
    _authors.c.site_id == bindparam("site_id"), _authors.c.email_bidx == bindparam("email_bidx"))
_SET_TITLE = _threads.update().where(_threads.c.id == bindparam("tid"), _threads.c.title == "").values(
    title=bindparam("new_title"))

# One round trip for what the checks need: the author (if known), a duplicate on the page, and the
# author's latest comment inside the flood interval.
# A duplicate, as WordPress has it: the same text on the same page under the same parent, from the
# same author (keyed email index; the shared row of comments without email does not count) or from
# the same browser (the author cookie, or the widget's author_token). Another reader's identical
# "Terima kasih." is not one.
_dup = (select(_comments.c.id)
        .where(_comments.c.thread_id == bindparam("thread_id"), _comments.c.body_hmac == bindparam("digest"),
               _comments.c.status != Status.DELETED.value,
               _comments.c.parent_id.is_not_distinct_from(bindparam("parent_id", type_=Integer())),
               or_(and_(_authors.c.email_bidx != "", _comments.c.author_id == _authors.c.id),
                   _comments.c.author_id == bindparam("browser_author", type_=Integer())))
        .correlate(_authors).limit(1).scalar_subquery())
_last = (select(func.max(_comments.c.created_at, type_=UTCDateTime()))
         .where(_comments.c.author_id == _authors.c.id, _comments.c.created_at > bindparam("since"))
         .correlate(_authors).scalar_subquery())
# Most sites have no webhook endpoint: knowing it here spares the comment.created event its own SELECT.
_hooks = exists().where(_endpoints.c.site_id == bindparam("site_id"), _endpoints.c.enabled.is_(True))
_one = select(literal(1).label("one")).subquery()
_LOOKUP = select(_dup.label("duplicate"), _authors.c.id, _authors.c.published_count, _last.label("last_at"),
                 _hooks.label("has_endpoints")).select_from(
    _one.outerjoin(_authors, and_(_authors.c.site_id == bindparam("site_id"),
                                  _authors.c.email_bidx == bindparam("email_bidx"))))
_INSERT_COMMENT = insert(_comments).returning(_comments.c.id)
_INSERT_OUTBOX = insert(_outbox)
# A concurrent first comment on the same page or by the same author is not an error.
_NEW_THREAD = {"sqlite": sqlite_insert(_threads).on_conflict_do_nothing(),
               "postgresql": postgresql_insert(_threads).on_conflict_do_nothing()}
# RETURNING gives the new author's id; a concurrent insert of the same author returns no row.
_NEW_AUTHOR = {"sqlite": sqlite_insert(_authors).on_conflict_do_nothing().returning(_authors.c.id),
               "postgresql": postgresql_insert(_authors).on_conflict_do_nothing().returning(_authors.c.id)}

THREAD_CACHE_SIZE = 20_000
_thread_ids: OrderedDict[tuple[int, str, str], tuple[int, bool]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Lookup:
    """What the checks found: a duplicate's id, the author's id, published count and latest comment."""

    duplicate: int | None
    author_id: int | None
    published_count: int
    last_at: datetime | None
    has_endpoints: bool = True  # the site has an enabled webhook endpoint (True when unknown)


def known_thread(session: Session, site_id: str, uri: str) -> tuple[int, bool] | None:
    """(thread id, has a title) from the process cache or SQL; None for a page never commented on."""
    key = (id(session.get_bind().engine), site_id, uri)
    with _lock:
        hit = _thread_ids.get(key)
        if hit is not None:
            _thread_ids.move_to_end(key)
            return hit
    row = session.connection().execute(_THREAD, {"site_id": site_id, "uri": uri}).first()
    if row is None:
        return None
    return _remember(key, (row.id, bool(row.title)))


def _remember(key: tuple[int, str, str], value: tuple[int, bool]) -> tuple[int, bool]:
    with _lock:
        _thread_ids[key] = value
        if len(_thread_ids) > THREAD_CACHE_SIZE:
            _thread_ids.popitem(last=False)
    return value


def lookup(session: Session, site_id: str, bidx: str, thread_id: int | None, digest: str, since: datetime,
           parent_id: int | None = None, browser_author: int | None = None) -> Lookup:
    """The author, this author's or this browser's duplicate on the page, and the author's latest recent comment."""
    row = session.connection().execute(_LOOKUP, {"thread_id": thread_id, "digest": digest, "site_id": site_id,
                                                 "email_bidx": bidx, "since": since, "parent_id": parent_id,
                                                 "browser_author": browser_author}).one()
    return Lookup(row.duplicate, row.id, row.published_count or 0, row.last_at, bool(row.has_endpoints))


def ensure_thread(session: Session, site_id: str, uri: str, title: str, known: tuple[int, bool] | None) -> int:
    """The thread id, creating the row on first use and filling in a missing title."""
    if known is not None:
        if title and not known[1]:
            session.connection().execute(_SET_TITLE, {"tid": known[0], "new_title": title})
            _remember((id(session.get_bind().engine), site_id, uri), (known[0], True))
        return known[0]
    conn = session.connection()
    conn.execute(_NEW_THREAD[conn.dialect.name], {"site_id": site_id, "uri": uri, "title": title,
                                                  "created_at": utcnow()})
    row = conn.execute(_THREAD, {"site_id": site_id, "uri": uri}).one()
    return _remember((id(session.get_bind().engine), site_id, uri), (row.id, bool(row.title)))[0]


def ensure_author(session: Session, site_id: str, bidx: str, email_enc: bytes) -> int:
    """The author id for a keyed email index seen for the first time (a concurrent insert is fine)."""
    conn = session.connection()
    new_id = conn.execute(_NEW_AUTHOR[conn.dialect.name], {
        "site_id": site_id, "email_bidx": bidx, "email_enc": email_enc, "banned": False, "published_count": 0,
        "created_at": utcnow()}).scalar_one_or_none()
    if new_id is not None:
        return int(new_id)
    author_id: int = conn.execute(_AUTHOR_ID, {"site_id": site_id, "email_bidx": bidx}).scalar_one()
    return author_id


def insert_comment(session: Session, values: dict[str, Any], outbox: dict[str, Any]) -> int:
    """Insert the comment and its outbox row; returns the comment id."""
    conn = session.connection()
    comment_id: int = conn.execute(_INSERT_COMMENT, values).scalar_one()
    conn.execute(_INSERT_OUTBOX, {**outbox, "comment_id": comment_id})
    return comment_id


def update_signals(session: Session, comment_id: int, signals: dict[str, Any]) -> None:
    """Replace a comment's stored signals (a replayed token or an outage found after the commit)."""
    session.connection().execute(_comments.update().where(_comments.c.id == comment_id).values(signals=signals))
