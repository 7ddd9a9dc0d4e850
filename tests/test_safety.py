"""Safety that acts: no plan breaks a rule of docs/content-guide.md, for the real library and for a
person's own practices; red flags pause and soften; the tiers; the fever and injury rules.

`breaks` below restates the guide's rules from the guide, independently of the
planner's code, so a planner that stops applying one fails here.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.library import load
from selfcare.models import AREAS, CONDITIONS, EQUIPMENT, GOALS, INTENSITIES, POSITIONS, Pacing, Practice, Request, Step
from selfcare.planner import plan

LIBRARY = load(None, None)
DAY = date(2026, 11, 27)
HANDS_ON = ("massage", "stretch", "exercise")
MOVING = ("stretch", "exercise")
MINUTES = (5, 10, 15, 20, 30, 45, 60)


def breaks(p: Practice, conditions: tuple[str, ...], injured: tuple[str, ...] = ()) -> str | None:
    """The guide's rule that planning p for this person would break, if any."""
    c, areas, moves = set(conditions), set(p.areas), set(p.movements)
    massage = p.kind == "massage"
    if c & set(p.avoid_if):
        return "its own avoid_if"
    if "fever" in c and p.kind not in ("breathing", "meditation"):
        return "fever: breathing and meditation only"
    holds = p.pacing and (p.pacing.hold_in or p.pacing.hold_out)
    if holds and c & {"pregnancy", "heart-condition", "high-blood-pressure", "respiratory-condition"}:
        return "a breath hold"
    if p.pacing and p.pacing.cycle_seconds < 4:
        return "fast breathing"
    if "pregnancy" in c and (p.position == "lying-back" or "position" in p.unstated):
        return "lying on the back in pregnancy"
    if massage and p.intensity != "gentle":
        if c & {"anticoagulants", "osteoporosis", "cancer", "pregnancy", "postpartum"}:
            return "pressure"
        if "diabetes" in c and "feet" in areas:
            return "pressure on the feet with diabetes"
    if massage and areas & {"legs", "feet"} and c & {"blood-clots", "varicose-veins"}:
        return "leg or foot massage"
    if massage and "legs" in areas and c & {"pregnancy", "postpartum"}:
        return "leg massage with a raised clot risk"
    if "recent-injury" in c and p.kind in HANDS_ON and (not injured or areas & set(injured)):
        return "the injured area"
    if p.kind in MOVING:
        unknown = "movements" in p.unstated
        if "vertigo" in c and (unknown or moves & {"neck-side-bend", "neck-rotation", "head-down"}):
            return "a neck side bend, rotation or head-down with vertigo"
        if "osteoporosis" in c and (unknown or "spine-flexion" in moves):
            return "spinal flexion with osteoporosis"
        if "hypermobility" in c and (unknown or "end-range" in moves):
            return "end-range with hypermobility"
    if "balance-problems" in c:
        if "position" in p.unstated or "one-leg" in moves:
            return "balance"
        if p.position == "standing" and not {"wall", "chair"} & set(p.equipment):
            return "standing without support"
    return None


def assert_safe(library, request: Request, day: date) -> None:
    p = plan(library, request, day)
    for item in p.items:
        practice = library.practices[item.practice.id] if hasattr(library, "practices") else item.practice
        broken = breaks(practice, request.conditions, request.injured)
        assert broken is None, f"{practice.id} planned despite {broken} ({request.conditions})"


ALONE_AND_PAIRS = [(c,) for c in CONDITIONS] + list(itertools.combinations(CONDITIONS, 2))


@pytest.mark.parametrize("conditions", ALONE_AND_PAIRS, ids="+".join)
def test_no_plan_of_the_real_library_breaks_a_rule(conditions: tuple[str, ...]) -> None:
    n = ALONE_AND_PAIRS.index(conditions)
    areas = list(AREAS)
    request = Request(
        MINUTES[n % len(MINUTES)],
        (areas[n % len(areas)], areas[(n * 5 + 3) % len(areas)]),
        (list(GOALS)[n % len(GOALS)],),
        conditions,
        tuple(EQUIPMENT),
    )
    assert_safe(LIBRARY, request, DAY + timedelta(days=n))


# --- a person's own practices ---------------------------------------------------------------

SAFETY_FIELDS = ("intensity", "position", "movements")


