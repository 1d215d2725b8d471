"""Whole-batch scoring maths for ``CommentModel.score_many``.

The per-text Python work is only what cannot be vectorised (normalising and parsing a text,
which is token-cached). Everything else runs once per batch in numpy: each distinct word of the
batch is looked up once (its cached columns and summed weight rows), the raw logits are
per-row sums of those cached weight rows, and the L2 norm of every row comes from one sort of
all (row, column) keys. The result is the same as ``featurizer.transform(texts) @ W``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from classifiers.group_terms import GROUP_TERMS

if TYPE_CHECKING:
    from classifiers.model import CommentModel


def _row_sums(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """(n, k) per-row sums of the (m, k) ``values`` whose rows are ``rows``."""
    out = np.empty((n, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(rows, weights=values[:, j], minlength=n)
    return out


def _l2_norms(keys: np.ndarray, nf: int, n: int) -> np.ndarray:
    """Per-row L2 norm of the column counts, from the (row * nf + column) keys of all entries."""
    if not len(keys):
        return np.zeros(n)
    keys.sort()
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(keys))).astype(np.float64)
    return np.sqrt(np.bincount(keys[starts] // nf, weights=counts * counts, minlength=n))


_PAIR_CACHE_LIMIT = 100_000


def _bigram_entries(model: "CommentModel", words: list[str], tid: np.ndarray, trow: np.ndarray,
                    token_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the word-bigram and group-context features of the whole batch; each
    distinct bigram of the batch is looked up once (per-model cache of word pairs)."""
    feat = model.featurizer
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    if feat.word_bigrams and len(tid) > 1:
        same = trow[1:] == trow[:-1]
        v = len(words)
        keys, inverse = np.unique(tid[:-1][same] * v + tid[1:][same], return_inverse=True)
        cache = model._pair_cols
        ucols = []
        for a, b in zip((keys // v).tolist(), (keys % v).tolist()):
            pair = (words[a], words[b])
            col = cache.get(pair)
            if col is None:
                col = feat._bigram_col(*pair)
                if len(cache) >= _PAIR_CACHE_LIMIT:
                    cache.clear()
                cache[pair] = col
            ucols.append(col)
        rows.append(trow[1:][same])
        cols.append(np.array(ucols, dtype=np.int64)[inverse.ravel()])
    if getattr(feat, "group_context", False):
        is_group = np.array([w in GROUP_TERMS for w in words])
        for i in np.flatnonzero(np.bincount(trow, weights=is_group[tid], minlength=len(token_lists))).tolist():
            ctx = [feat._bigram_col("g:", w) for w in feat.context_words(token_lists[i])]
            rows.append(np.full(len(ctx), i, dtype=np.int64))
            cols.append(np.array(ctx, dtype=np.int64))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def batch_logits(model: "CommentModel", texts: list[str]) -> np.ndarray:
    """Raw logits, shape (len(texts), n_heads), of every text of the batch."""
    feat = model.featurizer
    n, nf = len(texts), int(feat.n_features)
    flat: list[str] = []
    n_tokens = [0] * n
    token_lists: list[list[str]] = []
    signals: list[list[float]] = []
    parse = feat.parse
    for i, text in enumerate(texts):
        tokens, sig = parse(text)
        signals.append(sig)
        token_lists.append(tokens)
        flat.extend(tokens)
        n_tokens[i] = len(tokens)
    rows = np.arange(n, dtype=np.int64)
    z = np.zeros((n, model._W.shape[1]))
    if flat:
        words = list(dict.fromkeys(flat))  # each distinct word of the batch once, in order
        vocab = {w: i for i, w in enumerate(words)}
        token_ids = list(map(vocab.__getitem__, flat))
        entries = [model._word_entry(w) for w in words]  # fills the featuriser's column cache too
        word_w = np.array([e[1] for e in entries])
        word_cols = [feat.word_cols(w) for w in words]
        tid = np.array(token_ids, dtype=np.int64)
        trow = np.repeat(rows, n_tokens)
        z += _row_sums(trow, word_w[tid], n)
        # Every occurrence's columns: gather each word's slice of the concatenated columns.
        wlen = np.array([len(c) for c in word_cols], dtype=np.int64)
        woff = np.cumsum(wlen) - wlen
        occ_len = wlen[tid]
        occ_off = np.cumsum(occ_len) - occ_len
        idx = np.arange(int(occ_len.sum()), dtype=np.int64) + np.repeat(woff[tid] - occ_off, occ_len)
        keys = [np.repeat(trow, occ_len) * nf + np.concatenate(word_cols)[idx]]
        brow, bcols = _bigram_entries(model, words, tid, trow, token_lists)
        if len(bcols):
            z += _row_sums(brow, model._W[bcols], n)
            keys.append(brow * nf + bcols)
        norms = _l2_norms(np.concatenate(keys), nf, n)
        np.divide(z, norms[:, None], out=z, where=norms[:, None] > 0)
    n_sig = len(signals[0]) if signals else 0
    if n_sig:
        z += np.array(signals) @ model._W[nf:nf + n_sig]
    return z + model._b
