"""Admins export and erase from the moderator pages; moderators may not; both are in the privacy log."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from moderation.datarights.models import PrivacyLogEntry
from moderation.db import session_scope
from moderation.models import Comment
from tests.conftest import database_urls
from tests.helpers.factories import decide_comment, make_comment
from tests.moderator.helpers import login, moderator

pytestmark = pytest.mark.parametrize("database_url", database_urls(), indirect=True)
EMAIL = "siti@example.com"


def seeded(app_factory, tmp_path):  # type: ignore[no-untyped-def]
    app = app_factory(privacy={"erasure_log_file": str(tmp_path / "erasures.jsonl")})
    first = make_comment(app, "Komentar Siti.", email=EMAIL, name="Siti Aminah", site_id="news")
    reply = make_comment(app, "Balasan Budi.", email="budi@example.org", name="Budi", site_id="news", parent_id=first)
    for cid in (first, reply):
        decide_comment(app, cid, "published")
    moderator(app, "root", role="admin")
    moderator(app, "ana", role="moderator")
    return app


@pytest.mark.parametrize("mode", ["anonymise", "delete"])
def test_admin_exports_and_erases_and_a_second_erase_changes_nothing(app_factory, tmp_path, mode: str) -> None:  # type: ignore[no-untyped-def]
    app = seeded(app_factory, tmp_path)
    client = app.test_client()
    csrf = login(client, "root")
    exported = client.post("/moderation/privacy", data={"site": "news", "email": EMAIL, "action": "export",
                                                        "csrf_token": csrf})
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    assert [c["body"] for c in json.loads(exported.data)["comments"]] == ["Komentar Siti."]
    for round_ in (1, 2):
        page = client.post("/moderation/privacy", data={"site": "news", "email": EMAIL, "action": "erase",
                                                        "mode": mode, "csrf_token": csrf})
        assert page.status_code == 200 and 'id="erase-result"' in page.get_data(as_text=True)
        with session_scope(app) as session:
            state = sorted((c.name, c.body) for c in session.scalars(select(Comment)))
        if round_ == 1:
            first_state = state
        assert state == first_state
    expected_body = "Komentar Siti." if mode == "anonymise" else "[komentar dihapus]"
    assert first_state == sorted([("Budi", "Balasan Budi."), ("anonim", expected_body)])
    with session_scope(app) as session:
        log = [(e.action, e.actor, e.mode) for e in session.scalars(select(PrivacyLogEntry).order_by(PrivacyLogEntry.id))]
        raw = json.dumps([e.details for e in session.scalars(select(PrivacyLogEntry))])
    assert log[:2] == [("export", "moderator:root", ""), ("erase", "moderator:root", mode)]
    assert len([entry for entry in log if entry[0] == "erase"]) == 1  # the second found nothing and wrote nothing
    assert EMAIL not in raw and "Siti" not in raw
    assert EMAIL not in client.get("/moderation/privacy").get_data(as_text=True)


def test_moderators_may_not_export_or_erase(app_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = seeded(app_factory, tmp_path)
    client = app.test_client()
    csrf = login(client, "ana")
    assert client.get("/moderation/privacy").status_code == 403
    response = client.post("/moderation/privacy", data={"site": "news", "email": EMAIL, "action": "export",
                                                        "csrf_token": csrf})
    assert response.status_code == 403
    with session_scope(app) as session:
        assert list(session.scalars(select(PrivacyLogEntry))) == []
