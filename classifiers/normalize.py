"""Text normalisation that undoes common evasion tricks before featurisation.

Everything here is a pure function of its inputs; tables and regexes are built once.
Order matters: placeholders are extracted before leetspeak so URLs and phone numbers are
not mangled, and spaced letters are joined before numbers become ``xnumx``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import cast

from classifiers.leet import LEET_GATE_RE as _LEET_GATE_RE
from classifiers.leet import undo_leet
from classifiers.urls import is_citation_url

# Placeholder tokens: plain lowercase words so they survive tokenisation and become features.
URL_TOKEN = "xurlx"
EMAIL_TOKEN = "xemailx"
PHONE_TOKEN = "xphonex"
MENTION_TOKEN = "xmentionx"
NUMBER_TOKEN = "xnumx"
# Links to government / academic / major news hosts (see classifiers.urls): citations, not spam.
CITE_URL_TOKEN = "xurlcitex"
PLACEHOLDERS = (URL_TOKEN, EMAIL_TOKEN, PHONE_TOKEN, MENTION_TOKEN, NUMBER_TOKEN, CITE_URL_TOKEN)

_ZERO_WIDTH = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f" \
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069" \
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufe00\ufe01\ufe0e\ufe0f\ufeff\uffa0"
# Control characters become spaces (a tab or newline still separates words).
_CONTROL = "".join(chr(c) for c in range(32)) + "\x7f" + "".join(chr(c) for c in range(0x80, 0xA0))
# Decorative brackets used by gambling spam (e.g. 【H】【o】【k】【i】) separate letters.
_DECOR = "【】〖〗「」『』〔〕［］《》〈〉⟦⟧❮❯❰❱▪▫•·◆◇★☆✦✧♡♥❤"
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_STRIP_TABLE: dict[int, str | None] = {ord(c): None for c in _ZERO_WIDTH}
_STRIP_TABLE.update({ord(c): " " for c in _CONTROL + _DECOR})

_TLDS = (
    "com|net|org|id|co|io|me|ly|gl|xyz|site|online|vip|info|biz|link|top|club|live|app|asia|cc|"
    "tv|in|us|uk|ru|de|pro|bet|win|shop|store|fun|icu|best|one|gg|to|su|la|ws"
)
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Indonesian mobile numbers (08xx, +62 8xx, 62 8xx) with optional separators, and other
# long digit groups that look like phone numbers (10-15 digits).
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+?62[\s.-]?|0)8\d{1,3}(?:[\s.-]?\d{2,5}){2,4}(?!\w)"
    r"|(?<![\w+])\+\d{1,3}(?:[\s.-]?\d{2,5}){2,5}(?!\w)"
)
MENTION_RE = re.compile(r"(?<![\w@])@\w{1,40}")
NUMBER_RE = re.compile(r"(?<![\w])[-+]?\d+(?:[.,:]\d+)*(?![\w])")
# Letters joined by dots/dashes inside one token: "g.o.b.l.o.k", "g-o-b-l-o-k".
_INTOKEN_SPACED_RE = re.compile(r"(?:[a-z0-9@$!][.\-_*]{1,2}){2,}[a-z0-9@$!]")
_SPACED_SEP_RE = re.compile(r"[.\-_*]+")
_SPACED_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!")
_DIGIT_RE = re.compile(r"\d")
_ELONG_RE = re.compile(r"([a-z])\1{2,}")
_PUNCT_RUN_RE = re.compile(r"([^\w\s])\1{2,}")
_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]")


@dataclass(frozen=True)
class Lexicon:
    """Slang -> standard word map plus known words (to undo elongation correctly)."""

    slang: dict[str, str] = field(default_factory=dict)
    known_words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Extracted:
    """Spans pulled out of a text while normalising (used by the signal features)."""

    urls: tuple[str, ...] = ()
    phones: int = 0
    emails: int = 0
    mentions: int = 0


@functools.cache
def homoglyph_table() -> dict[int, str]:
    """Translate table mapping non-ASCII lookalikes (Cyrillic, Greek, ...) to ASCII."""
    from confusable_homoglyphs import confusables

    table: dict[int, str] = {}
    for key, entries in confusables.confusables_data.items():
        if len(key) != 1 or not key.isascii() or not key.isalnum():
            continue
        target = key.lower()
        for entry in entries:
            char = entry["c"]
            # Letters win over digits: 'О' should become 'o', not '0'.
            if len(char) == 1 and not char.isascii() and (
                    ord(char) not in table or (target.isalpha() and not table[ord(char)].isalpha())):
                table[ord(char)] = target
    return table


def _fold_homoglyphs(text: str) -> str:
    """Fold lookalikes only in words that already mix in ASCII letters, or when the text is
    mostly ASCII; genuine Cyrillic/Greek text is left alone (language detection needs it)."""
    table = homoglyph_table()
    ascii_only = text.encode("ascii", "ignore")  # the ASCII characters, one byte each
    ascii_letters = len(ascii_only) - len(ascii_only.translate(None, _ASCII_LETTERS))
    mostly_latin = ascii_letters * 2 >= sum(map(str.isalpha, text))
    out = []
    for word in text.split(" "):
        if word.isascii():
            out.append(word)
        elif mostly_latin or any(c.isascii() and c.isalpha() for c in word):
            out.append(word.translate(table))
        else:
            out.append(word)
    return " ".join(out)


def clean_unicode(text: str) -> str:
    """NFKC, drop zero-width/format characters, controls to spaces, fold homoglyphs."""
    text = unicodedata.normalize("NFKC", text).translate(_STRIP_TABLE)
    if not text.isascii():
        text = _fold_homoglyphs(text)
    return text


def _mostly_letters(chars: str) -> bool:
    # "1 2 3" is a list of numbers, not a spaced-out word.
    return sum(c.isalpha() for c in chars) * 2 > len(chars)


def _join_spaced_tokens(tokens: list[str]) -> list[str]:
    """Join runs of 3+ single-character tokens ("g o b l o k") and dotted letters."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 3 and _mostly_letters("".join(run)):
            out.append("".join(run))
        else:
            out.extend(run)
        run.clear()

    for tok in tokens:
        if len(tok) == 1 and tok in _SPACED_CHARS:
            run.append(tok)
            continue
        if run:
            flush()
        joined = _SPACED_SEP_RE.sub("", tok) if len(tok) >= 5 and _INTOKEN_SPACED_RE.fullmatch(tok) else ""
        out.append(joined if joined and _mostly_letters(joined) else tok)
    if run:
        flush()
    return out


