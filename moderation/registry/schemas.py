"""Request and response models of the model-registry API (/api/v1/moderation/models)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from moderation.errors import Forbidden
from moderation.moderator.auth import Actor


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ScopeIn(_In):
    """Which site's active model to change; none (or empty) for the global one every other site uses."""

    site: str | None = Field(None, max_length=64, description="A site id; omit for the global model.")

    @field_validator("site", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


class ModelsQuery(ScopeIn):
    """Filter the versions (and runs) to one site's and the global ones."""


class ModelVersionOut(BaseModel):
    """A stored version (never its artifact)."""

    id: int
    version: str
    site: str | None = Field(description="The site whose labels trained it; null: every site's.")
    created: str
    created_by: str
    size_bytes: int
    sha256: str
    labels_through: int
    thresholds: dict[str, Any]
    active_in: list[str] = Field(description="Scopes where it is active: site ids, or 'global'.")
    info: dict[str, Any] | None = Field(None, description="Training facts (only for one version).")
    evaluation: dict[str, Any] | None = Field(None, description="Against the model active then (only for one version).")


class ModelListOut(BaseModel):
    versions: list[ModelVersionOut]
    active: dict[str, str | None] = Field(description="Scope -> active version; null: the default model.")


class ActivationOut(BaseModel):
    scope: str
    version: str | None
    previous: str | None
    activated: str
    by: str
    note: str


class RunsOut(BaseModel):
    runs: list[dict[str, Any]]


def require_admin(actor: Actor, site_id: str | None) -> None:
    """Admins only; the global model only for admins of every site."""
    actor.require("admin", [site_id] if site_id else [])
    if site_id is None and actor.sites is not None:
        raise Forbidden("Only an admin of every site may change the global model.", {"site": "required for your scope"})
