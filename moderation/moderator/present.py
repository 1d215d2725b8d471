"""What a moderator sees of a comment: why it was held, scores beside thresholds, masked email, history."""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import privacy
from moderation.models import Author, Comment, Decision
from moderation.moderator.models import Report
from moderation.sanitize import body_html, safe_website
from moderation.settings import Settings

SCORE_NAMES = ("toxicity", "identity_hate", "spam", "gambling_promo")
_TAG = re.compile(r"(<[^>]*>)")


def _terms(explanation: dict[str, Any]) -> dict[str, tuple[str, float]]:
    """Word or phrase (lower case) -> (the score it raised most, its contribution)."""
    best: dict[str, tuple[str, float]] = {}
    for head, items in (explanation or {}).items():
        for item in items or []:
            feature = str(item.get("feature", ""))
            feature = feature[2:] if feature.startswith("g:") else feature
            value = float(item.get("contribution", 0) or 0)
            if not feature.strip() or value <= 0:
                continue
            key = feature.strip().lower()
            if key not in best or best[key][1] < value:
                best[key] = (head, value)
    return best


def highlight(html: str, explanation: dict[str, Any]) -> str:
    """Wrap the words of the explanation in <mark> inside text (never inside tags)."""
    terms = _terms(explanation)
    if not terms:
        return html
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + r")(?!\w)",
                         re.IGNORECASE)

    def mark(match: re.Match[str]) -> str:
        head, value = terms[match.group(1).lower()]
        return f'<mark class="hl hl-{head}" title="{head} +{value:.2f}">{match.group(1)}</mark>'

    return "".join(part if part.startswith("<") else pattern.sub(mark, part) for part in _TAG.split(html))


def masked_email(settings: Settings, author: Author, site_id: str) -> str:
    """b***@example.co.id, or *** when the address cannot be read, or "" when none was given."""
    if not author.email_bidx or not author.email_enc:
        return ""
    try:
        return privacy.mask_email(privacy.decrypt_email(settings, author.email_enc, privacy.author_aad(site_id, author.email_bidx)))
    except privacy.EmailDecryptError:
        return "***"


def _histories(session: Session, author_ids: set[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if author_ids:
        rows = session.execute(select(Comment.author_id, Comment.status, func.count())
                               .where(Comment.author_id.in_(author_ids)).group_by(Comment.author_id, Comment.status))
        for author_id, status, count in rows:
            out[author_id][status] = count
    return out


def _reports(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    if ids:
        rows = session.execute(select(Report.comment_id, Report.reason, Report.text)
                               .where(Report.comment_id.in_(ids), Report.resolved_at.is_(None)).order_by(Report.id))
        for comment_id, reason, text in rows:
            entry = out.setdefault(comment_id, {"count": 0, "reasons": {}, "texts": []})
            entry["count"] += 1
            entry["reasons"][reason] = entry["reasons"].get(reason, 0) + 1
            if text and len(entry["texts"]) < 5:
                entry["texts"].append(text)
    return out


def comments(session: Session, settings: Settings, rows: list[Comment], reports_threshold: int = 3) -> list[dict[str, Any]]:
    """The moderator view of each comment, loading decisions, parents, histories and reports in bulk."""
    ids = [c.id for c in rows]
    decisions = {d.comment_id: d for d in session.scalars(select(Decision).where(Decision.comment_id.in_(ids)))} if ids else {}
    parent_ids = {c.parent_id for c in rows if c.parent_id}
    parents = {p.id: p for p in session.scalars(select(Comment).where(Comment.id.in_(parent_ids)))} if parent_ids else {}
    authors = {a.id: a for a in session.scalars(select(Author).where(Author.id.in_({c.author_id for c in rows})))} if rows else {}
    histories = _histories(session, set(authors))
    reports = _reports(session, ids)
    return [_one(settings, c, decisions.get(c.id), parents.get(c.parent_id or 0), authors[c.author_id],
                 histories.get(c.author_id, {}), reports.get(c.id)) for c in rows]


def _one(settings: Settings, c: Comment, decision: Decision | None, parent: Comment | None, author: Author,
         history: dict[str, int], reports: dict[str, Any] | None) -> dict[str, Any]:
    site_id = c.thread.site_id
    html = body_html(c.body)
    explanation = decision.explanation if decision else {}
    thresholds = decision.thresholds if decision else {}
    scores = {}
    for name in SCORE_NAMES:
        if decision and isinstance(decision.scores.get(name), (int, float)):
            limits = thresholds.get(name) or {}
            scores[name] = {"value": round(float(decision.scores[name]), 4), "hold": limits.get("hold"),
                            "action_at": limits.get("action_at"), "action": limits.get("action")}
    reasons = list(decision.reasons) if decision else []
    if c.report_count and "reported_by_readers" not in reasons:
        reasons.append("reported_by_readers")
    return {
        "id": c.id, "status": c.status, "version": c.version, "site": site_id,
        "thread": {"id": c.thread_id, "uri": c.thread.uri, "title": c.thread.title},
        "parent": None if parent is None else {"id": parent.id, "name": parent.name, "status": parent.status,
                                                "body_html": body_html(parent.body)},
        "name": c.name, "email_masked": masked_email(settings, author, site_id), "ip_prefix": c.ip_prefix,
        "website": safe_website(c.website), "body_html": html, "highlighted_html": highlight(html, explanation),
        "created": c.created_at.isoformat(), "priority": round(c.priority, 4), "reasons": reasons,
        "scores": scores, "explanation": explanation, "model_version": decision.model_version if decision else "",
        "language": decision.language if decision else "",
        "author": {"id": author.id, "banned": bool(author.banned), "history": history},
        "reports": reports or {"count": 0, "reasons": {}, "texts": []},
    }
