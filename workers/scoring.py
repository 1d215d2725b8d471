"""Score one comment and record the decision; the Celery task in tasks.py only adds retries."""
from __future__ import annotations

import importlib
import logging
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from moderation import policy
from moderation.models import Comment, Site
from moderation.moderator import bans
from moderation.services import decisions
from moderation.settings import PolicySettings, Settings
from workers import model as model_cache
from workers import testhooks

log = logging.getLogger("workers.scoring")

SCORE_NAMES = ("toxicity", "identity_hate", "spam", "gambling_promo")


class ClassifierFailed(RuntimeError):
    """The model could not be loaded or could not score this comment."""


def site_policy(settings: Settings, site: Site | None) -> PolicySettings:
    """The site's policy (sites service when present, else the global policy)."""
    try:
        sites = importlib.import_module("moderation.services.sites")
    except ModuleNotFoundError as exc:
        if exc.name != "moderation.services.sites":
            raise
        return settings.policy
    return sites.policy_for(settings, site)


def _site(session: Session, site_id: str) -> Site | None:
    """The comment's site from the process's site snapshot (moderation.services.sites), else SQL."""
    try:
        sites = importlib.import_module("moderation.services.sites")
        return sites.cached_site(session, site_id)
    except (ModuleNotFoundError, AttributeError):
        return session.get(Site, site_id)


def _metadata(comment: Comment) -> dict[str, Any]:
    signals = comment.signals or {}
    metadata: dict[str, Any] = {"website": bool(comment.website)}
    if isinstance(signals.get("fill_seconds"), (int, float)):
        metadata["fill_seconds"] = float(signals["fill_seconds"])
    return metadata


def classify(comment: Comment) -> tuple[dict[str, Any], decisions.Outcome]:
    """Run the process's model on the comment body; any failure becomes ClassifierFailed."""
    try:
        model = model_cache.get_model()
        raw = model.score(comment.body, **_metadata(comment))
        explanation = model.explain(comment.body, top_k=5)
    except Exception as exc:  # noqa: BLE001  (a model bug must not become a lost comment: caller holds it)
        raise ClassifierFailed(f"{type(exc).__name__}: {exc}") from exc
    scores = {name: float(raw[name]) for name in SCORE_NAMES if name in raw}
    outcome = decisions.Outcome(
        scores=scores,
        explanation=explanation if isinstance(explanation, dict) else {},
        model_version=str(raw.get("model_version") or getattr(model, "version", "")),
        language=str(raw.get("language", "")),
    )
    return scores, outcome


def _signals(comment: Comment) -> dict[str, Any]:
    signals = dict(comment.signals or {})
    # Word lists look at everything the author typed that is shown publicly.
    signals["text"] = "\n".join(filter(None, (comment.name, comment.website, comment.body)))
    signals["links"] = policy.count_links(comment.body)
    return signals


def score_comment(app: Flask, comment_id: int) -> str:
    """Score a pending comment and record its decision once; returns what happened.

    Outcomes: "skipped" (not pending), "exhausted" (held, classifier_unavailable), "duplicate"
    (another run decided first), or the new status. Raises ClassifierFailed when the model failed
    and attempts remain, so the caller can retry.
    """
    settings: Settings = app.extensions["settings"]
    session: Session = app.extensions["db_sessionmaker"]()
    try:
        attempts = decisions.begin_attempt(session, comment_id)
        if attempts is None:
            return "skipped"
        if attempts > settings.max_score_attempts:
            decisions.hold_unavailable(session, comment_id, attempts - 1)
            return "exhausted"
        # One query for the comment, its author (policy facts) and its thread (site id).
        comment = session.scalars(
            select(Comment).where(Comment.id == comment_id)
            .options(joinedload(Comment.author), joinedload(Comment.thread))
        ).first()
        if comment is None:  # deleted between the two statements
            return "skipped"
        testhooks.on_run(comment_id, comment.body)
        try:
            scores, outcome = classify(comment)
        except ClassifierFailed as exc:
            log.warning("scoring comment %s failed (attempt %s): %s", comment_id, attempts, exc)
            if attempts >= settings.max_score_attempts:
                decisions.hold_unavailable(session, comment_id, attempts)
                return "exhausted"
            raise
        rules = site_policy(settings, _site(session, comment.thread.site_id))
        banned_ranges = bans.active_ip_ranges(session, comment.thread.site_id)  # set by moderators
        if banned_ranges:
            rules = rules.model_copy(update={"banned_ip_ranges": [*rules.banned_ip_ranges, *banned_ranges]})
        decision = policy.decide(scores, _signals(comment), rules, decisions.author_facts(comment))
        outcome.thresholds = policy.thresholds_used(rules) | {"link_limit": rules.link_limit}
        if not decisions.record_decision(session, comment_id, decision, outcome):
            return "duplicate"
        return decision.status
    finally:
        session.close()
