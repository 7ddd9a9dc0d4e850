"""`selfcare red-flags` and `selfcare doctor`."""

from __future__ import annotations

from typing import Annotated

import typer

from . import complete
from .app import app
from .common import load_library, load_profile, open_log


@app.command("red-flags")
def red_flags(
    clear: Annotated[
        str | None,
        typer.Option(
            "--clear",
            metavar="AREA",
            autocompletion=complete.areas,
            help="After seeing someone: resume the practices paused or softened for this area.",
        ),
    ] = None,
) -> None:
    """The symptoms that mean: stop, and get help — emergency signs first.

    Example: selfcare red-flags
    """
    from .. import render, safety

    if clear is not None:
        from .. import logbook

        profile, _ = load_profile()
        with open_log() as store:
            cleared = logbook.clear(store, load_library(), profile, clear)
        render.cleared(cleared)
        return
    out = render.console()
    styles = ("bold red", "bold yellow", "bold")
    for tier, style in zip(safety.TIERS, styles, strict=True):
        out.print(render._text(tier.title, style))
        for sign in tier.signs:
            out.print(render.hanging(f"  • {sign}"))
        if tier is safety.EMERGENCY:
            out.print(render.hanging(f"  • {safety.CRISIS}"))
        out.print()
    out.print(render._text("Who can help", "bold"))
    for who in safety.WHO:
        out.print(render.hanging(f"  • {who}"))
    out.print()
    out.print(render._text("selfcare offers gentle self-care, not medical advice. When in doubt, stop and ask.", "dim"))


@app.command()
def doctor(json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Check the installation: paths, permissions, the log's schema, routine files.

    Example: selfcare doctor
    """
    from .. import render
    from ..doctor import checkup

    findings = checkup()
    if json:
        render.print_json([{"check": c, "status": s, "detail": d} for c, s, d in findings])
    else:
        render.doctor_view(findings)
    if any(status == "fail" for _, status, _ in findings):
        raise typer.Exit(1)
