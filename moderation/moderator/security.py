"""Sessions (Flask-Login over server-side session rows), API tokens, CSRF and same-origin checks."""
from __future__ import annotations

from typing import Any

from flask import Flask, g, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from moderation.db import get_session
from moderation.errors import APIError, Forbidden
from moderation.extensions import get_settings
from moderation.models import Moderator
from moderation.moderator import auth
from moderation.services.sites import origin_of
from moderation.settings import Settings

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class CSRFFailed(APIError):
    status = 403
    code = "csrf_failed"


class SessionUser(UserMixin):  # type: ignore[misc]
    """The logged-in moderator; its id for Flask-Login is the session id, so logout ends it on the server."""

    def __init__(self, moderator: Moderator, token: str) -> None:
        self.moderator = moderator
        self.token = token

    def get_id(self) -> str:
        return self.token


def settings() -> Settings:
    """The app's settings (view layer)."""
    return get_settings()


def init_app(app: Flask, conf: Settings) -> None:
    """Cookie flags, Flask-Login and CSRF configuration."""
    production = conf.env == "production"
    app.config.update(
        SESSION_COOKIE_NAME="__Host-moderation_session" if production else "moderation_session",
        SESSION_COOKIE_SECURE=production, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/", WTF_CSRF_TIME_LIMIT=None, WTF_CSRF_SSL_STRICT=False,
    )
    manager = LoginManager(app)
    manager.session_protection = "basic"

    @manager.user_loader
    def _load(token: str) -> SessionUser | None:
        db = get_session()
        moderator = auth.load_session(db, conf, token)
        db.commit()  # the idle clock (or the removal of an expired session)
        return SessionUser(moderator, token) if moderator is not None else None

    @manager.unauthorized_handler
    def _unauthorized() -> Any:
        if request.path.startswith("/api/"):
            raise auth.Unauthorized("Log in or send Authorization: Bearer TOKEN.")
        return redirect(url_for("moderator.login", next=request.full_path if request.method == "GET" else None))


def check_same_origin() -> None:
    """Refuse state-changing requests that a browser marks as coming from another origin."""
    if request.method not in UNSAFE:
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        raise Forbidden("Cross-site request refused: use the moderation pages of this service.",
                        {"origin": f"Sec-Fetch-Site is {fetch_site}"})
    origin = request.headers.get("Origin")
    allowed = {origin_of(request.host_url)} | ({origin_of(settings().public_url)} if settings().public_url else set())
    if origin is not None and origin_of(origin) not in allowed:
        raise Forbidden("Cross-site request refused: use the moderation pages of this service.",
                        {"origin": "not this service's origin"})


def check_csrf() -> None:
    """A valid Flask-WTF token in the form field csrf_token or the X-CSRFToken header."""
    if request.method not in UNSAFE:
        return
    token = request.headers.get("X-CSRFToken") or request.form.get("csrf_token", "")
    try:
        validate_csrf(token)
    except (ValidationError, CSRFError) as exc:
        raise CSRFFailed(f"Request refused: {exc}. Reload the page and try again.", {"csrf_token": str(exc)}) from None


def session_actor() -> auth.Actor | None:
    """The moderator of the browser session, if any."""
    if current_user.is_authenticated:
        return auth.moderator_actor(current_user.moderator)
    return None


def api_actor() -> auth.Actor:
    """Bearer token, else the browser session (with CSRF and origin checks on writes), else 401."""
    if "actor" in g:
        return g.actor  # type: ignore[no-any-return]
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        db = get_session()
        actor = auth.token_actor(db, header[7:].strip())
        db.commit()  # last_used_at
    else:
        actor = session_actor()  # type: ignore[assignment]
        if actor is None:
            raise auth.Unauthorized("Log in or send Authorization: Bearer TOKEN.")
        check_same_origin()
        check_csrf()
    g.actor = actor
    return actor


def begin_login(moderator: Moderator, token: str) -> None:
    """A fresh cookie session for a fresh server-side session id (no fixation)."""
    session.clear()
    login_user(SessionUser(moderator, token))
