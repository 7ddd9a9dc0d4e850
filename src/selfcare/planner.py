"""Today's routine: a pure function of a request, the library, a day and history.

(`Request` lives in models so that a kept plan can be checked without importing this module.)

The planner
- leaves out every practice whose `avoid_if` meets one of the person's
  conditions, and uses the `gentler` variant of one whose `care_if` does;
- lists what the request needs: each area (about four minutes an area), and
  the goals (stress or sleep bring breathing or meditation, flexibility and
  posture bring stretches, tension and pain bring massage with a stretch);
- fills each need with the best-ranked practice that fits the time left,
  keeping room for the needs still to come, then tops the session up until it
  lasts 75-105% of the budget (breathing practices can be shortened or
  lengthened by whole cycles to make it fit);
- orders the session so it flows: arrive with the breath, massage, stretch,
  close quietly.

Ranks are weighted pseudo-random draws seeded by the date and the practice
id, so a day always gets the same plan and consecutive days get a different
mix; yesterday's picks are drawn with a quarter of their weight. History facts
(what helped, what hurt, what has not been done for a while) change weights.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from .models import AREAS, CONDITIONS, GOALS, INTENSITIES, Plan, PlanItem, Practice, Request

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

SECONDS_PER_AREA = 240
MIN_BREATH_CYCLES = 3
RELAX_GOALS = ("stress", "sleep", "focus")
WORK_GOALS = ("tension", "pain-relief", "circulation")
STRETCH_GOALS = ("flexibility", "posture")


_EMPTY: Mapping[str, Any] = MappingProxyType({})


class History(NamedTuple):
    """What the log says, reduced to what the planner weighs."""

    # practice id -> weight multiplier (helped > 1, rested 0, long unused > 1)
    weights: Mapping[str, float] = _EMPTY
    # practice id -> the reason to show when a weight applied
    reasons: Mapping[str, str] = _EMPTY
    # practice id -> progression factor for holds/cycles (1.0 = as written)
    progression: Mapping[str, float] = _EMPTY
    # practice id -> why it is rested (it raised pain, or felt too intense)
    rested: Mapping[str, str] = _EMPTY


@dataclass
class _Need:
    label: str  # what the reason says this item is for
    kinds: tuple[str, ...]
    area: str | None = None
    goal: str | None = None
    must: bool = True
    any_area: tuple[str, ...] = ()  # serves when it shares one of these areas

    def serves(self, p: Practice) -> bool:
        if p.kind not in self.kinds:
            return False
        if self.area and self.area not in p.areas:
            return False
        if self.any_area and not set(self.any_area) & set(p.areas):
            return False
        return not (self.goal and self.goal not in p.goals)


# --- ranking ----------------------------------------------------------------


def _ranks(practices: Iterable[Practice], day: date, weights: Mapping[str, float]) -> dict[str, float]:
    """Weighted random keys, u ** (1 / weight): the higher, the sooner chosen.

    The draws u come from one generator seeded by the day (a str seed is hashed
    with SHA-512), handed out in id order: the same day and library always give
    the same keys, and the next day a fresh set.
    """
    rng = random.Random(day.isoformat())  # noqa: S311 - a repeatable draw, not a secret
    ranks = {}
    for p in sorted(practices, key=lambda p: p.id):
        u = rng.random() or 0.5
        w = weights.get(p.id, 1.0)
        ranks[p.id] = -1.0 if w <= 0 else u ** (1.0 / w)
    return ranks


# --- safety -----------------------------------------------------------------


def safe_pool(
    library: Iterable[Practice], conditions: Iterable[str]
) -> tuple[dict[str, Practice], dict[str, int], dict[str, str]]:
    """(eligible practices, how many were left out or swapped per condition, safety notes).

    A practice whose `care_if` meets a condition is replaced by its `gentler`
    variant when that variant is itself safe; otherwise it stays, and its
    cautions are shown with it.
    """
    conds = set(conditions)
    practices = {p.id: p for p in library}
    left_out: dict[str, int] = {}
    eligible: dict[str, Practice] = {}
    for p in practices.values():
        hit = [c for c in p.avoid_if if c in conds]
        if hit:
            for c in hit:
                left_out[c] = left_out.get(c, 0) + 1
        else:
            eligible[p.id] = p
    notes: dict[str, str] = {}
    for p in list(eligible.values()):
        careful = [c for c in p.care_if if c in conds]
        if not careful:
            continue
        label = CONDITIONS[careful[0]][0]
        if p.gentler and p.gentler in eligible and not set(eligible[p.gentler].care_if) & conds:
            notes[p.gentler] = f"gentler than {p.name}, for {label}"
            del eligible[p.id]
            left_out[careful[0]] = left_out.get(careful[0], 0) + 1
        else:
            notes.setdefault(p.id, f"take care with {label}: {_caution_for(p, careful[0])}")
    return eligible, left_out, notes


def _caution_for(p: Practice, condition: str) -> str:
    """The practice's caution that speaks of the condition, else a pointer to all of them."""
    tagged = next((c.text for c in p.cautions if condition in c.conditions), None)
    if tagged:
        return tagged
    texts = [c.text for c in p.cautions]
    words = {w for w in re.findall(r"[a-z]{5,}", f"{condition} {CONDITIONS[condition][0]}".lower())}
    best = max(texts, key=lambda c: len(words & set(re.findall(r"[a-z]{5,}", c.lower()))), default=None)
    if best and words & set(re.findall(r"[a-z]{5,}", best.lower())):
        return best
    return f"read its cautions first (selfcare routines show {p.id})"


