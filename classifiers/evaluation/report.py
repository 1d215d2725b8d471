"""Render the evaluation results (the dict built by ``run.evaluate``) as Markdown."""

from __future__ import annotations

from typing import Any

from .ham import render as render_ham
from .metrics import md_table
from .robustness import TARGET
from .suites import functional_table

__all__ = ["loso_table", "report"]

_HEADS = ("toxicity", "identity_hate", "spam", "gambling_promo")


def loso_table(rows: list[dict[str, Any]]) -> str:
    """Per (head, left-out source): ROC-AUC of ours (before, if given, and now) and the baseline."""
    by_key: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for r in rows:
        by_key.setdefault((r["task"], r["source"]), {})[r["model"]] = r
    has_before = any("before" in m for m in by_key.values())
    order = {h: i for i, h in enumerate(_HEADS)}
    out = []
    for (task, source), m in sorted(by_key.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0][1])):
        o, b, pre = m.get("ours", {}), m.get("baseline", {}), m.get("before", {})
        gain = (o["roc_auc"] - b["roc_auc"]) if o.get("roc_auc") is not None and b.get("roc_auc") is not None else None
        out.append([task, source, o.get("language"), o.get("n"), o.get("pos")]
                   + ([pre.get("roc_auc")] if has_before else [])
                   + [o.get("roc_auc"), b.get("roc_auc"), None if gain is None else f"{gain:+.3f}",
                      o.get("pr_auc"), b.get("pr_auc"), o.get("f1"), b.get("f1")])
    return md_table(["head", "left-out source", "lang", "n", "pos"]
                    + (["ROC-AUC before"] if has_before else [])
                    + ["ROC-AUC ours", "ROC-AUC base", "ours − base", "PR-AUC ours", "PR-AUC base",
                       "F1 ours@hold", "F1 base@0.5"], out)


def _group_name(r: dict[str, Any]) -> str:
    return {"all": "**all**", "language": f"language: {r['group']}"}.get(r["kind"], str(r["group"]))


def _heldout_table(rows: list[dict[str, Any]]) -> str:
    return md_table(
        ["group", "n", "pos", "ROC-AUC", "PR-AUC", "P@hold", "R@hold", "F1@hold", "P@reject",
         "R@reject", "F1@reject", "ECE"],
        [[_group_name(r), r["n"], r["pos"], r["roc_auc"], r["pr_auc"],
          r["precision"], r["recall"], r["f1"], r["precision_reject"], r["recall_reject"],
          r["f1_reject"], r["ece"]] for r in rows],
    )


def _vs_baseline(ours: list[dict[str, Any]], base: list[dict[str, Any]]) -> str:
    b = {(r["kind"], r["group"]): r for r in base}
    rows = []
    for r in ours:
        br = b.get((r["kind"], r["group"]), {})
        rows.append([_group_name(r), r["n"], r["roc_auc"], br.get("roc_auc"), r["pr_auc"], br.get("pr_auc"),
                     r["f1"], br.get("f1")])
    return md_table(["group", "n", "ROC-AUC ours", "ROC-AUC base", "PR-AUC ours", "PR-AUC base",
                     "F1 ours@hold", "F1 base@0.5"], rows)


