"""`selfcare nudge`: what a reminder's schedule runs.

It gathers the log's facts for the moment, asks `habit.decide`, and when a
nudge is due shows it through `send` (see selfcare.notify). With no
notification service the nudge is left for `selfcare status` instead. Either
way the slot is recorded as nudged, so a slot never nudges twice, even when
two nudges run at once (a lock file serialises them).

State, in the data folder: `nudges.json` holds the slots nudged in the last
few days and the nudge left for the status line.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from . import habit
    from .models import Profile
    from .store import Store

KEEP_DAYS = 3  # how long a nudged slot is remembered


class Outcome(NamedTuple):
    decision: habit.Decision
    notice: habit.Notice | None
    shown_by: str | None  # how it was shown; None when it was left for the status line


class PlanSummary(NamedTuple):
    """The plan a suggested command would start: its size and first practice."""

    practices: int
    seconds: int
    first: str | None


def state_file(data_dir: Path) -> Path:
    return data_dir / "nudges.json"


def read_state(path: Path) -> dict[str, Any]:
    """{"sent": [slot, ...], "pending": {...} | None}; a missing or damaged file reads as empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("sent"), list):
            pending = data.get("pending")
            return {"sent": [str(s) for s in data["sent"]], "pending": pending if isinstance(pending, dict) else None}
    except (OSError, ValueError):
        pass
    return {"sent": [], "pending": None}


def pending(path: Path) -> dict[str, Any] | None:
    """The nudge left for the status line, if any."""
    found = read_state(path)["pending"]
    return found if isinstance(found, dict) else None


def _write_state(path: Path, state: dict[str, Any], today: date) -> None:
    from .paths import atomic_write

    oldest = (today - timedelta(days=KEEP_DAYS)).isoformat()
    state["sent"] = [s for s in state["sent"] if s[:10] >= oldest]
    atomic_write(path, json.dumps(state, ensure_ascii=False) + "\n")


class _Lock:
    """An exclusive lock on a private file next to the state, held for one nudge."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = -1

    def __enter__(self) -> _Lock:
        import fcntl
        import os

        from .paths import ensure_private_dir

        ensure_private_dir(self.path.parent)
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        import os

        os.close(self.fd)  # closing releases the lock


def facts(store: Store | None, moment: datetime, profile: Profile) -> habit.Facts:
    """The log's facts for the day `moment` counts for (streak by reports.streak, as everywhere)."""
    from . import habit
    from .days import day_of

    day = day_of(moment, profile.day_starts_at)
    if store is None:
        return habit.facts_for(moment, profile.day_starts_at, {}, set(), 0)
    from . import reports

    key = day.isoformat()
    streak = reports.streak(store, day, profile.days_per_week)
    totals = {d: secs for d, (_, secs) in store.day_totals(key, key).items()}
    rest = {r.day for r in store.rest_days() if r.day == key}
    today = store.sessions(key, key)
    last = datetime.fromisoformat(today[0].logged_at) if today else None
    return habit.facts_for(moment, profile.day_starts_at, totals, rest, streak.current, last)


def run(
    state: Path,
    reminders: list[habit.Reminder],
    profile: Profile,
    facts: habit.Facts,
    moment: datetime,
    plan: Callable[[int], PlanSummary],
    send: Callable[[habit.Notice], str | None],
    *,
    dry_run: bool = False,
) -> Outcome:
    """Decide, show, record: at most one nudge per slot. `plan(minutes)` sums up the plan the
    suggested command would start; `send` shows a notice and says how, or None."""
    from . import habit

    with _locked(state):
        current = read_state(state)
        decision = habit.decide(
            reminders, profile.minutes, profile.quiet_hours, facts, moment, frozenset(current["sent"])
        )
        if decision.nudge is None:
            if decision.why in ("done", "rest-day", "minutes-done") and current["pending"] and not dry_run:
                current["pending"] = None  # the status line's reminder no longer holds
                _write_state(state, current, facts.day)
            return Outcome(decision, None, None)
        summary = plan(decision.nudge.minutes)
        notice = habit.words(decision.nudge, summary.practices, summary.seconds, summary.first)
        if dry_run:
            return Outcome(decision, notice, None)
        shown_by = send(notice)
        current["sent"].append(decision.slot)
        current["pending"] = (
            None
            if shown_by
            else {"day": decision.nudge.day, "slot": decision.slot, "text": notice.body, "command": notice.command}
        )
        _write_state(state, current, facts.day)
        return Outcome(decision, notice, shown_by)


def _locked(state: Path) -> _Lock:
    return _Lock(state.with_name(".nudges.lock"))
