"""`selfcare routines list / show / validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import routines_app
from .common import load_library


@routines_app.command("list")
def list_(
    area: Annotated[str | None, typer.Option("--area", "-a", help="Only practices for this area.")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", "-k", help="Only massage, stretch, breathing or meditation.")
    ] = None,
    goal: Annotated[str | None, typer.Option("--goal", "-g", help="Only practices that serve this goal.")] = None,
    for_me: Annotated[
        bool,
        typer.Option("--for-me", help="Only what the planner may choose for you today, and why the others are out."),
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the practices in the library, built-in and your own.

    Example: selfcare routines list --area neck --kind massage
    Example: selfcare routines list --for-me
    """
    from .. import models, render
    from ..errors import SelfcareError, unknown

    for value, vocab, what in (
        (area, models.AREAS, "area"),
        (kind, models.KINDS, "kind"),
        (goal, models.GOALS, "goal"),
    ):
        if value is not None and value not in vocab:
            raise SelfcareError(unknown(what, value, vocab))
    library = load_library()
    practices = [
        p
        for p in library
        if (area is None or area in p.areas) and (kind is None or p.kind == kind) and (goal is None or goal in p.goals)
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


@routines_app.command()
def show(
    practice_id: Annotated[str, typer.Argument(metavar="ID", help="The practice's id (see 'selfcare routines list').")],
    json: Annotated[bool, typer.Option("--json", help="Print the whole practice as JSON.")] = False,
) -> None:
    """Show one practice in full: cautions first, then its steps and evidence.

    Example: selfcare routines show breath-box
    """
    from .. import render
    from ..errors import SelfcareError, unknown
    from ..library import practice_to_dict

    library = load_library()
    practice = library.get(practice_id)
    if practice is None:
        raise SelfcareError(unknown("practice", practice_id, library.practices))
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
    from .. import render
    from ..library import validate_paths
    from ..planner import derived_rules
    from ..words import plural, safety_notes

    out = render.console()
    checked = validate_paths(paths)
    for path, practices in checked:
        out.print(render._text(f"ok  {path}  ({plural(len(practices), 'practice')})"))
        for p in practices:
            for line in safety_notes(p, derived_rules(p)):
                out.print(render.hanging(f"    note: {line}", "yellow"))
    if not checked:
        out.print("no routine files found")
