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
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from classifiers.cascade import DEFAULT_ROUTE_BANDS, DEFAULT_SERVE_BANDS
from classifiers.features import CommentFeaturizer
from classifiers.model import HEADS, CommentModel
from classifiers.signals import METADATA_PRIORS
from classifiers.training.bias_terms import training_neutral_sentences
from classifiers.training.datasets import LABEL_MAPPING, RADIKALISME_POLICY, Example
from classifiers.training.synthetic_citations import citation_training_sentences
from classifiers.training.synthetic_functional import functional_training_sentences
from classifiers.training.synthetic_spam import gambling_promo_sentences, self_promo_sentences
from classifiers.training.thresholds import HeadRows, Split, pick_thresholds

# cls-3: functional training templates, optional encoder cascade, thresholds on their own split.
MODEL_VERSION_PREFIX = "cls-3.1"
DEFAULT_PARAMS: dict[str, Any] = {
    "n_features": 2**19,
    "char_ngram_range": (2, 5),
    "C": {"toxicity": 4.0, "identity_hate": 2.0, "spam": 4.0, "gambling_promo": 4.0},
    # fit / calibration (Platt, combiners) / threshold selection: thresholds are picked on rows
    # neither the heads nor the calibration saw.
    "calibration_fraction": 0.12,
    "threshold_fraction": 0.12,
    "spam_weight_for_toxicity_rows": 0.3,
    # Thresholds: precision targets on validation data re-weighted to an ASSUMED share of each
    # kind among a news site's comments (validation sets are near-balanced, real traffic is not):
    # precision_at_prevalence = pi*TPR / (pi*TPR + (1-pi)*FPR). Hold sends a comment to a human,
    # so it asks for less precision than reject; identity_hate is rare and hard and asks less.
    "threshold_prevalence": {"toxicity": 0.10, "identity_hate": 0.02, "spam": 0.05, "gambling_promo": 0.03},
    "hold_precision": {"toxicity": 0.60, "identity_hate": 0.40, "spam": 0.60, "gambling_promo": 0.60},
    "reject_precision": {"toxicity": 0.90, "identity_hate": 0.75, "spam": 0.90, "gambling_promo": 0.90},
    # The encoder stage (classifiers.encoder / cascade): None = use it when installed.
    "encoder": None,
    # Embedding costs tens of ms per text here: the encoder heads fit on at most this many fit rows
    # per source; the combiners and the cascade's thresholds use at most this many calibration /
    # threshold-selection rows per source (hash-ordered, label-stratified; see training.encoder_stage).
    "encoder_rows_per_source": 1500,
    "encoder_calibration_rows_per_source": 250,
    "encoder_threshold_rows_per_source": 300,
    "encoder_C": 1.0,
    "route_bands": DEFAULT_ROUTE_BANDS,
    "serve_bands": DEFAULT_SERVE_BANDS,
    "functional_templates": 120,
}
_NOT_METADATA = ("slang", "data_dir", "embedder")
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


def _head_rows(examples: list[Example], head: str, spam_w: float) -> HeadRows:
    """Indices, labels and sample weights of the examples one head trains on."""
    idx: list[int] = []
    y: list[int] = []
    w: list[float] = []

    def add(i: int, label: int, weight: float = 1.0) -> None:
        idx.append(i)
        y.append(label)
        w.append(weight)

    for i, ex in enumerate(examples):
        if head == "toxicity" and ex.task == "toxicity":
            add(i, ex.label)
        elif head == "identity_hate":
            if ex.identity_hate == 1:
                add(i, 1)
            elif ex.task == "spam" or ex.label == 0 or (ex.source in IDENTITY_SOURCES and ex.identity_hate == 0):
                add(i, 0)
        elif head == "spam":
            if ex.task == "spam":
                add(i, ex.label)
            else:  # tweets and posts are not comment spam; down-weighted, different register
                add(i, 0, spam_w)
        elif head == "gambling_promo":
            add(i, int(ex.gambling == 1))
    return np.asarray(idx, dtype=np.int64), np.asarray(y), np.asarray(w)


def _reweight(idx: np.ndarray, y: np.ndarray, w: np.ndarray, extra: list[Mapping[str, float]],
              head: str) -> HeadRows:
    """Multiply each row's weight by its per-head factor (synthetic rows past ``extra``: 1); drop zeros."""
    factor = np.array([extra[i].get(head, 1.0) if i < len(extra) else 1.0 for i in idx], dtype=np.float64)
    w = w * factor
    keep = w > 0
    return idx[keep], y[keep], w[keep]


