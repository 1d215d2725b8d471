"""The batch path (classifiers.batch, threaded language detection) gives the single path's results."""

from __future__ import annotations

import numpy as np
import pytest

import classifiers
from classifiers import language
from classifiers.batch import batch_logits
from classifiers.model import HEADS

TEXTS = [
    "dasar anjing goblok lu", "Umat Kristen merayakan Natal dengan damai", "",
    "WA 081234567890 slot gacor https://bit.ly/x", "you are an idiot", "\u0430\u200bnjing",
    "orang cina dan orang yahudi itu sama saja", "all muslims and all jews are the same",
    "d4s4r 4nj1iiing g o b l o k", "the the the the", "ok", "!!!", "12 34",
    "Terima kasih atas beritanya", "thanks for the article, very informative",
    "dasar anjing goblok lu", "Bonjour tout le monde", "こんにちは世界", "Привет мир",
    "lol", "mantap gan", "nice", "wkwkwk", "gg", "hmm ok sip", "bagus", "good job",
    "test", "asli", "sumpah", "seriously", "wow", "yes", "tidak", "no",
]


@pytest.fixture(scope="module")
def model():
    return classifiers.load_default()


def test_batch_logits_equal_sparse_product(model) -> None:
    X = model.featurizer.transform(TEXTS)
    expected = np.asarray(X @ model._W) + model._b
    assert np.allclose(batch_logits(model, TEXTS), expected, rtol=0, atol=1e-12)
    # Twice: the second call runs on warm word and pair caches.
    assert np.allclose(batch_logits(model, TEXTS), expected, rtol=0, atol=1e-12)


def test_score_many_matches_score_and_sklearn(model) -> None:
    many = model.score_many(TEXTS)
    ngram = model.ngram_only()  # the sklearn path is the n-gram stage; the cascade re-scores on top
    for text, m, g in zip(TEXTS, many, ngram.score_many(TEXTS)):
        single, ref = model.score(text), model.score_sklearn(text)
        for h in HEADS:
            assert abs(m[h] - single[h]) < 1e-9 and abs(g[h] - ref[h]) < 1e-6
        assert m["language"] == single["language"]


def test_threaded_language_detection_matches_single(model) -> None:
    texts = TEXTS * 3  # enough undecided texts to use the background thread
    undecided = [t for t in texts if language._prepare(t).strip()
                 and language.quick_language(language._prepare(t)) is None]
    assert len(undecided) >= language._THREAD_MIN_TEXTS
    assert language.detect_languages(texts) == [language.detect_language(t) for t in texts]
    assert language.detect_languages(TEXTS[:3]) == [language.detect_language(t) for t in TEXTS[:3]]
    assert language.detect_languages([]) == []


def test_language_thread_errors_reach_the_caller(monkeypatch) -> None:
    class Broken:
        def detect_languages_in_parallel_of(self, texts):
            raise RuntimeError("lingua failed")

    monkeypatch.setattr(language, "_detector", lambda: Broken())
    finish = language.start_detect_languages(["lol"] * 40)
    with pytest.raises(RuntimeError, match="lingua failed"):
        finish()


def test_vectorised_bigram_columns_equal_the_featurisers(model) -> None:
    from classifiers.batch import _pair_columns

    words = ["dasar", "anjing", "xurlx", "ß", "日本語", "é" * 40, "x" * 300, "a", "lu"]
    first, second = np.meshgrid(np.arange(len(words)), np.arange(len(words)))
    got = _pair_columns(words, first.ravel(), second.ravel(), model.featurizer.n_features)
    expected = [model.featurizer._bigram_col(words[a], words[b]) for a, b in zip(first.ravel(), second.ravel())]
    assert got.tolist() == expected
