"""The model registry: store versions, say which is active where, activate and roll back.

A site uses its own active model if it has one, else the global one, else the shipped one. The
newest activation row of a scope (a site id, or "" for every site) says what is active there; a
NULL version means "no own model here". Activation history is kept, so rollback can walk back.
Services take the session and the actor's label; the caller commits.
"""
from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.errors import Conflict, NotFound, ValidationFailed
from moderation.models import Site, utcnow
from moderation.registry.models import GLOBAL, ModelActivation, ModelVersion, TrainingRun

DEFAULT = "default"  # `activate default`: no own model in this scope (fall back)
_COLUMNS = (ModelVersion.id, ModelVersion.version, ModelVersion.site_id, ModelVersion.created_at, ModelVersion.created_by,
            ModelVersion.sha256, ModelVersion.size_bytes, ModelVersion.thresholds, ModelVersion.info,
            ModelVersion.evaluation, ModelVersion.labels_through)


def scope_of(site_id: str | None) -> str:
    """The activation scope of a site id (None or "": every site)."""
    return site_id or GLOBAL


def store(session: Session, *, version: str, artifact: bytes, site_id: str | None = None, thresholds: dict[str, Any],
          info: dict[str, Any] | None = None, evaluation: dict[str, Any] | None = None, labels_through: int = 0,
          created_by: str = "") -> ModelVersion:
    """Add a version (not active yet); a version string is stored once."""
    if session.scalar(select(ModelVersion.id).where(ModelVersion.version == version)) is not None:
        raise Conflict(f"Model version {version!r} is already stored.", {"version": "already stored"})
    row = ModelVersion(version=version, site_id=scope_of(site_id), artifact=artifact,
                       sha256=hashlib.sha256(artifact).hexdigest(), size_bytes=len(artifact), thresholds=thresholds,
                       info=info or {}, evaluation=evaluation or {}, labels_through=labels_through, created_by=created_by)
    session.add(row)
    session.flush()
    return row


def find(session: Session, ref: str | int) -> ModelVersion:
    """A version by id or by version string."""
    text = str(ref).strip()
    stmt = select(ModelVersion).where(ModelVersion.version == text)
    row = session.scalars(stmt).first()
    if row is None and text.isdigit() and int(text) < 2**31:
        row = session.get(ModelVersion, int(text))
    if row is None:
        raise NotFound(f"No model version {text!r}.", {"version": f"no stored version {text!r}"})
    return row


def artifact(session: Session, version_id: int) -> bytes:
    """The artifact bytes of a stored version."""
    data = session.scalar(select(ModelVersion.artifact).where(ModelVersion.id == version_id))
    if data is None:
        raise NotFound(f"No model version {version_id}.")
    return bytes(data)


def active_map(session: Session) -> dict[str, int | None]:
    """Scope -> active version id (None: fall back) from the newest activation of each scope; one query."""
    newest = select(func.max(ModelActivation.id)).group_by(ModelActivation.scope).scalar_subquery()
    rows = session.execute(select(ModelActivation.scope, ModelActivation.model_version_id)
                           .where(ModelActivation.id.in_(newest)))
    return dict(rows.all())


def resolve(active: dict[str, int | None], site_id: str | None) -> tuple[int | None, str]:
    """The version id a site uses and where it comes from: (id, "site"), (id, "global") or (None, "shipped")."""
    if site_id and active.get(site_id) is not None:
        return active[site_id], "site"
    if active.get(GLOBAL) is not None:
        return active[GLOBAL], "global"
    return None, "shipped"


def check_site(session: Session, site_id: str | None) -> None:
    """NotFound naming the field when the site does not exist."""
    if site_id and session.get(Site, site_id) is None:
        raise NotFound(f"Unknown site {site_id!r}.", {"site": f"unknown site {site_id!r}"})


def _current(session: Session, scope: str) -> ModelActivation | None:
    return session.scalars(select(ModelActivation).where(ModelActivation.scope == scope)
                           .order_by(ModelActivation.id.desc()).limit(1)).first()


def activate(session: Session, ref: str | int | None, site_id: str | None, actor: str, note: str = "") -> ModelActivation:
    """Make a version (None or "default": none of its own) the active one of the site or of every site."""
    check_site(session, site_id)
    scope = scope_of(site_id)
    target = None if ref is None or str(ref) == DEFAULT else find(session, ref).id
    current = _current(session, scope)
    before = current.model_version_id if current is not None else None
    if current is not None and before == target:
        raise Conflict("That is already the active model here.", {"version": "already active"})
    if current is None and target is None:
        raise Conflict("This scope already uses the default model.", {"version": "already the default"})
    row = ModelActivation(scope=scope, model_version_id=target, previous_version_id=before, activated_by=actor[:100],
                          note=note[:500], activated_at=utcnow())
    session.add(row)
    session.flush()
    return row


def rollback(session: Session, site_id: str | None, actor: str) -> ModelActivation:
    """Return the scope to the version active before the current one (repeatable, walking back)."""
    check_site(session, site_id)
    scope = scope_of(site_id)
    current = _current(session, scope)
    if current is None or (current.previous_version_id is None and current.model_version_id is None):
        raise Conflict("Nothing to roll back to: this scope uses the default model.", {"site": "no earlier model"})
    target = current.previous_version_id
    # The rolled-back-to version returns with its own predecessor, so a second rollback goes further back.
    earlier = session.scalars(select(ModelActivation).where(
        ModelActivation.scope == scope, ModelActivation.id < current.id,
        ModelActivation.model_version_id.is_(None) if target is None else ModelActivation.model_version_id == target,
    ).order_by(ModelActivation.id.desc()).limit(1)).first()
    row = ModelActivation(scope=scope, model_version_id=target,
                          previous_version_id=earlier.previous_version_id if earlier is not None else None,
                          activated_by=actor[:100], note="rollback", activated_at=utcnow())
    session.add(row)
    session.flush()
    return row


