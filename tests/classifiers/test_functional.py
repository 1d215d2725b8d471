"""Functional (HateCheck-style) suite and identity-term bias, against the shipped model.

The bounds below are floors measured on the shipped model (see classifiers/reports/REPORT.md), set
a little under the observed value so a retrained model that gets clearly worse fails here, while
the exact numbers stay in the report. Update them together with the model.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from classifiers.functional_cases import CASES, FUNCTIONALITIES

MODEL_PATH = Path(__file__).resolve().parents[2] / "classifiers" / "models" / "default.skops"

# Shipped model cls-2-20261128-seed0 (group-term features, citation links,
# prevalence-weighted thresholds) passes 105/144 Indonesian (0.729) and 81/132 English (0.614)
# cases at its hold thresholds (REPORT.md section 6; cls-1-20261128-seed0: 97/144 and 70/132). Floors:
# about 4 cases under the observed count, so noise from a retrain with the same data passes and
# a real regression does not.
MIN_PASS_RATE = {"id": 0.70, "en": 0.58}
# Toxicity FPR at the hold threshold on all neutral templated sentences (seen + unseen terms):
# observed 2/532 = 0.004 (id) and 1/300 = 0.003 (en) at hold 0.679 (REPORT.md section 5; the first
# build cls-1: 0.102 and 0.220 at hold 0.307; at that same 0.307 cls-2 gives 0.090 and 0.193).
# The drop is mostly the higher hold threshold. Bounds sit about 0.05 above the observed rates.
# Tighten them as the bias work improves; never loosen them without saying why in the report.
MAX_NEUTRAL_FPR = {"id": 0.05, "en": 0.05}


# --- the case table itself ----------------------------------------------------------------------

def test_cases_are_unique_and_cover_both_languages():
    texts = [c.text for c in CASES]
    assert len(texts) == len(set(texts))
    per = Counter((c.functionality, c.language) for c in CASES)
    for func in FUNCTIONALITIES:
        assert per[(func, "id")] >= 6 and per[(func, "en")] >= 6, func


def test_case_targets_and_expectations_follow_the_functionality():
    for c in CASES:
        target, expected, _ = FUNCTIONALITIES[c.functionality]
        assert (c.target, c.expected) == (target, expected)
        assert c.language in ("id", "en") and c.text.strip() == c.text


# --- against the shipped model ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def model():
    if not MODEL_PATH.exists():
        pytest.skip(f"shipped model not present: {MODEL_PATH}")
    from classifiers import load_default

    return load_default()


@pytest.fixture(scope="module")
def functional_results(model):
    from classifiers.evaluation_suites import run_functional

    thresholds = {h: float(t["hold"]) for h, t in model.thresholds.items()}
    return run_functional(model.score_many, thresholds)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_functional_pass_rate_per_language(functional_results, lang):
    rows = [r for r in functional_results if r["language"] == lang]
    assert len(rows) == sum(c.language == lang for c in CASES)
    rate = sum(r["passed"] for r in rows) / len(rows)
    assert rate >= MIN_PASS_RATE[lang], f"{lang}: pass rate {rate:.3f} < {MIN_PASS_RATE[lang]}"


def test_the_plainest_cases_pass(model):
    """A few cases any usable model must get right (not the hard functionalities)."""
    hold = {h: float(t["hold"]) for h, t in model.thresholds.items()}
    assert model.score("dasar anjing goblok, otak kamu di mana sih")["toxicity"] >= hold["toxicity"]
    assert model.score("you are a fucking idiot")["toxicity"] >= hold["toxicity"]
    assert model.score("umat Hindu di Bali merayakan Nyepi")["toxicity"] < hold["toxicity"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_identity_term_fpr_on_neutral_sentences(model, lang):
    from classifiers.evaluation_suites import neutral_sentences

    hold = float(model.thresholds["toxicity"]["hold"])
    records = [r for recs in neutral_sentences().values() for r in recs if r["language"] == lang]
    scores = [s["toxicity"] for s in model.score_many([r["text"] for r in records])]
    fpr = sum(s >= hold for s in scores) / len(scores)
    assert fpr <= MAX_NEUTRAL_FPR[lang], f"{lang}: neutral FPR {fpr:.3f} > {MAX_NEUTRAL_FPR[lang]}"
