"""The pure policy, table by table."""
from __future__ import annotations

from typing import Any

import pytest

from moderation.policy import (
    AuthorFacts,
    MissingThreshold,
    Thresholds,
    contains_word,
    decide,
    ip_banned,
    resolve_thresholds,
    thresholds_used,
)
from moderation.settings import PolicySettings
from moderation.signals import Signals
from tests.helpers.fakes import FakeModel

CLEAN = {"toxicity": 0.05, "identity_hate": 0.01, "spam": 0.02, "gambling_promo": 0.01}
KNOWN = AuthorFacts(published_count=3, recognised=True)
MODEL_POINTS = FakeModel.thresholds


def run(scores: dict[str, float], rules: PolicySettings | None = None, author: AuthorFacts = KNOWN,
        text: str = "", **signals: Any) -> Any:
    rules = rules or PolicySettings()
    return decide(scores, Signals(**signals), text, rules, author, resolve_thresholds(rules, MODEL_POINTS))


def scores(**changes: float) -> dict[str, float]:
    return CLEAN | changes


@pytest.mark.parametrize(
    ("score_changes", "status", "reasons"),
    [
        ({}, "published", []),
        ({"toxicity": 0.64}, "published", []),
        ({"toxicity": 0.65}, "held", ["toxic"]),
        ({"toxicity": 0.95}, "held", ["toxic"]),
        ({"identity_hate": 0.44}, "published", []),
        ({"identity_hate": 0.6}, "held", ["identity_hate"]),
        ({"spam": 0.49}, "published", []),
        ({"spam": 0.6}, "held", ["spam"]),
        ({"spam": 0.9}, "spam", ["spam"]),
        ({"gambling_promo": 0.45}, "published", []),
        ({"gambling_promo": 0.55}, "held", ["gambling_promo"]),
        ({"gambling_promo": 0.92}, "spam", ["gambling_promo"]),
        ({"gambling_promo": 0.95, "spam": 0.95, "toxicity": 0.7}, "spam", ["spam", "gambling_promo", "toxic"]),
    ],
)
def test_score_thresholds(score_changes: dict, status: str, reasons: list[str]) -> None:
    decision = run(scores(**score_changes))
    assert decision.status == status
    assert decision.reasons == reasons


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        ({"toxicity": {"hold": 0.5, "action_at": 0.9, "action": "rejected"}}, "rejected"),
        ({"toxicity": {"hold": 0.5, "action_at": 0.9, "action": "spam"}}, "spam"),
        ({"toxicity": {"hold": 0.99, "action_at": 1.0, "action": "held"}}, "published"),
    ],
)
def test_per_site_thresholds(rules: dict, status: str) -> None:
    assert run(scores(toxicity=0.95), PolicySettings(**rules)).status == status


@pytest.mark.parametrize(
    ("signals", "status", "reasons"),
    [
        ({"honeypot": True}, "spam", ["bot_honeypot"]),
        ({"bot_too_fast": True}, "spam", ["bot_too_fast"]),
        ({"form_token_invalid": True}, "spam", ["bot_invalid_token"]),
        ({"honeypot": False, "bot_too_fast": False}, "published", []),
        ({"links": 1}, "published", []),
        ({"links": 2}, "held", ["too_many_links"]),
        ({"links": 3, "honeypot": True}, "spam", ["bot_honeypot", "too_many_links"]),
    ],
)
def test_signals(signals: dict, status: str, reasons: list[str]) -> None:
    decision = run(CLEAN, **signals)
    assert (decision.status, decision.reasons) == (status, reasons)


def test_link_limit_zero_is_off() -> None:
    assert run(CLEAN, PolicySettings(link_limit=0), links=9).status == "published"


WORDS = {"moderation_words": ["pinjol", "dana cepat"], "blocked_words": ["viagra", "$$$"]}


