"""Hostile text is shown literally and never reaches the terminal as control codes.

A routine file of the person's own and a note carry rich markup (`[bold red]X[/]`,
`[link=...]`) and terminal control sequences (ESC colour codes, BEL, an OSC 8
hyperlink, the one-byte C1 CSI). On every screen that shows them:

- no control character (what `render.clean()` strips: C0 except tab and newline,
  DEL, C1) is written to stdout or stderr;
- the markup is shown as typed (rich would swallow it if it were read as markup);
- JSON parses and gives back the original text exactly, with no raw ESC or C1.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

MARKUP = "[bold red]X[/]"
LINK = "[link=https://evil.example]click[/link]"
ESC_RED = "\x1b[31m"
BEL = "\x07"
OSC8 = "\x1b]8;;https://evil.example\x07"  # opens a terminal hyperlink...
OSC8_END = "\x1b]8;;\x07"  # ...and closes it
C1_CSI = "\x9b"  # the one-character form of ESC [

NAME = f"{MARKUP} {ESC_RED}red{BEL}"
SUMMARY = f"{LINK} {OSC8}link{OSC8_END} {C1_CSI}31m"
STEP = f"Rub {MARKUP} {ESC_RED}now{BEL} {LINK} {C1_CSI}2J"
STEP_2 = f"Roll {OSC8}{MARKUP}{OSC8_END} slowly"
CAUTION = f"{MARKUP} careful in pregnancy {OSC8}here{OSC8_END} {C1_CSI}1m"
EVIDENCE = f"{LINK} {ESC_RED}trust me{BEL}"
NOTE = f"{LINK}{ESC_RED}{BEL}{C1_CSI}1m{OSC8}"
REASON = f"{MARKUP} away{BEL}{C1_CSI}2J"
FILE_NAME = f"[bold red]X{ESC_RED}{C1_CSI}1m.yaml"  # a routine file's own name can be hostile too
PRO_NOTE = f"{MARKUP} {C1_CSI}0m"
LOWER_MARKUP = "[red]x[/]"  # for words the CLI lowercases before it complains about them

EVIL_ID = "evil-rub"

# What render.clean() strips; none of it may reach a terminal.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What JSON leaves raw that a terminal still obeys (JSON escapes C0 itself).
RAW_IN_JSON = re.compile(r"[\x1b\x07\x7f-\x9f]")


def evil_practices() -> list[dict[str, Any]]:
    """The massage the planner picks for neck and tension, and two more kinds for the guide."""
    return [
        {
            "id": EVIL_ID,
            "name": NAME,
            "kind": "massage",
            "areas": ["neck"],
            "goals": ["tension"],
            "summary": SUMMARY,
            "steps": [{"text": STEP, "seconds": 60}],
            # Stated, so the safety rules need not take the safe reading of a file that leaves them out.
            "intensity": "gentle",
            "position": "sitting",
            "movements": [],
            "care_if": ["pregnancy"],  # with pregnancy in the profile, plans quote the caution
            "cautions": [CAUTION],
            "evidence": {"note": EVIDENCE, "source": f"{MARKUP} et al."},
        },
        {
            "id": "evil-calm",
            "name": NAME,
            "kind": "meditation",
            "areas": ["head"],
            "goals": ["sleep"],
            "summary": SUMMARY,
            "steps": [{"text": STEP, "seconds": 30}, {"text": STEP_2, "seconds": 30}],
            "cautions": CAUTION,
        },
        {
            "id": "evil-breath",
            "name": NAME,
            "kind": "breathing",
            "areas": ["chest"],
            "goals": ["sleep"],
            "summary": SUMMARY,
            "steps": [{"text": STEP, "seconds": 10, "side": "both"}, {"text": STEP_2, "seconds": 5}],
            "pacing": {"inhale": 4, "exhale": 6, "cycles": 2},
        },
    ]


def write_evil_routines(home: Path) -> Path:
    folder = home / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "evil.yaml"
    path.write_text(yaml.safe_dump({"title": NAME, "practices": evil_practices()}, allow_unicode=True))
    return path


def squash(text: str) -> str:
    """Text without whitespace or panel borders, so a value wrapped over lines still matches."""
    return re.sub(r"[\s│╭╮╰╯─]", "", text)


def assert_clean(text: str, where: str) -> None:
    found = sorted(set(CONTROL.findall(text)))
    assert not found, f"{where}: control characters reach the terminal: {found!r}\n{text!r}"


def assert_shown(text: str, fragments: list[str], where: str) -> None:
    for fragment in fragments:
        assert squash(fragment) in squash(text), f"{where}: {fragment!r} is not shown as typed\n{text}"


def md(text: str) -> str:
    """How the therapist summary writes plain text: markup characters escaped."""
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


def visible(text: str) -> str:
    """What a terminal shows of hostile text once its control characters are stripped."""
    return CONTROL.sub("", text)


@pytest.fixture
def hostile(run, home: Path) -> dict[str, str]:
    """A home with the hostile routine file, a neck/tension profile and two hostile sessions logged."""
    write_evil_routines(home)
    run("profile", "set", "areas", "neck")
    run("profile", "set", "goals", "tension")
    listed = {p["id"]: p for p in run.json("routines", "list", "--area", "neck")}
    assert EVIL_ID in listed and listed[EVIL_ID]["name"] == NAME
    # Three rated sessions, enough for the report to say the pain fell in the sessions that included it.
    for day in ("2026-11-22", "2026-11-24"):
        run("log", EVIL_ID, "--date", day, "--pain-before", "6", "--pain-after", "3")
    logged = run(
        "log", EVIL_ID, "--date", "2026-11-26", "--pain-before", "6", "--pain-after", "3", "--note", NOTE
    ).stdout
    run("log", "--pro", "massage-therapist", "--minutes", "45", "--date", "2026-11-25", "--note", PRO_NOTE)
    return {"log": logged}


def day_with_evil(run) -> str:
    """A day whose plan holds the hostile practice (plans are seeded by the date)."""
    first = date.fromisoformat("2026-11-27")
    for back in range(60):
        day = (first - timedelta(days=back)).isoformat()
        if any(item["id"] == EVIL_ID for item in run.json("today", "--date", day)["items"]):
            return day
    raise AssertionError("the planner never picked the hostile practice in 60 days")


# --- screens ------------------------------------------------------------------

# screen -> (arguments, or None for the output of the fixture's `log`; what must be shown as typed).
# "{day}" is a day whose plan holds the hostile practice; "{file}" a copy of the file under a hostile name.
SCREENS: dict[str, tuple[tuple[str, ...] | None, list[str]]] = {
    "today": (("today", "--date", "{day}"), [visible(NAME)]),
    "today, quoting a caution": (("today", "--date", "{day}", "--pregnant"), [visible(NAME), visible(CAUTION)]),
    "routines list": (("routines", "list"), [visible(NAME)]),
    "routines show": (
        ("routines", "show", EVIL_ID),
        [visible(NAME), visible(SUMMARY), visible(STEP), visible(CAUTION), visible(EVIDENCE)],
    ),
    "routines validate": (("routines", "validate", "{file}"), [visible(FILE_NAME)]),
    "history": (("history",), [visible(NAME), visible(NOTE), "with a massage therapist"]),
    "report": (("report",), [visible(NAME), visible(PRO_NOTE)]),
    "log": (None, [visible(NAME)]),
    "rest": (("rest", "--date", "2026-11-24", "--reason", REASON), [visible(REASON)]),
    "streak": (("streak",), []),
    "report --for-therapist": (
        ("report", "--for-therapist", "--include-notes"),
        [md(visible(NAME)), md(visible(NOTE)), md(visible(PRO_NOTE))],
    ),
    "export --format csv": (("export", "--format", "csv"), [visible(NOTE), visible(PRO_NOTE)]),
}


def fill(args: tuple[str, ...], run: Any, home: Path, tmp_path: Path) -> tuple[str, ...]:
    """The screen's arguments with its placeholders filled in."""
    if "--pregnant" in args:
        run("profile", "set", "conditions", "pregnancy")
        args = tuple(a for a in args if a != "--pregnant")
    if "{day}" in args:
        day = day_with_evil(run)
        args = tuple(day if a == "{day}" else a for a in args)
    if "{file}" in args:
        copy = tmp_path / FILE_NAME
        copy.write_bytes((home / "routines" / "evil.yaml").read_bytes())
        args = tuple(str(copy) if a == "{file}" else a for a in args)
    return args


