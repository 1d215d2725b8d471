"""Non-lexical spam signals from the raw text, plus caller-metadata priors.

Text signals are learned like any other feature. Caller metadata (website given, form fill
time) never occurs in the public training data, so it cannot be learned: it enters as fixed,
documented log-odds priors applied after calibration (see ``metadata_adjustments``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from classifiers.normalize import GAMBLING_RE, Extracted, is_shortener, url_domain

SIGNAL_NAMES = (
    "signal:links", "signal:distinct_domains", "signal:url_shortener", "signal:phone_numbers",
    "signal:emails", "signal:mentions", "signal:repeated_chars", "signal:capitals_ratio",
    "signal:length", "signal:digits_ratio", "signal:non_ascii_ratio", "signal:gambling_terms",
)
_REPEAT_RE = re.compile(r"(.)\1{2,}")
_DIGITS_RE = re.compile(r"\d")
_UPPER_RE = re.compile(r"[A-Z]")
_LETTER_RE = re.compile(r"[A-Za-z]")

# Log-odds added per head when the caller passes metadata. Hand-set priors, not learned:
# bots fill forms in seconds and link spam usually comes with a website field.
METADATA_PRIORS: dict[str, dict[str, float]] = {
    "website_given": {"spam": 0.7, "gambling_promo": 0.5},
    "fast_fill": {"spam": 1.2, "gambling_promo": 0.8},
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
                 gambling: int | None = None) -> list[float]:
    """Scaled signal values (order of SIGNAL_NAMES) for one raw text.

    ``gambling`` is the count of gambling terms in the normalised text when the caller
    already has it; otherwise it is counted in ``normalized``.
    """
    n = len(raw) or 1
    if extracted.urls:
        domains = {url_domain(u) for u in extracted.urls}
        shortener = 1.0 if any(is_shortener(d) for d in domains) else 0.0
    else:
        domains, shortener = set(), 0.0
    letters, upper, digits = _char_counts(raw)
    caps = upper / letters if letters >= 5 else 0.0
    non_ascii = 0.0 if raw.isascii() else sum(ord(c) > 127 for c in raw) / n
    if gambling is None:
        gambling = len(GAMBLING_RE.findall(normalized))
    return [
        math.log1p(len(extracted.urls)),
        math.log1p(len(domains)),
        shortener,
        math.log1p(extracted.phones),
        math.log1p(extracted.emails),
        math.log1p(extracted.mentions),
        math.log1p(len(_REPEAT_RE.findall(raw))) if len(raw) > 2 else 0.0,
        caps,
        math.log1p(n) / 8.0,
        digits / n,
        non_ascii,
        math.log1p(gambling),
    ]


def _truthy(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if value.lower() in ("", "0", "false", "no", "none", "null"):
            return False
        return True
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
