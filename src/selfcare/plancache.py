"""Today's plan, kept so that running `selfcare today` again does no planning.

A plan is a pure function of the day, the request, the library and the log,
so it is stored with all four as its key: the library by its files' sizes and
mtimes, the log by the sizes and mtimes of selfcare.db and its write-ahead
log. Any change to one of them, or a damaged cache file, means planning
afresh. Only `today` reads it; `log` and `start` always plan afresh.

A kept plan holds what `today` shows and no more: for each item a `Brief` of
the practice (id, name, kind, areas, goals), its length, the facts behind its
reason and the cautions to show; the plan's notes. So a warm `today` reads no
library and imports no planner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import jsoncache
from .models import Brief, Note, Plan, PlanItem, Why

if TYPE_CHECKING:
    from pathlib import Path

    from .models import Request

VERSION = 3  # 3: reasons carry suits, dose and routine; notes name what a routine leaves out


def log_state(db: Path) -> list[list[int]] | None:
    """The log's identity for the key: size and mtime of the database and its WAL."""
    state = []
    for path in (db, db.with_name(db.name + "-wal")):
        try:
            st = path.stat()
        except FileNotFoundError:
            state.append([0, 0])
            continue
        state.append([st.st_size, st.st_mtime_ns])
    return state if state[0] != [0, 0] else None


def key(day: str, request: Request, library_key: list[Any] | None, db: Path) -> list[Any] | None:
    if library_key is None:
        return None
    from . import __version__

    return [
        VERSION,
        __version__,  # a new release may plan differently: its first run plans afresh
        day,
        [list(v) if isinstance(v, tuple) else v for v in request],
        library_key,
        log_state(db),
    ]


def load(cache: Path, wanted: list[Any]) -> Plan | None:
    """The kept plan for this key, or None (missing, stale or damaged: plan afresh)."""
    kept = jsoncache.read(cache, wanted)
    if kept is None:
        return None
    try:
        from .models import Caution

        items = tuple(
            PlanItem(
                practice=Brief(i["id"], i["name"], i["kind"], tuple(i["areas"]), tuple(i["goals"])),
                seconds=int(i["seconds"]),
                why=Why.from_dict(i["why"]),
                cautions=tuple(Caution(c["text"], tuple(c["conditions"]), bool(c["stop"])) for c in i["cautions"]),
            )
            for i in kept["items"]
        )
        return Plan(
            date=kept["date"],
            minutes=int(kept["minutes"]),
            areas=tuple(kept["areas"]),
            goals=tuple(kept["goals"]),
            items=items,
            left_out=dict(kept["left_out"]),
            notes=tuple(Note.from_dict(n) for n in kept["notes"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def save(cache: Path, wanted: list[Any], plan: Plan) -> None:
    jsoncache.write(cache, wanted, plan.to_dict())
