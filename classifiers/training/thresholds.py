"""Operating points: the hold / reject thresholds of each head, chosen on rows that neither the heads
nor the calibration saw (the threshold-selection split)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from sklearn.metrics import precision_recall_curve

from classifiers.training.datasets import Example

if TYPE_CHECKING:
    from classifiers.training.encoder_stage import CascadeFit

# One head's training rows: indices into the examples, labels and sample weights.
HeadRows = tuple[np.ndarray, np.ndarray, np.ndarray]


class Split(NamedTuple):
    """Boolean row masks: fitting the heads, calibration, threshold selection (disjoint)."""

    fit: np.ndarray
    cal: np.ndarray
    thr: np.ndarray


def choose_thresholds(y: np.ndarray, p: np.ndarray, hold_precision: float,
                      reject_precision: float, prevalence: float | None = None) -> dict[str, float]:
    """Lowest score reaching each precision target on validation data (clipped to [0.05, 0.99]).

    With ``prevalence``, precision is computed as if positives were that share of the traffic
    (positives and negatives re-weighted to pi and 1 - pi), not at the validation set's own mix.
    """
    out = {}
    if y.sum() == 0 or y.sum() == len(y):
        return {"hold": 0.5, "reject": 0.9}
    w = None
    if prevalence is not None:
        w = np.where(y == 1, prevalence / y.sum(), (1 - prevalence) / (len(y) - y.sum()))
    prec, _, thr = precision_recall_curve(y, p, sample_weight=w)
    for name, target in (("hold", hold_precision), ("reject", reject_precision)):
        ok = np.flatnonzero(prec[:-1] >= target)
        value = float(thr[ok[0]]) if len(ok) else 0.99
        out[name] = round(min(max(value, 0.05), 0.99), 4)
    out["reject"] = max(out["reject"], out["hold"])
    return out


def _threshold_rates(y: np.ndarray, p: np.ndarray, thr: dict[str, float]) -> dict[str, float]:
    """Recall and false-positive rate at the chosen hold / reject thresholds (threshold split)."""
    out = {}
    for name, t in thr.items():
        out[f"validation_recall_{name}"] = round(float(np.mean(p[y == 1] >= t)), 4)
        out[f"validation_fpr_{name}"] = round(float(np.mean(p[y == 0] >= t)), 4)
    return out


def pick_thresholds(examples: Sequence[Example], rows: Mapping[str, HeadRows], heads: Sequence[str], split: Split,
                    p_ngram: np.ndarray, cascade: CascadeFit | None, params: Mapping[str, Any]
                    ) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]], dict[str, dict[str, Any]]]:
    """(thresholds of the scores the model gives, n-gram-only thresholds, validation figures) per head.

    With the encoder stage, the first are chosen on the cascade's scores of its capped threshold rows.
    """
    thresholds, thresholds_ngram, val_metrics = {}, {}, {}
    final = cascade.final if cascade is not None else p_ngram
    for j, head in enumerate(heads):
        idx, y, _ = rows[head]
        spam_only = np.ones(len(idx), dtype=bool)
        if head in ("spam", "gambling_promo"):
            # Thresholds on comment / SMS rows only: tweets are easy non-spam and would make
            # the false-positive rate look far lower than on a comment section.
            spam_only = np.array([examples[i].task == "spam" for i in idx], dtype=bool)
        prevalence = (params.get("threshold_prevalence") or {}).get(head)
        targets = (params["hold_precision"][head], params["reject_precision"][head], prevalence)
        keep = split.thr[idx] & spam_only
        thresholds_ngram[head] = choose_thresholds(y[keep], p_ngram[idx[keep], j], *targets)
        if cascade is not None:  # the cascade's scores exist on the capped threshold rows
            keep &= cascade.thr_rows[idx]
        yv = y[keep]
        thresholds[head] = choose_thresholds(yv, final[idx[keep], j], *targets)
        val_metrics[head] = {"n_train": int(split.fit[idx].sum()), "n_calibration": int(split.cal[idx].sum()),
                             "n_threshold": int(keep.sum()), "positives_train": int(y[split.fit[idx]].sum()),
                             **_threshold_rates(yv, final[idx[keep], j], thresholds[head])}
    return thresholds, thresholds_ngram, val_metrics
