"""Streak and report data: gathered from the store, computed by stats and coach, returned as records.

Every figure is computed here once; the screen, `--json` and the therapist
page all render the same `Report` (render.py), so they cannot disagree.
Nothing here prints.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING

from . import stats
from .models import HANDS_ON
from .records import NamedTuple

if TYPE_CHECKING:
    from .coach import Progression
    from .library import Library
    from .models import Feedback, Flag, JsonObject, RestDay, Session
    from .store import Store

MIN_RATED = 2  # a week's average rating needs this many sessions rated before and after; fewer is a gap, never zero
YEAR_WEEKS = 53  # the year calendar: this week and the 52 before it, Monday first


def streak(store: Store, as_of: date, days_per_week: int) -> stats.Streak:
    days = store.counted_days(until_day=as_of.isoformat())
    rest = [r.day for r in store.rest_days()]
    return stats.streak(days, rest, as_of, days_per_week)


def _one(value: float | None) -> float | None:
    """Ratings are whole numbers: averages are shown, and computed with, one decimal."""
    return None if value is None else round(value, 1)


class Ratings(NamedTuple):
    """Pain or stress over the window's sessions rated both before and after."""

    sessions: int
    avg_before: float | None
    avg_after: float | None
    avg_change: float | None  # after - before, of the rounded averages, so the figures shown add up

    @classmethod
    def of(cls, sessions: int, before: float | None, after: float | None) -> Ratings:
        b, a = _one(before), _one(after)
        return cls(sessions, b, a, None if a is None or b is None else round(a - b, 1))


class Helped(NamedTuple):
    """A practice after which pain (or stress) fell, over enough sessions to say so."""

    id: str
    name: str
    measure: str
    sessions: int
    avg_before: float
    avg_after: float
    avg_change: float
    last_day: str = ""  # the last of those sessions

    def feedback(self) -> Feedback:
        """The claim as the coach's record, for words.feedback ("in the 4 sessions that included it...")."""
        from .models import Feedback

        return Feedback(self.id, self.measure, self.sessions, self.avg_before, self.avg_after, self.last_day)


class CalendarDay(NamedTuple):
    date: str
    minutes: float  # home practice (sessions with a professional are marked apart)
    sessions: int
    rest: bool
    pro: bool  # a session with a professional that day
    before: bool  # before the first session ever logged


class Week(NamedTuple):
    """One week of the window, Monday to Sunday cut to the window: a point of the trends.

    A rating's averages are None (a gap) when fewer than MIN_RATED sessions of
    the week were rated before and after; `*_sessions` still counts them.
    """

    start: str
    end: str
    minutes: float | None  # home practice, as in the calendar; None when the whole week is before the first session
    pain_sessions: int
    pain_before: float | None
    pain_after: float | None
    stress_sessions: int
    stress_before: float | None
    stress_after: float | None


class ProSession(NamedTuple):
    date: str
    pro: str
    minutes: float
    note: str | None


class AreaPain(NamedTuple):
    sessions: int
    avg_before: float
    avg_after: float
    first_half_before: float | None
    second_half_before: float | None


class Practised(NamedTuple):
    id: str
    name: str
    times: int


class DatedNote(NamedTuple):
    date: str
    note: str


class RaisedFlag(NamedTuple):
    date: str
    rule: str
    area: str | None
    message: str  # as said when it was raised
    pain: int | None = None  # for high pain: the rating logged


