"""Sites: rows in `sites`, synced from TOML `[sites.<id>]`; per-site policy; origin checks.

Sites change rarely and every request needs one, so each process keeps a snapshot of the table
per engine for SITE_CACHE_SECONDS (30 s) and the merged policy per site. A change made in this
process (sync_sites, ensure_demo_site) clears the snapshot at once; a change made elsewhere (the
`moderation` CLI, another node) is seen within SITE_CACHE_SECONDS. An unknown site id is always
looked up in the database, so a site added elsewhere works at once.
"""
from __future__ import annotations

import json
import threading
import time
import weakref
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, make_transient_to_detached

from moderation.errors import Forbidden, NotFound, ValidationFailed
from moderation.models import Site
from moderation.settings import PolicySettings, Settings, deep_merge

DEMO_SITE = "demo"


@lru_cache(maxsize=4096)  # pure, and asked several times per request for the same page and site URLs
def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased, default ports dropped; '' if not http(s)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def site_origins(site: Site) -> frozenset[str]:
    """The site's allowed origins, normalised."""
    return _normalised(tuple(site.origins or []))


@lru_cache(maxsize=256)
def _normalised(origins: tuple[str, ...]) -> frozenset[str]:
    return frozenset(o for o in (origin_of(x) for x in origins) if o)


def sync_sites(session: Session, settings: Settings) -> None:
    """Create or update the TOML-defined sites (idempotent; DB-only sites are left alone)."""
    for site_id, conf in settings.sites.items():
        site = session.get(Site, site_id) or Site(id=site_id)
        site.name = conf.name or site.name or site_id
        site.origins = sorted({origin_of(o) for o in conf.origins if origin_of(o)})
        site.policy = dict(conf.policy)
        session.add(site)
    session.flush()
    forget_sites()


_synced: dict[tuple[int, int], Settings] = {}


def ensure_synced(session: Session, settings: Settings) -> None:
    """Copy the TOML-defined sites into this database once per process and settings (committed)."""
    key = (id(settings), id(session.get_bind()))
    if _synced.get(key) is settings:  # the stored reference keeps id(settings) unique
        return
    sync_sites(session, settings)
    session.commit()
    _synced[key] = settings


def service_origins(settings: Settings) -> list[str]:
    """The service's own address(es): public_url, else http://host:port (plus its loopback twin)."""
    if settings.public_url:
        return [origin_of(settings.public_url)]
    origins = [origin_of(f"http://{settings.host}:{settings.port}")]
    # A browser may show 127.0.0.1 as localhost or the other way round; both are this machine.
    twins = {"127.0.0.1": "localhost", "localhost": "127.0.0.1", "0.0.0.0": "127.0.0.1"}
    if settings.host in twins:
        origins.append(origin_of(f"http://{twins[settings.host]}:{settings.port}"))
    if settings.host == "0.0.0.0":
        origins = [origin_of(f"http://{h}:{settings.port}") for h in ("127.0.0.1", "localhost")]
    return origins


def ensure_demo_site(session: Session, settings: Settings) -> Site:
    """Create the `demo` site whose origin is the service itself (for /demo/<slug>)."""
    site = session.get(Site, DEMO_SITE) or Site(id=DEMO_SITE, name="Demo news site")
    site.origins = sorted(set(site.origins or []) | set(service_origins(settings)))
    session.add(site)
    session.flush()
    forget_sites()
    return site


_policies: dict[tuple[int, str, str], tuple[Settings, PolicySettings]] = {}


def policy_for(settings: Settings, site: Site | str | None) -> PolicySettings:
    """settings.policy, then TOML [sites.<id>.policy], then the site row's policy overrides (memoised)."""
    site_id = site if isinstance(site, str) else (site.id if site is not None else None)
    overrides = site.policy if isinstance(site, Site) else None
    key = (id(settings), site_id or "", json.dumps(overrides, sort_keys=True, default=str) if overrides else "")
    hit = _policies.get(key)
    if hit is not None and hit[0] is settings:  # the stored reference keeps id(settings) unique
        return hit[1]
    merged: dict[str, Any] = settings.policy.model_dump()
    if site_id and site_id in settings.sites:
        merged = deep_merge(merged, settings.sites[site_id].policy)
    if overrides:
        merged = deep_merge(merged, overrides)
    result = PolicySettings.model_validate(merged)
    if len(_policies) > 256:
        _policies.clear()
    _policies[key] = (settings, result)
    return result


SITE_CACHE_SECONDS = 30.0
_snapshots: weakref.WeakKeyDictionary[Engine, tuple[float, dict[str, Site]]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def forget_sites() -> None:
    """Drop the cached site snapshots (after this process changed a site)."""
    with _lock:
        _snapshots.clear()


def _detached_copy(row: Site) -> Site:
    copy = Site(id=row.id, name=row.name, origins=list(row.origins or []), policy=dict(row.policy or {}),
                created_at=row.created_at)
    make_transient_to_detached(copy)
    return copy


def _cached_sites(session: Session) -> dict[str, Site]:
    """id -> detached copy of every site, reloaded after SITE_CACHE_SECONDS."""
    engine = session.get_bind().engine
    with _lock:
        entry = _snapshots.get(engine)
    if entry is not None and time.monotonic() - entry[0] < SITE_CACHE_SECONDS:
        return entry[1]
    loaded = {row.id: _detached_copy(row) for row in session.scalars(select(Site))}
    with _lock:
        _snapshots[engine] = (time.monotonic(), loaded)
    return loaded


def all_sites(session: Session) -> list[Site]:
    """Detached copies of every site from the snapshot (read-only use)."""
    return list(_cached_sites(session).values())


def cached_site(session: Session, site_id: str) -> Site | None:
    """A detached copy of the site from the snapshot (read-only use), else the session's row."""
    return _cached_sites(session).get(site_id) or session.get(Site, site_id)


def resolve_site(session: Session, site_id: str | None, origin: str | None = None) -> Site:
    """The site named, else the one whose origins include `origin`, else the only site there is (read-only)."""
    known = _cached_sites(session)
    if site_id:
        if site_id in known:
            return known[site_id]
        site = session.get(Site, site_id)  # created elsewhere since the snapshot
        if site is None:
            raise NotFound("Unknown site.", {"site": f"unknown site {site_id!r}"}, key="site_unknown")
        forget_sites()
        return site
    if origin and origin_of(origin):
        matches = [s for s in known.values() if origin_of(origin) in site_origins(s)]
        if len(matches) == 1:
            return matches[0]
    if len(known) == 1:
        return next(iter(known.values()))
    raise ValidationFailed("Which site is this comment for?", {"site": "required: the site id"}, key="site_required",
                           codes={"site": "required"})


def check_origin(site: Site, origin: str | None) -> None:
    """A browser's Origin header, when sent, must be one of the site's origins."""
    if origin is None:
        return
    if origin_of(origin) not in site_origins(site):
        raise Forbidden("This page's origin is not allowed to post comments to this site.",
                        {"origin": "origin not registered for this site"}, key="origin_forbidden")


def check_thread_url(site: Site, thread: str) -> str | None:
    """None if fine, else the reason a thread URL does not belong to the site."""
    if not thread.lower().startswith(("http://", "https://")):
        return None
    if origin_of(thread) not in site_origins(site):
        return "the page URL does not belong to this site's origins"
    return None
