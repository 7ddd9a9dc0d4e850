"""Today's routine: a pure function of a request, the library, a day and what the log says.

The plan is made in named phases:

1. `eligibility` — which practices may be planned for this person today, and
   for every other one the rule that keeps it out: its own `avoid_if`, the
   safety rules derived from what a practice is (see `safety_rules`), missing
   equipment, an area paused or limited to gentle work after a red flag or high
   pain, a practice rested after it hurt. A practice whose `care_if` meets a
   condition gives way to its `gentler` variant.
2. `needs` — what the request asks for: each area (hands-on work: massage,
   stretch or exercise), then the goals (stress and sleep bring breathing or
   meditation, flexibility and posture bring stretches, tension and pain a
   stretch after the massage, and work on the body an exercise).
3. `choose` — first what is written for a condition the person has
   (`prefer_if`: the daily foot check with diabetes), then fills each need
   with the best-ranked practice that fits the time left, keeping room for the
   needs still to come.
4. `fill` — a quiet close for stress and sleep, a stretch after each massage,
   then spare time lengthens breathing practices before anything is added, and
   what is added is always distinct.
5. `order` — arrive with the breath, massage, exercise, stretch, close quietly.

`fixed` plays what a person chose instead (practice ids, or a named routine),
through the same eligibility: what a rule keeps out is left out and said.

Throughout, a session keeps to what a clinician would set: never over its
budget, at most two breathing practices and one with breath holds, at most two
meditations, never two practices of one family (variants of one pattern).

Ranks are weighted pseudo-random draws seeded by the date and the practice
id, so a day always gets the same plan and consecutive days a different mix;
yesterday's picks are drawn with a quarter of their weight. What the log says
(what helped, what hurt, what has not been done for a while) changes weights.
Every item carries a `Why` — the facts behind its reason — and words.py turns
those into words; nothing here writes a sentence.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .models import (
    HANDS_ON,
    INTENSITIES,
    MAX_REP_HOLD,
    MAX_REPS,
    Dose,
    Excluded,
    Feedback,
    Limit,
    Note,
    Plan,
    PlanItem,
    Practice,
    Request,
    Rest,
    Why,
)
from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

PHYSICAL = HANDS_ON  # hands-on work on an area: pauses and limits act on it
PAIRED = ("massage", "stretch")  # a stretch after the massage, a massage before the stretch
RELAX_GOALS = ("stress", "sleep")
WORK_GOALS = ("tension", "pain-relief", "circulation")
STRETCH_GOALS = ("flexibility", "posture")
EXERCISE_GOALS = ("pain-relief", "tension", "flexibility", "posture", "strength")  # these bring an exercise
MAX_PREFERRED = 2  # practices written for a condition the person has (prefer_if), planned first
REP_STEP = 2  # an exercise grows or steps back by this many repetitions a set
MIN_DOSE_STEP = -2  # at most this many steps back
MAX_BREATHING = 2  # breathing practices in one session
MAX_WITH_HOLDS = 1  # ...of which at most one holds the breath
MAX_MEDITATIONS = 2  # long solo sitting brings more unwanted effects (Farias et al. 2020)
MAX_478_CYCLES = 8  # 4-7-8 never past 8 cycles (docs/content-guide.md)
MAX_HOLD_SECONDS = 30  # stretch holds of 10-30 s (ACSM)
OPENER_SECONDS = 180  # a breathing practice this short can open a session

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class History(NamedTuple):
    """What the log says, reduced to what the planner weighs (coach.history works it out)."""

    weights: Mapping[str, float] = _EMPTY  # practice id -> weight multiplier (helped > 1, long unused > 1)
    feedback: Mapping[str, Feedback] = _EMPTY  # practice id -> its rated sessions, when they show it helped
    last_done: Mapping[str, str] = _EMPTY  # practice id -> last day done, for practices back for variety
    progression: Mapping[str, float] = _EMPTY  # practice id -> factor for holds and cycles (1.0 = as written)
    doses: Mapping[str, Dose] = _EMPTY  # exercise id -> its dose as the log has grown or stepped it back
    rested: Mapping[str, Rest] = _EMPTY  # practice id -> why it rests
    limits: Mapping[str, Limit] = _EMPTY  # area -> a pause or a gentle-only limit in force


# --- 1. eligibility ----------------------------------------------------------------


def holds_breath(p: Practice) -> bool:
    return p.pacing is not None and (p.pacing.hold_in > 0 or p.pacing.hold_out > 0)


def family(p: Practice) -> str:
    """Practices of one family are variants of one pattern; a session holds one at most."""
    return p.family or p.id


HOLD_CONDITIONS = ("pregnancy", "heart-condition", "high-blood-pressure", "respiratory-condition")
PRESSURE_CONDITIONS = ("anticoagulants", "osteoporosis", "cancer", "pregnancy", "postpartum")
LEG_MASSAGE_CONDITIONS = ("blood-clots", "varicose-veins")
CALF_CONDITIONS = ("pregnancy", "postpartum")  # raised clot risk: no leg massage
NO_MASSAGE_CONDITIONS = ("skin-condition", "recent-surgery")  # where is not known: no massage at all
MIN_BREATH_CYCLE = 4.0  # seconds: a faster breath (15 a minute or more) is over-breathing, never planned
# condition -> the movements it rules out, for practices that move (see MOVING)
MOVEMENT_RULES: dict[str, tuple[str, ...]] = {
    "vertigo": ("neck-side-bend", "neck-rotation", "head-down"),
    "osteoporosis": ("spine-flexion",),
    "hypermobility": ("end-range",),
}
MOVING = ("stretch", "exercise")  # kinds whose movements matter
JOINT_AREAS = ("hips", "legs", "shoulders", "chest")  # a replaced joint may be any of these: the profile does not say
NECK_END_RANGE = ("neck-side-bend", "neck-rotation", "neck-extension")


def safety_rules(p: Practice, request: Request) -> list[Excluded]:
    """The rules, derived from what a practice is, that keep it out of this person's plans.

    They hold for every library, the person's own files included, whatever the
    author remembered to write in `avoid_if`; where a person's file leaves out
    what a rule needs (`unstated`), the practice is kept out, the safe reading.
    Sources and reasons are in docs/content-guide.md.
    """
    conds = set(request.conditions)
    out: list[Excluded] = []

    def no(rule: str, condition: str | None = None, area: str | None = None, detail: str | None = None) -> None:
        out.append(Excluded(p.id, rule, condition, area, detail))

    for c in p.avoid_if:
        if c in conds:
            no("avoid-if", c)
    if "fever" in conds and p.kind not in ("breathing", "meditation"):
        no("fever", "fever")
    if p.pacing is not None and p.pacing.cycle_seconds < MIN_BREATH_CYCLE:
        no("fast-breathing")
    if holds_breath(p):
        for c in HOLD_CONDITIONS:
            if c in conds:
                no("breath-hold", c)
    if p.kind == "massage":
        if p.intensity != "gentle":
            for c in PRESSURE_CONDITIONS:
                if c in conds:
                    no("pressure", c)
            if "feet" in p.areas and "diabetes" in conds:
                no("pressure", "diabetes", "feet")
        if {"legs", "feet"} & set(p.areas):
            for c in LEG_MASSAGE_CONDITIONS:
                if c in conds:
                    no("leg-massage", c)
        if "legs" in p.areas:
            for c in CALF_CONDITIONS:
                if c in conds:
                    no("leg-massage", c, "legs")
        if "feet" in p.areas and "neuropathy" in conds:
            no("no-feeling", "neuropathy", "feet")
        for c in NO_MASSAGE_CONDITIONS:
            if c in conds:
                no("massage", c)
        if "neck" in p.areas and "inflammatory-arthritis" in conds:
            no("pressure", "inflammatory-arthritis", "neck")
    if "recent-injury" in conds and p.kind in PHYSICAL:
        hurt = set(request.injured) & set(p.areas) if request.injured else set(p.areas)
        for area in sorted(hurt):
            no("injury", "recent-injury", area)
    # Position.
    if "pregnancy" in conds:
        if p.position == "lying-back" and "position" not in p.unstated:
            no("lying-back", "pregnancy")
        elif "position" in p.unstated:
            no("unstated", "pregnancy", detail="position")
    if "balance-problems" in conds:
        if "position" in p.unstated:
            no("unstated", "balance-problems", detail="position")
        elif p.position == "standing" and not {"wall", "chair"} & set(p.equipment):
            no("standing", "balance-problems")
        if "one-leg" in p.movements:  # whatever the kind: balancing on one leg is the risk
            no("movement", "balance-problems", detail="one-leg")
        elif "movements" in p.unstated and p.kind in MOVING:
            no("unstated", "balance-problems", detail="movements")
    # Movements.
    if p.kind in MOVING:
        moves = set(p.movements)
        for c, ruled in MOVEMENT_RULES.items():
            if c not in conds:
                continue
            if "movements" in p.unstated:
                no("unstated", c, detail="movements")
                continue
            for m in ruled:
                if m in moves:
                    no("movement", c, detail=m)
        if "osteoporosis" in conds and {"spine-twist", "end-range"} <= moves:
            no("movement", "osteoporosis", detail="spine-twist")
        if "inflammatory-arthritis" in conds and "end-range" in moves and moves & set(NECK_END_RANGE):
            no("movement", "inflammatory-arthritis", detail="end-range")
        if "joint-replacement" in conds and set(JOINT_AREAS) & set(p.areas):
            if "movements" in p.unstated:
                no("unstated", "joint-replacement", detail="movements")
            elif "end-range" in moves:
                no("movement", "joint-replacement", detail="end-range")
    return out


def derived_rules(p: Practice) -> dict[str, list[Excluded]]:
    """condition -> the rules that keep p out with it though its `avoid_if` does not name it
    (for `routines validate`, so authors learn the rules their practices rely on)."""
    from .models import CONDITIONS

    found: dict[str, list[Excluded]] = {}
    for c in CONDITIONS:
        if c in p.avoid_if or c == "recent-injury":  # an injury rules out its own area, whatever the practice
            continue
        rules = [ex for ex in safety_rules(p, Request(10, (), (), (c,))) if ex.rule != "avoid-if"]
        if rules:
            found[c] = rules
    return found


def _missing_equipment(p: Practice, request: Request) -> list[str]:
    return [e for e in p.equipment if e not in request.equipment]


def _limit_rules(p: Practice, limits: Mapping[str, Limit]) -> list[Excluded]:
    out: list[Excluded] = []
    if p.kind not in PHYSICAL:
        return out  # breathing and meditation go on
    for area in p.areas:
        limit = limits.get(area)
        if limit is None:
            continue
        if limit.kind == "paused":
            out.append(Excluded(p.id, "paused", area=area))
        elif limit.kind == "gentle" and p.intensity != "gentle":
            out.append(Excluded(p.id, "gentle-only", area=area))
    return out


class Eligibility(NamedTuple):
    pool: dict[str, Practice]  # what may be chosen
    excluded: tuple[Excluded, ...]  # everything else, with the rule that keeps it out
    gentler: dict[str, tuple[str, str]]  # variant id -> (the practice it replaces, the condition)
    left_out: dict[str, int]  # condition -> practices left out or swapped for it


def eligibility(library: Iterable[Practice], request: Request, history: History | None = None) -> Eligibility:
    history = history or History()
    practices = {p.id: p for p in library}
    excluded: list[Excluded] = []
    safe: dict[str, Practice] = {}
    for p in practices.values():
        rules = safety_rules(p, request)
        rules += [Excluded(p.id, "equipment", detail=e) for e in _missing_equipment(p, request)]
        rules += _limit_rules(p, history.limits)
        if p.id in history.rested:
            rules.append(Excluded(p.id, "rested", detail=history.rested[p.id].cause))
        if rules:
            excluded += rules
        else:
            safe[p.id] = p
    conds = set(request.conditions)
    gentler: dict[str, tuple[str, str]] = {}
    for p in list(safe.values()):
        careful = [c for c in p.care_if if c in conds]
        if not careful or p.id not in safe:
            continue
        variant = safe.get(p.gentler) if p.gentler else None
        if variant is not None and not set(variant.care_if) & conds:
            gentler.setdefault(variant.id, (p.id, careful[0]))
            del safe[p.id]
            excluded.append(Excluded(p.id, "gentler-variant", careful[0], detail=variant.id))
    kept_out: dict[str, set[str]] = {}  # condition -> the practices it keeps out (each counted once)
    for ex in excluded:
        if ex.condition is not None:
            kept_out.setdefault(ex.condition, set()).add(ex.practice)
    left_out = {c: len(ids) for c, ids in kept_out.items()}
    return Eligibility(safe, tuple(excluded), gentler, left_out)


# --- lengths -------------------------------------------------------------------------


def cycle_cap(p: Practice) -> int:
    """The most cycles a breathing practice may be given: twice as written, and
    never past 8 for a pattern with long holds such as 4-7-8."""
    assert p.pacing is not None
    cap = 2 * p.pacing.cycles
    if p.pacing.hold_in >= 7:
        cap = min(cap, MAX_478_CYCLES)
    return max(cap, 1)


def min_cycles(p: Practice) -> int:
    """The fewest cycles that still make the practice's dose (as written, unless the file says fewer will do)."""
    assert p.pacing is not None
    least = p.pacing.min_cycles  # 0: the file sets no lower dose, so the cycles as written are the dose
    return min(p.pacing.cycles, least) if least else p.pacing.cycles


