"""`moderation evaluate`: the evaluation report of a trained model (Markdown + PNG + JSON).

Stages (``classifiers.evaluation.stages``): held-out metrics per source and language (the split the
training used, reproduced from the data), baseline comparison, calibration and PR figures,
identity-term bias on neutral templated sentences, the functional suite, robustness to evasion, and
leave-one-source-out.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import loso, stages
from . import report as render
from .stages import HEADS, LOSO_PARAMS, labels_for
from .suites import neutral_sentences

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["HEADS", "LOSO_PARAMS", "evaluate", "heldout_split", "labels_for", "main"]


def heldout_split(examples: Sequence[Any], seed: int = 0) -> tuple[list[Any], list[Any]]:
    """The (train, test) split ``moderation train`` uses, reproduced deterministically.

    ``classifiers.training.run.split_examples`` with the model's ``random_state`` (default 0).
    """
    from classifiers.training.run import split_examples

    return split_examples(list(examples), seed)


@contextmanager
def _progress() -> Iterator[Progress]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn()) as progress:
        yield progress


def evaluate(model: Any, examples: Sequence[Any], out: Path, *, run_loso: bool = True,
             loso_params: dict[str, Any] | None = None, split: Callable[[Sequence[Any]], tuple[list[Any], list[Any]]] | None = None,
             train_fn: Callable[..., Any] | None = None,
             neutral: dict[str, list[dict[str, str]]] | None = None,
             reuse_loso: Path | None = None, before: Any = None,
             loso_before: list[dict[str, Any]] | None = None,
             model_path: Path | None = None) -> dict[str, Any]:
    """Run every stage, write ``out/REPORT.md``, ``out/results.json`` and the PNGs; return results.

    ``split``, ``train_fn`` and ``neutral`` default to the training's split,
    ``classifiers.training.fit.train`` and :func:`suites.neutral_sentences` (tests pass stand-ins). ``reuse_loso`` takes the
    leave-one-source-out rows from an earlier ``results.json`` instead of retraining: they depend
    on the training code and the data, not on the evaluated artifact. ``before`` (a previous model)
    is run on the functional suite beside ours, and ``loso_before`` (its leave-one-source-out rows)
    joins the table; ``model_path`` (the artifact) enables the cost and memory measurement.
    """
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    seed = int((getattr(model, "metadata", None) or {}).get("random_state", 0))
    train, test = split(examples) if split else heldout_split(examples, seed)
    res: dict[str, Any] = {"meta": {
        "model_version": getattr(model, "version", "?"), "n_train": len(train), "n_test": len(test),
        "thresholds": getattr(model, "thresholds", {}), "baseline": loso.BASELINE_DESCRIPTION,
        "sources": sorted({e.source for e in examples}),
    }}
    with _progress() as progress:
        held = stages.heldout(model, train, test, res, progress)
        stages.figures(held, out)
        base_thr = stages.bias(held, neutral if neutral is not None else neutral_sentences(), res, progress)
        stages.ham_and_operating_points(held, res)
        stages.functional(held, before, base_thr, res, progress)
        if model_path is not None:
            stages.cost(held, model_path, res, progress)
        stages.robustness(held, out, res, progress)
        res["loso"] = []
        if reuse_loso is not None:
            stages.reused_loso(reuse_loso, res)
        elif run_loso:
            stages.leave_one_source_out(examples, loso_params, train_fn, res, progress)
        if loso_before:
            res["loso"] = [r for r in res["loso"] if r.get("model") != "before"] + [
                {**r, "model": "before", "task": r.get("task") or r.get("head")} for r in loso_before]
    res["meta"]["runtime_s"] = round(time.monotonic() - t0, 1)
    (out / "results.json").write_text(json.dumps(_jsonable(res), indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    (out / "REPORT.md").write_text(render.report(res), encoding="utf-8")
    return res


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def main(args: Any) -> int:
    """Entry point of ``moderation evaluate`` (``args``: data, model, out; optional no_loso,
    reuse_loso, before, loso_before)."""
    from classifiers import DEFAULT_MODEL_PATH, artifacts
    from classifiers.encoder import EmbeddingCache, default_cache_path
    from classifiers.training.datasets import DEFAULT_DATA_DIR, load_corpus, load_slang

    model_path = Path(getattr(args, "model", None) or DEFAULT_MODEL_PATH)
    model = artifacts.load(model_path)
    examples = load_corpus(Path(getattr(args, "data", None) or DEFAULT_DATA_DIR))
    package_reports = Path(__file__).resolve().parents[1] / "reports"  # classifiers/reports
    out = Path(getattr(args, "out", None) or package_reports)
    data_dir = Path(getattr(args, "data", None) or DEFAULT_DATA_DIR)
    params: dict[str, Any] = {**LOSO_PARAMS, "slang": load_slang(data_dir)}
    if model.encoder_status is None:
        # Held-out rows, LOSO folds and the suites embed the same texts again and again: cache them.
        cache = EmbeddingCache(default_cache_path())
        model.embedder = cache
        params["embedder"] = cache
    before = artifacts.load(args.before) if getattr(args, "before", None) else None
    loso_before = (json.loads(Path(args.loso_before).read_text(encoding="utf-8"))
                   if getattr(args, "loso_before", None) else None)
    res = evaluate(model, examples, out, run_loso=not getattr(args, "no_loso", False),
                   loso_params=params, reuse_loso=getattr(args, "reuse_loso", None), before=before,
                   loso_before=loso_before, model_path=model_path)
    print(f"wrote {out / 'REPORT.md'} in {res['meta']['runtime_s']} s")
    card = package_reports.parent / "MODEL_CARD.md"
    if out.resolve() == package_reports and card.exists():
        from .card import update_model_card

        if update_model_card(json.loads((out / "results.json").read_text(encoding="utf-8")), card):
            print(f"updated the number tables of {card}")
    return 0
