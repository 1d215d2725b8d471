"""WordPress-compatible form endpoint: an existing theme's comment form can post here unchanged.

Field names are WordPress's (`author`, `email`, `url`, `comment`, `comment_post_ID`,
`comment_parent`), plus `site` (hidden field; else derived from Origin/Referer), `thread` (hidden
field with the page URL; else the Referer), `form_token`, the honeypot `homepage`, `notify_replies`
(a checkbox) and `lang`. The return link carries `unapproved` and, as WordPress does, a
`moderation-hash` that lets the page show the pending comment to its author only.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, make_response, redirect, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from moderation import catalog, schemas
from moderation.blueprints.api import set_author_cookie
from moderation.db import get_session
from moderation.errors import APIError, request_language
from moderation.extensions import get_dispatcher, get_settings
from moderation.models import Site
from moderation.services import authorship, sites, submit
from moderation.services.sites import origin_of, site_origins

TRUE = ("1", "on", "yes", "true")

bp = Blueprint("wordpress", __name__)


def _page_url(thread: str) -> str | None:
    """Where to send the author back: the thread URL, else the Referer (checked by the caller)."""
    if schemas.is_url(thread):
        return thread
    return request.headers.get("Referer") or None


def _site(site_id: str | None) -> Site | None:
    return sites.cached_site(get_session(), site_id) if site_id else None


def _safe_back(site: Site | None) -> str:
    """A back link only to a registered origin (no open redirect): the Referer, else the site's home; else none."""
    referer = request.headers.get("Referer", "")
    candidates = [site] if site is not None else sites.all_sites(get_session())
    if referer and any(origin_of(referer) in site_origins(s) for s in candidates):
        return referer
    homes = sorted(site_origins(site)) if site is not None else []
    return homes[0] + "/" if homes else ""


def _with_marker(url: str, comment_id: int, moderation_hash: str) -> str:
    """Add WordPress's held-for-moderation marker, its proof for the author, and the comment anchor."""
    parts = urlsplit(url)
    query = "&".join(q for q in parts.query.split("&")
                     if q and not q.startswith(("unapproved=", "moderation-hash=")))
    query = (query + "&" if query else "") + urlencode({"unapproved": comment_id, "moderation-hash": moderation_hash})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, f"comment-{comment_id}"))


def _language(site: Site | None, requested: str | None = None) -> str:
    """The reader's language (form field `lang`, else Accept-Language), else the site's."""
    fallback = sites.policy_for(get_settings(), site).language if site is not None else "id"
    return request_language(fallback, requested)


def page_headers(site: Site | None) -> dict[str, str]:
    """Headers of the pages this route renders: no caching, a strict CSP, framed only by the site itself."""
    ancestors = " ".join(sorted(site_origins(site))) if site is not None else ""
    csp = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors "
    return {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": csp + (ancestors or "'none'")}


@bp.errorhandler(APIError)
def _error_page(exc: APIError) -> tuple[str, int, dict[str, str]]:
    # Like wp_die(): a plain page with the reasons and a back link; never the submitted values.
    site = _site(request.form.get("site"))
    headers = page_headers(site)
    if isinstance(exc, submit.TooFast):
        headers["Retry-After"] = str(exc.retry_after)
    lang = _language(site, request.form.get("lang"))
    body = exc.body(lang)
    html = render_template("wp_error.html", message=body["message"], fields=body.get("fields") or {},
                           back=_safe_back(site), lang=lang, t=catalog.texts(lang, "pages"))
    return html, exc.status, headers


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> tuple[str, int, dict[str, str]]:
    lang = _language(None)  # the form is too large to read: no site, no `lang` field
    message = catalog.message(lang, "request_entity_too_large") or "Your comment is too long to send."
    return render_template("wp_error.html", message=message, fields={}, back=_safe_back(None), lang=lang,
                           t=catalog.texts(lang, "pages")), 413, page_headers(None)


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
        "notify_replies": form.get("notify_replies", "").lower() in TRUE,
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
        target = _with_marker(page, result.id, authorship.view_hash(get_settings(), result.id))
        return set_author_cookie(redirect(target, code=303), result)
    lang = _language(site, form.get("lang"))
    response = make_response(render_template("wp_thanks.html", back=_safe_back(site), lang=lang,
                                             t=catalog.texts(lang, "pages")))
    response.headers.update(page_headers(site))
    return set_author_cookie(response, result)


def _site_from_referer(referer: str) -> str | None:
    origin = origin_of(referer)
    matches = [s.id for s in sites.all_sites(get_session()) if origin in site_origins(s)]
    return matches[0] if len(matches) == 1 else None