@st.composite
def own_practices(draw) -> Practice:
    kind = draw(st.sampled_from(["massage", "stretch", "breathing", "meditation"]))
    unstated = tuple(f for f in SAFETY_FIELDS if draw(st.booleans()))
    pacing = None
    if kind == "breathing":
        hold = draw(st.sampled_from([0, 0, 2, 5, 7]))
        pacing = Pacing(
            inhale=draw(st.sampled_from([1, 2, 4])), exhale=draw(st.sampled_from([1, 4, 6])), cycles=6, hold_in=hold
        )
    return Practice(
        id=f"my-{draw(st.integers(0, 10**6))}",
        name="Mine",
        kind=kind,
        areas=tuple(draw(st.lists(st.sampled_from(list(AREAS)), min_size=1, max_size=2, unique=True))),
        goals=tuple(draw(st.lists(st.sampled_from(list(GOALS)), min_size=1, max_size=2, unique=True))),
        summary="Mine.",
        steps=(Step("Do it gently.", draw(st.sampled_from([30, 60, 120]))),),
        pacing=pacing,
        intensity="moderate" if "intensity" in unstated else draw(st.sampled_from(INTENSITIES)),
        position="sitting" if "position" in unstated else draw(st.sampled_from(POSITIONS)),
        movements=()
        if "movements" in unstated
        else tuple(
            draw(
                st.lists(
                    st.sampled_from(
                        ["neck-side-bend", "neck-rotation", "head-down", "spine-flexion", "end-range", "one-leg"]
                    ),
                    max_size=2,
                    unique=True,
                )
            )
        ),
        equipment=tuple(draw(st.lists(st.sampled_from(["wall", "chair"]), max_size=1))),
        origin="my-routines.yaml",
        unstated=unstated,
    )


class _Lib:
    def __init__(self, practices: list[Practice]) -> None:
        self.practices = {p.id: p for p in practices}

    def __iter__(self):
        return iter(self.practices.values())


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mine=st.lists(own_practices(), min_size=1, max_size=6, unique_by=lambda p: p.id),
    conditions=st.sampled_from(ALONE_AND_PAIRS),
    minutes=st.sampled_from(MINUTES),
    day=st.integers(0, 365),
)
def test_no_plan_breaks_a_rule_with_a_persons_own_practices(mine, conditions, minutes, day) -> None:
    library = _Lib([*LIBRARY, *mine])
    areas = tuple(dict.fromkeys(a for p in mine for a in p.areas))[:3]
    goals = tuple(dict.fromkeys(g for p in mine for g in p.goals))[:2]
    assert_safe(library, Request(minutes, areas, goals, conditions, tuple(EQUIPMENT)), DAY + timedelta(days=day))


def test_a_breathing_practice_of_ones_own_with_holds_is_never_planned_with_high_blood_pressure(run, home: Path) -> None:
    folder = home / "routines"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text(
        "practices:\n"
        "  - id: my-hold-breath\n    name: Hold and release\n    kind: breathing\n    areas: [chest]\n"
        "    goals: [stress, sleep]\n    summary: Breathe in, hold, breathe out.\n"
        "    pacing: {inhale: 4, hold_in: 5, exhale: 6, cycles: 6}\n"
    )
    run("profile", "set", "goals", "stress,sleep")
    run("profile", "set", "conditions", "high-blood-pressure")
    for n in range(40):
        day = (DAY - timedelta(days=n)).isoformat()
        assert "my-hold-breath" not in [i["id"] for i in run.json("today", "--date", day)["items"]]
    shown = run("routines", "validate", str(folder / "mine.yaml")).stdout
    assert "never planned with" in shown and "high blood pressure" in shown and "holds the breath" in shown
    listed = {p["id"]: p for p in run.json("routines", "list", "--for-me")}
    assert not listed["my-hold-breath"]["for_me"]
    assert any("holds the breath" in why for why in listed["my-hold-breath"]["why_not"])


# --- warnings that act ----------------------------------------------------------------------

NECK_HANDS_ON = {p.id for p in LIBRARY if "neck" in p.areas and p.kind in HANDS_ON}


