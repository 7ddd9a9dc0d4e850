"""Fuzzing what selfcare reads from files: routine files and import files.

Hypothesis builds valid files, subtly broken ones (a field deleted, a type
swapped, numbers out of range, unknown words, hostile unicode, duplicate ids),
raw garbage, explicit YAML tags and alias bombs. The core readers
(`library.parse_text`, `transfer.read_import`) must either return good data or
raise selfcare's own error with a one-line message that starts with the file's
name: never any other exception. A smaller sample goes through the real CLI
(`routines validate`, `import`), which must exit 0 or 2 with one line on stderr
and no traceback; a refused import must leave the log exactly as it was.
"""

from __future__ import annotations

import copy
import functools
import json
import string
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import examples as scaled
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from selfcare import models
from selfcare.errors import RoutineError, SelfcareError
from selfcare.library import parse_text
from selfcare.models import Practice
from selfcare.transfer import read_import

LABEL = "fuzz/my-routines.yaml"


def fuzz(examples: int) -> Any:
    """Hypothesis settings for these tests: no deadline, fixtures shared between examples."""
    return settings(
        max_examples=scaled(examples),
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


# --- text ---------------------------------------------------------------------------

# Printable text of every script, emoji, RTL and combining marks: what a valid file may hold.
FAIR_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))
FAIR = [
    "Rub gently along the muscle.",
    "😌🧘‍♀️ breathe",
    "\u202eevil\u202c",  # right-to-left override
    "שלום עולם",
    "مرحبا",
    "e\u0301\u0301\u0301",  # combining marks
    "中文 名字",
    "[bold]x[/]",
    "  padded  ",
    "a: b",
    "- dash",
    "# hash",
    "'single'",
    '"double"',
    "yes",
    "null",
    "~",
    "123",
    "1e3",
    "&a *a",
    "!!int 5",
    "%TAG",
    "@home",
    "x\ny",  # a newline inside a text is fine
]
ODD = [
    "😌🧘‍♀️",
    "\u202eevil\u202c",
    "e\u0301\u0301\u0301",
    "\x00",
    "\x1b[31m",
    "\x07",
    "\x9b2J",
    "\x85",
    "\x7f",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "\ufeff",
    "\ud800",  # a lone surrogate (JSON can carry one; YAML through an escape)
    "[bold]x[/]",
    "'",
    '"',
    ": ",
    "- ",
    " #",
    "&a",
    "*a",
    "!!int",
    "{",
    "[",
    "%",
    "@",
    "`",
    "|",
    ">",
    "~",
    "null",
    "yes",
    "",
    "   ",
]
LENGTHS = [63, 64, 65, 79, 80, 81, 199, 200, 201, 299, 300, 301, 499, 500, 501, 999, 1000, 1001, 2000, 2001, 5000]
BOOL = st.booleans()


@functools.cache
def fair_text(limit: int) -> st.SearchStrategy[str]:
    """Text a field of at most `limit` characters accepts."""
    pool = [text for text in FAIR if len(text.strip()) <= limit] + ["y" * limit]
    return st.one_of(st.sampled_from(pool), st.text(FAIR_CHARS, min_size=1, max_size=12).filter(str.strip))


nasty_text = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(ODD),
    st.lists(st.sampled_from(ODD), min_size=2, max_size=4).map("".join),
    st.tuples(st.sampled_from(ODD), st.text(max_size=8)).map(lambda t: "mas" + t[0] + "sage" + t[1]),
    st.sampled_from(LENGTHS).map(lambda n: "z" * n),
)
numbers = st.one_of(
    st.integers(-1000, 5000),
    st.sampled_from([0, -1, 1, 20, 21, 100, 101, 3600, 3601, 86_400, 86_401, 10**30, -(10**30), 2**63, 10**4000]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.5, 0.25, 1.5, 30.5, 1e300, -0.0, 0.1]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, nasty_text)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=6), st.integers(-3, 3)), inner, max_size=3),
    ),
    max_leaves=8,
)


# --- generic mutation of a JSON-like document ---------------------------------------------


def walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))


