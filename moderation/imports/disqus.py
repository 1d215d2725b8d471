"""Disqus export: `thread` elements (link, title) and `post` elements (message, isSpam, isDeleted)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from moderation.imports.records import TRASH, Collector, ImportFileError, Record, clean_text, parse, parse_time

DSQ = "http://disqus.com/disqus-internals"
POST_FIELDS = {"message", "createdAt", "isDeleted", "isSpam", "ipAddress", "email", "name"}
BOOLEAN = {"true": True, "false": False, "1": True, "0": False, "": False}


class _Handler(Collector):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[Record] = []
        self.threads: dict[str, tuple[str, str]] = {}
        self.stack: list[str] = []
        self.current: dict[str, str] | None = None
        self.kind = ""
        self.line_of = 0
        self.field: str | None = None
        self.root = ""

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:
        local = name[1]
        if not self.stack:
            self.root = local
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(local)
        dsq_id = attrs.get((DSQ, "id"), "") if attrs is not None else ""
        if len(self.stack) == 2 and local in ("thread", "post"):
            self.kind, self.current, self.line_of = local, {"dsq:id": dsq_id}, self.line
        elif self.current is not None and self.kind == "post" and local in ("thread", "parent") and len(self.stack) == 3:
            self.current[local] = dsq_id
        elif self.current is not None and len(self.stack) == 3 and local in (POST_FIELDS | {"link", "title"}):
            self.field = local
            self.capture()
        elif self.current is not None and parent == "author" and local in ("email", "name"):
            self.field = "author_" + local
            self.capture()

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        local = name[1]
        if self.field is not None and self.field.removeprefix("author_") == local:
            assert self.current is not None
            self.current[self.field] = self.captured()
            self.field = None
        elif len(self.stack) == 2 and self.current is not None and local == self.kind:
            if self.kind == "thread":
                self.threads[self.current["dsq:id"]] = (self.current.get("link", "").strip(), self.current.get("title", "").strip())
            else:
                self.records.append(self._record(self.current, self.line_of))
            self.current = None
        self.stack.pop()

    def _record(self, f: dict[str, str], line: int) -> Record:
        source_id = f.get("dsq:id", "").strip()
        where = f"line {line}, post" + (f" {source_id}" if source_id else "")
        if not source_id or len(source_id) > 100:
            raise ImportFileError(where, "dsq:id is missing or longer than 100 characters")
        flags = {}
        for field in ("isSpam", "isDeleted"):
            value = f.get(field, "").strip().lower()
            if value not in BOOLEAN:
                raise ImportFileError(where, f"{field} {value[:20]!r} is not true or false")
            flags[field] = BOOLEAN[value]
        created = parse_time(f.get("createdAt", ""), where, "createdAt")
        if created is None:
            raise ImportFileError(where, "createdAt is missing")
        thread = self.threads.get(f.get("thread", ""))
        if thread is None:
            raise ImportFileError(where, f"thread {f.get('thread', '')!r} is not defined before the post")
        link, title = thread
        status = "spam" if flags["isSpam"] else TRASH if flags["isDeleted"] else "published"
        return Record(source_id=source_id, parent_source_id=f.get("parent") or None,
                      thread_uri=(link or f"disqus:thread:{f.get('thread')}")[:2048], thread_title=title[:500],
                      name=clean_text(f.get("author_name", "")).strip()[:245], email=f.get("author_email", "").strip()[:254],
                      website="", ip=f.get("ipAddress", "").strip(), created_at=created,
                      body=clean_text(f.get("message", "")).strip(), status=status, line=line)


def read(path: Path, on_read: Callable[[int], None] | None = None) -> tuple[list[Record], dict[str, int]]:
    """Every post of the export, validated (nothing is skipped)."""
    handler = _Handler()
    parse(path, handler, on_read)
    if handler.root != "disqus":
        raise ImportFileError(str(path), "not a Disqus export (the root element is not <disqus>)")
    return handler.records, {}
