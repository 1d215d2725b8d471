"""Train with a site's own labels: the base datasets plus the site's label rows, weighted.

A label row is one comment's final status as the site's moderators (or its imported history)
decided it, per head: 1, 0 or None (the decision does not tell). The rows are split by age: the
newest slice is kept for evaluation (never trained on), and of the rest a random part chooses the
thresholds (rows the calibration never saw), the remainder trains. The candidate is trained with
``classifiers.training.fit.train`` on the base examples plus the site's rows, each site row weighted
so that the site's labels carry a set share of the training weight.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from classifiers.model import HEADS, CommentModel
from classifiers.training.datasets import Example
from classifiers.training.fit import DEFAULT_PARAMS, train
from classifiers.training.thresholds import choose_thresholds

# Share of each head's training weight the site's own rows carry (per run and head: weight =
# share / (1 - share) * base rows of the head / site rows of the head, clipped to [1, MAX_WEIGHT]).
# Chosen on the leave-one-source-out simulation (bench/simulate_site.py): see the model card,
# "Learning from your moderators".
DEFAULT_SHARE = 0.1
# A head the site's rows cannot teach both classes (say, no spam in a history of trashed insults)
# gets them at weight 1, like any base row: a thousand heavy "not spam" rows would only skew it.
MIN_CLASS_FOR_WEIGHT = 10
MAX_WEIGHT = 50.0
EVAL_FRACTION = 0.2
THRESHOLD_FRACTION = 0.2
# A head's thresholds are re-chosen on the site's rows only with at least this many of each class.
MIN_THRESHOLD_CLASS = 10


@dataclass(frozen=True)
class LabelRow:
    """One labelled comment of a site; ``order`` grows with time (newer labels are larger)."""

    text: str
    labels: Mapping[str, int | None]
    order: int
    reason: str = ""
    language: str = ""


@dataclass(frozen=True)
class LabelSplit:
    """The site's rows: trained on, choosing thresholds, and the newest kept for evaluation."""

    train: list[LabelRow]
    thresholds: list[LabelRow]
    evaluation: list[LabelRow]


@dataclass
class FeedbackResult:
    """The candidate model, how its rows were split and weighted, and where its thresholds came from."""

    model: CommentModel
    split: LabelSplit
    weight: dict[str, float]
    info: dict[str, Any] = field(default_factory=dict)


def split_labels(rows: Sequence[LabelRow], eval_fraction: float = EVAL_FRACTION,
                 threshold_fraction: float = THRESHOLD_FRACTION, seed: int = 0) -> LabelSplit:
    """Newest ``eval_fraction`` for evaluation; a seeded random ``threshold_fraction`` of the rest for thresholds."""
    ordered = sorted(rows, key=lambda r: r.order)
    n_eval = math.ceil(len(ordered) * eval_fraction) if eval_fraction > 0 else 0
    older, newest = ordered[:len(ordered) - n_eval], ordered[len(ordered) - n_eval:]
    shuffled = list(older)
    random.Random(seed).shuffle(shuffled)
    n_thr = math.ceil(len(shuffled) * threshold_fraction) if threshold_fraction > 0 else 0
    return LabelSplit(train=shuffled[n_thr:], thresholds=shuffled[:n_thr], evaluation=newest)


def site_weight(n_base: int, n_site: int, share: float = DEFAULT_SHARE, max_weight: float = MAX_WEIGHT) -> float:
    """Weight of one site row so the site's rows carry ``share`` of the total training weight."""
    if n_site == 0 or not 0 < share < 1:
        return 1.0
    return round(min(max(share / (1 - share) * n_base / n_site, 1.0), max_weight), 3)


