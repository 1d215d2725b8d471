"""The model registry for admins: /api/v1/moderation/models (list, show, activate, roll back, runs)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from moderation.blueprints.api import json_body
from moderation.db import get_session
from moderation.moderator.api import query_args
from moderation.moderator.auth import Actor
from moderation.moderator.schemas import parse
from moderation.moderator.security import api_actor
from moderation.registry import store
from moderation.registry.schemas import ModelsQuery, ScopeIn, require_admin

bp = Blueprint("registry_api", __name__, url_prefix="/api/v1/moderation/models")


def _may_read(actor: Actor, site: str | None) -> None:
    actor.require("admin", [site] if site else [])


@bp.get("")
def list_models() -> Response:
    """Stored versions, newest first, and what is active where."""
    actor = api_actor()
    q = parse(ModelsQuery, query_args())
    _may_read(actor, q.site)
    return jsonify(store.listing(get_session(), q.site))


@bp.get("/runs")
def list_runs() -> Response:
    """Training runs (by hand and continuous learning), newest first, with their figures."""
    actor = api_actor()
    q = parse(ModelsQuery, query_args())
    _may_read(actor, q.site)
    return jsonify({"runs": store.runs(get_session(), q.site)})


@bp.get("/<int:model_id>")
def show_model(model_id: int) -> Response:
    """One version with its training facts and evaluation."""
    actor = api_actor()
    actor.require("admin")
    return jsonify(store.show(get_session(), model_id))


def _change(site: str | None, change: str, model_id: int | None = None) -> Response:
    actor = api_actor()
    require_admin(actor, site)
    session = get_session()
    if change == "rollback":
        row = store.rollback(session, site, actor.label)
    else:
        row = store.activate(session, model_id if change == "activate" else None, site, actor.label)
    out = store.activation_out(session, row)
    session.commit()
    return jsonify(out)


@bp.post("/<int:model_id>/activate")
def activate(model_id: int) -> Response:
    """Make the version active for a site (or every site without its own); workers switch within seconds."""
    api_actor()
    data = parse(ScopeIn, json_body())
    return _change(data.site, "activate", model_id)


@bp.post("/deactivate")
def deactivate() -> Response:
    """The site (or the global scope) has no own model any more: it falls back."""
    api_actor()
    data = parse(ScopeIn, json_body())
    return _change(data.site, "deactivate")


@bp.post("/rollback")
def rollback() -> Response:
    """Back to the version active before the current one."""
    api_actor()
    data = parse(ScopeIn, json_body())
    return _change(data.site, "rollback")
