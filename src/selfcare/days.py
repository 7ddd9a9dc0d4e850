"""Days and moments: the clock, the DATE words, the day boundary, and the dates allowed.

A session counts for the local day it falls in, where a day starts at the
profile's `day_starts_at` (04:00 by default): 02:30 on the 5th belongs to the
4th. `day_of` is the one place that rule lives.

The clock is read only through `now()`, which honours SELFCARE_NOW (an ISO
moment such as 2026-03-29T02:30+01:00) so scripts and tests can fix time.

Dates run from FIRST_DAY to LAST_DAY (1900 to 9000) everywhere: options,
SELFCARE_NOW, the log and imports. Far enough either way for any life, and
far from the ends of Python's calendar (years 1 and 9999), where adding a
day or a week overflows.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta

from .errors import SelfcareError

DATE_HELP = "YYYY-MM-DD, 'today' or 'yesterday'"
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9000, 12, 31)
RANGE_WORDS = f"from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def out_of_range(what: str, text: str) -> SelfcareError:
    """The one line for a date outside the years selfcare works with."""
    return SelfcareError(f"{what} '{text}' is out of range; use a date {RANGE_WORDS}")


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
        if not in_range(moment.date()):
            raise out_of_range("SELFCARE_NOW", fixed)
        try:
            return moment if moment.tzinfo else moment.astimezone()
        except (OverflowError, OSError, ValueError):
            raise out_of_range("SELFCARE_NOW", fixed) from None
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
    """A DATE word: YYYY-MM-DD, 'today' or 'yesterday' (any case), within the years allowed."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    try:
        day = date.fromisoformat(word)
    except ValueError:
        raise SelfcareError(f"{what} '{text}' is not a real date; use {DATE_HELP}") from None
    if not in_range(day):
        raise out_of_range(what, text)
    return day


def local_moment(naive: datetime, text: str) -> datetime:
    """A wall-clock time read in the local time zone, refusing one the clocks skip."""
    try:
        moment = naive.astimezone()
    except (OverflowError, OSError, ValueError):
        raise out_of_range("date", text) from None
    # A time that does not exist (the hour skipped when the clocks go forward) comes
    # back as another wall time; saying so beats quietly moving it an hour.
    if moment.replace(tzinfo=None) != naive:
        raise SelfcareError(
            f"date '{text}' does not exist here: the clocks skipped that hour; give the time after the change"
        )
    return moment


def parse_moment(text: str, current: datetime, day_starts_at: str) -> tuple[date, datetime]:
    """`log --date`: a DATE word or YYYY-MM-DDTHH:MM -> (day it counts for, moment).

    A bare date means that day: the moment is its noon, or now if that day is today.
    """
    word = text.strip()
    today = day_of(current, day_starts_at)
    if word.lower() in ("today", "yesterday") or ("T" not in word.upper() and " " not in word):
        day = parse_day(word, today)
        if day == today:
            return day, current
        return day, local_moment(datetime.combine(day, time(12, 0)), text)
    try:
        moment = datetime.fromisoformat(word.replace(" ", "T"))
    except ValueError:
        raise SelfcareError(f"date '{text}' is not a real moment; use YYYY-MM-DDTHH:MM or {DATE_HELP}") from None
    if not in_range(moment.date()):
        raise out_of_range("date", text)
    if moment.tzinfo is None:
        moment = local_moment(moment, text)  # the local offset of that moment
    day = day_of(moment, day_starts_at)
    if not in_range(day):
        raise out_of_range("date", text)
    return day, moment
