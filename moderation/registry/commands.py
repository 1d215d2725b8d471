"""`moderation models list | show V | activate V [--site ID] | rollback [--site ID]`."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext
from rich.console import Console
from rich.table import Table

from moderation.db import session_scope
from moderation.errors import APIError
from moderation.registry import store


@click.group("models")
def models_group() -> None:
    """The model registry: stored versions and which one each site uses."""


def _fail(exc: APIError) -> click.ClickException:
    return click.ClickException(exc.message)


@models_group.command("list")
@click.option("--site", "site_id", default=None, help="only this site's versions and the global ones")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def list_models(site_id: str | None, as_json: bool) -> None:
    """Stored versions, newest first, and the active version of every site."""
    with session_scope(current_app) as session:
        data = store.listing(session, site_id)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    table = Table(title="model versions")
    for col in ("id", "version", "trained for", "created", "MB", "active in"):
        table.add_column(col)
    for v in data["versions"]:
        table.add_row(str(v["id"]), v["version"], v["site"] or "all sites", v["created"][:16], f"{v['size_bytes'] / 1e6:.1f}",
                      ", ".join(v["active_in"]))
    console = Console()
    console.print(table)
    active = data["active"]
    console.print("active: global " + (active.get("global") or "shipped model") + "".join(
        f"; {scope} {name or '(global)'}" for scope, name in active.items() if scope != "global"))


@models_group.command("show")
@click.argument("version")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def show_model(version: str, as_json: bool) -> None:
    """One version: thresholds, training facts and its evaluation against the model active then."""
    from moderation.learning import tables

    with session_scope(current_app) as session:
        try:
            data = store.show(session, version)
        except APIError as exc:
            raise _fail(exc) from None
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    console = Console()
    console.print(f"[bold]{data['version']}[/bold] (id {data['id']}), trained for {data['site'] or 'all sites'}, "
                  f"{data['created'][:19]}, {data['size_bytes'] / 1e6:.1f} MB, active in: {', '.join(data['active_in']) or 'nowhere'}")
    console.print(f"thresholds: {json.dumps(data['thresholds'])}")
    console.print(f"training: {json.dumps({k: v for k, v in data['info'].items() if k != 'label_counts'})}")
    if data["evaluation"].get("labels"):
        console.print(tables.labels_table(data["evaluation"]))
        console.print(tables.base_table(data["evaluation"]))
        gate = data["evaluation"].get("gate", {})
        console.print(f"gate: {'passed' if gate.get('passed') else 'refused'}: {gate.get('why', '')}")


@models_group.command("activate")
@click.argument("version")
@click.option("--site", "site_id", default=None, help="this site only (default: every site without its own model)")
@with_appcontext
def activate_model(version: str, site_id: str | None) -> None:
    """Make VERSION active (`default`: no own model, fall back); workers switch within seconds."""
    with session_scope(current_app) as session:
        try:
            row = store.activate(session, version, site_id, actor="cli")
        except APIError as exc:
            raise _fail(exc) from None
        out = store.activation_out(session, row)
    click.echo(f"{out['scope']}: {out['version'] or 'default model'} (was {out['previous'] or 'default model'})")


@models_group.command("rollback")
@click.option("--site", "site_id", default=None)
@with_appcontext
def rollback_model(site_id: str | None) -> None:
    """Return to the version that was active before the current one."""
    with session_scope(current_app) as session:
        try:
            row = store.rollback(session, site_id, actor="cli")
        except APIError as exc:
            raise _fail(exc) from None
        out = store.activation_out(session, row)
    click.echo(f"{out['scope']}: back to {out['version'] or 'default model'}")
