"""A whole service for one test: private Redis, a SQLite file, the web app in-process, real workers."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from moderation import create_app
from moderation.db import session_scope
from moderation.extensions import get_settings
from moderation.migrate import upgrade
from moderation.models import AuditEntry, Comment, Decision
from tests.conftest import TEST_SECRETS
from tests.helpers.procs import RedisServer, Worker, wait_for, write_config

SITE_ORIGIN = "http://127.0.0.1:8000"
THREAD = SITE_ORIGIN + "/demo/artikel-1"


class Stack:
    """Everything a submit-to-decision run needs, torn down by `close()`."""

    def __init__(self, workdir: Path, redis: RedisServer | None = None, **overrides: Any) -> None:
        self.workdir = workdir
        self.hooks = workdir / "hooks"
        self.hooks.mkdir(parents=True, exist_ok=True)
        self.owns_redis = redis is None
        self.redis = redis or RedisServer(workdir / "redis").start()
        self.db_path = workdir / "moderation.sqlite"
        self.config: dict[str, Any] = {
            "env": "testing",
            "database_url": f"sqlite:///{self.db_path}",
            "redis_url": self.redis.url,
            "secrets": TEST_SECRETS,
            "instance_path": str(workdir / "instance"),
            "rate_limit_enabled": False,
            "form_token_min_seconds": 0,
            "flood_seconds": 0,
            "log_level": "INFO",
            "sites": {"demo": {"name": "Demo", "origins": [SITE_ORIGIN]}},
        } | overrides
        self.config_file = write_config(workdir / "moderation.toml", self.config)
        self.app: Flask = create_app(self.config)
        upgrade(self.app.extensions["db_engine"])
        self.workers: list[Worker] = []
        # The Redis list the scoring queue lives in (kombu prefixes every key with the namespace).
        self.queue_key = get_settings(self.app).redis_key_prefix + "scoring"

    def worker(self, app_module: str = "workers.celery_app", wait: bool = True) -> Worker:
        """Start one more real worker process on this stack."""
        worker = Worker(self.workdir, self.config_file, self.hooks, app_module).start(wait=wait)
        self.workers.append(worker)
        return worker

    def post(self, body: str, *, email: str = "reader@example.org", name: str = "Budi", **extra: Any) -> Any:
        """Submit through the public API, with a form token, as the demo page does."""
        client = self.app.test_client()
        headers = {"Origin": SITE_ORIGIN}
        token = client.get("/api/v1/form-token", query_string={"thread": THREAD}, headers=headers)
        assert token.status_code == 200, token.get_data(as_text=True)
        payload = {"thread": THREAD, "name": name, "email": email, "body": body,
                   "form_token": token.get_json()["form_token"]} | extra
        return client.post("/api/v1/comments", json=payload, headers=headers)

    def status(self, comment_id: int) -> str:
        with session_scope(self.app) as session:
            return session.get(Comment, comment_id).status

    def wait_decided(self, comment_id: int, timeout: float = 30) -> str:
        """Block until the comment leaves `pending`; returns the new status."""
        return wait_for(lambda: (s := self.status(comment_id)) != "pending" and s, timeout, 0.1,
                        what=f"comment {comment_id} to be decided")

    def decision(self, comment_id: int) -> Decision | None:
        with session_scope(self.app) as session:
            return session.scalars(select(Decision).where(Decision.comment_id == comment_id)).one_or_none()

    def counts(self, comment_id: int) -> tuple[int, int]:
        """(decision rows, audit rows) for a comment."""
        with session_scope(self.app) as session:
            decisions = session.scalar(select(func.count()).select_from(Decision).where(Decision.comment_id == comment_id))
            audits = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.comment_id == comment_id))
            return decisions, audits

    def runs(self) -> list[tuple[int, int]]:
        """(comment id, pid) for every scoring run the test hooks saw."""
        path = self.hooks / "runs.log"
        if not path.exists():
            return []
        return [tuple(map(int, line.split())) for line in path.read_text().splitlines() if line.strip()]  # type: ignore[misc]

    def close(self) -> None:
        for worker in self.workers:
            worker.kill()
        if self.owns_redis:
            self.redis.kill()
        self.app.extensions["db_engine"].dispose()
