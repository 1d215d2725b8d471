"""The API keeps the contract its OpenAPI document states, under fuzzing by schemathesis (a tool we did not write).

The app is served over real HTTP; `st run` generates requests from the document (valid and invalid,
every check: server errors, status codes, response schemas, accepted invalid data, rejected valid
data, the Allow header on 405, ...) with a fixed seed and a bounded number of examples so the run
stays short. `make fuzz` runs the same with many more examples. schemathesis.toml holds the one
documented exception (reports accept only published comments, so a just-created comment is 404).
"""
from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from tests.helpers.procs import free_port

pytestmark = pytest.mark.slow
ST = Path(sys.executable).parent / "st"
CONFIG = Path(__file__).resolve().parents[1] / "schemathesis.toml"  # one documented per-operation exception


@pytest.fixture
def served(app_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    app: Flask = app_factory(flood_seconds=0, sites={"news": {"name": "News", "origins": ["https://news.example"]}})
    server: BaseWSGIServer = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_schemathesis_finds_no_failure(served: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(ST), "--config-file", str(CONFIG), "run", f"{served}/api/v1/openapi.json", "--seed", "1", "--max-examples", "25",
         "--no-color", "--generation-database", "none", "--workers", "1"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    summary = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert result.returncode == 0, result.stdout[-6000:]
    assert summary is not None and int(summary.group(1)) == int(summary.group(2)) > 200, result.stdout[-2000:]
