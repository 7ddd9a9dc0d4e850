"""What a stored session may hold: one set of limits, checked the same way everywhere.

`log` (and the guided session) checks a session with `check_session` before
writing it, `import` checks each session of a file with it, and `export`
leaves out (and names) any stored session it refuses, so a backup always
restores. `history edit` and sync are to call the same function.

A session:
- has a UUID for its id, and counts for a day (`date`) from 1900 to 9000;
- was logged at a moment (`logged_at`, with its UTC offset) that is not in
  the future (beyond FUTURE_SLACK, for clocks that differ a little) and whose
  own local date is that day or the day after (a session before the day's
  start, 04:00 by default, counts for the day before; the start is at most
  23:59, so never more than a day back);
- holds at most MAX_PRACTICES practice ids (1 to 64 characters each), each
  with 0 to MAX_SECONDS seconds when they are given, and together no more
  than the session's own seconds;
- lasts 0 to MAX_SECONDS seconds (a day);
- has pain and stress ratings that are whole numbers from 0 to 10, a note of
  at most NOTE_LIMIT characters, a known professional, and marks as too
  intense only practices of the session.

A rest day is a day from 1900 to 9000, at most REST_AHEAD_DAYS ahead, with a
reason of at most REASON_LIMIT characters.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from . import models
from .days import RANGE_WORDS, in_range
from .errors import SelfcareError
from .safetext import encodable

if TYPE_CHECKING:
    from .models import Flag, Session

MAX_PRACTICES = 200
MAX_SECONDS = 86_400
MAX_PRACTICE_ID = 64
NOTE_LIMIT = 2000
REASON_LIMIT = 200
MESSAGE_LIMIT = 1000
REST_AHEAD_DAYS = 366
FUTURE_SLACK = timedelta(minutes=10)
RATINGS = ("pain_before", "pain_after", "stress_before", "stress_after")
FLAG_RULES = ("high-pain", "worse-twice", "no-improvement")


class Refused(SelfcareError):
    """A value outside the limits: `field` names it (as in an export file), `problem` says why."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def _day(text: str, field: str) -> date:
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        raise Refused(field, f"'{str(text)[:40]}' is not a real date (YYYY-MM-DD)") from None
    if not in_range(day):
        raise Refused(field, f"{text} is out of range; dates run {RANGE_WORDS}")
    return day


def _text(value: str | None, field: str, limit: int) -> None:
    if value is None:
        return
    if len(value) > limit:
        raise Refused(field, f"the {field} is {len(value):,} characters; keep it to {limit:,}")
    if not encodable(value):
        raise Refused(field, f"the {field} is not valid text (it holds a lone surrogate)")


