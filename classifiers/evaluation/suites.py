"""Identity-term bias and the functional (HateCheck-style) suite, for any scorer.

A *scorer* is ``callable(texts) -> list[dict]`` whose dicts hold score names (``toxicity``,
``identity_hate``, ...). Our model is ``model.score_many``; the baseline scorer returns only
``toxicity``. Cases whose target score a scorer does not produce are skipped for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .functional_cases import CASES, FUNCTIONALITIES, Case

__all__ = [
    "Scorer",
    "as_records",
    "bias_table",
    "functional_table",
    "neutral_sentences",
    "run_functional",
]

Scorer = Callable[[list[str]], Sequence[Mapping[str, Any]]]


def neutral_sentences() -> dict[str, list[dict[str, str]]]:
    """Neutral templated sentences never used in training, as records, in two sets.

    ``seen_terms``: ``classifiers.training.bias_terms.evaluation_neutral_sentences()`` (held-out
    templates, but the identity terms also occur in the neutral training sentences); ``unseen_terms``:
    :mod:`classifiers.evaluation.bias_eval_templates` (terms and templates the training never saw).
    """
    from classifiers.training import bias_terms

    from . import bias_eval_templates

    category = {
        (term, lang): cat
        for lang, table in (("id", bias_terms.IDENTITY_TERMS_ID), ("en", bias_terms.IDENTITY_TERMS_EN))
        for cat, terms in table.items()
        for term in terms
    }
    seen = [
        {"text": text, "language": lang, "category": category.get((term, lang), "other"), "term": term}
        for text, lang, term in bias_terms.evaluation_neutral_sentences()
    ]
    return {"seen_terms": seen, "unseen_terms": as_records(bias_eval_templates.sentences())}


def _get(item: Any, *names: str) -> Any:
    for n in names:
        if isinstance(item, Mapping) and n in item:
            return item[n]
        if hasattr(item, n):
            return getattr(item, n)
    return None


def as_records(items: Iterable[Any]) -> list[dict[str, str]]:
    """Accept dicts, dataclasses/namedtuples or (text, language, category[, term]) tuples."""
    out = []
    for it in items:
        if isinstance(it, tuple) and not hasattr(it, "_fields"):
            text, lang, cat, *rest = it
            term = rest[0] if rest else ""
        else:
            text = _get(it, "text", "sentence")
            lang = _get(it, "language", "lang")
            cat = _get(it, "category", "kind", "group")
            term = _get(it, "term", "identity", "name") or ""
        out.append({"text": str(text), "language": str(lang), "category": str(cat), "term": str(term)})
    return out


def bias_table(
    records: Sequence[Mapping[str, str]], scores: Iterable[float], threshold: float
) -> list[dict[str, Any]]:
    """FPR (share at or above ``threshold``) and mean score per (category, language), plus totals."""
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for rec, s in zip(records, scores, strict=True):
        groups[(rec["category"], rec["language"])].append(float(s))
        groups[("all", rec["language"])].append(float(s))
        groups[("all", "all")].append(float(s))
    rows = []
    for (cat, lang), vals in sorted(groups.items(), key=lambda kv: (kv[0][0] == "all", kv[0])):
        arr = np.asarray(vals)
        rows.append({
            "category": cat,
            "language": lang,
            "n": int(arr.size),
            "fpr": float(np.mean(arr >= threshold)),
            "mean": float(arr.mean()),
            "max": float(arr.max()),
        })
    return rows


def worst_terms(
    records: Sequence[Mapping[str, str]], scores: Iterable[float], threshold: float, k: int = 8
) -> list[dict[str, Any]]:
    """Terms with the highest FPR (ties: mean score), for the report."""
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for rec, s in zip(records, scores, strict=True):
        if rec.get("term"):
            groups[(rec["term"], rec["language"])].append(float(s))
    rows: list[dict[str, Any]] = [
        {"term": t, "language": lang, "n": len(v), "fpr": float(np.mean(np.asarray(v) >= threshold)),
         "mean": float(np.mean(v))}
        for (t, lang), v in groups.items()
    ]
    rows.sort(key=lambda r: (-r["fpr"], -r["mean"]))
    return rows[:k]


def run_functional(
    scorer: Scorer, thresholds: Mapping[str, float], cases: Sequence[Case] = CASES
) -> list[dict[str, Any]]:
    """Score every case; a case passes when (score >= hold threshold) == expected."""
    usable = [c for c in cases if c.target in thresholds]
    results = scorer([c.text for c in usable]) if usable else []
    out = []
    for case, res in zip(usable, results, strict=True):
        if case.target not in res:
            continue
        score = float(res[case.target])
        flagged = score >= thresholds[case.target]
        out.append({
            "text": case.text,
            "language": case.language,
            "functionality": case.functionality,
            "target": case.target,
            "expected": case.expected,
            "score": score,
            "passed": flagged == bool(case.expected),
        })
    return out


def pass_rates(results: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(functionality, language) -> (passed, total); also ('all', language) and ('all', 'all')."""
    acc: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for key in ((r["functionality"], r["language"]), ("all", r["language"]), ("all", "all")):
            acc[key][0] += int(r["passed"])
            acc[key][1] += 1
    return {k: (v[0], v[1]) for k, v in acc.items()}


def functional_table(
    results_by_model: Mapping[str, Sequence[Mapping[str, Any]]],
) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows: one row per functionality, pass rate per (model, language)."""
    rates = {m: pass_rates(r) for m, r in results_by_model.items()}
    langs = ["id", "en"]
    headers = ["functionality", "score", "expected"]
    headers += [f"{m} {lang}" for m in results_by_model for lang in langs]
    rows = []
    for func in [*FUNCTIONALITIES, "all"]:
        target, expected, _ = FUNCTIONALITIES.get(func, ("", None, ""))
        row: list[Any] = [func, target or "all", {1: "flag", 0: "pass"}[expected] if expected is not None else ""]
        for m in results_by_model:
            for lang in langs:
                got = rates[m].get((func, lang))
                row.append(f"{got[0]}/{got[1]} ({got[0] / got[1]:.0%})" if got else "–")
        rows.append(row)
    return headers, rows


GROUP_HATE_FUNCTIONALITIES = ("identity_derogation", "group_hate_implicit")
NO_GROUP_FUNCTIONALITIES = ("insult_no_group", "insult_direct")


def group_hate_summary(scorer: Scorer, identity_hold: float,
                       cases: Sequence[Case] = CASES) -> dict[str, dict[str, Any]]:
    """Per language (and 'all'): identity_hate recall at hold on the group-hate cases and its
    false-positive rate on insults that name no group (both functionalities' texts)."""
    hate = [c for c in cases if c.functionality in GROUP_HATE_FUNCTIONALITIES]
    plain = [c for c in cases if c.functionality in NO_GROUP_FUNCTIONALITIES]
    scores = scorer([c.text for c in hate + plain])
    flagged = [float(s["identity_hate"]) >= identity_hold for s in scores]
    out: dict[str, dict[str, Any]] = {}
    for lang in ("id", "en", "all"):
        h = [f for c, f in zip(hate, flagged[:len(hate)], strict=True) if lang in ("all", c.language)]
        p = [f for c, f in zip(plain, flagged[len(hate):], strict=True) if lang in ("all", c.language)]
        out[lang] = {"group_hate_n": len(h), "group_hate_flagged": sum(h), "recall": sum(h) / len(h),
                     "no_group_n": len(p), "no_group_flagged": sum(p), "fpr": sum(p) / len(p)}
    return out
