"""Turn a registry entry into a model (workers, `moderation score`, training). Never used by the web process."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from moderation.registry import store


def load_version(session: Session, version_id: int | None) -> Any:
    """The stored version's model (classifiers.model.CommentModel); None: the shipped model."""
    import classifiers
    from classifiers.artifacts import loads

    if version_id is None:
        return classifiers.load_default()
    return loads(store.artifact(session, version_id))


def active_model(session: Session, site_id: str | None) -> tuple[Any, str]:
    """The model a site uses now (its own, else the global, else the shipped one) and where it comes from."""
    version_id, origin = store.resolve(store.active_map(session), site_id)
    return load_version(session, version_id), origin
