"""The registry for admins: /api/v1/moderation/models, the models page, and quality per version in the dashboard."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from moderation.db import session_scope
from moderation.models import utcnow
from moderation.registry import store
from moderation.registry.models import TrainingRun
from tests.moderator.helpers import bearer, csrf_of, login, moderator, site, token

API = "/api/v1/moderation/models"


@pytest.fixture
def registry(app: Flask) -> dict[str, int]:
    site(app, "news")
    site(app, "blog", "https://blog.example")
    ids = {}
    with session_scope(app) as session:
        for name in ("v1", "v2"):
            ids[name] = store.store(session, version=f"fb-{name}", artifact=b"not loaded by the web process",
                                    site_id="news", thresholds={"toxicity": {"hold": 0.4, "reject": 0.9}},
                                    evaluation={"labels": {"candidate": {"toxicity": {"roc_auc": 0.9}},
                                                           "active": {"toxicity": {"roc_auc": 0.7}}}}).id
        for i, (status, cand) in enumerate((("kept", 0.71), ("activated", 0.88))):
            session.add(TrainingRun(site_id="news", trigger="beat", status=status, candidate_id=ids["v1"] if i else None,
                                    active_version="cls-2", finished_at=utcnow(), labels_new=500, labels_total=900 + i,
                                    figures={"candidate": {"toxicity": cand, "spam": None}, "active": {"toxicity": 0.7}}))
    return ids


def test_admin_round_trip(app: Flask, registry: dict[str, int]) -> None:
    client, headers = app.test_client(), bearer(token(app, role="admin"))
    listed = client.get(API, headers=headers)
    assert listed.status_code == 200 and [v["version"] for v in listed.json["versions"]] == ["fb-v2", "fb-v1"]
    assert listed.json["active"] == {}
    activated = client.post(f"{API}/{registry['v2']}/activate", json={"site": "news"}, headers=headers)
    assert activated.status_code == 200 and activated.json["version"] == "fb-v2" and activated.json["scope"] == "news"
    assert activated.json["by"] == "token:bot"
    again = client.post(f"{API}/{registry['v2']}/activate", json={"site": "news"}, headers=headers)
    assert again.status_code == 409
    shown = client.get(f"{API}/{registry['v2']}", headers=headers).json
    assert shown["active_in"] == ["news"] and shown["evaluation"]["labels"]["candidate"]["toxicity"]["roc_auc"] == 0.9
    glob = client.post(f"{API}/{registry['v1']}/activate", json={}, headers=headers)
    assert glob.status_code == 200 and glob.json["scope"] == "global"
    assert client.get(API, headers=headers).json["active"] == {"global": "fb-v1", "news": "fb-v2"}
    back = client.post(f"{API}/rollback", json={"site": "news"}, headers=headers)
    assert back.status_code == 200 and back.json["version"] is None
    assert client.post(f"{API}/rollback", json={"site": "news"}, headers=headers).status_code == 409
    off = client.post(f"{API}/deactivate", json={"site": ""}, headers=headers)
    assert off.status_code == 200 and off.json == {**off.json, "scope": "global", "version": None, "previous": "fb-v1"}
    runs = client.get(f"{API}/runs?site=news", headers=headers).json["runs"]
    assert [r["status"] for r in runs] == ["activated", "kept"] and runs[0]["candidate"] == "fb-v1"


@pytest.mark.parametrize(("role", "sites", "method", "path", "body", "status"), [
    (None, None, "get", "", None, 401),
    ("moderator", None, "get", "", None, 403),
    ("moderator", None, "post", "/{v1}/activate", {"site": "news"}, 403),
    ("admin", ["news"], "post", "/{v1}/activate", {}, 403),  # the global model: admins of every site only
    ("admin", ["blog"], "post", "/{v1}/activate", {"site": "news"}, 403),
    ("admin", ["news"], "post", "/{v1}/activate", {"site": "news"}, 200),
    ("admin", None, "post", "/999999/activate", {"site": "news"}, 404),
    ("admin", None, "post", "/{v1}/activate", {"site": "nope"}, 404),
    ("admin", None, "post", "/{v1}/activate", {"site": 5}, 422),
    ("admin", None, "post", "/{v1}/activate", {"site": "news", "extra": 1}, 422),
    ("admin", None, "get", "/999999", None, 404),
    ("admin", None, "get", "?site=" + "x" * 65, None, 422),
])
def test_permissions_and_errors(app: Flask, registry: dict[str, int], role: str | None, sites: list[str] | None,
                                method: str, path: str, body: Any, status: int) -> None:
    headers = bearer(token(app, role=role, sites=sites)) if role else {}
    response = getattr(app.test_client(), method)(API + path.format(**registry), json=body, headers=headers)
    assert response.status_code == status, response.json
    if status >= 400:
        assert set(response.json) >= {"error", "message"}


def test_models_page_and_dashboard_picture(app: Flask, registry: dict[str, int]) -> None:
    moderator(app, "admin", role="admin")
    moderator(app, "ana")
    client = app.test_client()
    login(client, "admin")
    page = client.get("/moderation/models")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "fb-v2" in html and "0.9 / 0.7" in html and "kept" in html
    done = client.post(f"/moderation/models/{registry['v2']}/activate", data={"site": "news", "csrf_token": csrf_of(html)})
    assert done.status_code == 302
    with session_scope(app) as session:
        assert store.active_map(session) == {"news": registry["v2"]}
    dashboard = client.get("/api/v1/moderation/dashboard", headers={"X-CSRFToken": csrf_of(html)}).json
    assert [(r["status"], r["candidate"], r["active"]) for r in dashboard["learning"]] == [
        ("kept", 0.71, 0.7), ("activated", 0.88, 0.7)]
    assert 'id="chart-learning"' in client.get("/moderation/dashboard").get_data(as_text=True)
    other = app.test_client()
    login(other, "ana")
    assert other.get("/moderation/models").status_code == 403