def label_examples(rows: Sequence[LabelRow], source: str, weight: float | Mapping[str, float]
                   ) -> tuple[list[Example], list[dict[str, float]]]:
    """Examples (one per task a row tells about) and their per-head weights; unknown heads get 0."""
    w = {h: float(weight if isinstance(weight, (int, float)) else weight[h]) for h in HEADS}
    examples: list[Example] = []
    weights: list[dict[str, float]] = []
    for row in rows:
        tox, ih = row.labels.get("toxicity"), row.labels.get("identity_hate")
        spam, gambling = row.labels.get("spam"), row.labels.get("gambling_promo")
        lang = row.language or "id"
        if tox is not None and spam != 1:  # a spam row's toxicity would read as "not spam" to the spam head
            examples.append(Example(row.text, source, lang, "toxicity", int(tox), identity_hate=ih))
            # The spam and gambling heads learn this row from its spam example below.
            weights.append({"toxicity": w["toxicity"], "identity_hate": w["identity_hate"], "spam": 0.0, "gambling_promo": 0.0})
        if spam is not None:
            examples.append(Example(row.text, source, lang, "spam", int(spam), gambling=gambling))
            known_gambling = gambling is not None or spam == 0
            weights.append({"toxicity": 0.0, "identity_hate": 0.0, "spam": w["spam"],
                            "gambling_promo": w["gambling_promo"] if known_gambling else 0.0})
    return examples, weights


def head_weights(base: Sequence[Example], rows: Sequence[LabelRow], share: float = DEFAULT_SHARE) -> dict[str, float]:
    """Per head, the weight of one site row: ``share`` of the head's weight, or 1 where the site's rows lack a class."""
    n_toxicity = sum(1 for e in base if e.task == "toxicity")
    out = {}
    for head in HEADS:
        _, y = _known(rows, head)
        positives = int(y.sum())
        if positives < MIN_CLASS_FOR_WEIGHT or len(y) - positives < MIN_CLASS_FOR_WEIGHT:
            out[head] = 1.0
        else:  # the spam heads train on every base row; toxicity and identity_hate on the toxicity sets
            out[head] = site_weight(n_toxicity if head in ("toxicity", "identity_hate") else len(base), len(y), share)
    return out


def _known(rows: Sequence[LabelRow], head: str) -> tuple[list[int], np.ndarray]:
    idx = [i for i, r in enumerate(rows) if r.labels.get(head) is not None]
    return idx, np.array([int(rows[i].labels[head] or 0) for i in idx], dtype=np.int64)


def site_thresholds(model: CommentModel, rows: Sequence[LabelRow], params: Mapping[str, Any] | None = None
                    ) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Per head, thresholds chosen on ``rows`` at the site's own mix, else the model's; and where each came from."""
    p = {**DEFAULT_PARAMS, **(params or {})}
    scores = model.score_many([r.text for r in rows]) if rows else []
    out: dict[str, dict[str, float]] = {}
    origin: dict[str, str] = {}
    for head in HEADS:
        idx, y = _known(rows, head)
        positives = int(y.sum())
        if positives >= MIN_THRESHOLD_CLASS and len(y) - positives >= MIN_THRESHOLD_CLASS:
            prob = np.array([scores[i][head] for i in idx])
            out[head] = choose_thresholds(y, prob, p["hold_precision"][head], p["reject_precision"][head], None)
            origin[head] = f"site rows ({len(y)}, {positives} positive)"
        else:
            out[head] = dict(model.thresholds[head])
            origin[head] = f"base validation (site rows: {len(y)}, {positives} positive)"
    return out, origin


def train_with_feedback(base: list[Example], rows: Sequence[LabelRow], *, source: str, version: str,
                        share: float = DEFAULT_SHARE, weight: float | None = None, random_state: int = 0,
                        eval_fraction: float = EVAL_FRACTION, threshold_fraction: float = THRESHOLD_FRACTION,
                        progress: bool = False, **params: Any) -> FeedbackResult:
    """Train a candidate on ``base`` plus the site's training rows; thresholds from the site's threshold rows."""
    split = split_labels(rows, eval_fraction, threshold_fraction, random_state)
    w: dict[str, float] = dict.fromkeys(HEADS, weight) if weight is not None else head_weights(base, split.train, share)
    extra, extra_weights = label_examples(split.train, source, w)
    base_weights: list[dict[str, float]] = [{} for _ in base]
    model = train(list(base) + extra, random_state=random_state, progress=progress,
                  example_weights=base_weights + extra_weights, **params)
    thresholds, origin = site_thresholds(model, split.thresholds, params)
    # The site's points were chosen on the scores this model gives here (with the encoder stage
    # when it runs): they replace the operating points of that way of scoring.
    if model.encoder_active:
        model.thresholds_cascade = thresholds
    else:
        model.thresholds_ngram = thresholds
        if model.encoder is None:
            model.thresholds_cascade = thresholds
    model.version = version
    info = {"source": source, "weight": w, "share": share if weight is None else None,
            "rows": {"train": len(split.train), "thresholds": len(split.thresholds), "evaluation": len(split.evaluation)},
            "evaluation_orders": [split.evaluation[0].order, split.evaluation[-1].order] if split.evaluation else None,
            "label_counts": label_counts(split.train), "thresholds_from": origin, "base_rows": len(base)}
    model.metadata["feedback"] = info
    return FeedbackResult(model, split, w, info)


def label_counts(rows: Sequence[LabelRow]) -> dict[str, dict[str, int]]:
    """Per head: rows with a label, and positives."""
    out = {}
    for head in HEADS:
        _, y = _known(rows, head)
        out[head] = {"n": len(y), "positives": int(y.sum())}
    return out


def head_metrics(model: Any, rows: Sequence[LabelRow]) -> dict[str, dict[str, Any]]:
    """Per head on ``rows``: n, positives, ROC-AUC, PR-AUC, precision and recall at the model's hold and reject."""
    scores = model.score_many([r.text for r in rows]) if rows else []
    out: dict[str, dict[str, Any]] = {}
    for head in HEADS:
        idx, y = _known(rows, head)
        m: dict[str, Any] = {"n": len(y), "positives": int(y.sum()), "roc_auc": None, "pr_auc": None}
        if len(y):
            p = np.array([scores[i][head] for i in idx])
            if 0 < y.sum() < len(y):
                m["roc_auc"] = round(float(roc_auc_score(y, p)), 4)
            if y.sum():
                m["pr_auc"] = round(float(average_precision_score(y, p)), 4)
            for point in ("hold", "reject"):
                flagged = p >= float(model.thresholds[head][point])
                tp = int((flagged & (y == 1)).sum())
                m[f"precision_{point}"] = round(tp / int(flagged.sum()), 4) if flagged.any() else None
                m[f"recall_{point}"] = round(tp / int(y.sum()), 4) if y.sum() else None
        out[head] = m
    return out


