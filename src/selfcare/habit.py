"""The habit loop's rules: reminders, quiet hours, and whether a nudge is due.

A reminder is `at` a time (on chosen weekdays), `every` N minutes between two
times (micro-breaks), or `evening` at a time (only while the day has nothing).
Each time it fires is a *slot*; `decide` says whether the slot that is current
at a moment deserves a nudge:

- nothing on a rest day, nor inside the quiet hours;
- `at` and `evening`: nothing once the day counts (one session, the streak rule);
- `every`: breaks add up to the day's practice, so nothing once the day's
  logged minutes reach the profile's `minutes`, and nothing when a session
  was logged since the previous break;
- never a second nudge for a slot that had one.

The current slot is the latest time of any reminder at or before the moment on
the same calendar date and weekday; with no reminder at all (a nudge run by
hand) the slot is the whole day. Slots are wall-clock times, so a clock change
neither skips a slot nor repeats one. The day a moment counts for is
`days.day_of`. Pure: no clock, no files.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from .days import day_of
from .errors import SelfcareError
from .records import NamedTuple

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS = tuple(range(7))
KINDS = ("at", "every", "evening")
EVERY_RANGE = (15, 240)  # minutes between micro-breaks
EVENING_MINUTES = 3  # what the evening nudge asks for: enough to keep the day
BREAK_MINUTES = 1  # a micro-break: a practice of 30-90 s
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_EVERY = re.compile(r"^(\d+)\s*(m|min|mins|minutes?|h|hours?)?$")


# --- words ------------------------------------------------------------------


def parse_clock(value: str, what: str) -> str:
    """'8:30' -> '08:30'; raises SelfcareError naming `what`."""
    match = _CLOCK.match(str(value).strip())
    if not match:
        raise SelfcareError(f"{what} must be a time like 08:30, not '{value}'")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_span(value: str, what: str, *, wrap: bool) -> str:
    """'09:00-17:00' -> '09:00-17:00'; with `wrap`, a span may run past midnight (21:30-07:30)."""
    text = str(value).strip().replace("–", "-")  # an en dash, as the docs write spans
    parts = text.split("-")
    if len(parts) != 2:
        raise SelfcareError(f"{what} must be two times like 09:00-17:00, not '{value}'")
    start, end = (parse_clock(p, what) for p in parts)
    if start == end:
        raise SelfcareError(f"{what} must start and end at different times, not '{value}'")
    if not wrap and end < start:
        raise SelfcareError(f"{what} must end after it starts (within one day), not '{value}'")
    return f"{start}-{end}"


def parse_quiet_hours(value: str) -> str:
    """The profile's quiet_hours: a span such as 21:30-07:30, or 'none' for none."""
    if str(value).strip().lower() in ("", "none", "off", "-"):
        return ""
    return parse_span(value, "quiet_hours", wrap=True)


def parse_days(value: str) -> tuple[int, ...]:
    """'mon-fri', 'mon,wed,fri', 'weekdays', 'weekends', 'daily' -> weekday numbers (Monday 0)."""
    text = str(value).strip().lower()
    named = {"daily": ALL_DAYS, "all": ALL_DAYS, "weekdays": (0, 1, 2, 3, 4), "weekends": (5, 6)}
    if text in named:
        return named[text]
    found: set[int] = set()
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            continue
        ends = [e.strip()[:3] for e in part.split("-")]
        if len(ends) > 2 or any(e not in WEEKDAYS for e in ends):
            raise SelfcareError(
                f"--days must be weekdays like mon-fri or mon,wed,fri (or daily, weekdays, weekends), not '{value}'"
            )
        first, last = WEEKDAYS.index(ends[0]), WEEKDAYS.index(ends[-1])
        day = first
        while True:  # sat-mon wraps through the weekend
            found.add(day)
            if day == last:
                break
            day = (day + 1) % 7
    if not found:
        raise SelfcareError(f"--days must name at least one weekday, not '{value}'")
    return tuple(sorted(found))


