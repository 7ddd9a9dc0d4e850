"""Text that is safe to show: no control characters reach a terminal from a
routine file, a note or an import, whether on screen or in JSON."""

from __future__ import annotations

import json
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


def clean(text: object) -> str:
    """Text with control characters (ESC, BEL, OSC, C1...) removed; newlines and tabs stay."""
    return _CONTROL.sub("", str(text))


def encodable(text: str) -> bool:
    """False for text holding lone surrogates (bytes that were not UTF-8), which no file or terminal takes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def to_json(data: Any, indent: int | None = 2) -> str:
    """JSON text with C1 control characters (which JSON would leave raw) escaped too."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
