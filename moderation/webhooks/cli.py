"""`moderation webhooks add|list|update|rotate|disable|enable|test|redeliver|log`: endpoints from the shell."""
from __future__ import annotations

import json
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from rich.console import Console
from rich.table import Table

from moderation.db import session_scope
from moderation.errors import APIError
from moderation.extensions import get_sessionmaker, get_settings
from moderation.settings import Settings
from moderation.webhooks import delivery, endpoints, present

OPTION_NAMES = {"url": "URL", "events": "--events", "secret": "--secret", "site": "SITE",
                "overlap_hours": "--overlap-hours", "description": "--description"}


def _settings() -> Settings:
    return get_settings()


def _fail(exc: APIError) -> click.ClickException:
    """A service error as a CLI error naming the argument or option and the reason."""
    if exc.fields:
        reasons = "; ".join(f"{OPTION_NAMES.get(k, k)}: {v}" for k, v in exc.fields.items())
        return click.ClickException(reasons)
    return click.ClickException(exc.message)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


@click.group("webhooks")
def group() -> None:
    """Webhook endpoints: add, list, rotate secrets, test, redeliver, read the delivery log."""


@group.command("add")
@click.argument("site")
@click.argument("url")
@click.option("--events", required=True, help="comma-separated, e.g. comment.published,comment.held")
@click.option("--author-contact", is_flag=True, help="payloads carry the author's email (off by default)")
@click.option("--secret", default=None, help="a whsec_ secret of your own (default: a new random one)")
@click.option("--description", default="")
@with_appcontext
def add(site: str, url: str, events: str, author_contact: bool, secret: str | None, description: str) -> None:
    """Add an endpoint; prints {"id", "secret"} (the secret is shown only now)."""
    try:
        with session_scope(current_app) as session:
            endpoint, secret = endpoints.create(session, _settings(), site, url, events, author_contact=author_contact,
                                                secret=secret, description=description)
            endpoint_id = endpoint.id
    except APIError as exc:
        raise _fail(exc) from None
    _echo_json({"id": endpoint_id, "secret": secret})


@group.command("list")
@click.option("--site", default=None)
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table")
@with_appcontext
def list_endpoints(site: str | None, as_json: bool) -> None:
    """Endpoints with their state; disabled ones say why."""
    with session_scope(current_app) as session:
        rows = [present.summary(e, present.delivery_counts(session, e.id))
                for e in endpoints.listing(session, site)]
    if as_json:
        for row in rows:
            _echo_json(row)
        return
    table = Table("id", "site", "url", "events", "contact", "state", "pending/failed/delivered")
    for row in rows:
        state = "enabled" if row["enabled"] else f"[red]DISABLED[/red]: {row['disabled_reason']}"
        if row["enabled"] and row["failing_since"]:
            state = f"[yellow]failing since {row['failing_since']}[/yellow]"
        counts = row["deliveries"]
        table.add_row(str(row["id"]), row["site"], row["url"], ", ".join(row["events"]),
                      "yes" if row["author_contact"] else "no", state,
                      f"{counts.get('pending', 0)}/{counts.get('failed', 0)}/{counts.get('delivered', 0)}")
    Console().print(table)


@group.command("update")
@click.argument("endpoint_id", type=int)
@click.option("--url", default=None)
@click.option("--events", default=None)
@click.option("--author-contact/--no-author-contact", default=None)
@click.option("--description", default=None)
@with_appcontext
def update(endpoint_id: int, url: str | None, events: str | None, author_contact: bool | None,
           description: str | None) -> None:
    """Change an endpoint's URL, events, author_contact or description."""
    try:
        with session_scope(current_app) as session:
            endpoint = endpoints.update_endpoint(session, _settings(), endpoint_id, url=url, events=events,
                                                 author_contact=author_contact, description=description)
            _echo_json(present.summary(endpoint))
    except APIError as exc:
        raise _fail(exc) from None


