"""`selfcare export` and `selfcare import`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from . import complete
from .app import app
from .common import open_log


@app.command()
def export(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="json (everything; what import reads) or csv (for spreadsheets).",
            autocompletion=complete.export_formats,
        ),
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to this file (private, 0600) instead of the screen; '-' is the screen.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --output if it is a file that exists.")] = False,
) -> None:
    """Write the whole log out, to move it to another machine or a spreadsheet.

    Example: selfcare export --output selfcare-backup.json
    """
    import sys

    from .. import transfer
    from ..days import now
    from ..errors import SelfcareError
    from ..paths import STDOUT, check_output, output_file
    from .guard import warn

    format = format.strip().lower()
    if format not in ("json", "csv"):
        raise SelfcareError(f"--format must be json or csv, not '{format}'")
    to_screen = output is None or str(output) == STDOUT
    if force and to_screen:
        raise SelfcareError("--force overwrites the file of --output; give --output FILE, or leave out --force")
    if output is not None and not to_screen:
        check_output(output, overwrite=force)  # before the log is even opened
    current = now()

    def dump(write: Callable[[str], object]) -> list[transfer.LeftOut]:
        with open_log() as store:
            if format == "json":
                return transfer.export_json(store, current.isoformat(timespec="seconds"), current, write)
            transfer.export_csv(store, write)
            return []

    if to_screen:
        from ..render import clean

        if sys.stdout.isatty():
            # On a terminal, a note's control characters must not reach it.
            left = dump(lambda text: sys.stdout.write(clean(text)))
        else:
            # A pipe gets the data as stored, in UTF-8 whatever the terminal's encoding: a backup loses nothing.
            sys.stdout.flush()
            raw = getattr(sys.stdout, "buffer", None)
            left = dump((lambda text: raw.write(text.encode("utf-8"))) if raw is not None else sys.stdout.write)
        sys.stdout.flush()
    else:
        assert output is not None
        with output_file(output, overwrite=force) as write:
            left = dump(write)
    for item in left:
        warn(f"left out {item.what} {item.ident}: import would refuse it ({item.problem})")
    if not to_screen:
        typer.echo(f"wrote {output}", err=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A JSON file written by 'selfcare export'.")],
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Leave out (and list) the items that cannot be imported, instead of refusing the file.",
        ),
    ] = False,
) -> None:
    """Add the sessions and rest days of an export file; ones already here are skipped.

    The whole file is checked before anything is written, and then written at
    once: a file that cannot be imported changes nothing.

    Example: selfcare import selfcare-backup.json
    """
    from .. import transfer
    from ..days import now
    from .guard import stored, warn

    result = transfer.import_file(file, open_log, now(), skip_invalid=skip_invalid)
    with stored(f"{result.added} sessions and {result.rest_days} rest days were imported"):
        for refusal in result.refused:
            ident = f" ({refusal.ident[:40]})" if refusal.ident else ""
            warn(f"skipped {refusal.where}{ident}: {refusal.problem}")
        for position, session_id in result.orphan_flags:
            warn(f"skipped flags[{position}]: its session {session_id[:8]} is neither in the file nor in the log")
        message = (
            f"imported {result.added} sessions and {result.rest_days} rest days; {result.present} were here already"
        )
        if result.refused:
            message += f"; {len(result.refused)} skipped as invalid (listed above)"
        typer.echo(message)
