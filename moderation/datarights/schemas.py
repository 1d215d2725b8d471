"""Request and response models of the privacy API (validation and the OpenAPI document)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from moderation.schemas import RESERVED_EMAIL_DOMAIN


class PrivacyRequestIn(BaseModel):
    """A guest asks for their data or its erasure with only their email address."""

    model_config = ConfigDict(extra="forbid")
    site: str = Field(min_length=1, max_length=64)
    # Documented as the comment form's email is, so a schema-valid address is one the service accepts.
    email: str = Field(min_length=3, max_length=254,
                       json_schema_extra={"format": "email", "not": {"pattern": RESERVED_EMAIL_DOMAIN}})
    kind: Literal["export", "erase"]


class PrivacyRequestAccepted(BaseModel):
    """The same answer whether or not the email ever commented (nothing is revealed)."""

    status: Literal["accepted"]
    expires_in_hours: float = Field(description="How long the link that the site mails will work.")


class PrivacyExport(BaseModel):
    """Everything stored about one email on one site."""

    version: int
    site: str
    generated_at: str
    email: str
    author: dict[str, Any] | None
    comments: list[dict[str, Any]]
    notification_subscriptions: list[dict[str, Any]]
    reports_made: list[dict[str, Any]]
    notes: list[str]


class ErasureLink(BaseModel):
    """What a POST to this erasure link will do."""

    site: str
    mode: Literal["anonymise", "delete"]
    expires_at: datetime


class ErasureDone(BaseModel):
    """What an erasure changed."""

    site: str
    mode: str
    found: bool
    anonymised: int
    stubs: int
    deleted: int
    kept_for_labels: int
    webhook_messages: int
    deliveries: int
    requests: int
