"""`moderation evaluate`: the evaluation report of a trained model (Markdown + PNG + JSON).

Stages: held-out metrics per source and language (the split the training used, reproduced from
the data), baseline comparison, calibration and PR figures, identity-term bias on neutral
templated sentences, the functional suite, robustness to evasion, and leave-one-source-out.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import evaluation_ham as ham
from . import evaluation_loso as loso
from . import evaluation_report as render
from .evaluation_metrics import binary_metrics, expected_calibration_error, threshold_for_recall
from .evaluation_plots import pr_curves, reliability_diagram, robustness_chart
from .evaluation_suites import bias_table, group_hate_summary, neutral_sentences, run_functional, worst_terms
from .robustness import ScoreFn, run_robustness, sample_positives

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["HEADS", "LOSO_PARAMS", "evaluate", "heldout_split", "labels_for", "main"]

# score name -> (task of the rows, attribute holding the label)
HEADS: dict[str, tuple[str, str]] = {
    "toxicity": ("toxicity", "label"),
    "identity_hate": ("toxicity", "identity_hate"),
    "spam": ("spam", "label"),
    "gambling_promo": ("spam", "gambling"),
}
# Leave-one-source-out trains one model per source: at most LOSO_MAX_ROWS_PER_SOURCE rows of each
# other source and 2^17 hashed features (the previous model's report used the same setting, so the
# "before" column compares like with like). Full-data folds took 7-10 minutes each on the shared
# 2-core machine with the encoder stage; nine of them did not fit in an evaluation run.
LOSO_PARAMS: dict[str, Any] = {"n_features": 2**17}
LOSO_MAX_ROWS_PER_SOURCE: int | None = 4000
# The left-out source is scored on a fixed sample of this many texts: the cascade embeds every
# routed comment (tens of ms each), which for all ~93,000 rows would take hours on the shared
# 2-core machine. ROC-AUC on 2,500 rows has a standard error of about 0.01.
LOSO_TEST_ROWS_PER_SOURCE: int | None = 2500
LOSO_JOBS = 1  # one process: folds share the embedding cache (parallel processes would each load it)
ROBUSTNESS_N = 500
CHUNK = 2000


def heldout_split(examples: Sequence[Any], seed: int = 0) -> tuple[list[Any], list[Any]]:
    """The (train, test) split ``moderation train`` uses, reproduced deterministically.

    ``classifiers.train_cli.split_examples`` with the model's ``random_state`` (default 0).
    """
    from .train_cli import split_examples

    return split_examples(list(examples), seed)


def labels_for(rows: Sequence[Any], head: str) -> tuple[list[int], np.ndarray]:
    """Indices of ``rows`` that carry a label for ``head``, and those labels."""
    task, attr = HEADS[head]
    idx = [i for i, e in enumerate(rows) if e.task == task and getattr(e, attr) is not None]
    return idx, np.array([int(getattr(rows[i], attr)) for i in idx], dtype=int)


def _thr(model: Any, head: str, which: str = "hold") -> float:
    try:
        return float(model.thresholds[head][which])
    except (AttributeError, KeyError, TypeError):
        return 0.5


def _score_in_chunks(model: Any, texts: list[str], progress: Progress, label: str) -> list[dict[str, Any]]:
    task = progress.add_task(label, total=len(texts))
    out: list[dict[str, Any]] = []
    for start in range(0, len(texts), CHUNK):
        out.extend(model.score_many(texts[start : start + CHUNK]))
        progress.advance(task, min(CHUNK, len(texts) - start))
    return out


def _group_metrics(rows: Sequence[Any], scores: Sequence[Mapping[str, Any]], head: str, model: Any
                   ) -> list[dict[str, Any]]:
    idx, y = labels_for(rows, head)
    if not idx:
        return []
    p = np.array([scores[i][head] for i in idx], dtype=float)
    hold, reject = _thr(model, head, "hold"), _thr(model, head, "reject")
    groups: dict[tuple[str, str], list[int]] = {("all", "all"): list(range(len(idx)))}
    for j, i in enumerate(idx):
        groups.setdefault(("language", rows[i].language), []).append(j)
        groups.setdefault(("source", rows[i].source), []).append(j)
    out = []
    for (kind, name), js in sorted(groups.items()):
        m = binary_metrics(y[js], p[js], hold)
        r = binary_metrics(y[js], p[js], reject)
        m.update({"kind": kind, "group": name, "head": head, "precision_reject": r["precision"],
                  "recall_reject": r["recall"], "f1_reject": r["f1"], "reject": reject,
                  "ece": expected_calibration_error(y[js], p[js])})
        out.append(m)
    return out


def _head_scorer(model: Any, head: str) -> ScoreFn:
    return lambda texts: [s[head] for s in model.score_many(texts)]


def _baseline_scorer(baseline: Any) -> ScoreFn:
    return lambda texts: loso.baseline_scores(baseline, texts)


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

    ``split``, ``train_fn`` and ``neutral`` default to the training's split, ``training.train``
    and :func:`evaluation_suites.neutral_sentences` (tests pass stand-ins). ``reuse_loso`` takes the
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
        texts = [e.text for e in test]
        scores = _score_in_chunks(model, texts, progress, "scoring held-out split")
        res["heldout"] = {h: _group_metrics(test, scores, h, model) for h in HEADS}
        detected = [s.get("language") for s in scores]
        res["meta"]["language_detection_accuracy"] = float(np.mean(
            [d == e.language for d, e in zip(detected, test, strict=True)]))

        step = progress.add_task("baseline on the training split", total=2)
        baselines = {}
        for task in ("toxicity", "spam"):
            baselines[task] = loso.fit_baseline(train, task)
            progress.advance(step)
        base_scores = {t: loso.baseline_scores(b, texts) for t, b in baselines.items()}
        res["heldout_baseline"] = {t: _group_metrics(test, [{t: v} for v in base_scores[t]], t, None)
                                   for t in baselines}

        panels_cal, panels_pr = {}, {}
        for head in HEADS:
            idx, y = labels_for(test, head)
            p = np.array([scores[i][head] for i in idx])
            panels_cal[head] = {lang: (y[[j for j, i in enumerate(idx) if test[i].language == lang]],
                                       p[[j for j, i in enumerate(idx) if test[i].language == lang]])
                                for lang in ("id", "en")}
            by_src = {}
            for src in sorted({test[i].source for i in idx}):
                js = [j for j, i in enumerate(idx) if test[i].source == src]
                by_src[src] = (y[js], p[js])
            panels_pr[head] = by_src
        reliability_diagram({h: panels_cal[h] for h in ("toxicity", "spam")}, out / "calibration.png")
        reliability_diagram({h: panels_cal[h] for h in ("identity_hate", "gambling_promo")},
                            out / "calibration_subscores.png")
        pr_curves({h: panels_pr[h] for h in ("toxicity", "spam")}, out / "pr_curves.png")

        # identity-term bias: ours at the hold threshold, baseline at matched held-out recall
        hold = _thr(model, "toxicity")
        idx, y = labels_for(test, "toxicity")
        ours_p = np.array([scores[i]["toxicity"] for i in idx])
        recall_ours = float(np.mean(ours_p[y == 1] >= hold))
        base_thr = threshold_for_recall(y, base_scores["toxicity"][idx], recall_ours)
        res["bias_thresholds"] = {"ours": hold, "baseline_matched": base_thr, "baseline_default": 0.5,
                                  "recall_ours_at_hold": recall_ours}
        res["bias"] = {}
        neutral = neutral if neutral is not None else neutral_sentences()
        step = progress.add_task("identity-term bias", total=len(neutral))
        for name, records in neutral.items():
            ts = [r["text"] for r in records]
            o = [s["toxicity"] for s in model.score_many(ts)]
            b = loso.baseline_scores(baselines["toxicity"], ts)
            res["bias"][name] = {
                "ours": bias_table(records, o, hold),
                "baseline": bias_table(records, b, base_thr),
                "baseline_0.5": bias_table(records, b, 0.5),
                "worst_terms_ours": worst_terms(records, o, hold),
            }
            progress.advance(step)

        res["citations"] = ham.citation_rates(model.score_many, {h: {
            w: _thr(model, h, w) for w in ("hold", "reject")} for h in ("spam", "gambling_promo")})
        prevalence = ((getattr(model, "metadata", None) or {}).get("params") or {}).get("threshold_prevalence")
        res["operating_points"] = []
        for head in HEADS:
            idx, y = labels_for(test, head)
            p = np.array([scores[i][head] for i in idx])
            res["operating_points"] += ham.operating_points(
                y, p, head, {w: _thr(model, head, w) for w in ("hold", "reject")},
                (prevalence or {}).get(head))

        step = progress.add_task("functional suite", total=1)
        thr = {h: _thr(model, h) for h in HEADS}

        def base_scorer(ts: list[str]) -> list[dict[str, float]]:
            return [{"toxicity": float(v)} for v in loso.baseline_scores(baselines["toxicity"], ts)]

        res["functional"] = {"ours": run_functional(model.score_many, thr)}
        ih_hold = {"ours": thr["identity_hate"]}
        res["group_hate"] = {"ours": group_hate_summary(model.score_many, thr["identity_hate"])}
        variants = {}
        if getattr(model, "encoder_active", False):
            variants["ngram_only"] = model.ngram_only()
        if before is not None:
            variants["before"] = before
        for name, other in variants.items():
            othr = {h: _thr(other, h) for h in HEADS}
            res["functional"][name] = run_functional(other.score_many, othr)
            res["group_hate"][name] = group_hate_summary(other.score_many, othr["identity_hate"])
            ih_hold[name] = othr["identity_hate"]
        res["functional"]["baseline"] = run_functional(base_scorer, {"toxicity": base_thr})
        res["meta"]["functional_models"] = {"before": getattr(before, "version", None)}
        progress.advance(step)
        if model_path is not None:
            from .evaluation_cost import measure

            step = progress.add_task("cost per comment", total=1)
            res["cost"] = measure(model, test, [e.text for e in train[:500]], model_path)
            if hasattr(model, "routed_share") and getattr(model, "encoder_active", False):
                res["cost"]["routed_share_heldout"] = {
                    lang: model.routed_share([e.text for e in test if e.language == lang]) for lang in ("id", "en")}
            progress.advance(step)

        samples = {h: sample_positives(test, h, ROBUSTNESS_N) for h in ("toxicity", "spam")}
        fns: dict[str, ScoreFn] = {f"ours:{h}": _head_scorer(model, h) for h in samples}
        fns.update({f"baseline:{h}": _baseline_scorer(baselines[h]) for h in samples})
        from .perturb import PERTURBATIONS

        step = progress.add_task("robustness", total=len(fns) * len(PERTURBATIONS))
        res["robustness"] = run_robustness(
            fns, samples, {f"ours:{h}": _thr(model, h) for h in samples} | {
                f"baseline:{h}": 0.5 for h in samples}, on_step=lambda: progress.advance(step))
        robustness_chart([(r["perturbation"], f'{r["model"]} {r["score"]}', r["median_shift"])
                          for r in res["robustness"]], out / "robustness.png")

        res["loso"] = []
        if reuse_loso is not None:
            old = json.loads(Path(reuse_loso).read_text(encoding="utf-8"))
            res["loso"] = old["loso"]
            for key in ("loso_params", "loso_max_rows_per_source", "loso_test_rows_per_source"):
                res["meta"][key] = old["meta"].get(key)
            res["meta"]["loso_reused_from"] = old["meta"].get("model_version")
            res["meta"]["loso_run_runtime_s"] = old["meta"].get("loso_run_runtime_s",
                                                                old["meta"].get("runtime_s"))
        elif run_loso:
            folds = loso.loso_sources(examples)
            step = progress.add_task("leave-one-source-out", total=len(folds))
            params = dict(LOSO_PARAMS if loso_params is None else loso_params)
            res["meta"]["loso_params"] = {k: v for k, v in params.items() if k not in ("slang", "embedder")}
            t_loso = time.monotonic()
            res["meta"]["loso_max_rows_per_source"] = LOSO_MAX_ROWS_PER_SOURCE
            res["meta"]["loso_test_rows_per_source"] = LOSO_TEST_ROWS_PER_SOURCE
            from .training import train as default_train

            res["loso"] = loso.run_loso(examples, train_fn or default_train, train_params=params,
                                        max_rows_per_source=LOSO_MAX_ROWS_PER_SOURCE, n_jobs=LOSO_JOBS,
                                        test_rows_per_source=LOSO_TEST_ROWS_PER_SOURCE,
                                        on_fold=lambda t, s, stage: progress.update(
                                            step, description=f"LOSO: without {s}",
                                            advance=int(stage == "done")))
            res["meta"]["loso_run_runtime_s"] = round(time.monotonic() - t_loso, 1)
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
    from . import DEFAULT_MODEL_PATH, artifacts
    from .datasets import DEFAULT_DATA_DIR, load_corpus, load_slang
    from .encoder import EmbeddingCache, default_cache_path

    model_path = Path(getattr(args, "model", None) or DEFAULT_MODEL_PATH)
    model = artifacts.load(model_path)
    examples = load_corpus(Path(getattr(args, "data", None) or DEFAULT_DATA_DIR))
    out = Path(getattr(args, "out", None) or Path(__file__).parent / "reports")
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
    package_reports = Path(__file__).resolve().parent / "reports"
    card = package_reports.parent / "MODEL_CARD.md"
    if out.resolve() == package_reports and card.exists():
        from .evaluation_card import update_model_card

        if update_model_card(json.loads((out / "results.json").read_text(encoding="utf-8")), card):
            print(f"updated the number tables of {card}")
    return 0
