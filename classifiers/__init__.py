"""Comment classifiers: toxicity, identity_hate, spam, gambling_promo (+ language), id/en.

``load_default()`` returns the shipped model (cached per process).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from classifiers.model import CommentModel

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "models" / "default.skops"


@functools.cache
def load_default() -> CommentModel:
    """Load the shipped artifact ``classifiers/models/default.skops`` once per process."""
    from classifiers.artifacts import load

    return load(DEFAULT_MODEL_PATH)


__all__ = ["DEFAULT_MODEL_PATH", "load_default"]
