"""No email, and no unkeyed hash of it, on any public GET route or the demo page."""
from __future__ import annotations

import base64
import hashlib

from moderation.db import session_scope
from moderation.models import Comment, Status
from tests.public_helpers import ORIGIN, THREAD, comment

EMAILS = [f"  Pembaca{i}.Setia@Example.COM " for i in range(8)] + ["budi@example.com", "SITI@mail.example"]


def _needles(email: str) -> list[str]:
    norm = email.strip().lower()
    out = [email.strip(), norm]
    for algo in ("md5", "sha1", "sha256"):
        digest = hashlib.new(algo, norm.encode()).digest()
        out += [digest.hex(), base64.b64encode(digest).decode().rstrip("=")]
    return out


def test_no_email_derivative_on_public_routes(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(sites={"news": {"origins": [ORIGIN]}}, flood_seconds=0)
    client = app.test_client()
    ids = []
    for i, email in enumerate(EMAILS):
        response = client.post("/api/v1/comments", json=comment(client, email=email, body=f"Komentar {i}"))
        assert response.status_code == 202
        ids.append(response.json["id"])
    with session_scope(app) as session:
        for cid in ids:
            session.get(Comment, cid).status = Status.PUBLISHED.value
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {"comment_id": ids[0], "slug": "artikel-1"}
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **{a: values.get(a, 1) for a in rule.arguments})
        pages.append(client.get(url, query_string={"site": "news", "thread": THREAD}).get_data(as_text=True))
    with client.get("/static/embed.js") as widget:  # closes the file response
        pages.append(widget.get_data(as_text=True))
    text = "\n".join(pages)
    assert "Komentar 3" in text  # the crawl did see the comments
    for email in EMAILS:
        for needle in _needles(email):
            assert needle not in text, needle
