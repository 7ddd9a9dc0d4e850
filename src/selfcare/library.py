"""Finding, loading and validating routine files.

The built-in files (the top-level `routines/` folder, shipped inside the
package) are read first, then the person's own `routines/` folder, whose
practices add to the library or replace a built-in one with the same id.

YAML is composed into nodes with the safe loader and validated straight from
the nodes into frozen dataclasses, so every error can name the file, the line,
the practice id and the field. Anchors and aliases are refused (they have no
use in a routine file and are how "billion laughs" files blow up), and so are
files over MAX_BYTES.

A normal run does not parse YAML at all: the parsed library is kept as JSON in
the cache folder, keyed on every routine file's path, size and mtime, and is
rebuilt as soon as one of them changes (or the cache cannot be read).
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import models
from .errors import RoutineError, suggest, unknown
from .models import Caution, Evidence, Pacing, Practice, Reps, Routine, Step
from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

T = TypeVar("T")

MAX_BYTES = 1 << 20
MAX_PRACTICE_SECONDS = 3600
CACHE_VERSION = 4  # 2: structured cautions, movements, family, min_cycles, unstated; 3: reps, prefer_if, routines;
# 4: the files skipped
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

PRACTICE_FIELDS = (
    "id",
    "name",
    "kind",
    "areas",
    "goals",
    "summary",
    "steps",
    "pacing",
    "reps",
    "intensity",
    "position",
    "movements",
    "equipment",
    "avoid_if",
    "care_if",
    "gentler",
    "family",
    "prefer_if",
    "cautions",
    "evidence",
)
STEP_FIELDS = ("text", "seconds", "side", "repeat")
PACING_FIELDS = ("inhale", "top_up", "hold_in", "exhale", "hold_out", "cycles", "min_cycles")
REPS_FIELDS = ("text", "count", "sets", "move", "hold", "ease", "rest", "side")
CAUTION_FIELDS = ("text", "conditions", "stop")
ROUTINE_FIELDS = ("name", "practices")
TOP_FIELDS = ("title", "practices", "routines")
MAX_ROUTINE_PRACTICES = 30
MAX_REST_SECONDS = 180
TEXT_LIMITS = {"name": 80, "summary": 500, "text": 1000, "cautions": 500, "note": 500}


def builtin_dir() -> Path:
    """The built-in routines: inside the installed package, or the checkout's."""
    here = Path(__file__).resolve().parent
    packaged = here / "routines"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "routines"


Skipped = tuple[str, str]  # a file of one's own left out of the library: (its path, what is wrong, in a line)


class RoutineProblems(RoutineError):
    """Every problem found in one routine file; it reads as the first, with a count of the others."""

    def __init__(self, problems: list[RoutineError]) -> None:
        first = problems[0]
        more = len(problems) - 1
        tail = f"; and {more} more problem{'s' if more != 1 else ''}" if more else ""
        super().__init__(
            first.path,
            first.problem + tail,
            line=first.line,
            practice=first.practice,
            field=first.field,
            routine=first.routine,
        )
        self.problems = problems


def problems_of(error: RoutineError) -> list[RoutineError]:
    return list(error.problems) if isinstance(error, RoutineProblems) else [error]


class Library:
    """The practices by id, in load order, and a person's named routines; `key` names the files it was read from."""

    __slots__ = ("key", "practices", "routines", "skipped")

    def __init__(
        self,
        practices: dict[str, Practice],
        key: list[Any] | None = None,
        routines: dict[str, Routine] | None = None,
        skipped: list[Skipped] | None = None,
    ) -> None:
        self.practices = practices
        self.key = key
        self.routines = routines or {}
        # The person's own files left out because they do not read: (path, the problem in a line).
        self.skipped = skipped or []

    def __iter__(self) -> Iterator[Practice]:
        return iter(self.practices.values())

    def __len__(self) -> int:
        return len(self.practices)

    def get(self, practice_id: str) -> Practice | None:
        return self.practices.get(practice_id)


# --- reading one file -------------------------------------------------------


