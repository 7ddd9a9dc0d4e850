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
from typing import TYPE_CHECKING, Any

from . import models
from .errors import RoutineError, suggest, unknown
from .models import Caution, Evidence, Pacing, Practice, Reps, Routine, Step

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

MAX_BYTES = 1 << 20
MAX_PRACTICE_SECONDS = 3600
CACHE_VERSION = 3  # 2: structured cautions, movements, family, min_cycles, unstated; 3: reps, prefer_if, routines
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


class Library:
    """The practices by id, in load order, and a person's named routines; `key` names the files it was read from."""

    __slots__ = ("key", "practices", "routines")

    def __init__(
        self,
        practices: dict[str, Practice],
        key: list[Any] | None = None,
        routines: dict[str, Routine] | None = None,
    ) -> None:
        self.practices = practices
        self.key = key
        self.routines = routines or {}

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

    def fail(self, node: Any, problem: str, field: str | None = None) -> RoutineError:
        line = node.start_mark.line + 1 if node is not None else None
        return RoutineError(self.path, problem, line=line, practice=self.practice, field=field, routine=self.routine)


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
    """The practices and the named routines in one routine file's text; raises RoutineError."""
    ctx = _Ctx(label)
    root = _compose(text, ctx)
    if root is None:
        raise RoutineError(label, "file is empty; it needs a 'practices:' list (or a 'routines:' list)")
    _refuse_aliases(root, ctx)
    top = _mapping(root, ctx, None, "the file")
    _only(top, TOP_FIELDS, ctx, "at the top of the file")
    if "title" in top:
        _text(top["title"][1], ctx, "title", limit=200)
    if "practices" not in top and "routines" not in top:
        raise ctx.fail(root, "the file needs a 'practices:' list (or a 'routines:' list)", "practices")
    routines = _routines(top["routines"][1], ctx) if "routines" in top else []
    items = _sequence(top["practices"][1], ctx, "practices") if "practices" in top else []
    practices = []
    for node in items:
        ctx.practice = None
        practices.append(_practice(node, ctx))
    ctx.practice = None
    seen: dict[str, int] = {}
    for node, practice in zip(items, practices, strict=False):
        if practice.id in seen:
            ctx.practice = practice.id
            raise ctx.fail(node, f"duplicate id (first used on line {seen[practice.id]})", "id")
        seen[practice.id] = node.start_mark.line + 1
    return practices, routines


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
        fields = _mapping(item, ctx, "routines", "each routine")
        if "name" in fields:
            name = _text(fields["name"][1], ctx, "name", limit=64)
            if not ID_PATTERN.match(name):
                raise ctx.fail(fields["name"][1], f"'{_short(name)}' is not kebab-case (like 'desk-break')", "name")
            ctx.routine = name
        _only(fields, ROUTINE_FIELDS, ctx, "in a routine")
        for required in ROUTINE_FIELDS:
            if required not in fields:
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
        found.append(Routine(name, tuple(ids), ctx.path, item.start_mark.line + 1))
    ctx.routine = None
    return found


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


def _only(fields: dict[str, tuple[Any, Any]], allowed: Iterable[str], ctx: _Ctx, where: str) -> None:
    allowed = tuple(allowed)
    for name, (key, _) in fields.items():
        if name not in allowed:
            hint = suggest(name, allowed) or f"; allowed: {', '.join(allowed)}"
            raise ctx.fail(key, f"unknown field '{name}' {where}{hint}", name)


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


