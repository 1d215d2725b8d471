"""The per-process site snapshot: no SQL on a hit, changes seen at once here and within the TTL elsewhere."""
from __future__ import annotations

import pytest
from sqlalchemy import event, update

from moderation.db import session_scope
from moderation.models import Site
from moderation.services import sites


def test_cached_site_needs_no_query_and_sees_changes(app_factory, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(sites={"news": {"name": "News", "origins": ["https://news.example"]}})
    with session_scope(app) as session:
        sites.sync_sites(session, app.extensions["settings"])
    engine = app.extensions["db_engine"]
    with session_scope(app) as session:
        assert sites.resolve_site(session, "news").id == "news"  # loads the snapshot
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with session_scope(app) as session:
        site = sites.resolve_site(session, None, "https://news.example")
        assert site.id == "news" and sites.cached_site(session, "news") is site  # the read-only snapshot copy
    assert statements == []
    # A site added by another process is found by id at once.
    with engine.begin() as conn:
        conn.execute(Site.__table__.insert().values(id="blog", name="Blog", origins=["https://blog.example"],
                                                    policy={}, created_at=site.created_at))
    with session_scope(app) as session:
        assert sites.resolve_site(session, "blog").id == "blog"
    # A change made elsewhere to a known site shows after the TTL.
    with engine.begin() as conn:
        conn.execute(update(Site).where(Site.id == "news").values(origins=["https://new.example"]))
    monkeypatch.setattr(sites, "SITE_CACHE_SECONDS", 0.0)
    with session_scope(app) as session:
        assert sites.site_origins(sites.resolve_site(session, "news")) == {"https://new.example"}


def test_policy_is_memoised_per_override(app) -> None:  # type: ignore[no-untyped-def]
    settings = app.extensions["settings"]
    first = sites.policy_for(settings, Site(id="x", policy={"link_limit": 5}))
    assert sites.policy_for(settings, Site(id="x", policy={"link_limit": 5})) is first
    assert sites.policy_for(settings, Site(id="x", policy={"link_limit": 7})).link_limit == 7
