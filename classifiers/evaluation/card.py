"""Keep the model card's number tables in step with the evaluation results.

``MODEL_CARD.md`` holds blocks between ``<!-- auto:NAME -->`` and ``<!-- /auto:NAME -->``; each is
rewritten from ``results.json`` by :func:`update_model_card` (``moderation evaluate`` does it when
it writes the package's own report). Prose outside the blocks is left alone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .metrics import md_table
from .report import loso_table
from .robustness import TARGET
from .suites import pass_rates

__all__ = ["card_blocks", "update_model_card"]


def _heldout(res: dict[str, Any]) -> str:
    rows = []
    for head in ("toxicity", "identity_hate", "spam", "gambling_promo"):
        for r in res["heldout"].get(head, []):
            if r["kind"] == "language" and r["pos"]:
                rows.append([f"{head}, {r['group']}", r["n"], r["roc_auc"], r["pr_auc"], r["precision"],
                             r["recall"], r["ece"]])
    return md_table(["score, language", "rows", "ROC-AUC", "PR-AUC", "precision@hold", "recall@hold",
                     "ECE"], rows)


def _thresholds(res: dict[str, Any]) -> str:
    return md_table(["score", "hold", "reject"],
                    [[h, t.get("hold"), t.get("reject")] for h, t in res["meta"]["thresholds"].items()])


def _bias(res: dict[str, Any]) -> str:
    names = {"seen_terms": "terms also used by the debiasing data, new templates",
             "unseen_terms": "terms and templates never seen in training"}
    rows = []
    for key, sets in res["bias"].items():
        get = {m: {(r["category"], r["language"]): r for r in sets[m]} for m in ("ours", "baseline")}
        n = get["ours"][("all", "all")]["n"]
        rows.append([f"{names.get(key, key)} ({n})"] + [get[m][("all", lang)]["fpr"]
                                                        for m in ("ours", "baseline") for lang in ("id", "en")])
    thr = res["bias_thresholds"]
    return (md_table(["neutral sentences", "ours id", "ours en", "baseline id", "baseline en"], rows)
            + f"\n\nToxicity FPR at the hold threshold ({thr['ours']:.3f}); the baseline at the threshold "
              f"giving it the same held-out recall ({thr['baseline_matched']:.3f}).")


def _functional(res: dict[str, Any]) -> str:
    rates = {m: pass_rates(r) for m, r in res["functional"].items() if m != "baseline"}
    models = [m for m in ("before", "ngram_only", "ours") if m in rates]
    names = {"before": "before", "ngram_only": "n-grams only", "ours": "ours"}
    o = rates["ours"]
    funcs = sorted({f for f, _ in o if f != "all"})

    def cell(m: str, f: str, lang: str) -> str:
        got = rates[m].get((f, lang))
        return "–" if not got else (f"{got[0]}/{got[1]}" if f != "all" else f"{got[0]}/{got[1]} ({got[0] / got[1]:.0%})")

    rows = [[f if f != "all" else "**all**"] + [cell(m, f, lang) for lang in ("id", "en") for m in models]
            for f in [*funcs, "all"]]
    headers = ["functionality"] + [f"{lang}, {names[m]}" for lang in ("id", "en") for m in models]
    text = md_table(headers, rows)
    gh = res.get("group_hate")
    if gh:
        text += "\n\n" + md_table(
            ["model", "lang", "identity_hate recall, group hate", "identity_hate FPR, insults naming no group"],
            [[names.get(m, m), lang, f"{v['recall']:.2f} ({v['group_hate_flagged']}/{v['group_hate_n']})",
              f"{v['fpr']:.2f} ({v['no_group_flagged']}/{v['no_group_n']})"]
             for m in models if m in gh for lang, v in gh[m].items() if lang != "all"])
    return text


def _cost(res: dict[str, Any]) -> str:
    c = res.get("cost") or {}
    t, mem = c.get("cascade") or {}, c.get("memory") or {}
    return md_table(["mean ms / comment (mix)", "p99 ms", "routed to encoder", "worker RSS MB", "load average"],
                    [[t.get("mean_ms"), t.get("p99_ms"), c.get("routed_share"), mem.get("rss_mb"),
                      c.get("load_average")]])


def _robustness(res: dict[str, Any]) -> str:
    rows = [[r["score"], r["perturbation"], r["median_original"], r["median_perturbed"], r["median_shift"],
             "yes" if r["within_target"] else "**no**"] for r in res["robustness"] if r["model"] == "ours"]
    return md_table(["score", "perturbation", "median original", "median perturbed", "shift",
                     f"within {TARGET:.2f}"], rows)


def card_blocks(res: dict[str, Any]) -> dict[str, str]:
    """Block name -> Markdown."""
    blocks = {
        "version": f"`{res['meta']['model_version']}`",
        "heldout": _heldout(res),
        "thresholds": _thresholds(res),
        "bias": _bias(res),
        "functional": _functional(res),
        "robustness": _robustness(res),
    }
    if res.get("cost"):
        blocks["cost"] = _cost(res)
    if res.get("loso"):
        blocks["loso"] = loso_table(res["loso"])
    return blocks


def _replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the auto block ``name`` (between its two markers) holding ``body``."""
    pattern = re.compile(rf"(<!-- auto:{name} -->)(.*?)(<!-- /auto:{name} -->)", re.S)
    return pattern.sub(lambda m: f"{m.group(1)}\n{body}\n{m.group(3)}", text)


def update_model_card(res: dict[str, Any], card: Path) -> bool:
    """Rewrite the auto blocks of ``card``; returns whether the file changed."""
    text = card.read_text(encoding="utf-8")
    new = text
    for name, body in card_blocks(res).items():
        new = _replace_block(new, name, body)
    if new != text:
        card.write_text(new, encoding="utf-8")
    return new != text
