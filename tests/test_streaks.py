"""The rules for days, streaks and weeks (docs/rules.md), as a table, and their properties."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from selfcare import stats


def d(text: str) -> date:
    return date.fromisoformat(text)


def days(*texts: str) -> set[date]:
    return {d(t) for t in texts}


# (case, done days, rest days, as-of, current, longest)
STREAKS = [
    ("nothing logged", [], [], "2026-03-10", 0, 0),
    ("three in a row, today done", ["2026-03-08", "2026-03-09", "2026-03-10"], [], "2026-03-10", 3, 3),
    ("today not yet done keeps the streak", ["2026-03-08", "2026-03-09"], [], "2026-03-10", 2, 2),
    ("a missed day before yesterday breaks it", ["2026-03-07", "2026-03-08"], [], "2026-03-10", 0, 2),
    (
        "a gap splits runs",
        ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-05", "2026-03-06"],
        [],
        "2026-03-06",
        2,
        3,
    ),
    (
        "a rest day inside a run neither breaks nor adds",
        ["2026-03-07", "2026-03-09", "2026-03-10"],
        ["2026-03-08"],
        "2026-03-10",
        3,
        3,
    ),
    ("rest days before an open today", ["2026-03-07"], ["2026-03-08", "2026-03-09"], "2026-03-10", 1, 1),
    ("as-of is a rest day", ["2026-03-08", "2026-03-09"], ["2026-03-10"], "2026-03-10", 2, 2),
    ("across a month end", ["2026-01-30", "2026-01-31", "2026-02-01"], [], "2026-02-01", 3, 3),
    ("across a leap day", ["2028-02-28", "2028-02-29", "2028-03-01"], [], "2028-03-01", 3, 3),
    ("across a year end", ["2025-12-30", "2025-12-31", "2026-01-01"], [], "2026-01-02", 3, 3),
    ("days after as-of are ignored", ["2026-03-09", "2026-03-10", "2026-03-11"], [], "2026-03-10", 2, 2),
    ("only rest days", [], ["2026-03-09", "2026-03-10"], "2026-03-10", 0, 0),
]


@pytest.mark.parametrize(("case", "done", "rest", "as_of", "current", "longest"), STREAKS, ids=[s[0] for s in STREAKS])
def test_streak_rules(case: str, done: list[str], rest: list[str], as_of: str, current: int, longest: int) -> None:
    result = stats.streak(done, rest, d(as_of), 7)
    assert (result.current, result.longest) == (current, longest), case
    assert result.done_today == (d(as_of) in days(*done))


# (case, done days, rest days, as-of, days_per_week, week_days_done, week_streak)
WEEKS = [
    # 2026-03-02 is a Monday.
    ("target met this week", ["2026-03-02", "2026-03-03", "2026-03-04"], [], "2026-03-04", 3, 3, 1),
    ("target not met yet this week", ["2026-03-02", "2026-03-03"], [], "2026-03-04", 3, 2, 0),
    ("last week met, this week not yet", ["2026-02-23", "2026-02-25", "2026-02-27"], [], "2026-03-04", 3, 0, 1),
    (
        "two weeks met then this one",
        ["2026-02-16", "2026-02-17", "2026-02-23", "2026-02-24", "2026-03-02", "2026-03-03"],
        [],
        "2026-03-04",
        2,
        2,
        3,
    ),
    ("a missed week ends the run", ["2026-02-09", "2026-02-10", "2026-02-23", "2026-02-24"], [], "2026-03-04", 2, 0, 1),
    ("weekly target 7 missed by one", [f"2026-02-{n:02d}" for n in range(23, 29)], [], "2026-03-01", 7, 6, 0),
    (
        "rest days lower that week's target",
        ["2026-02-23", "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27"],
        ["2026-02-28", "2026-03-01"],
        "2026-03-02",
        7,
        0,
        1,
    ),
    (
        "a week of rest is skipped",
        ["2026-02-16", "2026-02-17"],
        [f"2026-02-{n}" for n in range(23, 29)] + ["2026-03-01"],
        "2026-03-04",
        2,
        0,
        1,
    ),
]


@pytest.mark.parametrize(
    ("case", "done", "rest", "as_of", "target", "week_done", "week_streak"), WEEKS, ids=[w[0] for w in WEEKS]
)
def test_week_rules(
    case: str, done: list[str], rest: list[str], as_of: str, target: int, week_done: int, week_streak: int
) -> None:
    result = stats.streak(done, rest, d(as_of), target)
    assert result.week_days_done == week_done, case
    assert result.week_streak == week_streak, case


def test_last_days_marks() -> None:
    result = stats.streak(["2026-03-05", "2026-03-09"], ["2026-03-08"], d("2026-03-10"), 7)
    marks = dict(result.last_days)
    assert len(result.last_days) == 14
    assert marks["2026-03-09"] == "done" and marks["2026-03-08"] == "rest"
    assert marks["2026-03-10"] == "today" and marks["2026-03-07"] == "missed"
    # Days before the first session are not misses.
    assert marks["2026-03-04"] == "before" and marks["2026-03-05"] == "done"


def test_habit_strength_daily_matches_loop_formula() -> None:
    start = d("2026-01-01")
    for n in (1, 5, 13, 40):
        logged = [start + timedelta(days=i) for i in range(n)]
        score = stats.habit_strength(logged, [], logged[-1], 7)
        assert score == pytest.approx(1 - 0.5 ** (n / 13), abs=1e-9)


def test_habit_strength_survives_one_missed_day_and_rest_days_are_dropped() -> None:
    start = d("2026-01-01")
    logged = [start + timedelta(days=i) for i in range(60) if i != 50]
    with_gap = stats.habit_strength(logged, [], start + timedelta(days=59), 7)
    assert with_gap > 0.9
    as_rest = stats.habit_strength(logged, [start + timedelta(days=50)], start + timedelta(days=59), 7)
    full = stats.habit_strength([start + timedelta(days=i) for i in range(59)], [], start + timedelta(days=58), 7)
    assert as_rest == pytest.approx(full)


def test_habit_strength_weekly_target_uses_a_fourteen_day_window() -> None:
    start = d("2026-01-05")  # Monday
    three_a_week = [start + timedelta(days=7 * w + k) for w in range(10) for k in (0, 2, 4)]
    score_3 = stats.habit_strength(three_a_week, [], start + timedelta(days=69), 3)
    score_7 = stats.habit_strength(three_a_week, [], start + timedelta(days=69), 7)
    assert score_3 > 0.85 > score_7


dates = st.lists(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)), max_size=120)
# days logged, rest days, an as-of day and a weekly target
LOGS = dict(
    done=dates,
    rest=dates,
    as_of=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 1, 31)),
    target=st.integers(1, 7),
)


@settings(max_examples=examples(300), deadline=None)
@given(**LOGS)
def test_streak_never_exceeds_distinct_days_logged(
    done: list[date], rest: list[date], as_of: date, target: int
) -> None:
    result = stats.streak(done, rest, as_of, target)
    counted = {x for x in done if x <= as_of}
    assert 0 <= result.current <= result.longest <= len(counted) == result.total_days
    assert 0 <= result.week_days_done <= 7


@settings(max_examples=examples(300), deadline=None)
@given(**LOGS)
def test_habit_strength_stays_between_zero_and_one(
    done: list[date], rest: list[date], as_of: date, target: int
) -> None:
    score = stats.habit_strength(done, rest, as_of, target)
    assert 0.0 <= score <= 1.0 and not math.isnan(score)


@settings(max_examples=examples(200), deadline=None)
@given(done=st.lists(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 6, 30)), min_size=1, max_size=90))
def test_habit_strength_never_falls_on_a_logged_day_of_a_daily_habit(done: list[date]) -> None:
    logged = sorted(set(done))
    for day in logged[1:]:
        before = stats.habit_strength(logged, [], day - timedelta(days=1), 7)
        on = stats.habit_strength(logged, [], day, 7)
        assert on >= before - 1e-12


@settings(max_examples=examples(30), deadline=None)
@given(
    share=st.floats(min_value=0.05, max_value=1.0),
    seed=st.integers(min_value=0, max_value=2**32),
    target=st.integers(min_value=1, max_value=7),
)
def test_days_beyond_the_horizon_do_not_change_the_habit_strength(share: float, seed: int, target: int) -> None:
    # Ten years of practice on a random share of days: the report reads only the last
    # HABIT_HORIZON_DAYS, and the figure it shows must be the one the whole log gives.
    import random

    rnd = random.Random(seed)
    as_of = date(2026, 11, 27)
    done = [as_of - timedelta(days=i) for i in range(3650) if rnd.random() < share]
    horizon = as_of - timedelta(days=stats.HABIT_HORIZON_DAYS)
    whole = stats.habit_strength(done, [], as_of, target)
    recent = stats.habit_strength([d for d in done if d >= horizon], [], as_of, target)
    assert abs(whole - recent) < 1e-9
