"""The CLI interfaces (create-moderator --role, create-token) and the worker's side: priority, version, DB bans."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from moderation.db import session_scope
from moderation.extensions import get_sessionmaker, get_settings
from moderation.models import Comment, Decision, Moderator
from moderation.services import decisions
from tests.helpers.factories import decide_comment, make_comment
from tests.helpers.fakes import FakeModel
from tests.moderator.helpers import bearer, held, token
from workers import model as model_cache
from workers import scoring


@pytest.mark.parametrize("role", ["admin", "moderator"])
def test_create_moderator_with_role(app: Flask, role: str) -> None:
    result = app.test_cli_runner().invoke(args=["create-moderator", "ana", "--role", role, "--password", "correct horse battery",
                                                "--site", "news"])
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        row = session.scalars(select(Moderator)).one()
        assert (row.role, row.sites, row.password_hash[:10]) == (role, ["news"], "$argon2id$")


def test_create_moderator_prompts_for_the_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["create-moderator", "ana", "--role", "admin"],
                                          input="correct horse battery\ncorrect horse battery\n")
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        assert session.scalars(select(Moderator)).one().role == "admin"


def test_create_token_prints_exactly_one_working_token(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["create-token", "ci", "--role", "moderator"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mt_")
    held(app)
    response = app.test_client().get("/api/v1/moderation/comments?status=held&site=news", headers=bearer(lines[0]))
    assert response.status_code == 200 and len(response.json["comments"]) == 1


def test_worker_decision_sets_priority_and_version(app: Flask) -> None:
    cid = make_comment(app)
    outcome = decisions.Outcome(scores={"toxicity": 0.3, "spam": 0.8, "attempts": 5})
    assert decide_comment(app, cid, "held", ("spam",), outcome)
    with session_scope(app) as session:
        comment = session.get(Comment, cid)
        assert (comment.priority, comment.version, comment.status) == (0.8, 1, "held")


def test_worker_policy_sees_ip_bans_from_the_database(app: Flask) -> None:
    banned = held(app, site_id="demo", thread="http://127.0.0.1:8000/demo/artikel-1")
    response = app.test_client().post(f"/api/v1/moderation/comments/{banned}/ban", json={"kind": "ip"},
                                      headers=bearer(token(app)))
    assert response.status_code == 201, response.json
    cid = make_comment(app, "Terima kasih beritanya", email="lain@example.org", ip_prefix="203.0.113.0/24")
    model_cache.set_model(FakeModel())
    try:
        assert scoring.score_comment(get_sessionmaker(app), get_settings(app), cid) == "spam"
    finally:
        model_cache.set_model(None)
    with session_scope(app) as session:
        assert "banned_author" in session.scalars(select(Decision).where(Decision.comment_id == cid)).one().reasons

