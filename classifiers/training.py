"""Train the four heads on a list of Examples (deterministic for a given random_state)."""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import train_test_split

from classifiers.bias_terms import training_neutral_sentences
from classifiers.datasets import LABEL_MAPPING, RADIKALISME_POLICY, Example
from classifiers.features import CommentFeaturizer
from classifiers.model import HEADS, CommentModel
from classifiers.signals import METADATA_PRIORS
from classifiers.synthetic_citations import citation_training_sentences
from classifiers.synthetic_spam import gambling_promo_sentences

# cls-2: group-term features, citation-link signal, no length signal, prevalence-weighted thresholds.
MODEL_VERSION_PREFIX = "cls-2"
DEFAULT_PARAMS: dict[str, Any] = {
    "n_features": 2**19,
    "char_ngram_range": (2, 5),
    "C": {"toxicity": 4.0, "identity_hate": 2.0, "spam": 4.0, "gambling_promo": 4.0},
    "calibration_fraction": 0.15,
    "spam_weight_for_toxicity_rows": 0.3,
    # Thresholds: precision targets on validation data re-weighted to an ASSUMED share of each
    # kind among a news site's comments (validation sets are near-balanced, real traffic is not):
    # precision_at_prevalence = pi*TPR / (pi*TPR + (1-pi)*FPR). Hold sends a comment to a human,
    # so it asks for less precision than reject; identity_hate is rare and hard and asks less.
    "threshold_prevalence": {"toxicity": 0.10, "identity_hate": 0.02, "spam": 0.05, "gambling_promo": 0.03},
    "hold_precision": {"toxicity": 0.60, "identity_hate": 0.40, "spam": 0.60, "gambling_promo": 0.60},
    "reject_precision": {"toxicity": 0.90, "identity_hate": 0.75, "spam": 0.90, "gambling_promo": 0.90},
}
# Sources whose labels say whether toxic rows are hate against a group; toxic rows of the
# other toxicity sources are left out of the identity_hate head (unknown, not negative).
IDENTITY_SOURCES = {"davidson-hate-offensive-en", "id-multilabel-hate-abusive", "netifier-id", "hasoc2019-en"}
_WORD_RE = re.compile(r"[^\W\d_]{2,20}")


def _log(progress: bool, msg: str) -> None:
    if progress:
        print(msg, file=sys.stderr, flush=True)


def _known_words(texts: list[str], slang: dict[str, str], min_count: int = 5) -> str:
    """Frequent words of the corpus + standard forms: lets elongation keep 'good' not 'god'."""
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(_WORD_RE.findall(t.lower()))
    words = {w for w, c in counts.items() if c >= min_count and not re.search(r"(.)\1\1", w)}
    words.update(w for v in slang.values() for w in v.split())
    return "\n".join(sorted(words))


