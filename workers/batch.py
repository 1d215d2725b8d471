"""Scoring several comments in one go when the queue is deep: one model call, one decision transaction.

The scoring task takes up to `score_batch_size - 1` more waiting messages from its own queue
(workers.drain) and hands all their comments here. Only comments on their first attempt are
batched: a comment that was tried before (its run may have killed the process) is scored alone, so
a poison comment never uses up the attempts of the comments that happened to share its batch.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from moderation import policy
from moderation.models import Comment
from moderation.services import decisions
from moderation.settings import PolicySettings, Settings
from moderation.signals import Signals
from workers import scoring, versions
from workers.model import Scorer

log = logging.getLogger("workers.batch")

_LOAD_MANY = (select(Comment).options(joinedload(Comment.author), joinedload(Comment.thread))
              .where(Comment.id.in_(bindparam("ids", expanding=True))))


def score_many(sessions: sessionmaker[Session], settings: Settings, comment_ids: list[int]) -> dict[int, str]:
    """Decide the pending ones of these comments; returns what happened to each.

    Comments not on their first attempt (tried before, or no longer pending) come back as "single":
    the caller scores them one at a time. If the model fails on the batch, all come back as "single".
    """
    with sessions() as session:
        first = decisions.count_first_attempts(session, comment_ids)
        session.commit()  # counted before scoring, as for one comment
        # Tried before, decided, deleted or gone: the single path counts, skips or holds each.
        results = {cid: "single" for cid in comment_ids if cid not in first}
        comments = list(session.scalars(_LOAD_MANY, {"ids": sorted(first)})) if first else []
        session.commit()  # a fresh snapshot for the decisions below (SQLite)
        loaded = {c.id for c in comments}
        results.update({cid: "skipped" for cid in sorted(first) if cid not in loaded})
        if not comments:
            return results
        signals = [Signals.from_json(c.signals) for c in comments]
        rules_by_site: dict[str, Any] = {}
        for comment in comments:
            site_id = comment.thread.site_id
            if site_id not in rules_by_site:
                rules_by_site[site_id] = scoring.site_rules(session, settings, site_id)
        versions.refresh(sessions, settings)  # a database error here is transient: retried by the task
        try:
            scored: dict[int, tuple[decisions.Outcome, dict[str, Any]]] = {}
            for site_id, rules in rules_by_site.items():  # each site may have its own model
                mine = [(c, s) for c, s in zip(comments, signals, strict=True) if c.thread.site_id == site_id]
                model = versions.model_for(sessions, settings, site_id)
                results_here = _classify_many(model, [c for c, _ in mine], [s for _, s in mine], rules)
                scored.update({c.id: r for (c, _), r in zip(mine, results_here, strict=True)})
        except scoring.ClassifierFailed as exc:
            log.warning("batch of %s failed, scoring one by one: %s", len(comments), exc)
            results.update({c.id: "single" for c in comments})
            return results
        judged = [scoring.judge(comment, signal, rules_by_site[comment.thread.site_id], *scored[comment.id])
                  for comment, signal in zip(comments, signals, strict=True)]
        recorded = decisions.record_decisions(session, judged)  # one transaction for the whole batch
        results.update({p.comment_id: p.decision.status.value if p.comment_id in recorded else "duplicate"
                        for p in judged})
        session.commit()
    return results


def _classify_many(model: Scorer, comments: list[Comment], signals: list[Signals],
                   rules: PolicySettings) -> list[tuple[decisions.Outcome, dict[str, Any]]]:
    """One site's comments through its model in one call (any failure is ClassifierFailed)."""
    try:
        thresholds = policy.resolve_thresholds(rules, model.thresholds)
        metadata = [scoring.model_metadata(c, s) for c, s in zip(comments, signals, strict=True)]
        both = model.score_and_explain_many([c.body for c in comments], metadata, top_k=5)
        out = [(scoring.outcome_of(raw, explanation, model.version), thresholds) for raw, explanation in both]
    except Exception as exc:
        raise scoring.ClassifierFailed(f"{type(exc).__name__}: {exc}") from exc
    return out
