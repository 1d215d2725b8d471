"""Learning from the site's moderators (issue 9): import, retraining and a worker's switch to a new version.

- **import**: `moderation import wordpress` of a generated WXR export with 100,000 comments (2,000
  posts, 10,000 authors, a fifth of them replies; 70 % approved, 10 % held, 10 % spam, 10 % trash),
  in its own process: wall time and peak resident memory (`ru_maxrss` of that process, os.wait4).
  Targets: under 2 minutes, under 500 MB.
- **retrain**: `moderation train --with-feedback --site bench` with 10,000 labels (an export built
  from a public Indonesian dataset) on top of the full base datasets: wall time and peak memory.
- **switch**: a real worker process scoring comments while a new version (a full-size artifact) is
  activated: seconds from the activation's commit to the first decision made with it (the worker
  checks every `learning.model_check_seconds`, 5 s by default, then loads the artifact).

    python bench/bench_learning.py [--only import|retrain|switch] [--data ../shared/datasets] [--write-readme]
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.simulate_site import write_export  # noqa: E402
from tests.learning.exports import C, write_wxr  # noqa: E402

WORDS = ("berita", "jalan", "warga", "kota", "pemerintah", "harga", "beras", "banjir", "sekolah", "guru", "pasar",
         "presiden", "menteri", "rakyat", "setuju", "bagus", "sekali", "terima", "kasih", "semoga", "cepat",
         "diperbaiki", "tolong", "dong", "kapan", "lagi", "memang", "benar", "sih")


def _config(work: Path, data: Path | None = None) -> Path:
    import tomli_w

    from moderation.settings import generate_secrets

    conf: dict[str, Any] = {"database_url": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite'}",
                            "instance_path": str(work / "instance"), "secrets": generate_secrets()}
    if data is not None:
        conf["learning"] = {"data_dir": str(data)}
    path = work / "moderation.toml"
    path.write_text(tomli_w.dumps(conf), encoding="utf-8")
    return path


def run(config: Path, *args: str) -> tuple[float, float]:
    """Run `moderation ARGS` as its own process: (seconds, peak resident MB of that process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    env["MODERATION_CONFIG"] = str(config)
    started = time.perf_counter()
    with (config.parent / "commands.log").open("a") as log:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "moderation"), *args], env=env, cwd=config.parent,
                                stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"moderation {' '.join(args)} failed; see {config.parent / 'commands.log'}")
    return seconds, usage.ru_maxrss / 1024


def generated_export(path: Path, n: int = 100_000, seed: int = 0) -> Path:
    rng = random.Random(seed)
    statuses = ["1"] * 7 + ["0", "spam", "trash"]
    posts: dict[str, list[C]] = {}
    for i in range(n):
        post = f"https://bench.example/berita/{i % 2000}/"
        siblings = posts.setdefault(post, [])
        parent = rng.choice(siblings).id if siblings and rng.random() < 0.2 else "0"
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
        siblings.append(C(str(i + 1), text, approved=rng.choice(statuses), parent=parent,
                          email=f"pembaca{rng.randrange(10_000)}@example.org", ip=f"198.51.{rng.randrange(256)}.{rng.randrange(256)}",
                          date=f"{2015 + i * 10 // n}-{1 + i % 12:02d}-{1 + i % 28:02d} 08:00:00"))
    return write_wxr(path, posts)


def bench_import(work: Path) -> dict[str, Any]:
    config = _config(work)
    run(config, "db", "upgrade")
    run(config, "create-site", "bench", "--origin", "https://bench.example")
    export = generated_export(work / "export.xml")
    seconds, peak = run(config, "import", "wordpress", str(export), "--site", "bench")
    again, _ = run(config, "import", "wordpress", str(export), "--site", "bench")
    return {"comments": 100_000, "file_mb": round(export.stat().st_size / 1e6, 1), "seconds": round(seconds, 1),
            "peak_mb": round(peak), "rerun_seconds": round(again, 1),
            "backend": "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"}