def describe(row: Any, active_in: list[str] | None = None, full: bool = False) -> dict[str, Any]:
    """A version as the CLI and API show it (never the artifact)."""
    out: dict[str, Any] = {
        "id": row.id, "version": row.version, "site": row.site_id or None, "created": row.created_at.isoformat(),
        "created_by": row.created_by, "size_bytes": row.size_bytes, "sha256": row.sha256,
        "labels_through": row.labels_through, "thresholds": row.thresholds, "active_in": active_in or [],
    }
    if full:
        out["info"], out["evaluation"] = row.info, row.evaluation
    return out


def _where_active(active: dict[str, int | None]) -> dict[int, list[str]]:
    where: dict[int, list[str]] = {}
    for scope, version_id in sorted(active.items()):
        if version_id is not None:
            where.setdefault(version_id, []).append(scope or "global")
    return where


def listing(session: Session, site_id: str | None = None, limit: int = 200) -> dict[str, Any]:
    """Stored versions (newest first) and the active version of every scope."""
    stmt = select(*_COLUMNS).order_by(ModelVersion.id.desc()).limit(limit)
    if site_id:
        stmt = stmt.where(ModelVersion.site_id.in_([site_id, GLOBAL]))
    active = active_map(session)
    where = _where_active(active)
    names = dict(session.execute(select(ModelVersion.id, ModelVersion.version)
                                 .where(ModelVersion.id.in_([v for v in active.values() if v is not None]))).all())
    return {"versions": [describe(r, where.get(r.id)) for r in session.execute(stmt)],
            "active": {scope or "global": names.get(v) if v is not None else None for scope, v in sorted(active.items())}}


def show(session: Session, ref: str | int) -> dict[str, Any]:
    """One version with its metadata and evaluation, and where it is active."""
    row = find(session, ref)
    return describe(row, _where_active(active_map(session)).get(row.id), full=True)


def activation_out(session: Session, row: ModelActivation) -> dict[str, Any]:
    """An activation as the CLI and API show it."""
    def name(version_id: int | None) -> str | None:
        return session.scalar(select(ModelVersion.version).where(ModelVersion.id == version_id)) if version_id else None

    return {"scope": row.scope or "global", "version": name(row.model_version_id), "previous": name(row.previous_version_id),
            "activated": row.activated_at.isoformat(), "by": row.activated_by, "note": row.note}


def runs(session: Session, site_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Training runs, newest first, with their figures."""
    stmt = select(TrainingRun).order_by(TrainingRun.id.desc()).limit(limit)
    if site_id is not None:
        stmt = stmt.where(TrainingRun.site_id == scope_of(site_id))
    names = dict(session.execute(select(ModelVersion.id, ModelVersion.version)).all())
    return [{"id": r.id, "site": r.site_id or None, "trigger": r.trigger, "status": r.status,
             "started": r.started_at.isoformat(), "finished": r.finished_at.isoformat() if r.finished_at else None,
             "candidate": names.get(r.candidate_id) if r.candidate_id else None, "active_version": r.active_version,
             "labels_total": r.labels_total, "labels_new": r.labels_new, "gate": r.gate, "error": r.error,
             "figures": r.figures} for r in session.scalars(stmt)]


def require_scope(value: Any) -> str | None:
    """A site id from a request body (None: every site); a clear error for anything else."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise ValidationFailed("Please correct the fields listed.", {"site": "a site id (text, at most 64 characters)"})
    return value


def quality_over_time(session: Session, sites: frozenset[str] | None, limit: int = 200) -> list[dict[str, Any]]:
    """Finished training runs in time order with the mean ROC-AUC (newest labels) of the new version and of the
    model active then, for the dashboard's picture; runs of the global model only for actors of every site."""
    stmt = select(TrainingRun).where(TrainingRun.finished_at.is_not(None), TrainingRun.status != "failed")
    if sites is not None:
        stmt = stmt.where(TrainingRun.site_id.in_(sorted(sites)))
    rows = list(session.scalars(stmt.order_by(TrainingRun.id.desc()).limit(limit)))
    names = dict(session.execute(select(ModelVersion.id, ModelVersion.version)
                                 .where(ModelVersion.id.in_([r.candidate_id for r in rows if r.candidate_id]))).all())

    def mean(values: dict[str, Any]) -> float | None:
        known = [float(v) for v in values.values() if v is not None]
        return round(sum(known) / len(known), 4) if known else None

    out = []
    for r in reversed(rows):
        fig = r.figures or {}
        out.append({"when": r.finished_at.isoformat()[:16] if r.finished_at else "", "site": r.site_id or "global",
                    "version": names.get(r.candidate_id or 0, ""), "status": r.status, "active_version": r.active_version,
                    "candidate": mean(fig.get("candidate") or {}), "active": mean(fig.get("active") or {}),
                    "heads": fig.get("candidate") or {}, "base_worst_change": fig.get("base_worst_change")})
    return out
