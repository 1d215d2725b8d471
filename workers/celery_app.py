"""Entry point for `celery -A workers.celery_app`: the Celery app built from the Flask app."""
from __future__ import annotations

from moderation import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

import workers.tasks  # noqa: E402,F401  (registers the tasks on this app)

app = celery_app