def _bias(res: dict[str, Any]) -> list[str]:
    thr = res["bias_thresholds"]
    lines = [
        f"False-positive rate of `toxicity` on neutral templated sentences (every one is non-toxic). "
        f"Ours at the shipped hold threshold ({thr['ours']:.3f}); the baseline at the threshold that "
        f"gives it the same held-out toxicity recall as ours at hold ({thr['recall_ours_at_hold']:.3f}"
        f" → threshold {thr['baseline_matched']:.3f}), and at its default 0.5.",
        "",
    ]
    titles = {"seen_terms": "Terms the debiasing data also uses (held-out templates, `bias_terms`)",
              "unseen_terms": "Terms and templates never seen in training (`bias_eval_templates`)"}
    for name, sets in res["bias"].items():
        lines += [f"### {titles.get(name, name)}", ""]
        base = {(r["category"], r["language"]): r for r in sets["baseline"]}
        base5 = {(r["category"], r["language"]): r for r in sets["baseline_0.5"]}
        rows = []
        for r in sets["ours"]:
            k = (r["category"], r["language"])
            rows.append([r["category"], r["language"], r["n"], r["fpr"], base[k]["fpr"], base5[k]["fpr"],
                         r["mean"], base[k]["mean"]])
        lines += [md_table(["category", "lang", "n", "FPR ours", "FPR base (matched)", "FPR base@0.5",
                            "mean score ours", "mean score base"], rows), ""]
        worst = [w for w in sets["worst_terms_ours"] if w["fpr"] > 0] or sets["worst_terms_ours"][:3]
        lines += ["Highest-scoring terms (ours): " + "; ".join(
            f"{w['term']} ({w['language']}): FPR {w['fpr']:.2f}, mean {w['mean']:.2f}" for w in worst), ""]
    return lines


_MODEL_NAMES = {"ours": "ours", "ngram_only": "ours, n-grams only", "before": "before", "baseline": "baseline"}


def _functional(res: dict[str, Any]) -> list[str]:
    results = {_MODEL_NAMES.get(k, k): v for k, v in res["functional"].items()}
    headers, rows = functional_table(results)
    before = (res["meta"].get("functional_models") or {}).get("before")
    lines = [
        "Cases are in `classifiers/evaluation/functional_cases.py`, `functional_cases_group.py` and "
        "`functional_cases_more.py` (written for "
        "this project, never trained on; the training templates in `classifiers/training/synthetic_functional.py` are "
        "separate). *flag* = the score must reach the hold threshold, *pass* = it must stay below. "
        "'ours, n-grams only' is the same artifact with the encoder switched off (what a platform "
        "without the encoder gets, at its own n-gram thresholds)"
        + (f"; 'before' is `{before}`" if before else "")
        + ". The baseline only has a toxicity score, so it is run on the toxicity cases only (at its "
        "matched threshold).", "",
        md_table(headers, rows), "",
    ]
    lines += _functional_by_set(res["functional"])
    if res.get("group_hate"):
        gh_rows = [[_MODEL_NAMES.get(m, m), lang, f"{v['group_hate_flagged']}/{v['group_hate_n']}", v["recall"],
                    f"{v['no_group_flagged']}/{v['no_group_n']}", v["fpr"]]
                   for m, by_lang in res["group_hate"].items() for lang, v in by_lang.items()]
        lines += ["**identity_hate on group hate vs insults naming no group** (targets: recall ≥ 0.70 on "
                  "`identity_derogation` + `group_hate_implicit`; false positives ≤ 5 % on "
                  "`insult_no_group` + `insult_direct`, all at the identity_hate hold threshold):", "",
                  md_table(["model", "lang", "group hate flagged", "recall", "no-group insults flagged",
                            "FPR"], gh_rows), ""]
    fails = [r for r in res["functional"]["ours"] if not r["passed"]]
    if fails:
        lines += ["<details><summary>Failed cases (ours)</summary>", "",
                  md_table(["functionality", "lang", "score", "expected", "text"],
                           [[f["functionality"], f["language"], f["target"] + f" {f['score']:.2f}",
                             "flag" if f["expected"] else "pass", f["text"].replace("|", "\\|")]
                            for f in fails]), "", "</details>", ""]
    return lines


def _functional_by_set(functional: dict[str, Any]) -> list[str]:
    """Pass counts on the first two case sets and on the third (written before a template experiment)."""
    from .functional_cases_more import MORE_TEXTS

    rows = []
    for name, results in functional.items():
        cells: list[Any] = [_MODEL_NAMES.get(name, name)]
        for third in (False, True):
            for lang in ("id", "en"):
                sel = [r for r in results if r["language"] == lang and (r["text"] in MORE_TEXTS) == third]
                cells.append(f"{sum(r['passed'] for r in sel)}/{len(sel)}" if sel else "–")
        rows.append(cells)
    return ["**By case set.** The third set (`functional_cases_more.py`) was written on 2026-12-08 before that "
            "day's template experiment (model card, 'Tried on 2026-12-08'), whose templates were written after "
            "reading which cases of the first two sets failed: it is the fairer check of template changes.", "",
            md_table(["model", "first two sets, id", "first two sets, en", "third set, id", "third set, en"], rows), ""]


