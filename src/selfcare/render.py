"""Turning core results into rich output or JSON. No decisions live here.

Every piece of text that came from a file, the log or the command line goes
through `clean()` and is handed to rich as a Text (never as markup), so
`[bold]` is shown as typed and control characters never reach the terminal.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, TextIO

from .safetext import clean as clean
from .safetext import to_json

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console
    from rich.text import Text

    from .layout import Block
    from .library import Library
    from .logbook import Cleared, Logged, Rested
    from .models import Excluded, Plan, Practice, Profile, RestDay, Session
    from .reports import CalendarDay, Ratings, Report
    from .stats import Streak
    from .store import Change


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(file=_Trimmed(stream), highlight=False, emoji=False, soft_wrap=False)  # type: ignore[arg-type]


_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)(?=\n)")


class _Trimmed:
    """The stream rich writes to, less the spaces it pads lines with (a table's cells, a
    wrapped line's last space): a line ends with its last character, piped or not."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(_TRAILING.sub(r"\1", text))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def width() -> int:
    """The screen's width in columns, as the screens use it (COLUMNS, else the terminal's; 80 piped)."""
    return console().width


def print_json(data: object) -> None:
    sys.stdout.write(to_json(data) + "\n")


def duration(seconds: float) -> str:
    from .words import duration as words_duration

    return words_duration(seconds)


def clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _text(value: object, style: str = "") -> Text:
    from rich.text import Text

    return Text(clean(value), style=style)


def hanging(value: object, style: str = "") -> Block:
    """A line whose wrapped part starts under its first word: '  • text' keeps the text's left edge."""
    from rich.text import Text

    from .layout import Block, hang

    raw = clean(value)
    body = raw.lstrip()
    lead = raw[: len(raw) - len(body)]
    if body[:2] in ("• ", "! ", "- "):
        lead, body = lead + body[:2], body[2:]
    return Block(lambda width: hang(lead, Text(body, style=style), width))


def disclaimer(after: str | None = None, *, stderr: bool = False) -> None:
    """The disclaimer, wrapped at words to the screen (on stderr where stdout may be data)."""
    from .safety import DISCLAIMER

    err = console(stderr=stderr)
    for paragraph in DISCLAIMER:
        err.print(_text(paragraph))
    if after:
        err.print(_text(after, "dim"))
    err.print()


def cleared(result: Cleared) -> None:
    from .models import AREAS

    area = AREAS[result.area]
    if result.lifted is None:
        console().print(_text(f"Nothing was paused or limited for your {area}; nothing changed."))
        return
    console().print(
        _text(f"Cleared your {area}: its practices can be planned again from today. Stop anything that hurts.")
    )


# --- today ------------------------------------------------------------------


TOP_NOTES = ("limit", "fever", "injury")  # shown above the plan: they change what it holds


def plan_notes(plan: Plan, *, top: bool) -> list[Block]:
    from .words import note

    return [hanging(f"! {note(n)}", "yellow") for n in plan.notes if (n.kind in TOP_NOTES) == top]


def caution_lines(plan: Plan) -> list[Block]:
    """The cautions to read before the practices: stop rules and those for the person's conditions."""
    from .models import CONDITIONS

    lines = []
    for item in plan.items:
        for c in item.cautions:
            who = ", ".join(CONDITIONS[k][0] for k in c.conditions if k in CONDITIONS)
            lead = "stop rule" if c.stop else f"with {who}" if who else "caution"
            lines.append(hanging(f"! {item.practice.name} — {lead}: {c.text}", "yellow"))
    return lines


def _plan_rows(rows: list[tuple[str, Text, str, str, Text]], width: int) -> list[Text]:
    """The plan as a table; on a narrow screen, a block a practice: name, then kind and time, then why."""
    from rich.text import Text

    from .layout import Col, grid, hang

    columns = (
        Col("#", right=True, style="dim"),
        Col("practice", wrap=True, style="bold", least=14, share=2),
        Col("kind"),
        Col("time", right=True),
        Col("why", wrap=True, style="dim", least=20, share=3),
    )
    table = grid(columns, rows, width)
    if table is not None:
        return table
    lines: list[Text] = []
    number = len(str(len(rows)))
    for n, name, kind, seconds, why in rows:
        lead = f"{n.rjust(number)}. "
        lines += hang(Text(lead, style="dim"), Text(name.plain, style="bold"), width)
        lines += hang(" " * len(lead), Text(f"{kind} · {seconds}"), width)
        lines += hang(" " * len(lead), Text(why.plain, style="dim"), width)
    return lines


def plan_table(plan: Plan, *, heading: str, profile_hint: str | None, left_out: str | None) -> None:
    from rich.text import Text

    from .layout import Block, wrap
    from .words import duration, reason

    out = console()
    for line in plan_notes(plan, top=True):
        out.print(line)
    rows = [
        (str(n), _text(item.practice.name), item.practice.kind, duration(item.seconds), _text(reason(item)))
        for n, item in enumerate(plan.items, 1)
    ]
    asked = " ".join(plan.chosen) or plan.routine
    if rows:
        out.print(Block(lambda width: [*wrap(Text(clean(heading), style="bold"), width), *_plan_rows(rows, width)]))
        budget = "" if asked else f" of {duration(plan.minutes * 60)}"  # what a person chose has no budget
        out.print(f"[bold]total {duration(plan.total_seconds)}[/]{budget}", highlight=False)
    else:  # an empty table says nothing: say so, and the notes below say why
        out.print(Block(lambda width: wrap(Text(clean(heading), style="bold"), width)))
        out.print(
            _text(
                "Nothing to do: " + ("the safety rules leave out what you chose." if asked else "no practice fits."),
                "yellow",
            )
        )
    for line in plan_notes(plan, top=False):
        out.print(line)
    if left_out:
        out.print(_text(left_out, "yellow"))
    cautions = caution_lines(plan)
    if cautions:
        out.print(_text("Before you start", "bold yellow"))
        for line in cautions:
            out.print(line)
    if profile_hint:
        out.print(_text(profile_hint, "dim"))
    if plan.items:
        start = f"selfcare start {asked}" if asked else "selfcare start"
        out.print(_text(f"Start with '{start}', or log it afterwards with 'selfcare log'.", "dim"))


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
    """The library by kind: each practice's id (whole, always), name, areas and length; a list
    of blocks when a table would not fit the screen."""
    from .layout import Block
    from .models import KINDS

    out = console()
    groups: dict[str, list[Practice]] = {}
    for p in practices:
        groups.setdefault(p.kind, []).append(p)
    order = [k for k in KINDS if k in groups] + [k for k in groups if k not in KINDS]
    own = any(p.origin != "built-in" for p in practices)
    out.print(Block(lambda width: _practice_rows([(k, groups[k]) for k in order], own, width)))
    shown = f"{len(practices)} practices" if len(practices) != 1 else "1 practice"
    out.print(_text(f"{shown}; 'selfcare routines show ID' shows one in full", "dim"))
    if own:
        out.print(_text("+ your own practice   * yours, replacing a built-in one", "dim"))


def _mark(p: Practice) -> str:
    return "*" if p.overrides else ("+" if p.origin != "built-in" else " ")


def _practice_rows(groups: list[tuple[str, list[Practice]]], own: bool, width: int) -> list[Text]:
    from rich.text import Text

    from .layout import Col, grid_rows, hang
    from .words import duration

    columns = [
        Col("id", style="bold"),
        Col("name", wrap=True, least=14, share=3),
        Col("areas", wrap=True, least=10, share=2),
        Col("time", right=True),
    ]
    rows = [[clean(p.id), clean(p.name), ", ".join(p.areas), duration(p.seconds)] for _, group in groups for p in group]
    if own:  # the mark of one's own practices, a column of its own
        columns.insert(0, Col(""))
        for row, p in zip(rows, (p for _, group in groups for p in group), strict=True):
            row.insert(0, _mark(p))
    laid = grid_rows(columns, rows, width, header_style="dim")
    lines: list[Text] = []
    if laid is not None:
        header, body = laid
        # The kind heads its group in the id column; the other headings stay.
        before = 3 if own else 0  # the mark and its gap
        ids = max(len(row[1 if own else 0]) for row in rows)
        at = 0
        for n, (kind, group) in enumerate(groups):
            label = f"{kind} ({len(group)})"
            top = Text(" " * before) + Text(label, style="bold")
            if len(label) <= ids:
                top += header[0][before + len(label) :]
            lines += ([Text()] if n else []) + [top] + [line for row in body[at : at + len(group)] for line in row]
            at += len(group)
        return lines
    for n, (kind, group) in enumerate(groups):
        lines += ([Text()] if n else []) + [Text(f"{kind} ({len(group)})", style="bold")]
        for p in group:
            lead = f"{_mark(p)} " if own else ""
            lines += hang(lead, Text(clean(p.id), style="bold"), width)
            indent = " " * (len(lead) + 2)
            lines += hang(indent, clean(p.name), width)
            lines += hang(indent, Text(f"{', '.join(p.areas)} · {duration(p.seconds)}", style="dim"), width)
    return lines


def left_out_list(left: list[tuple[Practice, list[str]]]) -> None:
    """`routines list --for-me`: the practices kept out of this person's plans, each with why."""
    if not left:
        return
    from rich.text import Text

    from .layout import Block, hang

    def lay_out(width: int) -> list[Text]:
        lines: list[Text] = []
        for p, reasons in left:
            why = Text(clean("; ".join(reasons)), style="yellow")
            lead = f"  {clean(p.id)}  "
            if width - len(lead) >= 24:
                lines += hang(lead, why, width)
            else:
                lines += [Text(lead.rstrip()), *hang("    ", why, width)]
        return lines

    out = console()
    out.print(_text(f"\nLeft out for you ({len(left)})", "bold yellow"))
    out.print(Block(lay_out))


def practice_detail(p: Practice, library: Library | None = None) -> None:
    from rich.text import Text

    from .layout import Block, flow

    out = console()
    title = Text()
    title.append(clean(p.name), style="bold")
    title.append(f"  ({clean(p.id)})", style="dim")
    out.print(title)
    # Stop rules first; each caution names the conditions it speaks to.
    for caution in sorted(p.cautions, key=lambda c: not c.stop):
        line = _text(f"{'Stop rule: ' if caution.stop else ''}{caution.text}", "yellow")
        if caution.conditions:
            line.append(_text(f"  (for {', '.join(caution.conditions)})", "dim"))
        out.print(_hang("! ", line))
    if p.avoid_if:
        out.print(hanging("! Not planned with: " + ", ".join(p.avoid_if), "yellow"))
    if p.care_if:
        extra = f"; gentler: {p.gentler}" if p.gentler else ""
        out.print(hanging("! Take care with: " + ", ".join(p.care_if) + extra, "yellow"))
    out.print(_text(p.summary))
    facts = [p.kind, ", ".join(p.areas), ", ".join(p.goals), p.intensity, p.position, duration(p.seconds)]
    out.print(Block(lambda width: flow([Text(clean(f), style="dim") for f in facts], width, sep=" · ")))
    if p.equipment:
        out.print(_text("You need: " + ", ".join(p.equipment), "dim"))
    if p.steps:
        out.print(Block(lambda width: _step_rows(p, width)))
    if p.pacing:
        phases = ", ".join(f"{name} {secs:g} s" for name, secs in p.pacing.phases())
        out.print(_text(f"Pacer: {phases} — {p.pacing.cycles} cycles", "cyan"))
    if p.reps:
        from .words import exercise_dose

        out.print(_hang("Repetitions: ", _text(p.reps.text)))
        out.print(_text(exercise_dose(p.reps), "cyan"))
    if p.evidence:
        out.print(_hang("Evidence: ", _text(f"{p.evidence.note} ({p.evidence.source})", "dim"), "dim"))
    if p.origin != "built-in":
        out.print(_text(f"From {p.origin}", "dim"))


def _hang(lead: str, body: Text, style: str = "") -> Block:
    """'Evidence: ...' under its label on a wide screen; on a narrow one, two columns in."""
    from rich.text import Text

    from .layout import Block, hang

    return Block(lambda width: hang(Text(lead, style=style), body, width, shallow_below=60))


def _step_rows(p: Practice, width: int) -> list[Text]:
    """Each step's text, and its length in a column of its own (under the text on a narrow screen)."""
    from rich.text import Text

    from .layout import Col, grid, hang
    from .words import duration

    rows = []
    for n, step in enumerate(p.steps, 1):
        side = {"left": ", left", "right": ", right", "both": ", each side"}.get(step.side or "", "")
        times = f" ×{step.repeat}" if step.repeat > 1 else ""
        rows.append((f"{n}.", clean(step.text), f"{duration(step.seconds)}{side}{times}"))
    columns = (Col("", right=True, style="dim"), Col("", wrap=True, least=24), Col("", style="cyan"))
    table = grid(columns, rows, width)
    if table is not None:
        return table
    lines: list[Text] = []
    room = len(str(len(rows))) + 2
    for label, text, length in rows:
        lines += hang(Text(label.rjust(room - 1) + " ", style="dim"), text, width)
        lines += hang(" " * room, Text(length, style="cyan"), width)
    return lines


# --- profile ----------------------------------------------------------------


def profile_view(profile: Profile, path: str, saved: bool) -> None:
    from .layout import Block, Col, grid, hang

    out = console()
    rows = []
    for key, value in profile.to_dict().items():
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        rows.append((key, clean(shown or "none")))
    columns = (Col("", style="bold"), Col("", wrap=True))
    out.print(
        Block(lambda width: grid(columns, rows, width) or [line for k, v in rows for line in hang(f"{k}: ", v, width)])
    )
    note = f"saved in {path}" if saved else "not set up yet: these are the defaults; run 'selfcare profile setup'"
    out.print(_text(note, "dim"))


# --- the log ----------------------------------------------------------------

MARKS = {
    "done": ("■", "green"),
    "rest": ("~", "blue"),
    "missed": ("·", "dim"),
    "today": ("□", "yellow"),
    "before": (" ", "dim"),
}


def _day_words(day: str) -> str:
    from datetime import date

    try:
        d = date.fromisoformat(day)
    except ValueError:
        return day  # a damaged row is shown as it is
    return f"{d:%a} {d.day} {d:%b %Y}"  # not %-d, which Windows' strftime lacks


def _streak_line(streak: Streak) -> str:
    from .words import plural

    return f"streak {plural(streak.current, 'day')} (longest {streak.longest})"


def logged(result: Logged) -> None:
    from .words import duration

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
        out.print(hanging(f"! {flag.message}", "bold yellow"))
    unsuitable_lines(result.unsuitable, out)


def unsuitable_lines(found: tuple[Excluded, ...], out: Console) -> None:
    """After `log`: practices the planner would have left out for this person (logged all the same)."""
    from .words import excluded

    by_practice: dict[str, list[str]] = {}
    for ex in found:
        by_practice.setdefault(ex.practice, []).append(excluded(ex))
    for pid, reasons in by_practice.items():
        out.print(hanging(f"! {pid} does not suit your profile: {'; '.join(dict.fromkeys(reasons))}.", "yellow"))


HISTORY_GAP = "  "


def history(sessions: Iterable[Session], library: Library, *, days: int | None = None, in_all: int = 0) -> int:
    """The sessions as a table with fixed column widths, a row written as soon as it is
    read, however long the log. Laid out here rather than by rich's Table (which measures
    every row first: minutes for a long log); every value is cleaned, plain text."""
    from rich.text import Text

    from .words import duration, plural

    out = console()
    rows = iter(sessions)
    first = next(rows, None)
    if first is None and in_all:
        out.print(
            _text(
                f"No sessions in the last {plural(days or 0, 'day')} ({plural(in_all, 'session')} in all: "
                "'selfcare history --all' shows them)."
            )
        )
        return 0
    if first is None:
        out.print("No sessions logged yet. After a session: 'selfcare log', or be guided: 'selfcare start'.")
        return 0
    # id, date, time, pain and stress are narrow and fixed; practices (and notes, on a wide
    # screen) share the rest. Narrower than a table: a block a session.
    width = out.width
    fixed = (8, 10, 11, 5, 6)
    free = width - sum(fixed) - len(HISTORY_GAP) * len(fixed)
    out.file.flush()
    write = sys.stdout.write
    shown = 0
    if free < HISTORY_LEAST:
        for s in _chain(first, rows):
            shown += 1
            write("\n".join(_history_block(s, library, width)) + "\n")
        return shown
    apart = free >= 2 * HISTORY_LEAST + len(HISTORY_GAP) + 10  # room for notes in a column of their own
    sizes = [*fixed, free * 3 // 5 if apart else free]
    head = ["id", "date", "time", "pain", "stress", "practices"]
    if apart:
        sizes.append(free - sizes[-1] - len(HISTORY_GAP))
        head.append("note")
    out.print(Text("\n".join(_row_lines(head, sizes)), style="bold"), soft_wrap=True)
    out.file.flush()
    for s in _chain(first, rows):
        shown += 1
        practices = _session_practices(s, library)
        cells = [s.id[:8], s.day, duration(s.seconds), _pair(s.pain_before, s.pain_after)]
        cells += [_pair(s.stress_before, s.stress_after), practices]
        note = clean(s.note or "")
        if apart:
            cells.append(note)
        elif note:
            cells[-1] = f"{practices}\nnote: {note}" if practices else f"note: {note}"
        write("\n".join(_row_lines([clean(c) for c in cells], sizes)) + "\n")
    return shown


def more_history(days: int) -> None:
    console().print(_text(f"The last {days} days; 'selfcare history --all' or --days N shows more.", "dim"))


def edited(before: Session, after: Session) -> None:
    from .words import duration

    changes = []
    if (before.day, before.logged_at) != (after.day, after.logged_at):
        changes.append(f"date {before.day} → {after.day}")
    if before.seconds != after.seconds:
        changes.append(f"time {duration(before.seconds)} → {duration(after.seconds)}")
    for label, field in (("pain", "pain"), ("stress", "stress")):
        old = (getattr(before, f"{field}_before"), getattr(before, f"{field}_after"))
        new = (getattr(after, f"{field}_before"), getattr(after, f"{field}_after"))
        if old != new:
            changes.append(f"{label} {_pair(*old) or 'none'} → {_pair(*new)}")
    if before.note != after.note:
        changes.append("note changed" if after.note else "note removed")
    console().print(
        _text(f"Corrected the session of {_day_words(after.day)} (id {after.id[:8]}): {'; '.join(changes)}.")
    )


def undone(change: Change) -> None:
    from .words import duration

    p = change.payload
    if change.kind == "session.add":
        s = p["session"]
        what = f"the session of {_day_words(s['date'])} ({duration(s.get('seconds', 0))}, id {s['id'][:8]}) is removed"
    elif change.kind == "session.delete":
        what = f"the deleted session of {_day_words(p['session']['date'])} (id {p['id'][:8]}) is back"
    elif change.kind == "session.edit":
        what = f"the correction of session {p['id'][:8]} is taken back"
    elif change.kind == "rest.add" and p.get("was") is None:
        what = f"{_day_words(p['date'])} is no longer a rest day"
    elif change.kind == "rest.add":
        what = f"the rest day {_day_words(p['date'])} has its reason back"
    else:
        what = f"{_day_words(p['date'])} is a rest day again"
    console().print(_text(f"Undone: {what}."))


def rest_removed(rest: RestDay) -> None:
    console().print(_text(f"{_day_words(rest.day)} is no longer a rest day; 'selfcare undo' marks it again."))


HISTORY_LEAST = 24  # the narrowest the practices column may be before a session becomes a block


def _session_practices(s: Session, library: Library) -> str:
    def name(pid: str) -> str:
        p = library.practices.get(pid)
        return p.name if p is not None else pid

    names = [name(p) for p in s.practices]
    if s.pro:
        names.insert(0, f"with a {s.pro.replace('-', ' ')}")
    names += [f"(skipped: {name(p)})" for p in s.skipped]
    return ", ".join(names)


def _history_block(s: Session, library: Library, width: int) -> list[str]:
    """One session on a narrow screen: id, date and length; then what was done, ratings and note, indented."""
    from .words import duration

    lines = _fold(HISTORY_GAP.join((s.id[:8], s.day, duration(s.seconds))), width)
    ratings = [
        f"{label} {_pair(before, after)}"
        for label, before, after in (
            ("pain", s.pain_before, s.pain_after),
            ("stress", s.stress_before, s.stress_after),
        )
        if before is not None or after is not None
    ]
    for text in (_session_practices(s, library), " · ".join(ratings), f"note: {s.note}" if s.note else ""):
        if text:
            lines += ["  " + line for line in _fold(clean(text), width - 2)]
    return lines


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
    """`text` in lines of at most `width` cells, broken between words (see layout.spans)."""
    if len(text) <= width and "\n" not in text and "\t" not in text:
        if text.isascii():
            return [text]  # most cells: short, plain
        from rich.cells import cell_len

        if cell_len(text) <= width:
            return [text]  # short, with a '→' or an accent
    from .layout import spans

    text = text.replace("\t", " ")
    return [text[a:b] for a, b in spans(text, width)]


def _pair(before: int | None, after: int | None) -> str:
    return "" if before is None and after is None else f"{_dash(before)}→{_dash(after)}"


def print_json_list(items: Iterable[object]) -> None:
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
    from .words import duration, plural

    console().print(
        _text(
            f"Removed the session of {_day_words(session.day)} ({plural(len(session.practices), 'practice')}, "
            f"{duration(session.seconds)}, id {session.id[:8]})."
        )
    )


def rested(outcome: Rested) -> None:
    out = console()
    why = f" ({outcome.reason})" if outcome.reason else ""
    verb = "Marked" if outcome.new else "Updated"
    out.print(_text(f"{verb} {_day_words(outcome.day)} as a rest day{why}: it neither breaks nor extends your streak."))
    if outcome.had_session:
        out.print(_text("You logged a session that day, so it still counts as done.", "dim"))


def streak_view(streak: Streak) -> None:
    from rich.text import Text

    from .layout import Block, flow
    from .words import plural

    out = console()
    current = Text()
    current.append(f"{streak.current}", style="bold green")
    current.append(f" day{'s' if streak.current != 1 else ''} in a row", style="bold")
    parts = [current, Text(f"longest {streak.longest}"), Text(f"total {plural(streak.total_days, 'day')}")]
    out.print(Block(lambda width: flow(parts, width)))
    week = Text(f"this week {streak.week_days_done}/{streak.week_target}")
    done = min(streak.week_days_done, streak.week_target)
    week.append("  " + "●" * done + "○" * max(0, streak.week_target - done), style="green")
    target = Text(f"weeks on target in a row: {streak.week_streak}")
    out.print(Block(lambda width: flow([week, target], width)))
    marks = Text()
    for _day, mark in streak.last_days:
        symbol, style = MARKS[mark]
        marks.append(symbol + " ", style=style)
    marks.rstrip()
    legend = [Text("last 14 days", style="dim"), Text("(■ done  ~ rest  · missed  □ today)", style="dim")]
    out.print(Block(lambda width: flow([marks, *legend], width, sep="  ")))
    if streak.rest_today and not streak.done_today:
        out.print(_text("Today is a rest day.", "dim"))
    elif not streak.done_today and streak.current > 0:
        out.print(_text("Nothing logged today yet: the streak holds until the day ends.", "dim"))
    elif not streak.done_today:
        out.print(_text("Nothing logged today yet.", "dim"))


# --- the report -------------------------------------------------------------

_SHADES = ("grey23", "dark_green", "green4", "green3", "bright_green")
_CELLS = ("·", "░", "▒", "▓", "█")  # readable without colour too


def _day_mark(cell: CalendarDay, top: float) -> tuple[str, str]:
    """A calendar day's mark and style: blank before the first session, ~ a rest day, P a day
    with a professional only, else the shade of its minutes."""
    if cell.before:
        return " ", ""
    if cell.rest:
        return "~", "blue"
    if cell.pro and cell.minutes == 0:
        return "P", "magenta"
    level = _level(cell.minutes, top)
    return _CELLS[level], _SHADES[level]


def _level(minutes: float, top: float) -> int:
    if minutes <= 0:
        return 0
    return min(4, 1 + int(3 * minutes / top)) if top > 0 else 1


def _bar(value: float, top: float, width: int = 20) -> str:
    filled = 0 if top <= 0 else round(width * value / top)
    return "█" * filled + "·" * (width - filled)


def _rating_parts(name: str, r: Ratings) -> tuple[str, str]:
    """'pain    before 5.0 → after 3.0', '(-2.0 on average over 4 rated sessions)': a line, or two on a narrow screen."""
    from .words import plural

    return (
        f"{name:<7} before {r.avg_before:.1f} → after {r.avg_after:.1f}",
        f"({r.avg_change:+.1f} on average over {plural(r.sessions, 'rated session')})",
    )


def _window(data: Report) -> Block:
    """'Thu 29 Oct 2026 – Fri 27 Nov 2026  (30 days)', broken before the count on a narrow screen."""
    from rich.text import Text

    from .layout import Block, flow

    parts = [Text(f"{_day_words(data.since)} – {_day_words(data.as_of)}", style="bold"), Text(f"({data.days} days)")]
    return Block(lambda width: flow(parts, width, sep="  "))


def _legend(width: int, indent: int = 0) -> list[Text]:
    """What the calendar's marks mean, broken between its parts on a narrow screen."""
    from rich.text import Text

    from .layout import flow

    scale = Text("less ", style="dim")
    for cell_mark, shade in zip(_CELLS, _SHADES, strict=True):
        scale.append(cell_mark, style=shade)
    scale.append(" more minutes at home", style="dim")
    parts = [scale, Text("~ rest", style="dim"), Text("P with a professional", style="dim")]
    room = width - indent if width - indent >= scale.cell_len else width
    pad = " " * (width - room)
    return [Text(pad) + line for line in flow(parts, room)]


def _bars(values: dict[str, float], width: int) -> list[Text]:
    """'  neck        ████████···· 12 min' a line each; the bars shrink to fit the screen."""
    from rich.text import Text

    from .words import duration

    most = max(values.values())
    label = max(11, *(len(name) for name in values))
    lengths = {name: duration(minutes * 60) for name, minutes in values.items()}
    room = max(5, min(20, width - 2 - label - 2 - max(len(t) for t in lengths.values())))
    return [
        Text(f"  {name:<{label}} ") + Text(_bar(minutes, most, room), style="cyan") + Text(f" {lengths[name]}")
        for name, minutes in values.items()
    ]


def report_view(data: Report) -> None:
    from datetime import date

    from rich.text import Text

    from .layout import Block, Col, flow, grid, hang
    from .words import duration, flag_summary, plural, progression

    out = console()
    out.print(_window(data))
    # The calendar: one row a week, Monday first; shades scale on home practice.
    top = max((c.minutes for c in data.calendar), default=0)
    first = date.fromisoformat(data.calendar[0].date)
    calendar = Text("        Mo Tu We Th Fr Sa Su\n", style="dim")
    rows: list[Text] = []
    line = Text(f"{first:%d %b} ", style="dim")
    line.append("   " * first.weekday())
    for cell in data.calendar:
        d = date.fromisoformat(cell.date)
        if d.weekday() == 0 and line.plain.strip() and d != first:
            rows.append(line)
            line = Text(f"{d:%d %b} ", style="dim")
        mark, style = _day_mark(cell, top)
        line.append(f" {mark} ", style=style)
    rows.append(line)
    for row in rows:
        calendar.append_text(row)
        calendar.append("\n")
    out.print(calendar, end="", no_wrap=True, overflow="crop")
    out.print(Block(lambda width: _legend(width, indent=8)))
    out.print()
    counted = data.days - data.before_first
    summary = [
        (
            "active days",
            Text(f"{data.active_days} of {counted}  ({data.consistency:.0%} consistency, rest days left out)"),
        ),
        ("time", Text(f"{duration(data.seconds)} in {plural(data.sessions, 'session')}")),
        ("habit strength", Text(f"{_bar(data.habit_strength, 1.0)} {data.habit_strength:.0%}", style="green")),
    ]
    columns = (Col("", style="bold"), Col("", wrap=True, least=24))
    out.print(
        Block(
            lambda width: (
                grid(columns, summary, width)
                or [line for k, v in summary for line in hang(Text(f"{k}: ", style="bold"), v, width)]
            )
        )
    )
    for values, title in (
        (data.by_area, "by area (massage, stretches and exercise)"),
        (data.by_kind, "by kind"),
    ):
        if not values:
            continue
        out.print(Text(f"\n{title}", style="bold"))
        out.print(Block(lambda width, values=values: _bars(values, width)))  # type: ignore[misc]
    if data.pain.sessions or data.stress.sessions:
        out.print()
    for name, r in (("pain", data.pain), ("stress", data.stress)):
        if r.sessions and r.avg_change is not None:
            style = "green" if r.avg_change < 0 else "yellow" if r.avg_change > 0 else ""
            parts = [Text(part, style=style) for part in _rating_parts(name, r)]
            out.print(Block(lambda width, parts=parts: flow(parts, width, sep="  ")))  # type: ignore[misc]
    weekly_trends(data, out)
    if data.helped_most:
        out.print(Text("\nfell most in the sessions that included", style="bold"))
        for h in data.helped_most:
            out.print(
                hanging(
                    f"  {h.name}: {h.measure} {h.avg_before:.1f} → {h.avg_after:.1f} "
                    f"over {plural(h.sessions, 'session')}"
                )
            )
    if data.pro_sessions:
        out.print(Text("\nwith a professional", style="bold"))
        for s in data.pro_sessions:
            note = f" — {s.note}" if s.note else ""
            out.print(hanging(f"  {s.date}: {s.pro.replace('-', ' ')}, {duration(s.minutes * 60)}{note}"))
    grown = progression(data.progression)
    if grown:
        out.print(_text(f"\nprogress: {grown}", "cyan"))
    if data.flags:
        out.print(Text("\nred flags raised", style="bold yellow"))
        for f in data.flags:
            out.print(hanging(f"  {f.date}  {flag_summary(f.rule, f.area, f.pain)}", "yellow"))
    if not data.sessions:
        out.print(_text("\nNothing logged in this window yet.", "dim"))


# --- pictures: weekly trends and the year calendar ------------------------------

_SPARKS = "▁▂▃▄▅▆▇█"  # heights, readable without colour
_GAP = "·"  # a week with too few ratings: a gap, never a zero
_TREND_LABEL = 16  # "  stress before "
_TREND_TAIL = 14  # " 10.0 → 10.0"


def _spark(values: list[float | None], top: float, gap: str) -> str:
    marks = []
    for v in values:
        if v is None:
            marks.append(gap)
        else:
            marks.append(_SPARKS[min(7, round(7 * v / top)) if top > 0 else 0])
    return "".join(marks)


def _first_last(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return ""
    return f"{known[0]:.1f}" if len(known) == 1 else f"{known[0]:.1f} → {known[-1]:.1f}"


def weekly_trends(data: Report, out: Console | None = None) -> None:
    """Sparklines, one mark a week: home minutes, and pain and stress before and after on the 0–10 scale."""
    from rich.text import Text

    from .words import duration, short_day

    out = out or console()
    weeks = [w for w in data.weeks if w.minutes is not None]  # from the week of the first session on
    if len(weeks) < 2 or not data.sessions:
        return
    room = max(4, out.width - _TREND_LABEL - _TREND_TAIL)
    shown = weeks[-room:]
    title = f"week by week, {short_day(shown[0].start)} – {short_day(shown[-1].end)}"
    if len(shown) < len(weeks):
        title += f" (the last {len(shown)} weeks)"
    out.print(Text(f"\n{title}", style="bold"))
    minutes = [w.minutes for w in shown]
    top = max((m for m in minutes if m is not None), default=0.0)
    rows: list[tuple[str, str, str, str]] = [
        ("minutes", _spark(minutes, top, " "), f" █ = {duration(round(top) * 60)}" if top >= 1 else "", "cyan"),
    ]
    gaps = False
    for measure in ("pain", "stress"):
        before = [getattr(w, f"{measure}_before") for w in shown]
        after = [getattr(w, f"{measure}_after") for w in shown]
        if all(v is None for v in before):
            continue
        gaps = gaps or any(v is None for v in before)
        rows.append((f"{measure} before", _spark(before, 10, _GAP), _first_last(before), "yellow"))
        rows.append(("after".rjust(len(measure) + 6), _spark(after, 10, _GAP), _first_last(after), "green"))
    for label, marks, tail, style in rows:
        line = Text(f"  {label:<{_TREND_LABEL - 2}}")
        line.append(marks, style=style)
        line.append(f" {tail}" if tail and not tail.startswith(" ") else tail, style="dim")
        out.print(line, no_wrap=True, overflow="crop")
    notes = []
    if len(rows) > 1:
        notes.append("pain and stress 0–10 (█ = 10), averaged over sessions rated before and after")
    if gaps:
        notes.append(f"{_GAP} fewer than {data.min_rated} rated sessions that week")
    for note in notes:
        out.print(hanging(f"  {note}", "dim"))


_WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def year_calendar(data: Report, out: Console | None = None) -> None:
    """The year as a contribution graph: a column a week, a row a weekday; wraps into blocks on narrow screens."""
    import math
    from datetime import date

    from rich.text import Text

    out = out or console()
    days = list(data.year)
    if not days:
        return
    columns = [days[i : i + 7] for i in range(0, len(days), 7)]
    top = max((c.minutes for c in days), default=0)
    per_block = max(1, out.width - 3)
    blocks = math.ceil(len(columns) / per_block)
    per_block = math.ceil(len(columns) / blocks)
    for b in range(blocks):
        part = columns[b * per_block : (b + 1) * per_block]
        labels: list[tuple[int, str]] = []  # a month's name over the first week that starts in it
        for j, week in enumerate(part):
            monday = date.fromisoformat(week[0].date)
            if j == 0 or monday.month != date.fromisoformat(part[j - 1][0].date).month:
                labels.append((j, f"{monday:%b}"))
        if len(labels) > 1 and labels[1][0] < 4:
            labels.pop(0)  # the first column's month only when its name fits before the next
        months = [" "] * (3 + len(part) + 3)
        for j, label in labels:
            if 3 + j + len(label) <= out.width:
                months[3 + j : 3 + j + len(label)] = list(label)
        if b:
            out.print()
        out.print(Text("".join(months).rstrip(), style="dim"), no_wrap=True, overflow="crop")
        for r, name in enumerate(_WEEKDAYS):
            line = Text(f"{name} ", style="dim")
            for week in part:
                if r >= len(week):
                    break  # after the as-of day
                mark, style = _day_mark(week[r], top)
                line.append(mark, style=style)
            out.print(line, no_wrap=True, overflow="crop")
    from .layout import Block

    out.print(Block(_legend))
    if any(c.before for c in days):
        out.print(_text("blank: before your first session", "dim"))


def year_view(data: Report) -> None:
    """`report --year`: the year calendar, the year's figures and its weekly trends."""

    from .words import duration, plural

    out = console()
    out.print(_window(data))
    year_calendar(data, out)
    if not data.sessions:
        out.print(_text("\nNothing logged in this year yet.", "dim"))
        return
    out.print()
    out.print(
        hanging(
            f"active on {data.active_days} of {plural(data.days - data.before_first, 'day')} since your first "
            f"session ({data.consistency:.0%}, rest days left out); {duration(data.seconds)} in "
            f"{plural(data.sessions, 'session')}"
        )
    )
    weekly_trends(data, out)


# --- for a therapist ----------------------------------------------------------


def therapist_markdown(data: Report, profile: Profile, *, include_notes: bool = False) -> str:
    """A one-page summary a person can print or send to their therapist (the figures of `report`).

    Notes, the person's own words, are left out unless `include_notes`.
    """
    from datetime import date

    from .words import duration, flag_summary, plural, progression

    def day(text: str) -> str:
        d = date.fromisoformat(text)
        return f"{d.day} {d:%B %Y}"

    def md(text: object) -> str:
        # Plain text in Markdown: no control characters, markup characters escaped.
        return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", clean(text)).replace("\n", " ")

    lines = [
        "# Self-care summary",
        "",
        f"**Period:** {day(data.since)} – {day(data.as_of)} ({data.days} days)  ",
        f"**Areas:** {', '.join(profile.areas)} · **Goals:** {', '.join(profile.goals)} · "
        f"**Target:** {profile.days_per_week} days a week",
        "",
        "## Practice",
        "",
        f"- Active on {data.active_days} of {data.days - data.before_first} days ({data.consistency:.0%}), "
        f"{plural(data.sessions, 'session')}, {duration(data.seconds)} in all; "
        f"habit strength {data.habit_strength:.0%}.",
    ]
    if data.by_kind:
        kinds = ", ".join(f"{k} {duration(v * 60)}" for k, v in data.by_kind.items())
        lines.append(f"- By kind: {kinds}.")
    if data.practices:
        top = ", ".join(f"{md(p.name)} ×{p.times}" for p in data.practices[:8])
        lines.append(f"- Most practised: {top}.")
    grown = progression(data.progression)
    if grown:
        lines.append(f"- Progression: {grown}.")
    if data.pro_sessions:
        lines += ["", "## Sessions with a professional", ""]
        for s in data.pro_sessions:
            note = f" — {md(s.note)}" if s.note and include_notes else ""
            lines.append(f"- {day(s.date)}: {s.pro.replace('-', ' ')}, {duration(s.minutes * 60)}{note}")
    lines += ["", "## Pain and stress (0–10)", ""]
    if data.pain.sessions or data.stress.sessions:
        lines += ["| | sessions | before | after | change |", "|---|---|---|---|---|"]
        for key, r in (("pain", data.pain), ("stress", data.stress)):
            if r.sessions and r.avg_change is not None:
                lines.append(f"| {key} | {r.sessions} | {r.avg_before:.1f} | {r.avg_after:.1f} | {r.avg_change:+.1f} |")
        if data.pain_by_area:
            lines += [
                "",
                "| area (massage, stretches, exercise) | sessions | before | after | first half → second half (before) |",
                "|---|---|---|---|---|",
            ]
            for area, a in data.pain_by_area.items():
                trend = "–"
                if a.first_half_before is not None and a.second_half_before is not None:
                    trend = f"{a.first_half_before:.1f} → {a.second_half_before:.1f}"
                lines.append(f"| {area} | {a.sessions} | {a.avg_before:.1f} | {a.avg_after:.1f} | {trend} |")
        lines += [
            "",
            "Before/after figures are single-session changes, for information; trends over weeks matter more.",
        ]
    else:
        lines.append("No pain or stress ratings were logged in this period.")
    lines += ["", "## Red flags raised", ""]
    if data.flags:
        lines += [f"- {day(f.date)}: {md(flag_summary(f.rule, f.area, f.pain))}" for f in data.flags]
    else:
        lines.append("None.")
    if data.notes and include_notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {day(n.date)}: {md(n.note)}" for n in data.notes[-12:]]
    noted = ", ".join(profile.conditions) or "none"
    lines += ["", f"Health conditions noted in the profile: {noted}."]
    lines += ["", "_Written by selfcare from the person's own log; not a clinical record._", ""]
    return "\n".join(lines)


def doctor_view(findings: list[tuple[str, str, str]]) -> None:
    from rich.text import Text

    from .layout import Block, hang

    out = console()
    styles = {"ok": "green", "warn": "yellow", "fail": "bold red"}
    label = max((len(what) for what, _, _ in findings), default=0)
    for what, status, detail in findings:
        lead = Text(f"{status:<4} ", style=styles[status])
        lead.append(f"{what:<{label}}  ", style="bold")
        out.print(Block(lambda width, lead=lead, detail=detail: hang(lead, clean(detail), width)))  # type: ignore[misc]


def session_summary(result: Logged) -> None:
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
