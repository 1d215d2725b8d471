"""The link count of a body, with and without rendering its HTML."""
from __future__ import annotations

import random

import pytest

from moderation.sanitize import body_html, count_body_links, count_links

BODIES = [
    "Terima kasih atas beritanya.",
    "lihat https://contoh.id/berita dan www.judi.example sekarang",
    "dua baris\nhttps://a.example\n\nhttps://b.example/x?y=1",
    "tanpa spasi:https://a.example,https://b.example",
    "kutip \"https://a.example\" dan 'www.b.example'",
    "bidi \u202ewww.a.example\u202c di tengah awww.b.example",
    "nbsp\u00a0https://a.example\u00a0www.b.example",
    "tab\thttps://a.example\tselesai",
    "<a href=\"https://a.example\">https://a.example</a> www.b.example",
    "a &amp; b https://a.example &lt;script&gt;",
    "x > y https://a.example",
    "WWW.BESAR.EXAMPLE dan HTTPS://BESAR.EXAMPLE",
    "",
]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("website", ["", "https://blog.example", "javascript:alert(1)"])
def test_count_without_rendering_equals_count_of_the_rendered_html(body: str, website: str) -> None:
    assert count_body_links(body, website) == count_links(body_html(body), website)


def test_count_equals_rendered_count_on_random_plain_text() -> None:
    pieces = ["https://", "http://", "www.", "a", "example", ".", "/", " ", "\n", "\n\n", "\t", "\u00a0", "\u202e",
              "\u2066", "\"", "'", ",", "é", "漢", "-", "?q=1", ":"]
    rng = random.Random(12)
    for _ in range(2000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        assert count_body_links(body) == count_links(body_html(body)), repr(body)


def test_links_are_counted() -> None:
    assert count_body_links("lihat https://a.example dan www.b.example", "https://c.example") == 3
