"""Train the encoder stage: one logistic regression per head on sentence embeddings, and the
per-head combiners of the cascade (see ``classifiers.cascade``).

The encoder heads are linear models on 384 dense dimensions: a few thousand rows per source fit
them as well as all rows do, and embedding costs tens of milliseconds per text, so they train on
at most ``encoder_rows_per_source`` fit rows of each source (label-stratified, deterministic).
The combiners are fitted on the calibration rows (at most ``encoder_calibration_rows_per_source``
per source) that the cascade routes to the encoder.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from classifiers.cascade import combine, combiner_arrays, route
from classifiers.encoder import encoder_input
from classifiers.training.datasets import Example
from classifiers.training.thresholds import HeadRows, Split

RowsOf = Callable[[str], HeadRows]


def capped_rows(examples: Sequence[Example], candidates: np.ndarray, cap: int) -> np.ndarray:
    """At most ``cap`` of ``candidates`` per source, label-stratified, chosen by text hash (stable
    across folds and runs, so an embedding cache keeps hitting)."""
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i in candidates.tolist():
        groups[(examples[i].source, examples[i].label)].append(i)
    per_source: dict[str, int] = defaultdict(int)
    for (src, _), rows in groups.items():
        per_source[src] += len(rows)
    keep: list[int] = []
    for (src, _), rows in sorted(groups.items()):
        total = per_source[src]
        k = len(rows) if total <= cap else max(1, round(len(rows) * cap / total))
        rows.sort(key=lambda i: hashlib.sha1(examples[i].text.encode("utf-8")).digest())
        keep += rows[:k]
    return np.asarray(sorted(keep), dtype=np.int64)


class Embeddings:
    """Embeds example rows on demand (each row once) through ``embedder``."""

    def __init__(self, examples: Sequence[Example], parse: Callable[[str], Any],
                 embedder: Callable[[list[str]], np.ndarray]):
        self.examples, self.parse, self.embedder = examples, parse, embedder
        self._rows: dict[int, np.ndarray] = {}

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        need = [i for i in idx.tolist() if i not in self._rows]
        if need:
            texts = [encoder_input(self.parse(self.examples[i].text)[0]) for i in need]
            self._rows.update(zip(need, self.embedder(texts), strict=True))
        return np.stack([self._rows[i] for i in idx.tolist()]) if len(idx) else np.zeros((0, 384), np.float32)


def fit_encoder_stage(examples: Sequence[Example], head_rows: RowsOf, heads: tuple[str, ...],
                      fit_mask: np.ndarray, cal_mask: np.ndarray, z_ngram: np.ndarray, p_ngram: np.ndarray,
                      emb: Embeddings, params: dict[str, Any], random_state: int,
                      log: Callable[[str], None]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(encoder heads, combiners, info) for every head."""
    bands = params["route_bands"]
    enc_fit = np.zeros(len(examples), dtype=bool)
    enc_fit[capped_rows(examples, np.flatnonzero(fit_mask), params["encoder_rows_per_source"])] = True
    enc_cal = np.zeros(len(examples), dtype=bool)
    enc_cal[capped_rows(examples, np.flatnonzero(cal_mask), params["encoder_calibration_rows_per_source"])] = True
    routed = route(p_ngram, heads, bands)
    enc_heads: dict[str, Any] = {}
    combiners: dict[str, Any] = {}
    info: dict[str, Any] = {"encoder_train_rows": int(enc_fit.sum()),
                            "routed_calibration_share": round(float(routed[cal_mask].mean()), 4),
                            "combiner_candidate_rows": int(enc_cal.sum())}
    for j, head in enumerate(heads):
        idx, y, w = head_rows(head)
        sel = enc_fit[idx]
        lr = LogisticRegression(C=params["encoder_C"], max_iter=3000, random_state=random_state,
                                class_weight="balanced" if head == "identity_hate" else None)
        lr.fit(emb(idx[sel]), y[sel], sample_weight=w[sel])
        enc_heads[head] = lr
        # Combiner on the routed calibration rows of this head (all its calibration rows if the
        # band holds too few of either class).
        cal = enc_cal[idx] & routed[idx]
        if min(int(y[cal].sum()), int((1 - y[cal]).sum())) < 20:
            cal = enc_cal[idx]
        rows = idx[cal]
        z_enc = lr.decision_function(emb(rows))
        comb = LogisticRegression(C=100.0, max_iter=1000, random_state=random_state)
        comb.fit(np.column_stack([z_ngram[rows, j], z_enc]), y[cal])
        combiners[head] = comb
        info[head] = {"encoder_train_rows": int(sel.sum()), "combiner_rows": int(cal.sum()),
                      "combiner": [round(float(v), 4) for v in (*comb.coef_[0], comb.intercept_[0])]}
        log(f"  encoder head {head}: {int(sel.sum())} rows; combiner on {int(cal.sum())} routed "
            f"calibration rows, weights {info[head]['combiner']}")
    return enc_heads, combiners, info


@dataclass
class CascadeFit:
    """The trained encoder stage and the cascade's scores on the threshold rows it was run on."""

    part: dict[str, Any]  # heads, combiners, route_bands, serve_bands and info: what the model stores
    final: np.ndarray  # n-gram probabilities, re-scored by the cascade on the routed threshold rows
    thr_rows: np.ndarray  # the threshold rows the cascade scored (at most a cap per source)


def encoder_stage(examples: Sequence[Example], head_rows: RowsOf, heads: tuple[str, ...], split: Split,
                  z_ngram: np.ndarray, p_ngram: np.ndarray, emb: Embeddings, params: dict[str, Any],
                  random_state: int, log: Callable[[str], None]) -> CascadeFit:
    """Fit the encoder stage and score the capped threshold rows through the whole cascade."""
    enc_heads, combiners, info = fit_encoder_stage(examples, head_rows, heads, split.fit, split.cal, z_ngram,
                                                   p_ngram, emb, params, random_state, log)
    thr_rows = np.zeros(len(examples), dtype=bool)
    thr_rows[capped_rows(examples, np.flatnonzero(split.thr), params["encoder_threshold_rows_per_source"])] = True
    routed = np.flatnonzero(thr_rows & route(p_ngram, heads, params["route_bands"]))
    z_enc = np.column_stack([enc_heads[h].decision_function(emb(routed)) for h in heads])
    final = p_ngram.copy()
    final[routed] = combine(z_ngram[routed], z_enc, combiner_arrays(combiners, heads))[0]
    info["routed_threshold_share"] = round(float(len(routed) / max(1, split.thr.sum())), 4)
    part = {"heads": enc_heads, "combiners": combiners,
            "route_bands": {h: tuple(v) for h, v in params["route_bands"].items()},
            "serve_bands": {h: tuple(v) for h, v in params["serve_bands"].items()}, "info": info}
    return CascadeFit(part, final, thr_rows)