def at(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


ODD_PIECES = st.sampled_from(ODD)


@st.composite
def mutate(draw: Any, doc: Any, replacements: st.SearchStrategy[Any], keys: st.SearchStrategy[Any]) -> Any:
    """`doc` with one to three of: a part deleted, replaced, garbled, added to or duplicated."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        path, node = draw(st.sampled_from(list(walk(doc))))
        op = draw(st.sampled_from(["delete", "replace", "replace", "garble", "garble", "add", "duplicate"]))
        if not path:
            doc = copy.deepcopy(draw(replacements)) if op in ("delete", "replace") else [doc]
            continue
        parent, key = at(doc, path[:-1]), path[-1]
        if op == "delete":
            del parent[key]
        elif op == "garble" and isinstance(node, str):
            # Nearly right: a line break, a control character or an emoji slipped into a good value.
            cut = draw(st.integers(0, len(node)))
            parent[key] = node[:cut] + draw(ODD_PIECES) + node[cut:]
        elif op == "add" and isinstance(node, dict):
            node[draw(keys)] = copy.deepcopy(draw(replacements))
        elif op == "add" and isinstance(node, list):
            node.append(copy.deepcopy(draw(replacements)))
        elif op == "duplicate" and isinstance(node, list) and node:
            node.append(copy.deepcopy(draw(st.sampled_from(node))))
        else:
            parent[key] = copy.deepcopy(draw(replacements))
    return doc


# --- routine files: valid ---------------------------------------------------------------

practice_ids = st.from_regex(r"\A[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}\Z")
halves = st.integers(0, 20).map(lambda n: n // 2 if n % 2 == 0 else n / 2)  # 0, 0.5, 1, ..., 10
positive_halves = halves.filter(bool)


@functools.cache
def vocab(words: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(words)


@functools.cache
def some(words: tuple[str, ...], least: int) -> st.SearchStrategy[list[str]]:
    return st.lists(vocab(words), min_size=least, max_size=3)


KINDS, AREAS, GOALS = tuple(models.KINDS), tuple(models.AREAS), tuple(models.GOALS)
CONDITIONS, EQUIPMENT = tuple(models.CONDITIONS), tuple(models.EQUIPMENT)
step_seconds, repeats, cycles = st.integers(1, 120), st.integers(1, 3), st.integers(1, 10)


@st.composite
def caution_mappings(draw: Any) -> dict[str, Any]:
    caution: dict[str, Any] = {"text": draw(fair_text(500))}
    if draw(BOOL):
        caution["conditions"] = draw(some(CONDITIONS, 1))
    if draw(BOOL):
        caution["stop"] = draw(BOOL)
    return caution


cautions = st.one_of(fair_text(500), st.lists(st.one_of(fair_text(500), caution_mappings()), max_size=3))
POSITIONS = (*models.POSITIONS, *models.POSITION_ALIASES)


@st.composite
def valid_steps(draw: Any) -> dict[str, Any]:
    step: dict[str, Any] = {"text": draw(fair_text(1000)), "seconds": draw(step_seconds)}
    if draw(BOOL):
        step["side"] = draw(vocab(models.SIDES))
    if draw(BOOL):
        step["repeat"] = draw(repeats)
    return step


@st.composite
def valid_pacings(draw: Any) -> dict[str, Any]:
    pacing = {"inhale": draw(positive_halves), "exhale": draw(positive_halves), "cycles": draw(cycles)}
    for name in ("top_up", "hold_in", "hold_out"):
        if draw(BOOL):
            pacing[name] = draw(halves)
    if draw(BOOL):
        pacing["min_cycles"] = draw(st.integers(1, pacing["cycles"]))
    return pacing


@st.composite
def valid_reps(draw: Any) -> dict[str, Any]:
    reps: dict[str, Any] = {"text": draw(fair_text(1000)), "count": draw(st.integers(1, 10))}
    if draw(BOOL):
        reps["sets"] = draw(st.integers(1, models.MAX_SETS))
        if reps["sets"] > 1:
            reps["rest"] = draw(st.integers(10, 60))
    for name in ("move", "hold", "ease"):
        if draw(BOOL):
            reps[name] = draw(halves if name == "hold" else positive_halves.filter(lambda v: v <= 5))
    if draw(BOOL):
        reps["side"] = draw(vocab(models.SIDES))
    return reps


step_lists = {least: st.lists(valid_steps(), min_size=least, max_size=3) for least in (0, 1)}


@st.composite
def valid_practices(draw: Any, pid: str, others: list[str]) -> dict[str, Any]:
    kind = draw(vocab(KINDS))
    p: dict[str, Any] = {
        "id": pid,
        "name": draw(fair_text(80)),
        "kind": kind,
        "areas": draw(some(AREAS, 1)),
        "goals": draw(some(GOALS, 1)),
        "summary": draw(fair_text(500)),
    }
    pacing = draw(valid_pacings()) if kind == "breathing" and draw(BOOL) else None
    reps = draw(valid_reps()) if kind == "exercise" and draw(BOOL) else None
    steps = draw(step_lists[0 if pacing or reps else 1])
    if steps or draw(BOOL):
        p["steps"] = steps
    if pacing:
        p["pacing"] = pacing
    if reps:
        p["reps"] = reps
    if draw(BOOL):
        p["intensity"] = draw(vocab(models.INTENSITIES))
    if draw(BOOL):
        p["position"] = draw(vocab(POSITIONS))
    if draw(BOOL):
        p["movements"] = draw(some(tuple(models.MOVEMENTS), 0))
    if draw(BOOL):
        p["equipment"] = draw(some(EQUIPMENT, 0))
    for name in ("avoid_if", "care_if"):
        if draw(BOOL):
            p[name] = draw(some(CONDITIONS, 0))
    if draw(BOOL):
        p["prefer_if"] = [c for c in draw(some(CONDITIONS, 0)) if c not in p.get("avoid_if", [])]
    if others and draw(BOOL):
        p["gentler"] = draw(st.sampled_from(others))
    if draw(BOOL):
        p["family"] = draw(practice_ids)
    if draw(BOOL):
        p["cautions"] = draw(cautions)
    if draw(BOOL):
        p["evidence"] = {"note": draw(fair_text(500)), "source": draw(fair_text(300))}
    return p


id_lists = st.lists(practice_ids, min_size=1, max_size=3, unique=True)


@st.composite
def valid_routines(draw: Any) -> dict[str, Any]:
    ids = draw(id_lists)
    doc: dict[str, Any] = {"practices": [draw(valid_practices(pid, [o for o in ids if o != pid])) for pid in ids]}
    if draw(BOOL):
        doc["title"] = draw(fair_text(200))
    return doc


def to_yaml(doc: Any, **options: Any) -> str:
    """YAML text through libyaml, or the pure-Python emitter for what libyaml cannot encode."""
    try:
        return yaml.dump(doc, Dumper=yaml.CSafeDumper, **options)
    except UnicodeEncodeError:  # a lone surrogate: the Python emitter writes it as an escape
        return yaml.dump(doc, Dumper=yaml.SafeDumper, **options)


def plain_dump(doc: Any) -> str:
    return to_yaml(doc, allow_unicode=True, sort_keys=False)


FLOW_STYLES = st.sampled_from([False, None, True])
WIDTHS = st.sampled_from([80, 20, 10**6])


@st.composite
def dump(draw: Any, doc: Any, *, sort: bool = False) -> str:
    """YAML text of `doc`, in block or flow style, narrow or wide, escaped or not."""
    return to_yaml(
        doc,
        allow_unicode=draw(BOOL),
        default_flow_style=draw(FLOW_STYLES),
        sort_keys=sort and draw(BOOL),
        width=draw(WIDTHS),
    )


def expected_seconds(p: dict[str, Any]) -> int:
    steps = sum(s["seconds"] * s.get("repeat", 1) * (2 if s.get("side") == "both" else 1) for s in p.get("steps", []))
    pacing = p.get("pacing")
    if pacing:
        cycle = sum(pacing.get(k, 0) for k in ("inhale", "top_up", "hold_in", "exhale", "hold_out"))
        steps += round(cycle * pacing["cycles"])
    reps = p.get("reps")
    if reps:
        each = reps.get("move", 2) + reps.get("hold", 0) + reps.get("ease", 2)
        sides = 2 if reps.get("side") == "both" else 1
        sets = reps.get("sets", 1)
        steps += round(each * reps["count"] * sides * sets + reps.get("rest", 0) * (sets - 1))
    return steps


# --- routine files: broken --------------------------------------------------------------

ALL_WORDS = (
    *models.KINDS,
    *models.AREAS,
    *models.GOALS,
    *models.CONDITIONS,
    *models.INTENSITIES,
    *models.POSITIONS,
    *models.MOVEMENTS,
    *models.SIDES,
    *models.EQUIPMENT,
)
wrong_words = st.one_of(
    vocab(ALL_WORDS),  # a real word in the wrong field
    vocab(ALL_WORDS).map(str.upper),
    vocab(ALL_WORDS).map(lambda w: w[:-1]),  # a near miss
    vocab(ALL_WORDS).map(lambda w: f" {w}\n"),
    st.tuples(vocab(ALL_WORDS), st.sampled_from(ODD)).map(lambda t: t[0] + t[1]),
)
routine_replacements = st.one_of(junk, numbers, nasty_text, wrong_words, st.lists(wrong_words, max_size=3))
routine_keys = st.one_of(
    vocab(ALL_WORDS), st.sampled_from(["Name", "step", "second", "pace", "title", "id"]), nasty_text, st.integers()
)


@st.composite
def broken_routines(draw: Any) -> str:
    doc = draw(mutate(draw(valid_routines()), routine_replacements, routine_keys))
    return draw(dump(doc))


# Explicit YAML tags and scalars the dumper never writes, dropped in place of a value.
FRAGMENTS = [
    '!!int ""',
    '!!int "-"',
    '!!int "+"',
    '!!int "_"',
    '!!int "0x"',
    '!!int "0b"',
    '!!int "0o"',
    '!!int ":"',
    '!!int "1:"',
    '!!int "1\\n2"',
    '!!int "12abc"',
    '!!int "1_000"',
    '!!int "190:20:30"',
    f'!!int "{"1" * 5000}"',
    '!!float ""',
    '!!float "-"',
    '!!float "."',
    '!!float "nan"',
    '!!float "1e999"',
    '!!float "1\\n"',
    "!!str 60",
    '!!str "mas\\nsage"',
    '"neck\\n"',
    '!!bool "maybe"',
    '!!null "x"',
    "!!binary aGVsbG8=",
    "!!timestamp 2026-11-27",
    "2026-11-27",
    "2026-11-27 10:00:00",
    "1:30",
    "0x3C",
    "0o74",
    "0b111100",
    "1_0",
    "60.0",
    "6e1",
    ".inf",
    "-.inf",
    ".nan",
    "~",
    "yes",
    "on",
    "!!set {a, b}",
    "!!omap [{a: 1}]",
    "!!pairs [{a: 1}]",
    "!local x",
    "!<tag:example.com,2000:x> y",
    '!!python/object/apply:os.system ["echo hi"]',
    "!!map {}",
    "!!seq []",
    "&anchor 60",
    "[]",
    "{}",
    '""',
    "''",
    '"\\e[31m\\a"',
    '"\\0"',
    '"\\x9b"',
    '"\\N\\L\\P"',
    '"\\u202e"',
    '"\\ud800"',
    '{"a\\nb": 1}',
    "{? [a, b] : 1}",
]
fragments = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.tuples(
        st.sampled_from(["!!int", "!!float", "!!str", "!!bool", "!!null", "!!timestamp", "!!binary"]),
        st.text(max_size=12),
    ).map(lambda t: f"{t[0]} {json.dumps(t[1])}"),
)
PLACE = "PLACEHOLDERFRAGMENT"


@st.composite
def tagged_routines(draw: Any) -> str:
    """A valid file with one value (or field name) written as an explicit tag or odd scalar."""
    doc = draw(valid_routines())
    places = [path for path, _ in walk(doc) if path]
    numeric = [path for path, node in walk(doc) if path and type(node) in (int, float)]
    path = draw(st.sampled_from(numeric if numeric and draw(BOOL) else places))  # numbers half the time
    parent, key = at(doc, path[:-1]), path[-1]
    if isinstance(parent, dict) and draw(BOOL):
        parent[PLACE] = parent.pop(key)  # the field name itself
    else:
        parent[key] = PLACE
    return plain_dump(doc).replace(PLACE, draw(fragments))


_deep_yaml = st.tuples(st.sampled_from(["[", "{", "- ", "{a: ", "[{", "? ", "a:\n  "]), st.integers(1, 5000))
_valid_yaml = st.deferred(lambda: valid_routines().flatmap(dump))
_cut = st.floats(0, 1)


def _insert(text: Any, at: float, what: Any) -> Any:
    n = int(len(text) * at)
    return text[:n] + what + text[n:]


# Text that is mostly not a routine file at all.
raw_yaml = st.one_of(
    st.text(string.printable, max_size=200),
    st.text(max_size=200),
    st.text(alphabet="[]{}:,-?!&*|>'\" \n\t#%@`.0123456789abc", max_size=200),
    _deep_yaml.map(lambda t: t[0] * t[1]),
    _deep_yaml.map(lambda t: "practices: " + t[0] * t[1]),
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", errors="replace")),
    st.tuples(_valid_yaml, _cut).map(lambda t: t[0][: int(len(t[0]) * t[1])]),  # cut short
    st.builds(_insert, _valid_yaml, _cut, st.sampled_from(["\t", ":", "[", "'", '"', "\n  ", "\x00", "&", "\x1b"])),
    _valid_yaml.map(lambda t: t.replace("  ", "\t")),
    _valid_yaml.map(lambda t: "%YAML 1.1\n---\n" + t + "---\n" + t),
    _valid_yaml.map(lambda t: "\ufeff" + t),
)


@st.composite
def aliased_routines(draw: Any) -> str:
    """Files with anchors and aliases: shared parts of a valid file, bombs, dangling aliases."""
    kind = draw(st.sampled_from(["shared", "bomb", "dangling", "self"]))
    if kind == "shared":
        doc = draw(valid_routines())
        shared = [path for path, node in walk(doc) if path and isinstance(node, (list, dict))]
        source = at(doc, draw(st.sampled_from(shared)))
        target = draw(st.sampled_from([path for path, _ in walk(doc) if path]))
        if not any(node is source for _, node in walk(at(doc, target))):
            at(doc, target[:-1])[target[-1]] = source
        else:
            doc["practices"].append(source)
        return plain_dump(doc)
    if kind == "bomb":
        levels, width = draw(st.integers(2, 12)), draw(st.integers(2, 9))
        lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
        for n in range(1, levels):
            lines.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * width)}]")
        lines.append(f"practices: *a{levels - 1}")
        return "\n".join(lines) + "\n"
    if kind == "dangling":
        return "practices:\n  - *nowhere\n"
    return "practices: &loop\n  - *loop\n"


# --- the routine properties ---------------------------------------------------------------


def check_parse(text: str) -> list[Practice] | None:
    """parse_text's contract: practices of a sane length, or a one-line RoutineError naming the file."""
    try:
        practices = parse_text(text, LABEL)
    except RoutineError as exc:
        message = str(exc)
        assert message.startswith(LABEL), message
        assert "\n" not in message and "\r" not in message, f"more than one line: {message!r}"
        return None
    assert isinstance(practices, list)
    for p in practices:
        assert isinstance(p, Practice)
        assert type(p.seconds) is int and 0 < p.seconds <= 3600, (p.id, p.seconds)
    return practices


@pytest.mark.slow
@fuzz(800)
@given(data=st.data())
def test_valid_routine_files_parse_exactly(data: Any) -> None:
    doc = data.draw(valid_routines())
    text = data.draw(dump(doc, sort=True))
    practices = parse_text(text, LABEL)  # a RoutineError here fails the test with its message
    check_parse(text)
    assert [p.id for p in practices] == [p["id"] for p in doc["practices"]]
    for p, source in zip(practices, doc["practices"], strict=True):
        assert p.seconds == expected_seconds(source)
        assert p.name == source["name"].strip() and p.summary == source["summary"].strip()
        assert [s.text for s in p.steps] == [s["text"].strip() for s in source.get("steps", [])]
        written = source.get("cautions", [])
        written = [written] if isinstance(written, str) else written
        assert [(c.text, c.stop) for c in p.cautions] == [
            (c.strip(), False) if isinstance(c, str) else (c["text"].strip(), c.get("stop", False)) for c in written
        ]
        assert p.unstated == tuple(f for f in models.SAFETY_FIELDS if f not in source)
        assert p.intensity == source.get("intensity", "moderate")
        assert p.position == models.POSITION_ALIASES.get(source.get("position", ""), source.get("position", "sitting"))
        assert p.family == source.get("family")


@pytest.mark.slow
@fuzz(1200)
@given(text=broken_routines())
def test_broken_routine_files_are_refused_in_one_line(text: str) -> None:
    check_parse(text)


@pytest.mark.slow
@fuzz(500)
@given(text=tagged_routines())
def test_explicit_tags_and_odd_scalars_are_refused_in_one_line(text: str) -> None:
    check_parse(text)


@pytest.mark.slow
@fuzz(600)
@given(text=raw_yaml)
def test_raw_garbage_is_refused_in_one_line(text: str) -> None:
    check_parse(text)


@pytest.mark.slow
@fuzz(200)
@given(text=aliased_routines())
def test_anchors_and_aliases_are_always_refused(text: str) -> None:
    with pytest.raises(RoutineError) as caught:
        parse_text(text, LABEL)
    message = str(caught.value)
    assert message.startswith(LABEL) and "\n" not in message
    assert "anchors and aliases" in message or "not valid YAML" in message, message


any_routine_file = st.one_of(
    valid_routines().flatmap(dump),
    broken_routines(),
    tagged_routines(),
    raw_yaml,
    aliased_routines(),
)


def assert_exit_0_or_one_line(result: Any, what: str) -> None:
    """The CLI's contract: success, or exit 2 with one line on stderr; never a traceback."""
    assert "Traceback" not in result.output, f"{what}: traceback\n{result.output}"
    err = result.stderr.strip()
    if result.exit_code == 0:
        return
    assert result.exit_code == 2, f"{what}: exit {result.exit_code}: {err!r}"
    assert err.startswith("selfcare: "), f"{what}: {err!r}"
    assert "\n" not in err and "\r" not in err, f"{what}: more than one line: {err!r}"


@pytest.mark.slow
@fuzz(100)
@given(content=st.one_of(any_routine_file, st.binary(max_size=200)))
def test_routines_validate_exits_0_or_2_with_a_line_a_problem(run, tmp_path: Path, content: str | bytes) -> None:
    """validate names every problem: one line each, each naming the file, and a count when there are several."""
    path = tmp_path / "mine.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    result = run("routines", "validate", str(path), code=None)
    what = f"routines validate {content!r}"
    assert "Traceback" not in result.output, f"{what}: traceback\n{result.output}"
    if result.exit_code == 0:
        assert "ok" in result.stdout
        return
    assert result.exit_code == 2, f"{what}: exit {result.exit_code}: {result.stderr!r}"
    lines = result.stderr.strip().split("\n")
    assert "\r" not in result.stderr and all(line.startswith("selfcare: ") for line in lines), (what, lines)
    problems = lines if len(lines) == 1 else lines[:-1]
    assert all(str(path) in line for line in problems), (what, lines)
    if len(lines) > 1:
        assert lines[-1] == f"selfcare: {len(problems)} problems in 1 of 1 file", (what, lines)


# Tricky texts found while writing these tests, kept so they run every time.
TRICKY_ROUTINES = {
    "empty !!int": ("seconds", '!!int ""'),
    "!!int of a sign": ("seconds", '!!int "-"'),
    "!!int of an underscore": ("seconds", '!!int "_"'),
    "!!int with a newline": ("seconds", '!!int "1\\n2"'),
    "kind with a newline": ("kind", '"mas\\nsage"'),
    "area with a newline": ("areas", '["neck\\n", "x\\ny"]'),
    "field name with a newline": ("field", '"na\\nme": x'),
    "id with a newline": ("id", '"my\\nid"'),
}


def _tricky(where: str, value: str) -> str:
    step = "seconds: 30" if where != "seconds" else f"seconds: {value}"
    lines = [
        "practices:",
        f"  - id: {value if where == 'id' else 'my-rub'}",
        "    name: Rub",
        f"    kind: {value if where == 'kind' else 'massage'}",
        f"    areas: {value if where == 'areas' else '[neck]'}",
        "    goals: [tension]",
        "    summary: Rub the neck.",
        "    steps:",
        "      - text: Rub.",
        f"        {step}",
    ]
    if where == "field":
        lines.append(f"    {value}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", list(TRICKY_ROUTINES))
def test_tricky_routine_texts(case: str) -> None:
    check_parse(_tricky(*TRICKY_ROUTINES[case]))


# --- import files ---------------------------------------------------------------------

DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 11, 27))
ratings = st.one_of(st.none(), st.integers(0, 10))
hours, minutes = st.integers(0, 23), st.integers(0, 59)
session_practices = st.lists(st.sampled_from(["neck-trap-knead", "breath-box", "my-own", "gone-now"]), max_size=3)
some_text = st.one_of(st.none(), st.text(max_size=30))
pros = st.one_of(st.none(), vocab(tuple(models.PROFESSIONALS)))
RULES = ("high-pain", "worse-twice", "no-improvement")


