"""JSON API under /api/v1/moderation: token or session auth, the public API's validation and errors."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.blueprints.api import json_body
from moderation.db import get_session
from moderation.errors import NotFound, ValidationFailed
from moderation.extensions import score_enqueuer
from moderation.models import Comment, OutboxMessage
from moderation.moderator import actions, audit, auth, bans, present, stats
from moderation.moderator import queue as mod_queue
from moderation.moderator.models import ApiToken
from moderation.moderator.schemas import (
    AuditQuery,
    BanIn,
    BulkDecisionIn,
    DecisionIn,
    ModeratorEditIn,
    QueueQuery,
    RevealIn,
    TokenIn,
    UndoIn,
    parse,
)
from moderation.moderator.security import api_actor, settings
from moderation.services import comments

bp = Blueprint("moderation_api", __name__, url_prefix="/api/v1/moderation")
def query_args() -> dict[str, Any]:
    return {k: v for k, v in request.args.items() if v != ""}


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def send_after_commit(session: Session, message: OutboxMessage) -> None:
    """Send the re-scoring task of a committed edit (a failed send is left to the outbox sweep)."""
    comments.enqueue_committed(session, message.comment_id, score_enqueuer())


@bp.get("/me")
def me() -> Response:
    """Who is acting and what they may do."""
    actor = api_actor()
    return jsonify({"name": actor.name, "kind": actor.kind, "role": actor.role,
                    "sites": sorted(actor.sites) if actor.sites is not None else None})


@bp.get("/comments")
def list_comments() -> Response:
    """A queue page: ?status=held&site=&thread=&reason=&language=&since=&until=&q=&cursor=&limit=."""
    actor = api_actor()
    q = parse(QueueQuery, query_args())
    conf = settings()
    session = get_session()
    rows, cursor = mod_queue.page(session, actor, q, q.cursor, q.limit or conf.moderator.page_size)
    return _no_store(jsonify({"comments": present.comments(session, conf, rows), "next": cursor}))


@bp.get("/comments/<int:comment_id>")
def get_comment(comment_id: int) -> Response:
    """One comment as the queue shows it."""
    actor = api_actor()
    session = get_session()
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("No such comment.")
    actor.require("view", [comment.thread.site_id])
    return _no_store(jsonify(present.comments(session, settings(), [comment])[0]))


def _result(result: actions.Result) -> dict[str, Any]:
    return {"applied": result.applied, "skipped": result.skipped, "undo": result.undo}


@bp.post("/comments/<int:comment_id>/decision")
def decide(comment_id: int) -> Response:
    """Move one comment to published, rejected, spam or held; public at once."""
    actor = api_actor()
    data = parse(DecisionIn, json_body())
    session = get_session()
    result = actions.decide_one(session, settings(), actor, comment_id, data.status, data.reason, data.version)
    session.commit()
    applied = result.applied[0]
    return jsonify({"id": comment_id, "status": applied["status"], "version": applied["version"], "undo": result.undo})


@bp.post("/decisions")
def decide_many() -> Response:
    """Bulk: the `ids` listed or every comment matching `filter`; one transaction."""
    actor = api_actor()
    data = parse(BulkDecisionIn, json_body())
    if (data.ids is None) == (data.filter is None):
        raise ValidationFailed("Please correct the fields listed.", {"ids": "give either ids or filter"})
    session = get_session()
    conf = settings()
    ids = data.ids if data.ids is not None else mod_queue.matching_ids(session, actor, data.filter, conf.moderator.bulk_max)  # type: ignore[arg-type]
    versions = {int(k): v for k, v in (data.versions or {}).items() if str(k).isdigit()}
    result = actions.decide(session, conf, actor, ids, data.status, data.reason, versions) if ids else actions.Result()
    session.commit()
    return jsonify(_result(result))


@bp.post("/undo")
def undo() -> Response:
    """Undo an action within settings.moderator.undo_seconds, unless someone changed the comments since."""
    actor = api_actor()
    data = parse(UndoIn, json_body())
    session = get_session()
    result = actions.undo(session, settings(), actor, data.undo)
    session.commit()
    return jsonify(_result(result))


@bp.patch("/comments/<int:comment_id>")
def edit(comment_id: int) -> Response:
    """Replace the text; back to pending and re-scored."""
    actor = api_actor()
    data = parse(ModeratorEditIn, json_body())
    session = get_session()
    comment, message = actions.edit(session, settings(), actor, comment_id, data.body, data.version)
    session.commit()
    send_after_commit(session, message)
    return jsonify({"id": comment.id, "status": comment.status, "version": comment.version})


def _ban(row: Any) -> dict[str, Any]:
    return {"id": row.id, "site": row.site_id, "kind": row.kind, "author_id": row.author_id, "ip_range": row.ip_range,
            "comment_id": row.comment_id, "reason": row.reason, "created": row.created_at.isoformat(),
            "until": row.until.isoformat() if row.until else None,
            "lifted": row.lifted_at.isoformat() if row.lifted_at else None}


@bp.post("/comments/<int:comment_id>/ban")
def ban(comment_id: int) -> tuple[Response, int]:
    """Ban the author (keyed email index) or an address range; optional duration in hours."""
    actor = api_actor()
    data = parse(BanIn, json_body())
    session = get_session()
    row = bans.ban(session, actor, comment_id, data.kind, data.ip_range, data.hours, data.reason)
    session.commit()
    return jsonify(_ban(row)), 201


@bp.get("/bans")
def list_bans() -> Response:
    """Bans in force on your sites."""
    actor = api_actor()
    return jsonify({"bans": [_ban(b) for b in bans.active(get_session(), actor)]})


@bp.delete("/bans/<int:ban_id>")
def lift_ban(ban_id: int) -> Response:
    """Lift a ban."""
    actor = api_actor()
    session = get_session()
    row = bans.lift(session, actor, ban_id)
    session.commit()
    return jsonify(_ban(row))


@bp.post("/comments/<int:comment_id>/reveal-email")
def reveal_email(comment_id: int) -> Response:
    """Admins only: the author's full address; the reason is audited."""
    actor = api_actor()
    data = parse(RevealIn, json_body())
    session = get_session()
    email = bans.reveal_email(session, settings(), actor, comment_id, data.reason)
    session.commit()
    return _no_store(jsonify({"id": comment_id, "email": email}))


