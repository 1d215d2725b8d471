"""Robustness suite: how much do evasion tricks lower the scores of true positives?

Toxic and spam positives from the held-out split are perturbed with each function in
:mod:`classifiers.evaluation.perturb` and re-scored. Target (issue item 6): the median score of the
perturbed positives stays within 0.10 of the median of the originals.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .perturb import PERTURBATIONS

__all__ = ["TARGET", "run_robustness", "sample_positives"]

TARGET = 0.10

ScoreFn = Callable[[list[str]], npt.ArrayLike]


def sample_positives(examples: Sequence[Any], task: str, n: int, seed: int = 0) -> list[str]:
    """Up to ``n`` distinct positive texts of ``task``, sampled deterministically."""
    texts = sorted({e.text for e in examples if e.task == task and e.label == 1 and e.text.strip()})
    if len(texts) <= n:
        return texts
    return random.Random(seed).sample(texts, n)


def _summary(orig: np.ndarray, pert: np.ndarray, threshold: float | None) -> dict[str, Any]:
    delta = pert - orig
    med_o, med_p = float(np.median(orig)), float(np.median(pert))
    out = {
        "median_original": med_o,
        "median_perturbed": med_p,
        "median_shift": med_p - med_o,
        "median_delta": float(np.median(delta)),
        "p10_delta": float(np.percentile(delta, 10)),
        "within_target": abs(med_p - med_o) <= TARGET,
        "no_drop_beyond_target": med_p - med_o >= -TARGET,
    }
    if threshold is not None:
        out["flagged_original"] = float(np.mean(orig >= threshold))
        out["flagged_perturbed"] = float(np.mean(pert >= threshold))
    return out


def run_robustness(
    model_fns: Mapping[str, ScoreFn],
    samples: Mapping[str, list[str]],
    thresholds: Mapping[str, float] | None = None,
    *,
    seed: int = 0,
    perturbations: Mapping[str, Callable[..., str]] = PERTURBATIONS,
    on_step: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Score originals and perturbed copies; one row per (model, score, perturbation).

    ``model_fns[name]`` maps ``score_name -> callable(texts) -> probabilities``; pass it as
    ``{"ours": {...}, "baseline": {...}}`` flattened to ``"ours:toxicity"`` keys, i.e.
    ``model_fns["ours:toxicity"]``. ``samples[score_name]`` are the positive texts.
    ``thresholds["ours:toxicity"]`` (optional) is the hold threshold, to report the share flagged.
    """
    thresholds = thresholds or {}
    rows: list[dict[str, Any]] = []
    for key, fn in model_fns.items():
        model_name, score = key.split(":", 1)
        texts = samples.get(score) or []
        if not texts:
            continue
        orig = np.asarray(fn(list(texts)), dtype=float)
        for pname, pfn in perturbations.items():
            perturbed = [pfn(t, seed=seed) for t in texts]
            pert = np.asarray(fn(perturbed), dtype=float)
            row: dict[str, Any] = {"model": model_name, "score": score, "perturbation": pname, "n": len(texts)}
            row.update(_summary(orig, pert, thresholds.get(key)))
            rows.append(row)
            if on_step:
                on_step()
    return rows
