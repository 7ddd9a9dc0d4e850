"""The guided session as a state machine, driven by an injected clock and keys.

A plan becomes a timeline of segments: a card before a practice that has
cautions for this person (it waits for a key), then each step (once per side,
once per repeat) and, for breathing, each phase of each cycle; for an
exercise, each phase of each repetition ("rep 3 of 8": move, hold, ease
back), set by set and side by side, with a rest between sets.
`Guide.tick(now)` moves through it by the clock alone; `Guide.press(key, now)`
handles space (pause/resume), n (next step), s (skip the practice), q or
Ctrl-C (stop), and any key on a card (begin).

What is logged is what happened: each practice's real seconds, and whether
it was played to its end ("done"), begun but not ("partial": stopped, or
hurried through with n in less than half its time) or skipped with s.
Nothing here draws or sleeps: the terminal layer asks `view()` what to show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from .models import Caution, Practice, Reps

SIDE_WORDS = {"left": "Left side", "right": "Right side"}
PHASE_WORDS = {"inhale": "Breathe in", "top-up": "A little more in", "hold": "Hold", "exhale": "Breathe out"}
REP_WORDS = {"move": "Move", "hold": "Hold", "ease": "Ease back"}
REST = "rest"
REST_TEXT = "Rest. Let your arms and legs go loose and breathe easily."


CARD = "card"
DONE_SHARE = 0.5  # a practice hurried through in less than this share of its time is "partial", not "done"


@dataclass(frozen=True)
class Segment:
    practice: int  # index into the plan's practices
    step: int  # index of the step (a whole pacer counts as one step); -1 for a card
    text: str
    seconds: float
    side: str | None = None
    phase: str | None = None  # breathing: inhale, top-up, hold, exhale; or "card"
    cycle: int = 0
    cycles: int = 0
    fill_from: float = 0.0  # the pacer bar's level at the start of the phase...
    fill_to: float = 0.0  # ...and at its end
    rep: int = 0  # an exercise: the repetition, 1 to reps (0: not a repetition)...
    reps: int = 0
    set: int = 0  # ...and the set, 1 to sets (a rest between sets has the set that comes next)
    sets: int = 0


def timeline(practices: Iterable[Practice], cards: Sequence[Sequence[Caution]] = ()) -> list[Segment]:
    segments: list[Segment] = []
    for index, p in enumerate(practices):
        if index < len(cards) and cards[index]:
            segments.append(Segment(index, -1, "", 0.0, phase=CARD))
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
        if p.reps is not None:
            segments += _repetitions(index, step_no, p.reps)
    return segments


def _repetitions(index: int, step_no: int, reps: Reps) -> list[Segment]:
    """An exercise's sets: each repetition's phases, side by side, a rest between sets.

    Each set (and each side of it) is a step of its own, so n moves on to the
    next side, set or rest; the bar fills as the body moves, stays full while
    it holds, and empties as it eases back.
    """
    levels = {"move": (0.0, 1.0), "hold": (1.0, 1.0), "ease": (1.0, 0.0)}
    sides = ("left", "right") if reps.side == "both" else (reps.side,)
    out: list[Segment] = []
    for number in range(1, reps.sets + 1):
        if number > 1:
            out.append(Segment(index, step_no, REST_TEXT, float(reps.rest), phase=REST, set=number, sets=reps.sets))
            step_no += 1
        for side in sides:
            for rep in range(1, reps.per_set + 1):
                for name, secs in reps.phases():
                    start, end = levels[name]
                    out.append(
                        Segment(
                            index,
                            step_no,
                            reps.text,
                            float(secs),
                            side=side,
                            phase=name,
                            fill_from=start,
                            fill_to=end,
                            rep=rep,
                            reps=reps.per_set,
                            set=number,
                            sets=reps.sets,
                        )
                    )
            step_no += 1
    return out


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
    count: int = 1  # the pacer's count within a phase: 1, 2, ... up to the phase's seconds (never 0)
    cautions: tuple[Caution, ...] = ()  # on a card: what to read before the practice


class Done(NamedTuple):
    """One practice of a guided session as it happened."""

    practice: str
    seconds: int
    status: str  # "done" | "partial" | "skipped"


@dataclass
class Guide:
    practices: list[Practice]
    start: float
    cards: Sequence[Sequence[Caution]] = ()  # per practice: the cautions to show before it (empty: no card)
    segments: list[Segment] = field(init=False)
    index: int = field(init=False, default=0)
    elapsed: float = field(init=False, default=0.0)  # in the current segment
    state: str = field(init=False, default="running")  # running, paused, finished, stopped
    spent: list[float] = field(init=False)
    last: float = field(init=False)
    changes: int = field(init=False, default=0)  # step changes so far, for the bell
    skipped: set[int] = field(init=False, default_factory=set)  # practices skipped with s
    ended: set[int] = field(init=False, default_factory=set)  # practices whose last step was reached and passed

    def __post_init__(self) -> None:
        self.segments = timeline(self.practices, self.cards)
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
            if seg.phase == CARD:
                return  # a card waits for a key
            left = seg.seconds - self.elapsed
            if delta < left:
                self.elapsed += delta
                self.spent[seg.practice] += delta
                return
            self.spent[seg.practice] += left
            delta -= left
            self._advance(self.index + 1)

    def _advance(self, to: int) -> None:
        before = self.segments[self.index]
        leaving = to >= len(self.segments) or self.segments[to].practice != before.practice
        if leaving and before.practice not in self.skipped and before.phase != CARD:
            self.ended.add(before.practice)
        if to >= len(self.segments):
            self.index = len(self.segments) - 1
            self.elapsed = self.segments[self.index].seconds
            self.state = "finished"
            return
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
        on_card = self.segments[self.index].phase == CARD
        if key in ("q", "\x03"):
            self.state = "stopped"
        elif key == "s":
            self.skipped.add(self.segments[self.index].practice)
            self._advance(self._next(lambda s, c: s.practice != c.practice))
        elif on_card:
            self.state = "running"
            self._advance(self.index + 1)  # any other key begins the practice
        elif key == " ":
            self.state = "paused" if self.state == "running" else "running"
        elif key == "n":
            self._advance(self._next(lambda s, c: (s.practice, s.step, s.side) != (c.practice, c.step, c.side)))

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

    def record(self) -> list[Done]:
        """Every practice begun or skipped, with its real seconds and what became of it.

        Done: played to its end with at least half its time spent. Partial: begun
        but stopped, or hurried through. Skipped: s was pressed in it. Practices
        never reached are not in the record.
        """
        out = []
        for i, (p, secs) in enumerate(zip(self.practices, self.spent, strict=True)):
            if i in self.skipped:
                out.append(Done(p.id, round(secs), "skipped"))
            elif secs > 0:
                full = sum(s.seconds for s in self.segments if s.practice == i)
                status = "done" if i in self.ended and secs >= DONE_SHARE * full else "partial"
                out.append(Done(p.id, max(1, round(secs)), status))
        return out

    def total_spent(self) -> int:
        """Seconds of practice done or begun (time on skipped practices is not practice)."""
        return sum(d.seconds for d in self.record() if d.status != "skipped")

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
            count=min(max(1, math.ceil(self.elapsed + 1e-9)), max(1, round(seg.seconds))),
            cautions=tuple(self.cards[seg.practice]) if seg.phase == CARD else (),
        )

    def _coming(self) -> str | None:
        current = self.segments[self.index]
        for seg in self.segments[self.index + 1 :]:
            if seg.practice != current.practice:
                return f"Next: {self.practices[seg.practice].name}"
            if current.phase == REST and seg.rep:
                side = f" ({seg.side} side)" if seg.side in SIDE_WORDS else ""
                return f"Then: set {seg.set} of {seg.sets}{side}"
            if current.rep and seg.phase == REST:
                return f"Then: a rest before set {seg.set} of {seg.sets}"
            if current.rep and seg.rep and seg.side != current.side and seg.side in SIDE_WORDS:
                return f"Then: the same on the {seg.side} side"
            if current.rep:
                continue
            if seg.rep and current.phase is None:
                return f"Then: {_first_sentence(seg.text)}"
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
