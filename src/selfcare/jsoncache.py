"""Small keyed caches as JSON files in the cache folder.

A cache holds one payload with the key it was made for. Reading gives the
payload only when the key matches exactly; a missing, stale or damaged file
(or one that is not a regular file, or too large) reads as nothing, so the
caller works things out afresh. Writing is atomic and private, and a cache
that cannot be written only makes the next run slower.

While a command runs, writes can be held back (`hold`) and made only when it
succeeds (`release(keep=True)`): a command that fails leaves no cache behind.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

MAX_BYTES = 64 << 20  # far above any real cache (the library's is a few hundred KiB)

_held: dict[Path, str] | None = None


def read(path: Path, key: Any) -> Any | None:
    from .bounded import Unreadable, read_bytes

    if _held is not None and path in _held:
        text: str | bytes = _held[path]
    else:
        try:
            text = read_bytes(path, MAX_BYTES)
        except Unreadable:
            return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    return data.get("payload")


def write(path: Path, key: Any, payload: Any) -> None:
    text = json.dumps({"key": key, "payload": payload}, separators=(",", ":"))
    if _held is not None:
        _held[path] = text
        return
    _write(path, text)


def _write(path: Path, text: str) -> None:
    from .paths import atomic_write

    with contextlib.suppress(Exception):
        atomic_write(path, text)


def hold() -> None:
    """Keep writes in memory from now on, until `release`."""
    global _held
    _held = {}


def release(keep: bool) -> None:
    """Write what was held (keep=True) or drop it, and write at once again from now on."""
    global _held
    held, _held = _held, None
    if keep and held:
        for path, text in held.items():
            _write(path, text)
