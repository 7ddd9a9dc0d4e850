"""`selfcare streak` and `selfcare report`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import actions
from .app import app
from .common import as_of_day, load_library, load_profile, open_log

AS_OF = typer.Option("--as-of", help="Look from this day: YYYY-MM-DD, 'today' or 'yesterday'.")


@app.command()
def streak(
    as_of: Annotated[str | None, AS_OF] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Your current and longest streak, this week against your target, the last two weeks.

    Example: selfcare streak --json
    """
    actions.streak(as_of, json)


@app.command()
def report(
    days: Annotated[int, typer.Option("--days", "-d", min=1, max=3660, help="How many days to look back over.")] = 30,
    as_of: Annotated[str | None, AS_OF] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    for_therapist: Annotated[
        bool, typer.Option("--for-therapist", help="A one-page Markdown summary to print or send.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="With --for-therapist: write to this file (0600); '-' is the screen."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --output if it exists.")] = False,
) -> None:
    """How the habit is holding and whether it helps: calendar, minutes, pain and stress.

    Example: selfcare report --days 90 --for-therapist --output for-my-physio.md
    """
    from .. import render, reports

    profile, _ = load_profile()
    day = as_of_day(profile, as_of)
    with open_log() as store:
        data = reports.report(store, load_library(), day, days, profile.days_per_week)
    if for_therapist:
        text = render.therapist_markdown(data, profile)
        if output is None or str(output) == "-":
            typer.echo(render.clean(text), nl=False)
        else:
            from ..paths import write_output

            write_output(output, text, overwrite=force)
            typer.echo(f"wrote {output}", err=True)
    elif json:
        render.print_json(data)
    else:
        render.report_view(data)
