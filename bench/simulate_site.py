"""Simulate a site that switches to us with its WordPress history, through the real commands.

For each left-out source S (a public dataset the base model is not trained on in that run):

1. the base model is trained on every other source (their training split) and made the global
   active version of a fresh service (SQLite);
2. S is shuffled and halved; N comments of the first half are written as a WordPress export
   (WXR 1.2: clean comments approved, positives trashed for a toxicity source or marked spam for a
   spam source) and imported: `moderation import wordpress FILE --site S`;
3. `moderation train --with-feedback --site S --data DIR` (DIR: the datasets without S) trains
   the site's model, compares it with the base model and lets the gate decide;
4. the other half of S is scored with both versions (`moderation score --model V --jsonl`) and
   the ROC-AUC of the source's head is compared; "elsewhere" is the candidate's change on the other
   sources' test splits, from the training run's evaluation (`moderation models show V --json`).

    python bench/simulate_site.py --data ../shared/datasets --left-out netifier-id judol-youtube-comments-id \\
        --write-readme

Training uses the full model unless --n-features is given. Run it niced on a shared machine.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.learning.exports import C, write_wxr  # noqa: E402

HEAD = {"toxicity": "toxicity", "spam": "spam"}


def _env(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    env["MODERATION_CONFIG"] = str(config)
    return env


def moderation(config: Path, *args: str, stdin: str | None = None, log: Path | None = None) -> str:
    """Run the `moderation` command as a site would; its stdout (stderr to `log`)."""
    exe = Path(sys.executable).parent / "moderation"
    with (log or Path(os.devnull)).open("a") as err:
        done = subprocess.run([str(exe), *args], input=stdin, capture_output=False, stdout=subprocess.PIPE, stderr=err,
                              text=True, env=_env(config), cwd=config.parent, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"moderation {' '.join(args)} failed ({done.returncode}); see {log}")
    return done.stdout


def datasets_without(data: Path, source: str, into: Path) -> Path:
    """A datasets folder of symlinks to every source but one."""
    into.mkdir(parents=True, exist_ok=True)
    for folder in data.iterdir():
        if folder.is_dir() and folder.name != source and not (into / folder.name).exists():
            (into / folder.name).symlink_to(folder.resolve())
    return into


def site_halves(examples: list[Any], seed: int) -> tuple[list[Any], list[Any]]:
    rows = list(examples)
    random.Random(seed).shuffle(rows)
    return rows[: len(rows) // 2], rows[len(rows) // 2:]


def write_export(path: Path, rows: list[Any], task: str) -> Path:
    """Clean comments approved; positives trashed (toxicity) or spam (spam); one a day, oldest first."""
    comments = []
    for i, ex in enumerate(rows):
        approved = "1" if not ex.label else ("trash" if task == "toxicity" else "spam")
        day = f"{2020 + i // 336}-{1 + (i // 28) % 12:02d}-{1 + i % 28:02d} 12:00:00"
        comments.append(C(str(i + 1), ex.text, approved=approved, email=f"reader{i % 300}@example.org", date=day,
                          ip=f"203.0.{i % 250}.9"))
    per_post = 50
    posts = {f"https://site.example/berita/{n}/": comments[n * per_post:(n + 1) * per_post]
             for n in range((len(comments) + per_post - 1) // per_post)}
    return write_wxr(path, posts)


def roc_auc(config: Path, version: str, rows: list[Any], head: str, log: Path) -> float:
    from sklearn.metrics import roc_auc_score

    stdin = "".join(json.dumps({"text": ex.text}) + "\n" for ex in rows)
    out = moderation(config, "score", "--model", version, "--jsonl", stdin=stdin, log=log)
    scores = [json.loads(line)[head] for line in out.splitlines()]
    return float(roc_auc_score([ex.label for ex in rows], scores))


def simulate(source: str, data: Path, work: Path, n_import: int, seed: int = 0, n_features: int = 0,
             base_examples: list[Any] | None = None, site_examples: list[Any] | None = None,
             encoder: bool = True) -> dict[str, Any]:
    """One left-out source, end to end; returns the figures of one table row (``encoder=False``:
    both models are trained without the sentence-encoder stage)."""
    import tomli_w

    from classifiers.artifacts import save
    from classifiers.training.datasets import load_corpus, load_slang
    from classifiers.training.fit import train
    from classifiers.training.run import split_examples
    from moderation.settings import generate_secrets

    work.mkdir(parents=True, exist_ok=True)
    log = work / "commands.log"
    without = datasets_without(data, source, work / "datasets")
    site_rows = site_examples if site_examples is not None else load_corpus(data, [source])
    task = site_rows[0].task
    base = base_examples if base_examples is not None else load_corpus(without)
    started = time.perf_counter()
    params: dict[str, Any] = {"n_features": n_features} if n_features else {}
    if not encoder:
        params["encoder"] = False
    base_model = train(split_examples(base, seed)[0], random_state=seed, progress=False, slang=load_slang(without), **params)
    base_model.version = f"base-without-{source}"[:100]
    save(base_model, work / "base.skops")
    base_seconds = time.perf_counter() - started
    config = work / "moderation.toml"
    config.write_text(tomli_w.dumps({
        "database_url": f"sqlite:///{work / 'site.sqlite'}", "instance_path": str(work / "instance"),
        "learning": {"data_dir": str(without), "n_features": n_features, "encoder": encoder},
        "secrets": generate_secrets()}), encoding="utf-8")
    moderation(config, "db", "upgrade", log=log)
    moderation(config, "create-site", source, "--origin", "https://site.example", log=log)
    _store_base(config, work / "base.skops", base_model.version, base_model.thresholds)
    imported, unseen = site_halves(site_rows, seed)
    export = write_export(work / "export.xml", imported[:n_import], task)
    started = time.perf_counter()
    moderation(config, "import", "wordpress", str(export), "--site", source, log=log)
    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    moderation(config, "train", "--with-feedback", "--site", source, "--data", str(without), log=log)
    train_seconds = time.perf_counter() - started
    listing = json.loads(moderation(config, "models", "list", "--json", log=log))
    candidate = next(v["version"] for v in listing["versions"] if v["version"] != base_model.version)
    shown = json.loads(moderation(config, "models", "show", candidate, "--json", log=log))
    head = HEAD[task]
    base_auc = roc_auc(config, base_model.version, unseen, head, log)
    new_auc = roc_auc(config, candidate, unseen, head, log)
    ev = shown["evaluation"]
    elsewhere = {s: round(m["roc_auc"] - ev["base"]["active"][s]["roc_auc"], 4) for s, m in ev["base"]["candidate"].items()
                 if m.get("roc_auc") is not None and ev["base"]["active"].get(s, {}).get("roc_auc") is not None}
    return {"source": source, "task": task, "head": head, "imported": len(imported[:n_import]),
            "imported_positive": sum(ex.label for ex in imported[:n_import]), "unseen": len(unseen),
            "unseen_positive": sum(ex.label for ex in unseen), "base_auc": round(base_auc, 4), "new_auc": round(new_auc, 4),
            "change": round(new_auc - base_auc, 4), "elsewhere": elsewhere,
            "worst_elsewhere": min(elsewhere.values()) if elsewhere else None,
            "mean_elsewhere": round(sum(elsewhere.values()) / len(elsewhere), 4) if elsewhere else None,
            "gate": ev["gate"], "activated": listing["active"].get(source) == candidate,
            "weight": shown["info"]["weight"][head], "candidate": candidate, "active_in": shown["active_in"],
            "seconds": {"base_training": round(base_seconds), "import": round(import_seconds, 1),
                        "feedback_training": round(train_seconds)}}


def _store_base(config: Path, path: Path, version: str, thresholds: dict[str, Any]) -> None:
    """Put the base model in the registry as the global active version (as an operator would with the API)."""
    os.environ["MODERATION_CONFIG"] = str(config)
    from moderation import create_app
    from moderation.db import session_scope
    from moderation.registry import store

    app = create_app()
    with session_scope(app) as session:
        store.store(session, version=version, artifact=path.read_bytes(), thresholds=thresholds, created_by="simulation")
        store.activate(session, version, None, "simulation")
    app.extensions["db_engine"].dispose()
    del os.environ["MODERATION_CONFIG"]


def write_readme(results: list[dict[str, Any]], load: float, args: argparse.Namespace) -> None:
    """Replace the simulation table in bench/README.md."""
    import platform

    lines = [f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, 1-minute load average before the run {load:.1f} (shared machine, run with "
             f"`nice -n 10`); {args.n_import:,} comments imported per site; model "
             f"{'full (2^19 features)' if not args.n_features else f'{args.n_features} features'}.", "",
             "| source left out | task | labels imported (positive) | unseen half (positive) | ROC-AUC base | "
             "ROC-AUC retrained | change | change elsewhere: worst (mean) | gate | site row weight (its head) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in results:
        lines.append(f"| {r['source']} | {r['task']} | {r['imported']:,} ({r['imported_positive']:,}) | {r['unseen']:,} "
                     f"({r['unseen_positive']:,}) | {r['base_auc']:.3f} | {r['new_auc']:.3f} | {r['change']:+.3f} | "
                     f"{r['worst_elsewhere']:+.3f} ({r['mean_elsewhere']:+.3f}) | "
                     f"{'activated' if r['activated'] else 'kept the base'} | {r['weight']} |")
    lines += ["", "Change elsewhere, per source (retrained minus base, ROC-AUC on each source's test split):", "",
              "| source left out | " + " | ".join(sorted({s for r in results for s in r["elsewhere"]})) + " |",
              "|---|" + "---:|" * len({s for r in results for s in r["elsewhere"]})]
    for r in results:
        lines.append(f"| {r['source']} | " + " | ".join(f"{r['elsewhere'][s]:+.3f}" if s in r["elsewhere"] else "—"
                                                      for s in sorted({s for r in results for s in r["elsewhere"]})) + " |")
    lines += ["", "Seconds: " + "; ".join(f"{r['source']}: base training {r['seconds']['base_training']}, import "
                                          f"{r['seconds']['import']}, training with feedback {r['seconds']['feedback_training']}"
                                          for r in results) + "."]
    readme = REPO / "bench" / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- simulate_site:start -->", "<!-- simulate_site:end -->"
    block = start + "\n" + "\n".join(lines) + "\n" + end
    text = text[:text.index(start)] + block + text[text.index(end) + len(end):] if start in text else text + "\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "datasets")
    parser.add_argument("--left-out", nargs="+", default=["netifier-id", "judol-youtube-comments-id"])
    parser.add_argument("--import", dest="n_import", type=int, default=1500)
    parser.add_argument("--n-features", type=int, default=0)
    parser.add_argument("--no-encoder", action="store_true", help="train without the sentence-encoder stage")
    parser.add_argument("--work", type=Path, default=Path("/tmp/moderation-simulation"))
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    results = []
    for source in args.left_out:
        print(f"== {source}", flush=True)
        row = simulate(source, args.data, args.work / source, args.n_import, n_features=args.n_features,
                       encoder=not args.no_encoder)
        print(json.dumps(row, indent=2), flush=True)
        results.append(row)
        (args.work / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.write_readme:
        write_readme(results, load, args)


if __name__ == "__main__":
    main()
