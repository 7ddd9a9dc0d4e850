"""`selfcare status`: one short line for a prompt or a status bar.

It runs on every prompt, so it reads only what it needs: the profile (from its
JSON cache when fresh), the log through the one door (`store.open_store`,
never creating it), and the nudge left for it when no notification could be
shown. The day is `days.day_of`, the streak `reports.streak` (stats.streak),
as in every other command. No YAML, no Typer, no rich.

What the log says for a day is kept in the cache folder (status.json), keyed
on the day, the weekly target and the log's identity (the sizes and mtimes of
selfcare.db and its write-ahead log, as the plan cache does), so a prompt
drawn while the log has not changed opens no database at all.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .days import day_of
from .errors import SelfcareError
from .records import NamedTuple

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from .models import Profile

FLAG_DAYS = 7  # a red flag raised this recently is shown as waiting
CACHE_VERSION = 1
DONE_MARK = "✓"
FLAG_MARK = "⚑"
PLACEHOLDERS = {
    "line": "the default line",
    "streak": "the current streak in days",
    "done": f"{DONE_MARK} once today counts, else nothing",
    "minutes": "the minutes a day in your profile",
    "minutes_done": "the minutes logged today",
    "week": "days done this week / this week's target, e.g. 3/5",
    "flag": f"{FLAG_MARK} when a red flag was raised in the last {FLAG_DAYS} days, else nothing",
    "nudge": "the reminder left for the status line when no notification could be shown, else nothing",
}


class Status(NamedTuple):
    day: str
    done: bool
    rest: bool
    minutes: int  # the profile's minutes a day
    minutes_done: float
    streak: int
    week_days_done: int
    week_target: int
    flag: dict[str, Any] | None  # the latest red flag of the last FLAG_DAYS days
    nudge: dict[str, Any] | None  # a pending nudge for today: {"text", "command"}

    def line(self) -> str:
        parts = []
        if self.flag:
            parts.append(f"{FLAG_MARK} red flag")
        streak = f"{self.streak}-day streak" if self.streak else ""
        if self.done:
            done = round(self.minutes_done)
            parts += [f"{DONE_MARK} {done} min today" if done else f"{DONE_MARK} today", streak]
        elif self.rest:
            parts += ["rest day", streak]
        elif self.nudge:
            parts.append(str(self.nudge["text"]).rstrip("."))
        else:
            parts += [f"{self.minutes} min planned", streak]
        return " · ".join(p for p in parts if p)

    def values(self) -> dict[str, Any]:
        return {
            "line": self.line(),
            "streak": self.streak,
            "done": DONE_MARK if self.done else "",
            "minutes": self.minutes,
            "minutes_done": round(self.minutes_done),
            "week": f"{self.week_days_done}/{self.week_target}",
            "flag": FLAG_MARK if self.flag else "",
            "nudge": str(self.nudge["text"]) if self.nudge else "",
        }

    def to_dict(self, text: str) -> dict[str, Any]:
        """JSON for bars: waybar's text/tooltip/class, and the numbers."""
        streak = f"{self.streak}-day streak" if self.streak else "no streak yet"
        tooltip = [f"selfcare · {streak} · this week {self.week_days_done} of {self.week_target} days"]
        if self.done:
            tooltip.append(f"today: {round(self.minutes_done)} min logged")
        elif self.rest:
            tooltip.append("today is a rest day")
        elif self.nudge:
            tooltip.append(f"{self.nudge['text']} {self.nudge['command']}")
        else:
            tooltip.append(f"today: {self.minutes} min planned · selfcare start")
        if self.flag:
            tooltip.append(f"red flag on {self.flag['date']}: {self.flag['message']}")
        state = "flag" if self.flag else "done" if self.done else "rest" if self.rest else "todo"
        return {
            "text": text,
            "tooltip": "\n".join(tooltip),
            "class": state,
            "day": self.day,
            "done": self.done,
            "rest": self.rest,
            "streak": self.streak,
            "minutes": self.minutes,
            "minutes_done": round(self.minutes_done, 1),
            "week_days_done": self.week_days_done,
            "week_target": self.week_target,
            "flag": self.flag,
            "nudge": self.nudge,
        }


def gather(
    profile: Profile, db: Path, moment: datetime, pending: dict[str, Any] | None, cache: Path | None = None
) -> Status:
    """The status at `moment` from the log at `db` (absent: nothing logged yet)."""
    day = day_of(moment, profile.day_starts_at)
    key = day.isoformat()
    log = _log_facts(db, key, profile.days_per_week, cache)
    nudge = None
    if pending and pending.get("day") == key and not log["done"] and not log["rest"]:
        nudge = {"text": str(pending.get("text", "")), "command": str(pending.get("command", ""))}
    return Status(
        key,
        bool(log["done"]),
        bool(log["rest"]),
        profile.minutes,
        float(log["minutes_done"]),
        int(log["streak"]),
        int(log["week_days_done"]),
        int(log["week_target"]),
        log["flag"],
        nudge,
    )


def _log_facts(db: Path, day: str, days_per_week: int, cache: Path | None) -> dict[str, Any]:
    """What the log says about `day`: from the cache when the log is unchanged, else from the log."""
    from .plancache import log_state

    state = log_state(db)
    if state is None:  # no log yet
        return {
            "done": False,
            "rest": False,
            "minutes_done": 0.0,
            "streak": 0,
            "week_days_done": 0,
            "week_target": days_per_week,
            "flag": None,
        }
    wanted = [CACHE_VERSION, day, days_per_week, FLAG_DAYS, state]
    if cache is not None:
        from . import jsoncache

        kept = jsoncache.read(cache, wanted)
        if isinstance(kept, dict):
            return kept
    from datetime import date

    from . import reports
    from .store import open_store

    as_of = date.fromisoformat(day)
    with open_store(db, create=False) as store:
        result = reports.streak(store, as_of, days_per_week)
        totals = store.day_totals(day, day)
        flags = store.flags((as_of - timedelta(days=FLAG_DAYS - 1)).isoformat(), day)
    facts = {
        "done": result.done_today,
        "rest": result.last_days[-1][1] == "rest",
        "minutes_done": totals.get(day, (0, 0))[1] / 60,
        "streak": result.current,
        "week_days_done": result.week_days_done,
        "week_target": result.week_target,
        "flag": {"date": flags[-1].day, "message": flags[-1].message} if flags else None,
    }
    if cache is not None and log_state(db) == state:
        # Kept only when the log did not change while it was read (a write, a migration,
        # or the checkpoint SQLite runs when the last connection closes): the next
        # prompt then sees the same sizes and mtimes and finds these facts.
        from . import jsoncache

        jsoncache.write(cache, wanted, facts)
    return facts


def render(status: Status, fmt: str | None) -> str:
    """The line, or `fmt` with its placeholders filled; an unknown placeholder is bad input."""
    if fmt is None:
        return status.line()
    import string

    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None]
    except ValueError as exc:
        raise SelfcareError(f"--format '{fmt}' is not a valid format ({exc}); write {{{{ for a brace") from None
    for name in fields:
        if name not in PLACEHOLDERS:
            raise SelfcareError(
                f"--format: unknown placeholder {{{name}}}; use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
            )
    try:
        return fmt.format_map(status.values())
    except (ValueError, TypeError) as exc:
        raise SelfcareError(f"--format '{fmt}': {exc}") from None
