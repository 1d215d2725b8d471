"""Command line: ``train``, ``score`` and ``evaluate`` (forwarded by ``moderation``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from classifiers import DEFAULT_MODEL_PATH

SCORE_KEYS = ("toxicity", "identity_hate", "spam", "gambling_promo")


def _parser() -> argparse.ArgumentParser:
    from classifiers.training.datasets import DEFAULT_DATA_DIR

    parser = argparse.ArgumentParser(prog="moderation", description="Comment classifiers")
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train", help="train the model from the public datasets")
    tr.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="datasets folder")
    tr.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH, help="artifact to write")
    tr.add_argument("--seed", type=int, default=0, help="random_state for splits and solvers")
    sc = sub.add_parser("score", help="score comments from stdin, one JSON object per line")
    sc.add_argument("--jsonl", action="store_true", help="input is JSON Lines with a 'text' field")
    sc.add_argument("--model", type=Path, default=None, help="artifact (default: shipped model)")
    ev = sub.add_parser("evaluate", help="write the evaluation report")
    ev.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    ev.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    ev.add_argument("--out", type=Path, default=Path("classifiers/reports"))
    ev.add_argument("--reuse-loso", type=Path, default=None, metavar="RESULTS_JSON",
                    help="take the leave-one-source-out rows from an earlier results.json (no retraining)")
    ev.add_argument("--no-loso", action="store_true", help="skip leave-one-source-out")
    ev.add_argument("--before", type=Path, default=None, metavar="MODEL",
                    help="a previous artifact to run on the functional suite beside this one")
    ev.add_argument("--loso-before", type=Path, default=None, metavar="JSON",
                    help="leave-one-source-out rows of the previous model (a JSON list) for the table")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "train":
        from classifiers.training.run import run_train

        return run_train(args.data, args.out, args.seed)
    if args.command == "score":
        return _score(args)
    from classifiers.evaluation.run import main as evaluate  # written separately; imported lazily on purpose

    return int(evaluate(args) or 0)


class _InputError(Exception):
    pass


def _parse_lines(raw: bytes, jsonl: bool) -> list[tuple[str, dict[str, Any]]]:
    items: list[tuple[str, dict[str, Any]]] = []
    for lineno, line in enumerate(raw.splitlines(), start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _InputError(f"line {lineno}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
        if not jsonl:
            items.append((text, {}))
            continue
        if not text.strip():
            raise _InputError(f"line {lineno}: empty line is not a JSON object")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _InputError(f"line {lineno}: invalid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise _InputError(f"line {lineno}: expected a JSON object, got {type(obj).__name__}")
        if not isinstance(obj.get("text"), str):
            raise _InputError(f"line {lineno}: field 'text' is missing or not a string")
        items.append((obj["text"], {k: v for k, v in obj.items() if k != "text"}))
    return items


def score_with(model: Any, jsonl: bool) -> int:
    """``moderation score`` with a model the caller loaded (a model registry's); same input and output."""
    return _score(argparse.Namespace(jsonl=jsonl, model=None), model)


def _score(args: argparse.Namespace, model: Any = None) -> int:
    raw = sys.stdin.buffer.read()
    try:
        items = _parse_lines(raw, args.jsonl)
    except _InputError as exc:
        print(f"moderation score: {exc}", file=sys.stderr)
        return 2
    if model is not None:
        pass
    elif args.model is not None:
        from classifiers.artifacts import load

        model = load(args.model)
    else:
        from classifiers import load_default

        model = load_default()
    results = model.score_many([t for t, _ in items], [m for _, m in items]) if items else []
    out = sys.stdout
    for res in results:
        out.write(json.dumps({k: res[k] for k in (*SCORE_KEYS, "language", "model_version")}) + "\n")
    out.flush()
    return 0