# --- lengths ----------------------------------------------------------------


MAX_478_CYCLES = 8  # CONTENT.md: 4-7-8 never past 8 cycles
MAX_HOLD_SECONDS = 30  # ACSM: stretch holds of 10-30 s


def cycle_cap(p: Practice) -> int:
    """The most cycles a breathing practice may be given: twice as written, and
    never past 8 for a pattern with long holds such as 4-7-8."""
    assert p.pacing is not None
    cap = 2 * p.pacing.cycles
    if p.pacing.hold_in >= 7:
        cap = min(cap, MAX_478_CYCLES)
    return max(cap, 1)


def _scaled(p: Practice, cycles: int) -> Practice:
    assert p.pacing is not None
    return p._replace(pacing=p.pacing._replace(cycles=cycles))


def _cycle_range(p: Practice) -> tuple[int, int]:
    assert p.pacing is not None
    written = p.pacing.cycles
    return min(written, max(MIN_BREATH_CYCLES, math.ceil(written / 3))), written


def _fit(p: Practice, room: int) -> Practice | None:
    """p as written when it fits in `room` seconds; a breathing practice with
    fewer cycles when that fits; else None."""
    if p.seconds <= room:
        return p
    if p.pacing is None:
        return None
    lo, hi = _cycle_range(p)
    fixed = p.seconds - p.pacing.total_seconds
    cycles = int((room - fixed) // p.pacing.cycle_seconds)
    while cycles >= lo:
        candidate = _scaled(p, min(cycles, hi))
        if candidate.seconds <= room:
            return candidate
        cycles -= 1
    return None


def _shortest(p: Practice) -> int:
    if p.pacing is None:
        return p.seconds
    lo, _ = _cycle_range(p)
    return _scaled(p, lo).seconds


def progressed(p: Practice, factor: float) -> Practice:
    """Holds and breathing cycles grown by `factor`, within CONTENT.md's limits."""
    if factor <= 1.0:
        return p
    if p.pacing is not None:
        cycles = min(cycle_cap(p), max(p.pacing.cycles, round(p.pacing.cycles * factor)))
        return _scaled(p, cycles)
    if p.kind == "stretch":
        # Holds of 15-29 s grow towards 30 s and never past it; shorter cues stay.
        steps = tuple(
            s._replace(seconds=min(MAX_HOLD_SECONDS, round(s.seconds * factor)))
            if 15 <= s.seconds < MAX_HOLD_SECONDS
            else s
            for s in p.steps
        )
        return p._replace(steps=steps)
    return p


# --- needs ------------------------------------------------------------------


def _area_kinds(goals: tuple[str, ...]) -> tuple[str, ...]:
    if any(g in WORK_GOALS for g in goals):
        return ("massage", "stretch")
    if any(g in STRETCH_GOALS for g in goals):
        return ("stretch", "massage")
    return ("massage", "stretch")


def _needs(request: Request) -> list[_Need]:
    kinds = _area_kinds(request.goals)
    goal_text = ", ".join(GOALS[g] for g in request.goals if g in WORK_GOALS + STRETCH_GOALS)
    goal_text = f", for {goal_text}" if goal_text else ""
    # "{verb}" becomes "works on" or "stretches", after the kind of practice chosen.
    needs = [_Need(f"{{verb}} your {AREAS[a]}{goal_text}", kinds, area=a) for a in request.areas]
    for g in request.goals:
        if g in ("stress", "sleep"):
            needs.append(_Need(f"for {GOALS[g]}", ("breathing", "meditation"), goal=g))
        elif g == "focus":
            needs.append(
                _Need("to clear your head, for focus", ("breathing", "meditation", "stretch"), goal=g, must=False)
            )
    if any(g in WORK_GOALS for g in request.goals):
        needs.append(_Need("a stretch after the massage", ("stretch",), must=False, any_area=request.areas))
    for g in request.goals:
        if g in STRETCH_GOALS:
            needs.append(_Need(f"for {GOALS[g]}", ("stretch",), goal=g, must=False))
        elif g == "circulation":
            needs.append(_Need("gets things moving, for circulation", ("massage", "stretch"), goal=g, must=False))
    return needs


# --- the plan ---------------------------------------------------------------


def plan(
    library: Iterable[Practice],
    request: Request,
    day: date,
    history: History | None = None,
    *,
    avoid_yesterday: bool = True,
) -> Plan:
    history = history or History()
    pool, left_out, swaps = safe_pool(library, request.conditions)
    grown = {pid: progressed(p, history.progression.get(pid, 1.0)) for pid, p in pool.items()}
    index = _index(grown, request)
    if avoid_yesterday:
        chosen, notes, weights = _day_choice(grown, request, day, history, index)
        # Yesterday's plan is worked out the same way; when today's would be the
        # same, try without yesterday's practices, then without one of them at a
        # time, and keep the first that still meets every need.
        yesterday = {p.id for p, _ in _day_choice(grown, request, day - timedelta(days=1), history, index)[0]}
        if {p.id for p, _ in chosen} == yesterday:
            for leave_out in [sorted(yesterday), *([pid] for pid in sorted(yesterday))]:
                fresh = dict(weights, **dict.fromkeys(leave_out, 0.0))
                other, other_notes = _choose(grown, _ranks(grown.values(), day, fresh), request, history.rested, index)
                if other and len(other_notes) <= len(notes) and _fits(other, request):
                    chosen, notes = other, other_notes
                    break
    else:
        chosen, notes = _choose(grown, _ranks(grown.values(), day, history.weights), request, history.rested, index)
    items = []
    for p, why in _order(chosen, request):
        # Safety first, then why a practice stands in for a rested one, then feedback.
        reason = (why if "instead of" in why else None) or history.reasons.get(p.id) or why
        if p.id in swaps:
            reason = f"{reason}; {swaps[p.id]}"
        items.append(PlanItem(practice=p, seconds=p.seconds, reason=reason))
    return Plan(
        date=day.isoformat(),
        minutes=request.minutes,
        areas=request.areas,
        goals=request.goals,
        items=tuple(items),
        left_out=left_out,
        notes=tuple(notes),
    )


def _fits(chosen: list[tuple[Practice, str]], request: Request) -> bool:
    total = sum(p.seconds for p, _ in chosen)
    budget = request.minutes * 60
    return total <= budget * 1.05 and (request.minutes < 5 or total >= budget * 0.75)


def _day_choice(
    pool: dict[str, Practice], request: Request, day: date, history: History, index: _Index
) -> tuple[list[tuple[Practice, str]], list[str], dict[str, float]]:
    """The picks for `day`, drawing the picks a plain draw gives the day before a quarter as often."""
    plain = _ranks(pool.values(), day - timedelta(days=1), history.weights)
    before, _ = _choose(pool, plain, request, history.rested, index)
    weights = dict(history.weights)
    for p, _ in before:
        weights[p.id] = weights.get(p.id, 1.0) * 0.25
    chosen, notes = _choose(pool, _ranks(pool.values(), day, weights), request, history.rested, index)
    return chosen, notes, weights


class _Index(NamedTuple):
    """What does not change between the draws of one plan: computed once, as pools can be large."""

    needs: list[_Need]
    serving: list[set[str]]  # for each need, the ids of the practices that serve it
    min_need: list[int | None]  # for each need, the shortest a practice serving it can be
    shortest: dict[str, int]
    goal_ids: set[str]  # practices that serve one of the request's goals


def _index(pool: dict[str, Practice], request: Request) -> _Index:
    needs = _needs(request)
    shortest = {pid: _shortest(p) for pid, p in pool.items()}
    serving = [{pid for pid, p in pool.items() if need.serves(p)} for need in needs]
    min_need = [min((shortest[pid] for pid in ids), default=None) for ids in serving]
    goal_ids = {pid for pid, p in pool.items() if set(p.goals) & set(request.goals)}
    return _Index(needs, serving, min_need, shortest, goal_ids)


def _choose(
    pool: dict[str, Practice],
    ranks: dict[str, float],
    request: Request,
    rested: Mapping[str, str] | None = None,
    index: _Index | None = None,
) -> tuple[list[tuple[Practice, str]], list[str]]:
    index = index or _index(pool, request)
    budget = request.minutes * 60
    hi = math.floor(budget * 1.05)
    lo = math.ceil(budget * 0.75) if request.minutes >= 5 else 1
    ordered = sorted((p for p in pool.values() if ranks[p.id] >= 0), key=lambda p: -ranks[p.id])
    shortest, needs, min_need = index.shortest, index.needs, index.min_need
    chosen: list[tuple[Practice, str]] = []
    used: set[str] = set()
    notes: list[str] = []

    def total() -> int:
        return sum(p.seconds for p, _ in chosen)

    def candidates(i: int) -> list[Practice]:
        ids = index.serving[i]
        picks = [p for p in ordered if p.id in ids and p.id not in used]
        # the preferred kind first, keeping rank order within each kind
        return sorted(picks, key=lambda p: needs[i].kinds.index(p.kind))

    def serves_goal(p: Practice) -> bool:
        return p.id in index.goal_ids

    for i, need in enumerate(needs):
        if any(need.serves(p) for p, _ in chosen):
            continue
        # Keep room for the needs still to come: all of them when that leaves
        # something that fits this one, else only the ones that must be met.
        later = range(i + 1, len(needs))
        room = hi - total() - sum(min_need[j] or 0 for j in later)
        if not any(shortest[pid] <= room for pid in index.serving[i]):
            room = hi - total() - sum(min_need[j] or 0 for j in later if needs[j].must)
        remaining = sum(1 for j in range(i, len(needs)) if needs[j].must or j == i) + sum(
            0.5 for j in range(i + 1, len(needs)) if not needs[j].must
        )
        share = max(60, (budget - total()) / remaining)
        options = candidates(i)
        label = need.label
        replaced = [pool[r] for r in (rested or {}) if r in pool and need.serves(pool[r])]
        if replaced:
            # In place of a practice that hurt: the gentlest that serves the same need.
            options.sort(key=lambda p: INTENSITIES.index(p.intensity))
            label = f"instead of {replaced[0].name} ({(rested or {})[replaced[0].id]})"
        # Rank decides among practices of a sensible length for the time left;
        # one that serves a goal too is preferred, then one near its share of time.
        fitting = [p for p in options if shortest[p.id] <= room]
        cap = share * 1.3
        # Among the three best-ranked that fit (serving a goal too, if any does),
        # the first of a sensible length for its share of the time.
        small = [p for p in fitting if shortest[p.id] <= cap]
        top = ([p for p in small if serves_goal(p)] or small)[:3]
        best = next((p for p in top if share * 0.5 <= p.seconds <= cap), top[0] if top else None)
        pick = _fit(best, min(room, max(shortest[best.id], int(cap)))) if best else None
        if pick is None and fitting:
            pick = _fit(min(fitting, key=lambda p: shortest[p.id]), room)
        if pick is None:
            what = need.label.split(", for")[0].replace("{verb}", "work on")
            if need.must and options:
                notes.append(f"not enough time today for: {what}")
            elif need.must:
                notes.append(f"nothing safe with your health conditions for: {what}; ask your clinician what suits you")
            continue
        chosen.append((pick, label.replace("{verb}", "stretches" if pick.kind == "stretch" else "works on")))
        used.add(pick.id)

    def full() -> bool:
        return total() >= budget * 0.9

    def add(p: Practice, why: str) -> bool:
        fitted = _fit(p, hi - total())
        if fitted is None:
            return False
        chosen.append((fitted, why))
        used.add(p.id)
        return True

    # Close quietly: stress and sleep get a meditation (or more breathing) when there is time.
    relax = [g for g in request.goals if g in ("stress", "sleep")]
    if relax and not full() and not any(p.kind == "meditation" for p, _ in chosen):
        for kind in ("meditation", "breathing"):
            picks = [p for p in ordered if p.id not in used and p.kind == kind and any(g in p.goals for g in relax)]
            if any(p.seconds <= hi - total() and add(p, f"closes quietly, for {GOALS[relax[-1]]}") for p in picks):
                break
    # Each area: a stretch after the massage (or a massage before the stretch).
    for area in request.areas:
        have = {p.kind for p, _ in chosen if area in p.areas}
        for kind in ("stretch", "massage"):
            if full() or kind in have or not have & {"massage", "stretch"}:
                continue
            word = "stretches" if kind == "stretch" else "works on"
            for p in ordered:
                if p.id not in used and p.kind == kind and area in p.areas and add(p, f"{word} your {AREAS[area]} too"):
                    break

    # Then more for the areas (two of a kind at most), the goals, anything calm.
    def per_area_ok(p: Practice) -> bool:
        if p.kind not in ("massage", "stretch"):
            return True
        return all(
            sum(1 for q, _ in chosen if a in q.areas and q.kind == p.kind) < 2 for a in p.areas if a in request.areas
        )

    def top_up(predicate: object) -> None:
        for p in ordered:
            if full():
                return
            if p.id not in used and predicate(p) and per_area_ok(p):  # type: ignore[operator]
                add(p, _extra_reason(p, request))

    top_up(lambda p: any(a in p.areas for a in request.areas) and p.kind in ("massage", "stretch"))
    top_up(lambda p: serves_goal(p) and p.kind in ("breathing", "meditation"))
    if total() < lo:
        top_up(lambda p: p.kind in ("breathing", "meditation", "stretch"))
    if total() < lo:
        _stretch_breathing(chosen, pool, lo, hi)
    return chosen, notes


def _stretch_breathing(chosen: list[tuple[Practice, str]], pool: dict[str, Practice], lo: int, hi: int) -> None:
    """Add cycles to a breathing practice until the session fits."""
    for i, (p, why) in enumerate(chosen):
        if p.pacing is None:
            continue
        cap = cycle_cap(pool[p.id])
        total = sum(q.seconds for q, _ in chosen)
        while total < lo and p.pacing.cycles < cap:
            longer = p._replace(pacing=p.pacing._replace(cycles=p.pacing.cycles + 1))
            if total - p.seconds + longer.seconds > hi:
                break
            total += longer.seconds - p.seconds
            p = longer
        chosen[i] = (p, why)


def _extra_reason(p: Practice, request: Request) -> str:
    areas = [AREAS[a] for a in p.areas if a in request.areas]
    if areas and p.kind == "massage":
        return f"more time for your {areas[0]}"
    if areas:
        return f"stretches your {areas[0]} too"
    goals = [GOALS[g] for g in p.goals if g in request.goals]
    if goals:
        return f"adds to {goals[0]}"
    return "rounds off the session"


_PHASE = {"massage": 1, "stretch": 2, "meditation": 3, "breathing": 3}


def _order(chosen: list[tuple[Practice, str]], request: Request) -> list[tuple[Practice, str]]:
    """Arrive with the breath, massage, stretch, close quietly."""
    if not chosen:
        return []
    area_pos = {a: i for i, a in enumerate(request.areas)}

    def area_key(p: Practice) -> int:
        return min((area_pos[a] for a in p.areas if a in area_pos), default=len(area_pos))

    breaths = [c for c in chosen if c[0].kind == "breathing"]
    opener = None
    closes_with_breath = "sleep" in request.goals and not any(c[0].kind == "meditation" for c in chosen)
    short = [c for c in breaths if c[0].seconds <= 180]
    if short and len(chosen) > 1 and not (closes_with_breath and len(breaths) == 1):
        opener = min(short, key=lambda c: c[0].seconds)
    rest = [c for c in chosen if c is not opener]
    rest.sort(
        key=lambda c: (_PHASE[c[0].kind], area_key(c[0]) if _PHASE[c[0].kind] < 3 else 0, c[0].kind == "breathing")
    )
    if opener is None:
        return rest
    return [(opener[0], "arrive: a few slow breaths to settle, " + opener[1]), *rest]
