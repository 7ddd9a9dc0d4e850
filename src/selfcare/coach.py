"""Listening to the log: feedback for the planner, progression, and red flags.

- A practice after which pain or stress fell is drawn more often, and its
  reason says so ("helped your neck: 5 → 3 on 20 Nov").
- A physical practice (massage or stretch) in a session that ended with more
  pain than it began, or marked too intense, is rested for REST_DAYS and
  replaced; the replacement's reason says why.
- A practice not done for LONG_UNUSED_DAYS comes back for variety; one done
  yesterday is drawn less often today.
- After about two weeks of regular practice, stretch holds and breathing
  cycles grow (planner.progressed keeps them within CONTENT.md's limits).
- Red flags (CONTENT.md's design rules) are checked for every new session.

Everything is a function of the log and the day, so a plan stays the same all
day and is reproducible.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from .models import AREAS, Flag, Plan, Request, Session
from .planner import History, plan

if TYPE_CHECKING:
    from .library import Library
    from .store import Store

FEEDBACK_DAYS = 28
REST_DAYS = 14
LONG_UNUSED_DAYS = 21
VARIETY_WINDOW_DAYS = 120  # how far back "not done for a while" looks
HELPED_WEIGHT = 2.5
UNUSED_WEIGHT = 1.5
YESTERDAY_WEIGHT = 0.25
REGULAR_DAYS = 10  # active days out of 14 that make "regular practice"
PHYSICAL = ("massage", "stretch")
HIGH_PAIN = 7


def _short(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.day} {d:%b}"


class Progression(NamedTuple):
    level: float  # 1.0 = as written
    active_recent: int  # active days in the last 14
    active_before: int  # active days in the 14 before that

    @property
    def message(self) -> str | None:
        if self.level <= 1.0:
            return None
        return (
            f"holds and breath counts have grown ({self.level:.2f}×): you practised on "
            f"{self.active_recent} of the last 14 days"
        )


def progression(store: Store, day: date) -> Progression:
    recent = store.day_totals((day - timedelta(days=13)).isoformat(), day.isoformat())
    before = store.day_totals((day - timedelta(days=27)).isoformat(), (day - timedelta(days=14)).isoformat())
    level = 1.0
    if len(recent) >= REGULAR_DAYS:
        level = 1.5 if len(before) >= REGULAR_DAYS else 1.25
    return Progression(level, len(recent), len(before))


def history(store: Store, library: Library, day: date) -> History:
    """What the planner should weigh today, from the log up to yesterday."""
    since = (day - timedelta(days=FEEDBACK_DAYS)).isoformat()
    until = (day - timedelta(days=1)).isoformat()
    weights: dict[str, float] = {}
    reasons: dict[str, str] = {}
    rested: dict[str, str] = {}
    helped: dict[str, tuple[float, str]] = {}
    for s in store.rated_sessions(since, until):
        kinds = {pid: library.practices[pid].kind for pid in s.practices if pid in library.practices}
        recent = s.day >= (day - timedelta(days=REST_DAYS)).isoformat()
        worse = s.pain_before is not None and s.pain_after is not None and s.pain_after > s.pain_before
        for pid in s.too_intense:
            if recent:
                rested[pid] = f"marked too intense on {_short(s.day)}"
        if worse and recent:
            for pid, kind in kinds.items():
                if kind in PHYSICAL:
                    rested[pid] = f"pain rose after it on {_short(s.day)}: {s.pain_before} → {s.pain_after}"
        for pid in kinds:
            change = _fall(s)
            if change is not None and pid not in rested:
                what, before, after = change
                area = _area_word(library, pid)
                helped[pid] = (before - after, f"helped your {area}{what} on {_short(s.day)}: {before} → {after}")
    # Sessions without ratings can still mark a practice too intense.
    done_yesterday: set[str] = set()
    for s in store.sessions(since_day=(day - timedelta(days=REST_DAYS)).isoformat(), until_day=until):
        for pid in s.too_intense:
            rested.setdefault(pid, f"marked too intense on {_short(s.day)}")
        if s.day == until:
            done_yesterday.update(s.practices)
    for pid, (_gain, why) in helped.items():
        if pid not in rested:
            weights[pid] = HELPED_WEIGHT
            reasons[pid] = why
    for pid in done_yesterday:
        weights[pid] = weights.get(pid, 1.0) * YESTERDAY_WEIGHT  # a different mix today
    last = store.practice_last_days((day - timedelta(days=VARIETY_WINDOW_DAYS)).isoformat())
    cutoff = (day - timedelta(days=LONG_UNUSED_DAYS)).isoformat()
    for pid, last_day in last.items():
        if last_day < cutoff and pid not in weights and pid not in rested:
            weights[pid] = UNUSED_WEIGHT
            reasons[pid] = f"back for variety: last done {_short(last_day)}"
    for pid in rested:
        weights[pid] = 0.0
    level = progression(store, day).level
    grown = {p.id: level for p in library if p.kind in ("stretch", "breathing")} if level > 1 else {}
    return History(weights=weights, reasons=reasons, progression=grown, rested=rested)


def _fall(s: Session) -> tuple[str, int, int] | None:
    """(' pain' or ' stress', before, after) when a rating fell by 1 or more."""
    if s.pain_before is not None and s.pain_after is not None and s.pain_after < s.pain_before:
        return ("", s.pain_before, s.pain_after)
    if s.stress_before is not None and s.stress_after is not None and s.stress_after < s.stress_before:
        return (" stress", s.stress_before, s.stress_after)
    return None


def _area_word(library: Library, pid: str) -> str:
    p = library.get(pid)
    if p is None or not p.areas:
        return "body"
    return AREAS[p.areas[0]]


# --- red flags --------------------------------------------------------------

SEE = {
    "high-pain": "a doctor or physiotherapist",
    "worse-twice": "a physiotherapist or a licensed massage therapist, or a doctor if it keeps rising",
    "no-improvement": "a physiotherapist or doctor",
}


def _areas(library: Library, s: Session) -> set[str]:
    found: set[str] = set()
    for pid in s.practices:
        p = library.get(pid)
        if p is not None and p.kind in PHYSICAL:
            found.update(p.areas)
    return found


def red_flags(store: Store, library: Library, new: Session, since_day: str | None = None) -> list[Flag]:
    """The red flags a session just logged raises, looking back to `since_day` (all the log if None)."""
    flags: list[Flag] = []
    worst = max((v for v in (new.pain_before, new.pain_after) if v is not None), default=None)
    if worst is not None and worst >= HIGH_PAIN:
        flags.append(
            Flag(
                new.id,
                new.day,
                "high-pain",
                None,
                f"You logged pain of {worst}/10. Pain this strong is worth a check: see {SEE['high-pain']}. "
                "Stop at once and get care today for any symptom in 'selfcare red-flags'.",
            )
        )
    rated = [
        s
        for s in store.rated_sessions(since_day, until_day=new.day)
        if s.pain_before is not None and s.pain_after is not None
    ]
    for area in sorted(_areas(library, new)):
        with_area = [s for s in rated if area in _areas(library, s)]
        last_two = with_area[-2:]
        if len(last_two) == 2 and all(s.pain_after > s.pain_before for s in last_two):  # type: ignore[operator]
            flags.append(
                Flag(
                    new.id,
                    new.day,
                    "worse-twice",
                    area,
                    f"Pain in your {AREAS[area]} was higher after your last two sessions. Pause the practices "
                    f"for it and see {SEE['worse-twice']}.",
                )
            )
        flag = _no_improvement(store, area, with_area, new)
        if flag:
            flags.append(flag)
    return flags


def _no_improvement(store: Store, area: str, sessions: list[Session], new: Session) -> Flag | None:
    today = date.fromisoformat(new.day)
    start = today - timedelta(days=13)
    window = [s for s in sessions if s.day >= start.isoformat()]
    days_practised = {s.day for s in window}
    if len(days_practised) < REGULAR_DAYS or min(days_practised) > start.isoformat():
        return None  # not yet two weeks of regular practice for this area
    first = [s.pain_before for s in window if s.day < (start + timedelta(days=7)).isoformat()]
    last = [s.pain_before for s in window if s.day >= (start + timedelta(days=7)).isoformat()]
    if not first or not last:
        return None
    before, after = sum(first) / len(first), sum(last) / len(last)  # type: ignore[arg-type]
    if after < before or before == 0:
        return None
    recent = store.flags((today - timedelta(days=6)).isoformat(), today.isoformat())
    if any(f.rule == "no-improvement" and f.area == area for f in recent):
        return None  # said this week already
    return Flag(
        new.id,
        new.day,
        "no-improvement",
        area,
        f"After two weeks of regular practice, pain in your {AREAS[area]} has not eased "
        f"({before:.1f} → {after:.1f} on average). Pain that is not improving after about two weeks "
        f"is worth a check with {SEE['no-improvement']}.",
    )


def plan_for(store: Store | None, library: Library, request: Request, day: date) -> Plan:
    """Today's plan with the log's feedback (a plain plan when there is no log)."""
    facts = history(store, library, day) if store is not None else None
    return plan(library, request, day, facts)
