"""Named, expiring locks in SQL: one holder at a time across processes and machines."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session, sessionmaker

from moderation.db import insert_ignoring_conflicts, rowcount
from moderation.models import Lease, utcnow


def acquire(sessions: sessionmaker[Session], name: str, holder: str, seconds: float) -> bool:
    """Take the lease `name` for `seconds` unless someone else holds an unexpired one."""
    now = utcnow()
    with sessions() as session:
        insert_ignoring_conflicts(session, Lease, {"name": name, "holder": "", "expires_at": now})
        taken = rowcount(session.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.expires_at <= now, Lease.holder == holder))
            .values(holder=holder, expires_at=now + timedelta(seconds=seconds))
        ))
        session.commit()
    return taken == 1


def release(sessions: sessionmaker[Session], name: str, holder: str) -> None:
    """Give the lease back early (only if we still hold it)."""
    with sessions() as session:
        session.execute(update(Lease).where(Lease.name == name, Lease.holder == holder).values(expires_at=utcnow()))
        session.commit()
