"""`moderation privacy export|erase|reapply-erasures`: a commenter's rights from the command line."""
from __future__ import annotations

import json
from dataclasses import asdict

import click
from flask import current_app
from flask.cli import with_appcontext

from moderation.datarights import erase as erasure
from moderation.datarights import export as exporting
from moderation.datarights import reapply as reapplying
from moderation.datarights.lookup import check_site
from moderation.datarights.models import PrivacyLogEntry
from moderation.db import session_scope
from moderation.errors import APIError
from moderation.extensions import get_sessionmaker, get_settings
from moderation.services import retention


@click.group("privacy")
def group() -> None:
    """Export or erase what is stored about a commenter's email."""


def _fail(exc: APIError) -> click.ClickException:
    fields = "; ".join(f"{name}: {reason}" for name, reason in exc.fields.items())
    return click.ClickException(f"{exc.message} ({fields})" if fields else exc.message)


@group.command("export")
@click.option("--site", "site_id", required=True, help="site id")
@click.option("--email", required=True, help="the commenter's email address")
@with_appcontext
def export_cmd(site_id: str, email: str) -> None:
    """Print the export JSON (every comment, edit, subscription of that email on that site) on stdout."""
    settings = get_settings()
    with session_scope(current_app) as session:
        try:
            check_site(session, site_id)
            document = exporting.export(session, settings, site_id, email)
        except APIError as exc:
            raise _fail(exc) from exc
        session.add(PrivacyLogEntry(site_id=site_id, action="export", actor="cli",
                                    details={"comments": len(document["comments"])}))
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@group.command("erase")
@click.option("--site", "site_id", required=True, help="site id")
@click.option("--email", required=True, help="the commenter's email address")
@click.option("--mode", type=click.Choice(erasure.MODES), required=True,
              help="anonymise: keep the text, drop the person; delete: remove the comments")
@with_appcontext
def erase_cmd(site_id: str, email: str, mode: erasure.Mode) -> None:
    """Erase what is stored about that email on that site and print what changed (JSON)."""
    settings = get_settings()
    with session_scope(current_app) as session:
        try:
            check_site(session, site_id)
            result = erasure.erase(session, settings, site_id, email, mode, actor="cli")
        except APIError as exc:
            raise _fail(exc) from exc
    click.echo(json.dumps(result.summary(), indent=2))


@group.command("reapply-erasures")
@with_appcontext
def reapply_cmd() -> None:
    """After restoring a backup: erase again every author the erasure log names."""
    with session_scope(current_app) as session:
        result = reapplying.reapply(session, get_settings())
    click.echo(f"{result.logged} erasures logged; {result.erased} authors erased again "
               f"({result.comments} comments)")


@click.group("retention")
def retention_group() -> None:
    """The retention purge (beat runs it daily)."""


@retention_group.command("purge")
@click.option("--dry-run", is_flag=True, help="print what would be deleted or cleared, change nothing")
@with_appcontext
def purge_cmd(dry_run: bool) -> None:
    """Clear raw data of old comments; delete old spam, delivery logs, resolved reports, export links."""
    sessions = get_sessionmaker()
    result = retention.plan(sessions, get_settings()) if dry_run else retention.purge(sessions, get_settings())
    verb = "would go" if dry_run else "done"
    for name, value in asdict(result).items():
        click.echo(f"{name}: {value} ({verb})")
