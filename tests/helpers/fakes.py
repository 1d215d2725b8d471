"""A keyword model with the classifier contract, for tests that must not depend on the trained model."""
from __future__ import annotations

from typing import Any


class FakeModel:
    """Scores by keywords so tests read like the policy."""

    version = "fake-1"
    thresholds: dict[str, Any] = {}

    def __init__(self) -> None:
        self.calls = 0
        self.fail_with: list[BaseException] = []

    def score(self, text: str, **metadata: Any) -> dict[str, Any]:
        self.calls += 1
        if self.fail_with:
            raise self.fail_with.pop(0)
        lowered = text.lower()
        return {
            "toxicity": 0.95 if "goblok" in lowered else 0.02,
            "identity_hate": 0.01,
            "spam": 0.9 if "gacor" in lowered else 0.03,
            "gambling_promo": 0.95 if "gacor" in lowered else 0.01,
            "language": "id",
            "model_version": self.version,
        }

    def explain(self, text: str, top_k: int = 5) -> dict[str, list[dict[str, Any]]]:
        return {"toxicity": [{"feature": "goblok", "contribution": 1.5}]}
