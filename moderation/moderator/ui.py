"""The moderator pages (/moderation): login, logout, language; the blueprint the other page modules extend."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, logout_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response as BaseResponse

from moderation.db import get_session
from moderation.errors import APIError
from moderation.extensions import get_redis
from moderation.moderator import auth
from moderation.moderator.security import begin_login, check_csrf, check_same_origin, session_actor, settings

bp = Blueprint("moderator", __name__, url_prefix="/moderation")
PUBLIC_ENDPOINTS = {"moderator.login"}
LOCALES = ("id", "en")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@bp.before_request
def _guard() -> Any:
    check_same_origin()
    check_csrf()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    actor = session_actor()
    if actor is None:
        return redirect(url_for("moderator.login", next=request.full_path if request.method == "GET" else None))
    g.actor = actor
    return None


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(APIError)
def _error_page(exc: APIError) -> tuple[str, int]:
    return render_template("moderator/error.html", status=exc.status, message=exc.message, fields=exc.fields), exc.status


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {"csrf_token": generate_csrf, "actor": g.get("actor"), "get_locale": get_locale}


def _safe_next(target: str | None) -> str:
    """Only a local path under /moderation (no open redirect)."""
    if target and target.startswith("/moderation") and not urlsplit(target).netloc:
        return target
    return url_for("moderator.queue")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; throttled per account name and per address."""
    error, status = "", 200
    if request.method == "POST":
        session = get_session()
        try:
            moderator = auth.login(session, settings(), get_redis(), request.form.get("username", ""),
                                   request.form.get("password", ""), request.remote_addr or "")
        except (auth.LoginFailed, auth.LoginLocked) as exc:
            session.commit()  # the failure counters
            error, status = exc.message, exc.status
        else:
            if current_user.is_authenticated:
                auth.end_session(session, current_user.token)
            token = auth.start_session(session, moderator)
            session.commit()
            begin_login(moderator, token)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("moderator/login.html", error=error, next=request.args.get("next", "")), status


@bp.post("/logout")
def logout() -> BaseResponse:
    """End the session on the server and in the browser."""
    session = get_session()
    auth.end_session(session, current_user.token)
    session.commit()
    logout_user()
    return redirect(url_for("moderator.login"))


@bp.post("/locale")
def set_locale() -> BaseResponse:
    """Remember the moderator's language (id, en, or "" for the browser's)."""
    choice = request.form.get("locale", "")
    session = get_session()
    moderator = session.merge(current_user.moderator)
    moderator.locale = choice if choice in LOCALES else ""
    session.commit()
    return redirect(_safe_next(request.form.get("next")))
