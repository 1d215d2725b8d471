"""Serve the app on a free port (SQLite in a temporary folder, Redis from REDIS_URL) and fuzz it with schemathesis."""
from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from moderation import create_app
from moderation.extensions import get_engine
from moderation.migrate import upgrade
from moderation.settings import generate_secrets


def main() -> int:
    """Run `st run` with every check against a freshly migrated app; returns st's exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="moderation-fuzz-"))
    app = create_app({
        "env": "testing", "database_url": f"sqlite:///{workdir}/fuzz.sqlite",
        "redis_url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"), "secrets": generate_secrets(),
        "rate_limit_enabled": False, "flood_seconds": 0, "form_token_min_seconds": 0,
        "sites": {"news": {"name": "News", "origins": ["https://news.example"]}},
    })
    upgrade(get_engine(app))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # st prints its own progress
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/openapi.json"
    config = Path(__file__).resolve().parents[1] / "schemathesis.toml"
    command = [str(Path(sys.executable).parent / "st"), "--config-file", str(config), "run", url, "--seed", str(args.seed),
               "--max-examples", str(args.max_examples), "--generation-database", "none"]
    print("$", " ".join(command), flush=True)
    return subprocess.run(command, cwd=workdir, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
