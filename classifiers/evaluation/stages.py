"""The stages of ``moderation evaluate`` (see ``classifiers.evaluation.run``): each fills its part of the
results; they share the held-out split, the model's scores on it and the baselines."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ham, loso
from .metrics import binary_metrics, expected_calibration_error, threshold_for_recall
from .plots import pr_curves, reliability_diagram, robustness_chart
from .robustness import ScoreFn, run_robustness, sample_positives
from .suites import bias_table, group_hate_summary, run_functional, worst_terms

if TYPE_CHECKING:
    from rich.progress import Progress

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


@dataclass
class Heldout:
    """The held-out split, the model's scores on it, and the baselines fitted on the training split."""

    model: Any
    train: list[Any]
    test: list[Any]
    scores: list[dict[str, Any]]
    baselines: dict[str, Any]
    baseline_scores: dict[str, np.ndarray]


def labels_for(rows: Sequence[Any], head: str) -> tuple[list[int], np.ndarray]:
    """Indices of ``rows`` that carry a label for ``head``, and those labels."""
    task, attr = HEADS[head]
    idx = [i for i, e in enumerate(rows) if e.task == task and getattr(e, attr) is not None]
    return idx, np.array([int(getattr(rows[i], attr)) for i in idx], dtype=int)


def threshold(model: Any, head: str, which: str = "hold") -> float:
    """The model's ``which`` threshold of ``head`` (0.5 for a model without one, e.g. a baseline)."""
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
    hold, reject = threshold(model, head, "hold"), threshold(model, head, "reject")
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


def heldout(model: Any, train: list[Any], test: list[Any], res: dict[str, Any], progress: Progress) -> Heldout:
    """Score the held-out split, fit the baselines; metrics per source and language of both."""
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
    return Heldout(model, train, test, scores, baselines, base_scores)


def figures(h: Heldout, out: Path) -> None:
    """Reliability diagrams per language and precision-recall curves per source."""
    test, scores = h.test, h.scores
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
    reliability_diagram({k: panels_cal[k] for k in ("toxicity", "spam")}, out / "calibration.png")
    reliability_diagram({k: panels_cal[k] for k in ("identity_hate", "gambling_promo")},
                        out / "calibration_subscores.png")
    pr_curves({k: panels_pr[k] for k in ("toxicity", "spam")}, out / "pr_curves.png")


def bias(h: Heldout, neutral: dict[str, list[dict[str, str]]], res: dict[str, Any], progress: Progress) -> float:
    """Identity-term bias: ours at the hold threshold, the baseline at matched held-out recall
    (returns that baseline threshold)."""
    model = h.model
    hold = threshold(model, "toxicity")
    idx, y = labels_for(h.test, "toxicity")
    ours_p = np.array([h.scores[i]["toxicity"] for i in idx])
    recall_ours = float(np.mean(ours_p[y == 1] >= hold))
    base_thr = threshold_for_recall(y, h.baseline_scores["toxicity"][idx], recall_ours)
    res["bias_thresholds"] = {"ours": hold, "baseline_matched": base_thr, "baseline_default": 0.5,
                              "recall_ours_at_hold": recall_ours}
    res["bias"] = {}
    step = progress.add_task("identity-term bias", total=len(neutral))
    for name, records in neutral.items():
        ts = [r["text"] for r in records]
        o = [s["toxicity"] for s in model.score_many(ts)]
        b = loso.baseline_scores(h.baselines["toxicity"], ts)
        res["bias"][name] = {
            "ours": bias_table(records, o, hold),
            "baseline": bias_table(records, b, base_thr),
            "baseline_0.5": bias_table(records, b, 0.5),
            "worst_terms_ours": worst_terms(records, o, hold),
        }
        progress.advance(step)
    return base_thr


def ham_and_operating_points(h: Heldout, res: dict[str, Any]) -> None:
    """Citation comments' false-positive rates, and each head's operating points at the site's mix."""
    model = h.model
    res["citations"] = ham.citation_rates(model.score_many, {head: {
        w: threshold(model, head, w) for w in ("hold", "reject")} for head in ("spam", "gambling_promo")})
    prevalence = ((getattr(model, "metadata", None) or {}).get("params") or {}).get("threshold_prevalence")
    res["operating_points"] = []
    for head in HEADS:
        idx, y = labels_for(h.test, head)
        p = np.array([h.scores[i][head] for i in idx])
        res["operating_points"] += ham.operating_points(
            y, p, head, {w: threshold(model, head, w) for w in ("hold", "reject")},
            (prevalence or {}).get(head))