def _head_rows(examples: list[Example], head: str, spam_w: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices, labels and sample weights of the examples one head trains on."""
    idx, y, w = [], [], []
    for i, ex in enumerate(examples):
        if head == "toxicity" and ex.task == "toxicity":
            idx.append(i), y.append(ex.label), w.append(1.0)
        elif head == "identity_hate":
            if ex.identity_hate == 1:
                idx.append(i), y.append(1), w.append(1.0)
            elif ex.task == "spam" or ex.label == 0 or (ex.source in IDENTITY_SOURCES and ex.identity_hate == 0):
                idx.append(i), y.append(0), w.append(1.0)
        elif head == "spam":
            if ex.task == "spam":
                idx.append(i), y.append(ex.label), w.append(1.0)
            else:  # tweets and posts are not comment spam; down-weighted, different register
                idx.append(i), y.append(0), w.append(spam_w)
        elif head == "gambling_promo":
            idx.append(i), y.append(int(ex.gambling == 1)), w.append(1.0)
    return np.asarray(idx, dtype=np.int64), np.asarray(y), np.asarray(w)


def _reweight(idx: np.ndarray, y: np.ndarray, w: np.ndarray, extra: list[Mapping[str, float]],
              head: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Multiply each row's weight by its per-head factor (synthetic rows past ``extra``: 1); drop zeros."""
    factor = np.array([extra[i].get(head, 1.0) if i < len(extra) else 1.0 for i in idx], dtype=np.float64)
    w = w * factor
    keep = w > 0
    return idx[keep], y[keep], w[keep]


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
    """Validation recall and false-positive rate at the chosen hold / reject thresholds."""
    out = {}
    for name, t in thr.items():
        out[f"validation_recall_{name}"] = round(float(np.mean(p[y == 1] >= t)), 4)
        out[f"validation_fpr_{name}"] = round(float(np.mean(p[y == 0] >= t)), 4)
    return out


def _synthetic_examples() -> list[Example]:
    # Our own hand-written data, marked by source name: neutral identity-term sentences
    # (label 0, see bias_terms), gambling promotions (spam 1, gambling 1, see synthetic_spam) and
    # news comments citing sources with links (spam 0, gambling 0, see synthetic_citations).
    neutral = [Example(text, "synthetic-neutral-identity", lang, "toxicity", 0, identity_hate=0)
               for text, lang, _term in training_neutral_sentences()]
    promo = [Example(text, "synthetic-gambling-promo", lang, "spam", 1, gambling=1)
             for text, lang in gambling_promo_sentences()]
    cites = [Example(text, "synthetic-citation-ham", lang, "spam", 0, gambling=0)
             for text, lang, _listed in citation_training_sentences()]
    return neutral + promo + cites


def train(examples: list[Example], *, random_state: int = 0, progress: bool = False,
          example_weights: Sequence[Mapping[str, float]] | None = None, **params: Any) -> CommentModel:
    """Fit featuriser + four calibrated heads; thresholds picked on an internal validation split.

    ``example_weights`` (optional, one mapping per example): per head, a factor on that example's
    training weight; 0 leaves the example out of that head (classifiers.feedback uses it).
    """
    from classifiers.datasets import load_slang  # slang lives next to the data; optional

    p = {**DEFAULT_PARAMS, **params}
    start = time.perf_counter()
    if example_weights is not None and len(example_weights) != len(examples):
        raise ValueError("example_weights must have one mapping per example")
    extra_weights = list(example_weights) if example_weights is not None else None
    examples = list(examples) + _synthetic_examples()
    slang = p.get("slang")
    if slang is None:
        slang = load_slang(p["data_dir"]) if p.get("data_dir") else load_slang()
    texts = [ex.text for ex in examples]
    featurizer = CommentFeaturizer(
        n_features=p["n_features"], char_ngram_range=tuple(p["char_ngram_range"]),
        slang_pairs="\n".join(f"{k}\t{v}" for k, v in sorted(slang.items())),
        known_words=_known_words(texts, slang),
    ).fit(texts)
    strata = [f"{ex.source}|{ex.task}|{ex.label}|{ex.identity_hate}" for ex in examples]
    counts = Counter(strata)
    strata = [s if counts[s] >= 4 else "rare" for s in strata]
    all_idx = np.arange(len(examples))
    fit_idx, cal_idx = train_test_split(all_idx, test_size=p["calibration_fraction"],
                                        random_state=random_state, stratify=strata)
    status = None
    if progress:
        from rich.console import Console
        status = Console(stderr=True).status("featurising")
    with status or nullcontext():
        X = _featurise(featurizer, texts, progress)
        _log(progress, f"  featurised in {time.perf_counter() - start:.0f}s")
        heads, thresholds, val_metrics = {}, {}, {}
        is_cal = np.zeros(len(examples), dtype=bool)
        is_cal[cal_idx] = True
        for head in HEADS:
            if status:
                status.update(f"fitting head {head}")
            idx, y, w = _head_rows(examples, head, p["spam_weight_for_toxicity_rows"])
            if extra_weights is not None:
                idx, y, w = _reweight(idx, y, w, extra_weights, head)
            fit_m, cal_m = ~is_cal[idx], is_cal[idx]
            if len(set(y[fit_m])) < 2 or len(set(y[cal_m])) < 2:
                raise ValueError(f"head {head}: need both classes in the training data")
            lr = LogisticRegression(C=p["C"][head], max_iter=2000, tol=1e-4, random_state=random_state,
                                    class_weight="balanced" if head == "identity_hate" else None)
            lr.fit(X[idx[fit_m]], y[fit_m], sample_weight=w[fit_m])
            # Frozen model: the folds only route predictions; one sigmoid is fitted on them all.
            cal = CalibratedClassifierCV(FrozenEstimator(lr), method="sigmoid", cv=2, ensemble=False)
            cal.fit(X[idx[cal_m]], y[cal_m])
            heads[head] = cal
            pv = cal.predict_proba(X[idx[cal_m]])[:, 1]
            if head in ("spam", "gambling_promo"):
                # Thresholds on comment / SMS rows only: tweets are easy non-spam and would make
                # the false-positive rate look far lower than on a comment section.
                keep = np.array([examples[i].task == "spam" for i in idx[cal_m]])
                yv, pv = y[cal_m][keep], pv[keep]
            else:
                yv = y[cal_m]
            prevalence = (p.get("threshold_prevalence") or {}).get(head)
            thresholds[head] = choose_thresholds(yv, pv, p["hold_precision"][head],
                                                 p["reject_precision"][head], prevalence)
            val_metrics[head] = {"n_train": int(fit_m.sum()), "n_validation": int(cal_m.sum()),
                                 "positives_train": int(y[fit_m].sum()),
                                 **_threshold_rates(yv, pv, thresholds[head])}
            _log(progress, f"  head {head}: {fit_m.sum()} train rows, thresholds {thresholds[head]} "
                           f"({time.perf_counter() - start:.0f}s)")
    version = f"{MODEL_VERSION_PREFIX}-{time.strftime('%Y%m%d')}-seed{random_state}"
    meta = {
        "params": {k: v for k, v in p.items() if k not in ("slang", "data_dir")},
        "random_state": random_state,
        "label_mapping": LABEL_MAPPING,
        "radikalisme_policy": RADIKALISME_POLICY,
        "identity_hate_negatives": "spam rows, clean rows, and rows labelled identity_hate 0 of "
                                   + ", ".join(sorted(IDENTITY_SOURCES)),
        "threshold_rule": "per head (spam and gambling_promo: on comment/SMS validation rows only, "
                          "not tweets), lowest validation score whose precision, re-weighted to the assumed "
                          "news-site prevalence threshold_prevalence[head], is >= hold_precision (hold) "
                          "and >= reject_precision (reject), see params; validation recall/FPR at them "
                          "under 'heads'. The prevalences are assumptions: re-pick with your own traffic",
        "metadata_priors": {k: dict(v) for k, v in METADATA_PRIORS.items()},
        "synthetic_data": "hand-written: neutral identity-term sentences (classifiers/bias_terms.py "
                          "training templates, toxicity 0) and gambling promotions (classifiers/"
                          "synthetic_spam.py, spam 1 and gambling_promo 1) and news comments citing sources "
                          "with links (classifiers/synthetic_citations.py training set, spam 0 and "
                          "gambling_promo 0); counts under 'sources'",
        "slang_lexicon": "new_kamusalay.csv pairs (Ibrohim & Budi 2019), CC BY-NC-SA 4.0, stored in the artifact",
        "sources": dict(Counter(ex.source for ex in examples)),
        "heads": val_metrics,
        "train_seconds": round(time.perf_counter() - start, 1),
    }
    return CommentModel(featurizer, heads, thresholds, version, meta)


def _featurise(featurizer: CommentFeaturizer, texts: list[str], progress: bool):
    """Featurise in chunks so long runs show a progress line."""
    import scipy.sparse as sp

    chunk = 5000
    blocks = []
    for i in range(0, len(texts), chunk):
        blocks.append(featurizer.transform(texts[i:i + chunk]))
        _log(progress, f"  featurised {min(i + chunk, len(texts))}/{len(texts)} texts")
    return sp.vstack(blocks).tocsr()