def _synthetic_examples(functional_n: int = 120) -> list[Example]:
    # Our own hand-written data, marked by source name: neutral identity-term sentences
    # (label 0, see bias_terms), gambling promotions (spam 1, gambling 1, see synthetic_spam) and
    # news comments citing sources with links (spam 0, gambling 0, see synthetic_citations),
    # self-promotion spam (synthetic_spam) and the functional templates (synthetic_functional).
    neutral = [Example(text, "synthetic-neutral-identity", lang, "toxicity", 0, identity_hate=0)
               for text, lang, _term in training_neutral_sentences()]
    promo = [Example(text, "synthetic-gambling-promo", lang, "spam", 1, gambling=1)
             for text, lang in gambling_promo_sentences()]
    cites = [Example(text, "synthetic-citation-ham", lang, "spam", 0, gambling=0)
             for text, lang, _listed in citation_training_sentences()]
    self_promo = [Example(text, "synthetic-self-promo", lang, "spam", 1, gambling=0)
                  for text, lang in self_promo_sentences()]
    functional = [Example(text, "synthetic-functional", lang, "toxicity", tox, identity_hate=ih)
                  for text, lang, _kind, tox, ih in functional_training_sentences(functional_n)] if functional_n else []
    return neutral + promo + cites + self_promo + functional