def _practice(node: Any, ctx: _Ctx) -> Practice:
    fields = _mapping(node, ctx, None, "each practice")
    if "id" in fields:
        id_node = fields["id"][1]
        practice_id = _text(id_node, ctx, "id", limit=64)
        if not ID_PATTERN.match(practice_id):
            raise ctx.fail(id_node, f"'{practice_id}' is not kebab-case (like 'neck-trap-squeeze')", "id")
        ctx.practice = practice_id
    _only(fields, PRACTICE_FIELDS, ctx, "in a practice")
    for name in ("id", "name", "kind", "areas", "goals", "summary"):
        if name not in fields:
            raise ctx.fail(node, f"missing required field '{name}'", name)

    def val(name: str) -> Any:
        return fields[name][1]

    kind = _word(val("kind"), ctx, "kind", models.KINDS, "kind")
    data: dict[str, Any] = {
        "id": ctx.practice,
        "name": _text(val("name"), ctx, "name", TEXT_LIMITS["name"]),
        "kind": kind,
        "areas": _words(val("areas"), ctx, "areas", models.AREAS, "area", required=True),
        "goals": _words(val("goals"), ctx, "goals", models.GOALS, "goal", required=True),
        "summary": _text(val("summary"), ctx, "summary", TEXT_LIMITS["summary"]),
    }
    if "steps" in fields:
        steps = tuple(_step(item, ctx) for item in _sequence(val("steps"), ctx, "steps"))
        data["steps"] = steps
    if "pacing" in fields:
        if kind != "breathing":
            raise ctx.fail(fields["pacing"][0], "only breathing practices have pacing", "pacing")
        data["pacing"] = _pacing(val("pacing"), ctx)
    if "reps" in fields:
        if kind != "exercise":
            raise ctx.fail(fields["reps"][0], "only exercises have reps", "reps")
        data["reps"] = _reps(val("reps"), ctx)
    if not data.get("steps") and "pacing" not in data and "reps" not in data:
        where = fields["steps"][1] if "steps" in fields else node
        need = {"breathing": "steps or pacing", "exercise": "steps or reps"}.get(kind, "at least one step")
        raise ctx.fail(where, f"needs {need}", "steps")
    # A file that leaves out what safety rules read gets the safe reading for
    # intensity (moderate) and keeps the record of what it left out.
    data["unstated"] = tuple(name for name in models.SAFETY_FIELDS if name not in fields)
    data["intensity"] = "moderate"
    if "intensity" in fields:
        data["intensity"] = _word(val("intensity"), ctx, "intensity", models.INTENSITIES, "intensity")
    if "position" in fields:
        data["position"] = _position(val("position"), ctx)
    if "movements" in fields:
        data["movements"] = _words(val("movements"), ctx, "movements", models.MOVEMENTS, "movement", required=False)
    if "equipment" in fields:
        data["equipment"] = _words(val("equipment"), ctx, "equipment", models.EQUIPMENT, "equipment", required=False)
    for name in ("avoid_if", "care_if", "prefer_if"):
        if name in fields:
            data[name] = _words(val(name), ctx, name, models.CONDITIONS, "condition", required=False)
    clash = [c for c in data.get("prefer_if", ()) if c in data.get("avoid_if", ())]
    if clash:
        problem = f"'{clash[0]}' is in avoid_if too; a practice is not written for a condition it must avoid"
        raise ctx.fail(val("prefer_if"), problem, "prefer_if")
    if "gentler" in fields:
        gentler = _text(val("gentler"), ctx, "gentler", limit=64)
        if gentler == ctx.practice:
            raise ctx.fail(val("gentler"), "a practice cannot be its own gentler variant", "gentler")
        data["gentler"] = gentler
    if "family" in fields:
        family = _text(val("family"), ctx, "family", limit=64)
        if not ID_PATTERN.match(family):
            raise ctx.fail(val("family"), f"'{_short(family)}' is not kebab-case (like 'box-breathing')", "family")
        data["family"] = family
    if "cautions" in fields:
        data["cautions"] = _cautions(val("cautions"), ctx)
    if "evidence" in fields:
        ev = _mapping(val("evidence"), ctx, "evidence", "evidence")
        _only(ev, ("note", "source"), ctx, "in evidence")
        for name in ("note", "source"):
            if name not in ev:
                raise ctx.fail(val("evidence"), f"evidence needs a '{name}'", "evidence")
        data["evidence"] = Evidence(
            note=_text(ev["note"][1], ctx, "evidence.note", TEXT_LIMITS["note"]),
            source=_text(ev["source"][1], ctx, "evidence.source", 300),
        )
    practice = Practice(**data)
    if practice.seconds > MAX_PRACTICE_SECONDS:
        raise ctx.fail(node, f"lasts {practice.seconds} s in all; a practice may last at most an hour", "steps")
    return practice


