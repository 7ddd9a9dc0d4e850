"""Turning core results into rich output or JSON. No decisions live here.

Every piece of text that came from a file, the log or the command line goes
through `clean()` and is handed to rich as a Text (never as markup), so
`[bold]` is shown as typed and control characters never reach the terminal.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from .safetext import clean as clean
from .safetext import to_json

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console

    from .library import Library
    from .models import Plan, Practice, Profile, Session


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, soft_wrap=False)


def print_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")


def duration(seconds: float) -> str:
    seconds = round(seconds)
    minutes, secs = divmod(seconds, 60)
    if minutes and secs:
        return f"{minutes} min {secs:02d} s"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
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


def left_out_line(left_out: dict[str, int]) -> str:
    """'3 practices left out or swapped for safety (pregnancy, osteoporosis).'"""
    from .models import CONDITIONS

    if not left_out:
        return ""
    total = sum(left_out.values())
    why = ", ".join(CONDITIONS[c][0] for c in left_out)
    noun = "practice" if total == 1 else "practices"
    return f"{total} {noun} left out or swapped for safety ({why})."


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
    facts = (
        f"{p.kind} · {', '.join(p.areas)} · {', '.join(p.goals)} · {p.intensity} · {p.position} · {duration(p.seconds)}"
    )
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


# --- the log ----------------------------------------------------------------

MARKS = {"done": ("■", "green"), "rest": ("~", "blue"), "missed": ("·", "dim"), "today": ("□", "yellow")}


def _day_words(day: str) -> str:
    from datetime import date

    try:
        d = date.fromisoformat(day)
    except ValueError:
        return day  # a damaged row is shown as it is
    return f"{d:%a} {d.day} {d:%b %Y}"


def _streak_line(streak: Any) -> str:
    days = "day" if streak.current == 1 else "days"
    return f"streak {streak.current} {days} (longest {streak.longest})"


def logged(result: Any) -> None:
    s = result.session
    out = console()
    if s.practices:
        what = ", ".join(result.names[:3]) + (f" and {len(result.names) - 3} more" if len(result.names) > 3 else "")
    else:
        what = f"a session with a {s.pro.replace('-', ' ')}" if s.pro else "a session"
    text = _text(f"Logged {what} — {duration(s.seconds)} for {_day_words(s.day)}. ")
    if result.streak is not None:
        text.append(_streak_line(result.streak), style="bold green")
    out.print(text)
    for flag in result.flags:
        out.print(_text(f"! {flag.message}", "bold yellow"))


HISTORY_GAP = "  "


def history(sessions: Iterable[Session], library: Library) -> None:
    """The sessions as a table with fixed column widths, a row written as soon as it is
    read, however long the log. Laid out here rather than by rich's Table (which measures
    every row first: minutes for a long log); every value is cleaned, plain text."""
    from rich.text import Text

    out = console()
    rows = iter(sessions)
    first = next(rows, None)
    if first is None:
        out.print("No sessions logged yet. After a session: 'selfcare log', or be guided: 'selfcare start'.")
        return
    # id, date, time, pain and stress are narrow and fixed; practices and note share the rest.
    fixed = {"id": 8, "date": 10, "time": 11, "pain": 5, "stress": 6}
    free = max(20, out.width - sum(fixed.values()) - len(HISTORY_GAP) * 6)
    widths = dict(fixed, practices=max(10, free * 3 // 5))
    widths["note"] = max(10, free - widths["practices"])
    order = ("id", "date", "time", "practices", "pain", "stress", "note")
    sizes = [widths[name] for name in order]
    out.print(Text(_row_lines(list(order), sizes)[0], style="bold"), soft_wrap=True)
    out.file.flush()
    write = sys.stdout.write
    for s in _chain(first, rows):
        names = [library.practices[p].name if p in library.practices else p for p in s.practices]
        if s.pro:
            names.insert(0, f"[{s.pro}]")
        cells = [
            s.id[:8],
            s.day,
            duration(s.seconds),
            ", ".join(names),
            _pair(s.pain_before, s.pain_after),
            _pair(s.stress_before, s.stress_after),
            s.note or "",
        ]
        write("\n".join(_row_lines([clean(c) for c in cells], sizes)) + "\n")


def _chain(first: Session, rest: Iterable[Session]) -> Iterable[Session]:
    yield first
    yield from rest


def _row_lines(cells: list[str], widths: list[int]) -> list[str]:
    """One table row as lines: each cell folded to its width, the columns side by side."""
    from rich.cells import cell_len

    folded = [_fold(cell, width) for cell, width in zip(cells, widths, strict=True)]
    height = max(len(f) for f in folded)
    lines = []
    for n in range(height):
        parts = []
        for lines_of, width in zip(folded, widths, strict=True):
            part = lines_of[n] if n < len(lines_of) else ""
            # ASCII is one cell a character; anything else is measured.
            parts.append(part.ljust(width) if part.isascii() else part + " " * (width - cell_len(part)))
        lines.append(HISTORY_GAP.join(parts).rstrip())
    return lines


def _fold(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells: broken between words, long words folded."""
    if len(text) <= width and text.isascii() and "\n" not in text and "\t" not in text:
        return [text]  # most cells: short, plain
    from rich.cells import cell_len

    out: list[str] = []
    for para in text.replace("\t", " ").split("\n"):
        line, size = "", 0
        for word in para.split(" "):
            wsize = cell_len(word)
            if line and size + 1 + wsize <= width:
                line, size = f"{line} {word}", size + 1 + wsize
                continue
            if line:
                out.append(line)
            while wsize > width:  # a word longer than the column is folded
                cut = ""
                for char in word:
                    if cut and cell_len(cut + char) > width:
                        break
                    cut += char
                out.append(cut)
                word = word[len(cut) :]
                wsize = cell_len(word)
            line, size = word, wsize
        out.append(line)
    return out


