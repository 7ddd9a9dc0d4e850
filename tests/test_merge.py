"""The merge of events is a pure function of their set: the rules of one machine, in clock order."""

from __future__ import annotations

import random
import uuid

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from selfcare.merge import Event, fold, replay_session, subject, tally, union

DEVICES = ("aaaa01", "bbbb02", "cccc03")
SIDS = [str(uuid.UUID(int=n + 1)) for n in range(3)]


def session(sid: str, note: str | None = None, pain: int | None = None) -> dict:
    return {
        "id": sid,
        "date": "2026-11-20",
        "logged_at": "2026-11-20T18:00:00+01:00",
        "practices": ["neck-trap-knead"],
        "practice_seconds": [120],
        "seconds": 120,
        "pain_before": pain,
        "pain_after": None,
        "stress_before": None,
        "stress_after": None,
        "note": note,
        "pro": None,
        "source": "manual",
        "too_intense": [],
        "partial": [],
        "skipped": [],
        "skipped_seconds": [],
    }


def ev(n: int, device: str, kind: str, payload: dict, undoes: str | None = None, eid: str | None = None) -> Event:
    return Event(
        eid or str(uuid.uuid4()), f"{1_700_000_000_000 + n:013d}.00000.{device}", device, kind, payload, undoes
    )


def test_a_deletion_wins_over_the_session_and_its_edits_whatever_the_order():
    add = ev(1, "aaaa01", "session.add", {"session": session(SIDS[0])})
    edit_after = ev(5, "bbbb02", "session.edit", {"id": SIDS[0], "set": {"note": "late"}, "was": {"note": None}})
    delete = ev(3, "aaaa01", "session.delete", {"id": SIDS[0], "session": session(SIDS[0])})
    for order in ([add, edit_after, delete], [delete, edit_after, add], [edit_after, delete, add]):
        assert SIDS[0] not in fold(order).sessions


def test_undoing_a_deletion_restores_the_session_as_it_was_when_deleted_here():
    add = ev(1, "aaaa01", "session.add", {"session": session(SIDS[0])})
    edit = ev(2, "bbbb02", "session.edit", {"id": SIDS[0], "set": {"note": "from b"}, "was": {"note": None}})
    delete = ev(3, "aaaa01", "session.delete", {"id": SIDS[0], "session": session(SIDS[0])})
    # The deleting device had not seen b's edit: its undo carries the session without it.
    restore = ev(4, "aaaa01", "session.add", {"session": session(SIDS[0])}, undoes=delete.id)
    state = fold([restore, delete, edit, add])
    assert state.sessions[SIDS[0]]["note"] == "from b"


def test_edits_are_last_writer_wins_per_field_and_ties_go_to_the_greater_device():
    add = ev(1, "aaaa01", "session.add", {"session": session(SIDS[0])})
    note_a = ev(2, "aaaa01", "session.edit", {"id": SIDS[0], "set": {"note": "a", "pain_before": 3}})
    note_b = ev(2, "bbbb02", "session.edit", {"id": SIDS[0], "set": {"note": "b"}})
    got = fold([note_b, add, note_a]).sessions[SIDS[0]]
    assert (got["note"], got["pain_before"]) == ("b", 3)


def test_an_edit_that_breaks_a_limit_is_refused_everywhere():
    add = ev(1, "aaaa01", "session.add", {"session": session(SIDS[0])})
    bad = ev(2, "aaaa01", "session.edit", {"id": SIDS[0], "set": {"pain_before": 11}})
    assert replay_session([bad, add], valid=lambda d: d["pain_before"] in (None, *range(11)))["pain_before"] is None


def test_rest_days_follow_the_clock_and_profile_keys_the_last_value():
    add = ev(1, "aaaa01", "rest.add", {"date": "2026-11-21", "reason": "ill", "was": None})
    remove = ev(2, "bbbb02", "rest.remove", {"date": "2026-11-21", "was": {"reason": "ill"}})
    again = ev(3, "cccc03", "rest.add", {"date": "2026-11-21", "reason": "travelling", "was": None})
    assert "2026-11-21" not in fold([remove, add]).rest_days
    assert fold([again, remove, add]).rest_days == {"2026-11-21": "travelling"}
    p1 = ev(1, "aaaa01", "profile.set", {"key": "minutes", "value": "10"})
    p2 = ev(2, "bbbb02", "profile.set", {"key": "minutes", "value": "15"})
    assert fold([p2, p1]).profile == {"minutes": "15"}


def test_unknown_kinds_are_kept_and_change_nothing():
    strange = ev(1, "aaaa01", "mood.add", {"mood": "calm"})
    state = fold([strange, strange])
    assert state.unknown == (strange,)
    assert not state.sessions and not state.rest_days
    assert subject(strange) == f"event:{strange.id}"