def _step(node: Any, ctx: _Ctx) -> Step:
    fields = _mapping(node, ctx, "steps", "each step")
    _only(fields, STEP_FIELDS, ctx, "in a step")
    for name in ("text", "seconds"):
        if name not in fields:
            raise ctx.fail(node, f"a step needs '{name}'", f"steps.{name}")
    text = _text(fields["text"][1], ctx, "steps.text", TEXT_LIMITS["text"])
    seconds = int(_number(fields["seconds"][1], ctx, "steps.seconds", 1, 3600, whole=True))
    side = None
    if "side" in fields:
        side = _word(fields["side"][1], ctx, "steps.side", models.SIDES, "side")
    repeat = 1
    if "repeat" in fields:
        repeat = int(_number(fields["repeat"][1], ctx, "steps.repeat", 1, 20, whole=True, unit="times"))
    return Step(text=text, seconds=seconds, side=side, repeat=repeat)


def _pacing(node: Any, ctx: _Ctx) -> Pacing:
    fields = _mapping(node, ctx, "pacing", "pacing")
    _only(fields, PACING_FIELDS, ctx, "in pacing")
    values: dict[str, Any] = {}
    for name in ("inhale", "exhale", "cycles"):
        if name not in fields:
            raise ctx.fail(node, f"pacing needs '{name}'", f"pacing.{name}")
    for name in ("inhale", "top_up", "hold_in", "exhale", "hold_out"):
        if name in fields:
            lo = 0.5 if name in ("inhale", "exhale") else 0
            value = _number(fields[name][1], ctx, f"pacing.{name}", lo, 30, whole=False)
            if value * 2 != int(value * 2):
                raise ctx.fail(fields[name][1], "use whole or half seconds", f"pacing.{name}")
            values[name] = value
    values["cycles"] = int(_number(fields["cycles"][1], ctx, "pacing.cycles", 1, 100, whole=True, unit="cycles"))
    if "min_cycles" in fields:
        least_node = fields["min_cycles"][1]
        least = int(_number(least_node, ctx, "pacing.min_cycles", 1, 100, whole=True, unit="cycles"))
        if least > values["cycles"]:
            problem = f"is {least}, more than the {values['cycles']} cycles written; the dose must fit the practice"
            raise ctx.fail(least_node, problem, "pacing.min_cycles")
        values["min_cycles"] = least
    return Pacing(**values)


def _reps(node: Any, ctx: _Ctx) -> Reps:
    fields = _mapping(node, ctx, "reps", "reps")
    _only(fields, REPS_FIELDS, ctx, "in reps")
    for name in ("text", "count"):
        if name not in fields:
            raise ctx.fail(node, f"reps needs '{name}'", f"reps.{name}")
    values: dict[str, Any] = {"text": _text(fields["text"][1], ctx, "reps.text", TEXT_LIMITS["text"])}
    values["per_set"] = int(_number(fields["count"][1], ctx, "reps.count", 1, 30, whole=True, unit="repetitions a set"))
    if "sets" in fields:
        values["sets"] = int(_number(fields["sets"][1], ctx, "reps.sets", 1, models.MAX_SETS, whole=True, unit="sets"))
    for name in ("move", "hold", "ease"):
        if name in fields:
            lo = 0 if name == "hold" else 0.5
            value = _number(fields[name][1], ctx, f"reps.{name}", lo, 30, whole=False)
            if value * 2 != int(value * 2):
                raise ctx.fail(fields[name][1], "use whole or half seconds", f"reps.{name}")
            values[name] = value
    sets = values.get("sets", 1)
    if "rest" in fields:
        rest_node = fields["rest"][1]
        if sets == 1:
            raise ctx.fail(
                rest_node, "is the rest between sets, and there is one set; give 'sets' or leave it out", "reps.rest"
            )
        values["rest"] = int(_number(rest_node, ctx, "reps.rest", 10, MAX_REST_SECONDS, whole=True))
    elif sets > 1:
        raise ctx.fail(node, f"{sets} sets need a 'rest' between them (seconds)", "reps.rest")
    if "side" in fields:
        values["side"] = _word(fields["side"][1], ctx, "reps.side", models.SIDES, "side")
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
    return tuple(_caution(item, ctx) for item in node.value)


