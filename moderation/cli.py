"""The `moderation` command: run the service, manage the database, and the classifier tools."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo


def _create_app() -> Flask:
    from moderation import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """Self-hosted comment moderation service."""
    from moderation import logsafe

    logsafe.install()


# Classifier tools never build the web app: they forward to classifiers.cli, which owns them.
for _name, _help in (
    ("train", "Train the classifiers and write a model artifact (--with-feedback: with the site's labels)."),
    ("evaluate", "Evaluate the shipped model and write the report (--feedback: on the moderators' labels)."),
    ("score", "Score comments from stdin, one JSON object per line (--site, --model VERSION: stored models)."),
):

    def _forward(args: tuple[str, ...], _cmd: str = _name) -> None:
        from moderation.learning.commands import needs_app

        # --with-feedback, --site, a stored --model and --feedback need the database: the app's command.
        command = needs_app(_cmd, args)
        if command is not None:
            info = click.get_current_context().ensure_object(ScriptInfo)
            command.main(args=list(args), prog_name=f"moderation {_cmd}", obj=info)
            return
        from classifiers.cli import main as classifiers_main

        sys.exit(classifiers_main([_cmd, *args]))

    main.add_command(
        click.Command(
            _name,
            callback=_forward,
            params=[click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)],
            context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False,
                              "help_option_names": []},
            help=_help,
        )
    )


def _add_app_free_commands() -> None:
    from moderation.commands import APP_FREE_COMMANDS

    for command in APP_FREE_COMMANDS:
        main.add_command(command)


_add_app_free_commands()


def register(app: Flask) -> None:
    """Attach the commands that need an app (database, moderators, processes)."""
    from moderation import commands

    for command in commands.COMMANDS:
        app.cli.add_command(command)
