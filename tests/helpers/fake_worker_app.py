"""`celery -A tests.helpers.fake_worker_app`: the real worker app with the keyword model and the fault hooks.

Fault tests exercise Celery and the database, not the classifier, so they skip loading it. The
model is set in the main process before the pool forks, so every child has it.
"""
from __future__ import annotations

from tests.helpers import testhooks
from tests.helpers.fakes import FakeModel
from workers import model

model.set_model(FakeModel())
testhooks.install()

from workers.celery_app import celery_app, flask_app  # noqa: E402

app = celery_app
__all__ = ["app", "celery_app", "flask_app"]
