"""The web benchmark's smoke mode: real gunicorn, a real Celery worker with the shipped model, Redis and
SQLite under a few seconds of load; it must leave no accepted comment undecided."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary")]


@pytest.mark.timeout(180)
def test_bench_web_quick_decides_every_accepted_comment() -> None:
    run = subprocess.run([sys.executable, str(REPO / "bench" / "bench_web.py"), "--quick"], cwd=REPO,
                         capture_output=True, text=True, timeout=170)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = re.search(r"quick: (\d+)/(\d+) accepted .* decided (\d+),", run.stdout)
    assert summary, run.stdout
    accepted, sent, decided = map(int, summary.groups())
    assert accepted == sent > 0 and decided == accepted


@pytest.mark.timeout(120)
def test_bench_worker_path_quick_decides_every_comment() -> None:
    run = subprocess.run([sys.executable, str(REPO / "bench" / "bench_worker_path.py"), "--quick"], cwd=REPO,
                         capture_output=True, text=True, timeout=110)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]  # exits 1 if any comment is left pending
    assert re.search(r"^fake +\d+\.\d+ +\d+\.\d+ +\d+\.\d+ ", run.stdout, re.MULTILINE), run.stdout


@pytest.mark.timeout(120)
def test_bench_submit_path_quick_accepts_every_comment_with_four_statements() -> None:
    run = subprocess.run([sys.executable, str(REPO / "bench" / "bench_submit_path.py"), "--quick"], cwd=REPO,
                         capture_output=True, text=True, timeout=110)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]  # exits 1 if any submit was refused
    summary = re.search(r"(\d+)/(\d+) accepted; .* best (\d+\.\d+); statements per submit (\d+) ", run.stdout)
    assert summary, run.stdout
    assert summary[1] == summary[2] and float(summary[3]) > 0
    assert summary[4] == "4", run.stdout  # the lookup SELECT, the new author, the comment, its outbox row
