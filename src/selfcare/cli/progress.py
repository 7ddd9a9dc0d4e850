"""`selfcare streak` and `selfcare report`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from .common import as_of_day, load_library, load_profile, open_log
from .guard import echo
from .registry import Option, command

if TYPE_CHECKING:
    from ..models import Profile
    from ..reports import Report

AS_OF = Option("--as-of", metavar="DATE", help="Look from this day: YYYY-MM-DD, 'today' or 'yesterday'.")


@command("streak")
def streak(
    as_of: Annotated[str | None, AS_OF] = None,
    json: Annotated[bool, Option("--json", help="Print JSON.")] = False,
) -> None:
    """Your current and longest streak, this week against your target, the last two weeks.

    Example: selfcare streak --json
    """
    from .. import render, reports

    profile, _ = load_profile()
    day = as_of_day(profile, as_of)
    with open_log() as store:
        result = reports.streak(store, day, profile.days_per_week)
    if json:
        render.print_json(result.to_dict())
    else:
        render.streak_view(result)


@command("report")
def report(
    days: Annotated[
        int | None,
        Option("--days", "-d", min=1, max=3660, help="How many days to look back over (default 30)."),
    ] = None,
    as_of: Annotated[str | None, AS_OF] = None,
    year: Annotated[
        bool, Option("--year", help="The year as a calendar, a column a week, with its weekly trends.")
    ] = False,
    json: Annotated[bool, Option("--json", help="Print JSON.")] = False,
    for_therapist: Annotated[
        bool,
        Option(
            "--for-therapist",
            help="A one-page summary to print or send: Markdown, or a page with charts with --html FILE.",
        ),
    ] = False,
    html: Annotated[
        Path | None,
        Option("--html", metavar="FILE", help="Write the summary as one self-contained page with charts (0600)."),
    ] = None,
    include_notes: Annotated[
        bool,
        Option("--include-notes", help="Put your session notes in --for-therapist and --html (left out otherwise)."),
    ] = False,
    output: Annotated[
        Path | None,
        Option(
            "--output", "-o", metavar="FILE", help="With --for-therapist: write to this file (0600); '-' is the screen."
        ),
    ] = None,
    force: Annotated[bool, Option("--force", help="Overwrite --output or --html if it exists.")] = False,
) -> None:
    """How the habit is holding and whether it helps: calendar, minutes, weekly trends, pain and stress.

    Example: selfcare report --days 90 --html for-my-physio.html
    """
    from .. import render, reports
    from ..errors import SelfcareError

    # Options that make no sense together are refused, never quietly ignored.
    if output is not None and not for_therapist:
        raise SelfcareError("--output writes the summary of --for-therapist; add --for-therapist (or use --html FILE)")
    if json and for_therapist:
        raise SelfcareError("--json and --for-therapist each choose what is printed; give one of them")
    if include_notes and not (for_therapist or html is not None):
        raise SelfcareError("--include-notes puts your notes in --for-therapist or --html; add one of them")
    if force and output is None and html is None:
        raise SelfcareError("--force overwrites the file of --output or --html; give one of them")
    if for_therapist and output is not None and output.suffix.lower() in (".html", ".htm"):
        html, output = output, None  # the page with charts, as --html
    if year and days is not None:
        raise SelfcareError("--year covers the last 53 weeks; leave out --days, or leave out --year")
    if html is not None and (json or output is not None):
        raise SelfcareError("--html writes a page; leave out --json and --output")
    if html is not None:
        from ..paths import check_output

        check_output(html, overwrite=force)  # refused before any work: a folder, a link, a device, no --force
    profile, _ = load_profile()
    day = as_of_day(profile, as_of)
    window = reports.year_days(day) if year else days or 30
    with open_log() as store:
        data = reports.report(store, load_library(), day, window, profile.days_per_week, year=year or html is not None)
    if html is not None:
        _write_page(data, profile, html, include_notes=include_notes, force=force)
    elif for_therapist:
        text = render.therapist_markdown(data, profile, include_notes=include_notes)
        if output is None or str(output) == "-":
            echo(render.clean(text), nl=False)
        else:
            from ..paths import write_output

            write_output(output, text, overwrite=force)
            echo(f"wrote {output}", err=True)
        _notes_left_out(data, include_notes)
    elif json:
        render.print_json(data.to_dict())
    elif year:
        render.year_view(data)
    else:
        render.report_view(data)


def _write_page(data: Report, profile: Profile, path: Path, *, include_notes: bool, force: bool) -> None:
    from .. import page
    from ..paths import write_output

    write_output(path, page.therapist_html(data, profile, include_notes=include_notes), overwrite=force)
    echo(f"wrote {path}", err=True)
    _notes_left_out(data, include_notes)


def _notes_left_out(data: Report, include_notes: bool) -> None:
    if data.notes and not include_notes:
        from ..words import plural

        echo(f"{plural(len(data.notes), 'note')} left out; --include-notes puts them in", err=True)