@bp.get("/audit")
def audit_log() -> Response:
    """Audit rows, newest first: ?moderator=&comment=&author=&action=&before=."""
    actor = api_actor()
    q = parse(AuditQuery, query_args())
    entries, before = audit.entries(get_session(), actor, q)
    return jsonify({"entries": entries, "next": before})


@bp.get("/dashboard")
def dashboard() -> Response:
    """The numbers behind the dashboard's charts."""
    actor = api_actor()
    return jsonify(stats.dashboard(get_session(), actor))


def _token(row: Any, plaintext: str | None = None) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "role": row.role, "sites": row.sites, "prefix": row.prefix,
            "created": row.created_at.isoformat(), "revoked": row.revoked_at.isoformat() if row.revoked_at else None,
            "token": plaintext}


@bp.get("/tokens")
def list_tokens() -> Response:
    """Admins: every API token (never the secret)."""
    actor = api_actor()
    actor.require("admin")
    rows = get_session().scalars(select(ApiToken).order_by(ApiToken.id))
    return jsonify({"tokens": [_token(r) for r in rows]})


@bp.post("/tokens")
def create_token() -> tuple[Response, int]:
    """Admins: a new token, shown in this answer only."""
    actor = api_actor()
    actor.require("admin")
    data = parse(TokenIn, json_body())
    session = get_session()
    row, plaintext = auth.create_token(session, data.name, data.role, data.sites, actor.moderator_id)
    session.commit()
    return _no_store(jsonify(_token(row, plaintext))), 201


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int) -> Response:
    """Admins: revoke a token at once."""
    actor = api_actor()
    actor.require("admin")
    session = get_session()
    row = auth.revoke_token(session, token_id)
    session.commit()
    return jsonify(_token(row))