def _split(examples: list[Example], p: dict[str, Any], random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (calibration, threshold selection); the rest fits the heads."""
    strata = [f"{ex.source}|{ex.task}|{ex.label}|{ex.identity_hate}" for ex in examples]
    counts = Counter(strata)
    strata = [s if counts[s] >= 8 else "rare" for s in strata]
    all_idx = np.arange(len(examples))
    held = p["calibration_fraction"] + p["threshold_fraction"]
    _, held_idx = train_test_split(all_idx, test_size=held, random_state=random_state, stratify=strata)
    held_strata = [strata[i] for i in held_idx]
    counts = Counter(held_strata)
    held_strata = [s if counts[s] >= 2 else "rare" for s in held_strata]
    cal_idx, thr_idx = train_test_split(held_idx, test_size=p["threshold_fraction"] / held,
                                        random_state=random_state, stratify=held_strata)
    cal, thr = np.zeros(len(examples), dtype=bool), np.zeros(len(examples), dtype=bool)
    cal[cal_idx], thr[thr_idx] = True, True
    return cal, thr


def _fit_head(X: sp.csr_matrix, head_rows: HeadRows, split: Split, head: str, C: float, random_state: int
              ) -> tuple[Any, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """One head's calibrated classifier, and its raw logits and calibrated probabilities on every row."""
    idx, y, w = head_rows
    fit_m, cal_m = split.fit[idx], split.cal[idx]
    if len(set(y[fit_m])) < 2 or len(set(y[cal_m])) < 2 or len(set(y[split.thr[idx]])) < 2:
        raise ValueError(f"head {head}: need both classes in the training data")
    lr = LogisticRegression(C=C, max_iter=2000, tol=1e-4, random_state=random_state,
                            class_weight="balanced" if head == "identity_hate" else None)
    lr.fit(X[idx[fit_m]], y[fit_m], sample_weight=w[fit_m])
    # Frozen model: the folds only route predictions; one sigmoid is fitted on them all.
    cal = CalibratedClassifierCV(FrozenEstimator(lr), method="sigmoid", cv=2, ensemble=False)
    cal.fit(X[idx[cal_m]], y[cal_m])
    return cal, lr.decision_function(X), cal.predict_proba(X)[:, 1]


def _use_encoder(p: dict[str, Any], progress: bool) -> bool:
    from classifiers.encoder import encoder_status

    if p.get("encoder") is False:
        return False
    if p.get("embedder") is not None:
        return True
    status = encoder_status()
    if status is not None:
        if p.get("encoder"):
            raise RuntimeError(status)
        _log(progress, f"  {status}")
        return False
    return True


def train(examples: list[Example], *, random_state: int = 0, progress: bool = False,
          example_weights: Sequence[Mapping[str, float]] | None = None, **params: Any) -> CommentModel:
    """Fit featuriser + four calibrated n-gram heads and (when installed) the encoder stage;
    thresholds are picked on a split that neither the heads nor the calibration saw.

    ``example_weights`` (optional, one mapping per example): per head, a factor on that example's
    training weight; 0 leaves the example out of that head (classifiers.training.feedback uses it).
    ``encoder=False`` trains the n-gram stage only; ``encoder=True`` requires the encoder.
    """
    from classifiers.training.datasets import load_slang  # slang lives next to the data; optional

    p = {**DEFAULT_PARAMS, **params}
    start = time.perf_counter()
    if example_weights is not None and len(example_weights) != len(examples):
        raise ValueError("example_weights must have one mapping per example")
    extra_weights = list(example_weights) if example_weights is not None else None
    examples = list(examples) + _synthetic_examples(p["functional_templates"])
    slang = p.get("slang")
    if slang is None:
        slang = load_slang(p["data_dir"]) if p.get("data_dir") else load_slang()
    texts = [ex.text for ex in examples]
    featurizer = CommentFeaturizer(
        n_features=p["n_features"], char_ngram_range=tuple(p["char_ngram_range"]),
        slang_pairs="\n".join(f"{k}\t{v}" for k, v in sorted(slang.items())),
        known_words=_known_words(texts, slang),
    ).fit(texts)
    is_cal, is_thr = _split(examples, p, random_state)
    split = Split(fit=~(is_cal | is_thr), cal=is_cal, thr=is_thr)
    use_encoder = _use_encoder(p, progress)
    status = None
    if progress:
        from rich.console import Console
        status = Console(stderr=True).status("featurising")

    def stage(message: str) -> None:
        if status:
            status.update(message)

    with status or nullcontext():
        X = _featurise(featurizer, texts, progress)
        _log(progress, f"  featurised in {time.perf_counter() - start:.0f}s")
        rows = {h: _head_rows(examples, h, p["spam_weight_for_toxicity_rows"]) for h in HEADS}
        if extra_weights is not None:
            rows = {h: _reweight(*rows[h], extra_weights, h) for h in HEADS}
        heads: dict[str, Any] = {}
        z = np.zeros((len(examples), len(HEADS)))
        pn = np.zeros((len(examples), len(HEADS)))
        for j, head in enumerate(HEADS):
            stage(f"fitting head {head}")
            heads[head], z[:, j], pn[:, j] = _fit_head(X, rows[head], split, head, p["C"][head], random_state)
            _log(progress, f"  head {head}: {split.fit[rows[head][0]].sum()} fit rows "
                           f"({time.perf_counter() - start:.0f}s)")
        fitted = None
        if use_encoder:
            from classifiers.encoder import embed
            from classifiers.training.encoder_stage import Embeddings, encoder_stage

            stage("encoder stage (embedding)")
            emb = Embeddings(examples, featurizer.parse, p.get("embedder") or embed)
            fitted = encoder_stage(examples, rows.__getitem__, HEADS, split, z, pn, emb, p, random_state,
                                   lambda m: _log(progress, m))
        thresholds, thresholds_ngram, val_metrics = pick_thresholds(examples, rows, HEADS, split, pn, fitted, p)
    encoder_part = fitted.part if fitted else None
    version = f"{MODEL_VERSION_PREFIX}-{time.strftime('%Y%m%d')}-seed{random_state}"
    meta = _metadata(p, random_state, examples, val_metrics, start)
    meta["thresholds_ngram_only"] = thresholds_ngram
    if encoder_part:
        from classifiers.encoder import ENCODER_MODEL, ENCODER_PACKAGE, ENCODER_VERSION, MAX_CHARS

        meta["encoder"] = {"package": ENCODER_PACKAGE, "version": ENCODER_VERSION, "model": ENCODER_MODEL,
                           "max_chars": MAX_CHARS, **encoder_part.pop("info")}
    return CommentModel(featurizer, heads, thresholds, version, meta, encoder=encoder_part,
                        thresholds_ngram=thresholds_ngram)


def _metadata(p: dict[str, Any], random_state: int, examples: list[Example], val_metrics: dict[str, Any],
              start: float) -> dict[str, Any]:
    return {
        "params": {k: v for k, v in p.items() if k not in _NOT_METADATA},
        "random_state": random_state,
        "label_mapping": LABEL_MAPPING,
        "radikalisme_policy": RADIKALISME_POLICY,
        "identity_hate_negatives": "spam rows, clean rows, and rows labelled identity_hate 0 of "
                                   + ", ".join(sorted(IDENTITY_SOURCES)),
        "threshold_rule": "per head (spam and gambling_promo: on comment/SMS rows only, not tweets), on the "
                          "threshold-selection split (rows neither the heads nor the calibration saw): lowest "
                          "score whose precision, re-weighted to the assumed news-site prevalence "
                          "threshold_prevalence[head], is >= hold_precision (hold) and >= reject_precision "
                          "(reject), see params; recall/FPR at them under 'heads'. The prevalences are "
                          "assumptions: re-pick with your own traffic",
        "metadata_priors": {k: dict(v) for k, v in METADATA_PRIORS.items()},
        "synthetic_data": "hand-written: neutral identity-term sentences (classifiers/training/bias_terms.py "
                          "training templates, toxicity 0), gambling promotions and self-promotion spam "
                          "(classifiers/training/synthetic_spam.py), news comments citing sources with links "
                          "(classifiers/training/synthetic_citations.py training set, spam 0) and functional "
                          "training templates (classifiers/training/synthetic_functional.py); counts under 'sources'",
        "slang_lexicon": "new_kamusalay.csv pairs (Ibrohim & Budi 2019), CC BY-NC-SA 4.0, stored in the artifact",
        "sources": dict(Counter(ex.source for ex in examples)),
        "heads": val_metrics,
        "train_seconds": round(time.perf_counter() - start, 1),
    }


def _featurise(featurizer: CommentFeaturizer, texts: list[str], progress: bool) -> sp.csr_matrix:
    """Featurise in chunks so long runs show a progress line."""
    chunk = 5000
    blocks = []
    for i in range(0, len(texts), chunk):
        blocks.append(featurizer.transform(texts[i:i + chunk]))
        _log(progress, f"  featurised {min(i + chunk, len(texts))}/{len(texts)} texts")
    return sp.vstack(blocks).tocsr()
