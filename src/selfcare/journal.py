"""The files of a sync folder: one journal per device, read with the quirks of real sync tools.

A sync folder holds `selfcare-sync.json` (written once, by the first device:
the format, and for an encrypted folder the key's salt and a check value) and
one journal per device, `journal-<device>.jsonl`, to which only that device
ever appends: a line per event (JSON, or for an encrypted folder `e1:` and
the sealed JSON in base64), each ended by a newline.

Sync tools are taken as they are:
- a last line without its newline is half synced: it is left until complete;
- conflict copies (Syncthing's `*.sync-conflict-*`, Dropbox's and
  Nextcloud's "conflicted copy") are journals too: merging is a union;
- a journal that shrank or was rewritten (its first or last bytes read are no
  longer what they were) is read again from its start;
- the sync tools' own temporary files (hidden, `~`, `.tmp`, `.part`) are not read.

Where a journal was read up to is a `Cursor`; the fingerprints it keeps are
hashes of the bytes around it. Nothing here knows SQLite.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .errors import EnvironmentFault
from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

HEADER = "selfcare-sync.json"
PREFIX = "journal-"
SUFFIX = ".jsonl"
PRINT = 256  # bytes hashed at each end of what was read
CHUNK = 1 << 20
MAX_LINE = 1 << 20  # no event is near this; a longer "line" is damage, skipped
TOO_LONG = b"\x00"  # what such a line reads as
_TEMPORARY_ENDS = ("~", ".tmp", ".part", ".partial", ".temp")  # sync tools' files in transit (lower case)


def journal_name(device: str) -> str:
    return f"{PREFIX}{device}{SUFFIX}"


def is_journal(name: str) -> bool:
    """A device's journal or a sync tool's copy of one (conflict copies included)."""
    lower = name.lower()
    return name.startswith(PREFIX) and not lower.endswith(_TEMPORARY_ENDS) and ".syncthing." not in lower


def journals(folder: Path) -> list[Path]:
    """The journals in `folder` (conflict copies too), by name."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        raise EnvironmentFault(
            f"the sync folder {folder} is not there; mount it, or run 'selfcare sync init'"
        ) from None
    except OSError as exc:
        raise EnvironmentFault(f"cannot read the sync folder {folder}: {exc.strerror}") from None
    return [folder / e.name for e in entries if is_journal(e.name) and e.is_file(follow_symlinks=False)]


def signature(folder: Path) -> list[list[object]]:
    """[name, size, mtime_ns] of every file in `folder` that selfcare reads: a stat each,
    so that a command can tell at once that nothing changed."""
    out: list[list[object]] = []
    try:
        with os.scandir(folder) as entries:
            for e in entries:
                if e.name == HEADER or is_journal(e.name):
                    st = e.stat(follow_symlinks=False)
                    out.append([e.name, st.st_size, st.st_mtime_ns])
    except OSError:
        return [["?"]]  # unreadable now: never equal to a signature taken when it was readable
    out.sort()
    return out


class Cursor(NamedTuple):
    """How far a journal was read: a byte offset (always just after a newline), the lines
    before it, and hashes of the bytes at the start and just before the offset."""

    offset: int = 0
    line: int = 0
    head: str = ""
    tail: str = ""


def _hash(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:32]


def _fingerprints(handle: object, offset: int) -> tuple[str, str]:
    import io

    assert isinstance(handle, io.BufferedReader)
    handle.seek(0)
    head = handle.read(min(offset, PRINT))
    handle.seek(max(0, offset - PRINT))
    tail = handle.read(offset - max(0, offset - PRINT))
    return _hash(head), _hash(tail)


class Line(NamedTuple):
    number: int  # 1-based, in the file
    text: bytes  # without its newline
    end: int  # the offset just after its newline


def read_lines(path: Path, cursor: Cursor) -> tuple[Iterator[Line], bool]:
    """The complete lines of `path` after `cursor`, and whether it is read from its start
    again (it shrank or was rewritten). A last line without its newline is not yielded."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return iter(()), False
    except OSError as exc:
        raise EnvironmentFault(f"cannot read {path}: {exc.strerror}") from None
    size = os.fstat(handle.fileno()).st_size
    again = False
    if cursor.offset and (size < cursor.offset or _fingerprints(handle, cursor.offset) != (cursor.head, cursor.tail)):
        cursor, again = Cursor(), True

    def lines() -> Iterator[Line]:
        with handle:
            handle.seek(cursor.offset)
            number, offset, rest, skipping = cursor.line, cursor.offset, b"", False
            while chunk := handle.read(CHUNK):
                rest += chunk
                start = 0
                while (end := rest.find(b"\n", start)) >= 0:
                    number += 1
                    offset += end + 1 - start
                    # A line too long to be an event is damage: yielded as TOO_LONG, so it is named and skipped.
                    yield Line(number, TOO_LONG if skipping else rest[start:end].rstrip(b"\r"), offset)
                    start, skipping = end + 1, False
                rest = rest[start:]
                if len(rest) > MAX_LINE:
                    offset += len(rest)
                    rest, skipping = b"", True

    return lines(), again


def cursor_at(path: Path, line: Line) -> Cursor:
    """The cursor just after `line` of `path`."""
    with path.open("rb") as handle:
        head, tail = _fingerprints(handle, line.end)
    return Cursor(line.end, line.number, head, tail)


class Own:
    """This device's journal, opened to append under an exclusive lock (two selfcare
    commands at once never interleave their lines). Use as a `with` block."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = -1

    def __enter__(self) -> Own:
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise EnvironmentFault(f"cannot write the journal {self.path}: {exc.strerror}") from None
        try:
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except ImportError:  # no flock on this system: one writer at a time is then up to the person
            pass
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self._fd)  # closing releases the lock

    def last_line(self) -> bytes | None:
        """The last complete line, after cutting off a half-written one (a command that died
        while appending): this device is this file's only writer, so the rest is its own."""
        size = os.fstat(self._fd).st_size
        if size == 0:
            return None
        back = min(size, MAX_LINE + 1)
        data = os.pread(self._fd, back, size - back)
        if not data.endswith(b"\n"):
            cut = data.rfind(b"\n")
            keep = size - back + cut + 1 if cut >= 0 else (0 if back == size else size)
            os.ftruncate(self._fd, keep)
            data = data[: cut + 1] if cut >= 0 else b""
            if not data:
                return None
        start = data.rfind(b"\n", 0, len(data) - 1)
        return data[start + 1 : -1]

    def append(self, lines: list[bytes]) -> None:
        """Add lines at the end, and make them durable before returning."""
        if not lines:
            return
        data = b"".join(line + b"\n" for line in lines)
        try:
            os.lseek(self._fd, 0, os.SEEK_END)
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
        except OSError as exc:
            raise EnvironmentFault(f"cannot write the journal {self.path}: {exc.strerror}") from None
