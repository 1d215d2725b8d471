"""Sites: rows in `sites`, synced from TOML `[sites.<id>]`; per-site policy; origin checks."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.errors import Forbidden, ValidationFailed
from moderation.models import Site
from moderation.settings import PolicySettings, Settings

DEMO_SITE = "demo"


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


def site_origins(site: Site) -> set[str]:
    """The site's allowed origins, normalised."""
    return {o for o in (origin_of(x) for x in site.origins or []) if o}


def sync_sites(session: Session, settings: Settings) -> None:
    """Create or update the TOML-defined sites (idempotent; DB-only sites are left alone)."""
    for site_id, conf in settings.sites.items():
        site = session.get(Site, site_id) or Site(id=site_id)
        site.name = conf.name or site.name or site_id
        site.origins = sorted({origin_of(o) for o in conf.origins if origin_of(o)})
        site.policy = dict(conf.policy)
        session.add(site)
    session.flush()


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
    return site


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        both_dicts = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merge(merged[key], value) if both_dicts else value
    return merged


def policy_for(settings: Settings, site: Site | str | None) -> PolicySettings:
    """settings.policy, then TOML [sites.<id>.policy], then the site row's policy overrides."""
    merged: dict[str, Any] = settings.policy.model_dump()
    site_id = site if isinstance(site, str) else (site.id if site is not None else None)
    if site_id and site_id in settings.sites:
        merged = _merge(merged, settings.sites[site_id].policy)
    if isinstance(site, Site) and site.policy:
        merged = _merge(merged, site.policy)
    return PolicySettings.model_validate(merged)


def resolve_site(session: Session, site_id: str | None, origin: str | None = None) -> Site:
    """The site named, else the one whose origins include `origin`, else the only site there is."""
    if site_id:
        site = session.get(Site, site_id)
        if site is None:
            raise ValidationFailed("Unknown site.", {"site": f"unknown site {site_id!r}"})
        return site
    if origin and origin_of(origin):
        matches = [s for s in session.scalars(select(Site)) if origin_of(origin) in site_origins(s)]
        if len(matches) == 1:
            return matches[0]
    if session.scalar(select(func.count()).select_from(Site)) == 1:
        return session.scalars(select(Site)).one()
    raise ValidationFailed("Which site is this comment for?", {"site": "required: the site id"})


def check_origin(site: Site, origin: str | None) -> None:
    """A browser's Origin header, when sent, must be one of the site's origins."""
    if origin is None:
        return
    if origin_of(origin) not in site_origins(site):
        raise Forbidden("This page's origin is not allowed to post comments to this site.",
                        {"origin": "origin not registered for this site"})


def check_thread_url(site: Site, thread: str) -> str | None:
    """None if fine, else the reason a thread URL does not belong to the site."""
    if not thread.lower().startswith(("http://", "https://")):
        return None
    if origin_of(thread) not in site_origins(site):
        return "the page URL does not belong to this site's origins"
    return None
