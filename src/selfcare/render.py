"""Turning core results into rich output or JSON. No decisions live here.

Every piece of text that came from a file, the log or the command line goes
through `clean()` and is handed to rich as a Text (never as markup), so
`[bold]` is shown as typed and control characters never reach the terminal.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from .library import Library
    from .models import Plan, Practice, Profile

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    """Text with control characters (ESC, BEL, OSC...) removed; newlines and tabs stay."""
    return _CONTROL.sub("", str(text))


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, soft_wrap=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    minutes, secs = divmod(seconds, 60)
    if minutes and secs:
        return f"{minutes} min {secs:02d} s"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _text(value: object, style: str = "") -> Any:
    from rich.text import Text

    return Text(clean(value), style=style)


# --- today ------------------------------------------------------------------


def plan_table(plan: Plan, *, heading: str, profile_hint: str | None, left_out: str | None) -> None:
    from rich.table import Table

    out = console()
    table = Table(title=heading, title_justify="left", box=None, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("practice", style="bold")
    table.add_column("kind")
    table.add_column("time", justify="right")
    table.add_column("why", style="dim", overflow="fold")
    for n, item in enumerate(plan.items, 1):
        p = item.practice
        table.add_row(str(n), _text(p.name), p.kind, duration(item.seconds), _text(item.reason))
    out.print(table)
    out.print(f"[bold]total {duration(plan.total_seconds)}[/] of {plan.minutes} min", highlight=False)
    for note in plan.notes:
        out.print(_text(note, "yellow"))
    if left_out:
        out.print(_text(left_out, "yellow"))
    if profile_hint:
        out.print(_text(profile_hint, "dim"))
    if plan.items:
        out.print(_text("Start with 'selfcare start', or log it afterwards with 'selfcare log'.", "dim"))


# --- routines ---------------------------------------------------------------


def practice_list(practices: list[Practice]) -> None:
    from rich.table import Table

    out = console()
    table = Table(box=None, pad_edge=False, show_edge=False)
    for name, justify in (("id", "left"), ("name", "left"), ("kind", "left"), ("areas", "left"), ("time", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for p in practices:
        mark = "*" if p.overrides else ("+" if p.origin != "built-in" else "")
        table.add_row(_text(p.id + mark), _text(p.name), p.kind, ", ".join(p.areas), duration(p.seconds))
    out.print(table)
    out.print(_text(f"{len(practices)} practices", "dim"))
    if any(p.origin != "built-in" for p in practices):
        out.print(_text("+ your own practice   * yours, replacing a built-in one", "dim"))


def practice_detail(p: Practice, library: Library | None = None) -> None:
    from rich.text import Text

    out = console()
    title = Text()
    title.append(clean(p.name), style="bold")
    title.append(f"  ({clean(p.id)})", style="dim")
    out.print(title)
    for caution in p.cautions:
        out.print(_text(f"! {caution}", "yellow"))
    if p.avoid_if:
        out.print(_text("Not planned with: " + ", ".join(p.avoid_if), "yellow"))
    if p.care_if:
        extra = f"; gentler: {p.gentler}" if p.gentler else ""
        out.print(_text("Take care with: " + ", ".join(p.care_if) + extra, "yellow"))
    out.print(_text(p.summary))
    facts = f"{p.kind} · {', '.join(p.areas)} · {', '.join(p.goals)} · {p.intensity} · {p.position} · {duration(p.seconds)}"
    out.print(_text(facts, "dim"))
    if p.equipment:
        out.print(_text("You need: " + ", ".join(p.equipment), "dim"))
    for n, step in enumerate(p.steps, 1):
        side = {"left": " (left)", "right": " (right)", "both": " (each side)"}.get(step.side or "", "")
        times = f" ×{step.repeat}" if step.repeat > 1 else ""
        line = Text(f"{n:>2}. ", style="dim")
        line.append(clean(step.text))
        line.append(f"  {duration(step.seconds)}{side}{times}", style="cyan")
        out.print(line)
    if p.pacing:
        phases = ", ".join(f"{name} {secs:g} s" for name, secs in p.pacing.phases())
        out.print(_text(f"Pacer: {phases} — {p.pacing.cycles} cycles", "cyan"))
    if p.evidence:
        out.print(_text(f"Evidence: {p.evidence.note} ({p.evidence.source})", "dim"))
    if p.origin != "built-in":
        out.print(_text(f"From {p.origin}", "dim"))


# --- profile ----------------------------------------------------------------


def profile_view(profile: Profile, path: str, saved: bool) -> None:
    from rich.table import Table

    out = console()
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in profile.to_dict().items():
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        table.add_row(key, _text(shown or "none"))
    out.print(table)
    note = f"saved in {path}" if saved else "not set up yet: these are the defaults; run 'selfcare profile setup'"
    out.print(_text(note, "dim"))
