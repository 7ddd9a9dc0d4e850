"""docs/rules.md and the code say the same thing: every example table there is run here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from selfcare import stats
from selfcare.days import day_of

DOC = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text()


def table(section: str) -> list[list[str]]:
    """The rows of the first Markdown table under the heading `## section`."""
    body = DOC.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in body.splitlines() if line.startswith("|")]
    assert len(rows) > 2, f"no example table under {section}"
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def days_2026(cell: str) -> list[str]:
    return [f"2026-{d.strip()}" for d in cell.split(",") if d.strip()]


@pytest.mark.parametrize("row", table("A day"), ids=str)
def test_the_day_boundary_examples(row: list[str]) -> None:
    moment, starts, counts_for = row
    assert day_of(datetime.fromisoformat(moment), starts).isoformat() == counts_for


@pytest.mark.parametrize("row", table("The streak"), ids=str)
def test_the_streak_examples(row: list[str]) -> None:
    done, rest, as_of, current, longest = row
    result = stats.streak(days_2026(done), days_2026(rest), date.fromisoformat(days_2026(as_of)[0]), 7)
    assert (result.current, result.longest) == (int(current), int(longest))


@pytest.mark.parametrize("row", table("Weeks and the weekly target"), ids=str)
def test_the_weekly_target_examples(row: list[str]) -> None:
    per_week, rest_days, target = (int(c) for c in row)
    monday = date(2026, 3, 2)
    rest = {monday + timedelta(days=i) for i in range(rest_days)}
    assert stats.week_target(monday, rest, per_week) == target
    # ...and the streak a person sees uses the same target.
    assert stats.streak([], rest, monday + timedelta(days=6), per_week).week_target == target


@pytest.mark.parametrize("row", table("Consistency"), ids=str)
def test_the_consistency_examples(row: list[str]) -> None:
    window, before, rest, active, share = row
    assert stats.consistency(int(active), int(window), int(rest), int(before)) == pytest.approx(float(share))


@pytest.mark.parametrize("row", table("Habit strength"), ids=str)
def test_the_habit_strength_examples(row: list[str]) -> None:
    n, score = int(row[0]), float(row[1])
    start = date(2026, 1, 1)
    logged = [start + timedelta(days=i) for i in range(n)]
    assert stats.habit_strength(logged, [], logged[-1], 7) == pytest.approx(score, abs=5e-4)


def test_the_readme_states_the_same_week_rule() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "docs/rules.md" in readme
    assert "days_per_week × (days of the week not set aside) / 7" in DOC
