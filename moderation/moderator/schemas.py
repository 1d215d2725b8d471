"""Request and response models of the moderation API; the OpenAPI paths are generated from these."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from moderation.schemas import check_controls, invalid

TABS = ("held", "spam", "reported", "pending", "published", "rejected")
Tab = Literal["held", "spam", "reported", "pending", "published", "rejected"]
Target = Literal["published", "rejected", "spam", "held"]
REPORT_REASONS = ("spam", "abuse", "harassment", "misinformation", "other")
M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any) -> M:
    """Validate into `model` or a 422 naming each field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc) from None


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class QueueFilter(_In):
    """Which comments a queue page shows; every field optional but the tab."""

    status: Tab = "held"
    site: str | None = Field(None, max_length=64)
    thread: int | None = Field(None, ge=1, description="Thread id.")
    reason: str | None = Field(None, max_length=64, description="A typed reason, e.g. toxic.")
    language: str | None = Field(None, max_length=8)
    since: date | None = Field(None, description="Created on or after this day (UTC).")
    until: date | None = Field(None, description="Created on or before this day (UTC).")
    q: str | None = Field(None, max_length=200, description="Text the body contains.")

    @field_validator("site", "reason", "language", "q", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


class QueueQuery(QueueFilter):
    """A queue page: the filter, a cursor from the previous page's `next`, and a page size."""

    cursor: str | None = Field(None, max_length=500)
    limit: int | None = Field(None, ge=1, le=200)


class DecisionIn(_In):
    """Move one comment to a status."""

    status: Target
    reason: str = Field("", max_length=500)
    version: int | None = Field(None, ge=0, description="The version you saw; 409 when it changed since.")

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        return check_controls(value)


class BulkDecisionIn(DecisionIn):
    """Move many comments: the `ids` listed, or every comment matching `filter` (one of the two)."""

    ids: list[int] | None = Field(None, min_length=1, max_length=5000)
    filter: QueueFilter | None = None
    versions: dict[str, int] | None = Field(None, description="id -> the version you saw.")


class UndoIn(_In):
    undo: str = Field(..., min_length=1, max_length=20000, description="The `undo` value of an action's answer.")


class ModeratorEditIn(_In):
    body: str = Field(..., min_length=1)
    version: int | None = Field(None, ge=0)


class BanIn(_In):
    """Ban the comment's author by keyed email index, or an address range (default: the comment's)."""

    kind: Literal["email", "ip"] = "email"
    ip_range: str | None = Field(None, max_length=64)
    hours: int | None = Field(None, ge=1, le=24 * 3650, description="Duration; none = until lifted.")
    reason: str = Field("", max_length=500)


class RevealIn(_In):
    reason: str = Field(..., min_length=5, max_length=500, description="Why the full address is needed (audited).")


class ReportIn(BaseModel):
    """A reader's report on a published comment."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    reason: Literal["spam", "abuse", "harassment", "misinformation", "other"]
    text: str = Field("", max_length=1000)


class TokenIn(_In):
    name: str = Field(..., min_length=1, max_length=100)
    role: Literal["moderator", "admin"] = "moderator"
    sites: list[str] = Field(default_factory=list, description="Empty: every site.")


class AuditQuery(_In):
    moderator: int | None = Field(None, ge=1)
    comment: int | None = Field(None, ge=1)
    author: int | None = Field(None, ge=1)
    action: str | None = Field(None, max_length=32)
    before: int | None = Field(None, ge=1, description="Cursor: entries with a smaller id.")

    @field_validator("action", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value


# ---- responses (documentation and tests; the views build plain dicts of this shape)

class Score(BaseModel):
    value: float
    hold: float | None = None
    action_at: float | None = None
    action: str | None = None


class ModComment(BaseModel):
    id: int
    status: str
    version: int
    site: str
    thread: dict[str, Any]
    parent: dict[str, Any] | None
    name: str
    email_masked: str
    ip_prefix: str
    website: str
    body_html: str
    highlighted_html: str = Field(description="body_html with the words that raised each score in <mark>.")
    created: str
    priority: float
    reasons: list[str]
    scores: dict[str, Score]
    explanation: dict[str, list[dict[str, Any]]]
    model_version: str
    language: str
    author: dict[str, Any] = Field(description="id and history: earlier comments by status.")
    reports: dict[str, Any]


class QueueOut(BaseModel):
    comments: list[ModComment]
    next: str | None


class DecisionOut(BaseModel):
    id: int
    status: str
    version: int
    undo: str


class BulkOut(BaseModel):
    applied: list[dict[str, Any]]
    skipped: list[dict[str, Any]] = Field(description="Per comment: id and why it was not changed.")
    undo: str


class EmailOut(BaseModel):
    id: int
    email: str


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    sites: list[str]
    token: str | None = Field(None, description="Only in the answer that created it.")
