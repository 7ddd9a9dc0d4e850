"""`selfcare today` (and, with the guide, `selfcare start`)."""

from __future__ import annotations

from typing import Optional

import typer

from .app import app
from .common import load_library, load_profile, plan_request, today as current_day

MINUTES = typer.Option(None, "--minutes", "-m", help="How many minutes you have (default: your profile's).")
AREAS = typer.Option(None, "--area", "-a", help="A body area to work on; repeat for more (neck, shoulders, feet...).")
GOALS = typer.Option(None, "--goal", "-g", help="What you want: tension, stress, sleep, flexibility...; repeatable.")
DATE = typer.Option(None, "--date", help="Plan for another day: YYYY-MM-DD, 'today' or 'yesterday'.")
JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


@app.command()
def today(
    minutes: Optional[int] = MINUTES,
    area: Optional[list[str]] = AREAS,
    goal: Optional[list[str]] = GOALS,
    date: Optional[str] = DATE,
    json: bool = JSON,
) -> None:
    """Today's routine, built from your profile (or the options given).

    Example: selfcare today --minutes 5 --area neck --goal stress
    """
    from .. import planner, render
    from ..days import parse_day

    profile, saved = load_profile()
    request = plan_request(profile, minutes, area, goal)
    base = current_day(profile)
    day = parse_day(date, base) if date else base
    plan = planner.plan(load_library(), request, day)
    if json:
        render.print_json(plan.to_dict())
        return
    hint = None if saved else "No profile yet: these are the defaults. Run 'selfcare profile setup' to make it yours."
    heading = f"{day:%A %-d %B} · {', '.join(request.areas)} · {', '.join(request.goals)}"
    render.plan_table(plan, heading=heading, profile_hint=hint, left_out=planner.summary_of_left_out(plan.left_out))
