"""CLI: `moderation create-moderator NAME --role admin|moderator` and `moderation create-token NAME`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from moderation.db import session_scope
from moderation.models import Moderator
from moderation.moderator import auth


@click.command("create-moderator")
@click.argument("username")
@click.option("--role", type=click.Choice(auth.ROLES), default="moderator", show_default=True,
              help="admin may also reveal emails and manage tokens")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--site", "sites", multiple=True, help="limit to this site (repeat); default every site")
@click.option("--locale", type=click.Choice(["", "id", "en"]), default="", help="UI language (default: the browser's)")
@click.option("--update", is_flag=True, help="change an existing moderator's password, role and sites")
@with_appcontext
def create_moderator(username: str, role: str, password: str, sites: tuple[str, ...], locale: str, update: bool) -> None:
    """Create a moderator or admin with an argon2id password hash."""
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    with session_scope(current_app) as session:
        moderator = session.scalars(select(Moderator).where(Moderator.username == username)).first()
        if moderator is not None and not update:
            raise click.ClickException(f"moderator {username!r} exists (use --update to change it)")
        moderator = moderator or Moderator(username=username)
        moderator.password_hash = auth.hash_password(password)
        moderator.role, moderator.sites, moderator.locale = role, sorted(set(sites)), locale
        moderator.can_reveal_email = role == "admin"
        moderator.failed_logins, moderator.locked_until = 0, None
        session.add(moderator)
    click.echo(f"{role} {username} saved", err=True)


@click.command("create-token")
@click.argument("name")
@click.option("--role", type=click.Choice(auth.ROLES), default="moderator", show_default=True)
@click.option("--site", "sites", multiple=True, help="limit to this site (repeat); default every site")
@with_appcontext
def create_token(name: str, role: str, sites: tuple[str, ...]) -> None:
    """Print one new API token on stdout (it is stored only as a hash: keep it now)."""
    with session_scope(current_app) as session:
        _row, plaintext = auth.create_token(session, name, role, list(sites), None)
    click.echo(plaintext)


COMMANDS = [create_moderator, create_token]
