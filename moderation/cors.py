"""CORS for the public JSON API: echo the Origin only when it is registered to the requested site.

Never `*`, never credentials, always `Vary: Origin`; an unknown origin gets no ACAO header at all
(Isso falls back to its first configured origin; we do not).
"""
from __future__ import annotations

from flask import Response, g, request

from moderation.db import get_session
from moderation.services import sites
from moderation.services.sites import origin_of, site_origins

ALLOW_METHODS = "GET, POST, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = "Content-Type, X-Edit-Token"
EXPOSE_HEADERS = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Location"


def _requested_site() -> str | None:
    site = g.get("cors_site") or request.args.get("site")
    if not site and request.is_json:
        data = request.get_json(silent=True)
        site = data.get("site") if isinstance(data, dict) else None
    return site if isinstance(site, str) else None


def _allowed(origin: str) -> bool:
    session = get_session()
    site_id = _requested_site()
    if site_id:
        site = sites.cached_site(session, site_id)
        return site is not None and origin_of(origin) in site_origins(site)
    # No site named (a preflight carries no body): any registered origin may ask; the real
    # request is then checked against its own site.
    return any(origin_of(origin) in site_origins(s) for s in sites.all_sites(session))


def apply(response: Response) -> Response:
    """after_request hook for the API blueprint."""
    if "Vary" in response.headers:
        response.vary.add("Origin")
    else:  # the common case, without parsing and re-serialising a header set
        response.headers["Vary"] = "Origin"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    origin = request.headers.get("Origin")
    if not origin or not _allowed(origin):
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
    return response
