"""Final moderator decisions as training labels: one current row per comment, history kept."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from moderation.models import Status, utcnow
from moderation.moderator.models import Label

FINAL = (Status.PUBLISHED.value, Status.REJECTED.value, Status.SPAM.value)


# What a moderator may give as the reason of a reject (the queue pre-selects the one that held it).
REJECT_REASONS = ("toxic", "identity_hate", "spam", "gambling_promo", "other")
_TYPED_REJECT: dict[str, dict[str, int | None]] = {
    "toxic": {"toxicity": 1, "identity_hate": None, "spam": 0, "gambling_promo": 0},
    "identity_hate": {"toxicity": 1, "identity_hate": 1, "spam": 0, "gambling_promo": 0},
    "spam": {"toxicity": None, "identity_hate": None, "spam": 1, "gambling_promo": None},
    "gambling_promo": {"toxicity": None, "identity_hate": None, "spam": 1, "gambling_promo": 1},
    # Off-topic, duplicate, ...: a reject that says nothing about the four scores.
    "other": {"toxicity": None, "identity_hate": None, "spam": None, "gambling_promo": None},
}


def heads(status: str, reasons: list[str], typed: str | None = None) -> dict[str, int | None]:
    """Per-head label values implied by a final status and the reasons known (None: not implied).

    A reject with a typed reason (REJECT_REASONS) means exactly that reason; an untyped one (older
    clients, free text) falls back to "toxic", identity hate if any reason says so.
    """
    said = set(reasons)
    if status == Status.PUBLISHED.value:
        return {"toxicity": 0, "identity_hate": 0, "spam": 0, "gambling_promo": 0}
    if status == Status.SPAM.value:
        return {"toxicity": None, "identity_hate": None, "spam": 1,
                "gambling_promo": 1 if "gambling_promo" in said else None}
    if status == Status.REJECTED.value:
        if typed in _TYPED_REJECT:
            return dict(_TYPED_REJECT[typed])
        return {"toxicity": 1, "identity_hate": 1 if "identity_hate" in said else None, "spam": 0, "gambling_promo": 0}
    raise ValueError(f"{status} is not a final status")


def record(session: Session, moderator_id: int | None, changes: list[dict[str, Any]]) -> int:
    """Supersede the current labels of the changed comments; add one for each final status.

    Each change: comment_id, site_id, status, reason (the moderator's), reasons (the automatic
    decision's), scores, model_version.
    """
    if not changes:
        return 0
    ids = [c["comment_id"] for c in changes]
    session.execute(update(Label).where(Label.comment_id.in_(ids), Label.current.is_(True)).values(current=False))
    now = utcnow()
    rows = []
    for c in changes:
        if c["status"] not in FINAL:
            continue
        said = [c["reason"], *c.get("reasons", [])] if c["reason"] else list(c.get("reasons", []))
        rows.append({"comment_id": c["comment_id"], "site_id": c["site_id"], "source": "moderator",
                     "status": c["status"], **heads(c["status"], said, c["reason"].strip() or None),
                     "reason": c["reason"][:500],
                     "moderator_id": moderator_id, "model_version": (c.get("model_version") or "")[:100],
                     "scores": c.get("scores") or {}, "current": True, "created_at": now})
    if rows:
        session.execute(insert(Label), rows)
    return len(rows)
