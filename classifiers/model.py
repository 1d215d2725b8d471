"""CommentModel: shared featuriser + four calibrated linear heads, with a lean scoring path.

The sklearn objects (featuriser, CalibratedClassifierCV per head) are the source of truth
and what gets saved. At load time their coefficients are stacked into one matrix so a single
sparse row times that matrix yields all four logits, and the stored sigmoid calibration is
applied by hand: the same math as ``predict_proba`` without per-call sklearn overhead.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from classifiers import cascade
from classifiers.batch import Batch, batch_features, batch_logits
from classifiers.explain import Parsed, top_features
from classifiers.features import CommentFeaturizer
from classifiers.language import detect_language, start_detect_languages
from classifiers.signals import SIGNAL_NAMES, metadata_adjustments

HEADS = ("toxicity", "identity_hate", "spam", "gambling_promo")
ENCODER_FEATURE = "encoder:sentence_meaning"
_EPS = 1e-12
_WORD_Z_LIMIT = 100_000


def _sigmoid(x: float) -> float:
    """Numerically stable logistic function for one float (same values as scipy's expit)."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _linear_parts(calibrated: Any) -> tuple[np.ndarray, float, float, float]:
    """(coef, intercept, a, b) of a CalibratedClassifierCV over a frozen linear model."""
    cc = calibrated.calibrated_classifiers_[0]
    est = cc.estimator
    est = getattr(est, "estimator", est)  # unwrap FrozenEstimator
    cal = cc.calibrators[0]
    return np.asarray(est.coef_, dtype=np.float64).ravel(), float(est.intercept_[0]), float(cal.a_), float(cal.b_)


class CommentModel:
    """Scores comments for toxicity, identity_hate, spam and gambling_promo (+ language).

    ``encoder`` (optional) holds the cascade's encoder heads, combiners and routing bands; it is
    used when the encoder package is installed (see ``classifiers.encoder``), otherwise the model
    scores with its n-gram heads alone and ``thresholds`` are the n-gram-only operating points.
    """

    def __init__(self, featurizer: CommentFeaturizer, heads: dict[str, Any],
                 thresholds: dict[str, dict[str, float]], version: str,
                 metadata: dict[str, Any] | None = None, encoder: dict[str, Any] | None = None,
                 thresholds_ngram: dict[str, dict[str, float]] | None = None):
        self.featurizer = featurizer
        self.heads = heads
        self.thresholds_cascade = thresholds
        self.thresholds_ngram = thresholds_ngram or thresholds
        self.version = version
        self.metadata = metadata or {}
        self.encoder = encoder
        self.embedder: Any = None  # None: classifiers.encoder.embed; evaluation passes a cache
        self._encoder_status: str | None = None if encoder else "this model has no encoder stage"
        self._encoder_checked = encoder is None
        self._build_lean()

    @property
    def encoder_status(self) -> str | None:
        """None when the encoder stage runs, else why it does not (checked once per model)."""
        if not self._encoder_checked:
            from classifiers.encoder import encoder_status

            self._encoder_status = None if self.embedder is not None else encoder_status()
            self._encoder_checked = True
            if self._encoder_status:
                import logging

                logging.getLogger(__name__).warning("model %s: %s", self.version, self._encoder_status)
        return self._encoder_status

    @property
    def encoder_active(self) -> bool:
        """True when comments in the uncertain band are re-scored by the sentence encoder."""
        return self.encoder is not None and self.encoder_status is None

    def ngram_only(self) -> CommentModel:
        """A view of this model that never calls the encoder (n-gram scores and thresholds)."""
        import copy

        view = copy.copy(self)
        view._encoder_status, view._encoder_checked = "encoder switched off (n-gram only view)", True
        return view

    @property
    def thresholds(self) -> dict[str, dict[str, float]]:
        """Operating points {head: {"hold", "reject"}} of the scores this model produces here."""
        return self.thresholds_cascade if self.encoder_active else self.thresholds_ngram

    def _build_lean(self) -> None:
        parts = [_linear_parts(self.heads[h]) for h in HEADS]
        # Column-major weight matrix (n_features, 4): W[cols] gathers one small block.
        self._W: npt.NDArray[np.float64] = np.ascontiguousarray(np.stack([p[0] for p in parts], axis=1))
        self._b: npt.NDArray[np.float64] = np.array([p[1] for p in parts], dtype=np.float64)
        self._cal_a: npt.NDArray[np.float64] = np.array([p[2] for p in parts], dtype=np.float64)
        self._cal_b: npt.NDArray[np.float64] = np.array([p[3] for p in parts], dtype=np.float64)
        self._word_z: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {}
        self._W_rows = {self.featurizer.n_features + i: tuple(self._W[self.featurizer.n_features + i].tolist())
                        for i in range(self._W.shape[0] - self.featurizer.n_features)}
        self._b_list, self._cal_a_list, self._cal_b_list = self._b.tolist(), self._cal_a.tolist(), self._cal_b.tolist()
        if self.encoder:
            enc = self.encoder["heads"]
            self._enc_W = np.stack([np.asarray(enc[h].coef_, dtype=np.float64).ravel() for h in HEADS], axis=1)
            self._enc_b = np.array([float(enc[h].intercept_[0]) for h in HEADS])
            self._comb = cascade.combiner_arrays(self.encoder["combiners"], HEADS)
            # Artifacts before cls-3.1 route with the bands their combiners were fitted on.
            self._bands = dict(self.encoder.get("serve_bands") or self.encoder["route_bands"])

    def _embed(self, token_lists: list[list[str]]) -> np.ndarray:
        from classifiers.encoder import embed, encoder_input

        return (self.embedder or embed)([encoder_input(t) for t in token_lists])

    def _cascade(self, z: np.ndarray, probs: np.ndarray, token_lists: list[list[str]]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(probs, routed mask, encoder log-odds share) after re-scoring the routed rows."""
        enc_part = np.zeros_like(probs)
        routed = np.zeros(len(probs), dtype=bool)
        if not self.encoder_active:
            return probs, routed, enc_part
        routed = cascade.route(probs, HEADS, self._bands)
        rows = np.flatnonzero(routed)
        if len(rows):
            z_enc = self._embed([token_lists[i] for i in rows]).astype(np.float64) @ self._enc_W + self._enc_b
            probs = probs.copy()
            probs[rows], enc_part[rows] = cascade.combine(z[rows], z_enc, self._comb)
        return probs, routed, enc_part

    # -- scoring ---------------------------------------------------------------------------
    def _finish(self, probs: Sequence[float] | np.ndarray, language: str,
                metadata: Mapping[str, Any] | None) -> dict[str, Any]:
        out: dict[str, Any] = {h: float(p) for h, p in zip(HEADS, probs, strict=True)}
        for head, adj in metadata_adjustments(metadata).items():
            p = min(max(out[head], _EPS), 1 - _EPS)
            out[head] = float(expit(math.log(p / (1 - p)) + sum(v for _, v in adj)))
        out["language"] = language
        out["model_version"] = self.version
        return out

    def _word_entry(self, token: str) -> tuple[tuple[int, ...], tuple[float, ...]]:
        """(columns, summed weight rows) of one word's unigram + char n-grams (cached)."""
        cache = self._word_z
        entry = cache.get(token)
        if entry is None:
            cols = self.featurizer.word_cols(token)
            entry = (tuple(cols.tolist()), tuple(self._W[cols].sum(axis=0).tolist()))
            if len(cache) >= _WORD_Z_LIMIT:
                cache.clear()
            cache[token] = entry
        return entry

    def _logits(self, text: str) -> tuple[list[float], Parsed]:
        """Raw logits of the four heads for one text, in plain Python floats (per-word weight
        sums are cached, and the L2 norm counts every hashed column once), and what they were
        computed from (tokens, signal values, that norm) for an explanation."""
        feat = self.featurizer
        tokens, signals = feat.parse(text)
        z = [0.0, 0.0, 0.0, 0.0]
        norm = 0.0
        if tokens:
            counts: Counter[int] = Counter()
            for tok in tokens:
                cols, w = self._word_entry(tok)
                counts.update(cols)
                z = [a + b for a, b in zip(z, w, strict=True)]
            bigrams = feat.bigram_cols(tokens)
            if bigrams:
                counts.update(bigrams)
                row = self._W[bigrams].sum(axis=0).tolist()
                z = [a + b for a, b in zip(z, row, strict=True)]
            norm = math.sqrt(sum(c * c for c in counts.values()))
            z = [v / norm for v in z]
        nf = feat.n_features
        for i, v in enumerate(signals):
            if v:
                z = [a + v * b for a, b in zip(z, self._W_rows[nf + i], strict=True)]
        return [a + b for a, b in zip(z, self._b_list, strict=True)], (tokens, signals, norm)

    def score(self, text: str, **metadata: Any) -> dict[str, Any]:
        """Calibrated scores, language and model version for one comment (lean path)."""
        z, (tokens, _, _) = self._logits(text)
        probs = [_sigmoid(-(a * v + b)) for a, v, b in zip(self._cal_a_list, z, self._cal_b_list, strict=True)]
        if self.encoder_active and cascade.route(np.array([probs]), HEADS, self._bands)[0]:
            probs = self._cascade(np.array([z]), np.array([probs]), [tokens])[0][0]
        return self._finish(probs, detect_language(text), metadata)

    def _batch(self, texts: list[str], metadata: Sequence[Mapping[str, Any]] | None) -> Batch:
        """A batch's probabilities and what explaining them needs: one sparse matrix product for
        all texts and heads, one encoder call for the routed rows."""
        if metadata is not None and len(metadata) != len(texts):
            raise ValueError("metadata must have one dict per text")
        if not texts:
            return Batch(np.zeros((0, len(HEADS))), np.zeros(0, dtype=bool), np.zeros((0, len(HEADS))), [], [], [])
        finish_languages = start_detect_languages(texts)  # lingua runs while we featurise
        Z, tokens, signals, norms = batch_features(self, texts)
        P = expit(-(self._cal_a * Z + self._cal_b))
        routed = np.zeros(len(texts), dtype=bool)
        enc_part = np.zeros_like(P)
        if self.encoder_active:
            rows = np.flatnonzero(cascade.route(P, HEADS, self._bands))
            if len(rows):
                P[rows], routed[rows], enc_part[rows] = self._cascade(Z[rows], P[rows], [tokens[i] for i in rows])
        metas: list[Mapping[str, Any] | None] = list(metadata) if metadata is not None else [None] * len(texts)
        parsed = [(tokens[i], signals[i], float(norms[i])) for i in range(len(texts))]
        return Batch(P, routed, enc_part, finish_languages(), metas, parsed)

    def score_many(self, texts: list[str], metadata: Sequence[Mapping[str, Any]] | None = None
                   ) -> list[dict[str, Any]]:
        """Score a batch (see ``_batch``)."""
        P, _, _, langs, metas, _ = self._batch(texts, metadata)
        rows: list[list[float]] = P.tolist()
        return [self._finish(rows[i], langs[i], metas[i]) for i in range(len(texts))]

    def routed_share(self, texts: list[str]) -> float | None:
        """Share of ``texts`` the cascade sends to the encoder (None when it is not active)."""
        if not self.encoder_active or not texts:
            return None
        P = expit(-(self._cal_a * batch_logits(self, texts) + self._cal_b))
        return float(cascade.route(P, HEADS, self._bands).mean())

    def score_sklearn(self, text: str, **metadata: Any) -> dict[str, Any]:
        """Reference path through the sklearn estimators (slow; used to test the lean path)."""
        X = self.featurizer.transform([text])
        probs = np.array([self.heads[h].predict_proba(X)[0, 1] for h in HEADS])
        return self._finish(probs, detect_language(text), metadata)

    # -- explanations ------------------------------------------------------------------------
    def explain(self, text: str, top_k: int = 5, **metadata: Any) -> dict[str, list[dict[str, Any]]]:
        """Per score, the words/bigrams/signals that raised it most (contribution in log-odds)."""
        return self.score_and_explain(text, top_k=top_k, **metadata)[1]

    def score_and_explain(self, text: str, top_k: int = 5, **metadata: Any
                          ) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
        """Scores (as ``score``) and explanation (as ``explain``) with at most one encoder pass.

        Contributions are in calibrated log-odds. When the encoder re-scored the comment, its share
        appears as ``encoder:sentence_meaning`` and the n-gram features are scaled by the
        combiner's n-gram weight.
        """
        z, parsed = self._logits(text)
        z_arr = np.array([z])
        probs = expit(-(self._cal_a * z_arr + self._cal_b))
        probs, routed, enc_part = self._cascade(z_arr, probs, [parsed[0]])
        explanation = self._explanation(bool(routed[0]), enc_part[0], top_k, metadata, parsed)
        return self._finish(probs[0], detect_language(text), metadata), explanation

    def score_and_explain_many(self, texts: list[str], metadata: Sequence[Mapping[str, Any]] | None = None,
                               top_k: int = 5) -> list[tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]]:
        """``score_and_explain`` for a batch: one matrix product, one encoder call for the routed rows."""
        P, routed, enc_part, langs, metas, parsed = self._batch(texts, metadata)
        return [(self._finish(P[i], langs[i], metas[i]),
                 self._explanation(bool(routed[i]), enc_part[i], top_k, metas[i], parsed[i]))
                for i in range(len(texts))]

    def _explanation(self, routed: bool, enc_part: np.ndarray, top_k: int, metadata: Mapping[str, Any] | None,
                     parsed: Parsed) -> dict[str, list[dict[str, Any]]]:
        """Per head, the ``top_k`` features with the largest positive log-odds contribution.

        ``parsed`` (tokens, signal values, L2 norm of the n-gram counts) is what scoring already
        computed for the text (``_logits`` or the batch).
        """
        feat = self.featurizer
        tokens, signals, norm = parsed
        norm = norm or 1.0
        # One row per feature name, in order of first appearance (as a dict would keep them); a
        # word's row is its unigram plus all of its character n-grams (cached per word).
        index: dict[str, int] = {}
        names: list[str] = []
        keys = [*tokens, *([f"{a} {b}" for a, b in pairwise(tokens)] if feat.word_bigrams else [])]
        keys += [f"g:{w}" for w in feat.context_words(tokens)]  # word in a text naming a group
        for key in keys:
            if index.setdefault(key, len(names)) == len(names):
                names.append(key)
        rows: list[Sequence[float]] = [self._word_entry(tok)[1] for tok in tokens]
        bigrams = feat.bigram_cols(tokens) if tokens else []
        if bigrams:
            rows.extend(self._W[bigrams])
        # Calibrated log-odds = -(a*z + b) (n-gram only) or w_ngram*z + w_enc*z_enc + b (routed):
        # each feature's share of z scales by -a or by w_ngram.
        scale = (self._comb[:, 0] if routed else -self._cal_a) / norm
        contrib = np.zeros((len(names), len(HEADS)))
        if rows:
            np.add.at(contrib, [index[k] for k in keys], np.asarray(rows, dtype=np.float64))
            contrib *= scale
        extra = [(SIGNAL_NAMES[i], self._W[feat.n_features + i] * value * scale * norm)
                 for i, value in enumerate(signals) if value]
        if routed:
            extra.append((ENCODER_FEATURE, enc_part))
        for name, vec in extra:  # set, not added (a name seen before keeps its place)
            if name not in index:
                index[name] = len(names)
                names.append(name)
                contrib = np.vstack([contrib, np.zeros(len(HEADS))])
            contrib[index[name]] = vec
        return top_features(contrib, HEADS, names, metadata_adjustments(metadata), top_k)