class Report(NamedTuple):
    as_of: str
    since: str
    days: int
    active_days: int
    rest_days: int
    before_first: int  # days of the window before the first session ever logged
    sessions: int
    consistency: float
    seconds: int
    habit_strength: float
    days_per_week: int
    by_area: dict[str, float]  # minutes of hands-on practice (massage, stretch, exercise) per area
    by_kind: dict[str, float]  # minutes per kind
    pain: Ratings
    stress: Ratings
    helped_most: tuple[Helped, ...]
    pro_sessions: tuple[ProSession, ...]
    calendar: tuple[CalendarDay, ...]
    practices: tuple[Practised, ...]
    pain_by_area: dict[str, AreaPain]
    notes: tuple[DatedNote, ...]
    flags: tuple[RaisedFlag, ...]
    progression: Progression
    weeks: tuple[Week, ...] = ()  # the window week by week, oldest first
    year: tuple[CalendarDay, ...] = ()  # the year calendar: YEAR_WEEKS weeks to the as-of day, whatever the window
    min_rated: int = MIN_RATED

    @property
    def minutes(self) -> float:
        return round(self.seconds / 60, 1)

    def to_dict(self) -> JsonObject:
        def rows(items: tuple[NamedTuple, ...]) -> list[JsonObject]:
            return [dict(i._asdict()) for i in items]

        return {
            "as_of": self.as_of,
            "since": self.since,
            "days": self.days,
            "active_days": self.active_days,
            "rest_days": self.rest_days,
            "before_first": self.before_first,
            "sessions": self.sessions,
            "consistency": self.consistency,
            "minutes": self.minutes,
            "seconds": self.seconds,
            "habit_strength": self.habit_strength,
            "days_per_week": self.days_per_week,
            "by_area": dict(self.by_area),
            "by_kind": dict(self.by_kind),
            "pain": dict(self.pain._asdict()),
            "stress": dict(self.stress._asdict()),
            "helped_most": rows(self.helped_most),
            "pro_sessions": rows(self.pro_sessions),
            "calendar": rows(self.calendar),
            "practices": rows(self.practices),
            "pain_by_area": {a: dict(v._asdict()) for a, v in self.pain_by_area.items()},
            "notes": rows(self.notes),
            "flags": rows(self.flags),
            "progression": self.progression.to_dict(),
            "weeks": rows(self.weeks),
            "min_rated": self.min_rated,
            **({"year": rows(self.year)} if self.year else {}),
        }


