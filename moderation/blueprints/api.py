"""Public JSON API under /api/v1: thin views that parse, call a service, serialize."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for

from moderation import antibot, cors, openapi, schemas
from moderation.db import get_session
from moderation.errors import APIError, NotFound, ValidationFailed
from moderation.extensions import get_redis
from moderation.models import Status
from moderation.moderator import reports
from moderation.moderator.schemas import ReportIn
from moderation.moderator.schemas import parse as _parse
from moderation.services import comments, present, sites
from moderation.settings import Settings

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.after_request(cors.apply)


class UnsupportedMediaType(APIError):
    status = 415
    code = "unsupported_media_type"


class MalformedJSON(APIError):
    status = 400
    code = "malformed_json"


def _settings() -> Settings:
    return current_app.extensions["settings"]


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 415/400/422 that says what is wrong."""
    if not request.is_json:
        raise UnsupportedMediaType("Send JSON with the header Content-Type: application/json.")
    data = request.get_json(silent=True)
    if data is None:
        raise MalformedJSON("The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise ValidationFailed("The request body must be a JSON object.", {"body": "expected a JSON object"})
    return data


def parse_report(data: dict[str, Any]) -> ReportIn:
    """The report body, or 422 naming the field."""
    return _parse(ReportIn, data)


def _meta() -> comments.RequestMeta:
    return comments.RequestMeta(ip=request.remote_addr or "", origin=request.headers.get("Origin"),
                                author_cookie=request.cookies.get(comments.AUTHOR_COOKIE, ""))


def set_author_cookie(response: Response, result: comments.Submitted) -> Response:
    """Remember the author in this browser (signed author id only; no email, no index)."""
    if result.author_cookie:
        response.set_cookie(comments.AUTHOR_COOKIE, result.author_cookie, max_age=365 * 24 * 3600,
                            httponly=True, samesite="Lax", secure=request.is_secure, path="/")
    return response


def _site_and_thread() -> tuple[str, str]:
    """Resolve ?site= and check ?thread= for the read endpoints."""
    session = get_session()
    comments.ensure_sites_synced(current_app, session)
    site = sites.resolve_site(session, request.args.get("site") or None, request.headers.get("Origin"))
    g.cors_site = site.id
    thread = request.args.get("thread", "").strip()
    reason = None
    if not thread:
        reason = "required: the page URL or the site's id for the page"
    else:
        try:
            schemas.check_controls(thread)
            reason = sites.check_thread_url(site, thread)
        except ValueError as exc:
            reason = str(exc)
    if reason:
        raise ValidationFailed("Please correct the fields listed.", {"thread": reason})
    return site.id, schemas.normalize_thread(thread)


@bp.errorhandler(comments.TooFast)
def _too_fast(exc: comments.TooFast) -> tuple[Response, int, dict[str, str]]:
    return jsonify({"error": exc.code, "message": exc.message}), exc.status, {"Retry-After": str(exc.retry_after)}


@bp.post("/comments")
def create_comment() -> Response:
    """Accept a comment; it is scored asynchronously, so the answer is always `pending`."""
    data = json_body()
    result = comments.submit_comment(current_app._get_current_object(), get_session(), get_redis(), data, _meta())  # type: ignore[attr-defined]
    g.cors_site = result.site_id
    response = jsonify({"id": result.id, "status": result.status, "edit_token": result.edit_token})
    response.status_code = 202
    response.headers.update({"Location": url_for("api.get_comment", comment_id=result.id), "Cache-Control": "no-store"})
    return set_author_cookie(response, result)


@bp.get("/comments")
def list_comments() -> Response:
    """Published comments of a thread as a tree."""
    site_id, thread = _site_and_thread()
    found = comments.published_in_thread(get_session(), site_id, thread)
    return jsonify({"site": site_id, "thread": thread, "count": len(found),
                    "comments": present.tree(_settings(), found)})


@bp.get("/comments/<int:comment_id>")
def get_comment(comment_id: int) -> Response:
    """Public once published; the author (X-Edit-Token) also sees status and reasons before that."""
    session = get_session()
    comment = comments.get_comment(session, comment_id)
    g.cors_site = comment.thread.site_id
    is_author = comments.authorised(_settings(), comment, request.headers.get("X-Edit-Token"))
    if comment.status != Status.PUBLISHED.value and not is_author:
        raise NotFound("No such comment.")
    body = present.public_comment(_settings(), comment)
    if is_author:
        body.update(status=comment.status, reasons=comments.decision_reasons(session, comment.id))
    response = jsonify(body)
    if is_author:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.patch("/comments/<int:comment_id>")
def edit_comment(comment_id: int) -> Response:
    """Change the body inside the edit window; the comment is re-scored."""
    data = json_body()
    comment = comments.edit_comment(current_app._get_current_object(), get_session(), comment_id,  # type: ignore[attr-defined]
                                    request.headers.get("X-Edit-Token"), data)
    g.cors_site = comment.thread.site_id
    return jsonify({"id": comment.id, "status": comment.status})


@bp.delete("/comments/<int:comment_id>")
def delete_comment(comment_id: int) -> Response:
    """Delete one's own comment inside the edit window."""
    comment = comments.delete_comment(current_app._get_current_object(), get_session(), comment_id,  # type: ignore[attr-defined]
                                      request.headers.get("X-Edit-Token"))
    g.cors_site = comment.thread.site_id
    return jsonify({"id": comment.id, "status": comment.status})


@bp.post("/comments/<int:comment_id>/report")
def report_comment(comment_id: int) -> tuple[Response, int]:
    """A reader reports a published comment (typed reason, optional text); rate limited."""
    data = parse_report(json_body())
    session = get_session()
    g.cors_site = comments.get_comment(session, comment_id).thread.site_id
    result = reports.report(session, _settings(), comment_id, data.reason, data.text,
                            request.cookies.get(reports.READER_COOKIE, ""), request.remote_addr or "")
    session.commit()
    response = jsonify({"id": comment_id, "received": True})
    response.set_cookie(reports.READER_COOKIE, result.reader_cookie, max_age=365 * 24 * 3600, httponly=True,
                        samesite="Lax", secure=request.is_secure, path="/api/v1/comments")
    return response, 201


@bp.get("/form-token")
def form_token() -> tuple[Response, int, dict[str, str]]:
    """A signed, single-use token for one comment form on one page."""
    site_id, thread = _site_and_thread()
    token = antibot.issue_form_token(_settings(), site_id, thread)
    return jsonify({"form_token": token, "site": site_id, "thread": thread}), 200, {"Cache-Control": "no-store"}


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi.document())
