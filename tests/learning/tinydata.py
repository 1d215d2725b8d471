"""Tiny training data for the learning tests: a datasets folder in the classifiers' layout, and tiny models."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.classifiers.tiny import tiny_corpus

# The n-gram stage only: these tests are about storing, switching and gating versions, and the
# encoder stage (tests/classifiers/test_encoder_cascade.py) multiplies a tiny training's time.
PARAMS: dict[str, Any] = {"n_features": 2**12, "slang": {"gblk": "goblok"}, "encoder": False}


def write_base(folder: Path, n: int = 12) -> Path:
    """davidson (toxicity, identity_hate), id-hatespeech-facebook (toxicity) and youtube-spam-collection (spam)."""
    rows = tiny_corpus(n)
    (folder / "davidson-hate-offensive-en").mkdir(parents=True, exist_ok=True)
    with (folder / "davidson-hate-offensive-en" / "labeled_data.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["", "count", "hate_speech", "offensive_language", "neither", "class", "tweet"])
        for i, e in enumerate(r for r in rows if r.source == "tiny-en"):
            cls = 2 if not e.label else (0 if i % 3 == 0 else 1)
            w.writerow([i, 3, 0, 0, 0, cls, e.text])
    (folder / "id-hatespeech-facebook").mkdir(exist_ok=True)
    with (folder / "id-hatespeech-facebook" / "dataset.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["label", "text"])
        for e in (r for r in rows if r.source == "tiny-id"):
            w.writerow([e.label, e.text])
    (folder / "youtube-spam-collection").mkdir(exist_ok=True)
    with (folder / "youtube-spam-collection" / "Youtube01-Psy.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"])
        for i, e in enumerate(r for r in rows if r.source == "tiny-spam"):
            w.writerow([f"c{i}", "someone", "2015-01-01", e.text, e.label])
    return folder


def tiny_model(version: str, seed: int = 0, **overrides: Any) -> Any:
    """A tiny trained CommentModel with the given version string."""
    from classifiers.training.fit import train

    model = train(tiny_corpus(), random_state=seed, **{**PARAMS, **overrides})
    model.version = version
    return model


def artifact(version: str, seed: int = 0) -> bytes:
    from classifiers.artifacts import dumps

    return dumps(tiny_model(version, seed))