def _pair(before: int | None, after: int | None) -> str:
    return "" if before is None and after is None else f"{_dash(before)}→{_dash(after)}"


def print_json_list(items: Iterable[Any]) -> None:
    """A JSON list written an item at a time, as `print_json` would write the whole list."""
    write = sys.stdout.write
    first = True
    for item in items:
        text = to_json(item, indent=2)
        write(("[\n  " if first else ",\n  ") + text.replace("\n", "\n  "))
        first = False
    write("[]\n" if first else "\n]\n")


def _dash(value: int | None) -> str:
    return "–" if value is None else str(value)


def removed(session: Session) -> None:
    count = len(session.practices)
    what = f"{count} practice{'s' if count != 1 else ''}"
    console().print(
        _text(
            f"Removed the session of {_day_words(session.day)} ({what}, {duration(session.seconds)}, id {session.id[:8]})."
        )
    )


def rested(outcome: Any) -> None:
    out = console()
    why = f" ({outcome.reason})" if outcome.reason else ""
    verb = "Marked" if outcome.new else "Updated"
    out.print(_text(f"{verb} {_day_words(outcome.day)} as a rest day{why}: it neither breaks nor extends your streak."))
    if outcome.had_session:
        out.print(_text("You logged a session that day, so it still counts as done.", "dim"))


def streak_view(streak: Any) -> None:
    from rich.text import Text

    out = console()
    line = Text()
    line.append(f"{streak.current}", style="bold green")
    line.append(f" day{'s' if streak.current != 1 else ''} in a row", style="bold")
    line.append(f"   longest {streak.longest}   total {streak.total_days} days")
    out.print(line)
    week = Text(f"this week {streak.week_days_done}/{streak.week_target}")
    done = min(streak.week_days_done, streak.week_target)
    week.append("  " + "●" * done + "○" * max(0, streak.week_target - done), style="green")
    week.append(f"   weeks on target in a row: {streak.week_streak}")
    out.print(week)
    marks = Text()
    for _day, mark in streak.last_days:
        symbol, style = MARKS[mark]
        marks.append(symbol + " ", style=style)
    marks.append("  last 14 days (■ done  ~ rest  · missed  □ today)", style="dim")
    out.print(marks)
    if not streak.done_today:
        out.print(_text("Nothing logged today yet: the streak holds until the day ends.", "dim"))


# --- the report -------------------------------------------------------------

_SHADES = ("grey23", "dark_green", "green4", "green3", "bright_green")
_CELLS = ("·", "░", "▒", "▓", "█")  # readable without colour too


def _level(minutes: float, top: float) -> int:
    if minutes <= 0:
        return 0
    return min(4, 1 + int(3 * minutes / top)) if top > 0 else 1


def _bar(value: float, top: float, width: int = 20) -> str:
    filled = 0 if top <= 0 else round(width * value / top)
    return "█" * filled + "·" * (width - filled)


