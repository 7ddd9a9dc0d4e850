"""The planner: budget, coverage, goals, safety, determinism and variety, on the real library."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from conftest import examples
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from selfcare.library import load
from selfcare.models import AREAS, CONDITIONS, Request
from selfcare.planner import plan

LIBRARY = load(None, None)
GOAL_SETS = [
    ("tension",),
    ("stress",),
    ("sleep",),
    ("flexibility",),
    ("pain-relief",),
    ("tension", "stress"),
    ("pain-relief", "sleep"),
    ("flexibility", "stress"),
    ("focus",),
    ("posture", "circulation"),
]
requests = st.builds(
    Request,
    minutes=st.sampled_from([5, 10, 15, 20, 30]),
    areas=st.lists(st.sampled_from(list(AREAS)), min_size=1, max_size=4, unique=True).map(tuple),
    goals=st.sampled_from(GOAL_SETS),
    conditions=st.lists(st.sampled_from(list(CONDITIONS)), max_size=3, unique=True).map(tuple),
)
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


def physical_areas(p) -> set[str]:
    return {a for item in p.items if item.practice.kind in ("massage", "stretch") for a in item.practice.areas}


@settings(max_examples=examples(400), deadline=None)
@given(request=requests, day=days)
def test_plan_fits_the_budget_covers_areas_and_serves_goals(request: Request, day: date) -> None:
    p = plan(LIBRARY, request, day)
    budget = request.minutes * 60
    assert 0.75 * budget <= p.total_seconds <= 1.05 * budget
    safe = [q for q in LIBRARY if not set(q.avoid_if) & set(request.conditions) and q.kind in ("massage", "stretch")]
    time_for_all = budget >= 240 * len(request.areas)  # "about four minutes an area"
    for area in request.areas:
        if not any(area in q.areas for q in safe):
            assert any("nothing safe" in note and AREAS[area] in note for note in p.notes)
        elif time_for_all or not request.conditions:
            assert area in physical_areas(p), p.notes
        else:
            assert area in physical_areas(p) or any(AREAS[area] in note for note in p.notes)
    kinds = [item.practice.kind for item in p.items]
    if {"stress", "sleep"} & set(request.goals):
        assert {"breathing", "meditation"} & set(kinds)
    near = [q for q in safe if set(q.areas) & set(request.areas)]
    if "flexibility" in request.goals and any(q.kind == "stretch" for q in safe) and time_for_all:
        assert "stretch" in kinds
    if {"tension", "pain-relief"} & set(request.goals) and near:
        assert "massage" in kinds or "stretch" in kinds
    assert len({item.practice.id for item in p.items}) == len(p.items)
    assert all(item.reason for item in p.items)


@settings(max_examples=examples(300), deadline=None)
@given(request=requests, day=days)
def test_no_practice_meets_a_condition_it_must_avoid(request: Request, day: date) -> None:
    p = plan(LIBRARY, request, day)
    for item in p.items:
        assert not set(item.practice.avoid_if) & set(request.conditions), item.practice.id
    if any(set(q.avoid_if) & set(request.conditions) for q in LIBRARY):
        assert p.left_out


@settings(max_examples=examples(100), deadline=None)
@given(request=requests, day=days)
def test_same_plan_all_day(request: Request, day: date) -> None:
    first = plan(LIBRARY, request, day)
    again = plan(LIBRARY, request, day)
    assert [(i.practice.id, i.seconds, i.reason) for i in first.items] == [
        (i.practice.id, i.seconds, i.reason) for i in again.items
    ]


@settings(max_examples=examples(80), deadline=None)
@given(request=requests, day=days)
def test_a_week_brings_at_least_three_different_plans(request: Request, day: date) -> None:
    assume(request.minutes * 60 >= 150 * len(request.areas))  # room to choose: 2.5 min an area
    request = request._replace(conditions=())  # conditions narrow the choice on purpose; safety is tested apart
    week = [tuple(i.practice.id for i in plan(LIBRARY, request, day + timedelta(days=n)).items) for n in range(7)]
    assert len(set(week)) >= 3, week


@pytest.mark.parametrize(
    ("minutes", "areas"), [(10, ("neck", "shoulders")), (15, ("lower-back",)), (20, ("feet", "neck"))]
)
def test_no_day_repeats_yesterday_over_two_months(minutes: int, areas: tuple[str, ...]) -> None:
    request = Request(minutes, areas, ("tension", "stress"))
    days = [
        tuple(i.practice.id for i in plan(LIBRARY, request, date(2026, 11, 1) + timedelta(days=n)).items)
        for n in range(60)
    ]
    assert all(a != b for a, b in itertools.pairwise(days))


@pytest.mark.parametrize("condition", ["pregnancy", "osteoporosis", "blood-clots"])
def test_named_conditions_remove_what_the_library_says(condition: str) -> None:
    contraindicated = {p.id for p in LIBRARY if condition in p.avoid_if}
    assert contraindicated, f"the library marks nothing for {condition}"
    for minutes in (5, 10, 15, 20, 30):
        for n in range(14):
            request = Request(
                minutes, ("neck", "shoulders", "lower-back", "feet"), ("tension", "flexibility"), (condition,)
            )
            p = plan(LIBRARY, request, date(2026, 11, 1) + timedelta(days=n))
            assert not {i.practice.id for i in p.items} & contraindicated
            assert p.left_out.get(condition)
