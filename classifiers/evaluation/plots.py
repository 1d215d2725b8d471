"""PNG figures for the evaluation report: reliability diagrams and precision-recall curves.

matplotlib is imported lazily with the non-interactive Agg backend, so importing this module is
cheap and never needs a display. Figures are small (about 50-150 KB) on purpose: they are
committed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import numpy.typing as npt
from sklearn.metrics import precision_recall_curve

from .metrics import calibration_bins

__all__ = ["pr_curves", "reliability_diagram", "robustness_chart"]

_DPI = 80


def _plt() -> ModuleType:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


Series = Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]]


def reliability_diagram(panels: Mapping[str, Series], path: Path, n_bins: int = 10) -> Path:
    """One panel per score (e.g. toxicity, spam); one line per group (e.g. language).

    ``panels[title][label] = (y_true, p)``.
    """
    plt = _plt()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.0), squeeze=False)
    for ax, (title, series) in zip(axes[0], panels.items(), strict=True):
        ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect")
        for label, (y, p) in series.items():
            n = np.asarray(y).size
            if n == 0:
                continue
            mean_p, frac, _counts = calibration_bins(y, p, n_bins)
            ax.plot(mean_p, frac, marker="o", ms=3, lw=1.5, label=f"{label} (n={n:,})")
        ax.set_title(f"{title}: reliability")
        ax.set_xlabel("mean predicted probability")
        ax.set_ylabel("observed positive rate")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)
    return path


def pr_curves(panels: Mapping[str, Series], path: Path) -> Path:
    """Precision-recall curves, one panel per score, one line per group (e.g. source)."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 4.0), squeeze=False)
    for ax, (title, series) in zip(axes[0], panels.items(), strict=True):
        for label, (y, p) in series.items():
            y_arr = np.asarray(y)
            if y_arr.size == 0 or y_arr.min() == y_arr.max():
                continue
            prec, rec, _ = precision_recall_curve(y_arr, np.asarray(p))
            # thin the curve: committed PNGs stay small and lines stay readable
            step = max(1, len(prec) // 400)
            ax.plot(rec[::step], prec[::step], lw=1.3, label=label)
        ax.set_title(f"{title}: precision-recall")
        ax.set_xlabel("recall")
        ax.set_ylabel("precision")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)
    return path


def robustness_chart(rows: Sequence[tuple[str, str, float]], path: Path) -> Path:
    """Grouped bars: median score change per perturbation (``rows`` = (perturbation, score, delta))."""
    plt = _plt()
    perts = list(dict.fromkeys(r[0] for r in rows))
    scores = list(dict.fromkeys(r[1] for r in rows))
    lookup = {(r[0], r[1]): r[2] for r in rows}
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    width = 0.8 / max(1, len(scores))
    x = np.arange(len(perts))
    for i, s in enumerate(scores):
        ax.bar(x + i * width, [lookup.get((pt, s), 0.0) for pt in perts], width, label=s)
    ax.axhline(-0.10, color="red", ls="--", lw=1, label="target -0.10")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x + width * (len(scores) - 1) / 2, perts, rotation=20, fontsize=8)
    ax.set_ylabel("median score change")
    ax.set_title("Robustness: median change of positives' scores under evasion")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)
    return path