def _collapse_word(word: str, known: frozenset[str]) -> str:
    """Collapse 3+ repeated letters: to two if that spells a known word ("goood"), else one."""
    two = _ELONG_RE.sub(r"\1\1", word)
    if two in known:
        return two
    return _ELONG_RE.sub(r"\1", word)


_URL_GATE_RE = re.compile(r"://|www\.|[a-z0-9]\.[a-z]", re.IGNORECASE)
# Gambling vocabulary (counted as a signal on normalised text, also inside brand names).
GAMBLING_RE = re.compile(
    r"slot|gacor|maxwin|jackpot|jekpot|togel|judi|casino|kasino|scatter|deposit|withdraw|\brtp\b"
    r"|taruhan|freebet|rungkad|zeus|olympus|mahjong|sbobet|\bwd\b|\bdepo\b|\bjp\b|\bbet\d*\b|\d+4d\b"
)
_TOKEN_CACHE_LIMIT = 100_000
# Three whitespace-separated single characters in a row: the only case where
# ``TokenNormalizer`` needs its token-by-token loop (\s and str.split agree on whitespace).
_SPACED_RUN_RE = re.compile(r"(?<!\S)[a-z0-9@$!]\s+[a-z0-9@$!]\s+[a-z0-9@$!](?!\S)")


def _extract(text: str) -> tuple[str, Extracted]:
    """Lowercase cleaned text with emails/URLs/phones/mentions replaced by placeholders."""
    text = clean_unicode(text).lower()
    urls: list[str] = []
    counts = [0, 0, 0]

    def _url(m: re.Match[str]) -> str:
        urls.append(m.group(0))
        return f" {CITE_URL_TOKEN} " if is_citation_url(m.group(0)) else f" {URL_TOKEN} "

    def _counter(i: int, token: str) -> Callable[[re.Match[str]], str]:
        def sub(_m: re.Match[str]) -> str:
            counts[i] += 1
            return f" {token} "

        return sub

    if "@" in text:
        text = EMAIL_RE.sub(_counter(1, EMAIL_TOKEN), text)
    if ("." in text or "/" in text) and _URL_GATE_RE.search(text):
        text = URL_RE.sub(_url, text)
    if _DIGIT_RE.search(text) is not None:
        text = PHONE_RE.sub(_counter(0, PHONE_TOKEN), text)
    if "@" in text:
        text = MENTION_RE.sub(_counter(2, MENTION_TOKEN), text)
    return text, Extracted(tuple(urls), counts[0], counts[1], counts[2])


