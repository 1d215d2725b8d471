"""Every permission: role x action x own site / other site, through the API with scoped tokens."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.moderator.helpers import bearer, held, status_of, token

# (action, method, path template, JSON body, success status); {cid} is a comment on the tested site.
ACTIONS: list[tuple[str, str, str, dict[str, Any] | None, int]] = [
    ("view", "get", "/api/v1/moderation/comments/{cid}", None, 200),
    ("decide", "post", "/api/v1/moderation/comments/{cid}/decision", {"status": "published"}, 200),
    ("bulk", "post", "/api/v1/moderation/decisions", {"ids": ["{cid}"], "status": "spam"}, 200),
    ("edit", "patch", "/api/v1/moderation/comments/{cid}", {"body": "Teks yang diperbaiki."}, 200),
    ("ban", "post", "/api/v1/moderation/comments/{cid}/ban", {"kind": "email", "hours": 24}, 201),
    ("reveal", "post", "/api/v1/moderation/comments/{cid}/reveal-email", {"reason": "police request 12/2026"}, 200),
]
# Who may do what on their own site; on another site nobody may do anything.
ALLOWED = {"moderator": {"view", "decide", "bulk", "edit", "ban"},
           "admin": {"view", "decide", "bulk", "edit", "ban", "reveal"}}

def _fill(value: Any, cid: int) -> Any:
    if isinstance(value, str):
        return cid if value == "{cid}" else value.replace("{cid}", str(cid))
    if isinstance(value, list):
        return [_fill(v, cid) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, cid) for k, v in value.items()}
    return value

@pytest.mark.parametrize("role", ["moderator", "admin"])
@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize(("action", "method", "path", "body", "ok"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_permission(app: Flask, role: str, where: str, action: str, method: str, path: str,
                    body: dict[str, Any] | None, ok: int) -> None:
    held(app, site_id="own")
    cid = held(app, site_id="own" if where == "own" else "other", email="siti@example.com")
    headers = bearer(token(app, role=role, sites=["own"]))
    kwargs = {"json": _fill(body, cid)} if body is not None else {}
    response = getattr(app.test_client(), method)(path.replace("{cid}", str(cid)), headers=headers, **kwargs)
    expected = ok if (where == "own" and action in ALLOWED[role]) else 403
    assert response.status_code == expected, (role, where, action, response.json)
    if expected == 403:
        assert response.json["error"] == "forbidden" and response.json["message"]

@pytest.mark.parametrize(("role", "status"), [("moderator", 403), ("admin", 200)])
def test_only_admins_manage_tokens(app: Flask, role: str, status: int) -> None:
    response = app.test_client().get("/api/v1/moderation/tokens", headers=bearer(token(app, role=role)))
    assert response.status_code == status

def test_bulk_mixing_sites_applies_nothing(app: Flask) -> None:
    mine = held(app, site_id="own")
    theirs = held(app, site_id="other", email="siti@example.com")
    client = app.test_client()
    response = client.post("/api/v1/moderation/decisions", json={"ids": [mine, theirs], "status": "rejected"},
                           headers=bearer(token(app, sites=["own"])))
    assert response.status_code == 403 and "other" in response.json["message"]

    assert status_of(app, mine) == "held" and status_of(app, theirs) == "held"

def test_scoped_queue_shows_only_own_sites(app: Flask) -> None:
    mine = held(app, site_id="own")
    held(app, site_id="other", email="siti@example.com")
    client = app.test_client()
    headers = bearer(token(app, sites=["own"]))
    listed = client.get("/api/v1/moderation/comments?status=held", headers=headers).json["comments"]
    assert [c["id"] for c in listed] == [mine]
    assert client.get("/api/v1/moderation/comments?status=held&site=other", headers=headers).status_code == 403
