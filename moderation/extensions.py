"""What the app factory attaches to an app, and typed accessors for views, tasks and commands.

Services never call these: they take the settings, session and callables they use. Views and
tasks (the edges) use these to build those arguments.
"""
from __future__ import annotations

from celery import Celery
from flask import Flask, current_app
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from moderation import queue
from moderation.dispatch import Dispatcher, dispatcher_for
from moderation.settings import Settings


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per key, not per request."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer for the app's current secret key (and fallbacks), cached."""
        key = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                self._serializers = {key: serializer}  # one key in use at a time: drop an old one
        return serializer


def init_app(app: Flask, settings: Settings) -> None:
    """Create the Redis client with short timeouts so an outage degrades instead of hanging."""
    app.extensions["redis"] = Redis.from_url(
        settings.redis_url, socket_connect_timeout=0.5, socket_timeout=1.0, health_check_interval=30
    )
    app.session_interface = SessionInterface()


def _app(app: Flask | None) -> Flask:
    return app if app is not None else current_app


def get_settings(app: Flask | None = None) -> Settings:
    """The validated settings of an app (the current one by default)."""
    settings: Settings = _app(app).extensions["settings"]
    return settings


def get_redis(app: Flask | None = None) -> Redis:
    """The app's Redis client (rate limits, form-token nonces)."""
    client: Redis = _app(app).extensions["redis"]
    return client


def get_celery(app: Flask | None = None) -> Celery:
    """The app's Celery app (the broker connection the web side publishes with)."""
    celery_app: Celery = _app(app).extensions["celery"]
    return celery_app


def get_engine(app: Flask | None = None) -> Engine:
    """The app's database engine."""
    engine: Engine = _app(app).extensions["db_engine"]
    return engine


def get_sessionmaker(app: Flask | None = None) -> sessionmaker[Session]:
    """The app's session factory (for work outside a request)."""
    factory: sessionmaker[Session] = _app(app).extensions["db_sessionmaker"]
    return factory


def get_dispatcher(app: Flask | None = None) -> Dispatcher:
    """The app's sender of scoring tasks (one Redis round trip with the nonce when Redis is the broker)."""
    target = _app(app)
    dispatcher: Dispatcher | None = target.extensions.get("dispatcher")
    if dispatcher is None:
        dispatcher = dispatcher_for(get_celery(target), get_redis(target), get_settings(target))
        target.extensions["dispatcher"] = dispatcher
    return dispatcher


def score_enqueuer(app: Flask | None = None) -> queue.Enqueue:
    """A callable that enqueues scoring of a committed comment id; False when the broker is away."""
    dispatcher = get_dispatcher(app)
    return lambda comment_id: dispatcher.send(comment_id) == "sent"
