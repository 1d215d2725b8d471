"""The moderation policy: a pure function of (scores, signals, site rules, author facts) -> (status, reasons).

No Flask, no database, no model here, so every rule is testable with a table.
"""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from moderation.settings import PolicySettings

PUBLISHED, HELD, SPAM, REJECTED = "published", "held", "spam", "rejected"
# Most severe outcome wins; a comment is only published when nothing objects.
SEVERITY = {PUBLISHED: 0, HELD: 1, SPAM: 2, REJECTED: 3}

# Score name -> reason name given when that score crosses a threshold.
SCORE_REASONS = {
    "toxicity": "toxic",
    "identity_hate": "identity_hate",
    "spam": "spam",
    "gambling_promo": "gambling_promo",
}

# Signal keys written by the web side at submit time (comment.signals); aliases are accepted
# because the form and JSON paths name the same facts slightly differently.
BOT_SIGNALS = {
    "bot_honeypot": ("honeypot", "bot_honeypot"),
    "bot_too_fast": ("bot_too_fast", "too_fast"),
    "bot_invalid_token": ("form_token_invalid", "invalid_form_token", "bot_invalid_token"),
}

URL_RE = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")


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

    status: str
    reasons: list[str] = field(default_factory=list)


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


def count_links(text: str) -> int:
    """Number of http(s):// or www. links in a comment body."""
    return len(URL_RE.findall(unicodedata.normalize("NFKC", text)))


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
            continue  # the settings test rejects bad ranges; a stray one must not block scoring
        if banned.version == network.version and banned.overlaps(network):
            return True
    return False


def thresholds_used(rules: PolicySettings) -> dict[str, dict[str, Any]]:
    """The thresholds a decision was made with, recorded next to it."""
    return {name: getattr(rules, name).model_dump() for name in SCORE_REASONS}


def _score_outcomes(scores: Mapping[str, Any], rules: PolicySettings) -> list[tuple[str, str]]:
    outcomes = []
    for name, reason in SCORE_REASONS.items():
        value = scores.get(name)
        if value is None:
            continue
        limits = getattr(rules, name)
        if float(value) >= limits.action_at:
            outcomes.append((limits.action, reason))
        elif float(value) >= limits.hold:
            outcomes.append((HELD, reason))
    return outcomes


def decide(
    scores: Mapping[str, Any],
    signals: Mapping[str, Any],
    rules: PolicySettings,
    author: AuthorFacts,
) -> Decision:
    """Apply the site's rules; the most severe outcome wins and every triggered reason is kept.

    `signals` may hold `text` (body, name and website joined), `links` (count), and the bot
    flags `honeypot`, `bot_too_fast`, `form_token_invalid`.
    """
    outcomes: list[tuple[str, str]] = []
    for key, aliases in BOT_SIGNALS.items():
        if any(signals.get(a) for a in aliases):
            outcomes.append((SPAM, key))
    if author.banned or ip_banned(author.ip_prefix, rules.banned_ip_ranges):
        outcomes.append((SPAM, "banned_author"))
    outcomes.extend(_score_outcomes(scores, rules))
    text = str(signals.get("text", ""))
    if contains_word(text, rules.blocked_words):
        outcomes.append((SPAM, "blocked_word"))
    if contains_word(text, rules.moderation_words):
        outcomes.append((HELD, "moderation_word"))
    links = int(signals.get("links", 0) or 0)
    if rules.link_limit and links >= rules.link_limit:
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
