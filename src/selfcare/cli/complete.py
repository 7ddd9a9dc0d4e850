"""What the shell offers on TAB: practice ids and routine names, areas, goals, kinds,
conditions, profile keys and their values.

Each function is called only while the shell asks (`_SELFCARE_COMPLETE=...`), never
by an ordinary command, and imports what it needs inside. Words taken as a
comma-separated list are completed after the last comma ("neck,sh" offers
"neck,shoulders"). A practice id comes with its name, which zsh and fish show
beside it. Completion never prints a warning: a broken routine file of one's
own is skipped silently here (the commands themselves name it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def _offer(words: Iterable[str], incomplete: str, *, listed: bool = False) -> list[str]:
    prefix, tail = "", incomplete.lower()
    if listed and "," in incomplete:
        head, _, tail = incomplete.lower().rpartition(",")
        prefix = head + ","
    taken = set(prefix.split(","))
    return [prefix + word for word in words if word.startswith(tail) and word not in taken]


def _vocab(name: str) -> list[str]:
    from .. import models

    return list(getattr(models, name))


def areas(incomplete: str) -> list[str]:
    return _offer(_vocab("AREAS"), incomplete, listed=True)


def goals(incomplete: str) -> list[str]:
    return _offer(_vocab("GOALS"), incomplete, listed=True)


def kinds(incomplete: str) -> list[str]:
    return _offer(_vocab("KINDS"), incomplete, listed=True)


def conditions(incomplete: str) -> list[str]:
    return _offer(["none", *_vocab("CONDITIONS")], incomplete, listed=True)


def equipment(incomplete: str) -> list[str]:
    return _offer(["none", *_vocab("EQUIPMENT")], incomplete, listed=True)


def professionals(incomplete: str) -> list[str]:
    return _offer(_vocab("PROFESSIONALS"), incomplete)


def _library() -> Any:
    from .. import library, paths

    try:
        return library.load(paths.user_routines_dir(), paths.cache_dir() / "library.json")
    except Exception:  # completion must never fail loudly; the command itself will say what is wrong
        return None


def practices(incomplete: str) -> list[tuple[str, str]]:
    """Practice ids (with their names) and one's own routine names; after a comma, the next one."""
    found = _library()
    if found is None:
        return []
    offered = [(p.id, p.name) for p in found]
    offered += [(name, f"your routine of {len(r.practices)}") for name, r in found.routines.items()]
    head, _, tail = incomplete.lower().rpartition(",")
    lead = f"{head}," if head else ""
    taken = set(head.split(","))
    return [(lead + pid, name) for pid, name in offered if pid.startswith(tail) and pid not in taken]


def profile_keys(incomplete: str) -> list[str]:
    from ..profile import KEYS

    return _offer(KEYS, incomplete)


def profile_values(ctx: Any, incomplete: str) -> list[str]:
    """The words the key given before takes."""
    key = str((ctx.params or {}).get("key") or "").lower()
    offers = {
        "areas": areas,
        "injured": areas,
        "goals": goals,
        "conditions": conditions,
        "equipment": equipment,
    }
    if key in offers:
        return offers[key](incomplete)
    if key == "quiet_hours":
        return _offer(["none", "22:00-07:00"], incomplete)
    if key == "day_starts_at":
        return _offer(["04:00"], incomplete)
    return []


def shells(incomplete: str) -> list[str]:
    from ..hooks import SHELLS

    return _offer(SHELLS, incomplete)


def reminder_kinds(incomplete: str) -> list[str]:
    from ..habit import KINDS

    return _offer(KINDS, incomplete)


def export_formats(incomplete: str) -> list[str]:
    return _offer(["json", "csv"], incomplete)
