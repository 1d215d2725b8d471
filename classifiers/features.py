"""Shared text featuriser: hashed word 1-2-grams + char 2-5-grams (per word) + spam signals.

Hashing (crc32, stable across processes and versions) keeps the artifact small and makes
explanations possible without a vocabulary: we re-hash the text's own n-grams. Per-word
hashed columns are cached because comments reuse words heavily (Zipf), which keeps the
single-comment path fast.
"""

from __future__ import annotations

import zlib
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted, validate_data

from classifiers.group_terms import GROUP_TERMS
from classifiers.normalize import PLACEHOLDERS, Lexicon, TokenNormalizer
from classifiers.signals import SIGNAL_NAMES, text_signals

_CACHE_LIMIT = 60_000
_PLAIN = frozenset(PLACEHOLDERS)


def _hash(feature: str, n_features: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) % n_features


class CommentFeaturizer(TransformerMixin, BaseEstimator):
    """Turn raw comments into an L2-normalised hashed n-gram block plus signal columns.

    Input: a 1-D sequence of strings, or a 2-D array whose cells of each row are joined
    with spaces into one text (e.g. title and body columns). ``slang_pairs`` is
    "slang<TAB>standard" lines and ``known_words`` newline-separated words: plain strings
    keep the artifact compact and safe to load.
    """

    def __init__(self, n_features: int = 2**19, char_ngram_range: tuple[int, int] = (2, 5),
                 word_bigrams: bool = True, slang_pairs: str | None = None,
                 known_words: str | None = None, signals: bool = True, group_context: bool = True):
        self.n_features = n_features
        self.char_ngram_range = char_ngram_range
        self.word_bigrams = word_bigrams
        self.slang_pairs = slang_pairs
        self.known_words = known_words
        self.signals = signals
        self.group_context = group_context

    # -- sklearn API -------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> CommentFeaturizer:
        """Validate the input and parameters; hashing needs no learned vocabulary."""
        texts = self._texts(X, reset=True)
        if not isinstance(self.n_features, (int, np.integer)) or self.n_features < 2:
            raise ValueError(f"n_features must be an int >= 2, got {self.n_features!r}")
        lo, hi = self.char_ngram_range
        if not 1 <= lo <= hi:
            raise ValueError(f"bad char_ngram_range {self.char_ngram_range!r}")
        self.n_signals_ = len(SIGNAL_NAMES) if self.signals else 0
        self.n_output_features_ = int(self.n_features) + self.n_signals_
        self.n_texts_seen_ = len(texts)
        self._init_caches()
        return self

    def _init_caches(self) -> None:
        # Created here (not lazily in transform) so transform never rebinds attributes.
        self._word_cache: dict[str, np.ndarray] = {}
        self._bigram_cache: dict[str, int] = {}
        pairs = (line.split("\t", 1) for line in (self.slang_pairs or "").splitlines())
        slang = {p[0]: p[1] for p in pairs if len(p) == 2}
        self._lexicon = Lexicon(slang, frozenset((self.known_words or "").split()))
        self._normalizer = TokenNormalizer(self._lexicon)

    def transform(self, X: Any) -> sp.csr_matrix:
        """Featurise texts into a CSR matrix of shape (n_texts, n_output_features_)."""
        check_is_fitted(self, "n_output_features_")
        texts = self._texts(X, reset=False)
        n, nf = len(texts), int(self.n_features)
        parts: list[np.ndarray] = []
        lengths = np.zeros(n, dtype=np.int64)
        signals = np.zeros((n, self.n_signals_))
        for i, text in enumerate(texts):
            _, word_cols, bigrams, sig = self.analyse(text)
            parts.extend(word_cols)
            parts.append(np.asarray(bigrams, dtype=np.int64))
            lengths[i] = sum(len(c) for c in word_cols) + len(bigrams)
            if sig:
                signals[i] = sig
        cols = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        # One sort for the whole batch: unique (row, column) keys and their counts.
        keys, counts = np.unique(np.repeat(np.arange(n, dtype=np.int64), lengths) * nf + cols,
                                 return_counts=True)
        rows, cols = np.divmod(keys, nf)
        counts = counts.astype(np.float64)
        norms = np.sqrt(np.bincount(rows, weights=counts * counts, minlength=n))
        vals = counts / norms[rows]
        srows, scols = np.nonzero(signals)
        rows = np.concatenate([rows, srows])
        cols = np.concatenate([cols, nf + scols])
        vals = np.concatenate([vals, signals[srows, scols]])
        order = np.argsort(rows, kind="stable")  # row-major; columns stay sorted within rows
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
        return sp.csr_matrix((vals[order], cols[order], indptr), shape=(n, self.n_output_features_))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Hashed columns have no single name: 'hash_<i>' then the signal names."""
        check_is_fitted(self, "n_output_features_")
        names = [f"hash_{i}" for i in range(self.n_features)] + list(SIGNAL_NAMES[: self.n_signals_])
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags

    def __getstate__(self) -> dict[str, Any]:
        # Caches are rebuilt lazily; never persist them in the artifact.
        state: dict[str, Any] = super().__getstate__()
        for key in ("_lexicon", "_normalizer", "_word_cache", "_bigram_cache"):
            state.pop(key, None)
        return state

    # -- featurisation core --------------------------------------------------------------
    def _texts(self, X: Any, reset: bool) -> list[str]:
        if isinstance(X, str):
            raise ValueError("expected a sequence of texts, got a single string")
        if hasattr(X, "__array__") and not isinstance(X, np.ndarray):
            X = np.asarray(X)
        if (isinstance(X, np.ndarray) and X.ndim == 2) or (sp.issparse(X)):
            arr = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=True)
            return [" ".join(str(v) for v in row) for row in np.asarray(arr)]
        texts = list(X)
        if texts and isinstance(texts[0], (list, tuple, np.ndarray)):
            return self._texts(np.asarray(texts, dtype=object), reset)
        for t in texts:
            if not isinstance(t, str):
                raise ValueError(f"texts must be str, got {type(t).__name__}; for numeric data, "
                                 "Reshape your data to 2-D (one row per sample)")
        return texts

    @property
    def lexicon(self) -> Lexicon:
        """Slang map and known words built lazily from the stored arrays."""
        if "_lexicon" not in self.__dict__:  # loaded from an artifact: fit() was not run here
            self._init_caches()
        return self._lexicon

    def word_cols(self, token: str) -> np.ndarray:
        """Column of the word unigram followed by its char n-grams (cached)."""
        cache = self._word_cache
        cols = cache.get(token)
        if cols is None:
            n = self.n_features
            feats = [_hash("w:" + token, n)]
            if token.isalnum() and token not in _PLAIN:
                padded = f" {token} "
                lo, hi = self.char_ngram_range
                for size in range(lo, hi + 1):
                    for i in range(len(padded) - size + 1):
                        feats.append(_hash(padded[i:i + size], n))
            cols = np.asarray(feats, dtype=np.int64)
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            cache[token] = cols
        return cols

    def _bigram_col(self, a: str, b: str) -> int:
        cache = self._bigram_cache
        key = a + " " + b
        col = cache.get(key)
        if col is None:
            col = _hash("b:" + key, self.n_features)
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            cache[key] = col
        return col

    def parse(self, text: str) -> tuple[list[str], list[float]]:
        """Normalised tokens and signal values of one text (no hashing)."""
        if "_normalizer" not in self.__dict__:  # loaded from an artifact: fit() was not run here
            self._init_caches()
        tokens, extracted, gambling = self._normalizer(text)
        groups = sum(1 for t in tokens if t in GROUP_TERMS)
        signals = text_signals(text, extracted, gambling=gambling, group_terms=groups) if self.signals else []
        # An artifact trained before a signal was added keeps its own (shorter) signal block.
        return tokens, signals[: getattr(self, "n_signals_", len(signals))]

    def context_words(self, tokens: list[str]) -> list[str]:
        """Words of a text that names a group (see classifiers.group_terms), once each, in order:
        hashed as ``g:<word>`` they let a head learn 'insult aimed at a group'."""
        if not getattr(self, "group_context", False) or not any(t in GROUP_TERMS for t in tokens):
            return []
        seen: dict[str, None] = {}
        for t in tokens:
            if t not in GROUP_TERMS and t not in _PLAIN and t.isalnum():
                seen.setdefault(t, None)
        return list(seen)

    def bigram_cols(self, tokens: list[str]) -> list[int]:
        """Hashed columns of the word bigrams of ``tokens`` (empty if bigrams are off), followed
        by the group-context columns of ``context_words``."""
        cols = [self._bigram_col(a, b) for a, b in pairwise(tokens)] if self.word_bigrams else []
        for w in self.context_words(tokens):
            cols.append(self._bigram_col("g:", w))
        return cols

    def analyse(self, text: str) -> tuple[list[str], list[np.ndarray], list[int], list[float]]:
        """Tokens, their columns, bigram columns and signal values for one text."""
        tokens, signals = self.parse(text)
        return tokens, [self.word_cols(t) for t in tokens], self.bigram_cols(tokens), signals
