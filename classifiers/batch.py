"""Whole-batch scoring maths for ``CommentModel.score_many``.

The per-text Python work is only what cannot be vectorised (normalising and parsing a text,
which is token-cached). Everything else runs once per batch in numpy: each distinct word of the
batch is looked up once (its cached columns and summed weight rows), the raw logits are
per-row sums of those cached weight rows, and the L2 norm of every row comes from one sort of
all (row, column) keys. The result is the same as ``featurizer.transform(texts) @ W``.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from classifiers.explain import Parsed
from classifiers.group_terms import GROUP_TERMS

if TYPE_CHECKING:
    from classifiers.model import CommentModel


class Batch(NamedTuple):
    """What ``CommentModel._batch`` computed for a batch of texts."""

    probs: np.ndarray
    routed: np.ndarray
    enc_part: np.ndarray
    languages: list[str]
    metadata: list[Mapping[str, Any] | None]
    parsed: list[Parsed]


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


_SHIFT_TABLES: dict[int, np.ndarray] = {}
_BITS = (np.arange(256)[:, None] >> np.arange(8)) & 1  # bit i of every byte value


def _shift_table(length: int) -> np.ndarray:
    """(4, 256) tables of the linear map c -> crc32(<length bytes>, c) ^ crc32(<length bytes>, 0),
    by byte of c: with them crc32(x + y) = shift_len(y)(crc32(x)) ^ crc32(y) for whole arrays."""
    table = _SHIFT_TABLES.get(length)
    if table is None:
        zeros = bytes(length)
        base = zlib.crc32(zeros, 0)
        images = np.array([zlib.crc32(zeros, 1 << k) ^ base for k in range(32)], dtype=np.uint32)
        table = np.stack([np.bitwise_xor.reduce(np.where(_BITS, images[8 * j:8 * j + 8], 0), axis=1)
                          for j in range(4)]).astype(np.uint32)
        if len(_SHIFT_TABLES) < 4096:
            _SHIFT_TABLES[length] = table
    return table


def _pair_columns(words: list[str], first: np.ndarray, second: np.ndarray, nf: int) -> npt.NDArray[np.int64]:
    """Hashed columns of the word bigrams (words[first[k]], words[second[k]]): the same values
    as ``CommentFeaturizer._bigram_col`` (crc32 of "b:<a> <b>"), computed for all pairs at once
    from per-word crc32s (crc32 is linear, so a concatenation's crc combines its parts')."""
    encoded = [w.encode("utf-8") for w in words]
    prefix = np.array([zlib.crc32(b" ", zlib.crc32(w, _B_CRC)) for w in encoded], dtype=np.uint32)
    crc = np.array([zlib.crc32(w) for w in encoded], dtype=np.uint32)
    lengths, length_idx = np.unique(np.array([len(w) for w in encoded]), return_inverse=True)
    tables = np.stack([_shift_table(int(n)) for n in lengths])
    p, li = prefix[first], length_idx.ravel()[second]
    combined: npt.NDArray[np.uint32] = (tables[li, 0, p & 0xFF] ^ tables[li, 1, (p >> 8) & 0xFF] ^ tables[li, 2, (p >> 16) & 0xFF]
                ^ tables[li, 3, p >> 24] ^ crc[second])
    return np.remainder(combined.astype(np.int64), nf)


_B_CRC = zlib.crc32(b"b:")


def _bigram_entries(model: CommentModel, words: list[str], tid: np.ndarray, trow: np.ndarray,
                    token_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the word-bigram and group-context features of the whole batch."""
    feat = model.featurizer
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    if feat.word_bigrams and len(tid) > 1:
        same = trow[1:] == trow[:-1]
        rows.append(trow[1:][same])
        cols.append(_pair_columns(words, tid[:-1][same], tid[1:][same], int(feat.n_features)))
    if getattr(feat, "group_context", False):
        is_group = np.array([w in GROUP_TERMS for w in words])
        for i in np.flatnonzero(np.bincount(trow, weights=is_group[tid], minlength=len(token_lists))).tolist():
            ctx = [feat._bigram_col("g:", w) for w in feat.context_words(token_lists[i])]
            rows.append(np.full(len(ctx), i, dtype=np.int64))
            cols.append(np.array(ctx, dtype=np.int64))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def batch_logits(model: CommentModel, texts: list[str]) -> npt.NDArray[np.float64]:
    """Raw logits, shape (len(texts), n_heads), of every text of the batch."""
    return batch_features(model, texts)[0]


def batch_features(model: CommentModel, texts: list[str]
                   ) -> tuple[npt.NDArray[np.float64], list[list[str]], list[list[float]], npt.NDArray[np.float64]]:
    """Raw logits of every text, with what they were computed from: each text's tokens, signal
    values and the L2 norm of its n-gram counts (explanations reuse them instead of parsing again)."""
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
    norms = np.zeros(n)
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
    return z + model._b, token_lists, signals, norms
