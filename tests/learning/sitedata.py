"""A made-up site whose readers insult each other in words no public dataset has: only its own labels teach them."""
from __future__ import annotations

import random
from pathlib import Path

from tests.learning.exports import C, write_wxr

INSULTS = ["zorblax", "kwimpul", "drogosh", "pleXvak", "snirbel"]
PRAISE = ["flimwop", "tandrak", "welopi", "mursani", "qebbit"]
FILLER = ["pak", "bu", "berita", "hari", "ini", "kota", "jalan", "warga", "kemarin", "itu", "lagi", "sekali"]


def comments(n: int, seed: int = 0) -> list[tuple[str, int]]:
    """n (text, toxic) pairs, half toxic; the label is carried only by the made-up words."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        toxic = i % 2
        words = rng.sample(FILLER, 4) + [rng.choice(INSULTS if toxic else PRAISE) for _ in range(2)]
        rng.shuffle(words)
        out.append((" ".join(words) + f" {i}", toxic))
    return out


def write_history(path: Path, pairs: list[tuple[str, int]], start_year: int = 2023, flip: bool = False,
                  first_id: int = 1) -> Path:
    """A WXR export: clean comments approved, toxic ones trashed (or the other way round with flip), one a day."""
    items = []
    for i, (text, toxic) in enumerate(pairs):
        day = f"{start_year + i // 330}-{1 + (i // 28) % 12:02d}-{1 + i % 28:02d} 10:00:00"
        approved = "trash" if bool(toxic) != flip else "1"
        items.append(C(str(first_id + i), text, approved=approved, email=f"r{i % 40}@example.co.id", date=day))
    return write_wxr(path, {"https://news.example/berita/1": items})
