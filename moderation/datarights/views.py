"""The guest's side: ask for a link with only an email; the link gives the export or erases."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from moderation import cors, privacy
from moderation.blueprints.api import json_body
from moderation.datarights import erase as erasure
from moderation.datarights import export as exporting
from moderation.datarights import links
from moderation.datarights.models import PrivacyLogEntry
from moderation.datarights.schemas import PrivacyRequestIn
from moderation.db import get_session
from moderation.extensions import get_settings
from moderation.models import Author, utcnow
from moderation.schemas import parse
from moderation.services import sites

bp = Blueprint("privacy", __name__, url_prefix="/api/v1/privacy")
bp.after_request(cors.apply)
TOKEN = "<string(maxlength=200):token>"


@bp.post("/requests")
def request_link() -> tuple[Response, int]:
    """202 whatever the email: the link goes to author_contact endpoints, which mail it to the address."""
    data = parse(PrivacyRequestIn, json_body())
    settings = get_settings()
    session = get_session()
    links.request_link(session, settings, data.site, data.email, data.kind)
    session.commit()
    return jsonify(status="accepted", expires_in_hours=settings.privacy.link_ttl_hours), 202


@bp.get(f"/export/{TOKEN}")
def export_link(token: str) -> Response:
    """The export JSON, as a file download."""
    settings = get_settings()
    session = get_session()
    row = links.verify(session, settings, token, "export")
    author = session.get(Author, row.author_id)
    email = ""
    if author is not None and author.email_enc:
        email = privacy.decrypt_email(settings, author.email_enc, privacy.author_aad(row.site_id, author.email_bidx))
    document = exporting.export_author(session, settings, row.site_id, author if email else None, email)
    session.add(PrivacyLogEntry(site_id=row.site_id, action="export", actor="guest",
                                details={"comments": len(document["comments"]), "request": row.id}))
    session.commit()
    response = jsonify(document)
    response.headers["Content-Disposition"] = f'attachment; filename="privacy-export-{row.site_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(f"/erase/{TOKEN}")
def erase_info(token: str) -> Response:
    """What a POST to the link will do (a mail scanner following the link erases nothing)."""
    settings = get_settings()
    session = get_session()
    row = links.verify(session, settings, token, "erase")
    mode = sites.policy_for(settings, row.site_id).erase_mode
    return jsonify(site=row.site_id, mode=mode, expires_at=links.expires_at(row).isoformat())


@bp.post(f"/erase/{TOKEN}")
def erase_link(token: str) -> Response:
    """Erase with the site's mode; the link works once."""
    settings = get_settings()
    session = get_session()
    row = links.verify(session, settings, token, "erase")
    row.used_at = utcnow()
    author = session.get(Author, row.author_id)
    tag = None
    if author is not None and author.email_enc:
        email = privacy.decrypt_email(settings, author.email_enc, privacy.author_aad(row.site_id, author.email_bidx))
        tag = privacy.erasure_tag(settings.secrets.blind_index_key, row.site_id, email)
    mode = sites.policy_for(settings, row.site_id).erase_mode
    result = erasure.erase_author(session, settings, row.site_id, author if tag else None, mode, tag, "guest")
    session.commit()
    if tag is not None:
        erasure.write_log_line(settings, row.site_id, tag, mode)
        erasure.scrub_files(session)
    body: dict[str, Any] = result.summary()
    return jsonify(body)
