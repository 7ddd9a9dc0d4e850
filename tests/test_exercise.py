"""Exercise: the routine format, the guide counting repetitions and rests, the planner's rules,
the dose that grows and steps back, and the library a physiotherapist would hand out."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from selfcare import coach
from selfcare.cli.screen import draw
from selfcare.guide import Done, Guide, timeline
from selfcare.library import load, parse_text
from selfcare.models import (
    AREAS,
    DEFAULT_EQUIPMENT,
    MAX_REP_HOLD,
    MAX_REPS,
    Limit,
    Practice,
    Reps,
    Request,
    Session,
    Step,
)
from selfcare.planner import History, dosed, eligibility, max_dose_step, plan, shortest

LIBRARY = load(None, None)
DAY = date(2026, 11, 27)

EXERCISE = """\
practices:
  - id: my-press
    name: Wall press
    kind: exercise
    areas: [shoulders]
    goals: [strength]
    summary: Press into a wall and ease off.
    intensity: gentle
    position: standing
    movements: []
    equipment: [wall]
    steps:
      - text: Stand facing the wall.
        seconds: 5
    reps:
      text: Press your hands into the wall, then ease off.
      count: 3
      sets: 2
      move: 1
      hold: 2
      ease: 1
      rest: 10
"""

PRESS = Practice(
    id="press",
    name="Wall press",
    kind="exercise",
    areas=("shoulders",),
    goals=("strength",),
    summary="s",
    steps=(Step("Stand facing the wall.", 5),),
    reps=Reps("Press, then ease off.", per_set=3, sets=2, move=1, hold=2, ease=1, rest=10),
)


# --- the format -----------------------------------------------------------------------


def test_an_exercise_lasts_its_steps_sets_and_rests() -> None:
    [press] = parse_text(EXERCISE, "mine.yaml")
    assert press.reps == Reps("Press your hands into the wall, then ease off.", 3, 2, 1, 2, 1, 10)
    assert press.seconds == 5 + 2 * 3 * (1 + 2 + 1) + 10
    both = parse_text(EXERCISE.replace("      rest: 10\n", "      rest: 10\n      side: both\n"), "m.yaml")[0]
    assert both.seconds == 5 + 2 * 2 * 3 * 4 + 10


def _in_reps(line: str, new: str) -> str:
    return EXERCISE.replace(line, new)


BROKEN = [
    ("reps on a massage", EXERCISE.replace("kind: exercise", "kind: massage"), "reps", "only exercises have reps"),
    (
        "no steps and no reps",
        EXERCISE.split("    steps:")[0],
        "steps",
        "needs steps or reps",
    ),
    ("rest with one set", _in_reps("      sets: 2\n", ""), "reps.rest", "there is one set"),
    ("two sets without rest", _in_reps("      rest: 10\n", ""), "reps.rest", "need a 'rest'"),
    ("too many repetitions", _in_reps("count: 3", "count: 40"), "reps.count", "between 1 and 30"),
    ("a third of a second", _in_reps("hold: 2", "hold: 2.3"), "reps.hold", "whole or half seconds"),
    ("a rest too long", _in_reps("rest: 10", "rest: 600"), "reps.rest", "between 10 and 180"),
    ("unknown field", _in_reps("      move: 1\n", "      moves: 1\n"), "moves", "did you mean 'move'"),
    ("count as text", _in_reps("count: 3", "count: three"), "reps.count", "whole number"),
    (
        "prefer_if and avoid_if",
        EXERCISE.replace("    steps:", "    avoid_if: [diabetes]\n    prefer_if: [diabetes]\n    steps:"),
        "prefer_if",
        "avoid_if too",
    ),
]


@pytest.mark.parametrize(("case", "text", "field", "words"), BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_exercise_is_refused_in_one_line_naming_file_line_and_field(
    run, tmp_path: Path, case: str, text: str, field: str, words: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    line = run.fails("routines", "validate", str(path))
    assert f"{path}:" in line and "practice 'my-press'" in line, line
    assert f"field '{field}'" in line and words in line, (case, line)
    number = int(line.split(f"{path}:")[1].split(",")[0])
    assert 1 < number <= len(text.splitlines()), line


# --- the guide ----------------------------------------------------------------------------


def test_the_sets_become_repetitions_in_phases_with_a_rest_between() -> None:
    segs = timeline([PRESS])
    assert (segs[0].text, segs[0].rep) == ("Stand facing the wall.", 0)
    reps = [(s.set, s.rep, s.phase, s.seconds) for s in segs[1:]]
    one_set = [(n, phase, secs) for n in (1, 2, 3) for phase, secs in (("move", 1), ("hold", 2), ("ease", 1))]
    assert reps == [(1, *r) for r in one_set] + [(2, 0, "rest", 10)] + [(2, *r) for r in one_set]
    assert sum(s.seconds for s in segs) == PRESS.seconds
    rest = next(s for s in segs if s.phase == "rest")
    assert (rest.set, rest.sets) == (2, 2)


def test_the_guide_counts_rep_by_rep_and_times_the_rest_on_an_injected_clock() -> None:
    guide = Guide([PRESS], start=0.0)
    seen = {}
    for t in (5.5, 6.5, 7.9, 9.5, 13.5, 17.0, 26.0, 29.0):
        guide.tick(t)
        v = guide.view()
        seen[t] = (v.segment.phase, v.segment.rep, v.segment.set, v.count, round(v.remaining, 1), round(v.fill, 2))
    assert seen[5.5] == ("move", 1, 1, 1, 0.5, 0.5)  # rep 1, the bar filling as the body moves
    assert seen[6.5] == ("hold", 1, 1, 1, 1.5, 1.0)
    assert seen[7.9] == ("hold", 1, 1, 2, 0.1, 1.0)  # the count goes up with the seconds held
    assert seen[9.5] == ("move", 2, 1, 1, 0.5, 0.5)  # rep 2
    assert seen[13.5] == ("move", 3, 1, 1, 0.5, 0.5)
    assert seen[17.0][0] == "rest" and seen[17.0][2] == 2 and seen[17.0][4] == 10.0  # the rest before set 2
    assert seen[26.0][0] == "rest" and seen[26.0][4] == 1.0
    assert seen[29.0][:3] == ("hold", 1, 2)  # set 2, rep 1
    while not guide.done:
        t += 0.5
        guide.tick(t)
    assert guide.record() == [Done("press", PRESS.seconds, "done")]


def test_next_moves_from_a_set_to_the_rest_and_from_the_rest_to_the_next_set() -> None:
    guide = Guide([PRESS], start=0.0)
    guide.tick(6.0)
    assert guide.view().next_text == "Then: a rest before set 2 of 2"
    guide.press("n", 6.0)
    assert guide.view().segment.phase == "rest" and guide.view().next_text == "Then: set 2 of 2"
    guide.press("n", 7.0)
    v = guide.view()
    assert (v.segment.phase, v.segment.rep, v.segment.set) == ("move", 1, 2)
    guide.press("q", 8.0)
    assert guide.record() == [Done("press", 8, "partial")]


def test_both_sides_are_counted_side_by_side_within_each_set() -> None:
    sided = PRESS._replace(reps=PRESS.reps._replace(side="both", sets=1, rest=0))  # type: ignore[union-attr]
    order = [(s.side, s.rep) for s in timeline([sided]) if s.phase == "move"]
    assert order == [("left", 1), ("left", 2), ("left", 3), ("right", 1), ("right", 2), ("right", 3)]
    guide = Guide([sided], start=0.0)
    guide.tick(5.5)
    assert guide.view().next_text == "Then: the same on the right side"


def test_a_skipped_exercise_is_not_done() -> None:
    guide = Guide([PRESS, PRESS._replace(id="other")], start=0.0)
    guide.tick(7.0)
    guide.press("s", 7.0)
    assert guide.view().practice.id == "other"
    guide.press("q", 8.0)
    assert [d.status for d in guide.record()] == ["skipped", "partial"]


def _screen(guide: Guide) -> str:
    out = Console(file=io.StringIO(), width=90, color_system=None)
    out.print(draw(guide.view(), 60))
    return out.file.getvalue()  # type: ignore[attr-defined]


def test_the_screen_shows_the_repetition_the_set_and_the_rest_timer() -> None:
    guide = Guide([PRESS], start=0.0)
    guide.tick(10.2)
    screen = _screen(guide)
    assert "rep 2 of 3 · set 1 of 2" in screen and "Hold  1" in screen and "Press, then ease off." in screen
    guide.tick(20.0)
    screen = _screen(guide)
    assert "Rest before set 2 of 2" in screen and "0:07" in screen and "Then: set 2 of 2" in screen


# --- the planner -------------------------------------------------------------------------


def test_a_short_budget_plays_an_exercise_with_fewer_sets_never_none() -> None:
    bridge = LIBRARY.practices["ex-bridge"]
    assert bridge.reps is not None and bridge.reps.sets == 2
    one = bridge._replace(reps=bridge.reps._replace(sets=1))
    assert shortest(bridge) == one.seconds < bridge.seconds
    tight = plan([bridge], Request(3, ("hips",), ("strength",)), DAY)
    assert [i.practice.reps.sets for i in tight.items] == [1]  # type: ignore[union-attr]
    assert tight.total_seconds <= 180


def test_exercise_obeys_pauses_and_gentle_only_limits_after_red_flags() -> None:
    request = Request(20, ("lower-back", "hips"), ("pain-relief",))
    paused = History(limits={"lower-back": Limit("lower-back", "paused", "worse-twice", "2026-11-20", "2026-12-04")})
    out = {ex.practice for ex in eligibility(LIBRARY, request, paused).excluded if ex.rule == "paused"}
    assert {"ex-bird-dog", "ex-bridge", "ex-pelvic-tilt", "ex-cat-camel"} <= out
    gentle = History(limits={"hips": Limit("hips", "gentle", "high-pain", "2026-11-20", "2026-12-04", pain=8)})
    found = eligibility(LIBRARY, request, gentle)
    limited = {ex.practice for ex in found.excluded if ex.rule == "gentle-only"}
    assert {"ex-bridge", "ex-bird-dog"} <= limited  # moderate effort
    assert "ex-pelvic-tilt" in found.pool  # gentle goes on
    for day in range(7):
        items = plan(LIBRARY, request, DAY + timedelta(days=day), paused).items
        assert not [i for i in items if "lower-back" in i.practice.areas and i.practice.kind != "breathing"]


def test_the_movement_rules_read_exercises() -> None:
    def out(condition: str) -> set[str]:
        return {ex.practice for ex in eligibility(LIBRARY, Request(10, ("neck",), ("tension",), (condition,))).excluded}

    assert "ex-cat-camel" in out("vertigo")  # the head drops below the heart
    assert {"ex-cat-camel", "ex-pelvic-tilt", "ex-chin-tuck-lift"} <= out("osteoporosis")  # rounding the spine
    assert {"ex-chin-nod", "ex-bridge", "ex-pelvic-tilt"} <= out("pregnancy")  # lying on the back
    assert "ex-walking-break" in out("balance-problems")  # standing without support
    mine = PRESS._replace(movements=("neck-rotation",), unstated=())
    rules = eligibility([mine], Request(10, ("shoulders",), ("strength",), ("vertigo",))).excluded
    assert [(ex.rule, ex.detail) for ex in rules] == [("movement", "neck-rotation")]


SAFE_FOR = ["pregnancy", "osteoporosis", "anticoagulants", "high-blood-pressure", "heart-condition", "varicose-veins"]


@pytest.mark.parametrize("condition", SAFE_FOR)
def test_every_area_has_four_safe_choices_with_each_common_condition(condition: str) -> None:
    request = Request(10, tuple(AREAS), ("tension",), (condition,), DEFAULT_EQUIPMENT)
    pool = eligibility(LIBRARY, request).pool
    for area in AREAS:
        safe = [p.id for p in pool.values() if area in p.areas]
        assert len(safe) >= 4, (condition, area, safe)


def test_diabetes_and_neuropathy_bring_a_foot_check_and_ankle_exercise_and_no_foot_massage(run) -> None:
    run("profile", "set", "conditions", "diabetes,neuropathy")
    run("profile", "set", "areas", "feet")
    massages = {p.id for p in LIBRARY if p.kind == "massage" and "feet" in p.areas}
    for n in range(7):
        day = (DAY + timedelta(days=n)).isoformat()
        items = run.json("today", "--date", day)["items"]
        ids = [i["id"] for i in items]
        assert "ex-foot-check" in ids, (day, ids)
        ankle = [i for i in items if i["kind"] == "exercise" and i["id"] != "ex-foot-check" and "feet" in i["areas"]]
        assert ankle, (day, ids)
        assert not massages & set(ids), (day, ids)
        check = next(i for i in items if i["id"] == "ex-foot-check")
        assert check["reason"].startswith("often advised with diabetes")


def test_the_library_holds_what_a_physiotherapist_would_hand_out(run) -> None:
    exercises = run.json("routines", "list", "--kind", "exercise")
    assert len(exercises) >= 14
    assert len(run.json("routines", "list")) >= 90
    ids = {p.id for p in LIBRARY}
    for named in (
        "stretch-levator-scapulae",
        "stretch-soleus",
        "stretch-quad-supported",
        "med-pmr-short",
        "med-pmr-full",
        "breath-pursed-lip",
        "breath-control",
        "ex-foot-check",
    ):
        assert named in ids, named
    for p in LIBRARY:
        if p.reps is not None:
            assert 1 <= p.reps.sets <= 2 and 8 <= p.reps.per_set <= 15, p.id  # the guide's dose
            assert p.reps.hold <= MAX_REP_HOLD, p.id
        if p.kind == "exercise":
            assert p.evidence and any(c.stop for c in p.cautions), p.id
    assert "band" in LIBRARY.practices["ex-band-row"].equipment
    assert "osteoporosis" in LIBRARY.practices["ex-thoracic-extension"].prefer_if
    short, full = LIBRARY.practices["med-pmr-short"], LIBRARY.practices["med-pmr-full"]
    assert short.family == full.family and short.seconds < full.seconds


def test_report_counts_exercise_by_area_and_by_kind(run) -> None:
    run("log", "ex-bridge", "--date", "2026-11-26")
    report = run.json("report")
    assert report["by_kind"]["exercise"] > 0
    assert report["by_area"]["hips"] > 0 and report["by_area"]["lower-back"] > 0


# --- the dose -----------------------------------------------------------------------------


def test_the_dose_grows_within_the_guides_limits_and_steps_back_to_no_less_than_one() -> None:
    for p in LIBRARY:
        if p.reps is None:
            continue
        top = dosed(p, max_dose_step(p))
        assert top.reps is not None and top.reps.per_set <= max(MAX_REPS, p.reps.per_set)
        assert top.reps.hold <= max(MAX_REP_HOLD, p.reps.hold)
        assert dosed(p, max_dose_step(p) + 3) == top  # nothing grows past the limits
        low = dosed(p, -5)
        assert low.reps is not None and 1 <= low.reps.per_set < p.reps.per_set
    held = LIBRARY.practices["ex-chin-nod"]  # 8 repetitions, a hold of 5 s
    grown = [dosed(held, n).reps for n in range(max_dose_step(held) + 1)]
    assert [(r.per_set, r.hold) for r in grown if r] == [(8, 5), (10, 5), (12, 5), (14, 5), (15, 5)] + [
        (15, h) for h in range(6, MAX_REP_HOLD + 1)
    ]


def _session(day: date, ids: tuple[str, ...], pain: tuple[int, int] | None = None, **extra: object) -> Session:
    before, after = pain or (None, None)
    return Session(
        id=f"s-{day}-{len(ids)}-{sorted(extra)}",
        day=day.isoformat(),
        logged_at=f"{day}T18:00:00+01:00",
        practices=ids,
        seconds=120,
        pain_before=before,
        pain_after=after,
        **extra,  # type: ignore[arg-type]
    )


def test_three_good_days_grow_a_step_and_a_bad_session_steps_back() -> None:
    pid = "ex-scapular-setting"
    days = [DAY - timedelta(days=n) for n in range(12, 0, -1)]
    good = [_session(d, (pid,), (3, 2)) for d in days[:6]]
    doses, rests = coach.doses(good, LIBRARY)
    assert doses[pid].step == 2 and doses[pid].per_set == 14 and doses[pid].cause == "went-well" and not rests
    twice_a_day = [_session(days[0], (pid,)), _session(days[0], (pid,), (2, 2)), _session(days[1], (pid,))]
    assert pid not in coach.doses(twice_a_day, LIBRARY)[0]  # three sessions, two days: not yet
    partial = [_session(d, (pid,), partial=(pid,)) for d in days[:3]]
    assert pid not in coach.doses(partial, LIBRARY)[0]  # not done in full: no growth
    hard = [*good, _session(days[6], (pid,), too_intense=(pid,))]
    assert coach.doses(hard, LIBRARY)[0][pid][:3] == (pid, LIBRARY.practices[pid].name, 1)
    worse = [*hard, _session(days[7], (pid,), (3, 5))]
    dose = coach.doses(worse, LIBRARY)[0][pid]
    assert (dose.step, dose.per_set, dose.cause, dose.before, dose.after) == (0, 10, "pain-rose", 3, 5)
    floor = [*worse, *(_session(days[8 + n], (pid,), too_intense=(pid,)) for n in range(3))]
    doses, rests = coach.doses(floor, LIBRARY)
    assert doses[pid].step == -2 and doses[pid].per_set == 6
    assert rests[pid].cause == "too-intense" and rests[pid].day == days[10].isoformat()  # no step back left


def test_progression_grows_in_plans_and_report_and_steps_back_after_too_intense(run) -> None:
    pid = "ex-scapular-setting"
    written = run.json("today", pid)["items"][0]
    for n in (5, 4, 3):
        run("log", pid, "--date", (DAY - timedelta(days=n)).isoformat(), "--pain-before", "4", "--pain-after", "3")
    grown = run.json("today", pid)["items"][0]
    assert grown["seconds"] > written["seconds"]
    assert "12 repetitions a set, up from 10: 3 sessions went well, the last on 24 Nov" in grown["reason"]
    report = run.json("report")
    [moved] = report["progression"]["exercises"]
    assert (moved["practice"], moved["per_set"], moved["written"]) == (pid, 12, 10)
    assert "Shoulder blade setting: 12 repetitions a set, up from 10" in report["progression"]["message"]
    assert "Shoulder blade setting: 12 repetitions" in run("report").stdout
    run("log", pid, "--date", (DAY - timedelta(days=1)).isoformat(), "--too-intense", pid)
    back = run.json("today", pid)["items"][0]
    assert back["seconds"] == written["seconds"]
    assert "a step back to 10 repetitions a set (10 as written): marked too intense on 26 Nov" in back["reason"]
    mine = {p["id"]: p for p in run.json("routines", "list", "--for-me")}
    assert mine[pid]["for_me"], mine[pid]["why_not"]  # an exercise steps back rather than rests


def test_the_routines_readme_examples_of_an_exercise_and_named_routines_read() -> None:
    import re

    from selfcare.library import parse_document

    readme = (Path(__file__).resolve().parent.parent / "routines" / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    [exercise] = [b for b in blocks if "kind: exercise" in b]
    [press] = parse_text("practices:\n" + exercise, "README exercise")
    assert press.reps is not None and press.seconds == 10 + 2 * 10 * (2 + 3 + 2) + 30
    [named] = [b for b in blocks if b.startswith("routines:")]
    practices, routines = parse_document(named, "README routines")
    assert not practices and [r.name for r in routines] == ["desk-break", "bedtime"]
    assert all(pid in LIBRARY.practices for r in routines for pid in r.practices)
