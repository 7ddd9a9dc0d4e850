"""`selfcare export` and `selfcare import`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import open_log


@app.command()
def export(
    format: Annotated[
        str, typer.Option("--format", "-f", help="json (everything; what import reads) or csv (for spreadsheets).")
    ] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (private, 0600) instead of the screen.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --output if it exists.")] = False,
) -> None:
    """Write the whole log out, to move it to another machine or a spreadsheet.

    Example: selfcare export --output selfcare-backup.json
    """
    from .. import transfer
    from ..days import now
    from ..errors import SelfcareError
    from ..paths import atomic_write

    if format not in ("json", "csv"):
        raise SelfcareError(f"--format must be json or csv, not '{format}'")
    if output is not None and output.exists() and not force:
        raise SelfcareError(f"{output} already exists; use --force to overwrite it")
    with open_log() as store:
        text = (
            transfer.export_json(store, now().isoformat(timespec="seconds"))
            if format == "json"
            else transfer.export_csv(store)
        )
    if output is None:
        import sys

        from ..render import clean

        # On a terminal, a note's control characters must not reach it; a pipe gets the data as stored.
        typer.echo(clean(text) if sys.stdout.isatty() else text, nl=False)
        return
    atomic_write(output, text, overwrite=force)
    typer.echo(f"wrote {output}", err=True)


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="A JSON file written by 'selfcare export'.")]) -> None:
    """Add the sessions and rest days of an export file; ones already here are skipped.

    Example: selfcare import selfcare-backup.json
    """
    from .. import transfer
    from ..days import now
    from ..render import console

    parsed = transfer.read_import(file)  # the whole file is checked before the log is even opened
    with open_log() as store:
        added, skipped, rests = transfer.import_parsed(store, parsed, now().isoformat(timespec="seconds"))
    console().print(f"imported {added} sessions and {rests} rest days; {skipped} were here already", highlight=False)
