"""The terminal side of `selfcare start`: keys from a real terminal and a rich live screen.

All decisions are the Guide's (selfcare.guide); this only reads keys, asks the
clock, and draws what `Guide.view()` says.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from ..guide import CARD, REP_WORDS, REST, SIDE_WORDS, Guide, View
from ..render import clean, clock

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.panel import Panel
    from rich.text import Text

KIND_STYLE = {
    "massage": "magenta",
    "stretch": "cyan",
    "breathing": "blue",
    "meditation": "green",
    "exercise": "dark_orange",
}


class Keys(Protocol):
    """Where key presses come from: a terminal, or a script in tests."""

    def raw(self) -> AbstractContextManager[Keys]: ...

    def read(self, timeout: float) -> str | None: ...


class TerminalKeys:
    """Single key presses from the terminal, without waiting for Enter."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stdin
        self.fd = self.stream.fileno()
        self.pending = ""  # keys that came in one read: each is a key press of its own

    @contextmanager
    def raw(self) -> Iterator[TerminalKeys]:
        import termios
        import tty

        def leave(signum: int, _frame: Any) -> None:
            raise SystemExit(128 + signum)  # through the `finally` below, which gives the terminal back

        saved = termios.tcgetattr(self.fd)
        handlers = {sig: signal.signal(sig, leave) for sig in (signal.SIGTERM, signal.SIGHUP)}
        try:
            tty.setcbreak(self.fd)
            # Ctrl-C arrives as a key (\x03), not as SIGINT: a signal could land while
            # the screen is being drawn and end the program before it asks to log.
            mode = termios.tcgetattr(self.fd)
            mode[3] &= ~termios.ISIG
            termios.tcsetattr(self.fd, termios.TCSANOW, mode)
            yield self
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    def read(self, timeout: float) -> str | None:
        if not self.pending:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return None
            data = os.read(self.fd, 32)
            if not data:
                return "q"
            text = data.decode("utf-8", "ignore").lower()
            # An escape sequence (an arrow key...) is one key press, not several.
            self.pending = text[:1] if text.startswith("\x1b") else text
        key, self.pending = self.pending[:1], self.pending[1:]
        return key or None


def _bar(fraction: float, width: int, style: str) -> Text:
    from rich.text import Text

    filled = max(0, min(width, round(width * fraction)))
    # Two different characters, so the bar reads even without colour.
    return Text("█" * filled, style=style) + Text("░" * (width - filled), style="grey30")


