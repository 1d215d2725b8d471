"""Admins: export or erase a commenter's data from the moderator pages (every use is in the privacy log)."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, g, render_template, request
from sqlalchemy import select

from moderation.datarights import erase as erasure
from moderation.datarights import export as exporting
from moderation.datarights.lookup import check_site
from moderation.datarights.models import PrivacyLogEntry
from moderation.db import get_session
from moderation.errors import ValidationFailed
from moderation.extensions import get_settings
from moderation.moderator.ui import bp


def _recent(limit: int = 50) -> list[PrivacyLogEntry]:
    query = select(PrivacyLogEntry).order_by(PrivacyLogEntry.id.desc()).limit(limit)
    if g.actor.sites is not None:
        query = query.where(PrivacyLogEntry.site_id.in_(sorted(g.actor.sites)))
    return list(get_session().scalars(query))


@bp.get("/privacy")
def privacy_page() -> str:
    """The form (site, email, action) and the latest exports and erasures, without emails."""
    g.actor.require("admin")
    return render_template("moderator/privacy.html", entries=_recent(), result=None, modes=erasure.MODES)


@bp.post("/privacy")
def privacy_action() -> Any:
    """Export (a JSON download) or erase (the summary); audited with the admin's name, never the email."""
    site_id, email = request.form.get("site", "").strip(), request.form.get("email", "")
    g.actor.require("admin", [site_id] if site_id else [])
    session, settings = get_session(), get_settings()
    check_site(session, site_id)
    if request.form.get("action") == "export":
        document = exporting.export(session, settings, site_id, email)
        session.add(PrivacyLogEntry(site_id=site_id, action="export", actor=g.actor.label,
                                    moderator_id=g.actor.moderator_id, details={"comments": len(document["comments"])}))
        session.commit()
        return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="privacy-export-{site_id}.json"'})
    mode = request.form.get("mode", "")
    if mode not in erasure.MODES:
        raise ValidationFailed("Choose anonymise or delete.", {"mode": "anonymise or delete"})
    result = erasure.erase(session, settings, site_id, email, mode,
                           actor=g.actor.label, moderator_id=g.actor.moderator_id)
    return render_template("moderator/privacy.html", entries=_recent(), result=result.summary(), modes=erasure.MODES)
