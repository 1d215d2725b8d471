"""The issue's simulation at a small scale, through the real `moderation` commands: a site imports its
WordPress history, trains with it, and its own model ranks its unseen comments better than the base one."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.simulate_site import simulate
from classifiers.training.datasets import Example
from tests.learning.sitedata import comments
from tests.learning.tinydata import write_base

pytestmark = pytest.mark.slow


def test_site_history_makes_its_model_better_on_its_unseen_comments(tmp_path: Path) -> None:
    data = write_base(tmp_path / "datasets")
    site = [Example(text, "made-up-site", "id", "toxicity", label) for text, label in comments(300, seed=3)]
    row = simulate("made-up-site", data, tmp_path / "work", n_import=150, n_features=4096, site_examples=site,
                   encoder=False)
    assert (row["imported"], row["unseen"], row["head"]) == (150, 150, "toxicity")
    assert row["base_auc"] < 0.75 and row["new_auc"] > 0.95 and row["change"] > 0.2
    assert set(row["elsewhere"]) == {"davidson-hate-offensive-en", "id-hatespeech-facebook", "youtube-spam-collection"}
    assert row["worst_elsewhere"] > -0.05
    assert row["activated"] and row["active_in"] == ["made-up-site"] and row["gate"]["passed"]
