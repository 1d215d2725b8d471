"""GET /privacy?site=ID: the privacy page in Indonesian or English, with the site's own periods and erasure mode."""
from __future__ import annotations

import pytest
from flask import Flask

from moderation.db import session_scope
from moderation.services import sites
from tests.helpers.factories import make_comment

SITES = {"news": {"name": "Harian Contoh", "origins": ["https://news.example"]},
         "intl": {"name": "World Daily", "origins": ["https://world.example"],
                  "policy": {"language": "en", "erase_mode": "delete"}}}


def synced(app: Flask) -> None:
    with session_scope(app) as session:
        sites.sync_sites(session, app.extensions["settings"])


@pytest.mark.parametrize(("query", "accept", "expected", "absent"), [
    ({"site": "news"}, "", ["Privasi komentar di Harian Contoh", "Apa yang disimpan", "AES-256-GCM",
                            "30 hari", "anonim"], ["What is stored"]),
    ({"site": "news", "lang": "en"}, "", ["Privacy of comments on Harian Contoh", "What is stored", "30 days",
                                          "anonymous"], ["Apa yang disimpan"]),
    ({"site": "news"}, "en-US,en;q=0.9", ["What is stored"], ["Apa yang disimpan"]),
    ({"site": "intl"}, "", ["Privacy of comments on World Daily", "comment removed"], ["Apa yang disimpan"]),
    ({"site": "intl", "lang": "id"}, "", ["Privasi komentar di World Daily", "komentar dihapus"], ["What is stored"]),
])
def test_privacy_page_languages(app_factory, query: dict[str, str], accept: str, expected: list[str],  # type: ignore[no-untyped-def]
                                absent: list[str]) -> None:
    app = app_factory(sites=SITES, raw_data_retention_days=30)
    synced(app)
    headers = {"Accept-Language": accept} if accept else {}
    page = app.test_client().get("/privacy", query_string=query, headers=headers)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in expected:
        assert text in html, text
    for text in absent:
        assert text not in html, text


def test_privacy_page_form_answers_the_same_for_known_and_unknown_addresses(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(sites=SITES)
    synced(app)
    make_comment(app, email="siti@example.com", site_id="news")
    client = app.test_client()
    answers = [client.post("/privacy", data={"site": "news", "email": email, "kind": "export", "lang": "en"})
               for email in ("siti@example.com", "nobody@example.com")]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("a link is on its way" in a.get_data(as_text=True) for a in answers)
    assert "siti@example.com" not in answers[0].get_data(as_text=True)


def test_unknown_site_is_named(app_factory) -> None:  # type: ignore[no-untyped-def]
    response = app_factory().test_client().get("/privacy", query_string={"site": "nope"})
    assert response.status_code == 404 and "site" in response.json["fields"]
