"""`moderation import wordpress|disqus FILE --site ID [--trash-as toxic|spam|ignore]`."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from moderation.db import session_scope
from moderation.errors import APIError
from moderation.extensions import get_settings
from moderation.imports import disqus, wxr
from moderation.imports.importer import Summary, TrashAs, import_records
from moderation.imports.records import ImportFileError, Record, check_size

Reader = Callable[[Path, Callable[[int], None] | None], tuple[list[Record], dict[str, int]]]


def run_import(source: str, reader: Reader, path: Path, site_id: str, trash_as: TrashAs, console: Console) -> Summary:
    """Read and validate the whole file, then store it in one transaction (all or nothing)."""
    settings = get_settings()
    size = check_size(path, settings.learning.import_max_file_mb * 1024 * 1024)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, DownloadColumn(), console=console, transient=False) as bar:
        task = bar.add_task(f"reading {path.name}", total=size)
        records, skipped = reader(path, lambda n: bar.advance(task, n))
    with Progress(*columns, MofNCompleteColumn(), console=console) as bar:
        task = bar.add_task("storing comments", total=len(records))
        with session_scope(current_app) as session:
            summary = import_records(session, settings, site_id, source, records, trash_as,
                                     lambda n: bar.advance(task, n))
            bar.update(task, completed=len(records), description="committing")
    summary.skipped = skipped
    return summary


def print_summary(summary: Summary, source: str, site_id: str, seconds: float, console: Console) -> None:
    """The summary table at the end of an import."""
    table = Table(title=f"{source} import into site {site_id!r} ({seconds:.1f} s)")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("comments in the file", f"{summary.read:,}")
    table.add_row("already imported (skipped)", f"{summary.already:,}")
    for status, n in sorted(summary.imported.items()):
        table.add_row(f"imported as {status}", f"{n:,}")
    for reason, n in sorted(summary.labels.items()):
        table.add_row(f"labels: {reason}", f"{n:,}")
    for kind, n in sorted(summary.skipped.items()):
        table.add_row(f"skipped {kind or 'other'}", f"{n:,}")
    table.add_row("new threads", f"{summary.new_threads:,}")
    table.add_row("new authors", f"{summary.new_authors:,}")
    if summary.orphans:
        table.add_row("replies whose parent is not in the export (kept at top level)", f"{summary.orphans:,}")
    console.print(table)


def _command(source: str, reader: Reader, help_text: str) -> click.Command:
    @click.command(source, help=help_text)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--site", "site_id", required=True, help="the site the comments belong to")
    @click.option("--trash-as", type=click.Choice(["toxic", "spam", "ignore"]), default="toxic", show_default=True,
                  help="what the site's trash meant: a label toxic, a label spam, or no label")
    @with_appcontext
    def command(file: Path, site_id: str, trash_as: TrashAs) -> None:
        console = Console(stderr=True)
        start = time.perf_counter()
        try:
            summary = run_import(source, reader, file, site_id, trash_as, console)
        except ImportFileError as exc:
            raise click.ClickException(f"{file}: {exc} (nothing was imported)") from None
        except APIError as exc:
            raise click.ClickException(f"{exc.message} (nothing was imported)") from None
        print_summary(summary, source, site_id, time.perf_counter() - start, Console())

    return command


@click.group("import")
def import_group() -> None:
    """Import a site's comment history; its statuses become labels (source `import`)."""


import_group.add_command(_command("wordpress", wxr.read, "Import a WordPress export (WXR): statuses 1 published, "
                                  "0 held, spam spam, trash rejected."))
import_group.add_command(_command("disqus", disqus.read, "Import a Disqus export: isSpam spam, isDeleted rejected "
                                  "(as trash), otherwise published."))