class _Ctx:
    """Where we are in a file, so errors can say so."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.practice: str | None = None
        self.routine: str | None = None
        # Every problem found so far: a file is read to its end, so that one run names them all.
        self.errors: list[RoutineError] = []

    def fail(self, node: Any, problem: str, field: str | None = None) -> RoutineError:
        line = node.start_mark.line + 1 if node is not None else None
        return RoutineError(self.path, problem, line=line, practice=self.practice, field=field, routine=self.routine)

    def report(self, node: Any, problem: str, field: str | None = None) -> None:
        self.errors.append(self.fail(node, problem, field))

    def check(self, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """parse(*args), or None once its problem is noted."""
        try:
            return parse(*args, **kwargs)
        except RoutineError as exc:
            self.errors.append(exc)
            return None
        except _Noted:
            return None


class _Noted(Exception):
    """A part that cannot be read whose problem is noted already (a typo in a field's name)."""


def _read_text(path: Path, label: str) -> str:
    from .bounded import Unreadable, read_text

    try:
        return read_text(path, MAX_BYTES, "routine files")
    except Unreadable as exc:
        raise RoutineError(label, exc.problem) from None


def _compose(text: str, ctx: _Ctx) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "syntax error"
        raise RoutineError(ctx.path, f"not valid YAML: {problem}", line=line) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise RoutineError(ctx.path, f"not valid YAML: {type(exc).__name__}") from None


def parse_text(text: str, label: str) -> list[Practice]:
    """The practices in one routine file's text; raises RoutineError."""
    return parse_document(text, label)[0]


def parse_document(text: str, label: str) -> tuple[list[Practice], list[Routine]]:
    """The practices and the named routines in one routine file's text.

    Raises RoutineError: a RoutineProblems naming every problem in the file, except
    that YAML that does not parse, or that has no usable shape, stops at that problem.
    """
    ctx = _Ctx(label)
    root = _compose(text, ctx)
    if root is None:
        raise RoutineError(label, "file is empty; it needs a 'practices:' list (or a 'routines:' list)")
    _refuse_aliases(root, ctx)
    top = _mapping(root, ctx, None, "the file")
    meant = _only(top, TOP_FIELDS, ctx, "at the top of the file")
    if "title" in top:
        ctx.check(_text, top["title"][1], ctx, "title", limit=200)
    if "practices" not in top and "routines" not in top and not {"practices", "routines"} & meant:
        ctx.report(root, "the file needs a 'practices:' list (or a 'routines:' list)", "practices")
    routines = (ctx.check(_routines, top["routines"][1], ctx) or []) if "routines" in top else []
    items = (ctx.check(_sequence, top["practices"][1], ctx, "practices") or []) if "practices" in top else []
    practices: list[tuple[Any, Practice]] = []
    for node in items:
        ctx.practice = None
        practice = ctx.check(_practice, node, ctx)
        if practice is not None:
            practices.append((node, practice))
    ctx.practice = None
    seen: dict[str, int] = {}
    for node, practice in practices:
        if practice.id in seen:
            ctx.practice = practice.id
            ctx.report(node, f"duplicate id (first used on line {seen[practice.id]})", "id")
            ctx.practice = None
        else:
            seen[practice.id] = node.start_mark.line + 1
    if ctx.errors:
        found = sorted(ctx.errors, key=lambda e: e.line or 0)  # in the order of the file
        raise found[0] if len(found) == 1 else RoutineProblems(found)
    return [p for _, p in practices], routines


def parse_file(path: Path, label: str | None = None, origin: str = "built-in") -> list[Practice]:
    return parse_file_all(path, label, origin)[0]


def parse_file_all(
    path: Path, label: str | None = None, origin: str = "built-in"
) -> tuple[list[Practice], list[Routine]]:
    """The practices and named routines of one file, marked with where they came from."""
    label = label or str(path)
    practices, routines = parse_document(_read_text(path, label), label)
    if origin != "built-in":
        practices = [_with(p, origin=origin) for p in practices]
    routines = [r._replace(origin=origin if origin != "built-in" else label) for r in routines]
    return practices, routines


def _routines(node: Any, ctx: _Ctx) -> list[Routine]:
    """The `routines:` section: named lists of practice ids (checked against the library once it is whole)."""
    found: list[Routine] = []
    seen: dict[str, int] = {}
    for item in _sequence(node, ctx, "routines"):
        ctx.routine = None
        routine = ctx.check(_routine, item, ctx, seen)
        if routine is not None:
            found.append(routine)
    ctx.routine = None
    return found


def _routine(item: Any, ctx: _Ctx, seen: dict[str, int]) -> Routine:
    fields = _mapping(item, ctx, "routines", "each routine")
    if "name" in fields:
        name = _text(fields["name"][1], ctx, "name", limit=64)
        if not ID_PATTERN.match(name):
            raise ctx.fail(fields["name"][1], f"'{_short(name)}' is not kebab-case (like 'desk-break')", "name")
        ctx.routine = name
    meant = _only(fields, ROUTINE_FIELDS, ctx, "in a routine")
    for required in ROUTINE_FIELDS:
        if required not in fields:
            if required in meant:  # said already, as a typo
                raise _Noted
            raise ctx.fail(item, f"missing required field '{required}'", required)
    name = str(ctx.routine)
    if name in seen:
        raise ctx.fail(item, f"a routine of this name is already on line {seen[name]}", "name")
    seen[name] = item.start_mark.line + 1
    entries = _sequence(fields["practices"][1], ctx, "practices")
    if not entries:
        raise ctx.fail(fields["practices"][1], "needs at least one practice", "practices")
    if len(entries) > MAX_ROUTINE_PRACTICES:
        problem = f"lists {len(entries)} practices; a routine holds at most {MAX_ROUTINE_PRACTICES}"
        raise ctx.fail(fields["practices"][1], problem, "practices")
    ids: list[str] = []
    for entry in entries:
        pid = _text(entry, ctx, "practices", limit=64)
        if not ID_PATTERN.match(pid):
            raise ctx.fail(entry, f"'{_short(pid)}' is not a practice id (kebab-case)", "practices")
        if pid in ids:
            raise ctx.fail(entry, f"'{pid}' is listed twice", "practices")
        ids.append(pid)
    return Routine(name, tuple(ids), ctx.path, item.start_mark.line + 1)


def _refuse_aliases(root: Any, ctx: _Ctx) -> None:
    # The composer turns an alias into a second reference to the same node;
    # any node met twice is an alias. Stopping at the first repeat keeps this
    # linear even for files built to expand exponentially.
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise ctx.fail(node, "anchors and aliases (& and *) are not allowed in routine files")
        seen.add(id(node))
        if node.id == "mapping":
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif node.id == "sequence":
            stack.extend(node.value)


# --- node helpers -----------------------------------------------------------

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"

_TYPE_NAMES = {
    _INT: "a number",
    _FLOAT: "a number",
    _NULL: "empty",
    _BOOL: "true/false",
    _STR: "text",
    "mapping": "a mapping",
    "sequence": "a list",
}


def _what(node: Any) -> str:
    if node.id == "scalar":
        return _TYPE_NAMES.get(node.tag, "a date or other value")
    return _TYPE_NAMES[node.id]


def _mapping(node: Any, ctx: _Ctx, field: str | None, what: str) -> dict[str, tuple[Any, Any]]:
    if node.id != "mapping":
        raise ctx.fail(node, f"{what} must be a mapping of fields, not {_what(node)}", field)
    out: dict[str, tuple[Any, Any]] = {}
    for key, value in node.value:
        if key.id != "scalar" or key.tag != _STR:
            raise ctx.fail(key, f"field names must be text, not {_what(key)}", field)
        if key.value in out:
            raise ctx.fail(key, f"field '{key.value}' is given twice", key.value)
        out[key.value] = (key, value)
    return out


def _only(fields: dict[str, tuple[Any, Any]], allowed: Iterable[str], ctx: _Ctx, where: str) -> set[str]:
    """Notes each field that is not allowed here (reading goes on); returns the allowed names
    that the unknown ones look like a typo of, so that a missing field is not said twice."""
    import difflib

    allowed = tuple(allowed)
    meant: set[str] = set()
    for name, (key, _) in fields.items():
        if name not in allowed:
            hint = suggest(name, allowed) or f"; allowed: {', '.join(allowed)}"
            ctx.report(key, f"unknown field '{name}' {where}{hint}", name)
            meant.update(difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6))
    return meant


