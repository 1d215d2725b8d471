"""Versioned webhook payloads (pydantic) and their OpenAPI `webhooks` section.

A payload is thin: ids, site, thread, status, reasons, model version, timestamps and the public
name. It never holds an email, IP or blind index; `data.comment.email` is added in the delivery
worker, only for endpoints granted author_contact, and never stored.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PAYLOAD_VERSION = 1

EVENT_DESCRIPTIONS: dict[str, str] = {
    "comment.created": "A comment was received and is pending (not yet decided).",
    "comment.published": "A comment was published (by the classifiers or a moderator).",
    "comment.held": "A comment was held for a moderator.",
    "comment.spam": "A comment was classified as spam.",
    "comment.rejected": "A comment was rejected.",
    "comment.deleted": "The author deleted their comment.",
    "comment.edited": "The author edited their comment; it is pending again and will be re-decided.",
    "comment.replied": "A reply to `data.comment` was published (`data.reply`): tell the parent's author.",
    "comment.reported": "Readers reported a comment (`data.report`).",
    "privacy.export_requested": "A commenter asked for their data (author_contact endpoints only): mail "
                                "`data.link` to `data.email`; the link gives the export JSON until "
                                "`data.request.expires_at`.",
    "privacy.erasure_requested": "A commenter asked to be erased (author_contact endpoints only): mail "
                                 "`data.link` to `data.email`; a POST to the link erases.",
}
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_DESCRIPTIONS)
TEST_EVENT = "webhook.test"

EventType = Literal[
    "comment.created", "comment.published", "comment.held", "comment.spam", "comment.rejected",
    "comment.deleted", "comment.edited", "comment.replied", "comment.reported", "webhook.test",
    "privacy.export_requested", "privacy.erasure_requested",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ThreadInfo(_Out):
    """The page the comment is on."""

    id: int
    uri: str = Field(description="Page URL, or the site's own id for the page.")
    title: str = ""


class CommentInfo(_Out):
    """A comment as receivers see it: never an email (unless author_contact), IP or email hash."""

    id: int
    parent: int | None = Field(description="The comment this one replies to.")
    # Plain strings, not enums: a payload must never fail the transaction of the change it reports.
    status: str = Field(description="pending, published, held, spam, rejected or deleted.")
    name: str = Field(description="The public name the author typed.")
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None = None
    reasons: list[str] = Field(default_factory=list, description="Typed reasons of the latest decision.")
    model_version: str | None = Field(None, description="Classifier version of the latest automatic decision.")
    language: str | None = None
    email: str | None = Field(None, description="The author's email: only for endpoints granted author_contact; "
                                                "absent otherwise.")


class ReportInfo(_Out):
    """What readers reported (comment.reported)."""

    reason: str = ""
    count: int = Field(1, description="Reports on this comment so far.")


class EventData(_Out):
    """`data` of every event."""

    site: str
    thread: ThreadInfo
    comment: CommentInfo = Field(description="The comment the event is about; for comment.replied the parent, "
                                             "whose author is to be told.")
    reply: CommentInfo | None = Field(None, description="comment.replied only: the published reply.")
    report: ReportInfo | None = Field(None, description="comment.reported only.")
    actor: str = Field("system", description="Who caused the change: system (the classifiers), author, "
                                             "moderator or reader.")


class WebhookEvent(_Out):
    """The JSON body of every delivery, signed per Standard Webhooks."""

    type: EventType
    timestamp: datetime = Field(description="When the event happened (UTC).")
    version: int = Field(PAYLOAD_VERSION, description="Payload schema version; fields are only added within one.")
    data: EventData | dict[str, Any]


def iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z, as the Standard Webhooks examples write it."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def event(event_type: str, timestamp: datetime, data: EventData | dict[str, Any]) -> dict[str, Any]:
    """A validated payload as plain JSON data (what is stored and, with the email rule, sent)."""
    body = WebhookEvent(type=event_type, timestamp=timestamp, data=data)
    dumped = body.model_dump(mode="json", exclude_none=False)
    dumped["timestamp"] = iso(timestamp)
    if isinstance(data, EventData):
        dumped["data"] = _drop_empty(data.model_dump(mode="json"))
    return dumped


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    # `email` is absent (not null) without author_contact; reply/report only where they apply.
    for key in ("reply", "report"):
        if data.get(key) is None:
            data.pop(key, None)
    for comment in (data.get("comment"), data.get("reply")):
        if isinstance(comment, dict):
            comment.pop("email", None)
    return data


HEADERS = [
    {"name": "webhook-id", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "Message id (msg_...): the same on every retry and redelivery; deduplicate on it."},
    {"name": "webhook-timestamp", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "Unix seconds of this attempt; reject values more than 5 minutes off."},
    {"name": "webhook-signature", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`; two during a secret rotation."},
]


def add_to_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """Add the `webhooks` section and its schemas (from the models above) to an OpenAPI 3.1 document."""
    schema = WebhookEvent.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(schema.pop("$defs", {}))
    schemas["WebhookEvent"] = schema
    hooks = document.setdefault("webhooks", {})
    for name, description in {**EVENT_DESCRIPTIONS, TEST_EVENT: "A test ping sent by an admin."}.items():
        hooks[name] = {"post": {
            "summary": name, "description": description, "parameters": HEADERS,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"allOf": [
                {"$ref": "#/components/schemas/WebhookEvent"}, {"properties": {"type": {"const": name}}}]}}}},
            "responses": {"2XX": {"description": "Delivered. Anything else (3xx included) is retried; "
                                                 "410 disables the endpoint; Retry-After is honoured."}},
        }}
    return document
