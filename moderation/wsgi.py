"""The web process's entry point for gunicorn (`moderation.wsgi:app`): logging, then the app."""
from __future__ import annotations

from moderation import create_app, logsafe

logsafe.install()
app = create_app()
