"""Entry point for `celery -A workers.celery_app`: the Celery app built from the Flask app."""
from __future__ import annotations

from moderation import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]

from celery.signals import celeryd_after_setup, worker_process_init  # noqa: E402

import workers.tasks  # noqa: E402,F401  (registers the tasks on this app)
import workers.webhooks  # noqa: E402,F401
from workers import model  # noqa: E402

app = celery_app
_scores = True  # False in a worker that only consumes the webhooks queue


@celeryd_after_setup.connect
def _note_queues(instance: object, **_: object) -> None:
    """Before the pool forks: does this worker score comments at all?"""
    global _scores
    queues = getattr(getattr(getattr(instance, "app", None), "amqp", None), "queues", None)
    consumed = set(queues.consume_from) if queues is not None and queues.consume_from else set()
    _scores = not consumed or "scoring" in consumed


@worker_process_init.connect
def _warm_up(**_: object) -> None:
    """Each scoring pool process starts loading the model as soon as it is forked."""
    if _scores:
        model.warm_up_in_background()
