"""Scoring cost for the report: time per comment on a realistic mix, cascade included, and memory.

The *realistic mix* is drawn from the held-out split in the proportions the thresholds assume for
a news site: 85 % clean comments, 10 % toxic, 5 % spam (seed 0). Each comment is scored with
``model.score(text)`` one at a time, as the worker does, after a warm-up on other held-out rows.
Memory is measured in a fresh process that loads the artifact and scores the same comments (its
own VmRSS and VmHWM: a child's ru_maxrss would start from its parent's peak).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MIX = {"clean": 0.85, "toxic": 0.10, "spam": 0.05}


def realistic_mix(test: Sequence[Any], n: int = 600, seed: int = 0) -> list[str]:
    """``n`` held-out texts: clean / toxic / spam in the MIX proportions."""
    pools: dict[str, list[str]] = {"clean": [], "toxic": [], "spam": []}
    for e in test:
        kind = "clean" if not e.label else ("toxic" if e.task == "toxicity" else "spam")
        pools[kind].append(e.text)
    rng = random.Random(seed)
    out: list[str] = []
    for kind, share in MIX.items():
        pool = pools[kind]
        out += rng.sample(pool, min(len(pool), round(n * share)))
    rng.shuffle(out)
    return out


def _timings(model: Any, texts: list[str]) -> dict[str, Any]:
    lat = []
    for t in texts:
        s = time.perf_counter_ns()
        model.score(t)
        lat.append((time.perf_counter_ns() - s) / 1e6)
    arr = np.asarray(lat)
    return {"n": len(texts), "mean_ms": float(arr.mean()), "median_ms": float(np.median(arr)),
            "p99_ms": float(np.percentile(arr, 99)), "max_ms": float(arr.max())}


def measure(model: Any, test: Sequence[Any], warmup: Sequence[str], model_path: Path | None) -> dict[str, Any]:
    """Cost figures for the report (mean / median / p99 ms per comment, routed share, memory)."""
    texts = realistic_mix(test)
    for t in warmup:  # a running worker's word caches are warm
        model.score(t)
    embedder, model.embedder = getattr(model, "embedder", None), None  # real encoder calls, no cache
    try:
        out: dict[str, Any] = {"mix": MIX, "cascade": _timings(model, texts)}
    finally:
        model.embedder = embedder
    share = model.routed_share(texts) if hasattr(model, "routed_share") else None
    out["routed_share"] = share
    out["encoder_active"] = bool(getattr(model, "encoder_active", False))
    if model_path is not None:
        out["memory"] = worker_memory(model_path, texts[:200])
    import os

    out["load_average"] = os.getloadavg()[0]
    return out


def worker_memory(model_path: Path, texts: list[str]) -> dict[str, Any]:
    """Resident memory of a fresh process that loads the artifact and scores ``texts``."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(texts, fh)
    code = (
        "import json, sys\n"
        "from classifiers import artifacts\n"
        f"m = artifacts.load({str(model_path)!r})\n"
        f"for t in json.load(open({fh.name!r}, encoding='utf-8')): m.score(t)\n"
        "st = {l.split(':')[0]: int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('Vm')}\n"
        "print(json.dumps({'rss_mb': st['VmRSS'] / 1024, 'peak_mb': st['VmHWM'] / 1024,"
        " 'encoder_active': m.encoder_active}))\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900,
                              cwd=Path(__file__).resolve().parents[2], check=True)
        figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return figures
    finally:
        Path(fh.name).unlink(missing_ok=True)
