"""Streak and report data: gathered from the store, computed by stats, returned as data.

Rendering (rich or JSON) is render.py's business; nothing here prints.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from . import stats

if TYPE_CHECKING:
    from .library import Library
    from .store import Store


def streak(store: Store, as_of: date, days_per_week: int) -> stats.Streak:
    days = store.counted_days(until_day=as_of.isoformat())
    rest = [r.day for r in store.rest_days()]
    return stats.streak(days, rest, as_of, days_per_week)


def _avg(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def report(store: Store, library: Library, as_of: date, days: int, days_per_week: int) -> dict[str, Any]:
    since = as_of - timedelta(days=days - 1)
    lo, hi = since.isoformat(), as_of.isoformat()
    totals = store.day_totals(lo, hi)
    rest_all = store.rest_days()
    rest_window = {r.day for r in rest_all if lo <= r.day <= hi} - set(totals)
    all_days = store.counted_days(until_day=hi)
    seconds = sum(secs for _, secs in totals.values())

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
        if p.kind in ("massage", "stretch"):  # breathing and meditation are not work on an area
            for area in p.areas:
                by_area[area] += secs / len(p.areas)

    def ratings(what: str) -> dict[str, Any]:
        n, before, after = store.rating_summary(lo, hi, what)
        change = None if before is None or after is None else after - before
        return {"sessions": n, "avg_before": _avg(before), "avg_after": _avg(after), "avg_change": _avg(change)}

    rated = [s for s in store.rated_sessions(lo, hi) if s.pain_before is not None and s.pain_after is not None]
    changes: dict[str, list[int]] = defaultdict(list)
    for s in rated:
        for pid in set(s.practices):
            changes[pid].append(s.pain_after - s.pain_before)  # type: ignore[operator]
    helped: list[dict[str, Any]] = []
    for pid, deltas in changes.items():
        mean = sum(deltas) / len(deltas)
        if mean < 0:
            p = library.get(pid)
            helped.append(
                {"id": pid, "name": p.name if p else pid, "sessions": len(deltas), "avg_change": round(mean, 2)}
            )
    helped.sort(key=lambda h: (h["avg_change"], -h["sessions"], h["id"]))

    calendar = []
    for i in range(days):
        d = (since + timedelta(days=i)).isoformat()
        calendar.append(
            {
                "date": d,
                "minutes": round(totals.get(d, (0, 0))[1] / 60, 1),
                "rest": d in rest_window,
                "sessions": totals.get(d, (0, 0))[0],
            }
        )
    pro = [
        {"date": s.day, "pro": s.pro, "minutes": round(s.seconds / 60, 1), "note": s.note}
        for s in store.sessions(lo, hi, having="pro")
    ]
    pro.reverse()
    active = len(totals)
    noted = store.sessions(lo, hi, having="note")
    from .coach import progression

    grown = progression(store, as_of)
    return {
        "as_of": hi,
        "since": lo,
        "days": days,
        "active_days": active,
        "rest_days": len(rest_window),
        "sessions": sum(n for n, _ in totals.values()),
        "consistency": round(stats.consistency(active, days, len(rest_window)), 3),
        "minutes": round(seconds / 60, 1),
        "habit_strength": round(stats.habit_strength(all_days, [r.day for r in rest_all], as_of, days_per_week), 3),
        "days_per_week": days_per_week,
        "by_area": {k: round(v / 60, 1) for k, v in sorted(by_area.items(), key=lambda kv: -kv[1])},
        "by_kind": {k: round(v / 60, 1) for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])},
        "pain": ratings("pain"),
        "stress": ratings("stress"),
        "helped_most": helped[:5],
        "pro_sessions": pro,
        "calendar": calendar,
        "practices": [
            {"id": pid, "name": library.practices[pid].name if pid in library.practices else pid, "times": n}
            for pid, n in sorted(((pid, t[0]) for pid, t in practice_totals.items()), key=lambda kv: (-kv[1], kv[0]))
        ],
        "pain_by_area": _pain_by_area(rated, library, since, days),
        "notes": [{"date": s.day, "note": s.note} for s in reversed(noted)],
        "flags": [{"date": f.day, "rule": f.rule, "area": f.area, "message": f.message} for f in store.flags(lo, hi)],
        "progression": grown.to_dict(),
    }


def _pain_by_area(rated: list[Any], library: Library, since: date, days: int) -> dict[str, dict[str, Any]]:
    """Per area: rated sessions, average pain before and after, and the first and last halves' before."""
    middle = (since + timedelta(days=days // 2)).isoformat()
    found: dict[str, list[Any]] = defaultdict(list)
    for s in rated:
        areas = {
            a for pid in s.practices if (p := library.get(pid)) and p.kind in ("massage", "stretch") for a in p.areas
        }
        for area in areas:
            found[area].append(s)
    out = {}
    for area, sessions in sorted(found.items()):
        early = [s.pain_before for s in sessions if s.day < middle]
        late = [s.pain_before for s in sessions if s.day >= middle]
        out[area] = {
            "sessions": len(sessions),
            "avg_before": round(sum(s.pain_before for s in sessions) / len(sessions), 2),
            "avg_after": round(sum(s.pain_after for s in sessions) / len(sessions), 2),
            "first_half_before": round(sum(early) / len(early), 2) if early else None,
            "second_half_before": round(sum(late) / len(late), 2) if late else None,
        }
    return out
