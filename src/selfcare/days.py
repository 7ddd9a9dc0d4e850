"""Days and moments: the clock, the DATE words, and the day boundary.

A session counts for the local day it falls in, where a day starts at the
profile's `day_starts_at` (04:00 by default): 02:30 on the 5th belongs to the
4th. `day_of` is the one place that rule lives.

The clock is read only through `now()`, which honours SELFCARE_NOW (an ISO
moment such as 2026-03-29T02:30+01:00) so scripts and tests can fix time.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta

from .errors import SelfcareError

DATE_HELP = "YYYY-MM-DD, 'today' or 'yesterday'"


def now() -> datetime:
    """The current local moment, with its UTC offset."""
    fixed = os.environ.get("SELFCARE_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            raise SelfcareError(
                f"SELFCARE_NOW must be an ISO moment like 2026-03-29T08:00+01:00, not '{fixed}'"
            ) from None
        return moment if moment.tzinfo else moment.astimezone()
    return datetime.now().astimezone()


def start_of_day(day_starts_at: str) -> time:
    hours, minutes = day_starts_at.split(":")
    return time(int(hours), int(minutes))


def day_of(moment: datetime, day_starts_at: str) -> date:
    """The day a moment counts for: before `day_starts_at` it is still yesterday."""
    start = start_of_day(day_starts_at)
    shifted = moment - timedelta(hours=start.hour, minutes=start.minute)
    return shifted.date()


def parse_day(text: str, today: date, what: str = "date") -> date:
    """A DATE word: YYYY-MM-DD, 'today' or 'yesterday'."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise SelfcareError(f"{what} '{text}' is not a real date; use {DATE_HELP}") from None


def parse_moment(text: str, current: datetime, day_starts_at: str) -> tuple[date, datetime]:
    """`log --date`: a DATE word or YYYY-MM-DDTHH:MM -> (day it counts for, moment).

    A bare date means that day: the moment is its noon, or now if that day is today.
    """
    word = text.strip()
    if "T" in word or " " in word:
        try:
            moment = datetime.fromisoformat(word.replace(" ", "T"))
        except ValueError:
            raise SelfcareError(f"date '{text}' is not a real moment; use YYYY-MM-DDTHH:MM or {DATE_HELP}") from None
        if moment.tzinfo is None:
            moment = moment.astimezone()  # the local offset of that moment
        return day_of(moment, day_starts_at), moment
    today = day_of(current, day_starts_at)
    day = parse_day(word, today)
    if day == today:
        return day, current
    moment = datetime.combine(day, time(12, 0)).astimezone()
    return day, moment