@st.composite
def valid_sessions(draw: Any) -> dict[str, Any]:
    day = draw(DAYS).isoformat()
    practices = draw(session_practices)
    split = [draw(st.integers(0, 600)) for _ in practices] if draw(BOOL) else []
    skipped = draw(session_practices) if draw(BOOL) else []
    return {
        "id": str(draw(st.uuids())),
        "date": day,
        "logged_at": f"{day}T{draw(hours):02d}:{draw(minutes):02d}:00+01:00",
        "practices": practices,
        "practice_seconds": split,
        "seconds": sum(split) if split else draw(st.integers(0, 7200)),
        "pain_before": draw(ratings),
        "pain_after": draw(ratings),
        "stress_before": draw(ratings),
        "stress_after": draw(ratings),
        "note": draw(some_text),
        "pro": draw(pros),
        "source": draw(vocab(models.SOURCES)),
        "too_intense": practices[:1] if draw(BOOL) else [],
        "partial": practices[-1:] if draw(BOOL) else [],
        "skipped": skipped,
        "skipped_seconds": [draw(st.integers(0, 30)) for _ in skipped],
    }


session_lists = st.lists(valid_sessions(), max_size=3, unique_by=lambda s: s["id"])
rest_dates = st.lists(DAYS, max_size=2, unique=True)


