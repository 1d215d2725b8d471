"""A tiny in-memory corpus (both tasks, both languages) for fast training tests."""

from __future__ import annotations

from classifiers.training.datasets import Example

_TOXIC_ID = ["dasar anjing goblok {}", "bangsat lu {}", "tolol banget kamu {}", "kampret sialan {}"]
_CLEAN_ID = ["terima kasih beritanya {}", "semoga jalan cepat diperbaiki {}", "saya setuju {}", "info yang bagus {}"]
_TOXIC_EN = ["you stupid idiot {}", "shut up moron {}", "fuck you loser {}", "dumb bitch {}"]
_CLEAN_EN = ["thanks for the article {}", "nice weather today {}", "I agree with this {}", "good point {}"]
_SPAM = ["check out my channel {}", "win free prize call now {}", "slot gacor maxwin daftar {}", "promo judi online {}"]
_HAM = ["great song {}", "see you tomorrow {}", "lagunya enak {}", "kapan konser lagi {}"]


def tiny_corpus(n: int = 20) -> list[Example]:
    """~300 examples; every head sees both classes."""
    out: list[Example] = []
    for i in range(n):
        for t in _TOXIC_ID:
            out.append(Example(t.format(i), "tiny-id", "id", "toxicity", 1, identity_hate=int(i % 3 == 0)))
        for t in _CLEAN_ID:
            out.append(Example(t.format(i), "tiny-id", "id", "toxicity", 0, identity_hate=0))
        for t in _TOXIC_EN:
            out.append(Example(t.format(i), "tiny-en", "en", "toxicity", 1))
        for t in _CLEAN_EN:
            out.append(Example(t.format(i), "tiny-en", "en", "toxicity", 0))
        for t in _SPAM:
            out.append(Example(t.format(i), "tiny-spam", "en", "spam", 1, gambling=int("slot" in t or "judi" in t)))
        for t in _HAM:
            out.append(Example(t.format(i), "tiny-spam", "en", "spam", 0, gambling=0))
    return out
