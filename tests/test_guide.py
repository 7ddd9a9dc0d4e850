"""The guided session's state machine, driven by a fake clock and scripted keys."""

from __future__ import annotations

import pytest

from selfcare.guide import CARD, Done, Guide, timeline
from selfcare.library import load
from selfcare.models import Pacing, Practice, Step

MASSAGE = Practice(
    id="m",
    name="Knead",
    kind="massage",
    areas=("neck",),
    goals=("tension",),
    summary="s",
    steps=(Step("Settle", 10), Step("Knead", 20, side="both"), Step("Roll", 15, repeat=2)),
)
BREATH = Practice(
    id="b",
    name="4-7-8",
    kind="breathing",
    areas=("chest",),
    goals=("sleep",),
    summary="s",
    steps=(Step("Exhale fully", 5),),
    pacing=Pacing(inhale=4, hold_in=7, exhale=8, cycles=2),
)
SIGH = Practice(
    id="c",
    name="Sigh",
    kind="breathing",
    areas=("chest",),
    goals=("stress",),
    summary="s",
    pacing=Pacing(inhale=2, top_up=1, exhale=6, cycles=1),
)


def run_until_done(guide: Guide, step: float = 0.25, start: float = 0.0) -> float:
    t = start
    while not guide.done:
        t += step
        guide.tick(t)
    return t


def test_a_finished_session_logs_the_sum_of_its_step_times() -> None:
    guide = Guide([MASSAGE, BREATH], start=0.0)
    end = run_until_done(guide, step=0.7)
    assert guide.state == "finished"
    assert guide.record() == [Done("m", 10 + 40 + 30, "done"), Done("b", 5 + 2 * 19, "done")]
    assert guide.total_spent() == MASSAGE.seconds + BREATH.seconds
    assert end == pytest.approx(MASSAGE.seconds + BREATH.seconds, abs=0.7)


def test_sides_and_repeats_become_segments() -> None:
    steps = [(s.text, s.side, s.seconds) for s in timeline([MASSAGE])]
    assert steps == [
        ("Settle", None, 10),
        ("Knead", "left", 20),
        ("Knead", "right", 20),
        ("Roll", None, 15),
        ("Roll", None, 15),
    ]


def test_breathing_pattern_yields_the_exact_phases_and_durations() -> None:
    phases = [(s.phase, s.seconds, s.cycle) for s in timeline([BREATH]) if s.phase]
    assert phases == [
        ("inhale", 4, 1),
        ("hold", 7, 1),
        ("exhale", 8, 1),
        ("inhale", 4, 2),
        ("hold", 7, 2),
        ("exhale", 8, 2),
    ]
    assert sum(p[1] for p in phases) / 2 == 19


def test_the_pacer_fills_on_inhale_holds_still_and_empties_on_exhale() -> None:
    guide = Guide([BREATH], start=0.0)
    levels = {}
    for t in (5 + 2, 5 + 4 + 3, 5 + 4 + 7 + 4, 5 + 4 + 7 + 7.9):
        guide.tick(t)
        view = guide.view()
        levels[view.segment.phase, round(t, 1)] = (view.fill, view.remaining)
    assert levels[("inhale", 7)] == (pytest.approx(0.5), pytest.approx(2))
    assert levels[("hold", 12)] == (pytest.approx(1.0), pytest.approx(4))
    assert levels[("exhale", 20)] == (pytest.approx(0.5), pytest.approx(4))
    assert levels[("exhale", 23.9)][0] == pytest.approx(0.0125)


def test_cyclic_sigh_tops_up_before_the_long_exhale() -> None:
    segs = [(s.phase, s.seconds, round(s.fill_from, 2), round(s.fill_to, 2)) for s in timeline([SIGH])]
    assert segs == [("inhale", 2, 0.0, 0.67), ("top-up", 1, 0.67, 1.0), ("exhale", 6, 1.0, 0.0)]


def test_pause_and_resume_keep_the_remaining_time() -> None:
    guide = Guide([MASSAGE], start=0.0)
    guide.tick(4.0)
    guide.press(" ", 4.0)
    assert guide.state == "paused"
    guide.tick(500.0)  # a long pause
    view = guide.view()
    assert view.remaining == pytest.approx(6.0) and view.segment.text == "Settle"
    guide.press(" ", 500.0)
    guide.tick(503.0)
    assert guide.view().remaining == pytest.approx(3.0)
    run_until_done(guide, start=503.0)
    assert guide.record() == [Done("m", MASSAGE.seconds, "done")]


