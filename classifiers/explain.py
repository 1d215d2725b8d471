"""Ranking a comment's feature contributions into the explanation stored with a decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

Parsed = tuple[list[str], list[float], float]  # a text's tokens, signal values, L2 norm of its n-gram counts


def top_features(contrib: np.ndarray, heads: Sequence[str], names: list[str],
                 adjustments: Mapping[str, list[tuple[str, float]]], top_k: int) -> dict[str, list[dict[str, Any]]]:
    """Per head (a column of ``contrib``), the ``top_k`` names with the largest positive contribution (ties keep name order;
    metadata adjustments rank after the features, as if appended to them)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for j, head in enumerate(heads):
        values = contrib[:, j]
        positive = np.flatnonzero(values > 0)
        best = positive[np.argsort(-values[positive], kind="stable")[:top_k]]
        items = [(names[i], float(values[i])) for i in best]
        if head in adjustments:
            items = sorted(items + [it for it in adjustments[head] if it[1] > 0], key=lambda it: -it[1])[:top_k]
        out[head] = [{"feature": name, "contribution": round(value, 4)} for name, value in items]
    return out
