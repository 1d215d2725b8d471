"""Comment moderation service: the app factory."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from moderation.settings import (
    Settings,
    SettingsError,
    check_secrets,
    generate_secrets,
    load_settings,
)

__all__ = ["Settings", "SettingsError", "create_app"]


def _ensure_dev_secrets(settings: Settings, root: Path) -> Settings:
    """In development only, write random keys to instance/secrets.toml the first time."""
    if settings.env != "development" or settings.secrets.secret_key:
        return settings
    import tomli_w  # only needed on a developer's first start

    instance = root / settings.instance_path
    instance.mkdir(parents=True, exist_ok=True)
    target = instance / "secrets.toml"
    if not target.exists():
        target.write_text(tomli_w.dumps(generate_secrets()), encoding="utf-8")
        target.chmod(0o600)
    return load_settings(root=root)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the web app; `test_config` replaces files and environment entirely."""
    root = Path.cwd()
    settings = load_settings(test_config, root=root)
    if test_config is None:
        settings = _ensure_dev_secrets(settings, root)
    check_secrets(settings)

    app = Flask(__name__, instance_path=str((root / settings.instance_path).resolve()))
    app.config.update(
        SECRET_KEY=settings.secrets.secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        TESTING=settings.env == "testing",
        JSON_SORT_KEYS=False,
    )
    app.extensions["settings"] = settings
    logging.getLogger("moderation").setLevel(settings.log_level)

    from moderation import db, errors, extensions, queue, webhooks

    db.init_app(app, settings)
    extensions.init_app(app, settings)
    queue.init_app(app, settings)
    webhooks.init_app(app, settings)
    errors.register(app)
    _register_blueprints(app, settings)
    from moderation import cli

    cli.register(app)
    return app


def _register_blueprints(app: Flask, settings: Settings) -> None:
    """Attach the public blueprints, then wrap the comment endpoints with their rate limits."""
    from moderation import moderator, ratelimit
    from moderation.blueprints import api, demo, widget, wordpress
    from moderation.datarights import page as privacy_page
    from moderation.datarights import views as privacy_views

    for module in (api, wordpress, demo, widget, privacy_views, privacy_page):
        app.register_blueprint(module.bp)
    ratelimit.init_app(app, settings)
    moderator.init_app(app, settings)


