"""Shared clients attached to the app: Redis (rate limits, form-token nonces)."""
from __future__ import annotations

from flask import Flask, current_app
from redis import Redis

from moderation.settings import Settings


def init_app(app: Flask, settings: Settings) -> None:
    """Create the Redis client with short timeouts so an outage degrades instead of hanging."""
    app.extensions["redis"] = Redis.from_url(
        settings.redis_url, socket_connect_timeout=0.5, socket_timeout=1.0, health_check_interval=30
    )


def get_redis() -> Redis:
    """The app's Redis client."""
    return current_app.extensions["redis"]
