"""WordPress export (WXR 1.0-1.2): each item's `wp:comment` elements, threaded by the item's link."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from moderation.imports.records import TRASH, Collector, ImportFileError, Record, clean_text, parse, parse_time

WP_NAMESPACE = "http://wordpress.org/export/"  # followed by 1.0/, 1.1/ or 1.2/
# comment_approved -> what it means here ("post-trashed": the post was trashed, not the comment).
APPROVED = {"1": "published", "0": "held", "spam": "spam", "trash": TRASH, "post-trashed": "post-trashed"}
FIELDS = {"comment_id", "comment_parent", "comment_author", "comment_author_email", "comment_author_url",
          "comment_author_IP", "comment_date_gmt", "comment_date", "comment_content", "comment_approved",
          "comment_type"}
SKIPPED_TYPES = {"pingback", "trackback"}  # notices from other blogs, not readers' comments


def _wp(name: tuple[str | None, str]) -> bool:
    return bool(name[0] and name[0].startswith(WP_NAMESPACE))


class _Handler(Collector):
    def __init__(self, emit: Callable[[Record], None], skipped: Callable[[str], None]) -> None:
        super().__init__()
        self.emit, self.skipped = emit, skipped
        self.depth_item: int | None = None
        self.depth = 0
        self.item: dict[str, str] = {}
        self.comments: list[tuple[int, dict[str, str]]] = []
        self.comment: dict[str, str] | None = None
        self.comment_line = 0
        self.field: str | None = None
        self.saw_channel = False

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:
        self.depth += 1
        ns, local = name
        if self.comment is not None:  # inside wp:comment: the hot path, one test per element
            if local in FIELDS and _wp(name):
                self.field = local
                self.capture()
            return
        if ns is None or ns == "":
            if local == "channel":
                self.saw_channel = True
            elif local == "item" and self.depth_item is None:
                self.depth_item, self.item, self.comments = self.depth, {}, []
            elif local in ("link", "title") and self.depth_item is not None and self.depth == self.depth_item + 1:
                self.field = "item:" + local
                self.capture()
        elif self.depth_item is not None and _wp(name):
            if local == "comment":
                self.comment, self.comment_line = {}, self.line
            elif local == "post_id" and self.depth == self.depth_item + 1:
                self.field = "item:post_id"
                self.capture()

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        self.depth -= 1
        ns, local = name
        if self.field is not None:
            if local == self.field.removeprefix("item:"):
                text = self.captured()
                if self.field.startswith("item:"):
                    self.item[self.field[5:]] = text.strip()
                elif self.comment is not None:
                    self.comment[self.field] = text
                self.field = None
            return
        if self.comment is not None and local == "comment" and _wp(name):
            self.comments.append((self.comment_line, self.comment))
            self.comment = None
        elif local == "item" and not ns and self.depth_item is not None and self.depth + 1 == self.depth_item:
            for line, fields in self.comments:
                record = _record(self.item, fields, line)
                if record is None:
                    self.skipped(fields.get("comment_type", "").strip())
                else:
                    self.emit(record)
            self.depth_item = None


def _record(item: dict[str, str], f: dict[str, str], line: int) -> Record | None:
    source_id = f.get("comment_id", "").strip()
    where = f"line {line}, wp:comment" + (f" {source_id}" if source_id else "")
    if f.get("comment_type", "").strip() in SKIPPED_TYPES:
        return None
    if not source_id:
        raise ImportFileError(where, "wp:comment_id is missing")
    if len(source_id) > 100:
        raise ImportFileError(where, "wp:comment_id is longer than 100 characters")
    approved = f.get("comment_approved", "").strip()
    if approved not in APPROVED:
        raise ImportFileError(where, f"wp:comment_approved {approved[:20]!r} is not one of 1, 0, spam, trash")
    created = (parse_time(f.get("comment_date_gmt", ""), where, "wp:comment_date_gmt")
               or parse_time(f.get("comment_date", ""), where, "wp:comment_date"))
    if created is None:
        raise ImportFileError(where, "wp:comment_date_gmt (and wp:comment_date) is missing")
    parent = f.get("comment_parent", "").strip()
    thread = item.get("link") or (f"wordpress:post:{item['post_id']}" if item.get("post_id") else "")
    if not thread:
        raise ImportFileError(where, "the comment's item has neither a link nor a wp:post_id")
    return Record(source_id=source_id, parent_source_id=parent if parent not in ("", "0") else None,
                  thread_uri=thread[:2048], thread_title=item.get("title", "")[:500],
                  name=clean_text(f.get("comment_author", "")).strip()[:245],
                  email=f.get("comment_author_email", "").strip()[:254], website=f.get("comment_author_url", "").strip()[:2048],
                  ip=f.get("comment_author_IP", "").strip(), created_at=created,
                  body=clean_text(f.get("comment_content", "")), status=APPROVED[approved], line=line)


def read(path: Path, on_read: Callable[[int], None] | None = None) -> tuple[list[Record], dict[str, int]]:
    """Every reader comment of the export, validated; and what was skipped (pingbacks, trackbacks)."""
    records: list[Record] = []
    skipped: dict[str, int] = {}

    def skip(kind: str) -> None:
        skipped[kind] = skipped.get(kind, 0) + 1

    handler = _Handler(records.append, skip)
    parse(path, handler, on_read)
    if not handler.saw_channel:
        raise ImportFileError(str(path), "not a WordPress export (no <channel> element)")
    return records, skipped