def test_a_damaged_copy_of_an_event_resolves_the_same_everywhere():
    good = ev(1, "aaaa01", "profile.set", {"key": "minutes", "value": "10"}, eid=SIDS[0])
    other = good._replace(payload={"key": "minutes", "value": "99"})
    assert fold([good, other]).key() == fold([other, good]).key()


def test_tally_counts_new_events_by_device_and_kind():
    events = [
        ev(1, "aaaa01", "session.add", {"session": session(SIDS[0])}),
        ev(2, "aaaa01", "session.add", {"session": session(SIDS[1])}),
        ev(3, "bbbb02", "session.delete", {"id": SIDS[0]}),
    ]
    assert [(t.device, t.counts) for t in tally(events)] == [
        ("aaaa01", (("session.add", 2),)),
        ("bbbb02", (("session.delete", 1),)),
    ]


# --- the laws ------------------------------------------------------------------------------


@st.composite
def histories(draw: st.DrawFn) -> list[Event]:
    """Random operations on random subjects, at random (possibly equal) clocks on three devices."""
    events: list[Event] = []
    n = draw(st.integers(1, 25))
    for _ in range(n):
        device = draw(st.sampled_from(DEVICES))
        tick = draw(st.integers(0, 12))
        sid = draw(st.sampled_from(SIDS))
        op = draw(st.sampled_from(["add", "edit", "delete", "undo", "rest", "unrest", "profile", "clear", "new-kind"]))
        if op == "add":
            events.append(ev(tick, device, "session.add", {"session": session(sid, pain=draw(st.integers(0, 10)))}))
        elif op == "edit":
            field = draw(st.sampled_from(["note", "pain_before", "seconds"]))
            value = {"note": draw(st.text(max_size=3)), "pain_before": draw(st.integers(0, 10)), "seconds": 200}[field]
            events.append(ev(tick, device, "session.edit", {"id": sid, "set": {field: value}}))
        elif op == "delete":
            events.append(ev(tick, device, "session.delete", {"id": sid, "session": session(sid)}))
        elif op == "undo" and events:
            target = draw(st.sampled_from(events))
            if target.kind == "session.delete":
                restore = {"session": session(target.payload["id"])}
                events.append(ev(tick, device, "session.add", restore, undoes=target.id))
        elif op in ("rest", "unrest"):
            day = draw(st.sampled_from(["2026-11-20", "2026-11-21"]))
            kind = "rest.add" if op == "rest" else "rest.remove"
            events.append(ev(tick, device, kind, {"date": day, "reason": draw(st.sampled_from([None, "ill"]))}))
        elif op == "profile":
            events.append(ev(tick, device, "profile.set", {"key": "minutes", "value": str(draw(st.integers(5, 20)))}))
        elif op == "clear":
            events.append(ev(tick, device, "area.clear", {"area": "neck", "date": "2026-11-21", "logged_at": "x"}))
        elif op == "new-kind":
            events.append(ev(tick, device, "mood.add", {"mood": "calm"}))
    return events


@settings(max_examples=examples(300))
@given(histories(), st.randoms(use_true_random=False))
def test_merging_is_idempotent_commutative_and_associative(events: list[Event], rnd: random.Random) -> None:
    whole = fold(events).key()
    shuffled = events[:]
    rnd.shuffle(shuffled)
    cut1, cut2 = sorted(rnd.randrange(len(events) + 1) for _ in range(2))
    a, b, c = shuffled[:cut1], shuffled[cut1:cut2], shuffled[cut2:]
    assert fold(shuffled).key() == whole  # any order of arrival
    assert fold(events + events[: rnd.randrange(len(events) + 1)]).key() == whole  # repeats count once
    assert fold(union(union(a, b), c)).key() == fold(union(a, union(b, c))).key() == whole
    assert fold(union(b, a, c)).key() == whole


@settings(max_examples=examples(300))
@given(histories())
def test_the_merged_state_is_what_one_machine_replaying_the_events_in_clock_order_holds(events: list[Event]) -> None:
    """A plain, step-by-step machine (the rules of `selfcare` on one device) gives the same state."""
    sessions: dict[str, dict] = {}
    deleted: dict[str, dict] = {}
    rests: dict[str, str | None] = {}
    for e in union(events):
        p = e.payload
        if e.kind == "session.add":
            sid = p["session"]["id"]
            if sid not in sessions:
                sessions[sid] = dict(deleted.get(e.undoes) or p["session"]) if e.undoes else dict(p["session"])
        elif e.kind == "session.edit" and p["id"] in sessions:
            sessions[p["id"]].update(p["set"])
        elif e.kind == "session.delete" and p["id"] in sessions:
            deleted[e.id] = sessions.pop(p["id"])
        elif e.kind == "rest.add":
            rests[p["date"]] = p["reason"]
        elif e.kind == "rest.remove":
            rests.pop(p["date"], None)
    state = fold(events)
    assert dict(state.sessions) == sessions
    assert dict(state.rest_days) == rests
