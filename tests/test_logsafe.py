"""The email mask on log handlers: installed by process entry points, never by the app factory."""
from __future__ import annotations

import io
import logging

from moderation import create_app, logsafe
from tests.conftest import make_config


def test_install_masks_every_record_through_the_handlers() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("test.logsafe.masked")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        logsafe.install(logger)
        logsafe.install(logger)  # idempotent: one filter per handler
        logging.getLogger("test.logsafe.masked").warning("reply from %s failed", "budi.santoso@example.co.id")
        try:
            raise ValueError("bad address rahasia@example.org")
        except ValueError:
            logger.exception("while saving")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "budi.santoso@example.co.id" not in text and "rahasia@example.org" not in text
    assert text.count("[email]") >= 2  # the message, and the exception (its source line too)
    assert sum(isinstance(f, logsafe.MaskEmailFilter) for f in handler.filters) == 1


def test_creating_an_app_changes_no_process_wide_logging(tmp_path) -> None:  # type: ignore[no-untyped-def]
    factory = logging.getLogRecordFactory()
    root_handlers = list(logging.getLogger().handlers)
    filters = [list(h.filters) for h in root_handlers]
    create_app(make_config(f"sqlite:///{tmp_path}/x.sqlite"))
    assert logging.getLogRecordFactory() is factory
    assert logging.getLogger().handlers == root_handlers
    assert [list(h.filters) for h in root_handlers] == filters
