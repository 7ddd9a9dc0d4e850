"""Export and import of the log.

JSON carries everything (sessions in the `history --json` shape, plus rest
days) and is what `import` reads; CSV is for spreadsheets. An import file is
checked whole before anything is written, and then written in one
transaction, so a bad file changes nothing. A session already present (same
id) is never added twice.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from . import models
from .errors import SelfcareError
from .models import Flag, RestDay, Session
from .safetext import encodable, to_json

if TYPE_CHECKING:
    from pathlib import Path

    from .store import Store

FORMAT = "selfcare-log"
FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 512 * 1024 * 1024
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


def export_json(store: Store, exported_at: str) -> str:
    sessions = list(reversed(store.sessions()))
    data = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": exported_at,
        "sessions": [s.to_dict() for s in sessions],
        "rest_days": [r.to_dict() for r in store.rest_days()],
        "flags": [f.to_dict() for f in store.flags()],
    }
    return to_json(data, indent=1) + "\n"


def export_csv(store: Store) -> str:
    from .safetext import clean

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for s in reversed(store.sessions()):
        row = s.to_dict()
        row["practices"] = ";".join(s.practices)
        # Spreadsheets get text without control characters (JSON keeps them, escaped).
        writer.writerow({k: _csv_safe(clean(row[k]) if isinstance(row[k], str) else row[k]) for k in CSV_FIELDS})
    return out.getvalue()


def _csv_safe(value: Any) -> Any:
    # A cell starting with = + - @ is run as a formula by spreadsheets.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


# --- import -----------------------------------------------------------------


class _Bad(Exception):
    pass


def read_import(path: Path) -> tuple[list[Session], list[RestDay], list[Flag]]:
    """Parse and check a whole export file; raises SelfcareError naming the first problem."""
    import stat

    label = str(path)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would block or never end
            raise SelfcareError(f"{label}: is not a regular file; import reads a file written by 'selfcare export'")
        if st.st_size > MAX_IMPORT_BYTES:
            raise SelfcareError(f"{label}: {st.st_size:,} bytes is larger than an import can be (512 MiB)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SelfcareError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise SelfcareError(f"{label}: is a folder, not an export file") from None
    except PermissionError:
        raise SelfcareError(f"{label}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise SelfcareError(f"{label}: cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SelfcareError(f"{label}: not UTF-8 text; import reads the JSON written by 'selfcare export'") from None
    except json.JSONDecodeError as exc:
        raise SelfcareError(
            f"{label}:{exc.lineno}: not valid JSON ({exc.msg}); import reads 'selfcare export' JSON"
        ) from None
    except RecursionError:
        raise SelfcareError(f"{label}: nested too deeply to be an export file") from None
    except ValueError as exc:  # e.g. a number with thousands of digits
        raise SelfcareError(f"{label}: not a selfcare export ({str(exc)[:80]})") from None
    if isinstance(data, list):
        data = {"sessions": data}  # a bare `history --json` list is accepted too
    if not isinstance(data, dict) or "sessions" not in data:
        raise SelfcareError(f"{label}: not a selfcare export (no 'sessions' list)")
    if data.get("format", FORMAT) != FORMAT:
        raise SelfcareError(f"{label}: format '{data.get('format')}' is not a selfcare log")
    version = data.get("version", FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise SelfcareError(f"{label}: export version {version!r} is newer than this selfcare reads; upgrade selfcare")
    sessions_raw, rest_raw = data["sessions"], data.get("rest_days", [])
    if not isinstance(sessions_raw, list):
        raise SelfcareError(f"{label}: 'sessions' must be a list")
    if not isinstance(rest_raw, list):
        raise SelfcareError(f"{label}: 'rest_days' must be a list")
    sessions, seen = [], set()
    for i, item in enumerate(sessions_raw):
        try:
            session = _session(item)
        except _Bad as exc:
            raise SelfcareError(f"{label}: sessions[{i}]{exc}") from None
        if session.id in seen:
            raise SelfcareError(f"{label}: sessions[{i}].id: '{session.id}' appears twice in the file")
        seen.add(session.id)
        sessions.append(session)
    rests = []
    for i, item in enumerate(rest_raw):
        try:
            rests.append(_rest(item))
        except _Bad as exc:
            raise SelfcareError(f"{label}: rest_days[{i}]{exc}") from None
    flags_raw = data.get("flags", [])
    if not isinstance(flags_raw, list):
        raise SelfcareError(f"{label}: 'flags' must be a list")
    flags = []
    for i, item in enumerate(flags_raw):
        try:
            flags.append(_flag(item, seen))
        except _Bad as exc:
            raise SelfcareError(f"{label}: flags[{i}]{exc}") from None
    return sessions, rests, flags


def _field(item: dict[str, Any], key: str, kinds: tuple[type, ...], *, required: bool = True) -> Any:
    if key not in item or item[key] is None:
        if required:
            raise _Bad(f".{key}: missing")
        return None
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise _Bad(f".{key}: has the wrong type ({type(value).__name__})")
    if isinstance(value, str) and not encodable(value):
        raise _Bad(f".{key}: is not valid text (a lone surrogate)")
    return value


def _day(value: str, key: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise _Bad(f".{key}: '{value[:40]}' is not a real date (YYYY-MM-DD)") from None


def _session(item: Any) -> Session:
    if not isinstance(item, dict):
        raise _Bad(": must be an object")
    sid = _field(item, "id", (str,))
    try:
        sid = str(uuid.UUID(sid))
    except ValueError:
        raise _Bad(f".id: '{sid[:40]}' is not a session id (a UUID)") from None
    day = _day(_field(item, "date", (str,)), "date")
    logged_at = _field(item, "logged_at", (str,))
    try:
        moment = datetime.fromisoformat(logged_at)
    except ValueError:
        raise _Bad(f".logged_at: '{logged_at[:40]}' is not an ISO 8601 moment") from None
    if moment.tzinfo is None:
        raise _Bad(".logged_at: needs its UTC offset (like +01:00)")
    practices = _field(item, "practices", (list,))
    if len(practices) > 200 or not all(isinstance(p, str) and 0 < len(p) <= 64 for p in practices):
        raise _Bad(".practices: must be a list of practice ids")
    seconds = _field(item, "seconds", (int,))
    if not 0 <= seconds <= 86_400:
        raise _Bad(f".seconds: {seconds} is not between 0 and 86400")
    split = item.get("practice_seconds") or []
    if not isinstance(split, list) or (split and len(split) != len(practices)):
        raise _Bad(".practice_seconds: must match the practices")
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 86_400 for n in split):
        raise _Bad(".practice_seconds: must be whole seconds")
    ratings = {}
    for key in ("pain_before", "pain_after", "stress_before", "stress_after"):
        value = _field(item, key, (int,), required=False)
        if value is not None and not 0 <= value <= 10:
            raise _Bad(f".{key}: {value} is not between 0 and 10")
        ratings[key] = value
    note = _field(item, "note", (str,), required=False)
    if note is not None and len(note) > 2000:
        raise _Bad(".note: longer than 2000 characters")
    pro = _field(item, "pro", (str,), required=False)
    if pro is not None and pro not in models.PROFESSIONALS:
        raise _Bad(f".pro: unknown professional '{pro[:40]}'")
    too = item.get("too_intense") or []
    if not isinstance(too, list) or not all(isinstance(p, str) and p in practices for p in too):
        raise _Bad(".too_intense: must list practices of the session")
    partial = item.get("partial") or []
    if not isinstance(partial, list) or not all(isinstance(p, str) and p in practices for p in partial):
        raise _Bad(".partial: must list practices of the session")
    skipped = item.get("skipped") or []
    if (
        not isinstance(skipped, list)
        or len(skipped) > 200
        or not all(isinstance(p, str) and 0 < len(p) <= 64 for p in skipped)
    ):
        raise _Bad(".skipped: must be a list of practice ids")
    skipped_seconds = item.get("skipped_seconds") or []
    if not isinstance(skipped_seconds, list) or (skipped_seconds and len(skipped_seconds) != len(skipped)):
        raise _Bad(".skipped_seconds: must match the skipped practices")
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 86_400 for n in skipped_seconds):
        raise _Bad(".skipped_seconds: must be whole seconds")
    return Session(
        id=sid,
        day=day,
        logged_at=moment.isoformat(),
        practices=tuple(practices),
        practice_seconds=tuple(split),
        seconds=seconds,
        note=note,
        pro=pro,
        source="import",
        too_intense=tuple(too),
        partial=tuple(partial),
        skipped=tuple(skipped),
        skipped_seconds=tuple(skipped_seconds),
        **ratings,
    )


def _rest(item: Any) -> RestDay:
    if not isinstance(item, dict):
        raise _Bad(": must be an object")
    day = _day(_field(item, "date", (str,)), "date")
    reason = _field(item, "reason", (str,), required=False)
    if reason is not None and len(reason) > 200:
        raise _Bad(".reason: longer than 200 characters")
    return RestDay(day, reason)


def _flag(item: Any, session_ids: set[str]) -> Flag:
    if not isinstance(item, dict):
        raise _Bad(": must be an object")
    session_id = _field(item, "session_id", (str,), required=False)
    if session_id is not None and session_id not in session_ids:
        raise _Bad(".session_id: not a session of this file")
    day = _day(_field(item, "date", (str,)), "date")
    rule = _field(item, "rule", (str,))
    if rule not in ("high-pain", "worse-twice", "no-improvement"):
        raise _Bad(f".rule: unknown rule '{rule[:40]}'")
    area = _field(item, "area", (str,), required=False)
    if area is not None and area not in models.AREAS:
        raise _Bad(f".area: unknown area '{area[:40]}'")
    message = _field(item, "message", (str,))
    if len(message) > 1000:
        raise _Bad(".message: longer than 1000 characters")
    return Flag(session_id, day, rule, area, message)


def import_parsed(
    store: Store, parsed: tuple[list[Session], list[RestDay], list[Flag]], imported_at: str
) -> tuple[int, int, int]:
    """Write what `read_import` checked: (sessions added, sessions already there, rest days added)."""
    sessions, rests, flags = parsed
    added, rest_added = store.import_all(sessions, rests, imported_at, flags)
    return added, len(sessions) - added, rest_added
