"""Reading a page's published comments: pages of top-level comments with their replies, and counts.

A page is `limit` top-level comments (oldest or newest first) with every published reply beneath
them, so a conversation is never cut in half. One light query reads (id, parent, time) of the
thread's published comments to find each one's top-level ancestor; only the page's comments are
then loaded whole. A thread of 2,000 comments costs one small scan plus one page.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import func, literal, select, tuple_
from sqlalchemy.orm import Session, selectinload

from moderation import schemas
from moderation.errors import ValidationFailed
from moderation.models import Comment, Status, Thread

Order = Literal["oldest", "newest"]
MAX_COUNT_THREADS = 100


@dataclass(frozen=True)
class Page:
    """One page of a thread: its comments (roots in order, replies oldest first), the total, the next cursor."""

    comments: list[Comment]
    roots: list[int]
    total: int
    next: str | None


# Microseconds since 1970 and the id of the last top-level comment shown: every string of this
# shape is a position, so no well-formed cursor is ever refused.
CURSOR = r"^[0-9]{1,16}\.[0-9]{1,19}$"
_CURSOR_RE = re.compile(CURSOR)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(created: datetime, comment_id: int) -> str:
    """The cursor after this top-level comment."""
    return f"{(created - EPOCH) // timedelta(microseconds=1)}.{comment_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """(time, id) of a cursor, or a 422 naming `after`."""
    if not _CURSOR_RE.match(cursor):
        raise ValidationFailed("Please correct the fields listed.", {"after": "not a cursor from this listing"},
                               key="invalid", codes={"after": "cursor_invalid"})
    micros, comment_id = cursor.split(".")
    return EPOCH + timedelta(microseconds=int(micros)), int(comment_id)


def _thread_id(session: Session, site_id: str, thread: str) -> int | None:
    uri = schemas.normalize_thread(thread.strip())
    return session.scalar(select(Thread.id).where(Thread.site_id == site_id, Thread.uri == uri))


def page(session: Session, site_id: str, thread: str, order: Order = "oldest", limit: int = 50,
         after: str | None = None) -> Page:
    """The `limit` top-level comments after the cursor, with all their published replies."""
    position = decode_cursor(after) if after else None
    thread_id = _thread_id(session, site_id, thread)
    if thread_id is None:
        return Page([], [], 0, None)
    published = (Comment.thread_id == thread_id, Comment.status == Status.PUBLISHED.value)
    # Only integers come back, in time order: converting thousands of timestamps costs more than the query.
    rows = session.execute(select(Comment.id, Comment.parent_id).where(*published)
                           .order_by(Comment.created_at, Comment.id)).all()
    parent = {row.id: row.parent_id for row in rows}
    rank = {row.id: i for i, row in enumerate(rows)}
    root: dict[int, int] = {}
    for comment_id in parent:
        chain = [comment_id]
        # A reply whose parent is not published (held, deleted) is shown at the top level.
        while parent[chain[-1]] in parent and chain[-1] not in root:
            chain.append(parent[chain[-1]])
        top = root.get(chain[-1], chain[-1])
        for member in chain:
            root[member] = top
    newest = order == "newest"
    roots = sorted(set(root.values()), key=rank.__getitem__, reverse=newest)
    if position is not None:
        key = tuple_(Comment.created_at, Comment.id)
        mark = tuple_(literal(position[0], Comment.created_at.type), literal(position[1]))
        beyond = key < mark if newest else key > mark
        later = set(session.scalars(select(Comment.id).where(*published, beyond)))
        roots = [r for r in roots if r in later]
    chosen, rest = roots[:limit], roots[limit:]
    wanted = set(chosen)
    ids = [c for c, r in root.items() if r in wanted]
    loaded = sorted(session.scalars(select(Comment).where(Comment.id.in_(ids)).options(selectinload(Comment.author))),
                    key=lambda c: rank[c.id])
    last = next((c for c in loaded if c.id == chosen[-1]), None) if chosen and rest else None
    return Page(loaded, chosen, len(rows), encode_cursor(last.created_at, last.id) if last is not None else None)


def counts(session: Session, site_id: str, threads: Iterable[str]) -> dict[str, int]:
    """Published comments per thread, keyed by the thread exactly as asked (0 for unknown pages)."""
    asked = {thread: schemas.normalize_thread(thread.strip()) for thread in threads}
    rows = session.execute(
        select(Thread.uri, func.count(Comment.id)).join(Comment, Comment.thread_id == Thread.id)
        .where(Thread.site_id == site_id, Thread.uri.in_(set(asked.values())),
               Comment.status == Status.PUBLISHED.value)
        .group_by(Thread.uri)
    ).all()
    found = {str(uri): int(n) for uri, n in rows}
    return {thread: int(found.get(uri, 0)) for thread, uri in asked.items()}
