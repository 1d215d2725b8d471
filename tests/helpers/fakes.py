"""A keyword model with the classifier contract, for tests that must not depend on the trained model."""
from __future__ import annotations

from typing import Any


class FakeModel:
    """Scores by keywords so tests read like the policy."""

    version = "fake-1"
    # Operating points as a trained artifact carries them.
    thresholds: dict[str, dict[str, float]] = {
        "toxicity": {"hold": 0.65, "reject": 0.9},
        "identity_hate": {"hold": 0.45, "reject": 0.99},
        "spam": {"hold": 0.5, "reject": 0.9},
        "gambling_promo": {"hold": 0.5, "reject": 0.9},
    }

    def __init__(self) -> None:
        self.calls = 0
        self.fail_with: list[BaseException] = []
        self.metadata: list[dict[str, Any]] = []
        self.batches: list[int] = []

    def score(self, text: str, **metadata: Any) -> dict[str, Any]:
        self.calls += 1
        self.metadata.append(metadata)
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

    def score_many(self, texts: list[str], metadata: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        self.batches.append(len(texts))
        return [self.score(t, **m) for t, m in zip(texts, metadata or [{}] * len(texts), strict=True)]

    def explain(self, text: str, top_k: int = 5, **metadata: Any) -> dict[str, list[dict[str, Any]]]:
        explained = [{"feature": "goblok", "contribution": 1.5}]
        if metadata.get("website"):
            explained.append({"feature": "meta:website", "contribution": 0.5})
        return {"toxicity": explained}

    def score_and_explain(self, text: str, top_k: int = 5, **metadata: Any
                          ) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
        return self.score(text, **metadata), self.explain(text, top_k, **metadata)

    def score_and_explain_many(self, texts: list[str], metadata: list[dict[str, Any]] | None = None,
                               top_k: int = 5) -> list[tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]]:
        metas = metadata or [{}] * len(texts)
        return list(zip(self.score_many(texts, metas), [self.explain(t, top_k, **m) for t, m in zip(texts, metas, strict=True)],
                        strict=True))