def report_view(data: dict[str, Any]) -> None:
    from datetime import date

    from rich.table import Table
    from rich.text import Text

    out = console()
    out.print(Text(f"{_day_words(data['since'])} – {_day_words(data['as_of'])}  ({data['days']} days)", style="bold"))
    # The calendar: one row a week, Monday first.
    top = max((c["minutes"] for c in data["calendar"]), default=0)
    first = date.fromisoformat(data["calendar"][0]["date"])
    grid = Text("        Mo Tu We Th Fr Sa Su\n", style="dim")
    cells = ["   "] * first.weekday() + [None] * 0
    rows: list[Text] = []
    line = Text(f"{first:%d %b} ", style="dim")
    line.append("   " * first.weekday())
    for cell in data["calendar"]:
        d = date.fromisoformat(cell["date"])
        if d.weekday() == 0 and line.plain.strip() and d != first:
            rows.append(line)
            line = Text(f"{d:%d %b} ", style="dim")
        if cell["rest"]:
            line.append(" ~ ", style="blue")
        else:
            level = _level(cell["minutes"], top)
            line.append(f" {_CELLS[level]} ", style=_SHADES[level])
    rows.append(line)
    del cells
    for row in rows:
        grid.append_text(row)
        grid.append("\n")
    out.print(grid, end="")
    legend = Text("        less ", style="dim")
    for cell, shade in zip(_CELLS, _SHADES, strict=True):
        legend.append(cell, style=shade)
    legend.append(" more minutes   ~ rest day", style="dim")
    out.print(legend)
    out.print()
    summary = Table(box=None, show_header=False, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row("active days", f"{data['active_days']} of {data['days']}  ({data['consistency']:.0%} consistency)")
    summary.add_row("minutes", f"{data['minutes']:g} in {data['sessions']} sessions")
    strength = data["habit_strength"]
    summary.add_row("habit strength", Text(f"{_bar(strength, 1.0)} {strength:.0%}", style="green"))
    out.print(summary)
    for key, title in (("by_area", "by area"), ("by_kind", "by kind")):
        values = data[key]
        if not values:
            continue
        out.print(Text(f"\n{title} (minutes)", style="bold"))
        most = max(values.values())
        for name, minutes in values.items():
            out.print(Text(f"  {name:<11} ") + Text(_bar(minutes, most), style="cyan") + Text(f" {minutes:g}"))
    if data["pain"]["sessions"] or data["stress"]["sessions"]:
        out.print()
    for key in ("pain", "stress"):
        r = data[key]
        if r["sessions"]:
            change = r["avg_change"]
            style = "green" if change < 0 else "yellow" if change > 0 else ""
            line = Text(f"{key:<7} before {r['avg_before']:.1f} → after {r['avg_after']:.1f}  ", style="bold")
            line.append(f"({change:+.1f} on average over {r['sessions']} rated sessions)", style=style)
            out.print(line)
    if data["helped_most"]:
        out.print(Text("\npain fell most after", style="bold"))
        for h in data["helped_most"]:
            out.print(_text(f"  {h['name']}  {h['avg_change']:+.1f} ({h['sessions']} sessions)"))
    if data.get("pro_sessions"):
        out.print(Text("\nwith a professional", style="bold"))
        for s in data["pro_sessions"]:
            out.print(
                _text(
                    f"  {s['date']}  {s['pro']}  {s['minutes']:g} min" + (f"  — {s['note']}" if s.get("note") else "")
                )
            )
    if data.get("progression", {}).get("message"):
        out.print(_text(f"\nprogress: {data['progression']['message']}", "cyan"))
    if data.get("flags"):
        out.print(Text("\nred flags raised", style="bold yellow"))
        for f in data["flags"]:
            out.print(_text(f"  {f['date']}  {f['message']}", "yellow"))
    if not data["sessions"]:
        out.print(_text("\nNothing logged in this window yet.", "dim"))


# --- for a therapist ----------------------------------------------------------


def therapist_markdown(data: dict[str, Any], profile: Profile) -> str:
    """A one-page summary a person can print or send to their therapist."""
    from datetime import date

    def day(text: str) -> str:
        d = date.fromisoformat(text)
        return f"{d.day} {d:%B %Y}"

    def md(text: object) -> str:
        # Plain text in Markdown: no control characters, markup characters escaped.
        return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", clean(text)).replace("\n", " ")

    lines = [
        "# Self-care summary",
        "",
        f"**Period:** {day(data['since'])} – {day(data['as_of'])} ({data['days']} days)  ",
        f"**Areas:** {', '.join(profile.areas)} · **Goals:** {', '.join(profile.goals)} · "
        f"**Target:** {profile.days_per_week} days a week",
        "",
        "## Practice",
        "",
        f"- Active on {data['active_days']} of {data['days']} days ({data['consistency']:.0%}), "
        f"{data['sessions']} sessions, {data['minutes']:g} minutes in all; habit strength {data['habit_strength']:.0%}.",
    ]
    if data["by_kind"]:
        kinds = ", ".join(f"{k} {v:g} min" for k, v in data["by_kind"].items())
        lines.append(f"- By kind: {kinds}.")
    if data["practices"]:
        top = ", ".join(f"{md(p['name'])} ×{p['times']}" for p in data["practices"][:8])
        lines.append(f"- Most practised: {top}.")
    if data.get("progression", {}).get("message"):
        lines.append(f"- Progression: {data['progression']['message']}.")
    if data["pro_sessions"]:
        lines += ["", "## Sessions with a professional", ""]
        for s in data["pro_sessions"]:
            note = f" — {md(s['note'])}" if s.get("note") else ""
            lines.append(f"- {day(s['date'])}: {s['pro'].replace('-', ' ')}, {s['minutes']:g} min{note}")
    lines += ["", "## Pain and stress (0–10)", ""]
    if data["pain"]["sessions"] or data["stress"]["sessions"]:
        lines += ["| | sessions | before | after | change |", "|---|---|---|---|---|"]
        for key in ("pain", "stress"):
            r = data[key]
            if r["sessions"]:
                lines.append(
                    f"| {key} | {r['sessions']} | {r['avg_before']:.1f} | {r['avg_after']:.1f} | {r['avg_change']:+.1f} |"
                )
        if data["pain_by_area"]:
            lines += [
                "",
                "| area | sessions | before | after | first half → second half (before) |",
                "|---|---|---|---|---|",
            ]
            for area, r in data["pain_by_area"].items():
                trend = "–"
                if r["first_half_before"] is not None and r["second_half_before"] is not None:
                    trend = f"{r['first_half_before']:.1f} → {r['second_half_before']:.1f}"
                lines.append(f"| {area} | {r['sessions']} | {r['avg_before']:.1f} | {r['avg_after']:.1f} | {trend} |")
        lines += [
            "",
            "Before/after figures are single-session changes, for information; trends over weeks matter more.",
        ]
    else:
        lines.append("No pain or stress ratings were logged in this period.")
    lines += ["", "## Red flags raised", ""]
    if data["flags"]:
        lines += [f"- {day(f['date'])}: {md(f['message'])}" for f in data["flags"]]
    else:
        lines.append("None.")
    if data["notes"]:
        lines += ["", "## Notes", ""]
        lines += [f"- {day(n['date'])}: {md(n['note'])}" for n in data["notes"][-12:]]
    if profile.conditions:
        lines += ["", f"Health conditions noted in the profile: {', '.join(profile.conditions)}."]
    lines += ["", "_Written by selfcare from the person's own log; not a clinical record._", ""]
    return "\n".join(lines)


def doctor_view(findings: list[tuple[str, str, str]]) -> None:
    out = console()
    styles = {"ok": "green", "warn": "yellow", "fail": "bold red"}
    for what, status, detail in findings:
        line = _text(f"{status:<4} ", styles[status])
        line.append(f"{what:<14} ", style="bold")
        line.append(clean(detail))
        out.print(line)


def session_summary(result: Any) -> None:
    """After a guided session: what was done, the ratings, and the streak."""
    from rich.panel import Panel
    from rich.table import Table

    s = result.session
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column()
    table.add_column(justify="right")
    for name, secs in zip(result.names, s.practice_seconds, strict=False):
        table.add_row(_text(name), duration(secs))
    table.add_row(_text("total", "bold"), _text(duration(s.seconds), "bold"))
    for label, before, after in (("pain", s.pain_before, s.pain_after), ("stress", s.stress_before, s.stress_after)):
        if before is not None or after is not None:
            table.add_row(label, f"{_dash(before)} → {_dash(after)}")
    if result.streak is not None:
        table.add_row(
            _text("streak", "bold green"),
            _text(f"{result.streak.current} day{'s' if result.streak.current != 1 else ''}", "bold green"),
        )
    console().print(Panel(table, title="session logged", title_align="left", border_style="green", expand=False))
    for flag in result.flags:
        console().print(_text(f"! {flag.message}", "bold yellow"))