def parse_every(value: str) -> int:
    """'60m', '90', '1h' -> minutes between breaks."""
    match = _EVERY.match(str(value).strip().lower())
    lo, hi = EVERY_RANGE
    if not match:
        raise SelfcareError(f"every must be minutes like 60m (or hours like 2h), not '{value}'")
    minutes = int(match.group(1)) * (60 if (match.group(2) or "m").startswith("h") else 1)
    if not lo <= minutes <= hi:
        raise SelfcareError(f"every must be from {lo} to {hi} minutes, not {minutes}")
    return minutes


def days_words(days: tuple[int, ...]) -> str:
    """(0, 1, 2, 3, 4) -> 'mon-fri'; the form parse_days reads back."""
    if tuple(days) == ALL_DAYS:
        return "daily"
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}" for r in runs)


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- reminders ----------------------------------------------------------------


class Reminder(NamedTuple):
    kind: str  # "at" | "every" | "evening"
    times: tuple[str, ...]  # the HH:MM it fires at, in order
    days: tuple[int, ...] = ALL_DAYS  # weekdays it fires on, Monday 0
    every: int | None = None  # minutes between breaks ("every")
    between: str | None = None  # "09:00-17:00" ("every")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "times": list(self.times),
            "days": days_words(self.days),
            "every": self.every,
            "between": self.between,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reminder:
        """The reverse of to_dict; raises SelfcareError for anything else."""
        kind = data.get("kind")
        if kind not in KINDS:
            raise SelfcareError(f"unknown reminder kind '{kind}'")
        if kind == "every":
            return every(str(data.get("every")), str(data.get("between")), str(data.get("days", "daily")))
        times = data.get("times")
        if not isinstance(times, list) or len(times) != 1:
            raise SelfcareError(f"reminder '{kind}' must have one time")
        return at(str(times[0]), str(data.get("days", "daily")), kind=kind)


def at(clock: str, days: str = "daily", *, kind: str = "at") -> Reminder:
    """`remind at 08:30 --days mon-fri` (and `remind evening 20:00`)."""
    return Reminder(kind, (parse_clock(clock, "the time"),), parse_days(days))


def every(interval: str, between: str, days: str = "daily") -> Reminder:
    """`remind every 60m --between 09:00-17:00`: a break every interval after the start, up to the end."""
    minutes = parse_every(interval)
    span = parse_span(between, "--between", wrap=False)
    start, end = (_minutes(c) for c in span.split("-"))
    times = tuple(_clock(t) for t in range(start + minutes, end + 1, minutes))
    if not times:
        raise SelfcareError(f"--between {span} is shorter than one interval of {minutes} minutes")
    return Reminder("every", times, parse_days(days), minutes, span)


def in_span(clock: time, span: str) -> bool:
    """Whether a wall-clock time falls in a span (start included, end not); spans may wrap midnight."""
    if not span:
        return False
    start, end = (_minutes(c) for c in span.split("-"))
    t = clock.hour * 60 + clock.minute
    return start <= t < end if start < end else (t >= start or t < end)


def quiet_slots(reminder: Reminder, quiet_hours: str) -> tuple[str, ...]:
    """The reminder's times that fall in the quiet hours (they will never nudge)."""
    return tuple(t for t in reminder.times if in_span(time.fromisoformat(t), quiet_hours))


# --- the decision -------------------------------------------------------------


class Facts(NamedTuple):
    """What the log says about the day a moment counts for."""

    day: date
    done: bool  # a session counts for the day
    minutes_done: float  # minutes logged for the day
    streak: int  # the current streak (stats.current_streak)
    rest: bool  # the day is a rest day
    last_logged: datetime | None = None  # the newest session's moment


class Nudge(NamedTuple):
    """A reminder that is due: data, turned into words by `words`."""

    kind: str  # a reminder kind, or "now" for a nudge run by hand with no slot
    slot: str  # e.g. "2026-11-27T20:00 evening"; one nudge per slot
    day: str
    streak: int
    minutes: int  # the minutes the suggested command asks for


