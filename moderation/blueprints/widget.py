"""The widget's scripts, one request each: `/static/embed.js` and `/static/count.js`.

Sources live in `moderation/static/widget/`: `embed.js`, `count.js`, `widget.css` and one
`lang/<code>.json` per language. Each script is served with the language files (and, for embed.js,
the stylesheet) put into it, so a page makes no other request for them and a new language is one
new file. Nothing to build: the service assembles each script from the sources on first request
(again when a source changes), gzips it once and serves it with an ETag.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request

from moderation import catalog

SOURCES = Path(__file__).resolve().parents[1] / "static" / "widget"
# What each script takes from a language file.
PARTS = {"embed.js": ("locale", "ui", "fields", "messages"), "count.js": ("locale", "count")}
bp = Blueprint("widget", __name__)


@dataclass(frozen=True)
class Bundle:
    """One assembled script: plain and gzipped bytes and their ETag."""

    body: bytes
    gzipped: bytes
    etag: str


def minify_css(css: str) -> str:
    """Drop comments and needless whitespace (our own stylesheet: no strings with braces in it)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};,>])\s*", r"\1", css).replace(";}", "}").strip()


def assemble(name: str) -> str:
    """The script `name` with its language texts (and stylesheet) filled in."""
    langs = {code: {part: data[part] for part in PARTS[name] if part in data}
             for code, data in _languages().items()}
    text = (SOURCES / name).read_text(encoding="utf-8")
    text = text.replace("/*@LANGS@*/{}", json.dumps(langs, ensure_ascii=False, separators=(",", ":")))
    if name == "embed.js":
        css = minify_css((SOURCES / "widget.css").read_text(encoding="utf-8"))
        text = text.replace('/*@CSS@*/""', json.dumps(css, ensure_ascii=False))
    return text


def _languages() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(catalog.LANG_DIR.glob("*.json"))}


def _stamp() -> tuple[tuple[str, int], ...]:
    paths = [*SOURCES.glob("*.js"), *SOURCES.glob("*.css"), *catalog.LANG_DIR.glob("*.json")]
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in paths))


_built: dict[str, tuple[tuple[tuple[str, int], ...], Bundle]] = {}
_lock = threading.Lock()


def bundle(name: str) -> Bundle:
    """The assembled script, rebuilt only when a source file changed."""
    stamp = _stamp()
    with _lock:
        hit = _built.get(name)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    body = assemble(name).encode()
    built = Bundle(body, gzip.compress(body, compresslevel=9, mtime=0), hashlib.sha256(body).hexdigest()[:20])
    with _lock:
        _built[name] = (stamp, built)
    return built


def _serve(name: str) -> Response:
    built = bundle(name)
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    etag = built.etag + ("-gz" if gzipped else "")
    headers = {
        "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=600",
        "ETag": f'"{etag}"', "Vary": "Accept-Encoding", "X-Content-Type-Options": "nosniff",
        # Pages that isolate themselves (Cross-Origin-Embedder-Policy) may still load it.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if f'"{etag}"' in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(built.gzipped if gzipped else built.body, headers=headers)


@bp.get("/static/embed.js")
def embed_js() -> Response:
    """The comment widget (script, stylesheet and every language in one file)."""
    return _serve("embed.js")


@bp.get("/static/count.js")
def count_js() -> Response:
    """The comment-count script for article lists."""
    return _serve("count.js")