def _caution(node: Any, ctx: _Ctx) -> Caution:
    if node.id != "mapping":
        return Caution(_text(node, ctx, "cautions", TEXT_LIMITS["cautions"]))
    fields = _mapping(node, ctx, "cautions", "a caution")
    _only(fields, CAUTION_FIELDS, ctx, "in a caution")
    if "text" not in fields:
        raise ctx.fail(node, "a caution written as a mapping needs 'text'", "cautions.text")
    text = _text(fields["text"][1], ctx, "cautions.text", TEXT_LIMITS["cautions"])
    conditions: tuple[str, ...] = ()
    if "conditions" in fields:
        node_c = fields["conditions"][1]
        conditions = _words(node_c, ctx, "cautions.conditions", models.CONDITIONS, "condition", required=True)
    stop = _flag(fields["stop"][1], ctx, "cautions.stop") if "stop" in fields else False
    return Caution(text, conditions, stop)


def _with(practice: Practice, **changes: Any) -> Practice:
    return practice._replace(**changes)


# --- the whole library ------------------------------------------------------


def routine_files(folder: Path) -> list[Path]:
    """The routine files directly in `folder`, sorted; links leading outside are refused."""
    if not folder.is_dir():
        return []
    root = folder.resolve()
    files = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise RoutineError(str(folder), f"cannot be listed: {exc.strerror}") from None
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith((".yaml", ".yml")):
            continue
        path = Path(entry.path)
        if entry.is_symlink() and not path.resolve().is_relative_to(root):
            raise RoutineError(str(path), "links to a file outside the routines folder; copy the file in instead")
        files.append(path)
    return files


def _merge(
    builtin: list[tuple[Path, list[Practice]]],
    user: list[tuple[Path, list[Practice]]],
    named: list[Routine] | None = None,
) -> Library:
    practices: dict[str, Practice] = {}
    where: dict[str, Path] = {}
    for path, items in builtin:
        for p in items:
            if p.id in practices:
                raise RoutineError(str(path), f"duplicate id (also in {where[p.id].name})", practice=p.id, field="id")
            practices[p.id], where[p.id] = p, path
    builtin_ids = set(practices)
    user_where: dict[str, Path] = {}
    for path, items in user:
        for p in items:
            if p.id in user_where:
                raise RoutineError(str(path), f"duplicate id (also in {user_where[p.id]})", practice=p.id, field="id")
            user_where[p.id] = path
            if p.id in builtin_ids:
                p = _with(p, overrides=True)
            practices[p.id] = p
    check_references(practices, {**where, **user_where})
    routines = collect_routines(named or [], practices)
    return Library(practices, routines=routines)


def check_references(practices: dict[str, Practice], where: dict[str, Path] | None = None) -> None:
    """Every `gentler` names a practice that exists."""
    for p in practices.values():
        if p.gentler and p.gentler not in practices:
            label = str(where[p.id]) if where and p.id in where else p.origin
            raise RoutineError(label, unknown("practice", p.gentler, practices), practice=p.id, field="gentler")


