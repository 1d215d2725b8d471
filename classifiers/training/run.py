"""``moderation train``: split, fit, measure on a held-out split, save the artifact."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
from sklearn.model_selection import train_test_split

from classifiers.training.datasets import Example, file_hashes, load_corpus, load_slang

TEST_FRACTION = 0.15


def split_examples(examples: list[Example], seed: int) -> tuple[list[Example], list[Example]]:
    """Deterministic held-out split stratified by source and label."""
    strata = [f"{e.source}|{e.label}" for e in examples]
    idx_train, idx_test = train_test_split(np.arange(len(examples)), test_size=TEST_FRACTION,
                                           random_state=seed, stratify=strata)
    return [examples[i] for i in idx_train], [examples[i] for i in idx_test]


def heldout_metrics(model: Any, test: list[Example]) -> dict[str, dict[str, Any]]:
    """Per source: ROC-AUC, PR-AUC and F1 at the hold threshold of the matching head."""
    by_source: dict[str, list[Example]] = {}
    for ex in test:
        by_source.setdefault(ex.source, []).append(ex)
    out = {}
    for source, rows in sorted(by_source.items()):
        head = "toxicity" if rows[0].task == "toxicity" else "spam"
        scores = model.score_many([r.text for r in rows])
        y = np.array([r.label for r in rows])
        p = np.array([s[head] for s in scores])
        hold = model.thresholds[head]["hold"]
        m: dict[str, Any] = {"head": head, "n": len(rows), "positives": int(y.sum()),
             "roc_auc": round(float(roc_auc_score(y, p)), 4) if 0 < y.sum() < len(y) else None,
             "pr_auc": round(float(average_precision_score(y, p)), 4) if y.sum() else None,
             "f1_at_hold": round(float(f1_score(y, p >= hold, zero_division=0)), 4)}
        if source == "judol-youtube-comments-id":
            g = np.array([s["gambling_promo"] for s in scores])
            m["gambling_roc_auc"] = round(float(roc_auc_score(y, g)), 4)
        out[source] = m
    return out


def run_train(data_dir: Path, out: Path, seed: int) -> int:
    """Train on the datasets in ``data_dir`` and write the artifact to ``out``."""
    from rich.console import Console
    from rich.table import Table

    from classifiers.artifacts import save
    from classifiers.training.fit import train

    console = Console(stderr=True)
    with console.status(f"reading datasets from {data_dir}"):
        examples = load_corpus(data_dir)
        slang = load_slang(data_dir)
        hashes = file_hashes(data_dir)
    console.print(f"read {len(examples)} examples: {dict(Counter(e.source for e in examples))}")
    train_part, test_part = split_examples(examples, seed)
    from classifiers.encoder import EmbeddingCache, default_cache_path, encoder_status

    extra: dict[str, Any] = {}
    if encoder_status() is None:  # re-runs (and `moderation evaluate`) reuse the embeddings
        extra["embedder"] = EmbeddingCache(default_cache_path())
        console.print(f"encoder stage on; embeddings cached in {default_cache_path()}")
    else:
        console.print(f"[yellow]{encoder_status()}[/yellow]")
    model = train(train_part, random_state=seed, progress=True, slang=slang, **extra)
    if "embedder" in extra:
        model.embedder = extra["embedder"]
    with console.status("scoring the held-out split"):
        metrics = heldout_metrics(model, test_part)
    model.metadata["heldout_metrics"] = metrics
    model.metadata["heldout_fraction"] = TEST_FRACTION
    model.metadata["data_file_hashes"] = hashes
    model.embedder = None
    save(model, out)
    table = Table(title=f"held-out metrics ({TEST_FRACTION:.0%} split, seed {seed})")
    for col in ("source", "head", "n", "ROC-AUC", "PR-AUC", "F1@hold"):
        table.add_column(col)
    for source, m in metrics.items():
        table.add_row(source, m["head"], str(m["n"]), str(m["roc_auc"]), str(m["pr_auc"]), str(m["f1_at_hold"]))
    Console(file=sys.stdout).print(table)
    console.print(f"thresholds: {model.thresholds}")
    console.print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0
