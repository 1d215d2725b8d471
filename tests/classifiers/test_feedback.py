"""classifiers.training.feedback: splits by age, per-head weights, the site weight rule, thresholds on the site's rows."""
from __future__ import annotations

import pytest

from classifiers.encoder import encoder_status
from classifiers.training.feedback import LabelRow, label_examples, site_thresholds, site_weight, split_labels, train_with_feedback
from tests.classifiers.tiny import tiny_corpus

# The n-gram stage only, except where a test is about the encoder stage (a small one: embedding
# costs tens of ms per text).
PARAMS = {"n_features": 2**12, "slang": {}, "encoder": False}
ENCODER_PARAMS = {"n_features": 2**12, "slang": {}, "encoder": True, "functional_templates": 0,
                  "encoder_rows_per_source": 20, "encoder_calibration_rows_per_source": 20,
                  "encoder_threshold_rows_per_source": 20}
CLEAN = {"toxicity": 0, "identity_hate": 0, "spam": 0, "gambling_promo": 0}


def rows(n: int) -> list[LabelRow]:
    return [LabelRow(f"komentar {i} {'zorblax kwimpul' if i % 2 else 'flimwop tandrak'}",
                     {**CLEAN, "toxicity": i % 2}, order=i) for i in range(n)]


def test_split_keeps_the_newest_for_evaluation_and_is_deterministic() -> None:
    split = split_labels(list(reversed(rows(100))), eval_fraction=0.2, threshold_fraction=0.25, seed=3)
    assert [r.order for r in split.evaluation] == list(range(80, 100))
    assert len(split.thresholds) == 20 and len(split.train) == 60
    assert {r.order for r in split.train + split.thresholds} == set(range(80))
    again = split_labels(rows(100), eval_fraction=0.2, threshold_fraction=0.25, seed=3)
    assert [r.order for r in again.thresholds] == [r.order for r in split.thresholds]


@pytest.mark.parametrize(("labels", "expected"), [
    (CLEAN, [("toxicity", 0, {"toxicity": 2.0, "identity_hate": 2.0, "spam": 0.0, "gambling_promo": 0.0}),
             ("spam", 0, {"toxicity": 0.0, "identity_hate": 0.0, "spam": 2.0, "gambling_promo": 2.0})]),
    ({"toxicity": 1, "identity_hate": None, "spam": 0, "gambling_promo": 0},
     [("toxicity", 1, {"toxicity": 2.0, "identity_hate": 2.0, "spam": 0.0, "gambling_promo": 0.0}),
      ("spam", 0, {"toxicity": 0.0, "identity_hate": 0.0, "spam": 2.0, "gambling_promo": 2.0})]),
    # Spam whose gambling is unknown teaches the spam head only; its toxicity is not read as "not spam".
    ({"toxicity": 0, "identity_hate": None, "spam": 1, "gambling_promo": None},
     [("spam", 1, {"toxicity": 0.0, "identity_hate": 0.0, "spam": 2.0, "gambling_promo": 0.0})]),
    ({"toxicity": None, "identity_hate": None, "spam": None, "gambling_promo": None}, []),
])
def test_label_examples_and_per_head_weights(labels: dict[str, int | None], expected: list[tuple[str, int, dict[str, float]]]) -> None:
    examples, weights = label_examples([LabelRow("teks", labels, 0)], "site:news", 2.0)
    assert [(e.task, e.label, w) for e, w in zip(examples, weights, strict=True)] == expected
    assert all(e.source == "site:news" for e in examples)


@pytest.mark.parametrize(("n_base", "n_site", "share", "weight"), [
    (90_000, 1_000, 0.1, 10.0), (9_000, 1_000, 0.1, 1.0), (90_000, 100, 0.1, 50.0), (1000, 0, 0.1, 1.0)])
def test_site_weight(n_base: int, n_site: int, share: float, weight: float) -> None:
    assert site_weight(n_base, n_site, share) == weight


@pytest.mark.parametrize("encoder", [False, pytest.param(True, marks=pytest.mark.skipif(
    encoder_status() is not None, reason=str(encoder_status())))])
def test_feedback_model_learns_the_site_and_takes_its_thresholds(encoder: bool) -> None:
    result = train_with_feedback(tiny_corpus(), rows(200), source="site:news", version="fb-test",
                                 **(ENCODER_PARAMS if encoder else PARAMS))
    model = result.model
    assert model.encoder_active is encoder
    # The site's operating points replace those of the way this model scores here (cascade or n-grams).
    assert site_thresholds(model, result.split.thresholds)[0] == model.thresholds
    assert model.version == "fb-test" and result.info["rows"] == {"train": 128, "thresholds": 32, "evaluation": 40}
    assert model.score("warga zorblax kwimpul")["toxicity"] > 0.5 > model.score("warga flimwop tandrak")["toxicity"]
    assert result.info["thresholds_from"]["toxicity"].startswith("site rows (32, ")
    assert result.info["thresholds_from"]["spam"].startswith("base validation")
    assert model.metadata["feedback"]["weight"] == result.weight


def test_head_weights_only_where_the_site_teaches_both_classes() -> None:
    from classifiers.training.feedback import head_weights

    site = rows(100)  # toxicity both classes; never spam, never identity hate
    weights = head_weights(tiny_corpus(10), site, share=0.1)  # 160 toxicity rows: the weight would be below 1
    assert weights == {"toxicity": 1.0, "identity_hate": 1.0, "spam": 1.0, "gambling_promo": 1.0}
    big = head_weights(tiny_corpus(100), site, share=0.1)
    assert big["toxicity"] == pytest.approx(0.1 / 0.9 * 1600 / 100, abs=0.01) and big["spam"] == 1.0