@pytest.mark.parametrize("screen", list(SCREENS))
def test_hostile_text_is_shown_literally_without_control_characters(
    run, hostile, home: Path, tmp_path: Path, screen: str
) -> None:
    args, fragments = SCREENS[screen]
    if args is None:
        out, err = hostile["log"], ""
    else:
        result = run(*fill(args, run, home, tmp_path))
        out, err = result.stdout, result.stderr
    assert_clean(out, f"{screen} stdout")
    assert_clean(err, f"{screen} stderr")
    assert_shown(out, fragments, screen)


def test_the_csv_export_keeps_each_note_whole(run, hostile) -> None:
    """Cleaned or as stored, but not mangled (a pipe once lost ESC [...m sequences and kept the rest)."""
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    notes = {row["note"] for row in rows}
    assert {visible(NOTE), visible(PRO_NOTE)} <= notes or {NOTE, PRO_NOTE} <= notes, notes


# --- errors that echo what was typed ----------------------------------------------

ECHOING_ERRORS = {
    "unknown practice": (("log", f"{ESC_RED}nope"), "[31mnope"),
    "unknown practice to show": (("routines", "show", f"{MARKUP}{OSC8}x"), MARKUP),
    "unknown professional": (("log", EVIL_ID, "--pro", f"{LOWER_MARKUP}{BEL}{C1_CSI}2j"), LOWER_MARKUP),
    "unknown area": (("today", "--area", f"{LOWER_MARKUP}{ESC_RED}"), LOWER_MARKUP),
    "unknown kind": (("routines", "list", "--kind", f"{LINK}{C1_CSI}"), LINK),
    "bad date": (("log", EVIL_ID, "--date", f"{ESC_RED}2026-11-20{BEL}"), "[31m2026-11-20"),
    "unknown session": (("history", "delete", f"{ESC_RED}abcdef{BEL}"), "[31mabcdef"),
    "bad profile value": (("profile", "set", "areas", f"{LOWER_MARKUP}{OSC8}"), LOWER_MARKUP),
    "routine file not there": (("routines", "validate", f"{MARKUP}{ESC_RED}.yaml"), MARKUP),
}


