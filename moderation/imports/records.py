"""What an export's comment becomes before it is stored, and the errors that name where a file is wrong.

The parsers (wxr.py, disqus.py) read with defusedxml's SAX parser: streaming (a large export never
sits in memory as a tree), a DTD and therefore any entity declaration is refused (no "billion
laughs"), no external resources are fetched, and every error carries the line it was found on.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces

import defusedxml
import defusedxml.sax

from moderation.models import Status

MAX_FIELD_CHARS = 1_000_000  # one comment's text; WordPress itself stores at most 65,535 bytes
TRASH = "trash"  # a status whose meaning for training the site says with --trash-as


class ImportFileError(ValueError):
    """The file cannot be imported; ``where`` names the line and element."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


@dataclass(frozen=True)
class Record:
    """One comment of an export, validated, in our terms (status from the Status enum, or TRASH)."""

    source_id: str
    parent_source_id: str | None
    thread_uri: str
    thread_title: str
    name: str
    email: str
    website: str
    ip: str
    created_at: datetime
    body: str
    status: str
    line: int


class CountingReader:
    """A binary file wrapper that reports how many bytes the parser has read (for the progress bar)."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None] | None = None) -> None:
        self._raw, self._on_read = raw, on_read

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if self._on_read is not None and data:
            self._on_read(len(data))
        return data

    def close(self) -> None:
        self._raw.close()


def check_size(path: Path, max_bytes: int) -> int:
    """The file's size; refused before parsing when it is over the limit."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ImportFileError(str(path), f"cannot read the file ({exc.strerror})") from None
    if size > max_bytes:
        raise ImportFileError(str(path), f"{size:,} bytes is over the import limit of {max_bytes:,} bytes "
                                         "(imports.max_file_mb); split the export or raise the limit")
    return size


class Collector(ContentHandler):
    """Base SAX handler: namespaces on, text of the fields asked for, the line of each element."""

    def __init__(self) -> None:
        super().__init__()
        self.locator: Any = None
        self._text: list[str] | None = None
        self._chars = 0

    def setDocumentLocator(self, locator: Any) -> None:
        self.locator = locator

    @property
    def line(self) -> int:
        return int(self.locator.getLineNumber()) if self.locator is not None else 0

    def capture(self) -> None:
        """Start collecting character data for the current element."""
        self._text, self._chars = [], 0

    def captured(self) -> str:
        """The text collected since ``capture`` (and stop collecting)."""
        text = "".join(self._text or [])
        self._text = None
        return text

    def characters(self, content: str) -> None:
        if self._text is not None:
            self._chars += len(content)
            if self._chars > MAX_FIELD_CHARS:
                raise ImportFileError(f"line {self.line}", f"an element's text is longer than {MAX_FIELD_CHARS:,} characters")
            self._text.append(content)


def parse(path: Path, handler: Collector, on_read: Callable[[int], None] | None = None) -> None:
    """Run ``handler`` over the file with the safe parser; any problem is an ImportFileError naming the line."""
    try:
        parser = defusedxml.sax.make_parser()
        parser.forbid_dtd, parser.forbid_entities, parser.forbid_external = True, True, True
        parser.setFeature(feature_namespaces, True)
        parser.setContentHandler(handler)
        with path.open("rb") as raw:
            parser.parse(CountingReader(raw, on_read))
    except SAXParseException as exc:
        raise ImportFileError(f"line {exc.getLineNumber()}, column {exc.getColumnNumber()}",
                              f"not well-formed XML ({exc.getMessage()}); is the file complete?") from None
    except defusedxml.DTDForbidden:
        raise ImportFileError(f"line {handler.line or 1}",
                              "the file declares a DTD (<!DOCTYPE>); refused, since DTDs can define entity bombs") from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise ImportFileError(f"line {handler.line or 1}", "the file declares entities or external references; refused") from None


def parse_time(value: str, where: str, field: str) -> datetime | None:
    """An export's timestamp as aware UTC: 'YYYY-MM-DD HH:MM:SS' (UTC) or ISO 8601; None for WordPress's zero date."""
    text = value.strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ImportFileError(where, f"{field} {text[:40]!r} is not a date and time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def clean_text(value: str) -> str:
    """Text as stored: Windows line ends and NUL characters (which databases refuse) removed."""
    return value.replace("\r\n", "\n").replace("\x00", "")


STATUSES = (Status.PUBLISHED.value, Status.HELD.value, Status.SPAM.value, Status.REJECTED.value)
