"""Small metric and formatting helpers for the evaluation report (pure, numpy + scikit-learn)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, roc_auc_score

__all__ = [
    "binary_metrics",
    "calibration_bins",
    "expected_calibration_error",
    "false_positive_rate",
    "fmt",
    "md_table",
    "threshold_for_recall",
]


def binary_metrics(y: npt.ArrayLike, p: npt.ArrayLike, threshold: float) -> dict[str, Any]:
    """ROC-AUC, PR-AUC (average precision) and precision/recall/F1 at ``threshold``.

    A score counts as positive when ``p >= threshold``. Metrics that are undefined for the data
    (AUCs with a single class, precision with no predicted positive) are ``None``, never NaN.
    """
    y_arr = np.asarray(y, dtype=int)
    p_arr = np.asarray(p, dtype=float)
    if y_arr.shape != p_arr.shape:
        raise ValueError(f"y and p differ in shape: {y_arr.shape} vs {p_arr.shape}")
    n, pos = int(y_arr.size), int(y_arr.sum())
    both = 0 < pos < n
    pred = p_arr >= threshold
    tp = int(np.sum(pred & (y_arr == 1)))
    fp = int(np.sum(pred & (y_arr == 0)))
    fn = int(np.sum(~pred & (y_arr == 1)))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None or precision + recall == 0:
        f1 = 0.0 if (precision == 0 or recall == 0) else None
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return {
        "n": n,
        "pos": pos,
        "roc_auc": float(roc_auc_score(y_arr, p_arr)) if both else None,
        "pr_auc": float(average_precision_score(y_arr, p_arr)) if both else None,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "threshold": float(threshold),
    }


def calibration_bins(
    y: npt.ArrayLike, p: npt.ArrayLike, n_bins: int = 10
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """Equal-width bins on [0, 1]: (mean predicted, observed positive rate, count) per bin.

    Empty bins are dropped.
    """
    y_arr = np.asarray(y, dtype=float)
    p_arr = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    idx = np.minimum((p_arr * n_bins).astype(int), n_bins - 1)
    counts = np.bincount(idx, minlength=n_bins)
    sum_p = np.bincount(idx, weights=p_arr, minlength=n_bins)
    sum_y = np.bincount(idx, weights=y_arr, minlength=n_bins)
    keep = counts > 0
    return sum_p[keep] / counts[keep], sum_y[keep] / counts[keep], counts[keep]


def expected_calibration_error(y: npt.ArrayLike, p: npt.ArrayLike, n_bins: int = 10) -> float:
    """Count-weighted mean |observed rate - mean prediction| over equal-width bins."""
    mean_p, frac, counts = calibration_bins(y, p, n_bins)
    if counts.sum() == 0:
        return 0.0
    return float(np.sum(counts * np.abs(frac - mean_p)) / counts.sum())


def false_positive_rate(scores: Iterable[float], threshold: float) -> float:
    """Share of scores at or above ``threshold`` (all inputs are assumed to be negatives)."""
    arr = np.asarray(list(scores), dtype=float)
    return float(np.mean(arr >= threshold)) if arr.size else 0.0


def threshold_for_recall(y: npt.ArrayLike, p: npt.ArrayLike, recall: float) -> float:
    """The highest threshold whose recall on (y, p) is at least ``recall``."""
    y_arr = np.asarray(y, dtype=int)
    pos = np.sort(np.asarray(p, dtype=float)[y_arr == 1])[::-1]
    if pos.size == 0:
        raise ValueError("no positives")
    k = max(1, math.ceil(recall * pos.size - 1e-9))
    return float(pos[min(k, pos.size) - 1])


def fmt(v: Any, digits: int = 3) -> str:
    """Format a table cell: floats with ``digits`` decimals, None as an en dash."""
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return "–"
        return f"{v:.{digits}f}"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return str(v)


def md_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], digits: int = 3) -> str:
    """A GitHub-flavoured Markdown table; numeric columns right-aligned."""
    rows = [list(r) for r in rows]
    numeric = [
        all(isinstance(r[i], (int, float, np.integer, np.floating)) or r[i] is None for r in rows)
        and any(r[i] is not None for r in rows)
        for i in range(len(headers))
    ] if rows else [False] * len(headers)
    out = ["| " + " | ".join(headers) + " |"]
    out.append("|" + "|".join("---:" if num else "---" for num in numeric) + "|")
    for r in rows:
        out.append("| " + " | ".join(fmt(c, digits) for c in r) + " |")
    return "\n".join(out)
