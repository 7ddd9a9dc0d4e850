"""Export and import of the log.

JSON carries everything (sessions in the `history --json` shape, one a line,
plus rest days and red flags) and is what `import` reads; CSV is for
spreadsheets. An export is one moment of the log (read in one read
transaction) and never holds what `import` would refuse: each session is
checked against selfcare.limits, and one that fails (left by an older version,
say) is left out and named.

An import file is read as a stream, one session at a time, so its limit is
on each session (MAX_ITEM_BYTES), not on the file: an export of a million
sessions imports. Each item is checked against the same limits `log` applies,
then staged in a private temporary database (store.Staging); only when the
whole file has been read is the log opened and everything merged in one
transaction, so a bad file changes nothing and an interrupted import leaves
all of it or none. A session already present (same id) is never added twice.
With `skip_invalid`, items that fail their checks are left out and listed
instead of refusing the whole file; a file that is not JSON is still refused.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from . import limits
from .errors import SelfcareError
from .models import Flag, RestDay, Session
from .records import NamedTuple
from .safetext import encodable, to_json

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from .store import Merged, Staging, Store

FORMAT = "selfcare-log"
FORMAT_VERSION = 1
MAX_ITEM_BYTES = 1 << 20  # one session, rest day or flag (a real one is under 30 KiB), or a top-level value
CHUNK = 1 << 20
LISTS = ("sessions", "rest_days", "flags")
CSV_FIELDS = (
    "id",
    "date",
    "logged_at",
    "seconds",
    "practices",
    "pain_before",
    "pain_after",
    "stress_before",
    "stress_after",
    "note",
    "pro",
    "source",
)

JSONValue = Any  # whatever a JSON document holds


# --- export -----------------------------------------------------------------


class LeftOut(NamedTuple):
    """A stored item an export left out because `import` would refuse it."""

    what: str  # "session", "rest day" or "red flag"
    ident: str  # its id or day
    problem: str


def export_json(store: Store, exported_at: str, now: datetime | None, write: Callable[[str], object]) -> list[LeftOut]:
    """Write the whole log as JSON through `write`, piece by piece; returns what was left out."""
    left: list[LeftOut] = []
    head = {"format": FORMAT, "version": FORMAT_VERSION, "exported_at": exported_at}
    write(to_json(head, indent=None)[:-1] + ",\n")
    with store.snapshot():
        gone: set[str] = set()
        write('"sessions": [')
        first = True
        for s in store.iter_sessions(newest_first=False):
            try:
                limits.check_session(s, now)
            except limits.Refused as exc:
                left.append(LeftOut("session", s.id, str(exc)))
                gone.add(s.id)
                continue
            write(("\n" if first else ",\n") + to_json(s.to_dict(), indent=None))
            first = False
        write("\n],\n")
        today = now.date() if now is not None else None
        rests = []
        for r in store.rest_days():
            try:
                limits.check_rest_day(r.day, r.reason, today)
            except limits.Refused as exc:
                left.append(LeftOut("rest day", r.day, str(exc)))
                continue
            rests.append(to_json(r.to_dict(), indent=None))
        write('"rest_days": [' + ("\n" + ",\n".join(rests) + "\n" if rests else "") + "],\n")
        flags = []
        for f in store.flags():
            try:
                limits.check_flag(f)
            except limits.Refused as exc:
                left.append(LeftOut("red flag", f.day, str(exc)))
                continue
            if f.session_id in gone:
                continue  # its session was left out, so it goes too
            flags.append(to_json(f.to_dict(), indent=None))
        write('"flags": [' + ("\n" + ",\n".join(flags) + "\n" if flags else "") + "]\n}\n")
    return left


def export_csv(store: Store, write: Callable[[str], object]) -> None:
    """Write the sessions as CSV through `write`, a row at a time."""
    from .safetext import clean

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    with store.snapshot():
        for n, s in enumerate(store.iter_sessions(newest_first=False)):
            row = s.to_dict()
            row["practices"] = ";".join(s.practices)
            # Spreadsheets get text without control characters (JSON keeps them, escaped).
            writer.writerow({k: _csv_safe(clean(row[k]) if isinstance(row[k], str) else row[k]) for k in CSV_FIELDS})
            if n % 1000 == 999:
                write(out.getvalue())
                out.seek(0)
                out.truncate()
    write(out.getvalue())


def _csv_safe(value: Any) -> Any:
    # A cell starting with = + - @ is run as a formula by spreadsheets.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


# --- reading an import file, as a stream --------------------------------------


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"the key '{key[:40]}' appears twice in one object")


class _NotANumber(ValueError):
    def __init__(self, word: str) -> None:
        super().__init__(f"{word} is not a number JSON allows")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return found


def _constant(word: str) -> Any:
    raise _NotANumber(word)


class _Stream:
    """An export file read a chunk at a time: the top-level object key by key, and the
    sessions, rest days and flags lists one item at a time, each at most MAX_ITEM_BYTES."""

    def __init__(self, handle: IO[bytes], label: str) -> None:
        import codecs

        self.handle = handle
        self.label = label
        self.text = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # line breaks in the text already dropped from the buffer
        self.json = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)

    def fail(self, problem: str, at: int | None = None) -> SelfcareError:
        line = self.lines_before + self.buf.count("\n", 0, self.pos if at is None else at) + 1
        return SelfcareError(f"{self.label}:{line}: not valid JSON ({problem}); import reads 'selfcare export' JSON")

    def _fill(self) -> bool:
        """Read another chunk; False at the end of the file."""
        if self.eof:
            return False
        if self.pos > CHUNK:  # drop what has been read already
            self.lines_before += self.buf.count("\n", 0, self.pos)
            self.buf = self.buf[self.pos :]
            self.pos = 0
        try:
            raw = self.handle.read(CHUNK)
            part = self.text.decode(raw, final=not raw)
        except UnicodeDecodeError:
            raise SelfcareError(
                f"{self.label}: not UTF-8 text; import reads the JSON written by 'selfcare export'"
            ) from None
        except OSError as exc:
            raise SelfcareError(f"{self.label}: cannot be read ({exc.strerror})") from None
        if not raw:
            self.eof = True
        self.buf += part
        return bool(raw)

    def peek(self) -> str:
        """The next character that is not white space ('' at the end), without taking it."""
        while True:
            buf, n = self.buf, len(self.buf)
            while self.pos < n and buf[self.pos] in " \t\n\r":
                self.pos += 1
            if self.pos < n:
                return buf[self.pos]
            if not self._fill():
                return ""

    def take(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise self.fail(f"expected {what}")
        self.pos += 1

    def value(self) -> JSONValue:
        """The next JSON value, whatever it is, of at most MAX_ITEM_BYTES."""
        self.peek()
        while True:
            try:
                found, end = self.json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise self.fail(exc.msg, exc.pos) from None
            except (_Duplicate, _NotANumber) as exc:
                raise self.fail(str(exc)) from None
            except RecursionError:
                raise self.fail("nested too deeply to be an export file") from None
            except ValueError as exc:  # e.g. a number with thousands of digits
                raise self.fail(str(exc)[:80]) from None
            if end == len(self.buf) and self._more():
                continue  # a number may go on in the next chunk
            if end - self.pos > MAX_ITEM_BYTES:
                raise self._too_long()
            self.pos = end
            return found

    def _more(self) -> bool:
        """Read on for the value that starts at `pos`; False at the end of the file.
        Raises once the value is longer than any item may be."""
        if len(self.buf) - self.pos > MAX_ITEM_BYTES:
            raise self._too_long()
        return self._fill()

    def _too_long(self) -> SelfcareError:
        line = self.lines_before + self.buf.count("\n", 0, self.pos) + 1
        return SelfcareError(
            f"{self.label}:{line}: one item is longer than {MAX_ITEM_BYTES >> 20} MiB; this is not a selfcare export"
        )

    def items(self) -> Iterator[JSONValue]:
        """The items of the list that starts here."""
        self.take("[", "a list")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            char = self.peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                self.pos -= 1
                raise self.fail("expected ',' or ']' between items")


class Refusal(NamedTuple):
    """An item of an import file that was not imported."""

    where: str  # e.g. "sessions[3]"
    ident: str | None  # the session's id or the rest day's date, when it has one
    problem: str


def _walk(
    stream: _Stream,
    on_item: Callable[[str, int, JSONValue], None],
) -> None:
    """Read the whole file, handing each item of its lists to `on_item`; checks the top level."""
    label = stream.label
    first = stream.peek()
    if first == "":
        raise SelfcareError(f"{label}: is empty; import reads the JSON written by 'selfcare export'")
    if first == "[":  # a bare `history --json` list is accepted too
        for i, item in enumerate(stream.items()):
            on_item("sessions", i, item)
        if stream.peek() != "":
            raise stream.fail("more after the end of the list")
        return
    if first != "{":
        stream.value()  # a JSON value, or the reason it is not one
        raise SelfcareError(f"{label}: not a selfcare export (no 'sessions' list)")
    stream.pos += 1
    seen: set[str] = set()
    while True:
        char = stream.peek()
        if char == "}":
            stream.pos += 1
            break
        if seen:
            stream.take(",", "',' or '}' after a value")
        if stream.peek() != '"':
            raise stream.fail("expected a key in double quotes")
        key = stream.value()
        if key in seen:
            raise SelfcareError(f"{label}: the key '{key[:40]}' appears twice")
        seen.add(key)
        stream.take(":", "':' after a key")
        if key in LISTS and stream.peek() == "[":
            for i, item in enumerate(stream.items()):
                on_item(key, i, item)
            continue
        value = stream.value()
        if key in LISTS:
            raise SelfcareError(f"{label}: '{key}' must be a list")
        _check_top(label, key, value)
    if stream.peek() != "":
        raise stream.fail("more after the end of the export")
    if "sessions" not in seen:
        raise SelfcareError(f"{label}: not a selfcare export (no 'sessions' list)")


def _check_top(label: str, key: str, value: JSONValue) -> None:
    if key == "format" and value != FORMAT:
        raise SelfcareError(f"{label}: format '{str(value)[:40]}' is not a selfcare log")
    if key == "version":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SelfcareError(
                f"{label}: 'version' must be a whole number like {FORMAT_VERSION}, not {str(value)[:40]}; "
                "this file was not written by 'selfcare export'"
            )
        if value > FORMAT_VERSION:
            raise SelfcareError(f"{label}: export version {value} is newer than this selfcare reads; upgrade selfcare")
        if value < 1:
            raise SelfcareError(f"{label}: export version {value} is not one selfcare ever wrote")


class _Bad(Exception):
    """A problem with one item: `field` (or None for the item itself) and what is wrong."""

    def __init__(self, field: str | None, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def _field(item: dict[str, Any], key: str, kinds: tuple[type, ...], *, required: bool = True) -> Any:
    if key not in item or item[key] is None:
        if required:
            raise _Bad(key, "missing")
        return None
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise _Bad(key, f"has the wrong type ({type(value).__name__})")
    if isinstance(value, str) and not encodable(value):
        raise _Bad(key, "is not valid text (a lone surrogate)")
    return value


def _ints(value: Any, key: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        raise _Bad(key, "must be a list of whole numbers")
    return value


def _strings(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise _Bad(key, "must be a list of practice ids")
    return value


def session_from(item: JSONValue) -> Session:
    """A session from its JSON shape (as `history --json` and `export` write it); types only,
    the limits are checked by limits.check_session."""
    if not isinstance(item, dict):
        raise _Bad(None, "must be an object")
    sid = _field(item, "id", (str,))
    try:
        sid = str(uuid.UUID(sid))
    except ValueError:
        raise _Bad("id", f"'{sid[:40]}' is not a session id (a UUID)") from None
    day = _field(item, "date", (str,))
    logged_at = _field(item, "logged_at", (str,))
    try:
        moment = datetime.fromisoformat(logged_at)
    except ValueError:
        raise _Bad("logged_at", f"'{logged_at[:40]}' is not an ISO 8601 moment") from None
    practices = _strings(_field(item, "practices", (list,)), "practices")
    seconds = _field(item, "seconds", (int,))
    split = _ints(item.get("practice_seconds") or [], "practice_seconds")
    ratings = {key: _field(item, key, (int,), required=False) for key in limits.RATINGS}
    return Session(
        id=sid,
        day=day,
        logged_at=moment.isoformat() if moment.tzinfo is not None else logged_at,
        practices=tuple(practices),
        practice_seconds=tuple(split),
        seconds=seconds,
        note=_field(item, "note", (str,), required=False),
        pro=_field(item, "pro", (str,), required=False),
        source="import",
        too_intense=tuple(_strings(item.get("too_intense") or [], "too_intense")),
        partial=tuple(_strings(item.get("partial") or [], "partial")),
        skipped=tuple(_strings(item.get("skipped") or [], "skipped")),
        skipped_seconds=tuple(_ints(item.get("skipped_seconds") or [], "skipped_seconds")),
        **ratings,
    )


def _rest_from(item: JSONValue) -> RestDay:
    if not isinstance(item, dict):
        raise _Bad(None, "must be an object")
    return RestDay(_field(item, "date", (str,)), _field(item, "reason", (str,), required=False))


def _flag_from(item: JSONValue) -> Flag:
    if not isinstance(item, dict):
        raise _Bad(None, "must be an object")
    session_id = _field(item, "session_id", (str,), required=False)
    if session_id is not None:
        try:
            session_id = str(uuid.UUID(session_id))
        except ValueError:
            raise _Bad("session_id", f"'{session_id[:40]}' is not a session id (a UUID)") from None
    return Flag(
        session_id,
        _field(item, "date", (str,)),
        _field(item, "rule", (str,)),
        _field(item, "area", (str,), required=False),
        _field(item, "message", (str,)),
    )


def read_into(
    path: Path, staging: Staging | None, now: datetime | None, *, skip_invalid: bool = False
) -> tuple[list[Refusal], list[Session], list[RestDay], list[Flag]]:
    """Read and check a whole import file, staging what passes (or collecting it in the
    returned lists when `staging` is None, for small files). Raises SelfcareError naming
    the file and the first problem, unless `skip_invalid`, which leaves out and lists the
    items that fail their checks."""
    from .bounded import Unreadable, open_regular

    label = str(path)
    try:
        handle = open_regular(path)
    except Unreadable as exc:
        raise SelfcareError(f"{label}: {exc.problem}") from None
    refused: list[Refusal] = []
    kept: tuple[list[Session], list[RestDay], list[Flag]] = ([], [], [])
    seen_ids: set[str] = set()
    seen_days: set[str] = set()
    today = now.date() if now is not None else None

    def refuse(where: str, ident: str | None, field: str | None, problem: str) -> None:
        named = f".{field}" if field else ""
        if not skip_invalid:
            raise SelfcareError(f"{label}: {where}{named}: {problem}")
        refused.append(Refusal(where, ident, f"{field}: {problem}" if field else problem))

    def on_item(key: str, i: int, item: JSONValue) -> None:
        where = f"{key}[{i}]"
        ident = None
        try:
            if key == "sessions":
                s = session_from(item)
                ident = s.id
                limits.check_session(s, now)
                if staging is not None:
                    from .store import Duplicate

                    try:
                        staging.add_session(i, s)
                    except Duplicate:
                        raise _Bad("id", f"'{s.id}' appears twice in the file") from None
                else:
                    if s.id in seen_ids:
                        raise _Bad("id", f"'{s.id}' appears twice in the file")
                    seen_ids.add(s.id)
                    kept[0].append(s)
            elif key == "rest_days":
                r = _rest_from(item)
                ident = r.day
                limits.check_rest_day(r.day, r.reason, today)
                if staging is not None:
                    from .store import Duplicate

                    try:
                        staging.add_rest(i, r)
                    except Duplicate:
                        raise _Bad("date", f"{r.day} appears twice in the file") from None
                else:
                    if r.day in seen_days:
                        raise _Bad("date", f"{r.day} appears twice in the file")
                    seen_days.add(r.day)
                    kept[1].append(r)
            else:
                f = _flag_from(item)
                limits.check_flag(f)
                if staging is not None:
                    staging.add_flag(i, f)
                else:
                    kept[2].append(f)
        except _Bad as exc:
            refuse(where, ident, exc.field, exc.problem)
        except limits.Refused as exc:
            refuse(where, ident, exc.field, exc.problem)

    with handle:
        _walk(_Stream(handle, label), on_item)
    return (refused, *kept)


def read_import(path: Path, now: datetime | None = None) -> tuple[list[Session], list[RestDay], list[Flag]]:
    """Parse and check a whole export file into lists (for small files and tests); raises
    SelfcareError naming the file and the first problem."""
    _, sessions, rests, flags = read_into(path, None, now)
    return sessions, rests, flags


class Imported(NamedTuple):
    added: int
    present: int
    rest_days: int
    refused: list[Refusal]  # items left out by skip_invalid
    orphan_flags: list[tuple[int, str]]  # (position, session id) of red flags whose session is not in the log


def import_file(path: Path, open_log: Callable[[], Store], now: datetime, *, skip_invalid: bool = False) -> Imported:
    """Read and check the whole file, then (and only then) open the log and merge it in one
    transaction."""
    from .store import Staging

    with Staging() as staging:
        refused, *_ = read_into(path, staging, now, skip_invalid=skip_invalid)
        with open_log() as store:
            merged: Merged = store.merge(staging, now.isoformat(timespec="seconds"))
    return Imported(merged.added, merged.present, merged.rest_days, refused, merged.orphan_flags)