def compare(candidate: Any, active: Any, evaluation: Sequence[LabelRow], base_test: Sequence[Example]) -> dict[str, Any]:
    """Both models on the same newest labels (per head) and on the base per-source tests."""
    from classifiers.training.run import heldout_metrics

    base_test = list(base_test)
    return {
        "candidate": candidate.version, "active": active.version, "evaluation_rows": len(evaluation),
        "labels": {"candidate": head_metrics(candidate, evaluation), "active": head_metrics(active, evaluation)},
        "base": {"candidate": heldout_metrics(candidate, base_test) if base_test else {},
                 "active": heldout_metrics(active, base_test) if base_test else {}},
    }


def mean_auc(per_head: Mapping[str, Mapping[str, Any]], heads: Sequence[str]) -> float | None:
    """Mean ROC-AUC over ``heads`` (None when none has one)."""
    values = [float(per_head[h]["roc_auc"]) for h in heads if per_head.get(h, {}).get("roc_auc") is not None]
    return sum(values) / len(values) if values else None


def gate(comparison: Mapping[str, Any], margin: float, tolerance: float) -> tuple[bool, str]:
    """Challenger beats the active model on the newest labels by ``margin`` (mean ROC-AUC over the heads
    both can be measured on) and loses at most ``tolerance`` ROC-AUC on every base source."""
    cand, act = comparison["labels"]["candidate"], comparison["labels"]["active"]
    heads = [h for h in HEADS if cand[h]["roc_auc"] is not None and act[h]["roc_auc"] is not None]
    c, a = mean_auc(cand, heads), mean_auc(act, heads)
    if c is None or a is None:
        return False, "no head has both classes among the newest labels: nothing to compare"
    if c < a + margin:
        return False, f"newest labels: mean ROC-AUC {c:.4f} vs active {a:.4f} ({', '.join(heads)}), needs +{margin}"
    worse = []
    for source, m in comparison["base"]["candidate"].items():
        before = comparison["base"]["active"].get(source, {}).get("roc_auc")
        if m.get("roc_auc") is not None and before is not None and m["roc_auc"] < before - tolerance:
            worse.append(f"{source} {m['roc_auc']:.4f} < {before:.4f} - {tolerance}")
    if worse:
        return False, "base tests worse than the tolerance: " + "; ".join(worse)
    return True, f"newest labels: mean ROC-AUC {c:.4f} vs active {a:.4f} (+{c - a:.4f}); base tests within {tolerance}"
