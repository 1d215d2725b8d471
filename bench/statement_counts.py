"""Count the SQL statements of one accepted comment (web side) and one decision (worker side).

Runs the real submit path through the Flask test client and the real worker scoring function with
a stand-in model (the classifier itself issues no SQL), on a fresh SQLite file and the Redis at
REDIS_URL. `python bench/statement_counts.py` prints a JSON line; run it at two commits to compare.
"""
from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())

from sqlalchemy import event

from moderation import create_app
from moderation.migrate import upgrade
from workers import model as model_cache
from workers import scoring


class StandIn:
    """Fixed scores, with the operating points a trained artifact carries."""

    version = "stand-in"
    thresholds = {h: {"hold": 0.5, "reject": 0.9} for h in ("toxicity", "identity_hate", "spam", "gambling_promo")}

    def score(self, text: str, **_: Any) -> dict[str, Any]:
        return {"toxicity": 0.1, "identity_hate": 0.0, "spam": 0.1, "gambling_promo": 0.0, "language": "id",
                "model_version": self.version}

    def score_and_explain(self, text: str, top_k: int = 5, **_: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.score(text), {"toxicity": []}


def _key(n: int) -> str:
    return base64.urlsafe_b64encode(bytes([n]) * 32).decode()


def main() -> None:
    """Submit one comment (after a warm-up one) and decide it, counting statements on the engine."""
    workdir = Path(tempfile.mkdtemp())
    app = create_app({
        "env": "testing", "database_url": f"sqlite:///{workdir}/count.sqlite",
        "redis_url": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10"),
        "secrets": {"secret_key": "s", "email_keys": {"k1": _key(1)}, "active_email_key": "k1",
                    "blind_index_key": _key(9)},
        "rate_limit_enabled": False, "form_token_min_seconds": 0, "flood_seconds": 0,
        "sites": {"news": {"name": "News", "origins": ["https://news.example"]}},
    })
    engine = app.extensions["db_engine"]
    upgrade(engine)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2].split()[0].upper()))
    (getattr(model_cache, "set_model", None) or model_cache.set_model_for_tests)(StandIn())
    client = app.test_client()
    thread = "https://news.example/berita/1"

    def submit(n: int) -> int:
        token = client.get("/api/v1/form-token", query_string={"site": "news", "thread": thread}).get_json()
        response = client.post("/api/v1/comments", headers={"Origin": "https://news.example"}, json={
            "site": "news", "thread": thread, "name": "Budi", "email": f"budi{n}@example.com",
            "body": f"Komentar nomor {n}, terima kasih.", "form_token": token["form_token"]})
        assert response.status_code == 202, response.get_json()
        return int(response.get_json()["id"])

    def decide(comment_id: int) -> str:
        if "sessions" in scoring.score_comment.__code__.co_varnames[:1]:
            return scoring.score_comment(app.extensions["db_sessionmaker"], app.extensions["settings"], comment_id)
        return scoring.score_comment(app, comment_id)

    decide(submit(0))  # warm caches (sites snapshot, thread row) as a running service has them
    statements.clear()
    second = submit(1)
    web = list(statements)
    statements.clear()
    outcome = decide(second)
    worker = list(statements)
    print(json.dumps({"web": len(web), "web_statements": web, "worker": len(worker), "worker_statements": worker,
                      "outcome": outcome}))


if __name__ == "__main__":
    main()