@group.command("rotate")
@click.argument("endpoint_id", type=int)
@click.option("--secret", default=None, help="a whsec_ secret of your own (default: a new random one)")
@click.option("--overlap-hours", type=float, default=None,
              help="sign with both secrets this long (default: webhook_rotation_overlap_hours)")
@with_appcontext
def rotate(endpoint_id: int, secret: str | None, overlap_hours: float | None) -> None:
    """New secret; both are signed with during the overlap. Prints {"id", "secret", "old_secret_until"}."""
    try:
        with session_scope(current_app) as session:
            secret = endpoints.rotate(session, _settings(), endpoint_id, secret, overlap_hours)
            until = present.summary(endpoints.get(session, endpoint_id))["rotation_overlap_until"]
    except APIError as exc:
        raise _fail(exc) from None
    _echo_json({"id": endpoint_id, "secret": secret, "old_secret_until": until})


@group.command("disable")
@click.argument("endpoint_id", type=int)
@click.option("--reason", default="disabled by an admin")
@with_appcontext
def disable(endpoint_id: int, reason: str) -> None:
    """Stop sending; pending deliveries become failed (kept for redelivery)."""
    try:
        with session_scope(current_app) as session:
            endpoints.disable(session, endpoints.get(session, endpoint_id), reason)
    except APIError as exc:
        raise _fail(exc) from None
    click.echo(f"endpoint {endpoint_id} disabled")


@group.command("enable")
@click.argument("endpoint_id", type=int)
@with_appcontext
def enable(endpoint_id: int) -> None:
    """Send to a disabled endpoint again (then `redeliver --failed` for what it missed)."""
    try:
        with session_scope(current_app) as session:
            endpoints.enable(session, endpoint_id)
    except APIError as exc:
        raise _fail(exc) from None
    click.echo(f"endpoint {endpoint_id} enabled")


@group.command("test")
@click.argument("endpoint_id", type=int)
@with_appcontext
def test(endpoint_id: int) -> None:
    """Send a signed webhook.test ping now and print what the receiver answered."""
    app, settings = current_app, _settings()
    try:
        with session_scope(app) as session:
            delivery_id = endpoints.create_test_delivery(session, endpoint_id)
    except APIError as exc:
        raise _fail(exc) from None
    session = get_sessionmaker(app)()
    try:
        outcome = delivery.attempt(session, settings, delivery_id)
        log = present.attempt_log(session, endpoint_id, limit=1)[0]
    finally:
        session.close()
    _echo_json({"delivered": outcome == "delivered", "message": log["message"], "status": log["response_status"],
                "body": log["response_body"], "duration_ms": log["duration_ms"], "error": log["error"]})
    if outcome != "delivered":
        raise SystemExit(1)


@group.command("redeliver")
@click.argument("endpoint_id", type=int)
@click.option("--message", "msg_id", default=None, help="the webhook-id (msg_...) of one message")
@click.option("--failed", is_flag=True, help="every failed message of the endpoint")
@with_appcontext
def redeliver(endpoint_id: int, msg_id: str | None, failed: bool) -> None:
    """Send one message, or all failed ones, again (same webhook-id, fresh retry schedule)."""
    try:
        with session_scope(current_app) as session:
            count = endpoints.redeliver(session, endpoint_id, msg_id, failed)
    except APIError as exc:
        raise _fail(exc) from None
    click.echo(f"{count} deliveries queued again")


@group.command("log")
@click.argument("endpoint_id", type=int)
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def attempt_log(endpoint_id: int, limit: int) -> None:
    """The newest attempts as JSON lines: event, message, attempt, time, status, body (1 KB), duration, error."""
    try:
        with session_scope(current_app) as session:
            endpoints.get(session, endpoint_id)
            rows = present.attempt_log(session, endpoint_id, limit)
    except APIError as exc:
        raise _fail(exc) from None
    for row in rows:
        _echo_json(row)
