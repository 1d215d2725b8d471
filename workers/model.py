"""The classifier model, loaded once per worker process, lazily (the web process never loads it)."""
from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any, Protocol

log = logging.getLogger("workers.model")


class Scorer(Protocol):
    """What the worker needs of a model (classifiers.model.CommentModel provides it)."""

    @property
    def version(self) -> str:
        """The artifact's version, recorded with every decision."""

    @property
    def thresholds(self) -> Mapping[str, Mapping[str, float]]:
        """Per score, the operating points chosen when the model was trained: {"hold": p, "reject": p}."""

    def score(self, text: str, **metadata: Any) -> dict[str, Any]:
        """Probabilities per score, `language` and `model_version`."""

    def score_many(self, texts: list[str], metadata: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """`score` for many texts in one call."""

    def score_and_explain(self, text: str, top_k: int = 5, **metadata: Any
                          ) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
        """`score` and, per score, the features that raised it most, from one pass of the model."""

    def score_and_explain_many(self, texts: list[str], metadata: list[dict[str, Any]] | None = None,
                               top_k: int = 5) -> list[tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]]:
        """`score_and_explain` for many texts in one call."""


_model: Scorer | None = None
_lock = threading.Lock()


def get_model() -> Scorer:
    """The process's model; the first call loads the shipped default from classifiers."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import classifiers

                _model = classifiers.load_default()
                log.info("loaded classifier model %s", _model.version)
    return _model


def set_model(model: Scorer | None) -> None:
    """Replace the process's model (None: load the shipped one on next use)."""
    global _model
    _model = model


def warm_up_in_background() -> threading.Thread:
    """Start loading the model in a thread, so the first comment does not wait for it.

    Called in each pool process after the fork (never before: the model's native libraries may
    start threads, and forking a process with threads can deadlock the child). A task that
    arrives first simply waits on the lock in get_model().
    """

    def _load() -> None:
        try:
            get_model().score("warm up")
        except Exception:
            log.exception("model warm-up failed; the first task will try again")

    thread = threading.Thread(target=_load, name="model-warm-up", daemon=True)
    thread.start()
    return thread
