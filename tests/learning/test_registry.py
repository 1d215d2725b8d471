"""The model registry round trip: store, list, show, activate per site and globally, resolve, roll back; CLI."""
from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

from moderation.db import session_scope
from moderation.errors import Conflict, NotFound
from moderation.registry import loading, store
from tests.conftest import database_urls
from tests.learning.tinydata import artifact
from tests.moderator.helpers import site


@pytest.fixture(scope="module")
def artifacts() -> dict[str, bytes]:
    return {"v1": artifact("tiny-v1", 0), "v2": artifact("tiny-v2", 1)}


def stored(app: Flask, artifacts: dict[str, bytes]) -> dict[str, int]:
    site(app, "news")
    site(app, "blog", "https://blog.example")
    ids = {}
    with session_scope(app) as session:
        for name, data in artifacts.items():
            row = store.store(session, version=f"tiny-{name}", artifact=data, site_id="news",
                              thresholds={"toxicity": {"hold": 0.5, "reject": 0.9}}, info={"weight": 3.0},
                              evaluation={"gate": {"passed": True}}, labels_through=7, created_by="test")
            ids[name] = row.id
    return ids


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_round_trip_activate_resolve_rollback(app: Flask, artifacts: dict[str, bytes]) -> None:
    ids = stored(app, artifacts)
    with session_scope(app) as session:
        assert store.resolve(store.active_map(session), "news") == (None, "shipped")
        # The artifact comes back byte for byte and loads as the model it was.
        assert store.artifact(session, ids["v1"]) == artifacts["v1"]
        model = loading.load_version(session, ids["v1"])
        assert model.version == "tiny-v1" and 0 <= model.score("dasar goblok")["toxicity"] <= 1
        store.activate(session, "tiny-v1", None, "test")  # global
        store.activate(session, ids["v2"], "news", "test")  # by id, this site only
        active = store.active_map(session)
        assert store.resolve(active, "news") == (ids["v2"], "site")
        assert store.resolve(active, "blog") == (ids["v1"], "global")
        listing = store.listing(session)
        assert listing["active"] == {"global": "tiny-v1", "news": "tiny-v2"}
        assert {v["version"]: v["active_in"] for v in listing["versions"]} == {"tiny-v1": ["global"], "tiny-v2": ["news"]}
        assert "artifact" not in json.dumps(listing)
        shown = store.show(session, "tiny-v2")
        assert shown["info"] == {"weight": 3.0} and shown["size_bytes"] == len(artifacts["v2"]) and shown["site"] == "news"
        # Rollback walks back: news v2 -> (global) ; a second rollback has nothing left.
        store.rollback(session, "news", "test")
        assert store.resolve(store.active_map(session), "news") == (ids["v1"], "global")
        with pytest.raises(Conflict):
            store.rollback(session, "news", "test")
        # Global: v1 -> v2 -> rollback -> v1 -> rollback -> shipped.
        store.activate(session, "tiny-v2", None, "test")
        store.rollback(session, None, "test")
        assert store.active_map(session)[""] == ids["v1"]
        store.rollback(session, None, "test")
        assert store.resolve(store.active_map(session), "blog") == (None, "shipped")


@pytest.mark.parametrize(("call", "error", "field"), [
    (lambda s: store.activate(s, "nope", None, "t"), NotFound, "version"),
    (lambda s: store.activate(s, "tiny-v1", "no-such-site", "t"), NotFound, "site"),
    (lambda s: store.rollback(s, None, "t"), Conflict, "site"),
    (lambda s: store.activate(s, "default", None, "t"), Conflict, "version"),
    (lambda s: (store.activate(s, "tiny-v1", None, "t"), store.activate(s, "tiny-v1", None, "t")), Conflict, "version"),
    (lambda s: store.store(s, version="tiny-v1", artifact=b"x", thresholds={}), Conflict, "version"),
])
def test_registry_errors_name_the_field(app: Flask, artifacts: dict[str, bytes], call: Any, error: type, field: str) -> None:
    stored(app, artifacts)
    with session_scope(app) as session, pytest.raises(error) as err:
        call(session)
    assert field in err.value.fields


def test_models_cli(app: Flask, artifacts: dict[str, bytes]) -> None:
    stored(app, artifacts)
    runner = app.test_cli_runner()
    assert "tiny-v2" in runner.invoke(args=["models", "list"]).output
    result = runner.invoke(args=["models", "activate", "tiny-v2", "--site", "news"])
    assert result.exit_code == 0 and "news: tiny-v2 (was default model)" in result.output
    listed = json.loads(runner.invoke(args=["models", "list", "--json"]).output)
    assert listed["active"] == {"news": "tiny-v2"}
    shown = runner.invoke(args=["models", "show", "tiny-v2", "--json"])
    assert json.loads(shown.output)["active_in"] == ["news"]
    assert "active in: news" in runner.invoke(args=["models", "show", "tiny-v2"]).output
    assert runner.invoke(args=["models", "rollback", "--site", "news"]).output.strip() == "news: back to default model"
    bad = runner.invoke(args=["models", "activate", "nope"])
    assert bad.exit_code == 1 and "No model version 'nope'" in bad.output
