"""Training on a tiny corpus, artifact round trip, version mismatch, lean == sklearn path."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers import artifacts
from classifiers.model import HEADS
from classifiers.training.fit import train
from tests.classifiers.tiny import tiny_corpus

# The n-gram stage alone (the encoder stage has its own tests in test_encoder_cascade.py).
PARAMS = {"n_features": 2**12, "slang": {"gblk": "goblok"}, "encoder": False}


@pytest.fixture(scope="module")
def tiny_model():
    return train(tiny_corpus(), random_state=0, **PARAMS)


def test_training_is_deterministic(tiny_model) -> None:
    again = train(tiny_corpus(), random_state=0, **PARAMS)
    for text in ("dasar anjing goblok", "thanks for the article"):
        a, b = tiny_model.score(text), again.score(text)
        assert all(a[h] == b[h] for h in HEADS)
    assert again.thresholds == tiny_model.thresholds


def test_training_works_with_a_source_missing() -> None:
    corpus = [e for e in tiny_corpus() if e.source != "tiny-en"]
    model = train(corpus, random_state=1, **PARAMS)
    assert 0.0 <= model.score("dasar tolol")["toxicity"] <= 1.0


def test_round_trip_gives_same_scores(tiny_model, tmp_path) -> None:
    path = artifacts.save(tiny_model, tmp_path / "m.skops")
    loaded = artifacts.load(path)
    for text in ("dasar anjing goblok", "slot gacor WA 081234567890", ""):
        a, b = tiny_model.score(text), loaded.score(text)
        assert all(a[h] == b[h] for h in HEADS)
    assert loaded.thresholds == tiny_model.thresholds
    assert loaded.version == tiny_model.version
    assert loaded.metadata["versions"]["scikit-learn"]


def test_version_mismatch_is_a_clear_error(tiny_model, tmp_path, monkeypatch) -> None:
    real = artifacts.library_versions()
    monkeypatch.setattr(artifacts, "library_versions", lambda: {**real, "scikit-learn": "0.24.2"})
    path = artifacts.save(tiny_model, tmp_path / "old.skops")
    monkeypatch.undo()
    with pytest.raises(artifacts.ArtifactVersionError) as err:
        artifacts.load(path)
    assert "0.24.2" in str(err.value) and real["scikit-learn"] in str(err.value)


def test_lean_path_equals_sklearn_path(tiny_model) -> None:
    for text in ("dasar anjing goblok", "slot gacor maxwin WA 081234567890 https://bit.ly/x", "ok"):
        lean, ref = tiny_model.score(text), tiny_model.score_sklearn(text)
        for h in HEADS:
            assert abs(lean[h] - ref[h]) < 1e-6


def test_score_many_matches_score(tiny_model) -> None:
    texts = ["dasar anjing goblok", "thanks for the article", "slot gacor"]
    many = tiny_model.score_many(texts, [{}, {"website": "http://x"}, {"fill_seconds": 1.0}])
    single = [tiny_model.score(texts[0]), tiny_model.score(texts[1], website="http://x"),
              tiny_model.score(texts[2], fill_seconds=1.0)]
    for m, s in zip(many, single):
        for h in HEADS:
            assert m[h] == pytest.approx(s[h], abs=1e-9)
    assert np.isclose(many[1]["toxicity"], tiny_model.score(texts[1])["toxicity"])
    assert many[1]["spam"] > tiny_model.score(texts[1])["spam"]
