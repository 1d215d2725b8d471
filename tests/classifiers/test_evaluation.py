"""Evaluation helpers on tiny synthetic data, and the whole report pipeline on a stand-in model."""

from __future__ import annotations

import json
import random
import zlib

import numpy as np
import pytest

from classifiers.evaluation import loso, run, stages
from classifiers.evaluation import metrics as em
from classifiers.evaluation.functional_cases import CASES, FUNCTIONALITIES
from classifiers.evaluation.suites import as_records, bias_table, pass_rates, run_functional
from classifiers.training.datasets import Example

# --- metric helpers -------------------------------------------------------------------------

def test_binary_metrics_known_values():
    m = em.binary_metrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.3)
    assert m["roc_auc"] == pytest.approx(0.75)
    assert m["pr_auc"] == pytest.approx((1 + 2 / 3) / 2)  # AP: precision at each positive
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(1.0)
    assert m["f1"] == pytest.approx(0.8)
    assert (m["n"], m["pos"]) == (4, 2)


def test_binary_metrics_undefined_values_are_none():
    m = em.binary_metrics([0, 0, 0], [0.1, 0.2, 0.3], threshold=0.5)
    assert m["roc_auc"] is None and m["pr_auc"] is None
    assert m["precision"] is None and m["recall"] is None and m["f1"] is None
    m = em.binary_metrics([1, 1], [0.1, 0.2], threshold=0.5)
    assert m["recall"] == 0.0 and m["f1"] == 0.0


def test_binary_metrics_shape_mismatch():
    with pytest.raises(ValueError):
        em.binary_metrics([0, 1], [0.5], 0.5)


def test_calibration_of_a_calibrated_model_is_near_zero():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=20000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    assert em.expected_calibration_error(y, p) < 0.02
    assert em.expected_calibration_error(y, np.clip(p + 0.3, 0, 1)) > 0.2


def test_calibration_bins_drop_empty_bins():
    mean_p, frac, counts = em.calibration_bins([0, 1, 1], [0.05, 0.95, 1.0], n_bins=10)
    assert counts.tolist() == [1, 2]
    assert frac.tolist() == [0.0, 1.0]
    assert mean_p[1] == pytest.approx(0.975)


def test_threshold_for_recall_and_fpr():
    y = [1, 1, 1, 1, 0]
    p = [0.9, 0.8, 0.7, 0.2, 0.95]
    assert em.threshold_for_recall(y, p, 0.75) == pytest.approx(0.7)
    assert em.threshold_for_recall(y, p, 1.0) == pytest.approx(0.2)
    assert em.false_positive_rate([0.1, 0.6, 0.7, 0.2], 0.6) == 0.5
    assert em.false_positive_rate([], 0.5) == 0.0


def test_md_table_formats_numbers_and_missing_values():
    t = em.md_table(["name", "auc", "n"], [["a", 0.91234, 1200], ["b", None, 3]])
    lines = t.splitlines()
    assert lines[1] == "|---|---:|---:|"
    assert lines[2] == "| a | 0.912 | 1,200 |"
    assert lines[3] == "| b | – | 3 |"


def test_bias_table_and_records():
    recs = as_records([("x one", "id", "party", "A"), ("x two", "id", "party", "B"),
                       ("y", "en", "figure", "C")])
    rows = {(r["category"], r["language"]): r for r in bias_table(recs, [0.9, 0.1, 0.2], 0.5)}
    assert rows[("party", "id")]["fpr"] == 0.5
    assert rows[("figure", "en")]["fpr"] == 0.0
    assert rows[("all", "all")]["n"] == 3
    assert rows[("all", "all")]["fpr"] == pytest.approx(1 / 3)


# --- stand-in model and corpus ----------------------------------------------------------------

Ex = Example


BAD = ("goblok", "anjing", "idiot", "stupid", "tolol")
SPAMMY = ("slot", "gacor", "maxwin", "win", "prize")


def _noise(text: str) -> float:
    return (zlib.crc32(text.encode()) % 1000) / 1000 * 0.3


class StandIn:
    version = "stand-in"
    thresholds = {h: {"hold": 0.5, "reject": 0.8} for h in run.HEADS}

    def score(self, text, **_):
        t = text.lower()
        tox = 0.6 if any(w in t for w in BAD) else 0.1
        spam = 0.6 if any(w in t for w in SPAMMY) else 0.1
        n = _noise(text)
        return {"toxicity": tox + n, "identity_hate": tox * 0.5 + n, "spam": spam + n,
                "gambling_promo": (spam + n) * ("slot" in t or "gacor" in t),
                "language": "en" if any(w in t for w in ("the", "you", "win")) else "id",
                "model_version": self.version}

    def score_many(self, texts, metadata=None):
        return [self.score(t) for t in texts]