def _cost(res: dict[str, Any]) -> list[str]:
    c = res.get("cost")
    if not c:
        return ["(not measured: no artifact path)", ""]
    t = c["cascade"]
    mix = ", ".join(f"{k} {v:.0%}" for k, v in c["mix"].items())
    rows = [["mean per comment (ms)", t["mean_ms"], "≤ 5"], ["median (ms)", t["median_ms"], ""],
            ["p99 (ms)", t["p99_ms"], "< 100"], ["max (ms)", t["max_ms"], ""],
            ["share routed to the encoder", c.get("routed_share"), ""]]
    for lang, v in (c.get("routed_share_heldout") or {}).items():
        rows.append([f"share routed, whole held-out split, {lang}", v, ""])
    mem = c.get("memory") or {}
    rows += [["worker resident memory, model loaded and scoring (MB)", mem.get("rss_mb"), "< 400"],
             ["peak memory (MB)", mem.get("peak_mb"), ""]]
    return [
        f"`model.score(text)` one comment at a time (as the worker calls it), on {t['n']} held-out comments "
        f"in a news-site-like mix ({mix}, seed 0), after a warm-up on 500 other comments; the encoder "
        f"{'runs' if c.get('encoder_active') else 'is NOT active'} for comments in the uncertain band. "
        f"Memory: a fresh process that loads the artifact and scores 200 of them. 1-minute load "
        f"average at the measurement: {c.get('load_average', 0):.1f} on 2 cores (other jobs on "
        f"the machine inflate the times). `bench/bench_classifiers.py` has the fuller benchmark.", "",
        md_table(["measure", "value", "target"], rows), "",
    ]


def _robustness(res: dict[str, Any]) -> list[str]:
    rows = [[r["score"], r["perturbation"], r["model"], r["n"], r["median_original"], r["median_perturbed"],
             r["median_shift"], r["median_delta"], r.get("flagged_original"), r.get("flagged_perturbed"),
             "yes" if r["within_target"] else "**no**"] for r in res["robustness"]]
    ours = [r for r in res["robustness"] if r["model"] == "ours"]
    ok = sum(r["within_target"] for r in ours)
    no_drop = sum(r.get("no_drop_beyond_target", r["within_target"]) for r in ours)
    return [
        f"Up to 500 toxic and 500 spam positives of the held-out split, each perturbed by every "
        f"function in `classifiers/evaluation/perturb.py` (seed 0). Target: |median perturbed − median original| "
        f"≤ {TARGET:.2f}. Ours meets it for **{ok} of {len(ours)}** (score, perturbation) pairs; "
        f"counting only drops (a perturbed text scoring *higher* is no evasion), {no_drop} of "
        f"{len(ours)}. "
        f"'flagged' = share at or above the hold threshold (baseline: 0.5).", "",
        md_table(["score", "perturbation", "model", "n", "median orig", "median pert", "shift of median",
                  "median Δ", "flagged orig", "flagged pert", "within 0.10"], rows), "",
        "![robustness](robustness.png)", "",
    ]


