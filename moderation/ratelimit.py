"""Rate limits on comment POSTs (Flask-Limiter on Redis), keyed by the real client IP.

The client IP comes from werkzeug's ProxyFix with `x_for=settings.trusted_proxies` only: with no
trusted proxy a client-supplied X-Forwarded-For is ignored, so spoofing it changes nothing. When
Redis is down the limiter falls back to per-process memory instead of failing the request.
"""
from __future__ import annotations

from typing import cast

from flask import Flask, request
from flask.typing import RouteCallable
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from moderation.settings import Settings

# Endpoints that accept new comments; both count against the same per-IP and per-site budgets.
COMMENT_ENDPOINTS = ("api.create_comment", "wordpress.post_comment", "privacy.request_link",
                     "privacy_page.privacy_request")


def client_ip() -> str:
    """The peer address after ProxyFix (trusted hops only)."""
    return request.remote_addr or "unknown"


def site_key() -> str:
    """The site a comment is posted to, from the JSON body, the form or the query."""
    data = request.get_json(silent=True) if request.is_json else None
    site = data.get("site") if isinstance(data, dict) else None
    site = site or request.form.get("site") or request.args.get("site") or "unknown"
    return "site:" + str(site)[:64]


def init_app(app: Flask, settings: Settings) -> Limiter:
    """Install ProxyFix and a per-app limiter, and wrap the comment endpoints with their limits."""
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=settings.trusted_proxies)
    limiter = Limiter(
        client_ip,
        app=app,
        storage_uri=settings.redis_url,
        storage_options=cast(dict[str, str | int], {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}),
        strategy="moving-window",
        in_memory_fallback_enabled=True,
        headers_enabled=True,
        swallow_errors=True,
        key_prefix=settings.redis_namespace,
        enabled=settings.rate_limit_enabled,
    )
    per_ip = limiter.limit(lambda: settings.rate_limit_comments, methods=["POST"], scope="comments-ip",
                           error_message="Too many comments from your network; please wait a minute.")
    per_site = limiter.limit(lambda: settings.rate_limit_site, key_func=site_key, methods=["POST"],
                             scope="comments-site", error_message="This site is receiving too many comments right now.")
    for endpoint in COMMENT_ENDPOINTS:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = cast(RouteCallable, per_ip(per_site(app.view_functions[endpoint])))
    app.extensions["moderation_limiter"] = limiter
    return limiter