def test_pain_rising_twice_pauses_the_area_and_the_plan_says_how_to_resume(run) -> None:
    neck = sorted(NECK_HANDS_ON)[0]
    run("log", neck, "--pain-before", "3", "--pain-after", "4", "--date", "2026-11-25")
    out = run("log", neck, "--pain-before", "3", "--pain-after", "5", "--date", "2026-11-26").stdout
    assert "paused" in out
    for n in range(13):  # the 14 days from the flag on 26 Nov
        day = (DAY + timedelta(days=n)).isoformat()
        plan_ = run.json("today", "--area", "neck", "--minutes", "15", "--date", day)
        assert not {i["id"] for i in plan_["items"]} & NECK_HANDS_ON, day
    screen = run("today", "--area", "neck").stdout
    assert "paused until" in screen and "selfcare red-flags --clear neck" in screen
    # A second pair of rising sessions does not repeat the message.
    again = run("log", neck, "--pain-before", "3", "--pain-after", "6").stdout
    assert "higher after your last two sessions" not in again
    assert "does not suit your profile" in again and "paused after a red flag" in again
    # Cleared after seeing someone: the neck practices can come back.
    assert "Cleared your neck" in run("red-flags", "--clear", "Neck").stdout
    back = set()
    for n in range(7):
        day = (DAY + timedelta(days=n)).isoformat()
        back |= {i["id"] for i in run.json("today", "--area", "neck", "--minutes", "15", "--date", day)["items"]}
    assert back & NECK_HANDS_ON


def test_high_pain_limits_that_sessions_areas_to_gentle_practices(run) -> None:
    firm_neck = [p.id for p in LIBRARY if "neck" in p.areas and p.kind == "massage" and p.intensity != "gentle"]
    run("log", sorted(NECK_HANDS_ON)[0], "--pain-before", "8", "--pain-after", "7", "--date", "2026-11-26")
    for n in range(10):
        day = (DAY + timedelta(days=n)).isoformat()
        items = run.json("today", "--area", "neck", "--minutes", "20", "--date", day)["items"]
        for item in items:
            p = LIBRARY.practices[item["id"]]
            if "neck" in p.areas and p.kind in HANDS_ON:
                assert p.intensity == "gentle", (day, p.id)
        assert not {i["id"] for i in items} & set(firm_neck)
    assert "Only gentle practices for your neck" in run("today", "--area", "neck").stdout


def test_fever_plans_breathing_and_meditation_only_with_the_stiff_neck_warning(run) -> None:
    run("profile", "set", "conditions", "fever")
    shown = run.json("today", "--area", "neck", "--minutes", "20")
    assert shown["items"] and {i["kind"] for i in shown["items"]} <= {"breathing", "meditation"}
    assert any("stiff neck" in n["text"] for n in shown["notes"])
    assert "stiff neck" in run("today", "--area", "neck", "--minutes", "20").stdout


def test_a_recent_injury_avoids_the_injured_area_only(run) -> None:
    run("profile", "set", "conditions", "recent-injury")
    assert "profile set injured" in run("today", "--area", "neck,shoulders").stdout
    run("profile", "set", "injured", "shoulders")
    seen = set()
    for n in range(14):
        day = (DAY + timedelta(days=n)).isoformat()
        for item in run.json("today", "--area", "neck,shoulders", "--minutes", "15", "--date", day)["items"]:
            p = LIBRARY.practices[item["id"]]
            assert not ("shoulders" in p.areas and p.kind in HANDS_ON), p.id
            seen |= set(p.areas) if p.kind in HANDS_ON else set()
    assert "neck" in seen, "the uninjured area is still worked on"


def test_log_warns_about_a_practice_unsuitable_for_the_profile_and_still_logs_it(run) -> None:
    run("profile", "set", "conditions", "pregnancy")
    leg = next(p.id for p in LIBRARY if p.kind == "massage" and "legs" in p.areas)
    out = run("log", leg).stdout
    assert "does not suit your profile" in out and "pregnancy" in out
    assert run.json("history")[0]["practices"] == [leg]


# --- the tiers --------------------------------------------------------------------------------


def test_red_flags_open_with_the_emergency_tier(run) -> None:
    out = run("red-flags").stdout
    first_heading = out.splitlines()[0]
    assert "emergency number" in first_heading and "112, 911 or 999" in first_heading
    emergency = out.split("See a doctor today")[0]
    for sign in ("stroke", "face drooping", "genitals", "bladder", "calf", "breathlessness", "harming yourself"):
        assert sign in emergency, sign
    assert out.index("See a doctor today") < out.index("Book an appointment")
