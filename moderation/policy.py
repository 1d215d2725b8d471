"""The moderation policy: a pure function of (scores, signals, text, site rules, author facts) -> decision.

No Flask, no database, no model here, so every rule is testable with a table. Score thresholds
come from the model that produced the scores (its operating points, chosen when it was trained)
unless the site's rules override them; `resolve_thresholds` merges the two.
"""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from moderation.models import Status
from moderation.settings import PolicySettings, ScoreRule
from moderation.signals import Signals

PUBLISHED, HELD, SPAM, REJECTED = Status.PUBLISHED, Status.HELD, Status.SPAM, Status.REJECTED
# Most severe outcome wins; a comment is only published when nothing objects.
SEVERITY = {PUBLISHED: 0, HELD: 1, SPAM: 2, REJECTED: 3}

# Score name -> reason name given when that score crosses a threshold.
SCORE_REASONS = {
    "toxicity": "toxic",
    "identity_hate": "identity_hate",
    "spam": "spam",
    "gambling_promo": "gambling_promo",
}


class MissingThreshold(ValueError):
    """Neither the site's rules nor the model give a threshold for a score."""


@dataclass(frozen=True)
class Thresholds:
    """Publish below `hold`; hold from `hold`; `action` from `action_at`."""

    hold: float
    action_at: float
    action: Status


@dataclass(frozen=True)
class AuthorFacts:
    """What the service knows about the commenter, by keyed email index and signed cookie."""

    published_count: int = 0
    banned: bool = False
    # A returning author is recognised by the email index *and* a signed cookie from an earlier
    # visit, so typing someone else's name and email does not skip the first-time hold.
    recognised: bool = False
    ip_prefix: str = ""


@dataclass(frozen=True)
class Decision:
    """The outcome of the policy: a status and the typed reasons behind it."""

    status: Status
    reasons: list[str] = field(default_factory=list)


def resolve_thresholds(rules: PolicySettings, model_points: Mapping[str, Mapping[str, float]]) -> dict[str, Thresholds]:
    """Per score: the site's threshold where it sets one, else the model's operating point."""
    resolved: dict[str, Thresholds] = {}
    for name in SCORE_REASONS:
        rule: ScoreRule = getattr(rules, name)
        points = model_points.get(name, {})
        hold = rule.hold if rule.hold is not None else points.get("hold")
        action_at = rule.action_at if rule.action_at is not None else points.get("reject")
        if hold is None or action_at is None:
            raise MissingThreshold(f"no threshold for {name}: the model has no operating point "
                                   "and the policy sets none")
        resolved[name] = Thresholds(hold=float(hold), action_at=float(action_at), action=Status(rule.action))
    return resolved


def thresholds_used(thresholds: Mapping[str, Thresholds], rules: PolicySettings) -> dict[str, object]:
    """The thresholds a decision was made with, recorded next to it."""
    # Spelled out rather than dataclasses.asdict, which deep-copies field by field (it was 12 % of
    # the batch path's CPU): the same keys, in the same order.
    used: dict[str, object] = {name: {"hold": t.hold, "action_at": t.action_at, "action": t.action.value}
                               for name, t in thresholds.items()}
    used["link_limit"] = rules.link_limit
    return used


def normalise(text: str) -> str:
    """NFKC and case-fold, so full-width or styled letters match plain word lists."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=256)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    cleaned = [re.escape(normalise(w).strip()) for w in words if w.strip()]
    if not cleaned:
        return None
    # Word boundaries by \w lookarounds rather than \b so entries that start or end with
    # punctuation ("$$$", "c.o.m") still match as whole tokens.
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(cleaned, key=len, reverse=True)) + r")(?!\w)")


def contains_word(text: str, words: list[str] | tuple[str, ...]) -> bool:
    """True when any listed word or phrase occurs in `text` on word boundaries, case-insensitively."""
    pattern = _word_pattern(tuple(words))
    return bool(pattern and pattern.search(normalise(text)))


def ip_banned(ip_prefix: str, ranges: list[str]) -> bool:
    """True when the stored (truncated) address range overlaps a banned range."""
    if not ip_prefix or not ranges:
        return False
    try:
        network = ipaddress.ip_network(ip_prefix, strict=False)
    except ValueError:
        return False
    for entry in ranges:
        try:
            banned = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue  # settings validation rejects bad ranges; a stray one must not block scoring
        if banned.version == network.version and banned.overlaps(network):
            return True
    return False


def _score_outcomes(scores: Mapping[str, float], thresholds: Mapping[str, Thresholds]) -> list[tuple[Status, str]]:
    outcomes = []
    for name, reason in SCORE_REASONS.items():
        value = scores.get(name)
        if value is None:
            continue
        limits = thresholds[name]
        if value >= limits.action_at:
            outcomes.append((limits.action, reason))
        elif value >= limits.hold:
            outcomes.append((HELD, reason))
    return outcomes


def decide(
    scores: Mapping[str, float],
    signals: Signals,
    text: str,
    rules: PolicySettings,
    author: AuthorFacts,
    thresholds: Mapping[str, Thresholds],
) -> Decision:
    """Apply the site's rules; the most severe outcome wins and every triggered reason is kept.

    `text` is everything the author typed that is shown publicly (name, website, body): the word
    lists look at all of it.
    """
    outcomes: list[tuple[Status, str]] = []
    if signals.honeypot:
        outcomes.append((SPAM, "bot_honeypot"))
    if signals.bot_too_fast:
        outcomes.append((SPAM, "bot_too_fast"))
    if signals.form_token_invalid:
        outcomes.append((SPAM, "bot_invalid_token"))
    if author.banned or ip_banned(author.ip_prefix, rules.banned_ip_ranges):
        outcomes.append((SPAM, "banned_author"))
    outcomes.extend(_score_outcomes(scores, thresholds))
    if contains_word(text, rules.blocked_words):
        outcomes.append((SPAM, "blocked_word"))
    if contains_word(text, rules.moderation_words):
        outcomes.append((HELD, "moderation_word"))
    if rules.link_limit and signals.links >= rules.link_limit:
        outcomes.append((HELD, "too_many_links"))
    if rules.hold_first_time_authors and not (author.recognised and author.published_count > 0):
        outcomes.append((HELD, "first_time_author"))

    status = PUBLISHED
    reasons: list[str] = []
    # Stable order: most severe first, then in rule order, without duplicates.
    for outcome, reason in sorted(outcomes, key=lambda o: -SEVERITY[o[0]]):
        if SEVERITY[outcome] > SEVERITY[status]:
            status = outcome
        if reason not in reasons:
            reasons.append(reason)
    return Decision(status=status, reasons=reasons)


def unavailable() -> Decision:
    """The decision when scoring keeps failing: held for a human, never published unscored."""
    return Decision(status=HELD, reasons=["classifier_unavailable"])
