"""Public representations of comments: only what may be shown to anyone, never email, IP or index."""
from __future__ import annotations

from typing import Any

from moderation import privacy
from moderation.models import Comment
from moderation.sanitize import body_html, safe_website
from moderation.settings import Settings


def public_comment(settings: Settings, comment: Comment) -> dict[str, Any]:
    """The fields anyone may see once a comment is published."""
    return {
        "id": comment.id,
        "parent": comment.parent_id,
        "name": comment.name,
        "website": safe_website(comment.website),
        "body_html": body_html(comment.body),
        "created": comment.created_at.isoformat(),
        # Keyed derivation of the keyed index: stable per author, useless for guessing the email.
        "avatar_seed": privacy.avatar_seed(settings, comment.author.email_bidx) if comment.author.email_bidx else "",
    }


def tree(settings: Settings, comments: list[Comment]) -> list[dict[str, Any]]:
    """Nest replies under their parents; a reply whose parent is not shown goes to the top level."""
    nodes = {c.id: {**public_comment(settings, c), "replies": []} for c in comments}
    roots: list[dict[str, Any]] = []
    for comment in comments:
        node = nodes[comment.id]
        parent = nodes.get(comment.parent_id) if comment.parent_id is not None else None
        (parent["replies"] if parent is not None else roots).append(node)
    return roots
