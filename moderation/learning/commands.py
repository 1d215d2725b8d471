"""The app-needing forms of the classifier tools, reached through `moderation train|score|evaluate`:

- `moderation train --with-feedback [--site ID] [--activate] [--data PATH] [--seed N]`
- `moderation score --site ID | --model VERSION [--jsonl]` (stdin and output as `moderation score`)
- `moderation evaluate --feedback [--site ID] [--out DIR]`
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from rich.console import Console

from moderation.errors import APIError
from moderation.extensions import get_sessionmaker, get_settings
from moderation.learning import tables
from moderation.learning.trainer import TrainingRefused, train_site


@click.command("train")
@click.option("--with-feedback", is_flag=True, required=True, help="base data plus the site's labels")
@click.option("--site", "site_id", default=None, help="train the site's own model (default: every site's labels, global model)")
@click.option("--activate", is_flag=True, help="make the new version active whatever the gate says")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="base datasets folder (default: learning.data_dir)")
@click.option("--seed", default=0, show_default=True)
@with_appcontext
def train_feedback(with_feedback: bool, site_id: str | None, activate: bool, data_dir: Path | None, seed: int) -> None:
    """Train a new version with the site's labels, compare it with the active model, store it."""
    console = Console(stderr=True)
    try:
        outcome = train_site(get_sessionmaker(), get_settings(), site_id, trigger="cli",
                             activation="force" if activate else "gate", data_dir=data_dir, seed=seed, progress=True,
                             announce=console.print)
    except (TrainingRefused, APIError) as exc:
        raise click.ClickException(str(exc)) from None
    out = Console()
    out.print(tables.labels_table(outcome.comparison))
    out.print(tables.base_table(outcome.comparison))
    out.print(f"gate: {outcome.gate}")
    scope = f"--site {site_id}" if site_id else "(global)"
    if outcome.status == "activated":
        out.print(f"[bold]{outcome.version}[/bold] is now the active model {scope}; undo with "
                  f"`moderation models rollback{' --site ' + site_id if site_id else ''}`")
    else:
        out.print(f"[bold]{outcome.version}[/bold] stored, not activated (the gate refused it); activate it anyway with "
                  f"`moderation models activate {outcome.version}{' --site ' + site_id if site_id else ''}`")


@click.command("score")
@click.option("--jsonl", is_flag=True, help="input is JSON Lines with a 'text' field")
@click.option("--site", "site_id", default=None, help="score with the site's active model")
@click.option("--model", "model_ref", default=None, help="a stored version (from `moderation models list`)")
@with_appcontext
def score_registry(jsonl: bool, site_id: str | None, model_ref: str | None) -> None:
    """Score stdin with a stored version or a site's active model."""
    from classifiers.cli import score_with
    from moderation.db import session_scope
    from moderation.registry import loading, store

    with session_scope(current_app) as session:
        try:
            if model_ref is not None:
                model = loading.load_version(session, store.find(session, model_ref).id)
            else:
                store.check_site(session, site_id)
                model, _origin = loading.active_model(session, site_id)
        except APIError as exc:
            raise click.ClickException(exc.message) from None
    sys.exit(score_with(model, jsonl))


@click.command("evaluate")
@click.option("--feedback", is_flag=True, required=True, help="the active model on the moderators' labels")
@click.option("--site", "site_id", default=None)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("feedback-report"),
              show_default=True)
@with_appcontext
def evaluate_feedback(feedback: bool, site_id: str | None, out_dir: Path) -> None:
    """Write a report (Markdown with pictures) of how the active model does on the labels."""
    from moderation.learning import feedback_report

    try:
        path = feedback_report.write(get_sessionmaker(), site_id, out_dir, Console(stderr=True))
    except (TrainingRefused, APIError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {path}")


def needs_app(command: str, args: tuple[str, ...]) -> click.Command | None:
    """The app-needing form of a forwarded classifier tool, when its arguments ask for one."""
    if command == "train" and "--with-feedback" in args:
        return train_feedback
    if command == "evaluate" and "--feedback" in args:
        return evaluate_feedback
    if command == "score":
        if any(a == "--site" or a.startswith("--site=") for a in args):
            return score_registry
        for i, arg in enumerate(args):
            value = arg.split("=", 1)[1] if arg.startswith("--model=") else args[i + 1] if arg == "--model" and i + 1 < len(args) else None
            if value is not None and not Path(value).exists():
                return score_registry  # not a file: a stored version
    return None
