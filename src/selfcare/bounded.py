"""Reading files selfcare did not write itself, or cannot trust: within bounds.

Every file the program reads (config.yaml, the JSON caches, routine files,
import files) comes through here, so each of them is read the same careful way:

- regular files only: a folder, a FIFO, a device or a socket is named and
  refused, and the file is opened without blocking, so a FIFO never hangs
  the command and /dev/zero is never read;
- a size cap, checked before reading and again while reading (a file that
  grows meanwhile is still cut off);
- YAML without anchors or aliases (how "billion laughs" files blow up) and
  without duplicate keys (which would silently keep the last value).

Problems are raised as `Unreadable` with a phrase that follows the file's
name ("is a folder", "is not a regular file"...); each caller puts it in its
own error, because a broken routine file, config.yaml and cache are each
treated differently.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import IO, TYPE_CHECKING, Any

from .errors import SelfcareError

if TYPE_CHECKING:
    from pathlib import Path

YAMLData = Any  # whatever a YAML document holds: mappings, lists, text, numbers


class Unreadable(Exception):
    """A file that cannot be read; `problem` is a phrase that follows its name."""

    def __init__(self, problem: str, *, missing: bool = False, environment: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.missing = missing  # there is no file at all (often fine: nothing saved yet)
        self.environment = environment  # the machine is in the way (permissions, I/O), not the file's contents


def size_words(limit: int) -> str:
    """1048576 -> '1 MiB'."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit:,} bytes"


def _problem(exc: OSError) -> Unreadable:
    if isinstance(exc, FileNotFoundError):
        return Unreadable("no such file", missing=True)
    if isinstance(exc, IsADirectoryError):
        return Unreadable("is a folder, not a file")
    if isinstance(exc, NotADirectoryError):
        return Unreadable("cannot be reached: a folder on its path is a file", environment=True)
    if isinstance(exc, PermissionError):
        return Unreadable("cannot be read (permission denied); check its permissions", environment=True)
    if exc.errno == errno.ENAMETOOLONG:
        return Unreadable("cannot be read: its name is too long", environment=True)
    if exc.errno == errno.ELOOP:
        return Unreadable("cannot be read: too many symbolic links", environment=True)
    return Unreadable(f"cannot be read ({exc.strerror or exc})", environment=True)


def _kind(mode: int) -> str | None:
    """None for a regular file, else what it is instead."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is not a regular file (a FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is not a regular file (a device)"
    if stat.S_ISSOCK(mode):
        return "is not a regular file (a socket)"
    return "is not a regular file"


def open_regular(path: Path) -> IO[bytes]:
    """`path` opened for reading, if it is a regular file (links are followed)."""
    try:
        kind = _kind(path.stat().st_mode)
        if kind:  # never open a FIFO or a device at all: opening one can block or have effects
            raise Unreadable(kind)
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags)
    except OSError as exc:
        raise _problem(exc) from None
    try:
        kind = _kind(os.fstat(fd).st_mode)  # what was opened, in case it was swapped meanwhile
        if kind:
            raise Unreadable(kind)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, limit: int, what: str = "files like this") -> bytes:
    """The whole file, at most `limit` bytes; `what` names the files in the too-large message."""
    handle = open_regular(path)
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise Unreadable(f"is {size:,} bytes; {what} are limited to {size_words(limit)}")
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise _problem(exc) from None
    if len(raw) > limit:
        raise Unreadable(f"is over {size_words(limit)}; {what} are limited to {size_words(limit)}")
    return raw


def read_text(path: Path, limit: int, what: str = "files like this") -> str:
    """The whole file as UTF-8 text (a byte-order mark is dropped)."""
    raw = read_bytes(path, limit, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"is not UTF-8 text (byte {exc.start})") from None


# --- YAML ---------------------------------------------------------------------


def load_yaml(text: str, label: str) -> YAMLData:
    """One YAML document as plain data, with the safe loader; no anchors, aliases
    or duplicate keys. Raises SelfcareError naming `label` and the line."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # Events first: an anchor is refused before anything could be expanded.
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                line = event.start_mark.line + 1 if event.start_mark is not None else "?"
                raise SelfcareError(f"{label}:{line}: anchors and aliases (& and *) are not allowed here")
        node = yaml.compose(text, Loader=loader)
        if node is None:
            return None
        _refuse_duplicate_keys(node, label)
        return yaml.constructor.SafeConstructor().construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{label}:{mark.line + 1}" if mark else label
        problem = exc.problem or exc.context or "syntax error"
        raise SelfcareError(f"{where}: is not valid YAML ({problem})") from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise SelfcareError(f"{label}: is not valid YAML ({type(exc).__name__})") from None


def _refuse_duplicate_keys(root: Any, label: str) -> None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.id == "mapping":
            seen: set[tuple[str, str]] = set()
            for key, value in node.value:
                if key.id == "scalar":
                    name = (key.tag, key.value)
                    if name in seen:
                        line = key.start_mark.line + 1 if key.start_mark is not None else "?"
                        raise SelfcareError(f"{label}:{line}: '{str(key.value)[:40]}' is given twice; keep one")
                    seen.add(name)
                stack.append(value)
        elif node.id == "sequence":
            stack.extend(node.value)
