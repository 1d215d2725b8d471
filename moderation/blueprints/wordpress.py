"""WordPress-compatible form endpoint: an existing theme's comment form can post here unchanged.

Field names are WordPress's (`author`, `email`, `url`, `comment`, `comment_post_ID`,
`comment_parent`), plus `site` (hidden field; else derived from Origin/Referer), `thread` (hidden
field with the page URL; else the Referer), `form_token` and the honeypot `homepage`.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, make_response, redirect, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from moderation import schemas
from moderation.blueprints.api import set_author_cookie
from moderation.db import get_session
from moderation.errors import APIError
from moderation.extensions import get_dispatcher, get_settings
from moderation.services import sites, submit
from moderation.services.sites import origin_of, site_origins

bp = Blueprint("wordpress", __name__)


def _page_url(thread: str) -> str | None:
    """Where to send the author back: the thread URL, else the Referer (checked by the caller)."""
    if schemas.is_url(thread):
        return thread
    return request.headers.get("Referer") or None


def _safe_back(site_id: str | None) -> str:
    """A back link only to a registered origin (no open redirect); else the browser's history."""
    referer = request.headers.get("Referer", "")
    site = sites.cached_site(get_session(), site_id) if site_id else None
    candidates = [site] if site is not None else sites.all_sites(get_session())
    if referer and any(origin_of(referer) in site_origins(s) for s in candidates):
        return referer
    return "javascript:history.back()"


def _with_marker(url: str, comment_id: int) -> str:
    """Add WordPress's held-for-moderation marker and the comment anchor."""
    parts = urlsplit(url)
    query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("unapproved="))
    query = (query + "&" if query else "") + urlencode({"unapproved": comment_id})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, f"comment-{comment_id}"))


@bp.errorhandler(APIError)
def _error_page(exc: APIError) -> tuple[str, int, dict[str, str]]:
    # Like wp_die(): a plain page with the reasons and a back link; never the submitted values.
    headers = {"Cache-Control": "no-store"}
    if isinstance(exc, submit.TooFast):
        headers["Retry-After"] = str(exc.retry_after)
    html = render_template("wp_error.html", message=exc.message, fields=exc.fields,
                           back=_safe_back(request.form.get("site")))
    return html, exc.status, headers


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> tuple[str, int]:
    return render_template("wp_error.html", message="Your comment is too long to send.", fields={},
                           back="javascript:history.back()"), 413


@bp.post("/wp-comments-post.php")
def post_comment() -> BaseResponse:
    """Same pipeline as the JSON API, then 303 back to the page at the comment's anchor."""
    form = request.form
    referer = request.headers.get("Referer", "")
    thread = form.get("thread") or form.get("comment_post_ID") or referer.split("#", 1)[0]
    raw = {
        "site": form.get("site") or None, "thread": thread, "title": form.get("title", ""),
        "parent": form.get("comment_parent", ""), "name": form.get("author", ""),
        "email": form.get("email", ""), "website": form.get("url", ""), "body": form.get("comment", ""),
        "form_token": form.get("form_token", ""), schemas.HONEYPOT_FIELD: form.get(schemas.HONEYPOT_FIELD, ""),
        # An HTML checkbox sends "on" when ticked and nothing otherwise.
        "notify_replies": form.get("notify_replies", "") not in ("", "0", "off"),
    }
    origin = request.headers.get("Origin")
    meta = submit.RequestMeta(ip=request.remote_addr or "", origin=origin,
                                author_cookie=request.cookies.get(submit.AUTHOR_COOKIE, ""))
    if not raw["site"] and not origin and referer:
        # No hidden `site` field and no Origin: the Referer's origin tells us which site.
        raw["site"] = _site_from_referer(referer)
    result = submit.submit_comment(get_settings(), get_session(), raw, meta, get_dispatcher())
    page = _page_url(result.thread)
    site = sites.cached_site(get_session(), result.site_id)
    if page and site is not None and origin_of(page) in site_origins(site):
        return set_author_cookie(redirect(_with_marker(page, result.id), code=303), result)
    return set_author_cookie(make_response(render_template("wp_thanks.html", comment_id=result.id)), result)


def _site_from_referer(referer: str) -> str | None:
    origin = origin_of(referer)
    matches = [s.id for s in sites.all_sites(get_session()) if origin in site_origins(s)]
    return matches[0] if len(matches) == 1 else None
