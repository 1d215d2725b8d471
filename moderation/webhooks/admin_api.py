"""Admin JSON API for webhook endpoints under /api/v1/admin/webhooks (admin role; token or session).

Thin views: parse with the models below, call moderation.webhooks.endpoints, commit once, answer
JSON. Errors have the one shape of every API error ({"error", "message", "fields"}).
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify, request

from moderation.blueprints.api import json_body
from moderation.db import get_session
from moderation.extensions import get_settings
from moderation.moderator.auth import Actor
from moderation.moderator.schemas import parse
from moderation.moderator.security import api_actor
from moderation.webhooks import delivery, endpoints, present
from moderation.webhooks.models import WebhookEndpoint
from moderation.webhooks.schemas import AttemptsQuery, EndpointIn, EndpointPatch, RedeliverIn, RotateIn

log = logging.getLogger("moderation.webhooks")
bp = Blueprint("webhooks_admin", __name__, url_prefix="/api/v1/admin/webhooks")


def _admin(site_ids: list[str] | None = None) -> Actor:
    """Who asks (401 without a session or token), and that they are an admin of these sites (403)."""
    actor = api_actor()
    actor.require("admin", site_ids or [])
    return actor


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    _admin()  # authenticate before saying whether the endpoint exists
    endpoint = endpoints.get(get_session(), endpoint_id)
    _admin([endpoint.site_id])
    return endpoint


def _view(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return present.summary(endpoint, present.delivery_counts(get_session(), endpoint.id))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
def list_endpoints() -> Response:
    """Endpoints of the sites the admin may manage, with their state and delivery counts."""
    actor = _admin()
    rows = [e for e in endpoints.listing(get_session(), request.args.get("site") or None)
            if actor.allows("admin", e.site_id)]
    return _no_store(jsonify({"endpoints": [_view(e) for e in rows]}))


@bp.post("")
def create() -> tuple[Response, int]:
    """A new endpoint; the answer is the only time the secret is shown."""
    _admin()
    data = parse(EndpointIn, json_body())
    actor = _admin([data.site])
    session = get_session()
    endpoint, secret = endpoints.create(session, get_settings(), data.site, data.url, data.events,
                                        author_contact=data.author_contact, secret=data.secret,
                                        description=data.description)
    session.commit()
    log.info("webhook endpoint %s added for site %s by %s", endpoint.id, endpoint.site_id, actor.label)
    return _no_store(jsonify({"id": endpoint.id, "secret": secret, "endpoint": _view(endpoint)})), 201


@bp.get("/<int:endpoint_id>")
def show(endpoint_id: int) -> Response:
    """One endpoint (never its secret)."""
    return _no_store(jsonify(_view(_endpoint(endpoint_id))))


@bp.patch("/<int:endpoint_id>")
def change(endpoint_id: int) -> Response:
    """Change URL, events, author_contact, description; disable or enable."""
    endpoint = _endpoint(endpoint_id)
    data = parse(EndpointPatch, json_body())
    session, settings = get_session(), get_settings()
    endpoints.update_endpoint(session, settings, endpoint_id, url=data.url, events=data.events,
                              author_contact=data.author_contact, description=data.description)
    if data.enabled is False and endpoint.enabled:
        endpoints.disable(session, endpoint, f"disabled by {api_actor().label}")
    elif data.enabled is True and not endpoint.enabled:
        endpoints.enable(session, endpoint_id)
    session.commit()
    return _no_store(jsonify(_view(endpoint)))


@bp.post("/<int:endpoint_id>/rotate")
def rotate(endpoint_id: int) -> Response:
    """A new secret, shown once; both are signed with during the overlap."""
    endpoint = _endpoint(endpoint_id)
    data = parse(RotateIn, json_body() if request.get_data() else {})
    session = get_session()
    secret = endpoints.rotate(session, get_settings(), endpoint_id, data.secret, data.overlap_hours)
    session.commit()
    return _no_store(jsonify({"id": endpoint_id, "secret": secret,
                              "old_secret_until": present.summary(endpoint)["rotation_overlap_until"]}))


@bp.post("/<int:endpoint_id>/test")
def test(endpoint_id: int) -> Response:
    """Send a signed webhook.test ping now and answer with what the receiver said."""
    _endpoint(endpoint_id)
    session = get_session()
    delivery_id = endpoints.create_test_delivery(session, endpoint_id)
    session.commit()
    outcome = delivery.attempt(session, get_settings(), delivery_id)
    row = present.attempt_log(session, endpoint_id, limit=1)[0]
    return _no_store(jsonify({"delivered": outcome == "delivered", "message": row["message"],
                              "status": row["response_status"], "body": row["response_body"],
                              "duration_ms": row["duration_ms"], "error": row["error"]}))


@bp.post("/<int:endpoint_id>/redeliver")
def redeliver(endpoint_id: int) -> Response:
    """Send one message (same webhook-id) or every failed one again, on a fresh schedule."""
    _endpoint(endpoint_id)
    data = parse(RedeliverIn, json_body())
    session = get_session()
    count = endpoints.redeliver(session, endpoint_id, data.message, data.failed)
    session.commit()
    return jsonify({"queued": count})


@bp.get("/<int:endpoint_id>/attempts")
def attempts(endpoint_id: int) -> Response:
    """The delivery log, newest first: event, webhook-id, attempt, time, status, first 1 KB, duration, error."""
    _endpoint(endpoint_id)
    query = parse(AttemptsQuery, {k: v for k, v in request.args.items() if v != ""})
    return _no_store(jsonify({"attempts": present.attempt_log(get_session(), endpoint_id, query.limit)}))