def _corpus(n: int = 40) -> list[Ex]:
    rng = random.Random(0)
    filler_id = ["berita", "hari", "ini", "bagus", "pemerintah", "harga", "naik", "warga"]
    filler_en = ["the", "news", "today", "is", "good", "price", "city", "people"]
    out = []
    for src, lang, task, pos_words, filler in [
        ("tox-id", "id", "toxicity", ["goblok", "anjing", "tolol"], filler_id),
        ("tox-en", "en", "toxicity", ["idiot", "stupid"], filler_en),
        ("spam-id", "id", "spam", ["slot", "gacor", "maxwin"], filler_id),
        ("spam-en", "en", "spam", ["win", "prize"], filler_en),
    ]:
        for i in range(n):
            label = i % 2
            words = rng.sample(filler, 4) + ([rng.choice(pos_words)] if label else [])
            # a few hard cases so AUCs are not all 1.0
            if i % 7 == 0:
                words = rng.sample(filler, 4) + ([rng.choice(pos_words)] if not label else [])
            text = " ".join(words) + f" {i}"
            extra = {"identity_hate": label if lang == "id" else 0} if task == "toxicity" else {
                "gambling": label if src == "spam-id" else 0}
            out.append(Ex(text, src, lang, task, label, **extra))
    return out


def _split(examples):
    return [e for i, e in enumerate(examples) if i % 5], [e for i, e in enumerate(examples) if not i % 5]


def _train(examples, *, random_state=0, **params):
    assert examples, "LOSO must train on the other sources"
    return StandIn()


def test_labels_for_each_head():
    corpus = _corpus(8)
    idx, y = run.labels_for(corpus, "gambling_promo")
    assert all(corpus[i].task == "spam" for i in idx) and len(idx) == 16
    assert y.sum() == 4


def test_run_loso_rows_for_every_source_ours_and_baseline():
    rows = loso.run_loso(_corpus(), _train)
    keys = {(r["source"], r["model"]) for r in rows}
    assert keys == {(s, m) for s in ("tox-id", "tox-en", "spam-id", "spam-en") for m in ("ours", "baseline")}
    for r in rows:
        assert r["n"] == 40 and 0.0 <= r["roc_auc"] <= 1.0


def test_functional_runner_and_pass_rates():
    results = run_functional(StandIn().score_many, dict.fromkeys(run.HEADS, 0.5))
    assert len(results) == len(CASES)
    rates = pass_rates(results)
    assert set(f for f, _ in rates) == {*FUNCTIONALITIES, "all"}
    passed, total = rates[("all", "all")]
    assert total == len(CASES) and 0 < passed < total


def test_evaluate_writes_report_json_and_small_pngs(tmp_path, monkeypatch):
    corpus = _corpus()
    neutral = {"seen_terms": as_records([("Jokowi hadir di acara", "id", "figure", "Jokowi"),
                                         ("Biden was at the event", "en", "figure", "Biden")])}
    monkeypatch.setattr(stages, "LOSO_JOBS", 1)
    res = run.evaluate(StandIn(), corpus, tmp_path, split=_split, train_fn=_train, neutral=neutral)
    report = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    for heading in ("Leave-one-source-out", "Held-out split", "Calibration", "Identity-term bias",
                    "Functional suite", "Robustness"):
        assert heading in report
    assert "tox-id" in report and "spam-en" in report
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["meta"]["n_test"] == len(_split(corpus)[1])
    assert {r["model"] for r in res["loso"]} == {"ours", "baseline"}
    for png in ("calibration.png", "calibration_subscores.png", "pr_curves.png", "robustness.png"):
        size = (tmp_path / png).stat().st_size
        assert 1000 < size < 200_000, (png, size)


def test_cap_per_source_is_stratified_and_deterministic():
    corpus = _corpus(40)
    capped = loso.cap_per_source(corpus, 10)
    assert capped == loso.cap_per_source(corpus, 10)
    for src in ("tox-id", "spam-en"):
        rows = [e for e in capped if e.source == src]
        assert len(rows) == 10 and sum(e.label for e in rows) == 5
    assert loso.cap_per_source(corpus, None) == corpus


def test_run_loso_parallel_matches_serial():
    corpus = _corpus(20)
    serial = loso.run_loso(corpus, _train, max_rows_per_source=12)
    parallel = loso.run_loso(corpus, _train, max_rows_per_source=12, n_jobs=2)
    assert serial == parallel


def test_model_card_blocks_are_rewritten_from_results(tmp_path, monkeypatch):
    from classifiers.evaluation.card import update_model_card

    monkeypatch.setattr(stages, "LOSO_JOBS", 1)
    neutral = {"seen_terms": as_records([("Jokowi hadir di acara", "id", "figure", "Jokowi"),
                                         ("Biden was at the event", "en", "figure", "Biden")])}
    res = run.evaluate(StandIn(), _corpus(), tmp_path, split=_split, train_fn=_train, neutral=neutral)
    res = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    card = tmp_path / "CARD.md"
    card.write_text("intro\n<!-- auto:loso -->\nSTALE\n<!-- /auto:loso -->\nkeep me\n"
                    "<!-- auto:version -->\n<!-- /auto:version -->\n", encoding="utf-8")
    assert update_model_card(res, card)
    text = card.read_text(encoding="utf-8")
    assert "STALE" not in text and "keep me" in text and "`stand-in`" in text
    assert "| toxicity | tox-id | id |" in text
    assert not update_model_card(res, card)  # idempotent
