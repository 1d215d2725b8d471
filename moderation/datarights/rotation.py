"""Resumable key rotation: re-encrypt (and, during a blind-index rotation, re-index) authors in batches.

Each batch and the cursor that records it commit together, so a rotation stopped anywhere (Ctrl-C,
SIGKILL, a crash) resumes after the last committed batch and never re-encrypts a ciphertext: every
row is decrypted to the address first, and a row is written only with a compare-and-set on its old
blob, so a concurrent change is never overwritten. New authors written meanwhile by the service
already use the active keys; lookups read both blind indexes until the rotation is done.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from moderation import privacy
from moderation.datarights.models import KeyRotation
from moderation.models import Author, table_of, utcnow
from moderation.settings import Settings

NAME = "authors"
Progress = Callable[[int, int], None]  # (authors done, authors in all)


@dataclass
class Rotated:
    """What a run did: rows re-encrypted, rows whose index changed, conflicts left alone, and whether it resumed."""

    changed: int = 0
    reindexed: int = 0
    conflicts: int = 0
    resumed_from: int = 0
    total: int = 0


def target(settings: Settings) -> str:
    """The keys a finished rotation leaves every row under."""
    return f"email={settings.secrets.active_email_key};bidx={privacy.bidx_key_id(settings)}"


def _start(session: Session, settings: Settings) -> KeyRotation:
    state = session.get(KeyRotation, NAME)
    wanted = target(settings)
    now = utcnow()
    if state is None:
        state = KeyRotation(name=NAME, target=wanted, cursor=0, changed=0, started_at=now, updated_at=now)
        session.add(state)
    elif state.target != wanted or state.finished_at is not None:
        state.target, state.cursor, state.changed, state.started_at, state.finished_at = wanted, 0, 0, now, None
    state.updated_at = now
    session.commit()
    return state


def _planned(settings: Settings, ring: privacy.KeyRing, reindex: bool, author_id: int, site_id: str, bidx: str,
             blob: bytes) -> dict[str, object] | None:
    """The new blob (and index) of one author, or None when it is already under the target keys."""
    if not blob or (privacy.key_id_of(blob) == ring.active and not reindex):
        return None
    email = privacy.decrypt_email(ring, blob, privacy.author_aad(site_id, bidx))
    new_bidx = privacy.blind_index(settings, email) if reindex else bidx
    if privacy.key_id_of(blob) == ring.active and new_bidx == bidx:
        return None
    return {"aid": author_id, "old": blob, "site": site_id, "old_bidx": bidx, "bidx": new_bidx,
            "blob": privacy.encrypt_email(ring, email, privacy.author_aad(site_id, new_bidx))}


_WRITE = (update(table_of(Author)).where(table_of(Author).c.id == bindparam("aid"),
                                         table_of(Author).c.email_enc == bindparam("old"))
          .values(email_enc=bindparam("blob"), email_bidx=bindparam("bidx")))


def batch(session: Session, settings: Settings, state: KeyRotation, size: int, result: Rotated) -> int:
    """Rotate the next `size` authors after the cursor and move the cursor, in one commit; 0 when done."""
    ring = privacy.keyring(settings)
    reindex = bool(settings.secrets.previous_blind_index_key)
    rows = session.execute(select(Author.id, Author.site_id, Author.email_bidx, Author.email_enc)
                           .where(Author.id > state.cursor).order_by(Author.id).limit(size)).all()
    if not rows:
        state.finished_at = utcnow()
        session.commit()
        return 0
    plans = [p for p in (_planned(settings, ring, reindex, *row) for row in rows) if p is not None]
    moved = {p["bidx"] for p in plans if p["bidx"] != p["old_bidx"]}
    if moved:  # the service created an author under the new index meanwhile: left for an admin
        taken = set(session.execute(select(Author.site_id, Author.email_bidx).where(Author.email_bidx.in_(moved))))
        kept = [p for p in plans if p["bidx"] == p["old_bidx"] or (p["site"], p["bidx"]) not in taken]
        result.conflicts += len(plans) - len(kept)
        plans = kept
    if plans:  # one executemany; the WHERE on the old blob never overwrites a concurrent change
        session.connection().execute(_WRITE, plans)
    result.reindexed += sum(1 for p in plans if p["bidx"] != p["old_bidx"])
    state.cursor, state.changed, state.updated_at = rows[-1][0], state.changed + len(plans), utcnow()
    result.changed += len(plans)
    session.commit()
    return len(rows)


def rotate(sessions: sessionmaker[Session], settings: Settings, progress: Progress | None = None,
           size: int | None = None) -> Rotated:
    """Run (or resume) the rotation to the configured keys; raises EmailDecryptError if a key is missing."""
    size = size or settings.privacy.rotation_batch
    result = Rotated()
    with sessions() as session:
        state = _start(session, settings)
        result.resumed_from = state.cursor
        result.total = session.scalar(select(func.count()).select_from(Author)) or 0
        done = session.scalar(select(func.count()).select_from(Author).where(Author.id <= state.cursor)) or 0
        if progress:
            progress(done, result.total)
        while count := batch(session, settings, state, size, result):
            done += count
            if progress:
                progress(min(done, result.total), result.total)
        result.changed = state.changed  # this target's total, across resumed runs
    return result