@pytest.mark.parametrize(
    ("text", "status", "reasons"),
    [
        ("Artikel yang bagus", "published", []),
        ("Butuh PINJOL? hubungi kami", "held", ["moderation_word"]),
        ("butuh dana  cepat", "published", []),
        ("butuh dana cepat!", "held", ["moderation_word"]),
        ("ｐｉｎｊｏｌ murah", "held", ["moderation_word"]),  # full-width letters after NFKC
        ("pinjolku bukan kata itu", "published", []),  # word boundary
        ("beli Viagra sekarang", "spam", ["blocked_word"]),
        ("untung $$$ banyak", "spam", ["blocked_word"]),
        ("viagra dan pinjol", "spam", ["blocked_word", "moderation_word"]),
    ],
)
def test_word_lists(text: str, status: str, reasons: list[str]) -> None:
    decision = run(CLEAN, PolicySettings(**WORDS), text=text)
    assert (decision.status, decision.reasons) == (status, reasons)


@pytest.mark.parametrize(
    ("author", "hold_first", "status", "reasons"),
    [
        (AuthorFacts(), False, "published", []),
        (AuthorFacts(), True, "held", ["first_time_author"]),
        (AuthorFacts(published_count=2, recognised=False), True, "held", ["first_time_author"]),
        (AuthorFacts(published_count=0, recognised=True), True, "held", ["first_time_author"]),
        (AuthorFacts(published_count=2, recognised=True), True, "published", []),
        (AuthorFacts(published_count=2, recognised=True, banned=True), True, "spam", ["banned_author"]),
        (AuthorFacts(ip_prefix="203.0.113.0/24"), False, "spam", ["banned_author"]),
        (AuthorFacts(ip_prefix="198.51.100.0/24"), False, "published", []),
        (AuthorFacts(ip_prefix="2001:db8:1::/48"), False, "spam", ["banned_author"]),
    ],
)
def test_authors(author: AuthorFacts, hold_first: bool, status: str, reasons: list[str]) -> None:
    rules = PolicySettings(hold_first_time_authors=hold_first, banned_ip_ranges=["203.0.113.7/32", "2001:db8::/32"])
    decision = run(CLEAN, rules, author)
    assert (decision.status, decision.reasons) == (status, reasons)


@pytest.mark.parametrize(
    ("prefix", "ranges", "expected"),
    [
        ("", ["10.0.0.0/8"], False),
        ("10.1.2.0/24", ["10.0.0.0/8"], True),
        ("10.1.2.0/24", ["10.1.2.200"], True),
        ("garbage", ["10.0.0.0/8"], False),
    ],
)
def test_ip_banned(prefix: str, ranges: list[str], expected: bool) -> None:
    assert ip_banned(prefix, ranges) is expected


def test_contains_word_ignores_empty_entries() -> None:
    assert not contains_word("anything", ["", "  "])


def test_thresholds_used_records_every_score() -> None:
    rules = PolicySettings()
    used: dict[str, Any] = thresholds_used(resolve_thresholds(rules, MODEL_POINTS), rules)
    assert set(used) == {"toxicity", "identity_hate", "spam", "gambling_promo", "link_limit"}
    assert used["spam"] == {"hold": 0.5, "action_at": 0.9, "action": "spam"}
    assert used["link_limit"] == 2


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({}, Thresholds(hold=0.65, action_at=0.9, action="held")),  # the model's operating points
        ({"hold": 0.3}, Thresholds(hold=0.3, action_at=0.9, action="held")),  # the site overrides one
        ({"hold": 0.3, "action_at": 0.8, "action": "rejected"}, Thresholds(hold=0.3, action_at=0.8, action="rejected")),
    ],
)
def test_thresholds_come_from_the_model_unless_the_site_sets_them(rule: dict[str, Any], expected: Thresholds) -> None:
    assert resolve_thresholds(PolicySettings(toxicity=rule), MODEL_POINTS)["toxicity"] == expected


def test_a_model_without_operating_points_is_an_error() -> None:
    with pytest.raises(MissingThreshold, match="toxicity"):
        resolve_thresholds(PolicySettings(), {})


def test_settings_refuse_a_bad_ip_range() -> None:
    with pytest.raises(ValueError, match="not-a-range"):
        PolicySettings(banned_ip_ranges=["not-a-range"])