class Decision(NamedTuple):
    nudge: Nudge | None
    why: str  # "due", "rest-day", "done", "minutes-done", "practised-since", "quiet-hours", "sent"
    slot: str


def current_slot(reminders: list[Reminder], moment: datetime) -> tuple[Reminder | None, str]:
    """(the reminder whose time is the latest at or before `moment` today, its slot key);
    (None, the day's key) when there is none."""
    wall = moment.time().replace(second=0, microsecond=0)
    best: tuple[str, Reminder] | None = None
    for reminder in reminders:
        if moment.weekday() not in reminder.days:
            continue
        for clock in reminder.times:
            if time.fromisoformat(clock) <= wall and (best is None or clock > best[0]):
                best = (clock, reminder)
    if best is None:
        return None, f"{moment.date().isoformat()} now"
    return best[1], f"{moment.date().isoformat()}T{best[0]} {best[1].kind}"


def decide(
    reminders: list[Reminder],
    profile_minutes: int,
    quiet_hours: str,
    facts: Facts,
    moment: datetime,
    sent: set[str] | frozenset[str],
) -> Decision:
    """Whether a nudge is due at `moment`, and what it is about (see the module's rules)."""
    reminder, slot = current_slot(reminders, moment)
    kind = reminder.kind if reminder else "now"
    if facts.rest:
        return Decision(None, "rest-day", slot)
    if kind == "every":
        if facts.minutes_done >= profile_minutes:
            return Decision(None, "minutes-done", slot)
        assert reminder is not None and reminder.every is not None
        if facts.last_logged is not None and moment - facts.last_logged < timedelta(minutes=reminder.every):
            return Decision(None, "practised-since", slot)
    elif facts.done:
        return Decision(None, "done", slot)
    if in_span(moment.time(), quiet_hours):
        return Decision(None, "quiet-hours", slot)
    if slot in sent:
        return Decision(None, "sent", slot)
    minutes = {"every": BREAK_MINUTES, "evening": EVENING_MINUTES}.get(kind, profile_minutes)
    nudge = Nudge(kind, slot, facts.day.isoformat(), facts.streak, minutes)
    return Decision(nudge, "due", slot)


def facts_for(
    moment: datetime,
    day_starts_at: str,
    day_seconds: dict[str, int],
    rest_days: set[str],
    streak: int,
    last_logged: datetime | None = None,
) -> Facts:
    """Facts from the log's numbers: seconds logged per day, rest days, the current streak."""
    day = day_of(moment, day_starts_at)
    key = day.isoformat()
    seconds = day_seconds.get(key)
    return Facts(
        day=day,
        done=seconds is not None,
        minutes_done=(seconds or 0) / 60,
        streak=streak,
        rest=key in rest_days and seconds is None,
        last_logged=last_logged,
    )


# --- words ----------------------------------------------------------------------


class Notice(NamedTuple):
    title: str
    body: str
    command: str


def words(nudge: Nudge, practices: int, seconds: int, first_practice: str | None) -> Notice:
    """The notification for a nudge. `practices`, `seconds` and `first_practice` describe the
    plan the suggested command would start (worked out by the caller), so the words are true of it."""
    length = _length(seconds)
    if practices == 0:
        return Notice("selfcare", "Nothing logged today yet.", "selfcare today")
    if nudge.kind == "every":
        body = f"{first_practice}, {length}." if practices == 1 and first_practice else f"{length} of practice."
        return Notice("selfcare: a micro-break", body, f"selfcare start --minutes {nudge.minutes}")
    if nudge.kind == "evening":
        if nudge.streak:
            body = f"{nudge.streak}-day streak — {length} of practice keeps it."
        else:
            body = f"Nothing logged today — {length} of practice still counts."
        return Notice("selfcare", body, f"selfcare start --minutes {nudge.minutes}")
    count = f"{practices} practice{'s' if practices != 1 else ''}"
    body = f"Today's routine is ready: {count}, {length}."
    if nudge.streak:
        body += f" It keeps your {nudge.streak}-day streak."
    return Notice("selfcare", body, "selfcare start")


def _length(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
