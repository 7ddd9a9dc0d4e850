"""Small keyed caches as JSON files in the cache folder.

A cache holds one payload with the key it was made for. Reading gives the
payload only when the key matches exactly; a missing, stale or damaged file
reads as nothing, so the caller works things out afresh. Writing is atomic
and private, and a cache that cannot be written only makes the next run slower.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


def read(path: Path, key: Any) -> Any | None:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return data.get("payload")
    except (OSError, ValueError):
        return None


def write(path: Path, key: Any, payload: Any) -> None:
    from .paths import atomic_write

    with contextlib.suppress(Exception):
        atomic_write(path, json.dumps({"key": key, "payload": payload}, separators=(",", ":")))
