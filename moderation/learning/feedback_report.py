"""`moderation evaluate --feedback`: how the active model does on the moderators' (and imported) labels.

Writes REPORT.md, results.json and pictures (ROC curves per head; scores per label reason) like the
classifiers' evaluation report. Pictures need matplotlib (a development dependency, as for
`moderation evaluate`); without it the report is written with its tables only.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from moderation.learning.labelrows import HEADS, label_rows
from moderation.learning.trainer import TrainingRefused
from moderation.registry import loading

_DPI = 80


def _plt() -> Any:
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _roc_picture(plt: Any, rows: list[dict[str, Any]], scores: list[dict[str, Any]], path: Path) -> bool:
    from sklearn.metrics import roc_auc_score, roc_curve

    fig, ax = plt.subplots(figsize=(5.5, 5.0))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
    drawn = False
    for head in HEADS:
        pairs = [(r["labels"][head], s[head]) for r, s in zip(rows, scores, strict=True) if r["labels"][head] is not None]
        y = [int(a) for a, _ in pairs]
        if 0 < sum(y) < len(y):
            p = [b for _, b in pairs]
            fpr, tpr, _ = roc_curve(y, p)
            ax.plot(fpr, tpr, lw=1.5, label=f"{head} (AUC {roc_auc_score(y, p):.3f}, n={len(y):,})")
            drawn = True
    ax.set_xlabel("false-positive rate")
    ax.set_ylabel("true-positive rate")
    ax.set_title("ROC on the labels, per head")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)
    return drawn


def _reason_picture(plt: Any, by_reason: dict[str, dict[str, list[float]]], thresholds: dict[str, Any], path: Path) -> None:
    reasons = sorted(by_reason)
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.5 * len(reasons) + 2.0), squeeze=False)
    for ax, head in zip(axes[0], ("toxicity", "spam"), strict=True):
        data = [by_reason[r][head] or [0.0] for r in reasons]
        ax.boxplot(data, orientation="horizontal", tick_labels=[f"{r} ({len(by_reason[r][head])})" for r in reasons], showfliers=False)
        for point, style in (("hold", "--"), ("reject", ":")):
            value = thresholds.get(head, {}).get(point)
            if value is not None:
                ax.axvline(value, ls=style, color="grey", lw=1, label=f"{point} {value:.2f}")
        ax.set_xlim(0, 1)
        ax.set_title(f"{head} score by label reason")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)


def _md_table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return "—" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write(sessions: sessionmaker[Session], site_id: str | None, out_dir: Path, console: Console) -> Path:
    """Score every label with the active model and write the report; returns REPORT.md's path."""
    from classifiers.training.feedback import LabelRow, head_metrics

    with sessions() as session:
        rows = label_rows(session, site_id)
        model, origin = loading.active_model(session, site_id)
    if not rows:
        raise TrainingRefused(f"no labels for {site_id or 'any site'} yet")
    with console.status(f"scoring {len(rows):,} labelled comments with {model.version}"):
        scores = model.score_many([r["text"] for r in rows])
        metrics = head_metrics(model, [LabelRow(r["text"], r["labels"], r["order"]) for r in rows])
    by_reason: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"toxicity": [], "spam": []})
    per_reason: dict[str, dict[str, Any]] = {}
    for r, s in zip(rows, scores, strict=True):
        reason = r["reason"] or r["source"]
        for head in ("toxicity", "spam"):
            by_reason[reason][head].append(float(s[head]))
        entry = per_reason.setdefault(reason, {"n": 0, "held_or_worse": 0})
        entry["n"] += 1
        entry["held_or_worse"] += any(float(s[h]) >= float(model.thresholds[h]["hold"]) for h in HEADS)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {"site": site_id, "model": model.version, "model_origin": origin, "labels": len(rows), "heads": metrics,
               "reasons": per_reason, "thresholds": model.thresholds}
    (out_dir / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    lines = [f"# The active model on the moderators' labels: {site_id or 'all sites'}", "",
             f"Model `{model.version}` ({origin} model), {len(rows):,} labels (imported statuses and final "
             "moderator decisions; per head 1, 0 or unknown). Regenerate with "
             f"`moderation evaluate --feedback{' --site ' + site_id if site_id else ''}`.", "", "## Per head", "",
             _md_table(["head", "labelled", "positives", "ROC-AUC", "PR-AUC", "precision@hold", "recall@hold",
                        "precision@reject", "recall@reject"],
                       [[h, m["n"], m["positives"], m["roc_auc"], m["pr_auc"], m.get("precision_hold"), m.get("recall_hold"),
                         m.get("precision_reject"), m.get("recall_reject")] for h, m in metrics.items()]), "",
             "## Per label reason", "",
             "How often the model would have held (or done more to) the comments of each reason, at its thresholds.", "",
             _md_table(["reason", "labels", "held or worse", "share"],
                       [[k, v["n"], v["held_or_worse"], v["held_or_worse"] / v["n"]] for k, v in sorted(per_reason.items())])]
    plt = _plt()
    if plt is None:
        lines += ["", "(Pictures need matplotlib: `pip install matplotlib`.)"]
    else:
        if _roc_picture(plt, rows, scores, out_dir / "roc.png"):
            lines += ["", "## ROC per head", "", "![ROC curves per head](roc.png)"]
        _reason_picture(plt, by_reason, model.thresholds, out_dir / "scores_by_reason.png")
        lines += ["", "## Scores by label reason", "", "Boxes: the middle half of the scores; lines: the model's hold "
                  "(dashed) and reject (dotted) thresholds.", "", "![Scores by label reason](scores_by_reason.png)"]
    path = out_dir / "REPORT.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