@pytest.mark.parametrize("case", list(ECHOING_ERRORS))
def test_an_error_that_echoes_input_is_one_clean_line(run, home: Path, case: str) -> None:
    write_evil_routines(home)
    args, echoed = ECHOING_ERRORS[case]
    line = run.fails(*args)
    assert_clean(line, case)
    assert squash(echoed) in squash(line), f"{case}: {echoed!r} not echoed as typed: {line!r}"


def test_an_error_inside_a_routine_file_is_one_clean_line(run, home: Path, tmp_path: Path) -> None:
    bad = evil_practices()[0]
    bad["kind"] = f"{MARKUP}{ESC_RED}massage{BEL}"
    path = tmp_path / f"[bold red]{ESC_RED}X.yaml"
    path.write_text(yaml.safe_dump({"practices": [bad]}))
    line = run.fails("routines", "validate", str(path))
    assert_clean(line, "validate")
    assert "unknown kind" in line and MARKUP in line and "[bold red][31mX.yaml" in line


def test_a_note_that_is_not_utf8_is_kept_or_refused_in_one_line(run, home: Path) -> None:
    """A byte that is not UTF-8 on the command line reaches Python as a lone surrogate."""
    write_evil_routines(home)
    result = run("log", EVIL_ID, "--note", "caf\udce9 \udc9b2J", code=None)
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.output
    assert_clean(result.stdout + result.stderr, "log")
    if result.exit_code == 2:
        assert result.stderr.strip().count("\n") == 0 and result.stderr.startswith("selfcare: ")
    else:
        assert run("history", code=0).exit_code == 0


# --- JSON ---------------------------------------------------------------------------


def _practice(items: list[dict[str, Any]]) -> dict[str, Any]:
    return next(p for p in items if p["id"] == EVIL_ID)