def report(store: Store, library: Library, as_of: date, days: int, days_per_week: int, *, year: bool = False) -> Report:
    """The report of the `days` to `as_of`; with `year`, the year calendar too (for --year and the page)."""
    from .coach import DOSE_WINDOW_DAYS, feedback, helped, progression

    since = as_of - timedelta(days=days - 1)
    lo, hi = since.isoformat(), as_of.isoformat()
    totals = store.day_totals(lo, hi)
    first = store.first_day(hi)
    horizon = (as_of - timedelta(days=stats.HABIT_HORIZON_DAYS)).isoformat()
    habit_days = store.counted_days(since_day=horizon, until_day=hi) if first else []
    rest_all = store.rest_days()
    rest_window = {r.day for r in rest_all if lo <= r.day <= hi} - set(totals)
    before = [d for d in _days(since, days) if first is None or d < first]
    rest_counted = {d for d in rest_window if first is not None and d >= first}
    # One read covers the window and the weeks the exercises' doses look back on.
    dose_lo = min(lo, (as_of - timedelta(days=DOSE_WINDOW_DAYS)).isoformat())
    read = store.sessions(dose_lo, hi)
    sessions = [s for s in read if s.day >= lo] if dose_lo < lo else read

    by_area: dict[str, float] = defaultdict(float)
    by_kind: dict[str, float] = defaultdict(float)
    practice_totals = store.practice_totals(lo, hi)
    for pid, (_times, secs) in practice_totals.items():
        p = library.get(pid)
        if p is None:
            by_area["other"] += secs
            by_kind["other"] += secs
            continue
        by_kind[p.kind] += secs
        if p.kind in HANDS_ON:  # breathing and meditation are not work on an area
            for area in p.areas:
                by_area[area] += secs / len(p.areas)

    # The window's sessions are read once: the rated ones are among them (oldest first, as
    # store.rated_sessions gives them, for the feedback's "last day").
    rated_all = [
        s
        for s in reversed(sessions)
        if s.pain_before is not None or s.pain_after is not None or s.stress_before is not None
    ]
    rated = [s for s in rated_all if s.pain_before is not None and s.pain_after is not None]
    found = [f for f in feedback(rated_all).values() if helped(f)]
    found.sort(key=lambda f: (f.measure != "pain", f.change, -f.sessions, f.practice))
    helped_most = tuple(
        Helped(
            f.practice,
            _name(library, f.practice),
            f.measure,
            f.sessions,
            f.before,
            f.after,
            round(f.after - f.before, 1),
            f.last_day,
        )
        for f in found[:5]
    )

    calendar = _calendar(sessions, totals, rest_window, first, since, days)
    pros = tuple(
        ProSession(s.day, s.pro, round(s.seconds / 60, 1), s.note) for s in reversed(sessions) if s.pro is not None
    )
    active = len(totals)
    return Report(
        as_of=hi,
        since=lo,
        days=days,
        active_days=active,
        rest_days=len(rest_window),
        before_first=len(before),
        sessions=sum(n for n, _ in totals.values()),
        consistency=round(stats.consistency(active, days, len(rest_counted), len(before)), 3),
        seconds=sum(secs for _, secs in totals.values()),
        habit_strength=round(stats.habit_strength(habit_days, [r.day for r in rest_all], as_of, days_per_week), 3),
        days_per_week=days_per_week,
        by_area={k: round(v / 60, 1) for k, v in sorted(by_area.items(), key=lambda kv: -kv[1])},
        by_kind={k: round(v / 60, 1) for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])},
        pain=Ratings.of(*store.rating_summary(lo, hi, "pain")),
        stress=Ratings.of(*store.rating_summary(lo, hi, "stress")),
        helped_most=helped_most,
        pro_sessions=pros,
        calendar=calendar,
        practices=tuple(
            Practised(pid, _name(library, pid), n)
            for pid, n in sorted(((pid, t[0]) for pid, t in practice_totals.items()), key=lambda kv: (-kv[1], kv[0]))
        ),
        pain_by_area=_pain_by_area(rated, library, since, days),
        notes=tuple(DatedNote(s.day, s.note) for s in reversed(sessions) if s.note is not None),
        flags=tuple(_raised(store, f) for f in store.flags(lo, hi)),
        progression=progression(
            store,
            as_of,
            library,
            read,
        ),
        weeks=_weeks(sessions, since, as_of, first),
        year=_year(store, as_of, first, rest_all, (since, sessions)) if year else (),
    )


def year_start(as_of: date) -> date:
    """The first day of the year calendar: the Monday YEAR_WEEKS - 1 weeks before the as-of day's week."""
    return as_of - timedelta(days=as_of.weekday(), weeks=YEAR_WEEKS - 1)


def year_days(as_of: date) -> int:
    """How many days the year calendar holds (365 to 371): the window of `report --year`."""
    return (as_of - year_start(as_of)).days + 1


def _calendar(
    sessions: list[Session],
    totals: dict[str, tuple[int, int]],
    rest: set[str],
    first: str | None,
    since: date,
    days: int,
) -> tuple[CalendarDay, ...]:
    """Each day from `since`: home minutes, sessions, rest, a professional, before the first session."""
    home: dict[str, int] = defaultdict(int)
    pro_days: set[str] = set()
    for s in sessions:
        if s.pro:
            pro_days.add(s.day)
        else:
            home[s.day] += s.seconds
    return tuple(
        CalendarDay(
            date=d,
            minutes=round(home.get(d, 0) / 60, 1),
            sessions=totals.get(d, (0, 0))[0],
            rest=d in rest,
            pro=d in pro_days,
            before=first is None or d < first,
        )
        for d in _days(since, days)
    )


