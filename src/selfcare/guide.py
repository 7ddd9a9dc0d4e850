"""The guided session as a state machine, driven by an injected clock and keys.

A plan becomes a timeline of segments: each step (once per side, once per
repeat) and, for breathing, each phase of each cycle. `Guide.tick(now)`
moves through it by the clock alone; `Guide.press(key, now)` handles
space (pause/resume), n (next step), s (skip the practice) and q (stop).
Time spent is counted per practice while running, so a finished session
logs exactly the sum of its step times and a skipped or stopped one logs
exactly what was done. Nothing here draws or sleeps: the terminal layer
asks `view()` what to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import Practice

SIDE_WORDS = {"left": "Left side", "right": "Right side"}
PHASE_WORDS = {"inhale": "Breathe in", "top-up": "A little more in", "hold": "Hold", "exhale": "Breathe out"}


@dataclass(frozen=True)
class Segment:
    practice: int  # index into the plan's practices
    step: int  # index of the step (a whole pacer counts as one step)
    text: str
    seconds: float
    side: str | None = None
    phase: str | None = None  # breathing: inhale, top-up, hold, exhale
    cycle: int = 0
    cycles: int = 0
    fill_from: float = 0.0  # the pacer bar's level at the start of the phase...
    fill_to: float = 0.0  # ...and at its end


def timeline(practices: Iterable[Practice]) -> list[Segment]:
    segments: list[Segment] = []
    for index, p in enumerate(practices):
        step_no = 0
        for step in p.steps:
            sides = ("left", "right") if step.side == "both" else (step.side,)
            for _ in range(step.repeat):
                for side in sides:
                    segments.append(Segment(index, step_no, step.text, float(step.seconds), side=side))
            step_no += 1
        if p.pacing is not None:
            pacing = p.pacing
            inhaled = pacing.inhale + pacing.top_up
            top = pacing.inhale / inhaled if inhaled else 1.0
            levels = {
                "inhale": (0.0, top),
                "top-up": (top, 1.0),
            }
            for cycle in range(1, pacing.cycles + 1):
                level = 0.0
                for name, secs in pacing.phases():
                    start, end = levels.get(name, (level, level))
                    if name == "exhale":
                        start, end = 1.0, 0.0
                    segments.append(
                        Segment(
                            index,
                            step_no,
                            PHASE_WORDS[name],
                            float(secs),
                            phase=name,
                            cycle=cycle,
                            cycles=pacing.cycles,
                            fill_from=start,
                            fill_to=end,
                        )
                    )
                    level = end
    return segments


@dataclass
class View:
    """What the screen should show now."""

    state: str
    practice: Practice
    practice_no: int
    practices: int
    segment: Segment
    remaining: float  # in this segment
    fraction: float  # of this segment done
    practice_left: float  # in this practice
    session_left: float
    session_total: float
    next_text: str | None
    fill: float  # the pacer bar's level, 0..1


@dataclass
class Guide:
    practices: list[Practice]
    start: float
    segments: list[Segment] = field(init=False)
    index: int = field(init=False, default=0)
    elapsed: float = field(init=False, default=0.0)  # in the current segment
    state: str = field(init=False, default="running")  # running, paused, finished, stopped
    spent: list[float] = field(init=False)
    last: float = field(init=False)
    changes: int = field(init=False, default=0)  # step changes so far, for the bell

    def __post_init__(self) -> None:
        self.segments = timeline(self.practices)
        self.spent = [0.0] * len(self.practices)
        self.last = self.start
        if not self.segments:
            self.state = "finished"

    # --- time ---------------------------------------------------------------

    def tick(self, now: float) -> None:
        delta = max(0.0, now - self.last)
        self.last = now
        if self.state != "running":
            return
        while delta > 0 and self.state == "running":
            seg = self.segments[self.index]
            left = seg.seconds - self.elapsed
            if delta < left:
                self.elapsed += delta
                self.spent[seg.practice] += delta
                return
            self.spent[seg.practice] += left
            delta -= left
            self._advance(self.index + 1)

    def _advance(self, to: int) -> None:
        if to >= len(self.segments):
            self.index = len(self.segments) - 1
            self.elapsed = self.segments[self.index].seconds
            self.state = "finished"
            return
        before = self.segments[self.index]
        after = self.segments[to]
        if (before.practice, before.step, before.side) != (after.practice, after.step, after.side) or to == 0:
            self.changes += 1
        self.index = to
        self.elapsed = 0.0

    # --- keys ---------------------------------------------------------------

    def press(self, key: str, now: float) -> None:
        self.tick(now)
        if self.state in ("finished", "stopped"):
            return
        if key == " ":
            self.state = "paused" if self.state == "running" else "running"
        elif key in ("q", "\x03"):
            self.state = "stopped"
        elif key == "n":
            self._advance(self._next(lambda s, c: (s.practice, s.step, s.side) != (c.practice, c.step, c.side)))
        elif key == "s":
            self._advance(self._next(lambda s, c: s.practice != c.practice))

    def _next(self, differs: object) -> int:
        current = self.segments[self.index]
        for i in range(self.index + 1, len(self.segments)):
            if differs(self.segments[i], current):  # type: ignore[operator]
                return i
        return len(self.segments)

    # --- what was done ------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.state in ("finished", "stopped")

    def record(self) -> list[tuple[str, int]]:
        """(practice id, whole seconds spent) for every practice that was begun (at least 1 s)."""
        return [(p.id, max(1, round(secs))) for p, secs in zip(self.practices, self.spent, strict=True) if secs > 0]

    def total_spent(self) -> int:
        return sum(secs for _, secs in self.record())

    def view(self) -> View:
        seg = self.segments[self.index]
        remaining = max(0.0, seg.seconds - self.elapsed)
        fraction = 0.0 if seg.seconds <= 0 else min(1.0, self.elapsed / seg.seconds)
        later = sum(s.seconds for s in self.segments[self.index + 1 :])
        later_here = sum(s.seconds for s in self.segments[self.index + 1 :] if s.practice == seg.practice)
        total = sum(s.seconds for s in self.segments)
        return View(
            state=self.state,
            practice=self.practices[seg.practice],
            practice_no=seg.practice + 1,
            practices=len(self.practices),
            segment=seg,
            remaining=remaining,
            fraction=fraction,
            practice_left=remaining + later_here,
            session_left=remaining + later,
            session_total=total,
            next_text=self._coming(),
            fill=seg.fill_from + (seg.fill_to - seg.fill_from) * fraction,
        )

    def _coming(self) -> str | None:
        current = self.segments[self.index]
        for seg in self.segments[self.index + 1 :]:
            if seg.practice != current.practice:
                return f"Next: {self.practices[seg.practice].name}"
            if seg.phase is None and seg.step == current.step and seg.side != current.side and seg.side in SIDE_WORDS:
                return f"Then: the same on the {seg.side} side"
            if seg.phase is None and seg.step != current.step:
                side = f"{SIDE_WORDS[seg.side]}: " if seg.side in SIDE_WORDS else ""
                return f"Then: {side}{_first_sentence(seg.text)}"
            if seg.phase is not None and current.phase is None:
                return "Then: the breathing pacer"
        return None


def _first_sentence(text: str, limit: int = 90) -> str:
    """What comes next, in a line: the step's first sentence, shortened if need be."""
    first = text.split(". ")[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
