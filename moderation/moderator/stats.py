"""Dashboard numbers: comments per day, how often moderators overrule the model, score histograms,
the queue's size and age, time to a moderator's decision. Drawn by the browser (Chart.js)."""
from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.models import AuditEntry, Comment, Decision, Status, Thread, utcnow
from moderation.moderator.auth import Actor
from moderation.moderator.models import Label
from moderation.registry.store import quality_over_time

BINS = 10
SAMPLE = 20_000
AGE_BUCKETS = ((3600, "< 1 h"), (6 * 3600, "1-6 h"), (24 * 3600, "6-24 h"), (3 * 86400, "1-3 d"), (None, "> 3 d"))


def _scoped(stmt: Any, actor: Actor) -> Any:
    return stmt.where(Thread.site_id.in_(sorted(actor.sites))) if actor.sites is not None else stmt


def _day(value: Any) -> str:
    return value.isoformat()[:10] if isinstance(value, (date, datetime)) else str(value)[:10]


def dashboard(session: Session, actor: Actor, days: int = 30) -> dict[str, Any]:
    """Everything the dashboard draws, for the actor's sites."""
    actor.require("dashboard")
    now = utcnow()
    since = now - timedelta(days=days)
    labels_days = [(since + timedelta(days=i + 1)).date().isoformat() for i in range(days)]

    per_day: dict[str, dict[str, int]] = defaultdict(dict)
    day = func.date(Comment.created_at)
    rows = session.execute(_scoped(select(day, Comment.status, func.count()).join(Thread, Thread.id == Comment.thread_id)
                                   .where(Comment.created_at >= since).group_by(day, Comment.status), actor))
    for when, status, count in rows:
        per_day[status][_day(when)] = count
    statuses = [s.value for s in Status]

    overruled: dict[str, dict[str, int]] = defaultdict(lambda: {"kept": 0, "changed": 0})
    rows = session.execute(_scoped(
        select(Decision.status, Decision.reasons, Label.status).join(Label, Label.comment_id == Decision.comment_id)
        .join(Comment, Comment.id == Decision.comment_id).join(Thread, Thread.id == Comment.thread_id)
        .where(Label.current.is_(True), Label.source == "moderator", Label.created_at >= since).limit(SAMPLE), actor))
    for auto, reasons, final in rows:
        # A hold asks a person; it was right when the person did not publish.
        kept = final != Status.PUBLISHED.value if auto == Status.HELD.value else final == auto
        for reason in (reasons or ["none"]):
            overruled[reason]["kept" if kept else "changed"] += 1

    hist: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"toxicity": [0] * BINS, "spam": [0] * BINS})
    rows = session.execute(_scoped(
        select(Decision.language, Decision.scores).join(Comment, Comment.id == Decision.comment_id)
        .join(Thread, Thread.id == Comment.thread_id).where(Decision.created_at >= since)
        .order_by(Decision.id.desc()).limit(SAMPLE), actor))
    for language, scores in rows:
        for head in ("toxicity", "spam"):
            value = (scores or {}).get(head)
            if isinstance(value, (int, float)):
                hist[language or "?"][head][min(BINS - 1, int(float(value) * BINS))] += 1

    held = _scoped(select(Comment.created_at).join(Thread, Thread.id == Comment.thread_id)
                   .where(Comment.status == Status.HELD.value), actor)
    ages = [0] * len(AGE_BUCKETS)
    oldest = None
    for (created,) in session.execute(held.order_by(Comment.created_at).limit(100_000)):
        age = (now - created).total_seconds()
        oldest = age if oldest is None else max(oldest, age)
        ages[next(i for i, (limit, _) in enumerate(AGE_BUCKETS) if limit is None or age < limit)] += 1

    waits: dict[str, list[float]] = defaultdict(list)
    rows = session.execute(_scoped(
        select(AuditEntry.created_at, Comment.created_at).join(Comment, Comment.id == AuditEntry.comment_id)
        .join(Thread, Thread.id == Comment.thread_id)
        .where(AuditEntry.action == "status", AuditEntry.actor.like("moderator:%"), AuditEntry.created_at >= since)
        .limit(SAMPLE), actor))
    for decided, created in rows:
        waits[decided.date().isoformat()].append((decided - created).total_seconds() / 60)

    return {
        "days": labels_days,
        "per_day": {s: [per_day.get(s, {}).get(d, 0) for d in labels_days] for s in statuses if s in per_day},
        "overruled": dict(sorted(overruled.items())),
        "histograms": {lang: dict(h) for lang, h in sorted(hist.items())},
        "bins": [f"{i / BINS:.1f}" for i in range(BINS)],
        "queue": {"held": sum(ages), "oldest_hours": round(oldest / 3600, 1) if oldest is not None else None,
                  "ages": [[label, n] for (_, label), n in zip(AGE_BUCKETS, ages, strict=True)]},
        "median_minutes": {d: round(statistics.median(waits[d]), 1) if waits.get(d) else None for d in labels_days},
        "learning": quality_over_time(session, actor.sites),
    }