def _sequence(node: Any, ctx: _Ctx, field: str) -> list[Any]:
    if node.id != "sequence":
        raise ctx.fail(node, f"must be a list, not {_what(node)}", field)
    return list(node.value)


def _text(node: Any, ctx: _Ctx, field: str, limit: int = 1000) -> str:
    if node.id != "scalar" or node.tag != _STR:
        raise ctx.fail(node, f"must be text, not {_what(node)}", field)
    value = str(node.value).strip()
    if not value:
        raise ctx.fail(node, "must not be empty", field)
    if len(value) > limit:
        raise ctx.fail(node, f"is {len(value)} characters; at most {limit}", field)
    return value


def _number(node: Any, ctx: _Ctx, field: str, lo: float, hi: float, *, whole: bool, unit: str = "seconds") -> float:
    allowed = (_INT,) if whole else (_INT, _FLOAT)
    if node.id != "scalar" or node.tag not in allowed:
        kind = "a whole number" if whole else "a number"
        raise ctx.fail(node, f"must be {kind} of {unit}, not {_what(node)}", field)
    import yaml

    try:
        value = yaml.constructor.SafeConstructor().construct_object(node)
        value = float(value) if not whole else int(value)
    except Exception:
        raise ctx.fail(node, f"'{_short(node.value)}' is not a usable number", field) from None
    if not lo <= value <= hi or not math.isfinite(value):  # range first: a huge int has no float
        raise ctx.fail(node, f"must be between {lo:g} and {hi:g}, not {_short(node.value)}", field)
    return value


def _flag(node: Any, ctx: _Ctx, field: str) -> bool:
    if node.id != "scalar" or node.tag != _BOOL:
        raise ctx.fail(node, f"must be true or false, not {_what(node)}", field)
    value = str(node.value).lower()
    if value not in ("true", "false", "yes", "no", "on", "off"):  # an explicit !!bool tag on any text
        raise ctx.fail(node, f"'{_short(node.value)}' is not true or false", field)
    return value in ("true", "yes", "on")


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _word(node: Any, ctx: _Ctx, field: str, vocab: Iterable[str], what: str) -> str:
    if node.id != "scalar" or node.tag != _STR:
        raise ctx.fail(node, f"must be a word, not {_what(node)}", field)
    vocab = tuple(vocab)
    if node.value not in vocab:
        raise ctx.fail(node, unknown(what, node.value, vocab), field)
    return str(node.value)


def _words(node: Any, ctx: _Ctx, field: str, vocab: Iterable[str], what: str, *, required: bool) -> tuple[str, ...]:
    items = _sequence(node, ctx, field)
    if required and not items:
        raise ctx.fail(node, "needs at least one entry", field)
    words: list[str] = []
    for item in items:
        word = _word(item, ctx, field, vocab, what)
        if word not in words:
            words.append(word)
    return tuple(words)


# --- a practice -------------------------------------------------------------


