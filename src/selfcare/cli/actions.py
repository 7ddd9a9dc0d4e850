"""The bodies of the two commands people run most, `today` and `streak`, kept free
of Typer so that `selfcare today` and `selfcare streak` (with no option, or just
--json) can run without building the whole command line first. The Typer
commands call the same functions, so both ways behave alike.
"""

from __future__ import annotations

from .common import as_of_day, first_run_notice, load_profile, open_log, plan_request, plan_today
from .common import today as current_day
from .guard import guarded

FAST = {("today",): "today", ("today", "--json"): "today", ("streak",): "streak", ("streak", "--json"): "streak"}
NO_PROFILE = "No profile yet: these are the defaults. Run 'selfcare profile setup' to make it yours."


def today(
    minutes: int | None = None,
    area: list[str] | None = None,
    goal: list[str] | None = None,
    date: str | None = None,
    json: bool = False,
    targets: list[str] | None = None,
) -> None:
    from .. import render
    from ..days import parse_day

    profile, saved = load_profile()
    request = plan_request(profile, minutes, area, goal)
    base = current_day(profile)
    day = parse_day(date, base) if date else base
    if targets:
        from .common import chosen, load_library, only_plan_options
        from .inputs import words

        targets = words(targets)  # any case, and lists: 'today Neck-Trap-Knead,breath-box'

        only_plan_options(minutes, area, goal)
        library = load_library()
        ids, routine = chosen(library, targets)
        plan = plan_today(library, request, day, practice_ids=ids, routine=routine)
    else:
        plan = plan_today(None, request, day, cached=True)
    first_run_notice(saved)
    if json:
        render.print_json(plan.to_dict())
        return
    heading = f"{day:%A} {day.day} {day:%B} · {', '.join(request.areas)} · {', '.join(request.goals)}"
    if targets:
        heading = f"{day:%A} {day.day} {day:%B} · " + (
            f"your routine {plan.routine}" if plan.routine else "the practices you chose"
        )
    left_out = render.left_out_line(plan.left_out)
    render.plan_table(plan, heading=heading, profile_hint=None if saved else NO_PROFILE, left_out=left_out)


def streak(as_of: str | None = None, json: bool = False) -> None:
    from .. import render, reports

    profile, _ = load_profile()
    day = as_of_day(profile, as_of)
    with open_log() as store:
        result = reports.streak(store, day, profile.days_per_week)
    if json:
        render.print_json(result.to_dict())
    else:
        render.streak_view(result)


def fast(args: tuple[str, ...]) -> None:
    """Run a FAST invocation with the same error handling as the full command line."""
    command = today if FAST[args] == "today" else streak
    guarded(lambda: command(json="--json" in args))
