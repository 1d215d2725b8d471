"""Public JSON API under /api/v1: thin views that parse, call a service, serialize."""
from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, Response, g, jsonify, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from moderation import antibot, cors, openapi, queries, schemas
from moderation.db import get_session
from moderation.errors import APIError, Forbidden, NotFound, ValidationFailed, request_language
from moderation.extensions import get_dispatcher, get_settings, score_enqueuer
from moderation.models import Site, Status
from moderation.moderator import reports
from moderation.moderator.schemas import ReportIn
from moderation.moderator.schemas import parse as _parse
from moderation.services import authorship, comments, present, sites, submit, threads

R = TypeVar("R", bound=BaseResponse)
bp = Blueprint("api", __name__, url_prefix="/api/v1")
COMMENT_PATH = "/comments/<int:comment_id>"  # ids beyond SQL's range are a 404 in comments.get_comment
bp.after_request(cors.apply)


class UnsupportedMediaType(APIError):
    status = 415
    code = "unsupported_media_type"


class MalformedJSON(APIError):
    status = 400
    code = "malformed_json"


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 415/400/422 that says what is wrong."""
    if not request.is_json:
        raise UnsupportedMediaType("Send JSON with the header Content-Type: application/json.",
                                   key="unsupported_media_type")
    data = request.get_json(silent=True)
    if data is None:
        raise MalformedJSON("The request body is not valid JSON.", key="malformed_json")
    if not isinstance(data, dict):
        raise ValidationFailed("The request body must be a JSON object.", {"body": "expected a JSON object"},
                               key="invalid_body", codes={"body": "not_object"})
    return data


def parse_report(data: dict[str, Any]) -> ReportIn:
    """The report body, or 422 naming the field."""
    return _parse(ReportIn, data)


def _meta(data: dict[str, Any]) -> submit.RequestMeta:
    # A cross-origin widget sends no cookies; a remembered one sends the same signed value as `author_token`.
    token = data.get("author_token")
    return submit.RequestMeta(ip=request.remote_addr or "", origin=request.headers.get("Origin"),
                              author_cookie=request.cookies.get(submit.AUTHOR_COOKIE, "")
                              or (token if isinstance(token, str) else ""))


def set_author_cookie(response: R, result: submit.Submitted) -> R:
    """Remember the author in this browser (signed author id only; no email, no index)."""
    if result.author_cookie:
        response.set_cookie(submit.AUTHOR_COOKIE, result.author_cookie, max_age=365 * 24 * 3600,
                            httponly=True, samesite="Lax", secure=request.is_secure, path="/")
    return response


def _site() -> Site:
    """Resolve ?site= (or the Origin) for the read endpoints."""
    session = get_session()
    sites.ensure_synced(session, get_settings())
    site = sites.resolve_site(session, request.args.get("site") or None, request.headers.get("Origin"))
    g.cors_site = site.id
    return site


def _check_thread(site: Site, thread: str) -> None:
    if reason := sites.check_thread_url(site, thread):
        raise Forbidden("This page is not on the site's registered origins.", {"thread": reason}, key="thread_foreign")


def _site_and_thread() -> tuple[Site, str]:
    """Resolve ?site= and check ?thread= for the read endpoints."""
    site = _site()
    try:
        thread = schemas.clean_thread(request.args.get("thread", ""))
    except ValueError as exc:  # pydantic's custom error: its type is the stable code
        raise ValidationFailed("Please correct the fields listed.", {"thread": str(exc)}, key="invalid",
                               codes={"thread": getattr(exc, "type", "invalid")},
                               field_params={"thread": getattr(exc, "context", None) or {}}) from None
    _check_thread(site, thread)
    return site, thread


@bp.errorhandler(submit.TooFast)
def _too_fast(exc: submit.TooFast) -> tuple[Response, int, dict[str, str]]:
    return jsonify(exc.body(request_language())), exc.status, {"Retry-After": str(exc.retry_after)}


@bp.post("/comments")
def create_comment() -> Response:
    """Accept a comment; it is scored asynchronously, so the answer is always `pending`."""
    data = json_body()
    result = submit.submit_comment(get_settings(), get_session(), data, _meta(data), get_dispatcher())
    g.cors_site = result.site_id
    response = jsonify({"id": result.id, "status": result.status, "edit_token": result.edit_token,
                        "author_token": result.author_cookie})
    response.status_code = 202
    response.headers.update({"Location": url_for("api.get_comment", comment_id=result.id), "Cache-Control": "no-store"})
    return set_author_cookie(response, result)


@bp.get("/comments")
def list_comments() -> Response:
    """A page of the thread's published comments as a tree, the site's widget settings, and on the first page a form token."""
    site, thread = _site_and_thread()
    query = queries.list_query(request.args)
    settings = get_settings()
    policy = sites.policy_for(settings, site)
    found = threads.page(get_session(), site.id, thread, query.sort or policy.comment_order,
                         query.limit or policy.comments_per_page, query.after)
    order = {root: i for i, root in enumerate(found.roots)}
    tree = sorted(present.tree(settings, found.comments), key=lambda node: order.get(node["id"], len(order)))
    first = query.after is None
    response = jsonify({"site": site.id, "thread": thread, "count": found.total, "comments": tree, "next": found.next,
                        "form_token": antibot.issue_form_token(settings, site.id, thread) if first else None,
                        "config": queries.widget_config(policy)})
    if first:
        response.headers["Cache-Control"] = "no-store"  # the form token is single-use
    return response


@bp.get("/counts")
def thread_counts() -> Response:
    """Published comments per page, for article lists (count.js): many threads, one request."""
    site = _site()
    asked = queries.count_threads(request.args)
    for thread in asked:
        _check_thread(site, schemas.clean_thread(thread))
    response = jsonify({"site": site.id, "counts": threads.counts(get_session(), site.id, asked)})
    response.headers["Cache-Control"] = "public, max-age=30"
    return response


@bp.get(COMMENT_PATH)
def get_comment(comment_id: int) -> Response:
    """Public once published; the author (X-Edit-Token) also sees status and reasons before that."""
    session = get_session()
    comment = comments.get_comment(session, comment_id)
    g.cors_site = comment.thread.site_id
    is_author = authorship.is_author(get_settings(), comment, request.headers.get("X-Edit-Token"),
                                     request.args.get("moderation-hash"))
    if comment.status == Status.DELETED or (comment.status != Status.PUBLISHED and not is_author):
        raise NotFound("No such comment.", key="comment_not_found")
    body = present.public_comment(get_settings(), comment)
    if is_author:
        body.update(authorship.author_view(session, get_settings(), comment))
    response = jsonify(body)
    if is_author:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.patch(COMMENT_PATH)
def edit_comment(comment_id: int) -> Response:
    """Change the body inside the edit window; the comment is re-scored."""
    data = json_body()
    comment = comments.edit_comment(get_settings(), get_session(), comment_id, request.headers.get("X-Edit-Token"),
                                    data, score_enqueuer())
    g.cors_site = comment.thread.site_id
    return jsonify({"id": comment.id, "status": comment.status})


@bp.delete(COMMENT_PATH)
def delete_comment(comment_id: int) -> Response:
    """Delete one's own comment inside the edit window."""
    comment = comments.delete_comment(get_settings(), get_session(), comment_id, request.headers.get("X-Edit-Token"))
    g.cors_site = comment.thread.site_id
    return jsonify({"id": comment.id, "status": comment.status})


@bp.post("/comments/<int:comment_id>/report")
def report_comment(comment_id: int) -> tuple[Response, int]:
    """A reader reports a published comment (typed reason, optional text); rate limited."""
    data = parse_report(json_body())
    session = get_session()
    g.cors_site = comments.get_comment(session, comment_id).thread.site_id
    result = reports.report(session, get_settings(), comment_id, data.reason, data.text,
                            request.cookies.get(reports.READER_COOKIE, ""), request.remote_addr or "")
    session.commit()
    response = jsonify({"id": comment_id, "received": True})
    response.set_cookie(reports.READER_COOKIE, result.reader_cookie, max_age=365 * 24 * 3600, httponly=True,
                        samesite="Lax", secure=request.is_secure, path="/api/v1/comments")
    return response, 201


@bp.get("/form-token")
def form_token() -> tuple[Response, int, dict[str, str]]:
    """A signed, single-use token for one comment form on one page."""
    site, thread = _site_and_thread()
    token = antibot.issue_form_token(get_settings(), site.id, thread)
    return jsonify({"form_token": token, "site": site.id, "thread": thread}), 200, {"Cache-Control": "no-store"}


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi.document())
