"""Score one comment and record the decision; the Celery task in tasks.py only adds retries."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from moderation import policy
from moderation.models import Comment
from moderation.moderator import bans
from moderation.services import decisions, sites
from moderation.settings import PolicySettings, Settings
from moderation.signals import Signals
from workers import model as model_cache
from workers import versions

log = logging.getLogger("workers.scoring")

SCORE_NAMES = ("toxicity", "identity_hate", "spam", "gambling_promo")
# One query for the comment, its author (policy facts) and its thread (site id).
_LOAD = (select(Comment).options(joinedload(Comment.author), joinedload(Comment.thread))
         .where(Comment.id == bindparam("cid")))


class ClassifierFailed(RuntimeError):
    """The model could not be loaded or could not score this comment."""


def model_metadata(comment: Comment, signals: Signals) -> dict[str, Any]:
    """What the model may use besides the text (the same for scores and explanations)."""
    metadata: dict[str, Any] = {"website": bool(comment.website)}
    if signals.fill_seconds is not None:
        metadata["fill_seconds"] = signals.fill_seconds
    return metadata


def public_text(comment: Comment) -> str:
    """Everything the author typed that is shown publicly: the word lists look at all of it."""
    return "\n".join(filter(None, (comment.name, comment.website, comment.body)))


def outcome_of(raw: dict[str, Any], explanation: dict[str, Any], version: str) -> decisions.Outcome:
    """What is stored with a decision, from the model's scores and explanation."""
    return decisions.Outcome(
        scores={name: float(raw[name]) for name in SCORE_NAMES if name in raw},
        explanation=explanation,
        model_version=str(raw.get("model_version") or version),
        language=str(raw.get("language", "")),
    )


def classify(comment: Comment, signals: Signals, rules: PolicySettings,
             load: Callable[[], model_cache.Scorer] = model_cache.get_model) -> tuple[decisions.Outcome, dict[str, policy.Thresholds]]:
    """Run the site's model (from `load`) on the body; any failure (a model without thresholds too) is ClassifierFailed."""
    try:
        model = load()
        metadata = model_metadata(comment, signals)
        raw, explanation = model.score_and_explain(comment.body, top_k=5, **metadata)
        thresholds = policy.resolve_thresholds(rules, model.thresholds)
    except Exception as exc:
        raise ClassifierFailed(f"{type(exc).__name__}: {exc}") from exc
    return outcome_of(raw, explanation, model.version), thresholds


def score_comment(sessions: sessionmaker[Session], settings: Settings, comment_id: int) -> str:
    """Score a pending comment and record its decision once; returns what happened.

    Outcomes: "skipped" (not pending), "exhausted" (held, classifier_unavailable), "duplicate"
    (another run decided first, or the text changed meanwhile), or the new status. Raises
    ClassifierFailed when the model failed and attempts remain, so the caller can retry.
    """
    with sessions() as session:
        attempts = decisions.count_attempt(session, comment_id)
        comment = session.scalars(_LOAD, {"cid": comment_id}).first() if attempts is not None else None
        # One commit for both: the attempt counts even if this process dies while scoring, and
        # the slow part starts outside any transaction, so the decision's write starts from a
        # fresh snapshot (SQLite refuses to upgrade a stale one) and holds no locks meanwhile.
        session.commit()
        if attempts is None or comment is None:
            return "skipped"
        if attempts > settings.max_score_attempts:
            return _hold(session, comment, attempts - 1)
        signals = Signals.from_json(comment.signals)
        rules = site_rules(session, settings, comment.thread.site_id)
        site_id = comment.thread.site_id
        versions.refresh(sessions, settings)  # a database error here is transient: retried by the task
        try:
            outcome, thresholds = classify(comment, signals, rules, lambda: versions.model_for(sessions, settings, site_id))
        except ClassifierFailed as exc:
            log.warning("scoring comment %s failed (attempt %s): %s", comment_id, attempts, exc)
            if attempts >= settings.max_score_attempts:
                return _hold(session, comment, attempts)
            raise
        result = decide(session, comment, signals, rules, outcome, thresholds)
        session.commit()
        return result


def site_rules(session: Session, settings: Settings, site_id: str) -> PolicySettings:
    """The site's policy with the address ranges its moderators banned added."""
    rules = sites.policy_for(settings, sites.cached_site(session, site_id))
    banned_ranges = bans.active_ip_ranges(session, site_id)
    if banned_ranges:
        rules = rules.model_copy(update={"banned_ip_ranges": [*rules.banned_ip_ranges, *banned_ranges]})
    return rules


def judge(comment: Comment, signals: Signals, rules: PolicySettings, outcome: decisions.Outcome,
          thresholds: dict[str, policy.Thresholds]) -> decisions.Pending:
    """Apply the policy to a scored comment: the decision to record."""
    decision = policy.decide(outcome.scores, signals, public_text(comment), rules,
                             decisions.author_facts(comment, signals), thresholds)
    outcome.thresholds = policy.thresholds_used(thresholds, rules)
    return decisions.Pending(comment.id, comment.body_hmac, decision, outcome)


def decide(session: Session, comment: Comment, signals: Signals, rules: PolicySettings,
           outcome: decisions.Outcome, thresholds: dict[str, policy.Thresholds]) -> str:
    """Apply the policy and record the decision in the caller's transaction; the status or "duplicate"."""
    pending = judge(comment, signals, rules, outcome, thresholds)
    recorded = decisions.record_decisions(session, [pending])
    return pending.decision.status.value if recorded else "duplicate"


def _hold(session: Session, comment: Comment, attempts: int) -> str:
    recorded = decisions.hold_unavailable(session, comment.id, comment.body_hmac, attempts)
    session.commit()
    return "exhausted" if recorded else "duplicate"
