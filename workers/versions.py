"""The model a comment's site uses: its own active version, else the global one, else the shipped one.

Each worker process asks the registry which versions are active at most every
`learning.model_check_seconds` (one small query), so an activation (or rollback) on any machine is
picked up within seconds, without a restart. Versions are loaded from their stored artifact on
first use and kept while they are active (at most `learning.worker_models`). A version whose
artifact cannot be loaded is skipped (logged) in favour of the next model in the chain until the
next check, so comments keep being decided; the decision records the version actually used.
"""
from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from moderation.registry import loading, store
from moderation.registry.models import GLOBAL
from moderation.settings import Settings
from workers import model as shipped
from workers.model import Scorer

log = logging.getLogger("workers.versions")


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.active: dict[str, int | None] = {}
        self.models: OrderedDict[int, Scorer] = OrderedDict()
        self.failed: dict[int, float] = {}


# One state per database (an app has one engine; tests build many).
_states: weakref.WeakKeyDictionary[Any, _State] = weakref.WeakKeyDictionary()
_states_lock = threading.Lock()


def _of(sessions: sessionmaker[Session]) -> _State:
    bind = sessions.kw.get("bind")
    with _states_lock:
        state = _states.get(bind)
        if state is None:
            state = _states[bind] = _State()
        return state


def refresh(sessions: sessionmaker[Session], settings: Settings, force: bool = False) -> dict[str, int | None]:
    """The active map, re-read from the registry when older than model_check_seconds."""
    state = _of(sessions)
    now = time.monotonic()
    if force or now - state.checked_at >= settings.learning.model_check_seconds:
        with sessions() as session:
            active = store.active_map(session)
        with state.lock:
            if active != state.active:
                log.info("active model versions changed: %s", {k or "global": v for k, v in active.items()})
            state.active, state.checked_at = active, now
            wanted = {v for v in active.values() if v is not None}
            for version_id in [v for v in state.models if v not in wanted]:
                del state.models[version_id]  # no longer active anywhere: free its memory
            state.failed.clear()  # a version that failed to load is tried again after each check
    return state.active


def _load(sessions: sessionmaker[Session], settings: Settings, version_id: int) -> Scorer | None:
    state = _of(sessions)
    with state.lock:
        model = state.models.get(version_id)
        if model is not None:
            state.models.move_to_end(version_id)
            return model
        if version_id in state.failed:
            return None
        try:
            started = time.perf_counter()
            with sessions() as session:
                loaded: Scorer = loading.load_version(session, version_id)
            log.info("loaded model version %s (id %s) in %.1f s", loaded.version, version_id, time.perf_counter() - started)
        except Exception:
            log.exception("model version id %s cannot be loaded; using the next model in the chain", version_id)
            state.failed[version_id] = time.monotonic()
            return None
        state.models[version_id] = loaded
        while len(state.models) > settings.learning.worker_models:
            state.models.popitem(last=False)
        return loaded


def model_for(sessions: sessionmaker[Session], settings: Settings, site_id: str | None) -> Scorer:
    """The model to score this site's comments with now."""
    active = refresh(sessions, settings)
    chain = [active.get(site_id) if site_id else None, active.get(GLOBAL)]
    for version_id in dict.fromkeys(v for v in chain if v is not None):
        model = _load(sessions, settings, version_id)
        if model is not None:
            return model
    return shipped.get_model()
