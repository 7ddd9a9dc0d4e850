"""`selfcare today` (and, with the guide, `selfcare start`): the plan of the day, a named routine, or chosen practices."""

from __future__ import annotations

from typing import Annotated

import typer

from . import actions, complete
from .app import app
from .common import (
    chosen,
    first_run_notice,
    load_library,
    load_profile,
    only_plan_options,
    open_log,
    plan_request,
    plan_today,
)
from .common import today as current_day

MINUTES = typer.Option("--minutes", "-m", help="How many minutes you have (default: your profile's).")
AREAS = typer.Option(
    "--area",
    "-a",
    metavar="AREA",
    help="Body areas to work on: neck, shoulders, feet...; repeat it or give a list (neck,jaw).",
    autocompletion=complete.areas,
)
GOALS = typer.Option(
    "--goal",
    "-g",
    metavar="GOAL",
    help="What you want: tension, stress, sleep, flexibility...; repeat it or give a list.",
    autocompletion=complete.goals,
)
DATE = typer.Option("--date", metavar="DATE", help="Plan for another day: YYYY-MM-DD, 'today' or 'yesterday'.")
JSON = typer.Option("--json", help="Print JSON instead of a table.")
TARGETS = typer.Argument(
    metavar="[NAME | PRACTICE_ID...]",
    help="A routine you saved ('selfcare routines save'), or practice ids; none: the plan of the day.",
    show_default=False,
    autocompletion=complete.practices,
)


@app.command()
def today(
    targets: Annotated[list[str] | None, TARGETS] = None,
    minutes: Annotated[int | None, MINUTES] = None,
    area: Annotated[list[str] | None, AREAS] = None,
    goal: Annotated[list[str] | None, GOALS] = None,
    date: Annotated[str | None, DATE] = None,
    json: Annotated[bool, JSON] = False,
) -> None:
    """Today's routine, built from your profile (or the options given); or a routine you saved,
    or the practices you name, with what your health rules leave out today.

    Example: selfcare today --minutes 5 --area neck --goal stress
    Example: selfcare today desk-break
    """
    actions.today(minutes, area, goal, date, json, targets)


def _rating(question: str) -> int | None:
    from rich.prompt import Prompt

    from ..render import console

    while True:
        answer = Prompt.ask(
            f"{question} [dim](0-10, Enter to skip)[/]", default="", show_default=False, console=console()
        )
        answer = answer.strip()
        if not answer:
            return None
        if answer.isdigit() and 0 <= int(answer) <= 10:
            return int(answer)
        console().print("[yellow]a whole number from 0 (none) to 10 (worst imaginable), or Enter to skip[/]")


@app.command()
def start(
    targets: Annotated[list[str] | None, TARGETS] = None,
    minutes: Annotated[int | None, MINUTES] = None,
    area: Annotated[list[str] | None, AREAS] = None,
    goal: Annotated[list[str] | None, GOALS] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No bell at step changes.")] = False,
) -> None:
    """Be guided through today's routine, a routine you saved, or the practices you name:
    steps, countdowns, a breathing pacer, repetitions and rests counted.

    Keys: space pauses, n skips to the next step, s skips the practice, q stops.
    Pain and stress are asked before and after, and the session is logged.

    Example: selfcare start --minutes 5
    Example: selfcare start desk-break
    Example: selfcare start ex-chin-nod ex-scapular-setting
    """
    import sys
    import time

    from .. import logbook, render
    from ..errors import SelfcareError
    from ..guide import Guide
    from ..models import Practice
    from .screen import TerminalKeys, play

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise SelfcareError(
            "'selfcare start' guides you in a terminal, and this is not one; "
            "see the routine with 'selfcare today' and record it with 'selfcare log'"
        )
    profile, saved = load_profile()
    first_run_notice(saved)
    request = plan_request(profile, minutes, area, goal)
    from .inputs import words

    library = load_library()
    if targets:
        only_plan_options(minutes, area, goal)
    ids, routine = chosen(library, words(targets))
    plan = plan_today(library, request, current_day(profile), practice_ids=ids, routine=routine)
    out = render.console()
    if not plan.items and ids:
        for line in render.plan_notes(plan, top=True) + render.plan_notes(plan, top=False):
            out.print(line)
        what = f"routine {routine}" if routine else "practices you named"
        raise SelfcareError(f"nothing of the {what} is safe for you today (see above)")
    if not plan.items:
        raise SelfcareError("no practice fits this request; try more minutes or another area")
    for line in render.plan_notes(plan, top=True):
        out.print(line)
    if ids:  # what the person chose and a rule leaves out, said before it starts
        for line in render.plan_notes(plan, top=False):
            out.print(line)
    count = "1 practice" if len(plan.items) == 1 else f"{len(plan.items)} practices"
    heading = render._text(f"{count}, {render.duration(plan.total_seconds)}: ", "bold")
    heading.append(render.clean(", ".join(i.practice.name for i in plan.items)))
    out.print(heading)
    left_out = render.left_out_line(plan.left_out)
    if left_out:
        out.print(render._text(left_out, "yellow"))
    pain_before = _rating("Pain or tension now?")
    stress_before = _rating("Stress now?")
    # As planned today (cycles and holds fitted to the time); a kept plan would hold only briefs.
    practices = [
        i.practice if isinstance(i.practice, Practice) else library.practices[i.practice.id] for i in plan.items
    ]
    guide = Guide(
        practices,
        start=time.monotonic(),
        cards=[i.cautions for i in plan.items],
    )
    play(guide, TerminalKeys(), quiet=quiet)
    record = guide.record()
    worked = [d for d in record if d.status != "skipped"]
    skipped = [d for d in record if d.status == "skipped"]
    if not worked:
        why = "everything was skipped" if skipped else "nothing was begun"
        out.print(f"Nothing logged: {why}. Come back when you are ready.", highlight=False)
        return
    spent = sum(d.seconds for d in worked)
    # Stopped, or hurried through without playing a practice to its end in under a minute: ask first.
    if guide.state == "stopped" or (spent < 60 and not any(d.status == "done" for d in worked)):
        from .inputs import yes_or_no

        if not yes_or_no(f"Log what you did ({render.duration(spent)})?", default=True):
            out.print("Not logged.")
            return
    else:
        out.print("[bold green]Well done.[/] Take a moment before you get up.", highlight=False)
    pain_after = _rating("Pain or tension now?")
    stress_after = _rating("Stress now?")
    from rich.prompt import Prompt

    note = Prompt.ask("A note? [dim](Enter to skip)[/]", default="", show_default=False, console=out).strip() or None
    entry = logbook.Entry(
        practice_ids=tuple(d.practice for d in worked),
        practice_seconds=tuple(d.seconds for d in worked),
        partial=tuple(d.practice for d in worked if d.status == "partial"),
        skipped=tuple(d.practice for d in skipped),
        skipped_seconds=tuple(d.seconds for d in skipped),
        pain_before=pain_before,
        pain_after=pain_after,
        stress_before=stress_before,
        stress_after=stress_after,
        note=note,
        source="guided",
    )
    from .guard import stored, warn

    with open_log() as store:
        result = logbook.record(store, library, profile, entry)
    with stored(f"the session was stored (id {result.session.id[:8]})"):
        render.session_summary(result)
        for warning in result.warnings:
            warn(warning)
