"""Listening to the log: feedback for the planner, limits after warnings, progression, and red flags.

- **Feedback** is what the data says and no more: for a practice, the rated
  sessions that included it (done, not marked too intense then or since),
  with pain (or stress) before and after. From MIN_FEEDBACK_SESSIONS such
  sessions on, a practice after which the rating fell is drawn more often,
  and its reason cites those sessions. A rating is asked once per session, so
  nothing is ever credited to an area.
- **Rests**: a practice marked too intense, and the hands-on practices of a
  session that ended with more pain than it began, rest for REST_DAYS. An
  exercise counted in repetitions steps back instead (see doses), and rests
  only when it has no step back left.
- **Limits that act**: a red flag about an area pauses that area's massage
  and stretches for LIMIT_DAYS, and pain logged at HIGH_PAIN or more limits
  the areas of that session (the profile's areas when it named none) to
  gentle practices for LIMIT_DAYS — each until the person clears it after
  seeing someone (`selfcare red-flags --clear AREA`). Breathing and
  meditation go on.
- **Variety**: a practice not done for LONG_UNUSED_DAYS comes back; one done
  yesterday is drawn less often today.
- **Progression**: after about two weeks of regular practice, stretch holds
  and breathing cycles grow (planner.progressed keeps them within limits).
  Each exercise has its own dose: after GROW_AFTER sessions on different days
  that went well (done in full, not marked too intense, pain not higher
  after), it grows a step (planner.dosed: more repetitions, then longer
  holds, within the guide's limits); a session that marked it too intense or
  ended with more pain than it began takes it a step back.
- **Red flags** (docs/content-guide.md) are checked for each new session and
  said once, when raised.

Everything is a function of the log and the day, so a plan stays the same all
day and is reproducible.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from .models import HANDS_ON, Dose, Excluded, Feedback, Flag, Limit, Plan, Request, Rest, Session
from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .library import Library
    from .models import Practice
    from .planner import History
    from .store import Store

FEEDBACK_DAYS = 60  # how far back feedback looks
MIN_FEEDBACK_SESSIONS = 3  # rated sessions needed before a practice is said to have helped
HELPED_WEIGHT = 2.5
REST_DAYS = 14
LIMIT_DAYS = 14
LONG_UNUSED_DAYS = 21
VARIETY_WINDOW_DAYS = 120  # how far back "not done for a while" looks
UNUSED_WEIGHT = 1.5
YESTERDAY_WEIGHT = 0.25
REGULAR_DAYS = 10  # active days out of 14 that make "regular practice" for progression
HIGH_PAIN = 7
FLAG_WINDOW_DAYS = 60  # how far back the red-flag rules look (the last two rated sessions of an area, four weeks)
NOT_EASING_SESSIONS = 4  # "not improving": at least this many rated sessions...
NOT_EASING_SPAN_DAYS = 14  # ...over at least this many days
SAID_AGAIN_AFTER_DAYS = 7  # a red flag of the same kind and area is not said twice within this
DOSE_WINDOW_DAYS = 42  # how far back an exercise's dose looks: six weeks away starts it afresh
GROW_AFTER = 3  # sessions on different days that went well before an exercise grows a step


def _iso(day: date) -> str:
    return day.isoformat()


class Progression(NamedTuple):
    level: float  # 1.0 = as written
    active_recent: int  # active days in the last 14
    exercises: tuple[Dose, ...] = ()  # exercises whose dose the log has grown or stepped back

    def to_dict(self) -> dict[str, object]:
        from .words import progression

        return {
            "level": self.level,
            "active_recent": self.active_recent,
            "exercises": [d.to_dict() for d in self.exercises],
            "message": progression(self),
        }


def progression(
    store: Store, day: date, library: Library | None = None, read: list[Session] | None = None
) -> Progression:
    """How far holds, breaths and exercise doses have grown; `read` may hold the sessions of the
    DOSE_WINDOW_DAYS to `day` already read (a report's window), so they are not read again."""
    recent = store.day_totals(_iso(day - timedelta(days=13)), _iso(day))
    before = store.day_totals(_iso(day - timedelta(days=27)), _iso(day - timedelta(days=14)))
    level = 1.0
    if len(recent) >= REGULAR_DAYS:
        level = 1.5 if len(before) >= REGULAR_DAYS else 1.25
    moved: tuple[Dose, ...] = ()
    if library is not None:
        since = _iso(day - timedelta(days=DOSE_WINDOW_DAYS))
        window = [s for s in read if s.day >= since] if read is not None else store.sessions(since, _iso(day))
        found, _ = doses(window, library)
        moved = tuple(sorted((d for d in found.values() if worth_saying(d, day)), key=lambda d: (d.name, d.practice)))
    return Progression(level, len(recent), moved)


# --- an exercise's dose --------------------------------------------------------------


def doses(sessions: Iterable[Session], library: Library) -> tuple[dict[str, Dose], dict[str, Rest]]:
    """Each exercise's dose after these sessions, and the exercises with no step back left that rest.

    Oldest first, per exercise counted in repetitions: a session that marked it
    too intense, or ended with more pain than it began, takes it a step back
    (down to MIN_DOSE_STEP; past that it rests, from that day); GROW_AFTER
    sessions on different days in which it was done in full without either
    grow it a step (never past the guide's limits, planner.max_dose_step).
    """
    ordered = sorted(sessions, key=lambda s: (s.day, s.logged_at))
    found: dict[str, Dose] = {}
    good: dict[str, list[str]] = defaultdict(list)
    rests: dict[str, Rest] = {}
    for s in ordered:
        rose = s.pain_before is not None and s.pain_after is not None and s.pain_after > s.pain_before
        for pid in dict.fromkeys(s.practices):
            p = library.get(pid)
            if p is None or p.reps is None:
                continue
            from .planner import MIN_DOSE_STEP, max_dose_step  # only when an exercise is met

            dose = found.get(pid)
            step = dose.step if dose else 0
            if pid in s.too_intense or rose:
                cause = "too-intense" if pid in s.too_intense else "pain-rose"
                pain = (s.pain_before, s.pain_after) if cause == "pain-rose" else (None, None)
                good[pid] = []
                if step <= MIN_DOSE_STEP:
                    until = _iso(date.fromisoformat(s.day) + timedelta(days=REST_DAYS))
                    rests[pid] = Rest(pid, cause, s.day, until, *pain)
                found[pid] = _dose(p, max(MIN_DOSE_STEP, step - 1), cause, s.day, 0, *pain)
            elif pid not in s.partial:
                if s.day not in good[pid]:
                    good[pid].append(s.day)
                if len(good[pid]) >= GROW_AFTER and step < max_dose_step(p):
                    found[pid] = _dose(p, step + 1, "went-well", s.day, len(good[pid]))
                    good[pid] = []
    return found, rests


def worth_saying(dose: Dose, day: date) -> bool:
    """A dose away from the written one; or back at it after a step back in the last REST_DAYS."""
    recent = dose.day > _iso(day - timedelta(days=REST_DAYS))
    return dose.step != 0 or (dose.cause != "went-well" and recent)


def _dose(
    p: Practice, step: int, cause: str, day: str, sessions: int, before: int | None = None, after: int | None = None
) -> Dose:
    from .planner import dosed

    assert p.reps is not None
    now = dosed(p, step).reps
    assert now is not None
    return Dose(
        p.id, p.name, step, now.per_set, p.reps.per_set, now.hold, p.reps.hold, cause, day, sessions, before, after
    )


# --- feedback -------------------------------------------------------------------


def physical_areas(library: Library, practice_ids: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for pid in practice_ids:
        p = library.get(pid)
        if p is not None and p.kind in HANDS_ON:
            found.update(p.areas)
    return found


def feedback(sessions: Iterable[Session], measure: str | None = None) -> dict[str, Feedback]:
    """Per practice, its rated sessions and the average rating before and after them.

    A session counts for a practice it included and played to its end (not
    skipped, not left partway), unless the practice was marked too intense in
    that session or in any later one. `measure` is "pain" or
    "stress"; without it, pain is used where a practice has pain ratings, else stress.
    """
    ordered = sorted(sessions, key=lambda s: (s.day, s.logged_at))
    too_intense_after: dict[str, str] = {}
    for s in ordered:
        for pid in s.too_intense:
            too_intense_after[pid] = s.day  # the last day it was marked
    rows: dict[tuple[str, str], list[Session]] = defaultdict(list)
    for s in ordered:
        for pid in dict.fromkeys(s.practices):
            if (
                pid in s.partial
                or pid in s.too_intense
                or (pid in too_intense_after and too_intense_after[pid] >= s.day)
            ):
                continue
            for what in ("pain", "stress"):
                if getattr(s, f"{what}_before") is not None and getattr(s, f"{what}_after") is not None:
                    rows[(pid, what)].append(s)
    out: dict[str, Feedback] = {}
    for (pid, what), rated in rows.items():
        if measure is not None and what != measure:
            continue
        if measure is None and what == "stress" and (pid, "pain") in rows:
            continue
        before = sum(getattr(s, f"{what}_before") for s in rated) / len(rated)
        after = sum(getattr(s, f"{what}_after") for s in rated) / len(rated)
        out[pid] = Feedback(pid, what, len(rated), round(before, 1), round(after, 1), rated[-1].day)
    return out


def helped(f: Feedback) -> bool:
    """Enough sessions, and the rating fell after them on average."""
    return f.sessions >= MIN_FEEDBACK_SESSIONS and f.after < f.before


# --- limits ---------------------------------------------------------------------


def limits(store: Store, library: Library, day: date, areas: tuple[str, ...]) -> dict[str, Limit]:
    """Areas paused after a red flag, or limited to gentle practices after high pain, on `day`."""
    since = _iso(day - timedelta(days=LIMIT_DAYS - 1))
    cleared = store.clears(since)  # area -> the last day it was cleared
    found: dict[str, Limit] = {}

    def put(limit: Limit) -> None:
        if cleared.get(limit.area, "") >= limit.since:
            return  # cleared after seeing someone
        held = found.get(limit.area)
        # A pause outranks a gentle-only limit; of two alike, the one that lasts longer stays.
        if held is None or (limit.kind == "paused", limit.until) > (held.kind == "paused", held.until):
            found[limit.area] = limit

    for flag in store.flags(since, _iso(day)):
        if flag.area and flag.rule in ("worse-twice", "no-improvement"):
            until = _iso(date.fromisoformat(flag.day) + timedelta(days=LIMIT_DAYS))
            put(Limit(flag.area, "paused", flag.rule, flag.day, until))
    for s in store.rated_sessions(since, _iso(day)):
        worst = max((v for v in (s.pain_before, s.pain_after) if v is not None), default=None)
        if worst is None or worst < HIGH_PAIN:
            continue
        until = _iso(date.fromisoformat(s.day) + timedelta(days=LIMIT_DAYS))
        for area in sorted(physical_areas(library, s.practices) or set(areas)):
            put(Limit(area, "gentle", "high-pain", s.day, until, pain=worst))
    return {a: lim for a, lim in found.items() if lim.until > _iso(day)}


# --- what the planner weighs ---------------------------------------------------------


def history(store: Store, library: Library, day: date, areas: tuple[str, ...] = ()) -> History:
    from .planner import History

    """What the planner should weigh today, from the log up to yesterday (limits up to today)."""
    until = _iso(day - timedelta(days=1))
    rest_since = _iso(day - timedelta(days=REST_DAYS))
    rated = store.rated_sessions(_iso(day - timedelta(days=FEEDBACK_DAYS)), until)
    rested: dict[str, Rest] = {}

    def steps_back(pid: str) -> bool:  # an exercise counted in repetitions steps back rather than rests
        p = library.get(pid)
        return p is not None and p.reps is not None

    for s in store.sessions(since_day=rest_since, until_day=until):
        rest_until = _iso(date.fromisoformat(s.day) + timedelta(days=REST_DAYS))
        for pid in s.too_intense:
            if not steps_back(pid):
                rested[pid] = Rest(pid, "too-intense", s.day, rest_until)
        worse = s.pain_before is not None and s.pain_after is not None and s.pain_after > s.pain_before
        if worse:
            for pid in s.practices:
                p = library.get(pid)
                if p is not None and p.kind in HANDS_ON and pid not in rested and not steps_back(pid):
                    rested[pid] = Rest(pid, "pain-rose", s.day, rest_until, s.pain_before, s.pain_after)
    dose_since = _iso(day - timedelta(days=DOSE_WINDOW_DAYS))
    moved, floored = doses(store.sessions(since_day=dose_since, until_day=until), library)
    for pid, r in floored.items():
        if r.until > _iso(day):
            rested.setdefault(pid, r)
    weights: dict[str, float] = {}
    found = {pid: f for pid, f in feedback(rated).items() if helped(f) and pid not in rested}
    for pid in found:
        weights[pid] = HELPED_WEIGHT
    for s in store.sessions(since_day=until, until_day=until):
        for pid in s.practices:
            weights[pid] = weights.get(pid, 1.0) * YESTERDAY_WEIGHT  # a different mix today
    last = store.practice_last_days(_iso(day - timedelta(days=VARIETY_WINDOW_DAYS)))
    cutoff = _iso(day - timedelta(days=LONG_UNUSED_DAYS))
    back = {pid: d for pid, d in last.items() if d < cutoff and pid not in weights and pid not in rested}
    for pid in back:
        weights[pid] = UNUSED_WEIGHT
    level = progression(store, day).level
    grown = {p.id: level for p in library if p.kind in ("stretch", "breathing")} if level > 1 else {}
    return History(
        weights=weights,
        feedback=found,
        last_done=back,
        progression=grown,
        doses={pid: d for pid, d in moved.items() if worth_saying(d, day)},
        rested=rested,
        limits=limits(store, library, day, areas),
    )


def plan_for(
    store: Store | None,
    library: Library,
    request: Request,
    day: date,
    chosen: tuple[str, ...] = (),
    routine: str | None = None,
) -> Plan:
    """Today's plan with the log's feedback (a plain plan when there is no log); with `chosen`
    practice ids (or a named `routine` of them), those, through the same rules."""
    facts = history(store, library, day, request.areas) if store is not None else None
    if chosen:
        from .planner import fixed

        return fixed(library, request, chosen, day, facts, routine=routine)
    from .planner import plan

    return plan(library, request, day, facts)


def unsuitable(
    store: Store, library: Library, request: Request, practice_ids: Iterable[str], day: date
) -> list[Excluded]:
    """The rules a person's plan would apply to these practices (for `log`, which records them anyway)."""
    from .planner import eligibility

    wanted = set(practice_ids)
    from .planner import History

    facts = History(limits=limits(store, library, day, request.areas))
    practices = [p for p in library if p.id in wanted]
    return [
        ex
        for ex in eligibility(practices, request, facts).excluded
        if ex.rule not in ("equipment", "gentler-variant", "rested")
    ]


# --- red flags --------------------------------------------------------------------


def red_flags(store: Store, library: Library, new: Session) -> list[Flag]:
    """The red flags a session just logged raises, each said once.

    `store` already holds `new` (flags are worked out in the transaction that
    stores it). A flag of the same rule and area raised within
    SAID_AGAIN_AFTER_DAYS is not raised again: its limit is already in force.
    """
    from . import words

    today = date.fromisoformat(new.day)
    recent = {(f.rule, f.area) for f in store.flags(_iso(today - timedelta(days=SAID_AGAIN_AFTER_DAYS - 1)), new.day)}
    flags: list[Flag] = []

    def raise_(rule: str, area: str | None, **facts: object) -> None:
        if (rule, area) not in recent:
            flags.append(Flag(new.id, new.day, rule, area, words.flag_message(rule, area, **facts)))

    worst = max((v for v in (new.pain_before, new.pain_after) if v is not None), default=None)
    if worst is not None and worst >= HIGH_PAIN:
        raise_("high-pain", None, pain=worst)
    # What came before this session, by its moment, and nothing after: so a session's flags are
    # the same whenever they are worked out (when it is logged, or after a correction or a sync).
    moment = datetime.fromisoformat(new.logged_at)
    rated = [
        s
        for s in store.rated_sessions(_iso(today - timedelta(days=FLAG_WINDOW_DAYS)), new.day)
        if s.pain_before is not None
        and s.pain_after is not None
        and (datetime.fromisoformat(s.logged_at), s.id != new.id) <= (moment, False)
    ]
    for area in sorted(physical_areas(library, new.practices)):
        with_area = [s for s in rated if area in physical_areas(library, s.practices)]
        last_two = with_area[-2:]
        if len(last_two) == 2 and all(s.pain_after > s.pain_before for s in last_two):  # type: ignore[operator]
            raise_("worse-twice", area)
        not_easing = _not_easing(with_area, today)
        if not_easing is not None:
            raise_("no-improvement", area, before=not_easing[0], after=not_easing[1])
    return flags


def _not_easing(sessions: list[Session], today: date) -> tuple[float, float] | None:
    """(earlier, later) average pain before sessions when pain has not eased over two weeks or more.

    Needs NOT_EASING_SESSIONS rated sessions spread over NOT_EASING_SPAN_DAYS
    within the last four weeks, so people who practise a few days a week are told too.
    """
    window = [s for s in sessions if s.day >= _iso(today - timedelta(days=27)) and s.pain_before is not None]
    if len(window) < NOT_EASING_SESSIONS:
        return None
    span = (date.fromisoformat(window[-1].day) - date.fromisoformat(window[0].day)).days + 1
    if span < NOT_EASING_SPAN_DAYS:
        return None
    half = len(window) // 2
    first = [s.pain_before for s in window[:half]]
    last = [s.pain_before for s in window[half:]]
    before = sum(first) / len(first)  # type: ignore[arg-type]
    after = sum(last) / len(last)  # type: ignore[arg-type]
    if before == 0 or after < before:
        return None
    return round(before, 1), round(after, 1)
