"""Named, expiring locks in SQL: one holder at a time across processes and machines."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from moderation.models import Lease, utcnow

_INSERT = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


def acquire(sessions: sessionmaker[Session], name: str, holder: str, seconds: float) -> bool:
    """Take the lease `name` for `seconds` unless someone else holds an unexpired one."""
    now = utcnow()
    with sessions() as session:
        insert = _INSERT[session.get_bind().dialect.name]
        session.execute(insert(Lease).values(name=name, holder="", expires_at=now).on_conflict_do_nothing())
        taken = session.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.expires_at <= now, Lease.holder == holder))
            .values(holder=holder, expires_at=now + timedelta(seconds=seconds))
        ).rowcount
        session.commit()
    return taken == 1


def release(sessions: sessionmaker[Session], name: str, holder: str) -> None:
    """Give the lease back early (only if we still hold it)."""
    with sessions() as session:
        session.execute(update(Lease).where(Lease.name == name, Lease.holder == holder).values(expires_at=utcnow()))
        session.commit()
