"""Admin pages of the model registry (/moderation/models): versions, what is active where, training runs."""
from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request, url_for

from moderation.db import get_session
from moderation.moderator.ui import bp
from moderation.registry import store
from moderation.registry.schemas import ScopeIn, require_admin
from moderation.schemas import parse
from moderation.services import sites


def _quality(evaluation: dict[str, Any] | None) -> dict[str, Any]:
    """Mean ROC-AUC on the newest labels of a version and of the model active when it was trained."""
    labels = (evaluation or {}).get("labels") or {}
    out: dict[str, Any] = {}
    for side in ("candidate", "active"):
        values = [m["roc_auc"] for m in labels.get(side, {}).values() if m.get("roc_auc") is not None]
        out[side] = round(sum(values) / len(values), 3) if values else None
    return out


@bp.get("/models")
def models_page() -> str:
    """Admins: stored versions, the active one per site, training runs."""
    g.actor.require("admin")
    session = get_session()
    listing = store.listing(session)
    evaluations = {row["id"]: store.show(session, row["id"])["evaluation"] for row in listing["versions"][:50]}
    site_ids = sorted(s.id for s in sites.all_sites(session) if g.actor.allows("admin", s.id))
    return render_template("moderator/models.html", listing=listing, runs=store.runs(session, limit=50), site_ids=site_ids,
                           quality={vid: _quality(e) for vid, e in evaluations.items()})


def _scope_from_form() -> str | None:
    data: ScopeIn = parse(ScopeIn, {"site": request.form.get("site", "")})
    return data.site


@bp.post("/models/<int:model_id>/activate")
def activate_model(model_id: int) -> Any:
    site = _scope_from_form()
    require_admin(g.actor, site)
    session = get_session()
    store.activate(session, model_id, site, g.actor.label)
    session.commit()
    return redirect(url_for("moderator.models_page"))


@bp.post("/models/rollback")
def rollback_model() -> Any:
    site = _scope_from_form()
    require_admin(g.actor, site)
    session = get_session()
    store.rollback(session, site, g.actor.label)
    session.commit()
    return redirect(url_for("moderator.models_page"))
