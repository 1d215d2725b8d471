"""Evasion perturbations for the robustness suite.

Pure functions: each takes a text and returns a perturbed copy. Randomness comes only from
``random.Random(f"{seed}:{name}:{text}")`` so the same (text, seed) always gives the same result,
on every machine and Python process (string seeding of ``random.Random`` is stable, unlike
``hash()``).

The perturbations imitate what commenters do to get past word filters: leetspeak, spaced-out
letters, elongated vowels, look-alike letters from other scripts, invisible characters, and odd
casing. They act on "words" (runs of letters); placeholders such as URLs or numbers are left as
they are because attackers keep those readable.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

__all__ = [
    "HOMOGLYPHS",
    "LEET",
    "PERTURBATIONS",
    "ZERO_WIDTH",
    "casing",
    "elongation",
    "homoglyphs",
    "leet",
    "mixed",
    "perturb",
    "spacing",
    "zero_width",
]

# Letter -> leetspeak substitute (the ones the normaliser is meant to fold).
LEET: dict[str, str] = {"a": "4", "i": "1", "e": "3", "o": "0", "s": "5", "t": "7"}

# Latin letter -> visually identical letter from Cyrillic / Greek (confusables).
HOMOGLYPHS: dict[str, str] = {
    "a": "\u0430",  # Cyrillic a
    "c": "\u0441",  # Cyrillic es
    "e": "\u0435",  # Cyrillic ie
    "i": "\u0456",  # Cyrillic Byelorussian-Ukrainian i
    "j": "\u0458",  # Cyrillic je
    "o": "\u043e",  # Cyrillic o
    "p": "\u0440",  # Cyrillic er
    "s": "\u0455",  # Cyrillic dze
    "x": "\u0445",  # Cyrillic ha
    "y": "\u0443",  # Cyrillic u
    "k": "\u03ba",  # Greek kappa
    "n": "\u0578",  # Armenian vo (looks like n)
}

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")

_WORD = re.compile(r"[^\W\d_]{3,}")  # letters only, at least 3 of them
# Spans left untouched: URLs, bare domains, e-mail addresses, @mentions.
_PROTECTED = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|@\w+|\b[\w-]+\.(?:com|id|net|org|co|ly|me|io|xyz)\b\S*",
    re.IGNORECASE,
)
_VOWELS = "aeiouAEIOU"


def _rng(name: str, text: str, seed: int) -> random.Random:
    return random.Random(f"{seed}:{name}:{text}")


def _outside_protected(text: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to the parts of ``text`` that are not URLs, e-mails or mentions."""
    out, last = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(fn(text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(fn(text[last:]))
    return "".join(out)


def _map_words(text: str, fn: Callable[[str], str], rng: random.Random, rate: float) -> str:
    def sub(m: re.Match[str]) -> str:
        return fn(m.group(0)) if rng.random() < rate else m.group(0)

    return _outside_protected(text, lambda chunk: _WORD.sub(sub, chunk))


def leet(text: str, *, seed: int = 0, rate: float = 1.0) -> str:
    """Replace a/i/e/o/s/t by 4/1/3/0/5/7 in a fraction ``rate`` of the words."""
    rng = _rng("leet", text, seed)

    def word(w: str) -> str:
        return "".join(LEET.get(c.lower(), c) for c in w)

    return _map_words(text, word, rng, rate)


def spacing(text: str, *, seed: int = 0, rate: float = 0.5) -> str:
    """Space out the letters of a fraction of the words: "goblok" -> "g o b l o k".

    At least one word is spaced whenever the text has an eligible word.
    """
    rng = _rng("spacing", text, seed)
    n = [0]
    _outside_protected(text, lambda chunk: n.__setitem__(0, n[0] + len(_WORD.findall(chunk))) or chunk)
    if not n[0]:
        return text
    chosen = {i for i in range(n[0]) if rng.random() < rate} or {rng.randrange(n[0])}
    counter = iter(range(n[0]))

    def sub(m: re.Match[str]) -> str:
        return " ".join(m.group(0)) if next(counter) in chosen else m.group(0)

    return _outside_protected(text, lambda chunk: _WORD.sub(sub, chunk))


def elongation(text: str, *, seed: int = 0, rate: float = 0.5, repeat: int = 4) -> str:
    """Repeat a vowel (or the last letter) of a fraction of the words: "anjing" -> "anjiiiing"."""
    rng = _rng("elongation", text, seed)

    def word(w: str) -> str:
        idx = [i for i, c in enumerate(w) if c in _VOWELS] or [len(w) - 1]
        i = rng.choice(idx)
        return w[: i + 1] + w[i] * (repeat - 1) + w[i + 1 :]

    return _map_words(text, word, rng, rate)


def homoglyphs(text: str, *, seed: int = 0, rate: float = 0.5) -> str:
    """Swap each replaceable Latin letter for a look-alike from another script with prob. ``rate``."""
    rng = _rng("homoglyphs", text, seed)

    def char(c: str) -> str:
        g = HOMOGLYPHS.get(c.lower())
        if g is not None and rng.random() < rate:
            return g.upper() if c.isupper() else g
        return c

    return _outside_protected(text, lambda chunk: "".join(map(char, chunk)))


def zero_width(text: str, *, seed: int = 0, rate: float = 1.0) -> str:
    """Insert an invisible character inside a fraction ``rate`` of the words."""
    rng = _rng("zero_width", text, seed)

    def word(w: str) -> str:
        i = rng.randrange(1, len(w))
        return w[:i] + rng.choice(ZERO_WIDTH) + w[i:]

    return _map_words(text, word, rng, rate)


def casing(text: str, *, seed: int = 0, rate: float = 0.5) -> str:
    """Flip the case of each letter with probability ``rate`` ("gOblOK")."""
    rng = _rng("casing", text, seed)

    def char(c: str) -> str:
        return c.swapcase() if c.isalpha() and rng.random() < rate else c

    return _outside_protected(text, lambda chunk: "".join(map(char, chunk)))


def mixed(text: str, *, seed: int = 0) -> str:
    """Several evasions stacked: leet on half the words, then elongation, then zero-width."""
    return zero_width(elongation(leet(text, seed=seed, rate=0.5), seed=seed), seed=seed, rate=0.5)


PERTURBATIONS: dict[str, Callable[..., str]] = {
    "leet": leet,
    "spacing": spacing,
    "elongation": elongation,
    "homoglyphs": homoglyphs,
    "zero_width": zero_width,
    "casing": casing,
    "mixed": mixed,
}


def perturb(text: str, name: str, *, seed: int = 0) -> str:
    """Apply the named perturbation with its default strength."""
    try:
        fn = PERTURBATIONS[name]
    except KeyError:
        raise ValueError(f"unknown perturbation {name!r}; known: {sorted(PERTURBATIONS)}") from None
    return fn(text, seed=seed)
