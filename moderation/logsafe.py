"""A logging filter that masks anything shaped like an email address, as a last line of defence."""
from __future__ import annotations

import logging
import re

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")


def mask_emails(text: str) -> str:
    """Replace every email-shaped substring with a fixed marker."""
    return EMAIL_RE.sub("[email]", text)


class MaskEmailFilter(logging.Filter):
    """Rewrites the formatted message so no email reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (a broken format string must not drop the record)
            return True
        masked = mask_emails(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_emails(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_emails(record.exc_text)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Mask emails in everything the process logs: filter every handler of `logger` (root).

    Called by process entry points (the WSGI module, the Celery worker, the CLI), which own the
    process's logging; never at import or app creation. Without a handler, one to stderr is added.
    """
    target = logger or logging.getLogger()
    if not target.handlers:
        handler: logging.Handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        target.addHandler(handler)
    for handler in target.handlers:
        if not any(isinstance(f, MaskEmailFilter) for f in handler.filters):
            handler.addFilter(MaskEmailFilter())