def _noted(sessions: list[dict[str, Any]]) -> dict[str, Any]:
    return next(s for s in sessions if s["note"] == NOTE)


# output -> (arguments, [(what, how to find it in the parsed JSON, the original text)])
JSON_OUTPUTS: dict[str, tuple[tuple[str, ...], list[tuple[str, Any, str]]]] = {
    "routines list --json": (("routines", "list", "--json"), [("name", lambda d: _practice(d)["name"], NAME)]),
    "routines show --json": (
        ("routines", "show", EVIL_ID, "--json"),
        [
            ("name", lambda d: d["name"], NAME),
            ("summary", lambda d: d["summary"], SUMMARY),
            ("step", lambda d: d["steps"][0]["text"], STEP),
            ("caution", lambda d: d["cautions"][0]["text"], CAUTION),
            ("evidence", lambda d: d["evidence"]["note"], EVIDENCE),
        ],
    ),
    "today --json": (("today", "--date", "{day}", "--json"), [("name", lambda d: _practice(d["items"])["name"], NAME)]),
    "history --json": (("history", "--json"), [("note", lambda d: _noted(d)["note"], NOTE)]),
    "log --json": (("log", EVIL_ID, "--note", NOTE, "--json"), [("note", lambda d: d["note"], NOTE)]),
    "report --json": (
        ("report", "--json"),
        [
            ("helped most", lambda d: d["helped_most"][0]["name"], NAME),
            ("practices", lambda d: _practice(d["practices"])["name"], NAME),
            ("notes", lambda d: next(n["note"] for n in d["notes"] if n["note"] == NOTE), NOTE),
            ("pro note", lambda d: d["pro_sessions"][0]["note"], PRO_NOTE),
        ],
    ),
    "export": (("export",), [("note", lambda d: _noted(d["sessions"])["note"], NOTE)]),
}


@pytest.mark.parametrize("output", list(JSON_OUTPUTS))
def test_json_round_trips_hostile_text_without_raw_controls(
    run, hostile, home: Path, tmp_path: Path, output: str
) -> None:
    args, checks = JSON_OUTPUTS[output]
    result = run(*fill(args, run, home, tmp_path))
    raw = sorted(set(RAW_IN_JSON.findall(result.stdout)))
    assert not raw, f"{output}: raw control characters in the JSON: {raw!r}"
    assert_clean(result.stderr, f"{output} stderr")
    data = json.loads(result.stdout)
    for what, find, original in checks:
        assert find(data) == original, f"{output}: {what} did not round-trip"


# --- the guided session's screen ----------------------------------------------------


def _frames(guide: Any) -> list[str]:
    """Every step of the guide drawn as text, pressing n (next step) between frames."""
    from rich.console import Console

    from selfcare.cli.screen import draw

    frames = []
    clock = 0.0
    while not guide.done and len(frames) < 50:
        out = Console(file=io.StringIO(), width=100, force_terminal=False)
        out.print(draw(guide.view()))
        frames.append(out.file.getvalue())
        clock += 0.5
        guide.tick(clock)
        guide.press("n", clock)
    return frames


@pytest.mark.parametrize("practice_id", [EVIL_ID, "evil-calm", "evil-breath"])
def test_the_guided_screen_shows_hostile_text_literally(home: Path, practice_id: str) -> None:
    from selfcare.guide import Guide
    from selfcare.library import load

    write_evil_routines(home)
    library = load(home / "routines", None)
    practice = library.get(practice_id)
    assert practice is not None and practice.name == NAME
    second = library.get(EVIL_ID)
    # The card before each practice shows the cautions for the person's conditions.
    cards = [p.cautions_for(("pregnancy",)) for p in (practice, second)]
    guide = Guide([practice, second], start=0.0, cards=cards)
    frames = _frames(guide)
    assert frames
    for n, frame in enumerate(frames):
        assert_clean(frame, f"{practice_id} frame {n}")
    every = "\n".join(frames)
    assert_shown(every, [visible(NAME), visible(STEP), visible(CAUTION), f"Next: {visible(NAME)}"], practice_id)
    if practice_id == "evil-calm":
        assert_shown(every, [f"Then: {visible(STEP_2)}"], practice_id)
