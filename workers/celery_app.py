"""Entry point for `celery -A workers.celery_app`: the Celery app built from the Flask app."""
from __future__ import annotations

import logging
from typing import Any

from celery.signals import after_setup_logger, after_setup_task_logger, celeryd_after_setup, worker_process_init

from moderation import create_app, logsafe, queue
from moderation.extensions import get_celery

flask_app = create_app()
celery_app = get_celery(flask_app)
app = celery_app

import workers.tasks  # noqa: E402  (registers the tasks on this app)
import workers.webhooks  # noqa: E402,F401
from workers import model  # noqa: E402


@after_setup_logger.connect
@after_setup_task_logger.connect
def _mask_emails(logger: logging.Logger, **_: Any) -> None:
    """Celery configured this process's logging: put the email mask on its handlers."""
    logsafe.install(logger)


_scores = True  # False in a worker that only consumes the webhooks queue


@celeryd_after_setup.connect
def _note_queues(instance: Any, **_: Any) -> None:
    """Before the pool forks: does this worker score comments at all?"""
    global _scores
    queues = getattr(getattr(getattr(instance, "app", None), "amqp", None), "queues", None)
    consumed = set(queues.consume_from) if queues is not None and queues.consume_from else set()
    _scores = not consumed or queue.SCORING_QUEUE in consumed


@worker_process_init.connect
def _warm_up(**_: object) -> None:
    """Each scoring pool process starts loading the model as soon as it is forked."""
    if _scores:
        model.warm_up_in_background()