def bench_retrain(work: Path, data: Path, n_labels: int = 10_000) -> dict[str, Any]:
    from classifiers.training.datasets import load_corpus

    config = _config(work, data)
    run(config, "db", "upgrade")
    run(config, "create-site", "bench", "--origin", "https://bench.example")
    rows = load_corpus(data, ["id-multilabel-hate-abusive"])
    random.Random(0).shuffle(rows)
    run(config, "import", "wordpress", str(write_export(work / "labels.xml", rows[:n_labels], "toxicity")), "--site", "bench")
    seconds, peak = run(config, "train", "--with-feedback", "--site", "bench", "--data", str(data))
    return {"labels": n_labels, "seconds": round(seconds), "peak_mb": round(peak)}


def bench_switch(work: Path, rounds: int = 3) -> dict[str, Any]:
    from sqlalchemy import select

    import classifiers
    from classifiers.artifacts import dumps
    from moderation.db import session_scope
    from moderation.models import Decision
    from moderation.registry import store
    from moderation.services import sites
    from tests.helpers.stack import Stack

    stack = Stack(work / "stack")
    try:
        shipped = classifiers.load_default()
        versions = []
        with session_scope(stack.app) as session:
            sites.sync_sites(session, stack.app.extensions["settings"])
            for name in ("bench-a", "bench-b"):
                shipped.version = name
                store.store(session, version=name, artifact=dumps(shipped), thresholds=shipped.thresholds)
                versions.append(name)
        stack.worker()
        stack.wait_decided(stack.post("Tulisan yang bagus, terima kasih.").get_json()["id"], timeout=120)
        waits = []
        for i in range(rounds):
            target = versions[i % 2]
            with session_scope(stack.app) as session:
                store.activate(session, target, None, "bench")
            activated = time.time()
            while True:
                cid = stack.post(f"Komentar {i} nomor {time.time()}").get_json()["id"]
                stack.wait_decided(cid, timeout=120)
                with session_scope(stack.app) as session:
                    decision = session.scalars(select(Decision).where(Decision.comment_id == cid)).one()
                if decision.model_version == target:
                    waits.append(round(decision.created_at.timestamp() - activated, 1))
                    break
                time.sleep(0.2)
        size = len(dumps(shipped)) / 1e6
    finally:
        stack.close()
    return {"seconds": waits, "artifact_mb": round(size, 1), "check_seconds": 5.0}


def write_readme(results: dict[str, Any], load: float) -> None:
    lines = [f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, run "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; 1-minute load average before the run {load:.1f} "
             "(the machine is shared: absolute times are inflated when it is above the core count).", "",
             "| measure | result | target |", "|---|---:|---|"]
    if "import" in results:
        r = results["import"]
        lines += [f"| import of {r['comments']:,} WXR comments ({r['file_mb']} MB, {r['backend']}): time | {r['seconds']} s | < 120 s |",
                  f"| import: peak memory of the process | {r['peak_mb']} MB | < 500 MB |",
                  f"| the same import again (nothing added) | {r['rerun_seconds']} s | |"]
    if "retrain" in results:
        r = results["retrain"]
        lines += [f"| retraining with {r['labels']:,} labels (full base datasets): time | {r['seconds']} s | |",
                  f"| retraining: peak memory | {r['peak_mb']} MB | |"]
    if "switch" in results:
        r = results["switch"]
        lines += [f"| worker switch, activate to first decision with it ({r['artifact_mb']} MB artifact, check every "
                  f"{r['check_seconds']} s): each round | {', '.join(str(s) for s in r['seconds'])} s | a few seconds |"]
    readme = REPO / "bench" / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench_learning:start -->", "<!-- bench_learning:end -->"
    text = text[:text.index(start) + len(start)] + "\n" + "\n".join(lines) + "\n" + text[text.index(end):]
    readme.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["import", "retrain", "switch"], action="append")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "datasets")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    todo = args.only or ["import", "switch"] + (["retrain"] if args.data.is_dir() else [])
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-learning-") as tmp:
        for name in todo:
            work = Path(tmp) / name
            work.mkdir()
            results[name] = {"import": bench_import, "switch": bench_switch}[name](work) if name != "retrain" \
                else bench_retrain(work, args.data)
            print(name, results[name], flush=True)
    if args.write_readme:
        write_readme(results, load)


if __name__ == "__main__":
    main()
