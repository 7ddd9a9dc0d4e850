"""`selfcare routines list / show / save / validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import complete
from .app import routines_app
from .common import load_library


@routines_app.command("list")
def list_(
    area: Annotated[
        list[str] | None,
        typer.Option(
            "--area",
            "-a",
            metavar="AREA",
            help="Only practices for these areas (neck,jaw).",
            autocompletion=complete.areas,
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="Only these kinds: massage, stretch, breathing, meditation, exercise.",
            autocompletion=complete.kinds,
        ),
    ] = None,
    goal: Annotated[
        list[str] | None,
        typer.Option(
            "--goal", "-g", metavar="GOAL", help="Only practices that serve these goals.", autocompletion=complete.goals
        ),
    ] = None,
    for_me: Annotated[
        bool,
        typer.Option("--for-me", help="Only what the planner may choose for you today, and why the others are out."),
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the practices in the library, built-in and your own.

    Each filter takes one word or a list, and keeps what matches any of them.

    Example: selfcare routines list --area neck,jaw --kind massage
    Example: selfcare routines list --for-me
    """
    from .. import models, render
    from .inputs import vocabulary

    areas = vocabulary(area, models.AREAS, "area")
    kinds = vocabulary(kind, models.KINDS, "kind")
    goals = vocabulary(goal, models.GOALS, "goal")
    library = load_library()
    practices = [
        p
        for p in library
        if (not areas or set(areas) & set(p.areas))
        and (not kinds or p.kind in kinds)
        and (not goals or set(goals) & set(p.goals))
    ]
    if for_me:
        from .. import words
        from ..models import Request
        from ..planner import eligibility
        from .common import load_profile, log_history, today

        profile, _ = load_profile()
        request = Request.of(profile)
        found = eligibility(library, request, log_history(library, request, today(profile)))
        out: dict[str, list[str]] = {}
        for ex in found.excluded:
            out.setdefault(ex.practice, []).append(words.excluded(ex))
        if json:
            render.print_json(
                [
                    dict(p.summary_dict(), for_me=p.id not in out, why_not=list(dict.fromkeys(out.get(p.id, []))))
                    for p in practices
                ]
            )
        else:
            render.practice_list([p for p in practices if p.id not in out])
            render.left_out_list([(p, list(dict.fromkeys(out[p.id]))) for p in practices if p.id in out])
        return
    if json:
        render.print_json([dict(p.summary_dict(), origin=p.origin, overrides=p.overrides) for p in practices])
    else:
        render.practice_list(practices)
        if library.routines and not (areas or kinds or goals):
            from ..words import listing, plural

            named = [f"{r.name} ({plural(len(r.practices), 'practice')})" for r in library.routines.values()]
            render.console().print(render._text("your routines: " + listing(named), "dim"))


@routines_app.command()
def show(
    practice_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The practice's id, or a routine you saved (see 'selfcare routines list').",
            autocompletion=complete.practices,
        ),
    ],
    json: Annotated[bool, typer.Option("--json", help="Print the whole practice as JSON.")] = False,
) -> None:
    """Show one practice in full: cautions first, then its steps and evidence (or a routine you saved).

    Example: selfcare routines show breath-box
    """
    from .. import render
    from ..errors import SelfcareError, suggest
    from ..library import practice_to_dict

    library = load_library()
    typed, practice_id = practice_id, practice_id.strip().lower()  # ids are lower case; any case finds them
    routine = library.routines.get(practice_id)
    if routine is not None:
        if json:
            render.print_json(routine.to_dict())
            return
        out = render.console()
        out.print(render._text(f"{routine.name}  (your routine, in {routine.origin})", "bold"))
        for n, pid in enumerate(routine.practices, 1):
            p = library.practices[pid]
            out.print(render._text(f"{n:>2}. {p.name}  ({pid}, {p.kind}, {render.duration(p.seconds)})"))
        out.print(render._text(f"Play it with 'selfcare start {routine.name}'.", "dim"))
        return
    practice = library.get(practice_id)
    if practice is None:
        hint = suggest(practice_id, [*library.practices, *library.routines])
        raise SelfcareError(f"no practice or routine named '{typed}'{hint}; see 'selfcare routines list'")
    if json:
        render.print_json(practice_to_dict(practice))
    else:
        render.practice_detail(practice, library)


@routines_app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Routine files, or folders of them.")],
) -> None:
    """Check routine files: every error names the file, line, practice and field.

    Example: selfcare routines validate ~/my-routines/neck.yaml
    """
    import sys

    from .. import render
    from ..library import validate_paths
    from ..planner import derived_rules
    from ..words import plural, safety_notes

    out = render.console()
    checked = validate_paths(paths)
    problems = [problem for entry in checked for problem in entry.problems]
    for entry in checked:
        if entry.problems:
            for problem in entry.problems:
                # One line each, on stderr with the other errors; every one in one run.
                sys.stderr.write(f"selfcare: {render.clean(problem.message)}\n")
            continue
        named = entry.routines
        held = plural(len(entry.practices), "practice") + (f", {plural(len(named), 'routine')}" if named else "")
        out.print(render._text(f"ok  {entry.path}  ({held})"))
        for p in entry.practices:
            for line in safety_notes(p, derived_rules(p)):
                out.print(render.hanging(f"    note: {line}", "yellow"))
    if not checked:
        out.print("no routine files found")
    if problems:
        bad = sum(1 for entry in checked if entry.problems)
        if len(problems) > 1:
            files = f"{bad} of {plural(len(checked), 'file')}"
            sys.stderr.write(f"selfcare: {plural(len(problems), 'problem')} in {files}\n")
        raise typer.Exit(2)


@routines_app.command()
def save(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A name for the routine, like desk-break or bedtime.")],
    practice_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PRACTICE_ID]...",
            help="The practices, in order; none: today's plan.",
            show_default=False,
            autocompletion=complete.practices,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a routine you saved under this name.")] = False,
) -> None:
    """Keep today's plan (or the practices given) as a named routine of your own, to play with
    'selfcare start NAME'. It goes in saved-routines.yaml in your routines folder.

    Example: selfcare routines save desk-break
    Example: selfcare routines save bedtime breath-relaxed med-body-scan
    """
    from .. import paths, render
    from ..library import save_routine
    from ..words import listing, plural
    from .common import load_profile, plan_request, plan_today, today
    from .inputs import words

    library = load_library()
    name = name.strip().lower()
    ids = words(practice_ids)
    if not ids:
        profile, _ = load_profile()
        plan = plan_today(library, plan_request(profile, None, None, None), today(profile))
        ids = [item.practice.id for item in plan.items]
    routine = save_routine(paths.user_routines_dir(), name, ids, library, replace=force)
    names = [library.practices[pid].name for pid in routine.practices]
    out = render.console()
    out.print(
        render._text(f"Saved {routine.name}: {plural(len(names), 'practice')} ({listing(names)}), in {routine.origin}.")
    )
    out.print(
        render._text(
            f"Play it with 'selfcare start {routine.name}'; see it with 'selfcare today {routine.name}'.", "dim"
        )
    )