def check_session(s: Session, now: datetime | None) -> None:
    """Raise Refused for the first value of `s` outside the limits; `now` is the current
    moment (None leaves out the check against the future)."""
    try:
        canonical = str(uuid.UUID(s.id))
    except (TypeError, ValueError):
        canonical = None
    if canonical != s.id:
        raise Refused("id", f"'{s.id[:40]}' is not a session id (a UUID)")
    day = _day(s.day, "date")
    try:
        moment = datetime.fromisoformat(s.logged_at)
    except (TypeError, ValueError):
        raise Refused("logged_at", f"'{s.logged_at[:40]}' is not an ISO 8601 moment") from None
    if moment.tzinfo is None:
        raise Refused("logged_at", "needs its UTC offset (like +01:00)")
    if not in_range(moment.date()):
        raise Refused("logged_at", f"{s.logged_at} is out of range; dates run {RANGE_WORDS}")
    if now is not None and moment > now + FUTURE_SLACK:
        raise Refused("logged_at", f"{s.logged_at} is in the future")
    if day not in (moment.date(), moment.date() - timedelta(days=1)):
        raise Refused("date", f"{s.day} is not the day of its moment ({s.logged_at}) nor the day before")
    if len(s.practices) > MAX_PRACTICES:
        raise Refused("practices", f"it has {len(s.practices)} practices; a session holds at most {MAX_PRACTICES}")
    for pid in s.practices:
        if not isinstance(pid, str) or not 0 < len(pid) <= MAX_PRACTICE_ID or not encodable(pid):
            raise Refused("practices", f"must be practice ids of 1 to {MAX_PRACTICE_ID} characters")
    if not isinstance(s.seconds, int) or isinstance(s.seconds, bool) or s.seconds < 0:
        raise Refused("seconds", f"{s.seconds} is not whole seconds from 0 to {MAX_SECONDS:,}")
    if s.seconds > MAX_SECONDS:
        raise Refused("seconds", f"it lasts {s.seconds:,} seconds; a session lasts at most {MAX_SECONDS:,} (a day)")
    if s.practice_seconds:
        if len(s.practice_seconds) != len(s.practices):
            raise Refused("practice_seconds", "must give one number for each practice")
        for n in s.practice_seconds:
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_SECONDS:
                raise Refused("practice_seconds", f"{n} is not whole seconds between 0 and {MAX_SECONDS:,}")
        if sum(s.practice_seconds) > s.seconds:
            raise Refused(
                "practice_seconds",
                f"the practices add up to {sum(s.practice_seconds):,} seconds, more than the session's {s.seconds:,}",
            )
    for field in RATINGS:
        value = getattr(s, field)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10):
            raise Refused(field, f"{value} is not a whole number from 0 to 10")
    _text(s.note, "note", NOTE_LIMIT)
    if s.pro is not None and s.pro not in models.PROFESSIONALS:
        raise Refused("pro", f"unknown professional '{s.pro[:40]}'")
    if s.source not in models.SOURCES:
        raise Refused("source", f"unknown source '{str(s.source)[:40]}'")
    for pid in s.too_intense:
        if pid not in s.practices:
            raise Refused("too_intense", f"'{str(pid)[:40]}' is not a practice of this session")
    for pid in s.partial:
        if pid not in s.practices:
            raise Refused("partial", f"'{str(pid)[:40]}' is not a practice of this session")
    if len(s.practices) + len(s.skipped) > MAX_PRACTICES:
        raise Refused("skipped", f"with its skipped practices it holds more than {MAX_PRACTICES}")
    for pid in s.skipped:
        if not isinstance(pid, str) or not 0 < len(pid) <= MAX_PRACTICE_ID or not encodable(pid):
            raise Refused("skipped", f"must be practice ids of 1 to {MAX_PRACTICE_ID} characters")
    if s.skipped_seconds:
        if len(s.skipped_seconds) != len(s.skipped):
            raise Refused("skipped_seconds", "must give one number for each skipped practice")
        for n in s.skipped_seconds:
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_SECONDS:
                raise Refused("skipped_seconds", f"{n} is not whole seconds between 0 and {MAX_SECONDS:,}")


def check_rest_day(day: str, reason: str | None, today: date | None) -> None:
    """Raise Refused unless `day` (and its reason) may be stored as a rest day; `today`
    None leaves out the check against the future."""
    when = _day(day, "date")
    if today is not None and when > today + timedelta(days=REST_AHEAD_DAYS):
        raise Refused("date", f"{day} is more than a year ahead; mark rest days closer to the time")
    _text(reason, "reason", REASON_LIMIT)


def check_flag(flag: Flag) -> None:
    """Raise Refused unless `flag` is a red flag selfcare could have raised."""
    _day(flag.day, "date")
    if flag.rule not in FLAG_RULES:
        raise Refused("rule", f"unknown rule '{str(flag.rule)[:40]}'")
    if flag.area is not None and flag.area not in models.AREAS:
        raise Refused("area", f"unknown area '{str(flag.area)[:40]}'")
    _text(flag.message, "message", MESSAGE_LIMIT)
