"""The coach: conditions change plans, feedback steers them, progression, red flags, the therapist page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from selfcare import coach
from selfcare.library import load
from selfcare.models import CONDITIONS, EQUIPMENT, Request, Session
from selfcare.planner import MAX_478_CYCLES, MAX_HOLD_SECONDS, plan
from selfcare.store import open_store
from selfcare.words import reason

LIBRARY = load(None, None)
DAY = date(2026, 11, 27)


def _profile_for(condition: str) -> Request:
    touched = [p for p in LIBRARY if condition in p.avoid_if or condition in p.care_if]
    areas = tuple(dict.fromkeys(a for p in touched for a in p.areas if p.kind in ("massage", "stretch")))[:3]
    goals = tuple(dict.fromkeys(g for p in touched for g in p.goals))[:3]
    return Request(20, areas or ("neck",), goals or ("stress",), (condition,), tuple(EQUIPMENT))


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_each_condition_changes_the_plan_as_the_library_says(condition: str) -> None:
    request = _profile_for(condition)
    plain = Request(request.minutes, request.areas, request.goals, ())
    changed = False
    for n in range(14):
        day = DAY + timedelta(days=n)
        careful = plan(LIBRARY, request, day)
        ids = [i.practice.id for i in careful.items]
        for item in careful.items:
            p = item.practice
            assert condition not in p.avoid_if, (condition, p.id)
            if condition in p.care_if and p.gentler:
                gentler = LIBRARY.practices[p.gentler]
                assert condition in gentler.avoid_if, f"{p.id} kept although {gentler.id} is gentler"
        assert careful.left_out.get(condition), condition
        changed |= ids != [i.practice.id for i in plan(LIBRARY, plain, day).items]
    assert changed, f"{condition} never changed a plan"


def test_not_sure_in_the_health_screen_plans_like_yes(run) -> None:
    n = len(CONDITIONS)
    base = ["neck,shoulders", "tension,stress", "10", "7", "04:00"]
    run("profile", "setup", input="\n".join(base + ["y"] + ["n"] * (n - 1)) + "\n")
    yes = run.json("today")
    run("profile", "setup", input="\n".join(base + ["?"] + ["n"] * (n - 1)) + "\n")
    assert run.json("profile", "show")["conditions"] == ["pregnancy"]
    assert run.json("today") == yes


# --- feedback -----------------------------------------------------------------


def _session(day: date, practices: tuple[str, ...], pain: tuple[int, int] | None = None, **extra) -> Session:
    import uuid

    return Session(
        id=str(uuid.uuid4()),
        day=day.isoformat(),
        logged_at=f"{day.isoformat()}T18:00:00+01:00",
        practices=practices,
        seconds=sum(LIBRARY.practices[p].seconds for p in practices),
        pain_before=pain[0] if pain else None,
        pain_after=pain[1] if pain else None,
        **extra,
    )


NECK = Request(10, ("neck",), ("tension",))
NECK_MASSAGES = [
    p.id for p in LIBRARY if p.kind == "massage" and "neck" in p.areas and set(p.equipment) <= set(NECK.equipment)
]


def _ids_over(store, days: range, request: Request = NECK) -> list[list[str]]:
    out = []
    for n in days:
        day = DAY + timedelta(days=n)
        out.append([i.practice.id for i in plan(LIBRARY, request, day, coach.history(store, LIBRARY, day)).items])
    return out


def test_a_practice_that_raised_pain_is_rested_and_its_replacement_says_why(tmp_path: Path) -> None:
    with open_store(tmp_path / "log.db") as store:
        baseline = _ids_over(store, range(10))
        culprit = max(NECK_MASSAGES, key=lambda pid: sum(pid in day for day in baseline))
        assert any(culprit in day for day in baseline)
        for n in (3, 2, 1):
            store.add_session(_session(DAY - timedelta(days=n), (culprit,), (4, 6)))
        for n in range(10):
            day = DAY + timedelta(days=n)
            p = plan(LIBRARY, NECK, day, coach.history(store, LIBRARY, day))
            assert culprit not in [i.practice.id for i in p.items]
            name = LIBRARY.practices[culprit].name
            assert any(f"instead of {name}" in reason(i) and "4 → 6" in reason(i) for i in p.items), [
                reason(i) for i in p.items
            ]


def test_too_intense_rests_a_practice(run) -> None:
    listed = {p["id"]: p for p in run.json("routines", "list")}
    culprit = next(pid for pid in NECK_MASSAGES if listed[pid]["kind"] == "massage")
    run("log", culprit, "--too-intense", culprit, "--date", "yesterday")
    for n in range(7):
        day = (DAY + timedelta(days=n)).isoformat()
        assert culprit not in [
            i["id"] for i in run.json("today", "--area", "neck", "--goal", "tension", "--date", day)["items"]
        ]
    assert "not in this session" in run.fails("log", NECK_MASSAGES[0], "--too-intense", NECK_MASSAGES[1])


def test_a_practice_that_helped_comes_more_often_and_says_what_the_log_shows(tmp_path: Path) -> None:
    with open_store(tmp_path / "log.db") as store:
        baseline = _ids_over(store, range(27))
        rare = min(NECK_MASSAGES, key=lambda pid: sum(pid in day for day in baseline))
        # Two sessions are too few to say anything.
        for n, pain in ((30, (6, 3)), (25, (5, 3))):
            store.add_session(_session(DAY - timedelta(days=n), (rare,), pain))
        assert rare not in coach.history(store, LIBRARY, DAY).feedback
        store.add_session(_session(DAY - timedelta(days=20), (rare,), (7, 3)))
        helped = _ids_over(store, range(27))
        before = sum(rare in day for day in baseline)
        after = sum(rare in day for day in helped)
        assert after > before, (before, after)
        day = next(DAY + timedelta(days=n) for n in range(27) if rare in helped[n])
        item = next(
            i for i in plan(LIBRARY, NECK, day, coach.history(store, LIBRARY, day)).items if i.practice.id == rare
        )
        assert "in the 3 sessions that included it, pain fell on average 6.0 → 3.0" in reason(item)
        assert "neck" not in reason(item).split(";", 1)[1], "a session-wide rating is never credited to an area"


def test_a_practice_marked_too_intense_since_gets_no_credit(tmp_path: Path) -> None:
    with open_store(tmp_path / "log.db") as store:
        pid = NECK_MASSAGES[0]
        for n in (10, 8, 6):
            store.add_session(_session(DAY - timedelta(days=n), (pid,), (6, 3)))
        assert pid in coach.history(store, LIBRARY, DAY).feedback
        store.add_session(_session(DAY - timedelta(days=2), (pid,), too_intense=(pid,)))
        assert pid not in coach.history(store, LIBRARY, DAY).feedback


def test_a_long_unused_practice_comes_back_for_variety(tmp_path: Path) -> None:
    with open_store(tmp_path / "log.db") as store:
        old = NECK_MASSAGES[0]
        store.add_session(_session(DAY - timedelta(days=40), (old,)))
        facts = coach.history(store, LIBRARY, DAY)
        assert facts.weights[old] > 1 and facts.last_done[old] == (DAY - timedelta(days=40)).isoformat()


def test_feedback_is_deterministic_for_a_day_and_a_log(tmp_path: Path) -> None:
    with open_store(tmp_path / "log.db") as store:
        store.add_session(_session(DAY - timedelta(days=2), (NECK_MASSAGES[0],), (5, 2)))
        assert _ids_over(store, range(5)) == _ids_over(store, range(5))


# --- progression --------------------------------------------------------------


def test_progression_after_three_weeks_shows_in_today_and_report(run, monkeypatch) -> None:
    run("profile", "set", "areas", "neck,shoulders")
    run("profile", "set", "goals", "flexibility,sleep")
    run("profile", "set", "minutes", "30")
    written = {
        p["id"]: run.json("routines", "show", p["id"])
        for p in run.json("routines", "list")
        if p["kind"] in ("stretch", "breathing")
    }
    before = run.json("today")
    for n in range(1, 22):
        run("log", "stretch-neck-side-bend", "--date", (DAY - timedelta(days=n)).isoformat())
    after = run.json("today")
    grown = [i for i in after["items"] if i["id"] in written and i["seconds"] > written[i["id"]]["seconds"]]
    assert grown, "no stretch or breathing practice grew"
    assert after != before
    report = run.json("report")
    assert report["progression"]["level"] > 1 and "grown" in report["progression"]["message"]


def test_progression_never_passes_content_limits() -> None:
    from selfcare.planner import progressed

    for p in LIBRARY:
        for factor in (1.25, 1.5, 3.0):
            q = progressed(p, factor)
            if q.pacing and (q.pacing.inhale, q.pacing.hold_in, q.pacing.exhale) == (4, 7, 8):
                assert q.pacing.cycles <= MAX_478_CYCLES
            if q.kind == "stretch":
                grown = [s for s, o in zip(q.steps, p.steps, strict=True) if s.seconds != o.seconds]
                assert all(s.seconds <= MAX_HOLD_SECONDS for s in grown)
    big = [plan(LIBRARY, Request(30, ("chest",), ("sleep",)), DAY + timedelta(days=n)) for n in range(30)]
    for p in big:
        for item in p.items:
            if item.practice.pacing and item.practice.pacing.hold_in >= 7:
                assert item.practice.pacing.cycles <= MAX_478_CYCLES


# --- red flags ----------------------------------------------------------------


def _neck() -> str:
    return NECK_MASSAGES[0]


def test_high_pain_raises_a_flag_and_a_healthy_log_stays_quiet(run) -> None:
    quiet = run("log", _neck(), "--pain-before", "3", "--pain-after", "2").stdout
    assert "!" not in quiet
    loud = run("log", _neck(), "--pain-before", "8", "--pain-after", "6").stdout
    assert "8/10" in loud and "physiotherapist or doctor" in loud


def test_pain_higher_after_twice_in_a_row_for_an_area(run) -> None:
    first = run("log", _neck(), "--pain-before", "3", "--pain-after", "4", "--date", "2026-11-25").stdout
    assert "!" not in first
    second = run("log", _neck(), "--pain-before", "3", "--pain-after", "5", "--date", "2026-11-26").stdout
    assert "higher after your last two sessions" in second and "neck" in second
    better = run("log", _neck(), "--pain-before", "5", "--pain-after", "3").stdout
    assert "higher after" not in better


def test_no_fall_in_pain_after_two_weeks_of_regular_practice(run) -> None:
    for n in range(14, 0, -1):
        out = run(
            "log", _neck(), "--pain-before", "5", "--pain-after", "5", "--date", (DAY - timedelta(days=n)).isoformat()
        ).stdout
    assert "has not eased" in out and "physiotherapist" in out


def test_two_weeks_of_falling_pain_raises_nothing(run) -> None:
    outs = []
    for n in range(14, 0, -1):
        pain = 3 + n // 5  # 5 falling to 3
        outs.append(
            run(
                "log",
                _neck(),
                "--pain-before",
                str(pain),
                "--pain-after",
                str(pain - 1),
                "--date",
                (DAY - timedelta(days=n)).isoformat(),
            ).stdout
        )
    assert not any("!" in o for o in outs)


def test_red_flags_command_lists_the_symptoms(run) -> None:
    out = run("red-flags").stdout
    for words in ("worst you have ever had", "numbness", "bladder", "fall", "two weeks", "physiotherapist"):
        assert words in out


# --- professionals and the therapist page --------------------------------------


def test_pro_sessions_count_and_show_in_the_report_for_the_therapist(run, tmp_path: Path, monkeypatch) -> None:
    run(
        "log", "--pro", "massage-therapist", "--minutes", "45", "--date", "2026-11-25", "--note", "tight left trapezius"
    )
    run("log", _neck(), "--date", "2026-11-26", "--pain-before", "8", "--pain-after", "5", "--note", "after the drive")
    assert run.json("streak")["current"] == 2
    page = tmp_path / "for-my-therapist.md"
    run("report", "--for-therapist", "--include-notes", "--output", str(page))
    text = page.read_text()
    assert oct(page.stat().st_mode & 0o777) == "0o600"
    assert text.startswith("# Self-care summary")
    assert "29 October 2026 – 27 November 2026" in text
    assert "massage therapist, 45 min — tight left trapezius" in text
    assert "| pain | 1 | 8.0 | 5.0 | -3.0 |" in text
    assert "| neck |" in text
    assert "8/10" in text  # the red flag raised
    assert "after the drive" in text
    assert len(text.splitlines()) < 60  # one page
    assert "--force" in run.fails("report", "--for-therapist", "--output", str(page))
