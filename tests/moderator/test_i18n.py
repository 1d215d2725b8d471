"""English and Indonesian UI: catalogs complete and compiled; the moderator's setting, then the browser."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

from tests.moderator.helpers import held, login, moderator

CATALOGS = Path(__file__).resolve().parents[2] / "moderation" / "translations"


def test_indonesian_catalog_is_complete_and_compiled() -> None:
    with open(CATALOGS / "id" / "LC_MESSAGES" / "messages.po", "rb") as f:
        po = read_po(f)
    with open(CATALOGS / "id" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        mo = read_mo(f)
    with open(CATALOGS / "messages.pot", "rb") as f:
        pot = read_po(f)
    assert {m.id for m in pot if m.id} <= {m.id for m in po if m.id and m.string}, "untranslated messages"
    assert {m.id: m.string for m in po if m.id and not m.fuzzy} == {m.id: m.string for m in mo if m.id}, \
        "messages.mo is stale: run scripts/update_translations.py"


@pytest.mark.parametrize(("locale", "accept", "expected", "absent"), [
    ("", "id-ID,id;q=0.9,en;q=0.5", "Antrean", "Queue<"),
    ("", "en-US,en;q=0.9", "Queue<", "Antrean"),
    ("id", "en-US,en;q=0.9", "Antrean", "Queue<"),  # the moderator's setting wins over the browser
    ("en", "id-ID", "Queue<", "Antrean"),
])
def test_language_choice(app: Flask, locale: str, accept: str, expected: str, absent: str) -> None:
    moderator(app, locale=locale)
    held(app)
    client = app.test_client()
    login(client)
    page = client.get("/moderation/queue", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert expected in page and absent not in page
    if expected == "Antrean":
        assert "Setujui" in page and "toksik" in page and 'lang="id"' in page