def _scaled(p: Practice, cycles: int) -> Practice:
    assert p.pacing is not None
    return p._replace(pacing=p.pacing._replace(cycles=cycles))


def _fit(p: Practice, room: int) -> Practice | None:
    """p as written when it fits in `room` seconds; a breathing practice with
    fewer cycles (never below its dose), or an exercise with fewer sets (one at
    least), when that fits; else None."""
    if p.seconds <= room:
        return p
    if p.reps is not None:
        for sets in range(p.reps.sets - 1, 0, -1):
            fewer = p._replace(reps=p.reps._replace(sets=sets))
            if fewer.seconds <= room:
                return fewer
        return None
    if p.pacing is None:
        return None
    lo = min_cycles(p)
    fixed = p.seconds - p.pacing.total_seconds
    cycles = min(p.pacing.cycles, int((room - fixed) // p.pacing.cycle_seconds))
    while cycles >= lo:
        candidate = _scaled(p, cycles)
        if candidate.seconds <= room:
            return candidate
        cycles -= 1
    return None


def shortest(p: Practice) -> int:
    if p.reps is not None:
        return p._replace(reps=p.reps._replace(sets=1)).seconds
    return _scaled(p, min_cycles(p)).seconds if p.pacing is not None else p.seconds


def progressed(p: Practice, factor: float) -> Practice:
    """Holds and breathing cycles grown by `factor`, within the guide's limits."""
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


def dosed(p: Practice, step: int) -> Practice:
    """An exercise at a step of its dose: each step up adds REP_STEP repetitions a set up to
    MAX_REPS, then a second of hold in each repetition up to MAX_REP_HOLD; each step back
    takes REP_STEP repetitions off (never below one). Anything else is as written."""
    if p.reps is None or step == 0:
        return p
    count, hold = p.reps.per_set, p.reps.hold
    if step < 0:
        count = max(1, count + REP_STEP * max(step, MIN_DOSE_STEP))
    for _ in range(max(step, 0)):
        grown = _step_up(count, hold)
        if grown is None:
            break
        count, hold = grown
    return p._replace(reps=p.reps._replace(per_set=count, hold=hold))


def _step_up(count: int, hold: float) -> tuple[int, float] | None:
    """A dose one step up, or None at the guide's limits."""
    if count < MAX_REPS:
        return min(MAX_REPS, count + REP_STEP), hold
    if 0 < hold < MAX_REP_HOLD:
        return count, min(float(MAX_REP_HOLD), hold + 1)
    return None


def max_dose_step(p: Practice) -> int:
    """How many steps an exercise can grow before its dose reaches the guide's limits (0: none)."""
    if p.reps is None:
        return 0
    step, dose = 0, _step_up(p.reps.per_set, p.reps.hold)
    while dose is not None:
        step, dose = step + 1, _step_up(*dose)
    return step


# --- 2. needs --------------------------------------------------------------------------


class Need(NamedTuple):
    role: str  # "area" | "goal" | "pair"
    kinds: tuple[str, ...]  # in order of preference
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


def needs(request: Request) -> list[Need]:
    stretch_first = any(g in STRETCH_GOALS for g in request.goals) and not any(g in WORK_GOALS for g in request.goals)
    area_kinds = ("stretch", "massage") if stretch_first else ("massage", "stretch")
    # Work on an area: massage and stretch first as a rule, an exercise first for strength.
    kinds = ("exercise", *area_kinds) if "strength" in request.goals else (*area_kinds, "exercise")
    out = [Need("area", kinds, area=a) for a in request.areas]
    for g in request.goals:
        if g in RELAX_GOALS:
            out.append(Need("goal", ("breathing", "meditation"), goal=g))
        elif g == "focus":
            out.append(Need("goal", ("breathing", "meditation", "stretch"), goal=g, must=False))
    if any(g in WORK_GOALS for g in request.goals):
        out.append(Need("pair", ("stretch",), must=False, any_area=request.areas))
    if any(g in EXERCISE_GOALS for g in request.goals):
        out.append(Need("area", ("exercise",), must=False, any_area=request.areas))
    for g in request.goals:
        if g in STRETCH_GOALS:
            out.append(Need("goal", ("stretch",), goal=g, must=False))
        elif g == "strength":
            out.append(Need("goal", ("exercise",), goal=g, must=False))
        elif g == "circulation":
            out.append(Need("goal", ("exercise", "massage", "stretch"), goal=g, must=False))
    return out


# --- ranking ---------------------------------------------------------------------------


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


# --- 3 and 4. choosing -------------------------------------------------------------------


class _Session:
    """The practices chosen so far, and the rules a session keeps."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.items: list[tuple[Practice, Why]] = []  # changed only by add and replace, which keep the total
        self.total = 0

    @property
    def ids(self) -> set[str]:
        return {p.id for p, _ in self.items}

    def allows(self, p: Practice) -> bool:
        """Distinct, of a family not yet in the session, within the breathing limits."""
        if p.id in self.ids or family(p) in {family(q) for q, _ in self.items}:
            return False
        if p.kind == "meditation" and sum(q.kind == "meditation" for q, _ in self.items) >= MAX_MEDITATIONS:
            return False
        if p.kind == "breathing":
            breaths = [q for q, _ in self.items if q.kind == "breathing"]
            if len(breaths) >= MAX_BREATHING:
                return False
            if holds_breath(p) and sum(holds_breath(q) for q in breaths) >= MAX_WITH_HOLDS:
                return False
        return True

    def add(self, p: Practice, why: Why, room: int | None = None) -> bool:
        fitted = _fit(p, self.budget - self.total if room is None else room)
        if fitted is None or not self.allows(p):
            return False
        self.items.append((fitted, why))
        self.total += fitted.seconds
        return True

    def replace(self, i: int, p: Practice, why: Why) -> None:
        self.total += p.seconds - self.items[i][0].seconds
        self.items[i] = (p, why)


def _why(role: str, p: Practice, request: Request, history: History, gentler: Mapping[str, tuple[str, str]]) -> Why:
    """The facts behind choosing p: only the request's areas and goals that p lists itself."""
    areas = tuple(a for a in request.areas if a in p.areas) if p.kind in PHYSICAL else ()
    goals = tuple(g for g in request.goals if g in p.goals)
    dose = history.doses.get(p.id)
    return Why(
        role=role,
        areas=areas,
        goals=goals,
        feedback=history.feedback.get(p.id),
        last_done=history.last_done.get(p.id),
        suits=next((c for c in request.conditions if c in p.prefer_if), None),
        dose=dose if dose is not None and p.reps is not None else None,
    )


def choose(
    pool: Mapping[str, Practice],
    ranks: Mapping[str, float],
    request: Request,
    history: History,
    gentler: Mapping[str, tuple[str, str]],
    library: Mapping[str, Practice],
) -> list[tuple[Practice, Why]]:
    budget = request.minutes * 60
    session = _Session(budget)
    ordered = sorted((p for p in pool.values() if ranks[p.id] >= 0), key=lambda p: -ranks[p.id])
    wanted = needs(request)
    serving = [[p for p in ordered if need.serves(p)] for need in wanted]
    least = [min((shortest(p) for p in ps), default=None) for ps in serving]
    goal_ids = {p.id for p in ordered if set(p.goals) & set(request.goals)}

    def why(role: str, p: Practice, **extra: Any) -> Why:
        w = _why(role, p, request, history, gentler)
        if p.id in gentler:
            original, condition = gentler[p.id]
            w = w._replace(
                gentler_than=library[original].name if original in library else original, condition=condition
            )
        return w._replace(**extra)

    # 3. First what is written for a condition the person has (the daily foot check with
    # diabetes), keeping room for every need that must be met.
    must_room = sum(least[j] or 0 for j, need in enumerate(wanted) if need.must)
    placed = 0
    for p in ordered:
        if placed >= MAX_PREFERRED:
            break
        if set(p.prefer_if) & set(request.conditions) and session.allows(p):
            room = budget - session.total - must_room
            if shortest(p) <= room and session.add(p, why("suits", p), room=room):
                placed += 1
    # Then each need in turn, keeping room for those still to come.
    for i, need in enumerate(wanted):
        if any(need.serves(p) for p, _ in session.items):
            continue
        later = range(i + 1, len(wanted))
        room = budget - session.total - sum(least[j] or 0 for j in later)
        if not any(shortest(p) <= room for p in serving[i]):
            room = budget - session.total - sum(least[j] or 0 for j in later if wanted[j].must)
        remaining = sum(1 for j in range(i, len(wanted)) if wanted[j].must or j == i) + sum(
            0.5 for j in later if not wanted[j].must
        )
        share = max(60, (budget - session.total) / remaining)
        options = [p for p in serving[i] if session.allows(p)]
        # the preferred kind first, keeping rank order within each kind
        options.sort(key=lambda p: need.kinds.index(p.kind))
        stand_in = None
        hurt = [r for r in history.rested.values() if r.practice in library and need.serves(library[r.practice])]
        if hurt:
            # In place of a practice that hurt: the gentlest that serves the same need.
            options.sort(key=lambda p: INTENSITIES.index(p.intensity))
            stand_in = hurt[0]
        fitting = [p for p in options if shortest(p) <= room]
        cap = share * 1.3
        small = [p for p in fitting if shortest(p) <= cap]
        # Among the three best-ranked that fit (serving a goal too, if any does), the first of a sensible length.
        top = ([p for p in small if p.id in goal_ids] or small)[:3]
        best = next((p for p in top if share * 0.3 <= p.seconds <= cap), top[0] if top else None)
        pick = _fit(best, min(room, max(shortest(best), int(cap)))) if best else None
        if pick is None and fitting:
            pick = _fit(min(fitting, key=shortest), room)
        if pick is None:
            continue
        extra: dict[str, Any] = {}
        if stand_in is not None:
            extra = {"instead_of": library[stand_in.practice].name, "rest": stand_in}
        role = need.role
        if role == "pair" and not any(q.kind == "massage" and set(q.areas) & set(pick.areas) for q, _ in session.items):
            role = "area"  # "after the massage" only when there is one
        session.add(pick, why(role, pick, **extra), room=pick.seconds)

    full: Callable[[], bool] = lambda: session.total >= budget * 0.9  # noqa: E731

    # 4. Close quietly: stress and sleep get a meditation (or breathing) when there is time.
    relax = [g for g in request.goals if g in RELAX_GOALS]
    if relax and not full() and not any(p.kind == "meditation" for p, _ in session.items):
        for kind in ("meditation", "breathing"):
            picks = [p for p in ordered if p.kind == kind and set(relax) & set(p.goals)]
            if any(session.add(p, why("close", p)) for p in picks):
                break
    # Each area: a stretch after the massage (or a massage before the stretch).
    for area in request.areas:
        have = {p.kind for p, _ in session.items if area in p.areas}
        for kind in ("stretch", "massage"):
            if full() or kind in have or not have & set(PAIRED):
                continue
            for p in ordered:
                if p.kind == kind and area in p.areas and session.add(p, why("pair", p)):
                    break
    # Spare time lengthens the breathing practices already chosen before anything is added.
    _lengthen_breathing(session, pool, until=budget * 0.9)

    def per_area_ok(p: Practice) -> bool:
        if p.kind not in PHYSICAL:
            return True
        return all(
            sum(1 for q, _ in session.items if a in q.areas and q.kind == p.kind) < 2
            for a in p.areas
            if a in request.areas
        )

    def top_up(predicate: Callable[[Practice], bool]) -> None:
        for p in ordered:
            if full():
                return
            if predicate(p) and per_area_ok(p):
                session.add(p, why("extra", p))

    top_up(lambda p: bool(set(request.areas) & set(p.areas)) and p.kind in PHYSICAL)
    top_up(lambda p: p.id in goal_ids and p.kind in ("breathing", "meditation"))
    # Still short: longer breathing, then any calm practice, then stretches (those serving a goal first).
    lo = budget * 0.75 if request.minutes >= 5 else 1
    for last_resort in (
        lambda p: p.kind in ("breathing", "meditation"),
        lambda p: p.kind == "stretch" and p.id in goal_ids,
        lambda p: p.kind == "stretch",
    ):
        if session.total < lo:
            _lengthen_breathing(session, pool, until=lo)
        if session.total < lo:
            top_up(last_resort)
    return session.items


def _lengthen_breathing(session: _Session, pool: Mapping[str, Practice], until: float) -> None:
    """Add cycles to the breathing practices chosen, up to twice as written (and the guide's caps)."""
    for i, (p, why) in enumerate(session.items):
        if p.pacing is None:
            continue
        cap = cycle_cap(pool[p.id]) if p.id in pool else p.pacing.cycles
        while session.total < until and p.pacing.cycles < cap:
            longer = _scaled(p, p.pacing.cycles + 1)
            if session.total - p.seconds + longer.seconds > session.budget:
                break
            p = longer
            session.replace(i, p, why)


# --- 5. order ------------------------------------------------------------------------------


_PHASE = {"massage": 1, "exercise": 2, "stretch": 3, "breathing": 4, "meditation": 4}


def order(chosen: list[tuple[Practice, Why]], request: Request) -> list[tuple[Practice, Why]]:
    """Arrive with the breath, massage, exercise, stretch, close quietly (the close is always last)."""
    if not chosen:
        return []
    area_pos = {a: i for i, a in enumerate(request.areas)}

    def area_key(p: Practice) -> int:
        return min((area_pos[a] for a in p.areas if a in area_pos), default=len(area_pos))

    calm = [c for c in chosen if c[0].kind in ("breathing", "meditation")]
    close = None
    if calm and len(chosen) > 1:
        # The quiet close: a meditation if there is one, else the longest breathing practice.
        close = max(calm, key=lambda c: (c[0].kind == "meditation", c[1].role == "close", c[0].seconds))
    opener = None
    short = [c for c in calm if c is not close and c[0].kind == "breathing" and c[0].seconds <= OPENER_SECONDS]
    if short:
        opener = min(short, key=lambda c: c[0].seconds)
    middle = [c for c in chosen if c is not close and c is not opener]
    middle.sort(key=lambda c: (_PHASE[c[0].kind], area_key(c[0]) if c[0].kind in PHYSICAL else 0))
    out = []
    if opener is not None:
        out.append((opener[0], opener[1]._replace(role="opener")))
    out += middle
    if close is not None:
        out.append((close[0], close[1]._replace(role="close")))
    return out


# --- the plan --------------------------------------------------------------------------------


def plan(
    library: Iterable[Practice],
    request: Request,
    day: date,
    history: History | None = None,
    *,
    avoid_yesterday: bool = True,
) -> Plan:
    history = history or History()
    practices = {p.id: p for p in library}
    found = eligibility(practices.values(), request, history)
    grown = {pid: _grown(p, history) for pid, p in found.pool.items()}
    # Practices written for the person's conditions are planned every day they fit, whatever yesterday held.
    kept = {pid for pid, p in grown.items() if set(p.prefer_if) & set(request.conditions)}

    def draw(on: date, weights: Mapping[str, float]) -> list[tuple[Practice, Why]]:
        return choose(grown, _ranks(grown.values(), on, weights), request, history, found.gentler, practices)

    if avoid_yesterday:
        # Yesterday's plain draw is drawn a quarter as often today...
        before = {p.id for p, _ in draw(day - timedelta(days=1), history.weights)}
        weights = dict(history.weights)
        for pid in before:
            weights[pid] = weights.get(pid, 1.0) * 0.25
        chosen = draw(day, weights)
        # ...and when today's draw would still be the same, try without yesterday's
        # practices, then without one of them at a time, keeping the first that
        # still meets as many needs and fits the budget.
        if {p.id for p, _ in chosen} == before:
            met = _needs_met(chosen, request)
            free = sorted(before - kept)
            for leave_out in [free, *([pid] for pid in free)]:
                other = draw(day, dict(weights, **dict.fromkeys(leave_out, 0.0)))
                if other and _needs_met(other, request) >= met and _fits(other, request):
                    chosen = other
                    break
    else:
        chosen = draw(day, history.weights)
    ordered = order(chosen, request)
    items = tuple(
        PlanItem(practice=p, seconds=p.seconds, why=why, cautions=p.cautions_for(request.conditions))
        for p, why in ordered
    )
    return Plan(
        date=day.isoformat(),
        minutes=request.minutes,
        areas=request.areas,
        goals=request.goals,
        items=items,
        left_out=found.left_out,
        notes=_notes([p for p, _ in ordered], request, history, found),
    )


def _grown(p: Practice, history: History) -> Practice:
    """p as the log has grown it: stretch holds and breathing cycles by the progression factor,
    an exercise at its dose."""
    dose = history.doses.get(p.id)
    return dosed(progressed(p, history.progression.get(p.id, 1.0)), dose.step if dose else 0)


def _needs_met(chosen: list[tuple[Practice, Why]], request: Request) -> int:
    return sum(1 for need in needs(request) if need.must and any(need.serves(p) for p, _ in chosen))


def _fits(chosen: list[tuple[Practice, Why]], request: Request) -> bool:
    total = sum(p.seconds for p, _ in chosen)
    budget = request.minutes * 60
    return total <= budget and (request.minutes < 5 or total >= budget * 0.75)


def _notes(chosen: list[Practice], request: Request, history: History, found: Eligibility) -> tuple[Note, ...]:
    """What the plan must say besides its items: limits in force first, then needs it could not meet."""
    notes: list[Note] = []
    for area in request.areas:
        limit = history.limits.get(area)
        if limit is not None:
            notes.append(Note("limit", area=area, limit=limit))
    if "fever" in request.conditions:
        notes.append(Note("fever"))
    if "recent-injury" in request.conditions and not request.injured:
        notes.append(Note("injury"))
    for need in needs(request):
        if not need.must or any(need.serves(p) for p in chosen):
            continue
        if need.area and need.area in history.limits and history.limits[need.area].kind == "paused":
            continue  # said by its limit
        safe_any = any(need.serves(p) for p in found.pool.values())
        notes.append(Note("no-time" if safe_any else "nothing-safe", area=need.area, goal=need.goal))
    budget = request.minutes * 60
    if (
        request.minutes >= 5
        and sum(p.seconds for p in chosen) < budget * 0.75
        and not any(n.kind == "no-time" for n in notes)
    ):
        notes.append(Note("short"))
    return tuple(notes)


# --- what a person chose -----------------------------------------------------------------------


def fixed(
    library: Iterable[Practice],
    request: Request,
    practice_ids: Iterable[str],
    day: date,
    history: History | None = None,
    *,
    routine: str | None = None,
) -> Plan:
    """The practices a person chose (by id, or as the named routine `routine`), in their order.

    The same eligibility as a plan of the day: a practice a rule keeps out for
    this person today is left out, and a note says which rules keep it out; one
    with a gentler variant for a condition the person has gives way to it. What
    is played is grown like any plan's (holds, cycles, an exercise's dose). No
    budget applies: the person chose the length.
    """
    history = history or History()
    practices = {p.id: p for p in library}
    wanted = list(dict.fromkeys(practice_ids))
    found = eligibility(practices.values(), request, history)
    rules: dict[str, list[Excluded]] = {}
    for ex in found.excluded:
        rules.setdefault(ex.practice, []).append(ex)
    role = "routine" if routine else "chosen"
    items: list[PlanItem] = []
    notes: list[Note] = []
    taken: set[str] = set()
    for pid in wanted:
        p = practices[pid]
        use, gentler_than, condition = pid, None, None
        if pid not in found.pool:
            swap = next((ex for ex in rules.get(pid, ()) if ex.rule == "gentler-variant"), None)
            if swap is None or swap.detail is None or swap.detail not in found.pool or swap.detail in wanted:
                notes.append(Note("left-out", practice=p.name, excluded=tuple(rules.get(pid, ()))))
                continue
            use, gentler_than, condition = swap.detail, p.name, swap.condition
        if use in taken:
            continue
        taken.add(use)
        q = _grown(found.pool[use], history)
        why = _why(role, q, request, history, found.gentler)._replace(
            areas=(), goals=(), routine=routine, gentler_than=gentler_than, condition=condition
        )
        items.append(PlanItem(practice=q, seconds=q.seconds, why=why, cautions=q.cautions_for(request.conditions)))
    areas = tuple(dict.fromkeys(a for pid in wanted for a in practices[pid].areas))
    head: list[Note] = [Note("limit", area=a, limit=history.limits[a]) for a in areas if a in history.limits]
    if "fever" in request.conditions:
        head.append(Note("fever"))
    if "recent-injury" in request.conditions and not request.injured:
        head.append(Note("injury"))
    left_out: dict[str, int] = {}
    for n in notes:
        for c in dict.fromkeys(ex.condition for ex in n.excluded if ex.condition is not None):
            left_out[c] = left_out.get(c, 0) + 1
    total = sum(item.seconds for item in items)
    return Plan(
        date=day.isoformat(),
        minutes=-(-total // 60),
        areas=(),
        goals=(),
        items=tuple(items),
        left_out=left_out,
        notes=(*head, *notes),
        routine=routine,
        chosen=() if routine else tuple(wanted),
    )