def report(res: dict[str, Any]) -> str:
    meta = res["meta"]
    thr_rows = [[h, v.get("hold"), v.get("reject")] for h, v in meta["thresholds"].items()
                if isinstance(v, dict)]
    lines = [
        f"# Evaluation report: model `{meta['model_version']}`", "",
        "Produced by `moderation evaluate` (`classifiers.evaluation.run.main`); machine-readable numbers "
        "in `results.json`. Regenerate with `moderation evaluate --out classifiers/reports`.", "",
        f"- Held-out split: {meta['n_test']:,} rows (train split {meta['n_train']:,}): the split "
        "`moderation train` makes (`classifiers.training.run.split_examples`, stratified by source and "
        "label, the model's seed), reproduced from the data; the shipped model never saw these rows.",
        f"- Baseline: {meta['baseline']}, one per task, trained on the same rows.",
        f"- Language detection agrees with the dataset language on "
        f"{meta['language_detection_accuracy']:.1%} of held-out rows.",
        f"- Runtime: {meta['runtime_s']:.0f} s"
        + (f" (leave-one-source-out rows reused; the full run that made them took "
           f"{meta['loso_run_runtime_s']:.0f} s)" if meta.get("loso_run_runtime_s") else "")
        + " on a 2-core machine.", "",
        "Shipped thresholds:", "", md_table(["score", "hold", "reject"], thr_rows), "",
        "## 1. Leave-one-source-out (headline)", "",
    ]
    if res["loso"]:
        lines += [
            "Train on every other source, test on the left-out one. Ours at the fold "
            "model's own hold threshold, the baseline at 0.5, for every head with labels in the "
            "left-out source. Ours is trained with `classifiers.training.fit.train` (same architecture, "
            "features and encoder cascade as the shipped model; parameters "
            f"`{meta.get('loso_params') or 'training defaults'}`) on "
            + (f"at most {meta['loso_max_rows_per_source']} rows per other source"
               if meta.get("loso_max_rows_per_source") else "all rows of the other sources")
            + "; the baseline gets exactly the same rows. The left-out source is scored "
            + (f"on a fixed sample of {meta['loso_test_rows_per_source']:,} of its rows (a shuffle seeded "
               "with the source's name; the cascade embeds every routed comment, and scoring all "
               "~93,000 rows would take hours on the shared 2-core machine; ROC-AUC on 2,500 rows has "
               "a standard error of about 0.01)" if meta.get("loso_test_rows_per_source") else "in full")
            + ". 'before' (where given): "
            + (meta.get("loso_before_note") or "the previous model's training code on the same folds")
            + ". Each fold's hold threshold "
            "is picked for an assumed news-site prevalence (2-10 %, see the model card), not for the "
            "left-out set's own mix (often 30-80 % positive), so F1 at hold favours the baseline's 0.5 "
            "on these sets; ROC-AUC and PR-AUC are the threshold-free comparison."
            + (f" These rows come from the evaluation run of `{meta['loso_reused_from']}` (they depend "
               "on the training code and data, not on the evaluated artifact)."
               if meta.get("loso_reused_from") else ""), "",
            loso_table(res["loso"]), "",
        ]
    else:
        lines += ["(not run: `--no-loso`)", ""]
    lines += ["## 2. Held-out split, per language and per source", ""]
    for head in _HEADS:
        rows = res["heldout"].get(head) or []
        if rows:
            lines += [f"### {head}", "", _heldout_table(rows), ""]
    lines += ["### Ours vs baseline on the held-out split", ""]
    for task, base in res["heldout_baseline"].items():
        lines += [f"**{task}**", "", _vs_baseline(res["heldout"][task], base), ""]
    lines += ["## 3. Calibration", "", "Reliability diagrams on the held-out split, per language "
              "(10 equal-width bins; ECE in the tables above).", "",
              "![calibration](calibration.png)", "", "![calibration of sub-scores](calibration_subscores.png)",
              "", "## 4. Precision-recall curves", "", "![PR curves](pr_curves.png)", "",
              "## 5. Identity-term bias", ""]
    lines += _bias(res)
    lines += render_ham(res)
    lines += ["## 6. Functional suite (HateCheck-style)", ""]
    lines += _functional(res)
    lines += ["## 7. Robustness to evasion", ""]
    lines += _robustness(res)
    lines += ["## 8. Scoring cost", ""]
    lines += _cost(res)
    return "\n".join(lines).rstrip() + "\n"

