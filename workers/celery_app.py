"""Entry point for `celery -A workers.celery_app`: the Celery app built from the Flask app."""
from __future__ import annotations

from moderation import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

from celery.signals import worker_process_init  # noqa: E402

import workers.tasks  # noqa: E402,F401  (registers the tasks on this app)
from workers import model  # noqa: E402

app = celery_app


@worker_process_init.connect
def _warm_up(**_: object) -> None:
    """Each pool process starts loading the model as soon as it is forked."""
    model.warm_up_in_background()
