"""Commands that act on a configured app: database, sites, moderators."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from moderation.db import session_scope
from moderation.migrate import upgrade
from moderation.models import Site


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations."""
    upgrade(current_app.extensions["db_engine"], revision)
    click.echo(f"database at {revision}")


@click.command("create-site")
@click.argument("site_id")
@click.option("--origin", "origins", multiple=True, required=True, help="allowed origin, e.g. https://news.example")
@click.option("--name", default="")
@with_appcontext
def create_site(site_id: str, origins: tuple[str, ...], name: str) -> None:
    """Create or update a site and its allowed origins."""
    with session_scope(current_app) as session:
        site = session.get(Site, site_id) or Site(id=site_id)
        site.name = name or site.name or site_id
        site.origins = sorted({o.rstrip("/") for o in origins})
        session.add(site)
    click.echo(f"site {site_id}: {', '.join(sorted(origins))}")


COMMANDS = [db_group, create_site]
