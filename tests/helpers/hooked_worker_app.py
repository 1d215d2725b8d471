"""`celery -A tests.helpers.hooked_worker_app`: the real worker app and shipped model, with the fault hooks."""
from __future__ import annotations

from tests.helpers import testhooks

testhooks.install()

from workers.celery_app import celery_app, flask_app  # noqa: E402

app = celery_app
__all__ = ["app", "celery_app", "flask_app"]