@st.composite
def valid_exports(draw: Any) -> dict[str, Any]:
    sessions = draw(session_lists)
    ids = [s["id"] for s in sessions]
    flags = [
        {
            "session_id": draw(st.one_of(st.none(), st.sampled_from(ids))) if ids else None,
            "date": draw(DAYS).isoformat(),
            "rule": draw(vocab(RULES)),
            "area": draw(st.one_of(st.none(), vocab(AREAS))),
            "message": draw(st.text(min_size=1, max_size=30)),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    return {
        "format": "selfcare-log",
        "version": 1,
        "exported_at": "2026-11-27T09:00:00+01:00",
        "sessions": sessions,
        "rest_days": [{"date": d.isoformat(), "reason": draw(some_text)} for d in draw(rest_dates)],
        "flags": flags,
    }


BAD_VALUES = [
    11,
    -1,
    1e300,
    "NaN",
    float("nan"),
    float("inf"),
    5.0,
    True,
    "2026-02-30",
    "2026-13-01",
    "26-11-27",
    "2026-11-27T10:00",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2026-11-27T10:00:00",
    "2026-11-27T25:00:00+01:00",
    "not-a-uuid",
    "urn:uuid:3f2a9c00-0000-4000-8000-000000000001",
    "{3F2A9C00-0000-4000-8000-000000000001}",
    "3f2a9c00-0000-4000-8000-00000000001",
    "selfcare-log ",
    2,
    0,
    -(2**70),
    2**70,
    ["a"] * 300,
    list(range(300)),
    [["nested", ["garbage", {"a": [None]}]]],
    {"sessions": []},
    "x" * 2001,
]
import_replacements = st.one_of(junk, st.sampled_from(BAD_VALUES), st.text(st.characters(), max_size=20))
import_keys = st.one_of(
    st.sampled_from(["sessions", "rest_days", "flags", "format", "version", "id", "date", "note", "extra"]),
    st.text(max_size=8),
)


INDENTS = st.sampled_from([None, 1])


@st.composite
def encode(draw: Any, doc: Any) -> bytes:
    """JSON bytes of `doc` (NaN allowed, as Python writes it; lone surrogates kept as they are)."""
    text = json.dumps(doc, allow_nan=True, ensure_ascii=draw(BOOL), indent=draw(INDENTS))
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def broken_exports(draw: Any) -> bytes:
    doc = draw(mutate(draw(valid_exports()), import_replacements, import_keys))
    return draw(encode(doc))


_valid_json = st.deferred(lambda: valid_exports().flatmap(encode))
_deep_json = st.tuples(st.sampled_from(["[", '{"a":', '{"sessions":[']), st.integers(1, 200_000))

# Bytes that are barely, or not at all, an export file.
raw_imports = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
    _deep_json.map(lambda t: (t[0] * t[1]).encode()),
    st.deferred(lambda: valid_exports()).map(lambda d: json.dumps(d["sessions"]).encode()),  # a bare list: accepted
    st.deferred(lambda: valid_exports()).map(lambda d: json.dumps([d]).encode()),
    st.sampled_from(["null", "1", '"sessions"', "[]", "{}", '{"sessions": null}', "NaN", "-Infinity"]).map(str.encode),
    st.integers(4000, 6000).map(lambda n: ('{"sessions": [], "version": ' + "1" * n + "}").encode()),
    st.tuples(_valid_json, _cut).map(lambda t: t[0][: int(len(t[0]) * t[1])]),  # cut short
    st.builds(_insert, _valid_json, _cut, st.sampled_from([b"\xff", b"\xc3", b"\x00", b",", b"]", b"\xed\xa0\x80"])),
    _valid_json.map(lambda b: b"\xef\xbb\xbf" + b),
    _valid_json.map(lambda b: b.decode("utf-8", errors="surrogatepass").encode("utf-16", errors="surrogatepass")),
)


any_import = st.one_of(_valid_json, broken_exports(), raw_imports)


def check_read(path: Path) -> Any:
    """read_import's contract: parsed lists, or a one-line SelfcareError naming the file."""
    try:
        sessions, rests, flags = read_import(path)
    except SelfcareError as exc:
        message = str(exc)
        assert message.startswith(str(path)), message
        assert "\n" not in message and "\r" not in message, f"more than one line: {message!r}"
        return None
    assert isinstance(sessions, list) and isinstance(rests, list) and isinstance(flags, list)
    return sessions, rests, flags


@pytest.fixture
def import_path(tmp_path: Path) -> Path:
    return tmp_path / "backup.json"


@pytest.mark.slow
@fuzz(200)
@given(doc=valid_exports(), data=st.data())
def test_valid_exports_are_read_whole(import_path: Path, doc: dict[str, Any], data: Any) -> None:
    import_path.write_bytes(data.draw(encode(doc)))
    read = check_read(import_path)
    assert read is not None, f"a valid export was refused: {doc!r}"
    sessions, rests, flags = read
    assert [s.id for s in sessions] == [s["id"] for s in doc["sessions"]]
    assert len(rests) == len(doc["rest_days"]) and len(flags) == len(doc["flags"])


@pytest.mark.slow
@fuzz(1000)
@given(content=broken_exports())
def test_broken_exports_are_refused_in_one_line(import_path: Path, content: bytes) -> None:
    import_path.write_bytes(content)
    check_read(import_path)


@pytest.mark.slow
@fuzz(400)
@given(content=raw_imports)
def test_raw_garbage_imports_are_refused_in_one_line(import_path: Path, content: bytes) -> None:
    import_path.write_bytes(content)
    check_read(import_path)


def test_the_hand_built_exports_have_the_shape_selfcare_writes(run) -> None:
    """The fuzzing above starts from hand-built exports; they must look like real ones."""
    ids = [p["id"] for p in run.json("routines", "list")]
    run("log", ids[0], "--pain-before", "9", "--pain-after", "9", "--note", "sore", "--date", "2026-11-20")
    run("log", "--pro", "physiotherapist", "--minutes", "30", "--date", "2026-11-21")
    run("rest", "--date", "2026-11-22", "--reason", "ill")
    real = json.loads(run("export").stdout)
    built = find(valid_exports(), lambda d: bool(d["sessions"] and d["rest_days"] and d["flags"]))
    assert set(real) == set(built)
    assert set(real["sessions"][0]) == set(built["sessions"][0])
    assert set(real["rest_days"][0]) == set(built["rest_days"][0])
    if real["flags"]:
        assert set(real["flags"][0]) == set(built["flags"][0])


@pytest.fixture
def logged(run) -> None:
    """A log with one session in it, so that a refused import has something to leave alone."""
    run("log", "--pro", "osteopath", "--minutes", "20", "--note", "before the import", "--date", "2026-11-20")


@pytest.mark.slow
@fuzz(60)
@given(content=any_import)
def test_import_exits_0_or_2_and_a_refused_file_changes_nothing(
    run, logged: None, import_path: Path, content: bytes
) -> None:
    import_path.write_bytes(content)
    before = run.json("history")
    result = run("import", str(import_path), code=None)
    assert_exit_0_or_one_line(result, f"import {content[:300]!r}")
    after = run.json("history")
    if result.exit_code == 2:
        assert after == before, f"a refused import changed the log: {content[:300]!r}"
    else:
        assert len(after) >= len(before)
        for screen in (("streak", "--json"), ("report", "--json"), ("history",)):
            shown = run(*screen, code=None)
            assert shown.exit_code == 0, f"after importing {content[:300]!r}, {' '.join(screen)}: {shown.stderr!r}"


TRICKY_IMPORTS = {
    "a 5000-digit number": b'{"sessions": [], "version": ' + b"1" * 5000 + b"}",
    "a newline in a bad id": json.dumps({"sessions": [{"id": "a\nb"}]}).encode(),
    "a newline in the format": json.dumps({"format": "x\ny", "sessions": []}).encode(),
    "a newline in a bad date": json.dumps({"sessions": [], "rest_days": [{"date": "2026-11-2\n7"}]}).encode(),
    "deeply nested arrays": b"[" * 200_000,
}


@pytest.mark.parametrize("case", list(TRICKY_IMPORTS))
def test_tricky_import_files(import_path: Path, case: str) -> None:
    import_path.write_bytes(TRICKY_IMPORTS[case])
    check_read(import_path)


GOOD_SESSION = {
    "id": str(uuid.UUID(int=1)),
    "date": "2026-11-20",
    "logged_at": "2026-11-20T10:00:00+01:00",
    "practices": ["neck-trap-knead"],
    "seconds": 60,
}
TRICKY_CLI_IMPORTS = {
    "a lone surrogate in a note": {"sessions": [dict(GOOD_SESSION, note="\ud800")]},
    "a moment in year 1": {"sessions": [dict(GOOD_SESSION, logged_at="0001-01-01T00:00:00+01:00")]},
    "a moment in year 9999": {"sessions": [dict(GOOD_SESSION, logged_at="9999-12-31T23:59:59-01:00")]},
    "a day in year 1": {"sessions": [dict(GOOD_SESSION, date="0001-01-01")]},
    "a rest day in year 9999": {"sessions": [], "rest_days": [{"date": "9999-12-31"}]},
}


@pytest.mark.parametrize("case", list(TRICKY_CLI_IMPORTS))
def test_tricky_imports_through_the_cli(run, import_path: Path, case: str) -> None:
    import_path.write_text(json.dumps(TRICKY_CLI_IMPORTS[case]))
    before = run.json("history")
    result = run("import", str(import_path), code=None)
    assert_exit_0_or_one_line(result, case)
    if result.exit_code == 2:
        assert run.json("history") == before
    else:
        for screen in (("history",), ("streak",), ("report",), ("export",)):
            shown = run(*screen, code=None)
            assert shown.exit_code == 0, f"{case}: {' '.join(screen)} exits {shown.exit_code}: {shown.stderr!r}"
