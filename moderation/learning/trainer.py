"""Training with feedback: the base data plus a site's labels -> a candidate, compared with the active model
on the newest labels and the base tests, stored in the registry, activated if the gate (or the operator) says so.

Used by `moderation train --with-feedback` and the continuous-learning task. Imports the classifiers
only inside functions: the web process never loads this module's heavy half.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from moderation import leases
from moderation.learning.labelrows import label_rows
from moderation.models import utcnow
from moderation.registry import loading, store
from moderation.registry.models import ModelVersion, TrainingRun
from moderation.settings import Settings

log = logging.getLogger("moderation.learning")

Activation = Literal["gate", "force", "never"]
MIN_LABELS = 20  # fewer than this cannot be split into training, threshold and evaluation rows


class TrainingRefused(RuntimeError):
    """Training cannot start (too few labels, no base data, another training running)."""


@dataclass
class Outcome:
    """What a training run did."""

    run_id: int
    status: str
    version: str | None = None
    gate: str = ""
    comparison: dict[str, Any] = field(default_factory=dict)


def base_examples(settings: Settings, data_dir: Path | None) -> list[Any]:
    """The base datasets (classifiers.training.datasets layout) from --data, settings.learning.data_dir or the default folder."""
    from classifiers.training.datasets import DEFAULT_DATA_DIR, load_corpus

    folder = data_dir or (Path(settings.learning.data_dir) if settings.learning.data_dir else DEFAULT_DATA_DIR)
    try:
        return load_corpus(folder)
    except FileNotFoundError as exc:
        raise TrainingRefused(f"{exc}: feedback training adds the site's labels to the base datasets; "
                              "set learning.data_dir or pass --data") from None


def version_name(session: Session, site_id: str | None) -> str:
    """A new, unique version string: <base prefix>-fb-<site or all>-<UTC time>."""
    from classifiers.training.fit import MODEL_VERSION_PREFIX

    name = f"{MODEL_VERSION_PREFIX}-fb-{site_id or 'all'}-{utcnow().strftime('%Y%m%d%H%M%S')}"
    taken = set(session.scalars(select(ModelVersion.version).where(ModelVersion.version.like(name + "%"))))
    suffix = 2
    unique = name
    while unique in taken:
        unique, suffix = f"{name}-{suffix}", suffix + 1
    return unique


def _figures(comparison: dict[str, Any], gate_text: str, weight: dict[str, float]) -> dict[str, Any]:
    """What the dashboard draws per run: ROC-AUC per head on the newest labels, and the worst base change."""
    def aucs(side: str) -> dict[str, Any]:
        return {h: m["roc_auc"] for h, m in comparison["labels"][side].items()}

    deltas = [m["roc_auc"] - comparison["base"]["active"][s]["roc_auc"]
              for s, m in comparison["base"]["candidate"].items()
              if m.get("roc_auc") is not None and comparison["base"]["active"].get(s, {}).get("roc_auc") is not None]
    return {"candidate": aucs("candidate"), "active": aucs("active"), "evaluation_rows": comparison["evaluation_rows"],
            "base_worst_change": round(min(deltas), 4) if deltas else None, "weight": weight, "gate": gate_text}


def train_site(sessions: sessionmaker[Session], settings: Settings, site_id: str | None, *, trigger: str,
               activation: Activation = "gate", data_dir: Path | None = None, seed: int = 0, progress: bool = False,
               params: dict[str, Any] | None = None, base_loader: Callable[[], list[Any]] | None = None,
               announce: Callable[[str], None] | None = None, labels_new: int | None = None) -> Outcome:
    """One training run for a site (None: every site's labels, the global model); recorded in training_runs."""
    holder = f"{os.uname().nodename}:{os.getpid()}"
    lease = f"train:{store.scope_of(site_id)}"
    if not leases.acquire(sessions, lease, holder, settings.learning.train_time_limit):
        raise TrainingRefused(f"a training for {site_id or 'all sites'} is already running")
    say = announce or (lambda message: log.info("%s", message))
    try:
        with sessions() as session:
            store.check_site(session, site_id)
            rows = label_rows(session, site_id)
            if len(rows) < MIN_LABELS:
                raise TrainingRefused(f"{len(rows)} labels for {site_id or 'all sites'}; at least {MIN_LABELS} are needed "
                                      "(import the site's history or let moderators decide)")
            run = TrainingRun(site_id=store.scope_of(site_id), trigger=trigger, labels_total=len(rows),
                              labels_new=len(rows) if labels_new is None else labels_new,
                              labels_through=max(r["id"] for r in rows), started_at=utcnow())
            session.add(run)
            session.commit()
            run_id = run.id
        try:
            return _train(sessions, settings, site_id, run_id, rows, activation, data_dir, seed, progress, params or {},
                          base_loader, say)
        except Exception as exc:
            with sessions() as session:
                failed = session.get(TrainingRun, run_id)
                assert failed is not None
                failed.status, failed.error, failed.finished_at = "failed", f"{type(exc).__name__}: {exc}"[:5000], utcnow()
                session.commit()
            raise
    finally:
        leases.release(sessions, lease, holder)


def _train(sessions: sessionmaker[Session], settings: Settings, site_id: str | None, run_id: int, rows: list[dict[str, Any]],
           activation: Activation, data_dir: Path | None, seed: int, progress: bool, params: dict[str, Any],
           base_loader: Callable[[], list[Any]] | None, say: Callable[[str], None]) -> Outcome:
    from classifiers.artifacts import dumps
    from classifiers.training.feedback import LabelRow, compare, gate, train_with_feedback
    from classifiers.training.run import split_examples

    conf = settings.learning
    if conf.n_features:
        params = {"n_features": conf.n_features, **params}
    if not conf.encoder:
        params = {"encoder": False, **params}
    start = time.perf_counter()
    base = base_loader() if base_loader is not None else base_examples(settings, data_dir)
    base_train, base_test = split_examples(base, seed)
    label_objects = [LabelRow(r["text"], r["labels"], r["order"], r["reason"], r["language"]) for r in rows]
    with sessions() as session:
        active, origin = loading.active_model(session, site_id)
        version = version_name(session, site_id)
    say(f"{len(rows)} labels; base data {len(base_train)} training / {len(base_test)} test rows; "
        f"active model {active.version} ({origin})")
    result = train_with_feedback(base_train, label_objects, source=f"site:{site_id or 'all'}", version=version,
                                 share=conf.site_share, random_state=seed, eval_fraction=conf.eval_fraction,
                                 threshold_fraction=conf.threshold_fraction, progress=progress, **params)
    say(f"trained {version} in {time.perf_counter() - start:.0f} s (site rows weighted {result.weight}); evaluating")
    comparison = compare(result.model, active, result.split.evaluation, base_test)
    passed, why = gate(comparison, conf.margin, conf.tolerance)
    result.model.metadata["feedback"]["active_at_training"] = {"version": active.version, "origin": origin}
    activate = activation == "force" or (activation == "gate" and passed)
    status = "activated" if activate else ("kept" if activation == "gate" else "stored")
    with sessions() as session:
        row = store.store(session, version=version, artifact=dumps(result.model), site_id=site_id,
                          thresholds=result.model.thresholds, info=result.model.metadata["feedback"],
                          evaluation={**comparison, "gate": {"passed": passed, "why": why, "margin": conf.margin,
                                                             "tolerance": conf.tolerance}},
                          labels_through=max(r["id"] for r in rows), created_by=f"train ({'forced' if activation == 'force' else 'gate'})")
        if activate:
            note = "gate passed" if passed else "activated by the operator (--activate) although the gate said: " + why
            store.activate(session, row.id, site_id, actor=f"training run {run_id}", note=note)
        run = session.get(TrainingRun, run_id)
        assert run is not None
        run.status, run.candidate_id, run.active_version, run.finished_at = status, row.id, active.version, utcnow()
        run.gate, run.figures = why[:500], _figures(comparison, why, result.weight)
        session.commit()
    return Outcome(run_id, status, version, why, comparison)
