"""Merging the log's events from several devices: a pure function of a set of events.

Every change to the log is an event (see store.py: session.add, session.edit,
session.delete, rest.add, rest.remove, area.clear; sync adds profile.set and
device.name). Each concerns one *subject* (a session, a rest day, a profile
key, a device's name; a clear is its own subject), and the state of a subject
is what replaying its events in clock order (hybrid logical clock, then event
id) gives, with the rules one machine follows:

- a session exists from its `session.add` until a `session.delete`; an edit of
  a session that is not there changes nothing, and an add of one that is
  there changes nothing (an import of a session already logged). So a
  deletion wins over the session it deletes and over every edit of it,
  whatever order they arrive in; only taking the deletion back (`undo`, an
  add that `undoes` it, restoring the session as it was when deleted) or
  importing the session again brings it back, as on one machine;
- edits are last-writer-wins per field, by clock (ties broken by device id,
  the last part of the clock's text);
- a rest day's adding and removing are ordered by clock: the last one holds;
- profile keys and device names: the last value set holds;
- events of a kind this version does not know are kept, untouched, and change
  nothing here (a newer version on another device understands them).

`fold` depends only on the *set* of events (duplicates count once), so
merging is idempotent, commutative and associative: any order of arrival, on
any device, gives the same state, and it is the state one machine would hold
had every event happened there. Nothing here reads a file or a clock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .models import JsonObject

SESSION_KINDS = ("session.add", "session.edit", "session.delete")
REST_KINDS = ("rest.add", "rest.remove")
KNOWN_KINDS = (*SESSION_KINDS, *REST_KINDS, "area.clear", "profile.set", "device.name")
# What a session.edit may change (its `set`, in the history --json shape).
EDITABLE = frozenset(
    (
        "date",
        "logged_at",
        "seconds",
        "practice_seconds",
        "pain_before",
        "pain_after",
        "stress_before",
        "stress_after",
        "note",
    )
)


class Event(NamedTuple):
    """One change, as the events table and the journals hold it."""

    id: str
    hlc: str
    device: str
    kind: str
    payload: JsonObject
    undoes: str | None = None

    @property
    def order(self) -> tuple[str, str]:
        """The total order of events: clock (its text ends with the device, which breaks ties), then id."""
        return (self.hlc, self.id)

    def to_dict(self) -> JsonObject:
        out: JsonObject = {"id": self.id, "hlc": self.hlc, "device": self.device, "kind": self.kind}
        out["payload"] = self.payload
        if self.undoes is not None:
            out["undoes"] = self.undoes
        return out

    def canonical(self) -> str:
        """The event as one line of JSON, the same on every device (sorted keys, no spaces)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def subject(event: Event) -> str:
    """What an event is about; events of different subjects never affect each other."""
    p = event.payload
    kind = event.kind
    if kind == "session.add":
        session = p.get("session")
        return f"session:{session.get('id') if isinstance(session, dict) else None}"
    if kind in ("session.edit", "session.delete"):
        return f"session:{p.get('id')}"
    if kind in REST_KINDS:
        return f"rest:{p.get('date')}"
    if kind == "profile.set":
        return f"profile:{p.get('key')}"
    if kind == "device.name":
        return f"device:{event.device}"
    return f"event:{event.id}"  # a clear, or a kind this version does not know: a fact of its own


def distinct(events: Iterable[Event]) -> list[Event]:
    """The events as a set (one per id), in order. Should two copies of an id differ (a damaged
    copy), the same one is kept everywhere: the least by order, then by its JSON."""
    chosen: dict[str, Event] = {}
    for e in events:
        kept = chosen.get(e.id)
        if kept is None or (e.order, e.canonical()) < (kept.order, kept.canonical()):
            chosen[e.id] = e
    return sorted(chosen.values(), key=lambda e: e.order)


def union(*sets: Iterable[Event]) -> list[Event]:
    """Merging event sets: their union, in order."""
    return distinct(e for events in sets for e in events)


