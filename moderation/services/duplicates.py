"""The duplicate rule, as WordPress has it: the same text, on the same page, under the same parent,
repeated by the same author (keyed email index) or from the same browser (the signed author cookie,
or the `author_token` a remembered widget sends). Another reader's identical "Terima kasih." is not
a duplicate.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from moderation.errors import Conflict
from moderation.models import Author, Comment, Status

MESSAGE = "Duplicate comment detected; it looks as though you've already said that!"

_DUPLICATE = select(Comment.id).where(
    Comment.thread_id == bindparam("thread_id"), Comment.status != Status.DELETED.value,
    Comment.body_hmac == bindparam("digest"), Comment.parent_id.is_not_distinct_from(bindparam("parent_id")),
    Comment.author_id.in_(bindparam("authors", expanding=True)),
).limit(1)  # served by ix_comments_thread_body (thread_id, body_hmac)


def same_author_ids(author: Author | None, browser_author: int | None) -> list[int]:
    """Authors whose earlier texts count as "yours": the keyed email index's and the browser's."""
    ids = [author.id] if author is not None and author.email_bidx else []  # no email: everyone shares one row
    if browser_author is not None and browser_author not in ids:
        ids.append(browser_author)
    return ids


def check(session: Session, thread_id: int, parent_id: int | None, digest: str, author_ids: list[int]) -> None:
    """Raise 409 when one of `author_ids` already said `digest` here."""
    if not author_ids:
        return
    found = session.scalar(_DUPLICATE, {"thread_id": thread_id, "digest": digest, "parent_id": parent_id,
                                        "authors": author_ids})
    if found is not None:
        raise Conflict(MESSAGE, {"body": "duplicate of your earlier comment on this page"}, key="duplicate")