def _year(
    store: Store, as_of: date, first: str | None, rest_all: list[RestDay], read: tuple[date, list[Session]]
) -> tuple[CalendarDay, ...]:
    """The calendar of the year to `as_of`; `read` is (since, the sessions from then to as_of), read
    already for the window, which are reused when the window holds the year (report --days 365)."""
    start = year_start(as_of)
    lo, hi = start.isoformat(), as_of.isoformat()
    totals = store.day_totals(lo, hi)
    rest = {r.day for r in rest_all if lo <= r.day <= hi} - set(totals)
    since, window = read
    sessions = [s for s in window if s.day >= lo] if since <= start else store.sessions(lo, hi)
    return _calendar(sessions, totals, rest, first, start, year_days(as_of))


def _week_ratings(pairs: list[tuple[int | None, int | None]]) -> tuple[int, float | None, float | None]:
    """(sessions rated before and after, average before, average after); no averages below MIN_RATED sessions."""
    rated = [(b, a) for b, a in pairs if b is not None and a is not None]
    if len(rated) < MIN_RATED:
        return len(rated), None, None
    return len(rated), _one(sum(b for b, _ in rated) / len(rated)), _one(sum(a for _, a in rated) / len(rated))


def _weeks(sessions: list[Session], since: date, as_of: date, first: str | None) -> tuple[Week, ...]:
    """The window week by week: home minutes, and pain and stress averaged over the sessions rated before and after."""
    by_week: dict[date, list[Session]] = defaultdict(list)  # by Monday: one pass over the sessions
    for s in sessions:
        day = date.fromisoformat(s.day)
        by_week[day - timedelta(days=day.weekday())].append(s)
    out = []
    start = since
    while start <= as_of:
        end = min(as_of, start + timedelta(days=6 - start.weekday()))
        lo, hi = start.isoformat(), end.isoformat()
        inside = [s for s in by_week.get(start - timedelta(days=start.weekday()), ()) if lo <= s.day <= hi]
        home = sum(s.seconds for s in inside if not s.pro)
        pain = _week_ratings([(s.pain_before, s.pain_after) for s in inside])
        stress = _week_ratings([(s.stress_before, s.stress_after) for s in inside])
        before = first is None or hi < first
        out.append(Week(lo, hi, None if before else round(home / 60, 1), *pain, *stress))
        start = end + timedelta(days=1)
    return tuple(out)


def _raised(store: Store, flag: Flag) -> RaisedFlag:
    pain = None
    if flag.rule == "high-pain" and flag.session_id:
        s = store.session(flag.session_id)
        pain = max((v for v in (s.pain_before, s.pain_after) if v is not None), default=None) if s else None
    return RaisedFlag(flag.day, flag.rule, flag.area, flag.message, pain)


def _days(since: date, days: int) -> list[str]:
    return [(since + timedelta(days=i)).isoformat() for i in range(days)]


def _name(library: Library, pid: str) -> str:
    p = library.get(pid)
    return p.name if p else pid


def _pain_by_area(rated: list[Session], library: Library, since: date, days: int) -> dict[str, AreaPain]:
    """Per area of hands-on practice: rated sessions, average pain before and after, and the first and last halves' before."""
    middle = (since + timedelta(days=days // 2)).isoformat()
    found: dict[str, list[Session]] = defaultdict(list)
    for s in rated:
        areas = {a for pid in s.practices if (p := library.get(pid)) and p.kind in HANDS_ON for a in p.areas}
        for area in areas:
            found[area].append(s)

    def mean(values: list[int | None]) -> float | None:
        known = [v for v in values if v is not None]
        return round(sum(known) / len(known), 1) if known else None

    out = {}
    for area, group in sorted(found.items()):
        out[area] = AreaPain(
            sessions=len(group),
            avg_before=mean([s.pain_before for s in group]) or 0.0,
            avg_after=mean([s.pain_after for s in group]) or 0.0,
            first_half_before=mean([s.pain_before for s in group if s.day < middle]),
            second_half_before=mean([s.pain_before for s in group if s.day >= middle]),
        )
    return out
