"""The moderator queue: pages under /moderation, the JSON API under /api/v1/moderation, and their parts.

`init_app` attaches everything; moderation.create_app calls it after the public blueprints and the
rate limiter exist.
"""
from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel

from moderation.settings import Settings

LOCALES = ("id", "en")


def select_locale() -> str:
    """The moderator's setting, then the browser's preference, then Indonesian."""
    actor = g.get("actor")
    if actor is not None and actor.locale in LOCALES:
        return str(actor.locale)
    return request.accept_languages.best_match(LOCALES) or "id"


def init_app(app: Flask, settings: Settings) -> None:
    """Register the blueprints, sessions, i18n and the rate limit of reader reports."""
    from moderation.datarights import ui as privacy_ui  # noqa: F401  (pages on the moderator blueprint)
    from moderation.moderator import api, security, ui, ui_admin, ui_queue  # noqa: F401  (routes register on import)
    from moderation.registry import api as registry_api
    from moderation.registry import ui as registry_ui  # noqa: F401  (pages on the moderator blueprint)

    security.init_app(app, settings)
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(ui.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(registry_api.bp)
    limiter = app.extensions.get("moderation_limiter")
    endpoint = "api.report_comment"
    if limiter is not None and endpoint in app.view_functions:
        app.view_functions[endpoint] = limiter.limit(lambda: settings.moderator.rate_limit_reports, scope="reports-ip",
                                                     error_message="Too many reports from your network; please wait.")(
            app.view_functions[endpoint])
