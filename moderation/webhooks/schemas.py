"""Input models of the admin webhook API (validation and the OpenAPI document share them)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class EndpointIn(_In):
    """A new endpoint."""

    site: str = Field(..., min_length=1, max_length=64)
    url: str = Field(..., min_length=1, max_length=2048, description="https:// (http only inside webhook_allow_networks).")
    events: list[str] = Field(..., min_length=1, description="Event types, e.g. comment.published.")
    author_contact: bool = Field(False, description="Payloads carry the author's email.")
    secret: str | None = Field(None, max_length=200, description="whsec_ + base64 of 24-64 bytes; default: a new one.")
    description: str = Field("", max_length=200)


class EndpointPatch(_In):
    """Fields to change; absent ones stay."""

    url: str | None = Field(None, min_length=1, max_length=2048)
    events: list[str] | None = Field(None, min_length=1)
    author_contact: bool | None = None
    description: str | None = Field(None, max_length=200)
    enabled: bool | None = Field(None, description="false disables (pending deliveries become failed); true enables.")


class RotateIn(_In):
    """A new secret; the old one keeps signing for the overlap."""

    secret: str | None = Field(None, max_length=200)
    overlap_hours: float | None = Field(None, ge=0, le=24 * 30)


class RedeliverIn(_In):
    """One message by its webhook-id, or every failed one."""

    message: str | None = Field(None, min_length=1, max_length=40)
    failed: bool = False


class AttemptsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(50, ge=1, le=500)
