"""Recording sessions and rest days: checks what was given, then writes it.

Everything is checked before anything is written (the session against
selfcare.limits, the same limits `import` applies), so a bad value leaves the
log as it was. What a command stores is written in one transaction: the
session and the red flags it raises together. What is worked out after the
commit only to be shown (the streak) can fail without undoing anything: the
session is stored, and the failure comes back as a warning.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from . import days as dayrules
from . import limits, models
from .errors import SelfcareError, unknown
from .models import Excluded, Flag, Limit, Profile, RestDay, Session
from .records import NamedTuple
from .safetext import encodable

if TYPE_CHECKING:
    from .library import Library
    from .stats import Streak
    from .store import Change, Store

NOTE_LIMIT = limits.NOTE_LIMIT


class Entry(NamedTuple):
    """What a person asked `log` (or the guide) to record."""

    practice_ids: tuple[str, ...] = ()
    when: str | None = None
    minutes: int | None = None
    seconds: int | None = None  # exact seconds (the guide knows them)
    practice_seconds: tuple[int, ...] = ()
    pain_before: int | None = None
    pain_after: int | None = None
    stress_before: int | None = None
    stress_after: int | None = None
    note: str | None = None
    pro: str | None = None
    too_intense: tuple[str, ...] = ()
    source: str | None = None
    partial: tuple[str, ...] = ()  # a guided session's practices begun but not played to their end
    skipped: tuple[str, ...] = ()  # ...and those skipped, with their seconds
    skipped_seconds: tuple[int, ...] = ()


class Logged(NamedTuple):
    session: Session
    names: tuple[str, ...]
    streak: Streak | None  # None when it could not be worked out after the session was stored
    flags: tuple[Flag, ...] = ()
    unsuitable: tuple[Excluded, ...] = ()  # logged all the same, with a warning
    warnings: tuple[str, ...] = ()  # what went wrong after the session was stored


def _rating(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise SelfcareError(f"{what} must be a whole number from 0 to 10, not {value}")
    return value


def _check_ids(ids: tuple[str, ...], library: Library, what: str = "practice") -> None:
    for pid in ids:
        if library.get(pid) is None:
            raise SelfcareError(unknown(what, pid, library.practices) + "; see 'selfcare routines list'")


def build_session(
    library: Library, profile: Profile, entry: Entry, current: datetime, store: Store | None = None
) -> Session:
    """The session an entry describes, every value checked; nothing written."""
    from . import coach

    if entry.when:
        day, moment = dayrules.parse_moment(entry.when, current, profile.day_starts_at)
    else:
        day, moment = dayrules.day_of(current, profile.day_starts_at), current
    if day > dayrules.day_of(current, profile.day_starts_at):
        raise SelfcareError(f"{day} is in the future; a session can be logged for today or earlier")
    if moment > current + limits.FUTURE_SLACK:
        raise SelfcareError(f"{entry.when} is in the future; a session can be logged for now or earlier")
    pro = entry.pro
    if pro is not None:
        pro = pro.strip().lower().replace(" ", "-")
        if pro not in models.PROFESSIONALS:
            raise SelfcareError(unknown("professional", pro, models.PROFESSIONALS))
    note = entry.note
    if note is not None:
        note = note.strip() or None
        if note and len(note) > NOTE_LIMIT:
            raise SelfcareError(f"the note is {len(note)} characters; keep it under {NOTE_LIMIT}")
        if note and not encodable(note):
            raise SelfcareError("the note is not valid text in this terminal's encoding; type it again")
    ratings = {
        "pain_before": _rating(entry.pain_before, "--pain-before"),
        "pain_after": _rating(entry.pain_after, "--pain-after"),
        "stress_before": _rating(entry.stress_before, "--stress-before"),
        "stress_after": _rating(entry.stress_after, "--stress-after"),
    }
    if entry.minutes is not None and not 1 <= entry.minutes <= 600:
        raise SelfcareError(f"--minutes must be from 1 to 600, not {entry.minutes}")
    _check_ids(entry.practice_ids, library)
    _check_ids(entry.too_intense, library)

    source = entry.source
    ids = entry.practice_ids
    lengths: tuple[int, ...]
    if ids:
        lengths = tuple(library.practices[pid].seconds for pid in ids)
        source = source or "manual"
    elif pro:
        lengths = ()
        source = source or "manual"
    else:
        # The plan listens to the log when there is one; none is created just to plan.
        known = store if store is not None and store.exists else None
        plan = coach.plan_for(known, library, models.Request.of(profile), day)
        ids = tuple(item.practice.id for item in plan.items)
        lengths = tuple(item.seconds for item in plan.items)
        source = source or "plan"
    missing = [pid for pid in entry.too_intense if pid not in ids]
    if missing:
        raise SelfcareError(f"--too-intense {missing[0]}: that practice is not in this session")

    if entry.practice_seconds:
        split = entry.practice_seconds
        total = entry.seconds if entry.seconds is not None else sum(split)
    elif entry.minutes is not None:
        total = entry.minutes * 60
        split = _proportional(total, lengths)
    else:
        total = sum(lengths)
        split = lengths
    if pro and not ids and entry.minutes is None:
        raise SelfcareError("a session with a professional needs its length: add --minutes N")
    if total <= 0:
        raise SelfcareError("nothing to log: give practice ids, or --minutes with --pro")
    session = Session(
        id=str(uuid.uuid4()),
        day=day.isoformat(),
        logged_at=moment.isoformat(timespec="seconds"),
        practices=ids,
        practice_seconds=tuple(split),
        seconds=total,
        note=note,
        pro=pro,
        source=source,
        too_intense=entry.too_intense,
        partial=entry.partial,
        skipped=entry.skipped,
        skipped_seconds=entry.skipped_seconds,
        pain_before=ratings["pain_before"],
        pain_after=ratings["pain_after"],
        stress_before=ratings["stress_before"],
        stress_after=ratings["stress_after"],
    )
    try:
        limits.check_session(session, current)
    except limits.Refused as exc:
        raise SelfcareError(f"this session cannot be logged: {exc.problem}") from None
    return session


def _proportional(total: int, lengths: tuple[int, ...]) -> tuple[int, ...]:
    if not lengths:
        return ()
    whole = sum(lengths) or len(lengths)
    shares = [total * (n or 1) // whole for n in lengths]
    shares[-1] += total - sum(shares)
    return tuple(shares)


def record(store: Store, library: Library, profile: Profile, entry: Entry, current: datetime | None = None) -> Logged:
    """Check the entry, then store the session and its red flags in one transaction."""
    from . import coach, reports

    current = current or dayrules.now()
    session = build_session(library, profile, entry, current, store)
    unsuitable = coach.unsuitable(
        store, library, models.Request.of(profile), session.practices, date.fromisoformat(session.day)
    )
    flags = store.record(session, lambda: coach.red_flags(store, library, session))
    # Stored. What follows is only for the screen: a failure is a warning, not a lost session.
    names = tuple(library.practices[pid].name if pid in library.practices else pid for pid in session.practices)
    streak: Streak | None = None
    warnings: tuple[str, ...] = ()
    try:
        streak = reports.streak(store, dayrules.day_of(current, profile.day_starts_at), profile.days_per_week)
    except Exception as exc:  # a damaged row, say: the session is stored all the same
        warnings = (f"the session was stored, but the streak could not be worked out ({exc})",)
    return Logged(
        session=session,
        names=names,
        streak=streak,
        flags=tuple(flags),
        unsuitable=tuple(unsuitable),
        warnings=warnings,
    )


def _find(store: Store, session_id: str) -> str:
    key = session_id.strip().lower()
    if len(key) < 6 and len(key) != 36:
        raise SelfcareError("give the session id or at least its first 6 characters (see 'selfcare history')")
    found = store.find_sessions(key)
    if not found:
        raise SelfcareError(f"no session with id '{session_id}' (see 'selfcare history')")
    if len(found) > 1 and key not in found:
        raise SelfcareError(f"'{session_id}' matches several sessions; give more of the id")
    return key if key in found else found[0]


def delete(store: Store, session_id: str) -> Session:
    removed = store.delete_session(_find(store, session_id))
    if removed is None:  # removed by another command since it was found
        raise SelfcareError(f"no session with id '{session_id}' (see 'selfcare history')")
    return removed


def undo(store: Store) -> Change:
    """Take back the latest change made here (a session logged, edited or deleted; a rest day
    marked or taken back) and return it: exactly what was taken back."""
    change = store.undo()
    if change is None:
        raise SelfcareError("nothing to undo: nothing logged, edited or marked here yet")
    return change


class Edit(NamedTuple):
    """What `history edit` changes; None leaves a value as it is."""

    when: str | None = None
    minutes: int | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    stress_before: int | None = None
    stress_after: int | None = None
    note: str | None = None  # "" clears it


def edit(
    store: Store, profile: Profile, session_id: str, changes: Edit, current: datetime | None = None
) -> tuple[Session, Session]:
    """Correct one session, checked by the same limits as `log`; (before, after)."""
    current = current or dayrules.now()
    before = store.session(_find(store, session_id))
    if before is None:
        raise SelfcareError(f"no session with id '{session_id}' (see 'selfcare history')")
    after = before
    if changes.when is not None:
        day, moment = dayrules.parse_moment(changes.when, current, profile.day_starts_at)
        after = after._replace(day=day.isoformat(), logged_at=moment.isoformat(timespec="seconds"))
    if changes.minutes is not None:
        if not 1 <= changes.minutes <= 600:
            raise SelfcareError(f"--minutes must be from 1 to 600, not {changes.minutes}")
        seconds = changes.minutes * 60
        after = after._replace(seconds=seconds, practice_seconds=_proportional(seconds, before.practice_seconds))

    def rated(new: int | None, old: int | None, option: str) -> int | None:
        return old if new is None else _rating(new, option)

    after = after._replace(
        pain_before=rated(changes.pain_before, after.pain_before, "--pain-before"),
        pain_after=rated(changes.pain_after, after.pain_after, "--pain-after"),
        stress_before=rated(changes.stress_before, after.stress_before, "--stress-before"),
        stress_after=rated(changes.stress_after, after.stress_after, "--stress-after"),
    )
    if changes.note is not None:
        note = changes.note.strip() or None
        if note and not encodable(note):
            raise SelfcareError("the note is not valid text in this terminal's encoding; type it again")
        after = after._replace(note=note)
    if after == before:
        raise SelfcareError("nothing to change: give --date, --minutes, a rating or --note")
    try:
        limits.check_session(after, current)
    except limits.Refused as exc:
        raise SelfcareError(f"this edit cannot be stored: {exc.field}: {exc.problem}") from None
    store.edit_session(before, after)
    return before, after


def rest_remove(store: Store, profile: Profile, when: str | None, current: datetime | None = None) -> RestDay:
    current = current or dayrules.now()
    today = dayrules.day_of(current, profile.day_starts_at)
    day: date = dayrules.parse_day(when, today) if when else today
    removed = store.remove_rest(day.isoformat()) if store.exists else None
    if removed is None:
        raise SelfcareError(f"{day} is not marked as a rest day (see 'selfcare streak')")
    return removed


class Rested(NamedTuple):
    day: str
    reason: str | None
    new: bool
    had_session: bool


def rest(
    store: Store, profile: Profile, when: str | None, reason: str | None, current: datetime | None = None
) -> Rested:
    current = current or dayrules.now()
    today = dayrules.day_of(current, profile.day_starts_at)
    day: date = dayrules.parse_day(when, today) if when else today
    if reason is not None:
        reason = reason.strip() or None
        if reason and not encodable(reason):
            raise SelfcareError("the reason is not valid text in this terminal's encoding; type it again")
    try:
        limits.check_rest_day(day.isoformat(), reason, today)
    except limits.Refused as exc:
        raise SelfcareError(f"this rest day cannot be marked: {exc.problem}") from None
    had = bool(store.day_totals(day.isoformat(), day.isoformat())) if store.exists else False
    new = store.add_rest(day.isoformat(), reason, current.isoformat(timespec="seconds"))
    return Rested(day.isoformat(), reason, new, had)


class Cleared(NamedTuple):
    area: str
    day: str
    lifted: Limit | None  # the limit it ended, if one was in force


def clear(store: Store, library: Library, profile: Profile, area_word: str, current: datetime | None = None) -> Cleared:
    """Resume an area paused or softened after a red flag, once the person has seen someone."""
    from . import coach
    from .profile import parse_words

    [area] = parse_words(area_word, models.AREAS, "area", allow_empty=False)[:1]
    current = current or dayrules.now()
    today = dayrules.day_of(current, profile.day_starts_at)
    held = coach.limits(store, library, today, profile.areas).get(area)
    if held is not None:
        store.add_clear(area, today.isoformat(), current.isoformat(timespec="seconds"))
    return Cleared(area, today.isoformat(), held)
