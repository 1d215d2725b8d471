"""What a comment's author, and nobody else, may see of it before it is published.

Two proofs: the edit token the API answered with (kept by the widget), and the `moderation-hash`
the WordPress-form route adds to its return link, as WordPress does, so the return page can show
"awaiting moderation" to the person who just posted and to nobody who merely types `?unapproved=N`.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from moderation.models import Comment
from moderation.services import comments, sites
from moderation.settings import Settings


def view_hash(settings: Settings, comment_id: int) -> str:
    """The return link's proof for one comment (keyed, so it cannot be guessed from the id)."""
    digest = hmac.new(settings.secrets.secret_key.encode(), f"moderation-hash|{comment_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def check_view_hash(settings: Settings, comment_id: int, value: str | None) -> bool:
    """True when `value` is the return link's proof for this comment."""
    return bool(value) and hmac.compare_digest(view_hash(settings, comment_id).encode(), str(value).encode())


def is_author(settings: Settings, comment: Comment, edit_token: str | None, moderation_hash: str | None) -> bool:
    """The request proves it comes from the comment's author."""
    return comments.authorised(settings, comment, edit_token) or check_view_hash(settings, comment.id, moderation_hash)


def author_view(session: Session, settings: Settings, comment: Comment) -> dict[str, Any]:
    """What only the author sees: status, the decision's reasons, the text as typed, the end of the edit window."""
    window = sites.policy_for(settings, sites.cached_site(session, comment.thread.site_id)).edit_window_minutes
    return {"status": comment.status, "reasons": comments.decision_reasons(session, comment.id), "body": comment.body,
            "editable_until": (comment.created_at + timedelta(minutes=window)).isoformat()}