def functional(h: Heldout, before: Any, base_thr: float, res: dict[str, Any], progress: Progress) -> None:
    """The functional suite and the group-hate summary: ours, ours without the encoder, ``before``
    and the baseline."""
    model = h.model
    step = progress.add_task("functional suite", total=1)
    thr = {head: threshold(model, head) for head in HEADS}

    def base_scorer(ts: list[str]) -> list[dict[str, float]]:
        return [{"toxicity": float(v)} for v in loso.baseline_scores(h.baselines["toxicity"], ts)]

    res["functional"] = {"ours": run_functional(model.score_many, thr)}
    res["group_hate"] = {"ours": group_hate_summary(model.score_many, thr["identity_hate"])}
    variants = {}
    if getattr(model, "encoder_active", False):
        variants["ngram_only"] = model.ngram_only()
    if before is not None:
        variants["before"] = before
    for name, other in variants.items():
        othr = {head: threshold(other, head) for head in HEADS}
        res["functional"][name] = run_functional(other.score_many, othr)
        res["group_hate"][name] = group_hate_summary(other.score_many, othr["identity_hate"])
    res["functional"]["baseline"] = run_functional(base_scorer, {"toxicity": base_thr})
    res["meta"]["functional_models"] = {"before": getattr(before, "version", None)}
    progress.advance(step)


def cost(h: Heldout, model_path: Path, res: dict[str, Any], progress: Progress) -> None:
    """Time and memory per comment (see ``classifiers.evaluation.cost``)."""
    from .cost import measure

    model = h.model
    step = progress.add_task("cost per comment", total=1)
    res["cost"] = measure(model, h.test, [e.text for e in h.train[:500]], model_path)
    if hasattr(model, "routed_share") and getattr(model, "encoder_active", False):
        res["cost"]["routed_share_heldout"] = {
            lang: model.routed_share([e.text for e in h.test if e.language == lang]) for lang in ("id", "en")}
    progress.advance(step)


def robustness(h: Heldout, out: Path, res: dict[str, Any], progress: Progress) -> None:
    """Score changes of positives under evasion (ours and the baseline), with a chart."""
    from .perturb import PERTURBATIONS

    samples = {head: sample_positives(h.test, head, ROBUSTNESS_N) for head in ("toxicity", "spam")}
    fns: dict[str, ScoreFn] = {f"ours:{head}": _head_scorer(h.model, head) for head in samples}
    fns.update({f"baseline:{head}": _baseline_scorer(h.baselines[head]) for head in samples})
    step = progress.add_task("robustness", total=len(fns) * len(PERTURBATIONS))
    thresholds = {f"ours:{head}": threshold(h.model, head) for head in samples}
    thresholds |= {f"baseline:{head}": 0.5 for head in samples}
    res["robustness"] = run_robustness(fns, samples, thresholds, on_step=lambda: progress.advance(step))
    robustness_chart([(r["perturbation"], f'{r["model"]} {r["score"]}', r["median_shift"])
                      for r in res["robustness"]], out / "robustness.png")


def reused_loso(reuse_loso: Path, res: dict[str, Any]) -> None:
    """Take the leave-one-source-out rows (and their settings) from an earlier results.json."""
    old = json.loads(Path(reuse_loso).read_text(encoding="utf-8"))
    res["loso"] = old["loso"]
    for key in ("loso_params", "loso_max_rows_per_source", "loso_test_rows_per_source"):
        res["meta"][key] = old["meta"].get(key)
    res["meta"]["loso_reused_from"] = old["meta"].get("model_version")
    res["meta"]["loso_run_runtime_s"] = old["meta"].get("loso_run_runtime_s", old["meta"].get("runtime_s"))


def leave_one_source_out(examples: Sequence[Any], loso_params: dict[str, Any] | None,
                         train_fn: Callable[..., Any] | None, res: dict[str, Any], progress: Progress) -> None:
    """One model per source trained without it and scored on it (ours and the baseline)."""
    from classifiers.training.fit import train as default_train

    folds = loso.loso_sources(examples)
    step = progress.add_task("leave-one-source-out", total=len(folds))
    params = dict(LOSO_PARAMS if loso_params is None else loso_params)
    res["meta"]["loso_params"] = {k: v for k, v in params.items() if k not in ("slang", "embedder")}
    t_loso = time.monotonic()
    res["meta"]["loso_max_rows_per_source"] = LOSO_MAX_ROWS_PER_SOURCE
    res["meta"]["loso_test_rows_per_source"] = LOSO_TEST_ROWS_PER_SOURCE
    res["loso"] = loso.run_loso(examples, train_fn or default_train, train_params=params,
                                max_rows_per_source=LOSO_MAX_ROWS_PER_SOURCE, n_jobs=LOSO_JOBS,
                                test_rows_per_source=LOSO_TEST_ROWS_PER_SOURCE,
                                on_fold=lambda t, s, stage: progress.update(
                                    step, description=f"LOSO: without {s}", advance=int(stage == "done")))
    res["meta"]["loso_run_runtime_s"] = round(time.monotonic() - t_loso, 1)