def _practice(node: Any, ctx: _Ctx) -> Practice | None:
    """One practice, or None when it has problems (each noted in ctx: every field is read)."""
    start = len(ctx.errors)
    fields = _mapping(node, ctx, None, "each practice")
    if "id" in fields:
        ctx.check(_practice_id, fields["id"][1], ctx)
    meant = _only(fields, PRACTICE_FIELDS, ctx, "in a practice")
    for name in ("id", "name", "kind", "areas", "goals", "summary"):
        if name not in fields and name not in meant:
            ctx.report(node, f"missing required field '{name}'", name)

    def val(name: str) -> Any:
        return fields[name][1]

    def field(name: str, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        return ctx.check(parse, val(name), ctx, *args, **kwargs) if name in fields else None

    kind = field("kind", _word, "kind", models.KINDS, "kind")
    data: dict[str, Any] = {
        "id": ctx.practice,
        "name": field("name", _text, "name", TEXT_LIMITS["name"]),
        "kind": kind,
        "areas": field("areas", _words, "areas", models.AREAS, "area", required=True),
        "goals": field("goals", _words, "goals", models.GOALS, "goal", required=True),
        "summary": field("summary", _text, "summary", TEXT_LIMITS["summary"]),
    }
    before_steps = len(ctx.errors)
    if "steps" in fields:
        steps = [ctx.check(_step, item, ctx) for item in field("steps", _sequence, "steps") or []]
        data["steps"] = tuple(step for step in steps if step is not None)
    for name, own in (("pacing", "breathing"), ("reps", "exercise")):
        if name not in fields:
            continue
        if kind is not None and kind != own:
            ctx.report(
                fields[name][0],
                f"only {'breathing practices' if own == 'breathing' else 'exercises'} have {name}",
                name,
            )
            continue
        value = field(name, _pacing if name == "pacing" else _reps)
        if value is not None:
            data[name] = value
    nothing = not data.get("steps") and "pacing" not in data and "reps" not in data
    if kind is not None and len(ctx.errors) == before_steps and nothing:
        where = val("steps") if "steps" in fields else node
        need = {"breathing": "steps or pacing", "exercise": "steps or reps"}.get(kind, "at least one step")
        ctx.report(where, f"needs {need}", "steps")
    # A file that leaves out what safety rules read gets the safe reading for
    # intensity (moderate) and keeps the record of what it left out.
    data["unstated"] = tuple(name for name in models.SAFETY_FIELDS if name not in fields)
    data["intensity"] = field("intensity", _word, "intensity", models.INTENSITIES, "intensity") or "moderate"
    optional: dict[str, Any] = {
        "position": field("position", _position),
        "movements": field("movements", _words, "movements", models.MOVEMENTS, "movement", required=False),
        "equipment": field("equipment", _words, "equipment", models.EQUIPMENT, "equipment", required=False),
    }
    for name in ("avoid_if", "care_if", "prefer_if"):
        optional[name] = field(name, _words, name, models.CONDITIONS, "condition", required=False)
    clash = [c for c in optional["prefer_if"] or () if c in (optional["avoid_if"] or ())]
    if clash:
        problem = f"'{clash[0]}' is in avoid_if too; a practice is not written for a condition it must avoid"
        ctx.report(val("prefer_if"), problem, "prefer_if")
    optional["gentler"] = field("gentler", _gentler)
    optional["family"] = field("family", _family)
    optional["cautions"] = field("cautions", _cautions)
    optional["evidence"] = field("evidence", _evidence)
    data.update({name: value for name, value in optional.items() if value is not None})
    if len(ctx.errors) > start:
        return None
    practice = Practice(**data)
    if practice.seconds > MAX_PRACTICE_SECONDS:
        ctx.report(node, f"lasts {practice.seconds} s in all; a practice may last at most an hour", "steps")
        return None
    return practice


def _practice_id(node: Any, ctx: _Ctx) -> str:
    practice_id = _text(node, ctx, "id", limit=64)
    if not ID_PATTERN.match(practice_id):
        raise ctx.fail(node, f"'{practice_id}' is not kebab-case (like 'neck-trap-squeeze')", "id")
    ctx.practice = practice_id
    return practice_id


def _gentler(node: Any, ctx: _Ctx) -> str:
    gentler = _text(node, ctx, "gentler", limit=64)
    if gentler == ctx.practice:
        raise ctx.fail(node, "a practice cannot be its own gentler variant", "gentler")
    return gentler


def _family(node: Any, ctx: _Ctx) -> str:
    family = _text(node, ctx, "family", limit=64)
    if not ID_PATTERN.match(family):
        raise ctx.fail(node, f"'{_short(family)}' is not kebab-case (like 'box-breathing')", "family")
    return family


def _evidence(node: Any, ctx: _Ctx) -> Evidence:
    ev = _mapping(node, ctx, "evidence", "evidence")
    meant = _only(ev, ("note", "source"), ctx, "in evidence")
    for name in ("note", "source"):
        if name not in ev:
            raise _Noted if name in meant else ctx.fail(node, f"evidence needs a '{name}'", "evidence")
    note = ctx.check(_text, ev["note"][1], ctx, "evidence.note", TEXT_LIMITS["note"])
    source = ctx.check(_text, ev["source"][1], ctx, "evidence.source", 300)
    return Evidence(note=note or "", source=source or "")


def _step(node: Any, ctx: _Ctx) -> Step:
    fields = _mapping(node, ctx, "steps", "each step")
    meant = _only(fields, STEP_FIELDS, ctx, "in a step")
    for name in ("text", "seconds"):
        if name not in fields and name not in meant:
            ctx.report(node, f"a step needs '{name}'", f"steps.{name}")
    text = ctx.check(_text, fields["text"][1], ctx, "steps.text", TEXT_LIMITS["text"]) if "text" in fields else None
    seconds = None
    if "seconds" in fields:
        seconds = ctx.check(_number, fields["seconds"][1], ctx, "steps.seconds", 1, 3600, whole=True)
    side = None
    if "side" in fields:
        side = ctx.check(_word, fields["side"][1], ctx, "steps.side", models.SIDES, "side")
    repeat = None
    if "repeat" in fields:
        repeat = ctx.check(_number, fields["repeat"][1], ctx, "steps.repeat", 1, 20, whole=True, unit="times")
    # With a problem the step is a placeholder: its practice is left out (see _practice).
    return Step(text=text or "", seconds=int(seconds or 1), side=side, repeat=int(repeat or 1))


def _half_seconds(node: Any, ctx: _Ctx, field: str, lo: float) -> float:
    value = _number(node, ctx, field, lo, 30, whole=False)
    if value * 2 != int(value * 2):
        raise ctx.fail(node, "use whole or half seconds", field)
    return value


def _pacing(node: Any, ctx: _Ctx) -> Pacing:
    fields = _mapping(node, ctx, "pacing", "pacing")
    meant = _only(fields, PACING_FIELDS, ctx, "in pacing")
    values: dict[str, Any] = {}
    for name in ("inhale", "exhale", "cycles"):
        if name not in fields and name not in meant:
            ctx.report(node, f"pacing needs '{name}'", f"pacing.{name}")
    for name in ("inhale", "top_up", "hold_in", "exhale", "hold_out"):
        if name in fields:
            lo = 0.5 if name in ("inhale", "exhale") else 0
            value = ctx.check(_half_seconds, fields[name][1], ctx, f"pacing.{name}", lo)
            if value is not None:
                values[name] = value
    cycles = None
    if "cycles" in fields:
        cycles = ctx.check(_number, fields["cycles"][1], ctx, "pacing.cycles", 1, 100, whole=True, unit="cycles")
    if "min_cycles" in fields:
        least_node = fields["min_cycles"][1]
        least = ctx.check(_number, least_node, ctx, "pacing.min_cycles", 1, 100, whole=True, unit="cycles")
        if least is not None and cycles is not None and least > cycles:
            problem = f"is {int(least)}, more than the {int(cycles)} cycles written; the dose must fit the practice"
            ctx.report(least_node, problem, "pacing.min_cycles")
        elif least is not None:
            values["min_cycles"] = int(least)
    values["cycles"] = int(cycles or 1)
    values.setdefault("inhale", 1)
    values.setdefault("exhale", 1)
    return Pacing(**values)


def _reps(node: Any, ctx: _Ctx) -> Reps:
    fields = _mapping(node, ctx, "reps", "reps")
    meant = _only(fields, REPS_FIELDS, ctx, "in reps")
    for name in ("text", "count"):
        if name not in fields and name not in meant:
            ctx.report(node, f"reps needs '{name}'", f"reps.{name}")
    text = ctx.check(_text, fields["text"][1], ctx, "reps.text", TEXT_LIMITS["text"]) if "text" in fields else None
    values: dict[str, Any] = {"text": text or "", "per_set": 1}
    if "count" in fields:
        count_node = fields["count"][1]
        per_set = ctx.check(_number, count_node, ctx, "reps.count", 1, 30, whole=True, unit="repetitions a set")
        values["per_set"] = int(per_set or 1)
    sets: int | None = 1
    if "sets" in fields:
        given = ctx.check(_number, fields["sets"][1], ctx, "reps.sets", 1, models.MAX_SETS, whole=True, unit="sets")
        sets = None if given is None else int(given)  # unknown: no rule below is judged on it
        if sets is not None:
            values["sets"] = sets
    for name in ("move", "hold", "ease"):
        if name in fields:
            value = ctx.check(_half_seconds, fields[name][1], ctx, f"reps.{name}", 0 if name == "hold" else 0.5)
            if value is not None:
                values[name] = value
    if "rest" in fields:
        rest_node = fields["rest"][1]
        if sets == 1:
            problem = "is the rest between sets, and there is one set; give 'sets' or leave it out"
            ctx.report(rest_node, problem, "reps.rest")
        else:
            rest = ctx.check(_number, rest_node, ctx, "reps.rest", 10, MAX_REST_SECONDS, whole=True)
            if rest is not None:
                values["rest"] = int(rest)
    elif sets is not None and sets > 1:
        ctx.report(node, f"{sets} sets need a 'rest' between them (seconds)", "reps.rest")
    if "side" in fields:
        side = ctx.check(_word, fields["side"][1], ctx, "reps.side", models.SIDES, "side")
        if side is not None:
            values["side"] = side
    return Reps(**values)


def _position(node: Any, ctx: _Ctx) -> str:
    if node.id == "scalar" and node.tag == _STR and node.value in models.POSITION_ALIASES:
        return models.POSITION_ALIASES[node.value]  # an older word, read the safe way
    return _word(node, ctx, "position", models.POSITIONS, "position")


def _cautions(node: Any, ctx: _Ctx) -> tuple[Caution, ...]:
    """A text, or a list of texts and mappings {text, conditions, stop}."""
    if node.id == "scalar":
        return (Caution(_text(node, ctx, "cautions", TEXT_LIMITS["cautions"])),)
    if node.id != "sequence":
        raise ctx.fail(node, f"must be a text or a list of cautions, not {_what(node)}", "cautions")
    found = [ctx.check(_caution, item, ctx) for item in node.value]
    return tuple(c for c in found if c is not None)


def _caution(node: Any, ctx: _Ctx) -> Caution:
    if node.id != "mapping":
        return Caution(_text(node, ctx, "cautions", TEXT_LIMITS["cautions"]))
    fields = _mapping(node, ctx, "cautions", "a caution")
    meant = _only(fields, CAUTION_FIELDS, ctx, "in a caution")
    if "text" not in fields:
        raise (
            _Noted
            if "text" in meant
            else ctx.fail(node, "a caution written as a mapping needs 'text'", "cautions.text")
        )
    text = ctx.check(_text, fields["text"][1], ctx, "cautions.text", TEXT_LIMITS["cautions"])
    conditions: tuple[str, ...] = ()
    if "conditions" in fields:
        node_c = fields["conditions"][1]
        found = ctx.check(_words, node_c, ctx, "cautions.conditions", models.CONDITIONS, "condition", required=True)
        conditions = found or ()
    stop = bool(ctx.check(_flag, fields["stop"][1], ctx, "cautions.stop")) if "stop" in fields else False
    return Caution(text or "", conditions, stop)


def _with(practice: Practice, **changes: Any) -> Practice:
    return practice._replace(**changes)


# --- the whole library ------------------------------------------------------


def routine_files(folder: Path, refused: list[RoutineError] | None = None) -> list[Path]:
    """The routine files directly in `folder`, sorted; links leading outside are refused.

    With `refused`, a refusal (or a folder that cannot be listed) is noted there and the
    rest go on; without it, it is raised.
    """
    if not folder.is_dir():
        return []

    def refuse(error: RoutineError) -> None:
        if refused is None:
            raise error
        refused.append(error)

    root = folder.resolve()
    files = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        refuse(RoutineError(str(folder), f"cannot be listed: {exc.strerror}"))
        return []
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith((".yaml", ".yml")):
            continue
        path = Path(entry.path)
        if entry.is_symlink() and not path.resolve().is_relative_to(root):
            refuse(RoutineError(str(path), "links to a file outside the routines folder; copy the file in instead"))
            continue
        files.append(path)
    return files


UserFile = tuple[Path, list[Practice], list[Routine]]


def _merge(builtin: list[tuple[Path, list[Practice]]], user: list[UserFile], skipped: list[RoutineError]) -> Library:
    """The library of the built-in files and the person's own; a file of one's own that clashes
    with the rest (an id used twice, a gentler variant or a routine's practice that does not
    exist) is left out and its problem noted in `skipped`. A built-in file's problem is raised."""
    user = list(user)
    while True:
        try:
            return _merge_strict(builtin, user)
        except RoutineError as exc:
            at = next((i for i, (path, _, _) in enumerate(user) if str(path) == exc.path), None)
            if at is None:
                raise
            skipped.append(exc)
            del user[at]


def _merge_strict(builtin: list[tuple[Path, list[Practice]]], user: list[UserFile]) -> Library:
    practices: dict[str, Practice] = {}
    where: dict[str, Path] = {}
    for path, items in builtin:
        for p in items:
            if p.id in practices:
                raise RoutineError(str(path), f"duplicate id (also in {where[p.id].name})", practice=p.id, field="id")
            practices[p.id], where[p.id] = p, path
    builtin_ids = set(practices)
    user_where: dict[str, Path] = {}
    for path, items, _ in user:
        for p in items:
            if p.id in user_where:
                raise RoutineError(str(path), f"duplicate id (also in {user_where[p.id]})", practice=p.id, field="id")
            user_where[p.id] = path
            if p.id in builtin_ids:
                p = _with(p, overrides=True)
            practices[p.id] = p
    check_references(practices, {**where, **user_where})
    routines = collect_routines([r for _, _, named in user for r in named], practices)
    return Library(practices, routines=routines)


def check_references(
    practices: dict[str, Practice], where: dict[str, Path] | None = None, problems: list[RoutineError] | None = None
) -> None:
    """Every `gentler` names a practice that exists. With `problems`, each one is noted there instead of raised."""
    for p in practices.values():
        if p.gentler and p.gentler not in practices:
            label = str(where[p.id]) if where and p.id in where else p.origin
            error = RoutineError(label, unknown("practice", p.gentler, practices), practice=p.id, field="gentler")
            if problems is None:
                raise error
            problems.append(error)


def collect_routines(
    named: Iterable[Routine], practices: dict[str, Practice], problems: list[RoutineError] | None = None
) -> dict[str, Routine]:
    """The named routines by name: each name used once and by no practice, each practice listed in the library.

    With `problems`, a routine with a problem is noted there and left out, instead of raised."""
    found: dict[str, Routine] = {}
    for r in named:
        error = _routine_problem(r, found, practices)
        if error is None:
            found[r.name] = r
        elif problems is None:
            raise error
        else:
            problems.append(error)
    return found


def _routine_problem(r: Routine, found: dict[str, Routine], practices: dict[str, Practice]) -> RoutineError | None:
    if r.name in found:
        other = found[r.name]
        problem = f"a routine of this name is also in {other.origin} (line {other.line})"
        return RoutineError(r.origin, problem, line=r.line, routine=r.name, field="name")
    if r.name in practices:
        problem = "is also a practice's id; give the routine another name"
        return RoutineError(r.origin, problem, line=r.line, routine=r.name, field="name")
    for pid in r.practices:
        if pid not in practices:
            problem = unknown("practice", pid, practices)
            return RoutineError(r.origin, problem, line=r.line, routine=r.name, field="practices")
    return None


def _signature(files: list[Path]) -> list[list[Any]]:
    sig = []
    for path in files:
        st = path.stat()
        sig.append([str(path), st.st_size, st.st_mtime_ns])
    return sig


def signature(user_dir: Path | None = None) -> list[Any] | None:
    """What identifies the library without reading it: every routine file's path, size and mtime."""
    try:
        user_files = routine_files(user_dir, []) if user_dir else []
        return [CACHE_VERSION, _signature(routine_files(builtin_dir())), _signature(user_files)]
    except OSError:
        return None


SKIPPED_CACHE = (
    "routines-skipped.json"  # beside the library's cache: the files skipped, for a run that reads no library
)


def load(user_dir: Path | None = None, cache: Path | None = None) -> Library:
    """The built-in library plus the person's own files, from the cache when it is fresh.

    A file of one's own that does not read (or clashes with the rest) is left out and
    listed in `Library.skipped`; the rest of the library loads. The cache is keyed on
    every file, the skipped ones included, so a file is read again as soon as it changes.
    """
    builtin_files = routine_files(builtin_dir())
    refused: list[RoutineError] = []
    user_files = routine_files(user_dir, refused) if user_dir else []
    try:
        key: list[Any] | None = [CACHE_VERSION, _signature(builtin_files), _signature(user_files)]
    except OSError:
        key = None
    if cache is not None and key is not None:
        cached = _read_cache(cache, key)
        if cached is not None:
            return cached
    builtin = [(path, parse_file(path, label=f"routines/{path.name}")) for path in builtin_files]
    user: list[UserFile] = []
    for path in user_files:
        try:
            practices, routines = parse_file_all(path, origin=str(path))
        except RoutineError as exc:
            refused.append(exc)
            continue
        user.append((path, practices, routines))
    library = _merge(builtin, user, refused)
    library.skipped = [(error.path, error.message) for error in refused]
    library.key = key
    if cache is not None and key is not None:
        _write_cache(cache, key, library)
        from . import jsoncache

        jsoncache.write(cache.with_name(SKIPPED_CACHE), key, library.skipped)
    return library


def skipped_files(cache: Path, key: list[Any] | None) -> list[Skipped] | None:
    """The files of one's own the library left out when it was last read with `key`; None when not known."""
    from . import jsoncache

    if key is None:
        return None
    kept = jsoncache.read(cache.with_name(SKIPPED_CACHE), json.loads(json.dumps(key)))
    try:
        return [(str(path), str(message)) for path, message in kept] if isinstance(kept, list) else None
    except (TypeError, ValueError):
        return None


def _read_cache(cache: Path, key: list[Any]) -> Library | None:
    from . import jsoncache

    payload = jsoncache.read(cache, json.loads(json.dumps(key)))  # as JSON would give it back
    if payload is None:
        return None
    try:
        practices = {d["id"]: practice_from_dict(d) for d in payload["practices"]}
        routines = {
            d["name"]: Routine(d["name"], tuple(d["practices"]), d["origin"], d["line"]) for d in payload["routines"]
        }
        skipped = [(str(path), str(message)) for path, message in payload["skipped"]]
        return Library(practices, key, routines, skipped)
    except (KeyError, TypeError, ValueError):
        return None  # damaged: rebuild it


def _write_cache(cache: Path, key: list[Any], library: Library) -> None:
    from . import jsoncache

    payload = {
        "practices": [practice_to_dict(p) for p in library],
        "routines": [r.to_dict() for r in library.routines.values()],
        "skipped": library.skipped,
    }
    jsoncache.write(cache, key, payload)


def practice_to_dict(p: Practice) -> dict[str, Any]:
    """The whole practice as plain data (routines show --json, the cache)."""
    return {
        "id": p.id,
        "name": p.name,
        "kind": p.kind,
        "areas": list(p.areas),
        "goals": list(p.goals),
        "summary": p.summary,
        "seconds": p.seconds,
        "steps": [{"text": s.text, "seconds": s.seconds, "side": s.side, "repeat": s.repeat} for s in p.steps],
        "pacing": None
        if p.pacing is None
        else {
            "inhale": p.pacing.inhale,
            "top_up": p.pacing.top_up,
            "hold_in": p.pacing.hold_in,
            "exhale": p.pacing.exhale,
            "hold_out": p.pacing.hold_out,
            "cycles": p.pacing.cycles,
            "min_cycles": p.pacing.min_cycles,
        },
        "reps": None if p.reps is None else dict(p.reps._asdict()),
        "intensity": p.intensity,
        "position": p.position,
        "movements": list(p.movements),
        "equipment": list(p.equipment),
        "avoid_if": list(p.avoid_if),
        "care_if": list(p.care_if),
        "gentler": p.gentler,
        "family": p.family,
        "prefer_if": list(p.prefer_if),
        "cautions": [c.to_dict() for c in p.cautions],
        "evidence": None if p.evidence is None else {"note": p.evidence.note, "source": p.evidence.source},
        "origin": p.origin,
        "overrides": p.overrides,
        "unstated": list(p.unstated),
    }


def practice_from_dict(d: dict[str, Any]) -> Practice:
    return Practice(
        id=d["id"],
        name=d["name"],
        kind=d["kind"],
        areas=tuple(d["areas"]),
        goals=tuple(d["goals"]),
        summary=d["summary"],
        steps=tuple(Step(**s) for s in d["steps"]),
        pacing=Pacing(**d["pacing"]) if d["pacing"] else None,
        reps=Reps(**d["reps"]) if d["reps"] else None,
        intensity=d["intensity"],
        position=d["position"],
        movements=tuple(d["movements"]),
        equipment=tuple(d["equipment"]),
        avoid_if=tuple(d["avoid_if"]),
        care_if=tuple(d["care_if"]),
        gentler=d["gentler"],
        family=d["family"],
        prefer_if=tuple(d["prefer_if"]),
        cautions=tuple(Caution(c["text"], tuple(c["conditions"]), bool(c["stop"])) for c in d["cautions"]),
        evidence=Evidence(**d["evidence"]) if d["evidence"] else None,
        origin=d["origin"],
        overrides=d["overrides"],
        unstated=tuple(d["unstated"]),
    )


class Checked(NamedTuple):
    """A routine file as `routines validate` found it: what it holds, or every problem in it."""

    path: Path
    practices: list[Practice]
    routines: list[Routine]
    problems: list[RoutineError]


def validate_paths(paths: Iterable[Path]) -> list[Checked]:
    """Check routine files (and folders of them) as a set, naming every problem in every file.

    A file whose YAML does not parse stops at that problem; the other files are read all
    the same. Ids must be unique across the files given; `gentler` and a named routine's
    practices may name a practice in these files or in the built-in library.
    """
    files: list[Path] = []
    refused: list[RoutineError] = []
    for path in paths:
        if path.is_dir():
            files.extend(routine_files(path, refused))
        else:
            files.append(path)
    checked: dict[str, Checked] = {}
    for error in refused:
        checked[error.path] = Checked(Path(error.path), [], [], [error])
    seen: dict[str, Path] = {}
    for path in files:
        if str(path) in checked:
            continue  # a file named twice (directly and in its folder) is read once
        try:
            items, routines = parse_file_all(path, origin=str(path))
        except RoutineError as exc:
            checked[str(path)] = Checked(path, [], [], problems_of(exc))
            continue
        entry = Checked(path, [], routines, [])
        for p in items:
            if p.id in seen:
                problem = f"duplicate id (also in {seen[p.id]})"
                entry.problems.append(RoutineError(str(path), problem, practice=p.id, field="id"))
                continue
            seen[p.id] = path
            entry.practices.append(p)
        checked[str(path)] = entry
    known: dict[str, Practice] = {}
    given = {Path(c.path).resolve() for c in checked.values()}
    for path in routine_files(builtin_dir()):
        if path.resolve() not in given:
            for p in parse_file(path):
                known[p.id] = p
    for entry in checked.values():
        for p in entry.practices:
            known[p.id] = p
    later: list[RoutineError] = []
    check_references(known, seen, later)
    collect_routines([r for entry in checked.values() for r in entry.routines], known, later)
    for error in later:
        checked.setdefault(error.path, Checked(Path(error.path), [], [], [])).problems.append(error)
    return list(checked.values())


# --- named routines a person keeps ------------------------------------------------

SAVED_FILE = "saved-routines.yaml"
SAVED_HEADER = (
    "# Named routines kept by 'selfcare routines save NAME' (the format is in routines/README.md).\n"
    "# Edit them freely; saving again rewrites this file, without comments.\n"
)


def save_routine(folder: Path, name: str, practice_ids: Iterable[str], library: Library, *, replace: bool) -> Routine:
    """Keep `practice_ids` as the routine `name` in the person's own routines folder; returns it as kept.

    The routine goes in SAVED_FILE, next to the person's practice files, and is
    checked like any routine file before the file is replaced in one step.
    """
    from .errors import SelfcareError
    from .paths import atomic_write

    if len(name) > 64 or not ID_PATTERN.match(name):
        raise SelfcareError(f"'{_short(name)}' cannot name a routine: use kebab-case, like 'desk-break'")
    if name in library.practices:
        raise SelfcareError(f"'{name}' is a practice's id; give the routine another name")
    ids = list(dict.fromkeys(practice_ids))
    for pid in ids:
        if pid not in library.practices:
            raise SelfcareError(unknown("practice", pid, library.practices) + "; see 'selfcare routines list'")
    if not ids:
        raise SelfcareError("a routine needs at least one practice")
    if len(ids) > MAX_ROUTINE_PRACTICES:
        raise SelfcareError(f"a routine holds at most {MAX_ROUTINE_PRACTICES} practices, not {len(ids)}")
    path = folder / SAVED_FILE
    kept = library.routines.get(name)
    if kept is not None and Path(kept.origin).resolve() != path.resolve():
        raise SelfcareError(f"a routine named '{name}' is kept in {kept.origin} (line {kept.line}); change it there")
    if kept is not None and not replace:
        raise SelfcareError(f"you have a routine named '{name}' already; --force replaces it")
    import yaml

    raw: dict[str, Any] = {}
    if path.exists():
        text = _read_text(path, str(path))
        parse_document(text, str(path))  # refuse to build on a broken file
        loaded = yaml.safe_load(text)
        raw = loaded if isinstance(loaded, dict) else {}
    others = [r for r in raw.get("routines") or [] if not (isinstance(r, dict) and r.get("name") == name)]
    raw["routines"] = [*others, {"name": name, "practices": ids}]
    text = SAVED_HEADER + yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    _, routines = parse_document(text, str(path))  # what is written reads back
    atomic_write(path, text)
    return next(r for r in routines if r.name == name)._replace(origin=str(path))
