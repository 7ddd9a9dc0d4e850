"""Hybrid logical clocks: a total order of the log's events across devices.

A value is text that sorts as it should, `f"{wall_ms:013d}.{counter:05d}.{device}"`:
the wall clock in milliseconds, a counter for events in the same millisecond
(or while the wall clock is behind the last value seen), and the device that
made the event, which breaks ties. `next_value` is the value of a new event
here: never less than or equal to the last one, whatever the wall clock does.
"""

from __future__ import annotations

from .records import NamedTuple

COUNTER_LIMIT = 100_000  # five digits; past it the clock moves a millisecond on


class Clock(NamedTuple):
    wall_ms: int
    counter: int
    device: str

    def text(self) -> str:
        return f"{self.wall_ms:013d}.{self.counter:05d}.{self.device}"


def parse(value: str) -> Clock:
    wall, counter, device = value.split(".", 2)
    return Clock(int(wall), int(counter), device)


def next_value(last: str | None, now_ms: int, device: str) -> str:
    """The clock of a new event made at `now_ms` on `device`, after `last` (the greatest value seen)."""
    if last is None:
        return Clock(now_ms, 0, device).text()
    seen = parse(last)
    if now_ms > seen.wall_ms:
        return Clock(now_ms, 0, device).text()
    counter = seen.counter + 1
    if counter >= COUNTER_LIMIT:
        return Clock(seen.wall_ms + 1, 0, device).text()
    return Clock(seen.wall_ms, counter, device).text()


# Receiving needs nothing of its own: events from other devices go into the same events table,
# and `next_value` starts from the greatest clock there, so a change made here after a sync
# always orders after every change it saw.


def ahead_by(value: str, now_ms: int) -> int:
    """How many milliseconds a clock value is ahead of `now_ms` (0 when it is not): a device
    whose clock runs ahead makes its changes count as later than they are."""
    return max(0, parse(value).wall_ms - now_ms)
