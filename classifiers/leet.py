"""Leetspeak: which words are leet ("57up1d", "gu3") and how to read them back."""

from __future__ import annotations

import re

# A leet character next to a letter; a cheap gate before the word-level pass.
LEET_GATE_RE = re.compile(r"[a-z][4@1!3057$]|[4@13057$][a-z]")
_LEET = {"4": "a", "@": "a", "1": "i", "!": "i", "3": "e", "0": "o", "5": "s", "$": "s", "7": "t"}
# Old-style evidence of leetspeak inside a word: a leet character between letters, or one
# leading leet character before two letters. A word with such evidence is decoded whole; so is
# a word whose decoded form is a known word ("gu3" -> "gue", "h03" -> "hoe"). Everything else
# stays as typed, so "covid19", "slot777", "mp3", "4k" and "10am" keep their digits.
_LEET_EVIDENCE_RE = re.compile(r"[a-z][4@1!3057$]{1,2}[a-z]|^[4@13057$][a-z]{2}")
_LEET_WORD_RE = re.compile(r"(?<![\w@$!])[a-z4@1!3057$]*[a-z413057](?![a-z413057])")
_LEET_TABLE = str.maketrans(_LEET)


def undo_leet(text: str, known_words: frozenset[str] = frozenset()) -> str:
    """Decode leetspeak words ("57up1d" -> "stupid") and leave numbers and codes alone."""

    def word(match: re.Match[str]) -> str:
        w = match.group(0)
        if w.isalpha() or not any(c.isalpha() for c in w):
            return w
        decoded = w.translate(_LEET_TABLE)
        if _LEET_EVIDENCE_RE.search(w) or (len(w) >= 3 and decoded in known_words):
            return decoded
        return w

    return _LEET_WORD_RE.sub(word, text)