def test_next_skips_to_the_next_step_and_records_only_what_was_done() -> None:
    guide = Guide([MASSAGE], start=0.0)
    guide.tick(3.0)
    guide.press("n", 3.0)
    view = guide.view()
    assert (view.segment.text, view.segment.side, view.remaining) == ("Knead", "left", 20)
    guide.press("n", 3.0)
    assert guide.view().segment.side == "right"
    guide.tick(8.0)
    guide.press("q", 8.0)
    assert guide.state == "stopped"
    assert guide.record() == [Done("m", 8, "partial")]


def test_skip_practice_and_quit_record_exactly_what_was_done() -> None:
    guide = Guide([MASSAGE, BREATH, SIGH], start=0.0)
    guide.tick(12.0)
    guide.press("s", 12.0)
    assert guide.view().practice.id == "b"
    guide.tick(12.0 + 5 + 4 + 1)  # into the first hold
    assert guide.view().segment.phase == "hold"
    guide.press("s", 22.0)
    assert guide.view().practice.id == "c"
    guide.press("q", 22.0)
    assert guide.record() == [Done("m", 12, "skipped"), Done("b", 10, "skipped")]
    assert guide.total_spent() == 0, "time on skipped practices is not practice"


def test_next_during_the_pacer_moves_on_to_the_next_practice() -> None:
    guide = Guide([BREATH, MASSAGE], start=0.0)
    guide.tick(6.0)
    guide.press("n", 6.0)
    assert guide.view().practice.id == "m"


def test_a_meditation_shows_the_time_left_in_the_practice() -> None:
    calm = Practice(
        id="q",
        name="Quiet",
        kind="meditation",
        areas=("head",),
        goals=("stress",),
        summary="s",
        steps=(Step("Notice the breath", 60), Step("Notice sounds", 60)),
    )
    guide = Guide([calm, MASSAGE], start=0.0)
    guide.tick(20.0)
    view = guide.view()
    assert (view.remaining, view.practice_left) == (pytest.approx(40), pytest.approx(100))


def test_step_changes_ring_the_bell_once_each() -> None:
    guide = Guide([MASSAGE], start=0.0)
    run_until_done(guide, step=0.5)
    # Settle -> Knead left -> Knead right -> Roll (the two Roll repeats are one step)
    assert guide.changes == 3


def test_the_real_478_is_19_seconds_a_cycle() -> None:
    library = load(None, None)
    p = next(p for p in library if p.pacing and (p.pacing.inhale, p.pacing.hold_in, p.pacing.exhale) == (4, 7, 8))
    phases = [s for s in timeline([p]) if s.phase]
    assert sum(s.seconds for s in phases) == 19 * p.pacing.cycles
    assert p.pacing.cycles <= 8
    guide = Guide([p], start=0.0)
    run_until_done(guide, step=0.3)
    assert guide.record() == [Done(p.id, p.seconds, "done")]


def test_hurrying_through_with_n_is_partial_and_playing_to_the_end_is_done() -> None:
    guide = Guide([MASSAGE, BREATH], start=0.0)
    t = 0.0
    while guide.view().practice.id == "m":  # n through every step of the massage
        t += 1.0
        guide.press("n", t)
    run_until_done(guide, start=t)
    record = guide.record()
    assert record[0].status == "partial" and record[0].seconds < MASSAGE.seconds / 2
    assert record[1] == Done("b", BREATH.seconds, "done")


def test_a_card_waits_for_a_key_and_any_key_begins_the_practice() -> None:
    card = ("Stop at once if you feel dizzy.",)
    guide = Guide([MASSAGE, BREATH], start=0.0, cards=[card, ()])
    assert guide.view().segment.phase == CARD and guide.view().cautions == card
    guide.tick(300.0)  # however long it is shown, the card waits
    assert guide.view().segment.phase == CARD and guide.spent == [0.0, 0.0]
    guide.press("x", 300.0)
    assert guide.view().segment.text == "Settle"
    guide.tick(302.0)
    assert guide.view().remaining == pytest.approx(8.0)


def test_s_on_a_card_skips_the_practice_without_doing_it() -> None:
    guide = Guide([MASSAGE, BREATH], start=0.0, cards=[("Stop if it hurts.",), ()])
    guide.press("s", 1.0)
    assert guide.view().practice.id == "b"
    run_until_done(guide, start=1.0)
    assert guide.record() == [Done("m", 0, "skipped"), Done("b", BREATH.seconds, "done")]


def test_the_pacer_counts_up_from_one_and_never_shows_zero() -> None:
    guide = Guide([SIGH], start=0.0)
    counts = []
    t = 0.0
    while not guide.done:
        view = guide.view()
        counts.append((view.segment.phase, view.count))
        t += 0.25
        guide.tick(t)
    exhale = [c for phase, c in counts if phase == "exhale"]
    assert exhale[0] == 1 and max(exhale) == 6 and min(c for _, c in counts) >= 1
