"""Leave-one-source-out evaluation and the plain TF-IDF + logistic-regression baseline.

For every toxicity and spam source: train on every other source, test on all rows of the one left
out. Our model is trained with :func:`classifiers.training.train` (optionally with reduced
parameters, same architecture); the baseline is deliberately plain: word 1-2-gram TF-IDF on the raw
text (no normalisation) and ``LogisticRegression``, trained on the same rows for the same task.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from .evaluation_metrics import binary_metrics

__all__ = ["BASELINE_DESCRIPTION", "make_baseline", "fit_baseline", "loso_sources", "run_loso"]

BASELINE_DESCRIPTION = (
    "TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2) + "
    "LogisticRegression(max_iter=1000), raw text, no normalisation"
)
BASELINE_THRESHOLD = 0.5


def make_baseline() -> Pipeline:
    """The plain reference model (one per task)."""
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        LogisticRegression(max_iter=1000),
    )


def fit_baseline(examples: Sequence[Any], task: str) -> Pipeline | None:
    """Fit the baseline on ``examples`` of ``task``; None if only one class is present."""
    rows = [e for e in examples if e.task == task]
    y = np.array([e.label for e in rows], dtype=int)
    if len(rows) == 0 or y.min() == y.max():
        return None
    return make_baseline().fit([e.text for e in rows], y)


def baseline_scores(model: Pipeline, texts: Sequence[str]) -> np.ndarray:
    return model.predict_proba(list(texts))[:, 1]


def loso_sources(examples: Sequence[Any]) -> list[tuple[str, str]]:
    """(task, source) pairs for every toxicity and spam source, in a stable order."""
    pairs = sorted({(e.task, e.source) for e in examples if e.task in ("toxicity", "spam")})
    return pairs


def cap_per_source(examples: Sequence[Any], max_rows: int | None, seed: int = 0) -> list[Any]:
    """At most ``max_rows`` rows per (source, task), sampled deterministically, label-stratified."""
    if not max_rows:
        return list(examples)
    groups: dict[tuple[str, str, int], list[Any]] = {}
    for e in examples:
        groups.setdefault((e.source, e.task, e.label), []).append(e)
    sizes: dict[tuple[str, str], int] = {}
    for (src, task, _), rows in groups.items():
        sizes[(src, task)] = sizes.get((src, task), 0) + len(rows)
    out = []
    for key, rows in sorted(groups.items(), key=lambda kv: kv[0]):
        total = sizes[key[:2]]
        keep = len(rows) if total <= max_rows else max(1, round(len(rows) * max_rows / total))
        out += rows if keep >= len(rows) else random.Random(f"{seed}:{key}").sample(rows, keep)
    return out


def _fold(examples: Sequence[Any], task: str, source: str, train_fn: Callable[..., Any],
          max_rows_per_source: int | None, train_params: dict[str, Any], random_state: int,
          include_baseline: bool) -> list[dict[str, Any]]:
    """Train on every source but ``source``; score all of ``source``'s ``task`` rows."""
    train = cap_per_source([e for e in examples if e.source != source], max_rows_per_source)
    test = [e for e in examples if e.source == source and e.task == task]
    texts = [e.text for e in test]
    y = np.array([e.label for e in test], dtype=int)
    model = train_fn(train, random_state=random_state, **train_params)
    scores = np.array([r[task] for r in model.score_many(texts)], dtype=float)
    row = {"task": task, "source": source, "model": "ours", "language": test[0].language,
           "n_train": len(train)}
    row.update(binary_metrics(y, scores, _hold(model, task)))
    rows = [row]
    if include_baseline:
        base = fit_baseline(train, task)
        if base is not None:
            brow = {"task": task, "source": source, "model": "baseline", "language": test[0].language,
                    "n_train": sum(e.task == task for e in train)}
            brow.update(binary_metrics(y, baseline_scores(base, texts), BASELINE_THRESHOLD))
            rows.append(brow)
    return rows


def run_loso(
    examples: Sequence[Any],
    train_fn: Callable[..., Any],
    *,
    max_rows_per_source: int | None = None,
    train_params: dict[str, Any] | None = None,
    random_state: int = 0,
    on_fold: Callable[[str, str, str], None] | None = None,
    include_baseline: bool = True,
    n_jobs: int = 1,
) -> list[dict[str, Any]]:
    """One row per (left-out source, model) with ROC-AUC, PR-AUC and P/R/F1.

    Ours is scored at the fold model's own hold threshold for the task; the baseline at 0.5.
    ``max_rows_per_source`` caps the *training* rows of each other source (test rows are never
    capped), to keep the many fold trainings affordable; ours and the baseline see the same rows.
    ``n_jobs`` > 1 trains folds in parallel processes (results do not depend on it).
    """
    folds = loso_sources(examples)
    args = (train_fn, max_rows_per_source, dict(train_params or {}), random_state, include_baseline)
    rows: list[dict[str, Any]] = []
    if n_jobs == 1:
        for task, source in folds:
            if on_fold:
                on_fold(task, source, "start")
            rows += _fold(examples, task, source, *args)
            if on_fold:
                on_fold(task, source, "done")
        return rows
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fold)(examples, task, source, *args) for task, source in folds)
    for (task, source), fold_rows in zip(folds, results):
        rows += fold_rows
        if on_fold:
            on_fold(task, source, "done")
    return rows


def _hold(model: Any, score: str) -> float:
    try:
        return float(model.thresholds[score]["hold"])
    except (AttributeError, KeyError, TypeError):
        return 0.5
