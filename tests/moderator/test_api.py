"""The moderation JSON API with a bearer token: the interfaces other programs rely on."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from moderation.db import session_scope
from moderation.models import AuditEntry, Author
from moderation.moderator.models import Label
from tests.conftest import database_urls
from tests.moderator.helpers import bearer, held, status_of, token

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)


def test_queue_lists_held_comments_with_why(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    cid = held(app)
    held(app, "Biasa saja", status="published", scores={"toxicity": 0.1})
    client = app.test_client()
    response = client.get("/api/v1/moderation/comments?status=held&site=news", headers=bearer(token(app)))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["next"] is None and [c["id"] for c in body["comments"]] == [cid]
    c = body["comments"][0]
    assert {"id", "status", "reasons", "scores", "body_html", "name", "email_masked"} <= set(c)
    assert c["email_masked"] == "b***@example.co.id" and "budi@" not in response.get_data(as_text=True)
    assert c["reasons"] == ["toxic"] and c["scores"]["toxicity"]["value"] == 0.93 and c["scores"]["toxicity"]["hold"] == 0.65
    assert '<mark class="hl hl-toxicity"' in c["highlighted_html"] and ">goblok</mark>" in c["highlighted_html"]
    assert c["author"]["history"] == {"held": 1, "published": 1}  # the same keyed email index


def test_decision_publishes_at_once_and_writes_audit_and_label(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    cid = held(app)
    client = app.test_client()
    response = client.post(f"/api/v1/moderation/comments/{cid}/decision", json={"status": "published", "reason": "fine"},
                           headers=bearer(token(app)))
    assert response.status_code == 200, response.json
    assert response.json["id"] == cid and response.json["status"] == "published"
    public = client.get(f"/api/v1/comments/{cid}")
    assert public.status_code == 200 and "goblok" in public.json["body_html"]
    with session_scope(app) as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.comment_id == cid)).one()
        assert (audit.actor, audit.from_status, audit.to_status, audit.reason) == ("token:bot", "held", "published", "fine")
        label = session.scalars(select(Label).where(Label.comment_id == cid)).one()
        assert (label.status, label.toxicity, label.spam, label.current) == ("published", 0, 0, True)
        assert label.model_version == "cls-test-1" and label.scores["toxicity"] == 0.93
        assert session.scalars(select(Author)).one().published_count == 1


def test_second_decision_on_the_same_version_is_a_conflict(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    cid = held(app)
    client, headers = app.test_client(), bearer(token(app))
    first = client.post(f"/api/v1/moderation/comments/{cid}/decision", json={"status": "rejected", "version": 0}, headers=headers)
    second = client.post(f"/api/v1/moderation/comments/{cid}/decision", json={"status": "published", "version": 0}, headers=headers)
    assert first.status_code == 200 and second.status_code == 409, second.json
    assert "rejected" in second.json["message"] and second.json["error"] == "conflict"
    assert status_of(app, cid) == "rejected"
    with session_scope(app) as session:
        assert len(session.scalars(select(AuditEntry).where(AuditEntry.comment_id == cid)).all()) == 1
        labels = session.scalars(select(Label).where(Label.comment_id == cid)).all()
        assert [(lab.status, lab.toxicity) for lab in labels] == [("rejected", 1)]


def test_bulk_decision_and_undo(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    ids = [held(app, f"komentar {i} goblok") for i in range(3)]
    other = held(app, "sudah terbit", status="published")
    client, headers = app.test_client(), bearer(token(app))
    response = client.post("/api/v1/moderation/decisions", json={"ids": [*ids, other], "status": "published", "reason": ""},
                           headers=headers)
    assert response.status_code == 200, response.json
    assert sorted(a["id"] for a in response.json["applied"]) == ids
    assert response.json["skipped"] == [{"id": other, "status": "published", "version": 0, "reason": "already published"}]
    undo = client.post("/api/v1/moderation/undo", json={"undo": response.json["undo"]}, headers=headers)
    assert undo.status_code == 200 and len(undo.json["applied"]) == 3
    assert [status_of(app, i) for i in ids] == ["held"] * 3
    with session_scope(app) as session:
        assert not session.scalars(select(Label).where(Label.current.is_(True))).all()  # held is not a final label
        assert session.scalars(select(Author)).one().published_count == 1


def test_bulk_by_filter(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    spam = [held(app, f"slot gacor {i}", reasons=["gambling_promo"], scores={"gambling_promo": 0.8}) for i in range(2)]
    toxic = held(app, "goblok")
    response = app.test_client().post("/api/v1/moderation/decisions", headers=bearer(token(app)), json={
        "filter": {"status": "held", "reason": "gambling_promo"}, "status": "spam", "reason": "judol"})
    assert response.status_code == 200, response.json
    assert sorted(a["id"] for a in response.json["applied"]) == spam
    assert status_of(app, toxic) == "held"
    with session_scope(app) as session:
        labels = session.scalars(select(Label)).all()
        assert {(lab.spam, lab.gambling_promo, lab.toxicity) for lab in labels} == {(1, 1, None)}


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"status": "approved"}, 422, "status"),
    ({"status": "published", "extra": 1}, 422, "extra"),
    ({"status": "published", "reason": "x" * 501}, 422, "reason"),
])
def test_bad_decision_input_names_the_field(app_factory, payload, status, field) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    cid = held(app)
    response = app.test_client().post(f"/api/v1/moderation/comments/{cid}/decision", json=payload, headers=bearer(token(app)))
    assert response.status_code == status and field in response.json["fields"], response.json
    assert status_of(app, cid) == "held"


def test_unknown_ids_refuse_the_whole_bulk(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    cid = held(app)
    client, headers = app.test_client(), bearer(token(app))
    response = client.post("/api/v1/moderation/decisions", json={"ids": [cid, 999999], "status": "spam"}, headers=headers)
    assert response.status_code == 404 and "999999" in response.json["message"]
    assert status_of(app, cid) == "held"
    assert client.post("/api/v1/moderation/comments/999999/decision", json={"status": "spam"}, headers=headers).status_code == 404


def test_missing_or_revoked_token_is_401(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory()
    client = app.test_client()
    assert client.get("/api/v1/moderation/comments").status_code == 401
    assert client.get("/api/v1/moderation/comments", headers=bearer("mt_wrong")).status_code == 401
    admin = token(app, role="admin", name="root")
    value = token(app)
    listed = client.get("/api/v1/moderation/tokens", headers=bearer(admin)).json["tokens"]
    bot = next(t for t in listed if t["name"] == "bot")
    assert value not in str(listed)
    assert client.delete(f"/api/v1/moderation/tokens/{bot['id']}", headers=bearer(admin)).status_code == 200
    assert client.get("/api/v1/moderation/comments", headers=bearer(value)).status_code == 401
