#!/usr/bin/env bash
# Run every bench/bench_*.py in turn (used by `make bench`). Extra arguments go to each bench.
# PYTHON selects the interpreter (default: python3 on PATH, e.g. the project's venv).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
status=0
for bench in bench/bench_*.py; do
    [ -e "$bench" ] || continue
    echo "== $bench"
    "$PYTHON" "$bench" "$@" || status=1
done
exit "$status"
