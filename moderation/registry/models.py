"""Tables of the model registry: stored model versions, which one is active where, and training runs."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from moderation.models import Base, utcnow

GLOBAL = ""  # the scope of the model every site without its own uses


class ModelVersion(Base):
    """One trained model: the skops artifact as bytes, its thresholds, metadata and evaluation."""

    __tablename__ = "model_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    # The site whose labels trained it ("" = every site's labels).
    site_id: Mapped[str] = mapped_column(String(64), default=GLOBAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    # A few MB to a few tens of MB: loaded only by workers and `moderation score`, never by lists.
    artifact: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(default=0)
    thresholds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)
    evaluation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The newest label id it was trained with (continuous learning counts labels after it).
    labels_through: Mapped[int] = mapped_column(default=0)


class ModelActivation(Base):
    """A change of the active model of a scope (a site id, or "" for every site); the newest row wins."""

    __tablename__ = "model_activations"
    __table_args__ = (Index("ix_model_activations_scope", "scope", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), default=GLOBAL)
    # NULL: no own model here (a site falls back to the global one, the global to the shipped one).
    model_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id"), default=None)
    # What rollback returns to.
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id"), default=None)
    activated_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_by: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")


class TrainingRun(Base):
    """One training with feedback (by hand or by the continuous-learning task) and its figures."""

    __tablename__ = "training_runs"
    __table_args__ = (Index("ix_training_runs_site_started", "site_id", "started_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), default=GLOBAL)
    trigger: Mapped[str] = mapped_column(String(16), default="cli")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # running, activated, kept (the gate refused it), stored (not activated, no gate asked), failed
    status: Mapped[str] = mapped_column(String(16), default="running")
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id"), default=None)
    active_version: Mapped[str] = mapped_column(String(100), default="")
    labels_total: Mapped[int] = mapped_column(default=0)
    labels_new: Mapped[int] = mapped_column(default=0)
    # The newest label id this run saw: the next run waits for enough labels after it.
    labels_through: Mapped[int] = mapped_column(default=0)
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    gate: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str] = mapped_column(Text, default="")