def draw(view: View, width: int = 60) -> Panel:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    p = view.practice
    seg = view.segment
    style = KIND_STYLE.get(p.kind, "white")
    lines: list[Text] = []
    head = Text()
    head.append(clean(p.name), style=f"bold {style}")
    head.append(f"   {p.kind} · {view.practice_no} of {view.practices}", style="dim")
    lines.append(head)
    lines.append(Text(""))
    if seg.phase == CARD:
        # Before the practice: its stop rules and the cautions for this person's conditions.
        lines.append(Text("Before you begin", style="bold yellow"))
        for c in view.cautions:
            lines.append(Text("! " + clean(c.text), style="yellow"))
        lines.append(Text(""))
        lines.append(Text("press any key to begin · s skip this practice · q stop", style="bold"))
    elif seg.phase == REST:
        # Between sets: a rest timer.
        lines.append(Text(f"Rest before set {seg.set} of {seg.sets}", style=f"bold {style}"))
        lines.append(Text(clean(seg.text)))
        lines.append(Text(""))
        countdown = Text(f"{clock(view.remaining)}  ", style="bold")
        countdown.append_text(_bar(1 - view.fraction, width - 7, style))
        lines.append(countdown)
    elif seg.rep:
        # A repetition: what to do, its phase counted like the breathing pacer, and where in the sets.
        if seg.side in SIDE_WORDS:
            lines.append(Text(SIDE_WORDS[seg.side], style=f"bold {style}"))
        lines.append(Text(clean(seg.text)))
        lines.append(Text(""))
        word = Text(REP_WORDS.get(seg.phase or "", ""), style=f"bold {style}")
        word.append(f"  {view.count}", style="bold")
        lines.append(word)
        lines.append(_bar(view.fill, width, style))
        lines.append(Text(f"rep {seg.rep} of {seg.reps} · set {seg.set} of {seg.sets}", style="bold"))
    elif seg.phase is not None:
        # The pacer: fills on the in-breath, holds still, empties on the out-breath.
        word = Text(f"{seg.text}", style=f"bold {style}")
        word.append(f"  {view.count}", style="bold")  # counts up, 1 to the phase's seconds, as the steps say
        lines.append(word)
        lines.append(_bar(view.fill, width, style))
        lines.append(Text(f"breath {seg.cycle} of {seg.cycles}", style="dim"))
    elif p.kind == "meditation":
        lines.append(Text(clean(seg.text), style="italic"))
        lines.append(Text(""))
        lines.append(Text(f"{clock(view.practice_left)} left", style="dim"))
    else:
        if seg.side in SIDE_WORDS:
            lines.append(Text(SIDE_WORDS[seg.side], style=f"bold {style}"))
        lines.append(Text(clean(seg.text)))
        lines.append(Text(""))
        countdown = Text(f"{clock(view.remaining)}  ", style="bold")
        countdown.append_text(_bar(1 - view.fraction, width - 7, style))
        lines.append(countdown)
    lines.append(Text(""))
    done = 1 - (view.session_left / view.session_total if view.session_total else 0)
    overall = Text("session ", style="dim")
    overall.append_text(_bar(done, width - 20, "white"))
    overall.append(f"  {clock(view.session_left)} left", style="dim")
    lines.append(overall)
    if view.next_text:
        lines.append(Text(clean(view.next_text), style="dim"))
    if view.state == "paused" and seg.phase != CARD:
        lines.append(Text("paused — space to go on", style="bold yellow"))
    if seg.phase != CARD:
        lines.append(Text("space pause · n next step · s skip practice · q stop", style="grey50"))
    return Panel(Group(*lines), title="selfcare", title_align="left", border_style=style, width=width + 4)


def frame(view: View, width: int) -> tuple[object, ...]:
    """What the screen shows, in a few numbers: the screen is redrawn only when they change
    (a guided session waits mostly, and should cost next to nothing while it does)."""
    done = 1 - (view.session_left / view.session_total if view.session_total else 0)
    return (
        view.state,
        view.practice_no,
        view.segment,
        round(view.remaining),
        round(view.practice_left),
        view.count,
        round(view.fill * width),
        round((1 - view.fraction) * (width - 7)),
        round(done * (width - 20)),
        round(view.session_left),
    )


def play(
    guide: Guide,
    keys: Keys,
    *,
    quiet: bool,
    now: Callable[[], float] = time.monotonic,
    render: Callable[[View, int], RenderableType] = draw,
    out: Console | None = None,
) -> None:
    """Run the guide on the terminal until it is finished or stopped.

    Ctrl-C is a key here (see TerminalKeys.raw); a SIGINT sent from elsewhere
    stops the guide at whatever moment it lands, drawing included, so the
    session always ends in the question whether to log it.
    """
    from rich.live import Live

    from ..render import console

    out = out or console()
    width = max(30, min(70, out.width - 6))
    rung = guide.changes
    shown = frame(guide.view(), width)
    try:
        with keys.raw(), Live(render(guide.view(), width), console=out, auto_refresh=False, transient=False) as live:
            while not guide.done:
                try:
                    key = keys.read(0.1)
                    if key:
                        guide.press(key, now())
                    else:
                        guide.tick(now())
                    if guide.changes != rung and not quiet:
                        out.bell()
                    rung = guide.changes
                    view = guide.view()
                    if frame(view, width) != shown:
                        shown = frame(view, width)
                        live.update(render(view, width), refresh=True)
                except KeyboardInterrupt:
                    guide.press("q", now())
    except KeyboardInterrupt:  # while the screen opened or closed
        guide.press("q", now())