@dataclass(frozen=True)
class State:
    """What the log holds once every event is applied."""

    sessions: Mapping[str, JsonObject] = field(default_factory=dict)  # id -> session (history --json shape)
    rest_days: Mapping[str, str | None] = field(default_factory=dict)  # day -> reason
    clears: frozenset[tuple[str, str, str]] = frozenset()  # (area, day, logged_at)
    profile: Mapping[str, Any] = field(default_factory=dict)  # key -> value
    names: Mapping[str, str] = field(default_factory=dict)  # device -> its name
    unknown: tuple[Event, ...] = ()  # kinds this version does not know, kept

    def key(self) -> tuple[Any, ...]:
        """A comparable form (tests compare states from different devices)."""
        return (
            sorted((k, json.dumps(v, sort_keys=True)) for k, v in self.sessions.items()),
            sorted(self.rest_days.items(), key=lambda kv: kv[0]),
            sorted(self.clears),
            sorted((k, json.dumps(v, sort_keys=True)) for k, v in self.profile.items()),
            sorted(self.names.items()),
            sorted(e.id for e in self.unknown),
        )


def replay_session(events: Iterable[Event], valid: Any = None) -> JsonObject | None:
    """A session's state after its events (in order): its dict, or None when not there.

    `valid(session_dict) -> bool`, when given, refuses an edit whose result it
    rejects (the same everywhere, since it depends on the events alone).
    """
    current: JsonObject | None = None
    before_delete: dict[str, JsonObject] = {}  # delete event id -> the session it deleted, as replayed
    for e in sorted(events, key=lambda e: e.order):
        p = e.payload
        if e.kind == "session.add":
            if current is None:
                restored = before_delete.get(e.undoes) if e.undoes else None
                current = dict(restored if restored is not None else p["session"])
        elif e.kind == "session.edit":
            if current is not None:
                changes = {k: v for k, v in p.get("set", {}).items() if k in EDITABLE}
                edited = {**current, **changes}
                if valid is None or valid(edited):
                    current = edited
        elif e.kind == "session.delete" and current is not None:
            before_delete[e.id] = current
            current = None
    return current


def replay_rest(events: Iterable[Event]) -> tuple[bool, str | None]:
    """(whether the day is a rest day, its reason) after its events."""
    last = max(events, key=lambda e: e.order)
    if last.kind == "rest.add":
        reason = last.payload.get("reason")
        return True, reason if isinstance(reason, str) else None
    return False, None


def last_value(events: Iterable[Event], name: str) -> Any:
    return max(events, key=lambda e: e.order).payload.get(name)


def by_subject(events: Iterable[Event]) -> dict[str, list[Event]]:
    groups: dict[str, list[Event]] = {}
    for e in distinct(events):
        groups.setdefault(subject(e), []).append(e)
    return groups


def fold(events: Iterable[Event], valid: Any = None) -> State:
    """The state a set of events makes (see the module's docstring)."""
    sessions: dict[str, JsonObject] = {}
    rests: dict[str, str | None] = {}
    clears: set[tuple[str, str, str]] = set()
    profile: dict[str, Any] = {}
    names: dict[str, str] = {}
    unknown: list[Event] = []
    for key, group in by_subject(events).items():
        kind = group[0].kind
        if key.startswith("session:"):
            found = replay_session(group, valid)
            if found is not None:
                sessions[key.split(":", 1)[1]] = found
        elif key.startswith("rest:"):
            present, reason = replay_rest(group)
            if present:
                rests[key.split(":", 1)[1]] = reason
        elif key.startswith("profile:"):
            profile[key.split(":", 1)[1]] = last_value(group, "value")
        elif key.startswith("device:"):
            names[key.split(":", 1)[1]] = str(last_value(group, "name"))
        elif kind == "area.clear":
            p = group[0].payload
            clears.add((p["area"], p["date"], p["logged_at"]))
        else:
            unknown.extend(group)
    return State(sessions, rests, frozenset(clears), profile, names, tuple(sorted(unknown, key=lambda e: e.order)))


class Tally(NamedTuple):
    """What a batch of new events from one device did, counted by kind (for `selfcare sync`'s line)."""

    device: str
    counts: tuple[tuple[str, int], ...]


def tally(events: Iterable[Event]) -> list[Tally]:
    """New events counted by device and kind, devices in order of first appearance."""
    found: dict[str, dict[str, int]] = {}
    for e in events:
        kinds = found.setdefault(e.device, {})
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    return [Tally(device, tuple(sorted(kinds.items()))) for device, kinds in found.items()]
