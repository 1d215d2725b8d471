"""Entry point for `celery -A workers.celery_app`: the Celery app built from the Flask app."""
from __future__ import annotations

import logging
from typing import Any

from celery.signals import after_setup_logger, after_setup_task_logger, worker_process_init

from moderation import create_app, logsafe
from moderation.extensions import get_celery

flask_app = create_app()
celery_app = get_celery(flask_app)
app = celery_app

import workers.tasks  # noqa: E402,F401  (registers the tasks on this app)
from workers import model  # noqa: E402


@after_setup_logger.connect
@after_setup_task_logger.connect
def _mask_emails(logger: logging.Logger, **_: Any) -> None:
    """Celery configured this process's logging: put the email mask on its handlers."""
    logsafe.install(logger)


@worker_process_init.connect
def _warm_up(**_: object) -> None:
    """Each pool process starts loading the model as soon as it is forked."""
    model.warm_up_in_background()
