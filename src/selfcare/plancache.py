"""Today's plan, kept so that running `selfcare today` again does no planning.

A plan is a pure function of the day, the request, the library and the log,
so it is stored with all four as its key: the library by its files' sizes and
mtimes, the log by the sizes and mtimes of selfcare.db and its write-ahead
log. Any change to one of them, or a damaged cache file, means planning
afresh. Only `today` reads it; `log` and `start` always plan afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import jsoncache
from .models import Plan, PlanItem, Practice

if TYPE_CHECKING:
    from pathlib import Path

VERSION = 1


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


def key(day: str, request: Any, library_key: list[Any] | None, db: Path) -> list[Any] | None:
    if library_key is None:
        return None
    return [
        VERSION,
        day,
        [request.minutes, list(request.areas), list(request.goals), list(request.conditions)],
        library_key,
        log_state(db),
    ]


def load(cache: Path, wanted: list[Any]) -> Plan | None:
    """The kept plan for this key. Its items carry what `today` shows of each
    practice (id, name, kind, areas, goals), so the library need not be read."""
    plan = jsoncache.read(cache, wanted)
    if plan is None:
        return None
    try:
        items = tuple(
            PlanItem(
                practice=Practice(
                    id=i["id"],
                    name=i["name"],
                    kind=i["kind"],
                    areas=tuple(i["areas"]),
                    goals=tuple(i["goals"]),
                    summary="",
                ),
                seconds=int(i["seconds"]),
                reason=str(i["reason"]),
            )
            for i in plan["items"]
        )
        return Plan(
            date=plan["date"],
            minutes=plan["minutes"],
            areas=tuple(plan["areas"]),
            goals=tuple(plan["goals"]),
            items=items,
            left_out=dict(plan["left_out"]),
            notes=tuple(plan["notes"]),
        )
    except (KeyError, TypeError, ValueError):
        return None  # damaged: plan afresh


def save(cache: Path, wanted: list[Any], plan: Plan) -> None:
    jsoncache.write(cache, wanted, plan.to_dict())
