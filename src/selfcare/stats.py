"""Pure numbers over days: streaks, weeks, consistency, habit strength.

The rules, with worked examples, are in docs/rules.md:
- a day counts when at least one session is logged on it;
- the current streak is the run of counted days ending on the as-of day, or on
  the day before when the as-of day has nothing yet; rest days inside a run
  neither break it nor add to it; the longest streak follows the same rule;
- weeks start on Monday; `week_streak` counts consecutive finished weeks that
  met their target, plus the current week once it has. The target is a rate,
  `days_per_week` of 7 days: rest days take their share off it, so a week's
  target is days_per_week × (days not set aside) / 7, rounded to the nearest
  day (halves up). A week whose target comes to 0 (all rest) is skipped,
  neither breaking nor extending;
- habit strength is Loop Habit Tracker's score for a yes/no habit;
- consistency is active days over the window's days, leaving out rest days and
  the days before the first session ever logged.

Nothing here reads a clock: the as-of day is always given.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING

from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable


def _dates(days: Iterable[str | date]) -> set[date]:
    return {d if isinstance(d, date) else date.fromisoformat(d) for d in days}


class Streak(NamedTuple):
    as_of: str
    current: int
    longest: int
    done_today: bool
    days_per_week: int
    week_days_done: int
    week_target: int
    week_streak: int
    total_days: int
    last_days: tuple[tuple[str, str], ...]  # (day, "done" | "rest" | "missed" | "today" | "before")
    rest_today: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of,
            "current": self.current,
            "longest": self.longest,
            "done_today": self.done_today,
            "days_per_week": self.days_per_week,
            "week_days_done": self.week_days_done,
            "week_target": self.week_target,
            "week_streak": self.week_streak,
            "total_days": self.total_days,
            "last_days": [{"date": d, "mark": m} for d, m in self.last_days],
            "rest_today": self.rest_today,
        }


def current_streak(done: set[date], rest: set[date], as_of: date) -> int:
    day = as_of
    if day not in done:
        day -= timedelta(days=1)  # today is still open: the streak lives until it ends
    count = 0
    while True:
        if day in done:
            count += 1
        elif day not in rest:
            return count
        day -= timedelta(days=1)


def longest_streak(done: set[date], rest: set[date], as_of: date) -> int:
    best = run = 0
    previous: date | None = None
    for day in sorted(d for d in done | rest if d <= as_of):
        if previous is not None and day - previous != timedelta(days=1):
            run = 0
        if day in done:
            run += 1
            best = max(best, run)
        previous = day
    return best


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_target(week_start: date, rest: set[date], days_per_week: int) -> int:
    """days_per_week × open days / 7, rounded to the nearest day, halves up (in whole numbers, no floats)."""
    open_days = 7 - sum(1 for i in range(7) if week_start + timedelta(days=i) in rest)
    return (2 * days_per_week * open_days + 7) // 14


def week_streak(done: set[date], rest: set[date], as_of: date, days_per_week: int) -> int:
    this_week = monday(as_of)
    done_this_week = sum(1 for d in done if this_week <= d <= as_of)
    target = week_target(this_week, rest, days_per_week)
    streak = 1 if target > 0 and done_this_week >= target else 0
    first = min(done | rest, default=as_of)
    week = this_week - timedelta(days=7)
    while week + timedelta(days=6) >= first:
        target = week_target(week, rest, days_per_week)
        if target > 0:
            count = sum(1 for i in range(7) if week + timedelta(days=i) in done)
            if count < target:
                break
            streak += 1
        week -= timedelta(days=7)
    return streak


def streak(days: Iterable[str | date], rest_days: Iterable[str | date], as_of: date, days_per_week: int) -> Streak:
    done = {d for d in _dates(days) if d <= as_of}
    rest = {d for d in _dates(rest_days) if d <= as_of} - done
    this_week = monday(as_of)
    first = min(done, default=as_of)
    last = []
    for i in range(13, -1, -1):
        d = as_of - timedelta(days=i)
        if d in done:
            mark = "done"
        elif d in rest:
            mark = "rest"
        elif d == as_of:
            mark = "today"
        else:
            mark = "before" if d < first else "missed"  # days before the first session are not misses
        last.append((d.isoformat(), mark))
    return Streak(
        as_of=as_of.isoformat(),
        current=current_streak(done, rest, as_of),
        longest=longest_streak(done, rest, as_of),
        done_today=as_of in done,
        days_per_week=days_per_week,
        week_days_done=sum(1 for d in done if this_week <= d <= as_of),
        week_target=week_target(this_week, rest, days_per_week),
        week_streak=week_streak(done, rest, as_of, days_per_week),
        total_days=len(done),
        last_days=tuple(last),
        rest_today=as_of in rest,
    )


# A day this long before the one scored weighs less than 3e-10 in the habit strength
# ((0.5 ** (sqrt(1/7) / 13)) ** 1095 at one day a week, the slowest to forget): a caller may
# leave older days out, and a long log is not read whole for a figure shown to 1%.
HABIT_HORIZON_DAYS = 1095


def habit_strength(
    days: Iterable[str | date], rest_days: Iterable[str | date], as_of: date, days_per_week: int
) -> float:
    """Loop Habit Tracker's score for a yes/no habit, with rest days removed.

    f = days_per_week / 7. For f = 1 the window is one day and one session-day
    is needed; otherwise the window is 14 (non-rest) days and 2 x days_per_week
    are needed. Each day: v = min(1, done in window / needed), then
    score = score * m + v * (1 - m) with m = 0.5 ** (sqrt(f) / 13).
    """
    done = {d for d in _dates(days) if d <= as_of}
    if not done:
        return 0.0
    rest = _dates(rest_days) - done
    f = days_per_week / 7
    window, needed = (1, 1) if days_per_week >= 7 else (14, 2 * days_per_week)
    m = 0.5 ** (math.sqrt(f) / 13)
    score = 0.0
    recent: list[int] = []  # the window over remaining (non-rest) days
    in_window = 0
    day = min(done)
    while day <= as_of:
        if day not in rest:
            hit = 1 if day in done else 0
            recent.append(hit)
            in_window += hit
            if len(recent) > window:
                in_window -= recent.pop(0)
            v = min(1.0, in_window / needed)
            score = score * m + v * (1 - m)  # a weighted mean of the old score and v, both in [0, 1]
        day += timedelta(days=1)
    return score


def consistency(active_days: int, window_days: int, rest_in_window: int, before_first: int = 0) -> float:
    """Share of the window's days with a session, leaving out rest days and the days before the first session."""
    possible = window_days - rest_in_window - before_first
    if possible <= 0:
        return 0.0
    return active_days / possible
