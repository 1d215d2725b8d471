"""Ham-side checks for the report: spam false positives on news comments that cite sources,
and operating points (recall, false-positive rate, precision at an assumed news-site prevalence)
of each head on the held-out split, at the shipped thresholds and at the service's policy values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .metrics import md_table

# The service's policy defaults (moderation/settings.py): score -> (hold, action).
POLICY_DEFAULTS = {"toxicity": (0.5, 0.9), "identity_hate": (0.5, 0.9), "spam": (0.5, 0.9),
                   "gambling_promo": (0.4, 0.7)}
# Assumed share of each kind among a news site's comments (same as training's threshold rule).
DEFAULT_PREVALENCE = {"toxicity": 0.10, "identity_hate": 0.02, "spam": 0.05, "gambling_promo": 0.03}


def citation_rates(score_many: Callable[[list[str]], Sequence[Mapping[str, Any]]], thresholds: dict[str, dict[str, float]],
                   records: Sequence[tuple[str, str, bool]] | None = None) -> list[dict[str, Any]]:
    """FPR of spam / gambling_promo on the evaluation-only citation comments (all are ham)."""
    if records is None:
        from classifiers.training.synthetic_citations import citation_eval_sentences

        records = citation_eval_sentences()
    scores = score_many([r[0] for r in records])
    groups = {("all", "all"): list(range(len(records)))}
    for i, (_, lang, listed) in enumerate(records):
        groups.setdefault(("language", lang), []).append(i)
        groups.setdefault(("hosts", "all on citation list" if listed else "some not on list"), []).append(i)
    out = []
    for (kind, name), idx in groups.items():
        row: dict[str, Any] = {"kind": kind, "group": name, "n": len(idx)}
        for head in ("spam", "gambling_promo"):
            p = np.array([scores[i][head] for i in idx])
            row[f"{head}_mean"] = round(float(p.mean()), 3)
            row[f"{head}_max"] = round(float(p.max()), 3)
            for which in ("hold", "reject"):
                row[f"{head}_fpr_{which}"] = round(float(np.mean(p >= thresholds[head][which])), 3)
            row[f"{head}_fpr_0.5"] = round(float(np.mean(p >= 0.5)), 3)
        out.append(row)
    return out


def operating_points(y: np.ndarray, p: np.ndarray, head: str, thresholds: dict[str, float],
                     prevalence: float | None = None) -> list[dict[str, Any]]:
    """Recall, FPR and precision (held-out mix and assumed prevalence) at several thresholds."""
    prevalence = DEFAULT_PREVALENCE[head] if prevalence is None else prevalence
    points = [("shipped hold", thresholds["hold"]), ("shipped reject", thresholds["reject"]),
              ("policy hold", POLICY_DEFAULTS[head][0]), ("policy action", POLICY_DEFAULTS[head][1])]
    out = []
    for name, t in points:
        flagged = p >= t
        tp, fp = int(np.sum(flagged & (y == 1))), int(np.sum(flagged & (y == 0)))
        recall = tp / max(int(np.sum(y == 1)), 1)
        fpr = fp / max(int(np.sum(y == 0)), 1)
        prec = tp / (tp + fp) if tp + fp else 0.0
        denom = prevalence * recall + (1 - prevalence) * fpr
        out.append({"head": head, "point": name, "threshold": round(float(t), 4), "recall": round(recall, 3),
                    "fpr": round(fpr, 4), "precision_heldout": round(prec, 3),
                    "precision_at_prevalence": round(prevalence * recall / denom, 3) if denom else None,
                    "prevalence": prevalence})
    return out


def render(res: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if res.get("citations"):
        lines += [
            "### Spam false positives on news comments citing sources", "",
            "Hand-written legitimate comments that cite sources with 1-3 links "
            "(`classifiers/training/synthetic_citations.py`, evaluation set: templates disjoint from the "
            "training set and some hosts not on the citation-domain list; never trained on). "
            "Every one is ham, so any flag is a false positive.", "",
            md_table(["group", "n", "spam mean", "spam max", "spam FPR@hold", "spam FPR@reject",
                      "spam FPR@0.5", "gambling mean", "gambling FPR@hold"],
                     [[r["group"], r["n"], r["spam_mean"], r["spam_max"], r["spam_fpr_hold"],
                       r["spam_fpr_reject"], r["spam_fpr_0.5"], r["gambling_promo_mean"],
                       r["gambling_promo_fpr_hold"]]
                      for r in sorted(res["citations"], key=lambda r: ["all", "language", "hosts"].index(r["kind"]))]),
            "",
        ]
    if res.get("operating_points"):
        lines += [
            "### Operating points on the held-out split", "",
            "All held-out rows labelled for the score. Precision is shown at the held-out mix and "
            "re-weighted to an assumed news-site prevalence (the share of comments of that kind; an "
            "assumption, see the model card): precision = π·recall / (π·recall + (1−π)·FPR). "
            "'policy' = the service's default thresholds.", "",
            md_table(["score", "point", "threshold", "recall", "FPR", "precision (held-out mix)",
                      "π", "precision at π"],
                     [[r["head"], r["point"], r["threshold"], r["recall"], r["fpr"], r["precision_heldout"],
                       r["prevalence"], r["precision_at_prevalence"]] for r in res["operating_points"]]), "",
        ]
    return lines
