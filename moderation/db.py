"""Engine and sessions per app; the schema comes from Alembic migrations."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from moderation.settings import Settings


def make_engine(url: str) -> Engine:
    """An engine with SQLite set up for concurrent web and worker processes (WAL, FK, busy timeout)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Freed pages are zeroed: an erased author's name or text must not linger in the file.
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def init_app(app: Flask, settings: Settings) -> None:
    """Attach an engine and session factory to the app; close the request session on teardown."""
    engine = make_engine(settings.database_url)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def get_session() -> Session:
    """The session of the current app context, created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    session: Session = g.db_session
    return session


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """A session for work outside a request (workers, CLI): commit on success, roll back on error."""
    session: Session = app.extensions["db_sessionmaker"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_ignoring_conflicts(session: Session, model: type[Any], values: Mapping[str, Any]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL); returns the rows inserted (0 or 1)."""
    if session.get_bind().dialect.name == "postgresql":
        result = session.execute(postgresql_insert(model).values(**values).on_conflict_do_nothing())
    else:
        result = session.execute(sqlite_insert(model).values(**values).on_conflict_do_nothing())
    return rowcount(result)


def rowcount(result: Any) -> int:
    """Rows matched by an INSERT/UPDATE/DELETE result."""
    count: int = result.rowcount
    return count
