"""Languages: the API's codes and messages per language, the language files, and the widget's bundled scripts."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from moderation import catalog, schemas
from moderation.blueprints import widget
from tests.public_helpers import ORIGIN, THREAD, news_app, post

LANG_DIR = catalog.LANG_DIR


def _keys(data: dict, prefix: str = "") -> set[str]:
    return {f"{prefix}{k}" if not isinstance(v, dict) else f"{prefix}{k}." for k, v in data.items()} | {
        key for k, v in data.items() if isinstance(v, dict) for key in _keys(v, f"{prefix}{k}.")}


def test_every_language_file_has_every_text() -> None:
    files = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in LANG_DIR.glob("*.json")}
    assert set(files) >= {"id", "en"}
    for code, data in files.items():
        assert _keys(data) == _keys(files["en"]), code
    # Every code the validators raise has a reason in every language.
    codes = (schemas.CODES - {"invalid"}) | set(schemas.PYDANTIC_CODES.values())
    for code, data in files.items():
        assert codes <= set(data["fields"]), (code, codes - set(data["fields"]))


@pytest.mark.parametrize(("headers", "query", "lang"), [
    ({}, {}, "en"),
    ({"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}, {}, "id"),
    ({"Accept-Language": "in"}, {}, "id"),
    ({"Accept-Language": "fr-FR,en;q=0.5"}, {}, "en"),
    ({"Accept-Language": "en"}, {"lang": "id"}, "id"),
    ({}, {"lang": "xx"}, "en"),
])
def test_errors_have_codes_and_the_language_asked_for(app_factory, headers: dict, query: dict, lang: str) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    client = app.test_client()
    response = client.post("/api/v1/comments", query_string=query, headers=headers,
                           json={"site": "news", "thread": THREAD, "name": "", "email": "budi@", "body": "  ",
                                 "website": "ftp://x.example"})
    assert response.status_code == 422
    assert response.json["codes"] == {"name": "required", "email": "email_invalid", "body": "required",
                                      "website": "url_scheme"}
    expected = {
        "id": ("Periksa kembali ruas yang ditandai.", "Wajib diisi: silakan tulis komentar Anda.", "Alamat email tidak valid."),
        "en": ("Please correct the fields listed.", "required: please type a comment", "not a valid email address"),
    }[lang]
    assert response.json["message"] == expected[0]
    assert response.json["fields"]["body"] == expected[1]
    assert response.json["fields"]["email"] == expected[2]


def test_top_level_messages_and_parameters_are_translated(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory, flood_seconds=0)
    client = app.test_client()
    first = post(client)
    duplicate = post(client, headers={"Accept-Language": "id"})
    assert duplicate.status_code == 409 and duplicate.json["error"] == "conflict"
    assert duplicate.json["message"].startswith("Komentar ganda")
    too_long = post(client, body="x" * 5001, headers={"Accept-Language": "id"})
    assert too_long.json["fields"]["body"] == "Terlalu panjang: paling banyak 5000 karakter."
    foreign = client.get("/api/v1/comments", query_string={"site": "news", "thread": "https://evil.example/", "lang": "id"})
    assert foreign.status_code == 403 and foreign.json["codes"] == {"thread": "thread_foreign"}
    assert foreign.json["message"] == "Halaman ini tidak berada di alamat yang terdaftar untuk situs ini."
    gone = client.delete(f"/api/v1/comments/{first.json['id']}", headers={"X-Edit-Token": "wrong"}, query_string={"lang": "id"})
    assert gone.status_code == 403 and "penulisnya" in gone.json["message"]
    method = client.put("/api/v1/comments", query_string={"lang": "id"})
    assert method.status_code == 405 and method.json["message"] == "Metode tidak diizinkan untuk alamat ini."


def test_wordpress_error_page_in_the_site_language_with_frame_ancestors(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = news_app(app_factory)
    response = app.test_client().post("/wp-comments-post.php", data={"site": "news", "thread": THREAD, "author": "",
                                                                     "email": "x@example.com", "comment": "Halo"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '<html lang="id">' in html
    assert "Komentar Anda belum terkirim" in html and "Wajib diisi: silakan tulis nama Anda." in html
    csp = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors {ORIGIN}" in csp and "default-src 'none'" in csp


def test_embed_script_carries_languages_and_styles_gzipped_with_etag(app_factory) -> None:  # type: ignore[no-untyped-def]
    client = news_app(app_factory).test_client()
    plain = client.get("/static/embed.js")
    assert plain.status_code == 200 and plain.mimetype == "text/javascript"
    text = plain.get_data(as_text=True)
    assert "Tinggalkan Balasan" in text and "Leave a Reply" in text and ".mc-root" in text
    assert "/*@LANGS@*/" not in text and "/*@CSS@*/" not in text and "eval(" not in text
    zipped = client.get("/static/embed.js", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data).decode() == text
    assert len(zipped.data) < 30 * 1024  # JS + CSS under 30 KB gzipped (bench/bench_widget.py measures it)
    cached = client.get("/static/embed.js", headers={"If-None-Match": plain.headers["ETag"]})
    assert cached.status_code == 304
    assert plain.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    counts = client.get("/static/count.js").get_data(as_text=True)
    assert '"other":"{n} komentar"' in counts and "Tinggalkan" not in counts


def test_adding_a_language_is_one_file(app_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    langs = tmp_path / "lang"
    shutil.copytree(LANG_DIR, langs)
    javanese = json.loads((LANG_DIR / "id.json").read_text(encoding="utf-8"))
    javanese["ui"]["title"] = "Ninggalake Wangsulan"
    javanese["messages"]["invalid"] = "Tulung dibenerake kolom sing ditandhani."
    (langs / "jv.json").write_text(json.dumps(javanese), encoding="utf-8")
    monkeypatch.setattr(catalog, "LANG_DIR", langs)
    catalog.catalogs.cache_clear()
    try:
        client = news_app(app_factory).test_client()
        assert "Ninggalake Wangsulan" in client.get("/static/embed.js").get_data(as_text=True)
        answer = client.post("/api/v1/comments", json={"site": "news", "thread": THREAD}, query_string={"lang": "jv"})
        assert answer.json["message"] == "Tulung dibenerake kolom sing ditandhani."
    finally:
        catalog.catalogs.cache_clear()


def test_minified_css_keeps_every_rule() -> None:
    source = (widget.SOURCES / "widget.css").read_text(encoding="utf-8")
    small = widget.minify_css(source)
    assert small.count("{") == source.count("{") and "/*" not in small and len(small) < len(source)
