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


def install() -> None:
    """Attach the filter to the root logger's handlers and to future records via a record factory."""
    if getattr(logging, "_moderation_masking", False):
        return
    previous = logging.getLogRecordFactory()
    masker = MaskEmailFilter()

    def factory(*args, **kwargs):  # type: ignore[no-untyped-def]
        record = previous(*args, **kwargs)
        masker.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    logging._moderation_masking = True  # type: ignore[attr-defined]
