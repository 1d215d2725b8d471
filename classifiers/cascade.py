"""The encoder cascade: which comments the sentence encoder re-scores, and how the scores combine.

The n-gram model scores every comment (well under a millisecond). A comment goes on to the
encoder only when one of its n-gram scores lies in that head's uncertain band (``route``): the
encoder costs tens of milliseconds per comment, so it is spent where the n-grams are unsure. For
a routed comment each head's score becomes ``sigmoid(w_ngram * z_ngram + w_enc * z_enc + b)``: a
two-input logistic regression (the *combiner*) over the n-gram head's raw logit and the encoder
head's raw logit, fitted on held-back calibration rows of the band. Comments outside every band
keep their n-gram score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.special import expit

# head -> (low, high): n-gram probabilities in [low, high] are "unsure". Two sets of bands:
# the *fit* bands say which calibration rows each combiner is fitted on and which threshold rows
# the cascade re-scores when the operating points are chosen (wide: enough rows of both classes);
# the *serve* bands say which comments go to the encoder when scoring (narrow: it costs ~40 ms
# per comment here). Serve bands were chosen by measurement (model card, "Routing bands"): the
# encoder pays on identity_hate (group hate without slurs), spam and gambling_promo (new
# platforms); the toxicity combiner gave the encoder a weight of -0.04, so routing toxicity (16 %
# of a news-site mix) bought only a rescaled n-gram logit. On the realistic mix the serve bands
# route about 6 % of comments (mean 3.8 ms per comment) against 20 % (8.9 ms) with the fit bands.
DEFAULT_ROUTE_BANDS: dict[str, tuple[float, float]] = {
    "toxicity": (0.50, 0.92),
    "identity_hate": (0.30, 0.92),
    "spam": (0.30, 0.92),
    "gambling_promo": (0.30, 0.92),
}
DEFAULT_SERVE_BANDS: dict[str, tuple[float, float]] = {
    "identity_hate": (0.25, 0.95),
    "spam": (0.30, 0.92),
    "gambling_promo": (0.30, 0.92),
}


def route(probs: np.ndarray, heads: tuple[str, ...], bands: Mapping[str, tuple[float, float]]) -> np.ndarray:
    """Boolean mask over rows of ``probs`` (n, len(heads)): True where any head is in its band."""
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    mask = np.zeros(len(probs), dtype=bool)
    for j, head in enumerate(heads):
        band = bands.get(head)
        if band is not None:
            mask |= (probs[:, j] >= band[0]) & (probs[:, j] <= band[1])
    return mask


def combiner_arrays(combiners: Mapping[str, Any], heads: tuple[str, ...]) -> np.ndarray:
    """(len(heads), 3) array of (w_ngram, w_enc, bias) from fitted two-input LogisticRegressions."""
    rows = []
    for head in heads:
        lr = combiners[head]
        rows.append([float(lr.coef_[0, 0]), float(lr.coef_[0, 1]), float(lr.intercept_[0])])
    return np.asarray(rows)


def combine(z_ngram: np.ndarray, z_enc: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Combined probabilities (n, k) and the encoder's share of the log-odds (n, k)."""
    enc_part = z_enc * weights[:, 1]
    logit = z_ngram * weights[:, 0] + enc_part + weights[:, 2]
    return expit(logit), enc_part