def _normalize_token(tok: str, lex: Lexicon) -> tuple[tuple[str, ...], int]:
    """Words of one whitespace token (leet, numbers, punctuation, elongation, slang) and
    its gambling-term count. No later step crosses whitespace, so this is cacheable."""
    if _LEET_GATE_RE.search(tok):
        tok = undo_leet(tok, lex.known_words)
    if _DIGIT_RE.search(tok):
        tok = NUMBER_RE.sub(f" {NUMBER_TOKEN} ", tok)
    tok = _PUNCT_RUN_RE.sub(r"\1", tok)
    words = _TOKEN_RE.findall(tok)
    if _ELONG_RE.search(tok):
        words = [_collapse_word(w, lex.known_words) if _ELONG_RE.search(w) else w for w in words]
    if lex.slang:  # a standard form may be several words ("usa" -> "united state of america")
        words = [part for w in words for part in lex.slang.get(w, w).split()]
    return tuple(words), sum(len(GAMBLING_RE.findall(w)) for w in words)


class TokenNormalizer:
    """``normalize_extract`` with a bounded per-token cache; also counts gambling terms."""

    def __init__(self, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or _EMPTY_LEXICON
        self._cache: dict[str, tuple[tuple[str, ...], int]] = {}

    def _token(self, tok: str) -> tuple[tuple[str, ...], int]:
        hit = self._cache.get(tok)
        if hit is None:
            if len(tok) >= 5 and _INTOKEN_SPACED_RE.fullmatch(tok):
                joined = _SPACED_SEP_RE.sub("", tok)
                hit = _normalize_token(joined if _mostly_letters(joined) else tok, self.lexicon)
            else:
                hit = _normalize_token(tok, self.lexicon)
            if len(self._cache) >= _TOKEN_CACHE_LIMIT:
                self._cache.clear()
            self._cache[tok] = hit
        return hit

    def __call__(self, text: str) -> tuple[list[str], Extracted, int]:
        """(normalised words, extracted spans, gambling-term count) of one raw text."""
        text, extracted = _extract(text)
        tokens = text.split()
        if _SPACED_CHARS.isdisjoint(tokens) or not _SPACED_RUN_RE.search(text):  # no "g o b l o k"
            cached_hits = list(map(self._cache.get, tokens))
            hits = [hit or self._token(tok) for hit, tok in zip(cached_hits, tokens, strict=True)] \
                if None in cached_hits else cast(list[tuple[tuple[str, ...], int]], cached_hits)
            return list(chain.from_iterable(map(itemgetter(0), hits))), extracted, sum(map(itemgetter(1), hits))
        words: list[str] = []
        gambling = 0
        run: list[str] = []
        cached = self._cache.get
        for tok in [*tokens, ""]:
            if len(tok) == 1 and tok in _SPACED_CHARS:
                run.append(tok)
                continue
            if run:  # runs of 3+ single characters ("g o b l o k") are one spaced-out word
                pieces = ["".join(run)] if len(run) >= 3 and _mostly_letters("".join(run)) else run
                for piece in pieces:
                    w, g = self._token(piece)
                    words.extend(w)
                    gambling += g
                run = []
            if tok:
                hit = cached(tok) or self._token(tok)
                words.extend(hit[0])
                gambling += hit[1]
        return words, extracted, gambling


def normalize_extract(text: str, lexicon: Lexicon | None = None) -> tuple[str, Extracted]:
    """Normalise ``text`` and also return the URLs/phones/emails/mentions it contained."""
    text, extracted = _extract(text)
    text = " ".join(_join_spaced_tokens(text.split()))
    lex = lexicon or _EMPTY_LEXICON
    if _LEET_GATE_RE.search(text):
        text = undo_leet(text, lex.known_words)
    if _DIGIT_RE.search(text):
        text = NUMBER_RE.sub(f" {NUMBER_TOKEN} ", text)
    text = _PUNCT_RUN_RE.sub(r"\1", text)
    words = _TOKEN_RE.findall(text)
    if _ELONG_RE.search(text):
        words = [_collapse_word(w, lex.known_words) if _ELONG_RE.search(w) else w for w in words]
    slang = lex.slang
    if slang:
        words = [slang.get(w, w) for w in words]
    return " ".join(words), extracted


def normalize(text: str, lexicon: Lexicon | None = None) -> str:
    """Return the normalised form of ``text`` (lowercase, evasion undone, placeholders)."""
    return normalize_extract(text, lexicon)[0]


_EMPTY_LEXICON = Lexicon()
