"""Leave-one-source-out evaluation and the plain TF-IDF + logistic-regression baseline.

For every toxicity and spam source: train on every other source, test on all rows of the one left
out, for every head that has labels there. Our model is trained with :func:`classifiers.training.fit.train` (optionally with reduced
parameters, same architecture); the baseline is deliberately plain: word 1-2-gram TF-IDF on the raw
text (no normalisation) and ``LogisticRegression``, trained on the same rows for the same task.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from .metrics import binary_metrics

__all__ = ["BASELINE_DESCRIPTION", "fit_baseline", "loso_sources", "make_baseline", "run_loso"]

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


# score name -> (task of the rows, attribute holding the label); same as evaluation.HEADS
LABELS: dict[str, tuple[str, str]] = {
    "toxicity": ("toxicity", "label"),
    "identity_hate": ("toxicity", "identity_hate"),
    "spam": ("spam", "label"),
    "gambling_promo": ("spam", "gambling"),
}


def labelled(rows: Sequence[Any], head: str) -> tuple[list[int], np.ndarray]:
    """Indices of ``rows`` that carry a label for ``head``, and those labels."""
    task, attr = LABELS[head]
    idx = [i for i, e in enumerate(rows) if e.task == task and getattr(e, attr, None) is not None]
    return idx, np.array([int(getattr(rows[i], attr)) for i in idx], dtype=int)


def fit_baseline(examples: Sequence[Any], task: str) -> Pipeline | None:
    """Fit the baseline on the rows labelled for ``task`` (a task or a head name); None if only
    one class is present."""
    idx, y = labelled(examples, task if task in LABELS else "toxicity")
    if task not in LABELS:  # a task name other than the heads': its rows' plain labels
        idx = [i for i, e in enumerate(examples) if e.task == task]
        y = np.array([examples[i].label for i in idx], dtype=int)
    if len(idx) == 0 or y.min() == y.max():
        return None
    return make_baseline().fit([examples[i].text for i in idx], y)


def baseline_scores(model: Pipeline, texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """The baseline's positive-class probability of each text."""
    return np.asarray(model.predict_proba(list(texts))[:, 1], dtype=np.float64)


def loso_sources(examples: Sequence[Any]) -> list[str]:
    """Every source with toxicity or spam rows, in a stable order (one fold each)."""
    return sorted({e.source for e in examples if e.task in ("toxicity", "spam")})


def cap_per_source(examples: Sequence[Any], max_rows: int | None, seed: int = 0) -> list[Any]:
    """At most ``max_rows`` rows per (source, task), label-stratified, deterministic: the rows
    whose texts hash lowest (sha1, salted with ``seed`` when it is not 0). Hash order, like the
    encoder stage's own caps, so nested caps pick nested rows (and an embedding cache hits)."""
    if not max_rows:
        return list(examples)
    groups: dict[tuple[str, str, int], list[Any]] = {}
    for e in examples:
        groups.setdefault((e.source, e.task, e.label), []).append(e)
    sizes: dict[tuple[str, str], int] = {}
    for (src, task, _), rows in groups.items():
        sizes[(src, task)] = sizes.get((src, task), 0) + len(rows)
    salt = f"{seed}:".encode() if seed else b""
    out = []
    for key, rows in sorted(groups.items(), key=lambda kv: kv[0]):
        total = sizes[key[:2]]
        keep = len(rows) if total <= max_rows else max(1, round(len(rows) * max_rows / total))
        if keep >= len(rows):
            out += rows
            continue
        out += sorted(rows, key=lambda e: hashlib.sha1(salt + e.text.encode("utf-8")).digest())[:keep]
    return out


def sample_source(rows: Sequence[Any], source: str, n: int | None) -> list[Any]:
    """At most ``n`` of one source's rows: the first ``n`` distinct texts of a shuffle seeded
    with the source's name (deterministic; every row of the source when ``n`` is None)."""
    if not n:
        return list(rows)
    texts = [e.text for e in rows]
    random.Random(source).shuffle(texts)
    keep = set(texts[:n])
    return [e for e in rows if e.text in keep]


def _fold(examples: Sequence[Any], source: str, train_fn: Callable[..., Any],
          max_rows_per_source: int | None, train_params: dict[str, Any], random_state: int,
          include_baseline: bool, test_rows: int | None = None) -> list[dict[str, Any]]:
    """Train on every source but ``source``; score its rows (all, or ``test_rows`` of them) for
    every head that has labels there (ours and, per head, the baseline trained on the same rows)."""
    train = cap_per_source([e for e in examples if e.source != source], max_rows_per_source)
    test = sample_source([e for e in examples if e.source == source], source, test_rows)
    model = train_fn(train, random_state=random_state, **train_params)
    if train_params.get("embedder") is not None:
        model.embedder = train_params["embedder"]
    routed = getattr(model, "routed_share", None)
    scores = model.score_many([e.text for e in test])
    rows = []
    for head in LABELS:
        idx, y = labelled(test, head)
        if not idx or y.min() == y.max() or head not in scores[0]:
            continue
        texts = [test[i].text for i in idx]
        row = {"task": head, "source": source, "model": "ours", "language": test[0].language,
               "n_train": len(train)}
        row.update(binary_metrics(y, np.array([scores[i][head] for i in idx], dtype=float), _hold(model, head)))
        if routed is not None:
            row["routed_share"] = routed([test[i].text for i in idx])
        rows.append(row)
        if include_baseline:
            base = fit_baseline(train, head)
            if base is not None:
                brow = {"task": head, "source": source, "model": "baseline", "language": test[0].language,
                        "n_train": len(labelled(train, head)[0])}
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
    test_rows_per_source: int | None = None,
) -> list[dict[str, Any]]:
    """One row per (left-out source, head, model) with ROC-AUC, PR-AUC and P/R/F1.

    Ours is scored at the fold model's own hold threshold for the head; the baseline at 0.5.
    ``max_rows_per_source`` caps the *training* rows of each other source (test rows are never
    capped); ours and the baseline see the same rows. ``test_rows_per_source`` scores a fixed
    sample of each left-out source instead of all of it (see ``sample_source``). ``n_jobs`` > 1 trains folds in parallel
    processes (results do not depend on it). ``on_fold(task, source, stage)`` gets task "all".
    """
    folds = loso_sources(examples)
    args = (train_fn, max_rows_per_source, dict(train_params or {}), random_state, include_baseline,
            test_rows_per_source)
    rows: list[dict[str, Any]] = []
    if n_jobs == 1:
        for source in folds:
            if on_fold:
                on_fold("all", source, "start")
            rows += _fold(examples, source, *args)
            if on_fold:
                on_fold("all", source, "done")
        return rows
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fold)(examples, source, *args) for source in folds)
    for source, fold_rows in zip(folds, results, strict=True):
        rows += fold_rows
        if on_fold:
            on_fold("all", source, "done")
    return rows


def _hold(model: Any, score: str) -> float:
    try:
        return float(model.thresholds[score]["hold"])
    except (AttributeError, KeyError, TypeError):
        return 0.5
