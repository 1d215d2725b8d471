"""Non-lexical spam signals from the raw text, plus caller-metadata priors.

Text signals are learned like any other feature. There is no length signal: in the training
sets spam is longer than ham (SMS chat, short YouTube replies), so log-length pushed every long,
polite news comment towards spam and gambling_promo (+5 and +2 log-odds for a 66-character one). Caller metadata (website given, form fill
time) never occurs in the public training data, so it cannot be learned: it enters as fixed,
documented log-odds priors applied after calibration (see ``metadata_adjustments``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from classifiers.normalize import GAMBLING_RE, Extracted
from classifiers.urls import is_citation_domain, is_shortener, url_domain

SIGNAL_NAMES = (
    "signal:links", "signal:distinct_domains", "signal:url_shortener", "signal:phone_numbers",
    "signal:emails", "signal:mentions", "signal:repeated_chars", "signal:capitals_ratio",
    "signal:digits_ratio", "signal:non_ascii_ratio", "signal:gambling_terms",
    "signal:citation_links", "signal:group_terms",
)
_REPEAT_RE = re.compile(r"(.)\1{2,}")
_DIGITS_RE = re.compile(r"\d")
_UPPER_RE = re.compile(r"[A-Z]")
_LETTER_RE = re.compile(r"[A-Za-z]")

# Log-odds added per head when the caller passes metadata. Hand-set priors, not learned:
# bots fill forms in seconds and link spam usually comes with a website field. A fast form says
# "bot", not "gambling": it gets a mild spam prior only (it used to add +1.2 spam and +0.8
# gambling_promo, which pushed a polite comment filled in 0 s to gambling_promo 0.53); the
# service's policy handles bots separately (bot_too_fast).
METADATA_PRIORS: dict[str, dict[str, float]] = {
    "website_given": {"spam": 0.7, "gambling_promo": 0.3},
    "fast_fill": {"spam": 0.6},
    "slow_fill": {"spam": -0.3, "gambling_promo": -0.2},
}
FAST_FILL_SECONDS = 4.0
SLOW_FILL_SECONDS = 30.0


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_ASCII_UPPER = bytes(range(65, 91))
_ASCII_DIGITS = b"0123456789"


def _char_counts(raw: str) -> tuple[int, int, int]:
    """(ASCII letters, ASCII capitals, digits) in ``raw``; bytes.translate for ASCII text."""
    if raw.isascii():
        b = raw.encode("ascii")
        n = len(b)
        return (n - len(b.translate(None, _ASCII_LETTERS)), n - len(b.translate(None, _ASCII_UPPER)),
                n - len(b.translate(None, _ASCII_DIGITS)))
    return len(_LETTER_RE.findall(raw)), len(_UPPER_RE.findall(raw)), len(_DIGITS_RE.findall(raw))


def text_signals(raw: str, extracted: Extracted, normalized: str = "",
                 gambling: int | None = None, group_terms: int = 0) -> list[float]:
    """Scaled signal values (order of SIGNAL_NAMES) for one raw text.

    ``gambling`` is the count of gambling terms in the normalised text when the caller
    already has it; otherwise it is counted in ``normalized``. Links to citation domains
    (classifiers.urls) count as ``citation_links``, not as ``links`` / ``distinct_domains``.
    ``group_terms`` is the number of group nouns among the tokens (classifiers.group_terms).
    """
    n = len(raw) or 1
    links, citations = 0, 0
    if extracted.urls:
        all_domains = [url_domain(u) for u in extracted.urls]
        cited = [is_citation_domain(d) for d in all_domains]
        citations = sum(cited)
        links = len(all_domains) - citations
        domains = {d for d, c in zip(all_domains, cited, strict=True) if not c}
        shortener = 1.0 if any(is_shortener(d) for d in domains) else 0.0
    else:
        domains, shortener = set(), 0.0
    letters, upper, digits = _char_counts(raw)
    caps = upper / letters if letters >= 5 else 0.0
    non_ascii = 0.0 if raw.isascii() else sum(ord(c) > 127 for c in raw) / n
    if gambling is None:
        gambling = len(GAMBLING_RE.findall(normalized))
    return [
        math.log1p(links),
        math.log1p(len(domains)),
        shortener,
        math.log1p(extracted.phones),
        math.log1p(extracted.emails),
        math.log1p(extracted.mentions),
        math.log1p(len(_REPEAT_RE.findall(raw))) if len(raw) > 2 else 0.0,
        caps,
        digits / n,
        non_ascii,
        math.log1p(gambling),
        math.log1p(citations),
        math.log1p(group_terms),
    ]


def _truthy(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value.lower() not in ("", "0", "false", "no", "none", "null")
    return bool(value)


def metadata_adjustments(metadata: Mapping[str, Any] | None) -> dict[str, list[tuple[str, float]]]:
    """Per-head log-odds priors triggered by caller metadata (unknown keys are ignored)."""
    out: dict[str, list[tuple[str, float]]] = {}
    if not metadata:
        return out
    active: list[str] = []
    if _truthy(metadata.get("website")):
        active.append("website_given")
    fill = metadata.get("fill_seconds")
    if isinstance(fill, (int, float)) and not isinstance(fill, bool) and math.isfinite(fill):
        if 0 <= fill < FAST_FILL_SECONDS:
            active.append("fast_fill")
        elif fill > SLOW_FILL_SECONDS:
            active.append("slow_fill")
    for name in active:
        for head, value in METADATA_PRIORS[name].items():
            out.setdefault(head, []).append((f"metadata:{name}", value))
    return out
