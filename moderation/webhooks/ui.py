"""Admin pages for webhook endpoints under /moderation/webhooks (the moderator UI's sessions and CSRF).

List and add endpoints, see each one's state and delivery log, send a test ping, rotate the
secret, disable or enable, redeliver. Disabled endpoints are flagged on every page an admin sees.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from moderation.db import get_session
from moderation.errors import APIError, ValidationFailed
from moderation.extensions import get_settings
from moderation.models import Site
from moderation.moderator.security import check_csrf, check_same_origin, session_actor
from moderation.moderator.ui import CSP
from moderation.webhooks import delivery, endpoints, payloads, present
from moderation.webhooks.models import WebhookEndpoint

bp = Blueprint("webhooks_ui", __name__, url_prefix="/moderation/webhooks")


@bp.before_request
def _guard() -> Any:
    check_same_origin()
    check_csrf()
    actor = session_actor()
    if actor is None:
        return redirect(url_for("moderator.login", next=request.full_path if request.method == "GET" else None))
    g.actor = actor
    actor.require("admin")
    return None


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(APIError)
def _error_page(exc: APIError) -> tuple[str, int]:
    return render_template("moderator/error.html", status=exc.status, message=exc.message, fields=exc.fields), exc.status


@bp.app_context_processor
def _disabled_webhooks() -> dict[str, Any]:
    """A callable for the moderator layout: how many endpoints an admin should look at (queried lazily)."""

    def count() -> int:
        actor = g.get("actor")
        if actor is None or not actor.allows("admin"):
            return 0
        query = select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(False))
        if actor.sites is not None:
            query = query.where(WebhookEndpoint.site_id.in_(sorted(actor.sites)))
        return int(get_session().scalar(query) or 0)

    return {"disabled_webhooks": count}


def _mine(endpoint_id: int) -> WebhookEndpoint:
    endpoint = endpoints.get(get_session(), endpoint_id)
    g.actor.require("admin", [endpoint.site_id])
    return endpoint


def _listing(**extra: Any) -> tuple[str, int]:
    session = get_session()
    rows = [present.summary(e, present.delivery_counts(session, e.id)) for e in endpoints.listing(session)
            if g.actor.allows("admin", e.site_id)]
    sites = [s for s in session.scalars(select(Site.id).order_by(Site.id)) if g.actor.allows("admin", s)]
    status = 422 if extra.get("errors") else 200
    return render_template("moderator/webhooks.html", endpoints=rows, sites=sites, events=payloads.EVENT_TYPES,
                           form=extra.pop("form", {}), **extra), status


def _detail(endpoint_id: int, **extra: Any) -> tuple[str, int]:
    endpoint = _mine(endpoint_id)
    session = get_session()
    view = present.summary(endpoint, present.delivery_counts(session, endpoint.id))
    log = present.attempt_log(session, endpoint_id, limit=50)
    status = 422 if extra.get("errors") else 200
    return render_template("moderator/webhook.html", endpoint=view, log=log, events=payloads.EVENT_TYPES,
                           **extra), status


@bp.get("")
def index() -> tuple[str, int]:
    """Every endpoint the admin manages, and the form to add one."""
    return _listing()


@bp.post("")
def add() -> tuple[str, int]:
    """Add an endpoint; the page shows its secret this once."""
    form = request.form
    site = form.get("site", "")
    g.actor.require("admin", [site] if site else [])
    session = get_session()
    try:
        endpoint, secret = endpoints.create(session, get_settings(), site, form.get("url", "").strip(),
                                            form.getlist("events"), author_contact=form.get("author_contact") == "on",
                                            description=form.get("description", "").strip())
    except ValidationFailed as exc:
        session.rollback()
        return _listing(errors=exc.fields, form=form)
    session.commit()
    return _listing(created={"id": endpoint.id, "secret": secret})


@bp.get("/<int:endpoint_id>")
def show(endpoint_id: int) -> tuple[str, int]:
    """One endpoint: state, subscriptions, delivery log and the admin actions."""
    return _detail(endpoint_id, queued=request.args.get("queued"))


@bp.post("/<int:endpoint_id>/edit")
def edit(endpoint_id: int) -> Any:
    """Change URL, events and author_contact."""
    _mine(endpoint_id)
    session, form = get_session(), request.form
    try:
        endpoints.update_endpoint(session, get_settings(), endpoint_id, url=form.get("url", "").strip(),
                                  events=form.getlist("events"), author_contact=form.get("author_contact") == "on")
    except ValidationFailed as exc:
        session.rollback()
        return _detail(endpoint_id, errors=exc.fields)
    session.commit()
    return redirect(url_for("webhooks_ui.show", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/test")
def test(endpoint_id: int) -> tuple[str, int]:
    """Send a signed webhook.test ping now and show the answer."""
    _mine(endpoint_id)
    session = get_session()
    delivery_id = endpoints.create_test_delivery(session, endpoint_id)
    session.commit()
    outcome = delivery.attempt(session, get_settings(), delivery_id)
    return _detail(endpoint_id, tested={"delivered": outcome == "delivered",
                                        **present.attempt_log(session, endpoint_id, limit=1)[0]})


@bp.post("/<int:endpoint_id>/rotate")
def rotate(endpoint_id: int) -> tuple[str, int]:
    """A new secret, shown once; the old one keeps signing during the overlap."""
    _mine(endpoint_id)
    session = get_session()
    secret = endpoints.rotate(session, get_settings(), endpoint_id)
    session.commit()
    return _detail(endpoint_id, rotated=secret)


@bp.post("/<int:endpoint_id>/enabled")
def set_enabled(endpoint_id: int) -> Any:
    """Disable (pending deliveries become failed, kept) or enable again."""
    endpoint = _mine(endpoint_id)
    session = get_session()
    if request.form.get("enabled") == "1":
        endpoints.enable(session, endpoint_id)
    elif endpoint.enabled:
        endpoints.disable(session, endpoint, f"disabled by {g.actor.label}")
    session.commit()
    return redirect(url_for("webhooks_ui.show", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/redeliver")
def redeliver(endpoint_id: int) -> Any:
    """Send one message (by webhook-id) or every failed one again."""
    _mine(endpoint_id)
    session = get_session()
    message = request.form.get("message", "").strip() or None
    count = endpoints.redeliver(session, endpoint_id, message, failed=message is None)
    session.commit()
    return redirect(url_for("webhooks_ui.show", endpoint_id=endpoint_id, queued=count))
