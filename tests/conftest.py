"""Shared fixtures: a fresh app per test on a temporary SQLite file (or PostgreSQL when asked)."""
from __future__ import annotations

import base64
import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from redis.exceptions import RedisError
from sqlalchemy import text

from moderation import create_app
from moderation.migrate import upgrade

pytest_plugins: list[str] = []


def _key(seed: int) -> str:
    return base64.urlsafe_b64encode(bytes([seed]) * 32).decode()


TEST_SECRETS = {
    "secret_key": "test-secret-key",
    "email_keys": {"k1": _key(1), "k2": _key(2)},
    "active_email_key": "k1",
    "blind_index_key": _key(9),
}
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reset_postgres(url: str) -> None:
    from moderation.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_urls() -> list[str]:
    """SQLite always; PostgreSQL too when TEST_DATABASE_URL is set."""
    urls = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append("postgresql")
    return urls


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A fresh empty database; storage tests parametrize this over database_urls()."""
    if request.param == "postgresql":
        url = os.environ["TEST_DATABASE_URL"]
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path}/test.sqlite"


def make_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    """Test settings: real Redis on a test database number, rate limits off unless asked."""
    config: dict[str, Any] = {
        "env": "testing",
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "secrets": TEST_SECRETS,
        "rate_limit_enabled": False,
        "form_token_min_seconds": 0,
        "sites": {},
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_factory(database_url: str) -> Iterator[Any]:
    """Build migrated apps with overrides; each test gets its own database."""
    built: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        app = create_app(make_config(database_url, **overrides))
        upgrade(app.extensions["db_engine"])
        # Tests on PostgreSQL share one database URL, hence one namespace: start with an empty queue.
        prefix = app.extensions["settings"].redis_key_prefix
        with contextlib.suppress(RedisError):  # some tests point at a Redis that is down on purpose
            app.extensions["redis"].delete(*(prefix + q for q in ("scoring", "maintenance", "webhooks")))
        built.append(app)
        return app

    yield factory
    for app in built:
        app.extensions["db_engine"].dispose()


@pytest.fixture
def app(app_factory) -> Flask:  # type: ignore[no-untyped-def]
    return app_factory()


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()