def collect_routines(named: Iterable[Routine], practices: dict[str, Practice]) -> dict[str, Routine]:
    """The named routines by name: each name used once and by no practice, each practice listed in the library."""
    found: dict[str, Routine] = {}
    for r in named:
        if r.name in found:
            other = found[r.name]
            problem = f"a routine of this name is also in {other.origin} (line {other.line})"
            raise RoutineError(r.origin, problem, line=r.line, routine=r.name, field="name")
        if r.name in practices:
            problem = "is also a practice's id; give the routine another name"
            raise RoutineError(r.origin, problem, line=r.line, routine=r.name, field="name")
        for pid in r.practices:
            if pid not in practices:
                problem = unknown("practice", pid, practices)
                raise RoutineError(r.origin, problem, line=r.line, routine=r.name, field="practices")
        found[r.name] = r
    return found


def _signature(files: list[Path]) -> list[list[Any]]:
    sig = []
    for path in files:
        st = path.stat()
        sig.append([str(path), st.st_size, st.st_mtime_ns])
    return sig


def signature(user_dir: Path | None = None) -> list[Any] | None:
    """What identifies the library without reading it: every routine file's path, size and mtime."""
    try:
        user_files = routine_files(user_dir) if user_dir else []
        return [CACHE_VERSION, _signature(routine_files(builtin_dir())), _signature(user_files)]
    except OSError:
        return None


def load(user_dir: Path | None = None, cache: Path | None = None) -> Library:
    """The built-in library plus the person's own files, from the cache when it is fresh."""
    builtin_files = routine_files(builtin_dir())
    user_files = routine_files(user_dir) if user_dir else []
    try:
        key: list[Any] | None = [CACHE_VERSION, _signature(builtin_files), _signature(user_files)]
    except OSError:
        key = None
    if cache is not None and key is not None:
        cached = _read_cache(cache, key)
        if cached is not None:
            return cached
    builtin = [(path, parse_file(path, label=f"routines/{path.name}")) for path in builtin_files]
    user: list[tuple[Path, list[Practice]]] = []
    named: list[Routine] = []
    for path in user_files:
        practices, routines = parse_file_all(path, origin=str(path))
        user.append((path, practices))
        named += routines
    library = _merge(builtin, user, named)
    library.key = key
    if cache is not None and key is not None:
        _write_cache(cache, key, library)
    return library


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
        return Library(practices, key, routines)
    except (KeyError, TypeError, ValueError):
        return None  # damaged: rebuild it


def _write_cache(cache: Path, key: list[Any], library: Library) -> None:
    from . import jsoncache

    payload = {
        "practices": [practice_to_dict(p) for p in library],
        "routines": [r.to_dict() for r in library.routines.values()],
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


def validate_paths(paths: Iterable[Path]) -> list[tuple[Path, list[Practice], list[Routine]]]:
    """Check routine files (and folders of them) as a set; (file, practices, named routines) for each.

    Raises the first RoutineError. Ids must be unique across the files given;
    `gentler` and a named routine's practices may name a practice in these
    files or in the built-in library.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(routine_files(path))
        else:
            files.append(path)
    seen: dict[str, Path] = {}
    parsed: list[tuple[Path, list[Practice], list[Routine]]] = []
    for path in files:
        items, routines = parse_file_all(path, origin=str(path))
        for p in items:
            if p.id in seen:
                raise RoutineError(str(path), f"duplicate id (also in {seen[p.id]})", practice=p.id, field="id")
            seen[p.id] = path
        parsed.append((path, items, routines))
    known: dict[str, Practice] = {}
    for path in routine_files(builtin_dir()):
        if path.resolve() not in {f.resolve() for f in files}:
            for p in parse_file(path):
                known[p.id] = p
    for _, items, _ in parsed:
        for p in items:
            known[p.id] = p
    check_references(known, seen)
    collect_routines([r for _, _, routines in parsed for r in routines], known)
    return parsed


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
