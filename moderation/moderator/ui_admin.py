"""Pages beside the queue: dashboard, audit log, bans, API tokens (admins)."""
from __future__ import annotations

import json
from typing import Any

from flask import g, redirect, render_template, request, url_for
from sqlalchemy import select

from moderation.db import get_session
from moderation.moderator import audit, auth, bans, stats
from moderation.moderator.api import query_args
from moderation.moderator.models import ApiToken
from moderation.moderator.schemas import AuditQuery, TokenIn
from moderation.moderator.ui import bp
from moderation.schemas import parse


@bp.get("/dashboard")
def dashboard() -> str:
    """Charts drawn in the browser from the numbers embedded as JSON."""
    data = stats.dashboard(get_session(), g.actor)
    return render_template("moderator/dashboard.html", data=data, data_json=json.dumps(data))


@bp.get("/audit")
def audit_page() -> str:
    """Audit rows filtered by moderator, comment, author and action."""
    q = parse(AuditQuery, query_args())
    session = get_session()
    entries, before = audit.entries(session, g.actor, q)
    return render_template("moderator/audit.html", entries=entries, before=before, q=q, actions=audit.ACTIONS,
                           moderators=audit.moderators(session))


@bp.get("/bans")
def bans_page() -> str:
    """Bans in force, each with a lift button."""
    return render_template("moderator/bans.html", bans=bans.active(get_session(), g.actor))


@bp.post("/bans/<int:ban_id>/lift")
def lift(ban_id: int) -> Any:
    session = get_session()
    bans.lift(session, g.actor, ban_id)
    session.commit()
    return redirect(url_for("moderator.bans_page"))


@bp.route("/tokens", methods=["GET", "POST"])
def tokens() -> str:
    """Admins: API tokens; a new one is shown once."""
    g.actor.require("admin")
    session = get_session()
    created = None
    if request.method == "POST":
        sites = [s.strip() for s in request.form.get("sites", "").split(",") if s.strip()]
        data = parse(TokenIn, {"name": request.form.get("name", ""), "role": request.form.get("role", "moderator"),
                               "sites": sites})
        _row, created = auth.create_token(session, data.name, data.role, data.sites, g.actor.moderator_id)
        session.commit()
    rows = list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))
    return render_template("moderator/tokens.html", tokens=rows, created=created)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke(token_id: int) -> Any:
    g.actor.require("admin")
    session = get_session()
    auth.revoke_token(session, token_id)
    session.commit()
    return redirect(url_for("moderator.tokens"))
