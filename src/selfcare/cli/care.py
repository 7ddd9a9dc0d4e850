"""`selfcare red-flags` and `selfcare doctor`."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app


@app.command("red-flags")
def red_flags() -> None:
    """The symptoms that mean: stop, and see a clinician.

    Example: selfcare red-flags
    """
    from .. import render, safety

    out = render.console()
    sections = (
        ("Stop and call emergency services", safety.EMERGENCY, "bold red"),
        ("Stop and see a doctor today", safety.SEE_A_CLINICIAN_TODAY, "bold yellow"),
        ("Stop the practice and book a check", safety.SEE_A_PROFESSIONAL, "bold"),
        ("Who can help", safety.WHO, "bold"),
    )
    for title, items, style in sections:
        out.print(render._text(title, style))
        for item in items:
            out.print(render._text(f"  • {item}"))
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
