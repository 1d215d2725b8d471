"""A site's labels as training rows (plain dicts: the web process reads them too, without the classifiers)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from moderation.models import Comment, Decision, Status
from moderation.moderator.models import Label

HEADS = ("toxicity", "identity_hate", "spam", "gambling_promo")


def _scoped(stmt: Any, site_id: str | None) -> Any:
    return stmt.where(Label.site_id == site_id) if site_id else stmt


def _informative() -> Any:
    return or_(*(getattr(Label, h).is_not(None) for h in HEADS))


def label_rows(session: Session, site_id: str | None, limit: int | None = None) -> list[dict[str, Any]]:
    """Current labels of the site (every site: None) that say something, oldest first.

    Each row: id, text, labels (per head 1/0/None), reason, source, language (of the automatic
    decision, if any), created (ISO time) and order (0 = oldest, by label time then id).
    """
    stmt = _scoped(select(Label.id, Label.created_at, Label.reason, Label.source, Comment.body, Decision.language,
                          *(getattr(Label, h) for h in HEADS))
                   .join(Comment, Comment.id == Label.comment_id)
                   .outerjoin(Decision, Decision.comment_id == Label.comment_id)
                   .where(Label.current.is_(True), Comment.status != Status.DELETED.value, _informative())
                   .order_by(Label.created_at, Label.id), site_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    out = []
    for order, row in enumerate(session.execute(stmt)):
        out.append({"id": row.id, "text": row.body, "labels": {h: getattr(row, h) for h in HEADS}, "reason": row.reason,
                    "source": row.source, "language": row.language or "", "created": row.created_at.isoformat(),
                    "order": order})
    return out


def count_after(session: Session, site_id: str | None, after_id: int) -> tuple[int, int]:
    """(labels newer than ``after_id``, newest label id) of the site, counting only informative current labels."""
    stmt = _scoped(select(func.count(), func.max(Label.id))
                   .where(Label.id > after_id, Label.current.is_(True), _informative()), site_id)
    n, newest = session.execute(stmt).one()
    return int(n or 0), int(newest or after_id)
