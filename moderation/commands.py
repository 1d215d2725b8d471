"""Commands that act on a configured app: database, sites, moderators, and the service processes."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from moderation import instances, privacy, processes, queue, webhooks
from moderation.datarights import cli as datarights_cli
from moderation.db import session_scope
from moderation.extensions import get_engine, get_redis, get_sessionmaker, get_settings
from moderation.imports.commands import import_group
from moderation.migrate import upgrade
from moderation.models import Site
from moderation.moderator import commands as moderator_commands
from moderation.registry.commands import models_group
from moderation.settings import Settings, generate_secrets
from moderation.webhooks import cli as webhooks_cli
from moderation.webhooks import endpoints as webhook_endpoints


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations."""
    upgrade(get_engine(), revision)
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


def _settings() -> Settings:
    return get_settings()


def _instance(settings: Settings) -> Path:
    return Path(current_app.instance_path)


@click.command("rotate-keys")
@click.option("--batch", "batch_size", type=click.IntRange(1, 100_000), default=None,
              help="authors per committed batch (default: privacy.rotation_batch)")
@with_appcontext
def rotate_keys(batch_size: int | None) -> None:
    """Re-encrypt (and re-index, while previous_blind_index_key is set) every author in resumable batches.

    Interrupted (Ctrl-C, SIGKILL, a crash)? Run it again: it resumes after the last committed batch.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from moderation.datarights import rotation

    settings = _settings()
    console = Console(stderr=True)
    bar = Progress(TextColumn("rotating keys"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=console, disable=not console.is_terminal)
    task = bar.add_task("authors", total=None)
    try:
        with bar:
            result = rotation.rotate(get_sessionmaker(), settings,
                                     lambda done, total: bar.update(task, completed=done, total=total), batch_size)
        with session_scope(current_app) as session:
            secrets = webhook_endpoints.rotate_stored_secrets(session, settings)
    except privacy.EmailDecryptError as exc:
        raise click.ClickException(f"{exc}; keep every old key in email_keys until rotation succeeds") from exc
    except KeyboardInterrupt:
        click.echo("interrupted; run `moderation rotate-keys` again to resume after the last committed batch",
                   err=True)
        sys.exit(130)
    if result.resumed_from:
        click.echo(f"resumed after author {result.resumed_from}")
    click.echo(f"re-encrypted {result.changed} author emails under key {settings.secrets.active_email_key!r}")
    if settings.secrets.previous_blind_index_key:
        click.echo(f"re-indexed {result.reindexed} authors under the new blind-index key"
                   + (f"; {result.conflicts} left: the same email has a newer author row" if result.conflicts else "")
                   + "; remove previous_blind_index_key now")
    if secrets:
        click.echo(f"re-encrypted {secrets} webhook secrets")


@click.command("web")
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes")
@click.option("--threads", default=processes.WEB_THREADS, show_default=True,
              help="threads per worker: 1 = sync workers; more = gthread with keep-alive")
@with_appcontext
def web(workers: int, threads: int) -> None:
    """Serve the web app with gunicorn on settings host:port."""
    _warn_if_shared()
    argv = processes.web_argv(_settings(), workers, threads)
    os.execv(argv[0], argv)


@click.command("worker")
@click.option("--concurrency", "-c", default=os.cpu_count() or 1, show_default=True)
@click.option("--queues", "-Q", default=",".join(processes.DEFAULT_QUEUES), show_default=True,
              help="comma-separated queues to consume: scoring, maintenance, webhooks")
@click.option("--pool", "-P", type=click.Choice(["prefork", "threads"]), default="prefork", show_default=True,
              help="threads suits the webhooks queue (waiting on receivers); scoring needs prefork")
@with_appcontext
def worker(concurrency: int, queues: str, pool: str) -> None:
    """Run a Celery worker for the scoring and maintenance queues (or the webhooks queue: -Q webhooks -P threads)."""
    _warn_if_shared()
    argv = processes.worker_argv(_settings(), concurrency, tuple(q for q in queues.split(",") if q), pool)
    os.execv(argv[0], argv)


@click.command("beat")
@with_appcontext
def beat() -> None:
    """Run Celery beat (outbox sweeper, daily retention purge, continuous learning); exactly one per deployment."""
    argv = processes.beat_argv(_settings(), _instance(_settings()))
    os.execv(argv[0], argv)


def _warn_if_shared() -> None:
    """Say so at start when an instance without a namespace shares this Redis."""
    message = instances.warn_if_shared(get_redis(), _settings().redis_namespace)
    if message:
        click.echo(message, err=True)


def _ensure_site(settings: Settings) -> None:
    from moderation.services import sites

    with session_scope(current_app) as session:
        sites.sync_sites(session, settings)
        sites.ensure_demo_site(session, settings)


@click.command("serve")
@click.option("--demo", is_flag=True, help="create the demo site whose origin is this service")
@click.option("--web-workers", default=2, show_default=True)
@click.option("--concurrency", "-c", default=1, show_default=True, help="scoring worker processes")
@with_appcontext
def serve(demo: bool, web_workers: int, concurrency: int) -> None:
    """Everything on one machine: migrate, Redis, then web + worker + beat until Ctrl-C."""
    from moderation import localredis

    settings = _settings()
    upgrade(get_engine())
    click.echo(f"database ready ({settings.database_url.split('://', 1)[0]})")
    if demo:
        _ensure_site(settings)
    private_redis = localredis.ensure(settings.redis_url, _instance(settings) / "redis")
    if private_redis is None:
        click.echo(f"using Redis at {settings.redis_url} (keys under '{settings.redis_key_prefix}')")
        _warn_if_shared()
    supervisor = processes.Supervisor()
    supervisor.install_signal_handlers()
    base = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '::') else settings.host}:{settings.port}"
    failed = None
    try:
        supervisor.start("web", processes.web_argv(settings, web_workers))
        supervisor.start("worker", processes.worker_argv(settings, concurrency))
        # Deliveries wait on receivers: their own worker, so a slow receiver never delays scoring, and
        # threads, so eight slow receivers at once still cost one process.
        supervisor.start("webhooks", processes.worker_argv(settings, 8, (webhooks.QUEUE,), "threads"))
        supervisor.start("beat", processes.beat_argv(settings, _instance(settings)))
        if settings.learning.continuous_sites:  # training gets its own process: scoring never waits behind it
            supervisor.start("learner", processes.worker_argv(settings, 1, (queue.LEARNING_QUEUE,), "learner@%h"))
        if processes.wait_http(base + "/api/v1/openapi.json", 60, supervisor):
            lines = [f"  service:   {base}", f"  API docs:  {base}/api/v1/openapi.json"]
            if demo:
                lines.insert(1, f"  demo page: {base}/demo/artikel-1")
            click.echo("\nmoderation is running (web, worker, beat):\n" + "\n".join(lines)
                       + "\nPress Ctrl-C to stop.\n")
        failed = supervisor.wait()
    finally:
        if failed:
            click.echo(f"{failed} exited; stopping the others", err=True)
        else:
            click.echo("stopping web, worker and beat ...")
        supervisor.stop()
        localredis.stop(private_redis)
        click.echo("stopped.")
    if failed:
        sys.exit(1)


COMMANDS = [db_group, create_site, *moderator_commands.COMMANDS, import_group, models_group, rotate_keys, web, worker, beat,
            serve, webhooks_cli.group, datarights_cli.group,
            datarights_cli.retention_group]


@click.command("init-secrets")
@click.option("--instance", "instance", default="instance", show_default=True, type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="replace existing keys (makes stored emails unreadable)")
def init_secrets(instance: str, force: bool) -> None:
    """Write random keys to <instance>/secrets.toml (development, or to copy into a secret store)."""
    import tomli_w

    target = Path(instance) / "secrets.toml"
    if target.exists() and not force:
        click.echo(f"{target} exists; keeping it")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(tomli_w.dumps(generate_secrets()), encoding="utf-8")
    target.chmod(0o600)
    click.echo(f"wrote {target}")


# Commands that must work without a loadable app (e.g. production before keys exist).
APP_FREE_COMMANDS = [init_secrets]
