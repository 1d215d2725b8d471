"""The candidate and the active model side by side, as rich tables (training, `models show`)."""
from __future__ import annotations

from typing import Any

from rich.table import Table


def _f(value: Any) -> str:
    return "—" if value is None else f"{value:.3f}"


def _delta(new: Any, old: Any) -> str:
    if new is None or old is None:
        return ""
    change = new - old
    colour = "green" if change > 0.0005 else "red" if change < -0.0005 else "white"
    return f"[{colour}]{change:+.3f}[/{colour}]"


def labels_table(comparison: dict[str, Any]) -> Table:
    """Per head on the newest labels: ROC-AUC, PR-AUC, precision and recall at each model's thresholds."""
    active, cand = comparison["labels"]["active"], comparison["labels"]["candidate"]
    table = Table(title=f"newest labels ({comparison['evaluation_rows']} rows, never trained on): "
                        f"active {comparison['active']} vs candidate {comparison['candidate']}")
    for col in ("head", "n", "positives", "ROC-AUC active", "candidate", "change", "PR-AUC active", "candidate",
                "precision@hold a / c", "recall@hold a / c", "precision@reject a / c", "recall@reject a / c"):
        table.add_column(col, justify="left" if col == "head" else "right")
    for head, a in active.items():
        c = cand[head]
        table.add_row(head, str(a["n"]), str(a["positives"]), _f(a["roc_auc"]), _f(c["roc_auc"]), _delta(c["roc_auc"], a["roc_auc"]),
                      _f(a["pr_auc"]), _f(c["pr_auc"]),
                      *(f"{_f(a.get(k))} / {_f(c.get(k))}" for k in ("precision_hold", "recall_hold", "precision_reject", "recall_reject")))
    return table


def base_table(comparison: dict[str, Any]) -> Table:
    """Per base dataset's test split: ROC-AUC, PR-AUC and F1 at the hold threshold, both models."""
    active, cand = comparison["base"]["active"], comparison["base"]["candidate"]
    table = Table(title="base datasets' test splits (per source)")
    for col in ("source", "head", "n", "ROC-AUC active", "candidate", "change", "PR-AUC active", "candidate", "F1@hold a / c"):
        table.add_column(col, justify="left" if col in ("source", "head") else "right")
    for source, a in active.items():
        c = cand.get(source, {})
        table.add_row(source, a["head"], str(a["n"]), _f(a["roc_auc"]), _f(c.get("roc_auc")), _delta(c.get("roc_auc"), a["roc_auc"]),
                      _f(a["pr_auc"]), _f(c.get("pr_auc")), f"{_f(a['f1_at_hold'])} / {_f(c.get('f1_at_hold'))}")
    return table
