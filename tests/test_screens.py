"""Every main screen at 40, 80 and 200 columns, with and without colour, on a fixed clock.

The screens are kept as files in tests/snapshots/ (`<screen>-<width>-<plain|colour>.txt`),
so that any change to what a person sees is a failing diff to review. After a change
meant to be seen, refresh them with

    pytest tests/test_screens.py --update-snapshots

and read the diff before committing it. Besides the snapshots, every screen is checked
for what must hold whatever the wording: no line wider than the screen, no line ending
in blanks, the same layout in colour as without, and ids always whole.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, app
from typer.testing import CliRunner

SNAPSHOTS = Path(__file__).parent / "snapshots"
WIDTHS = (40, 80, 200)
ANSI = re.compile(r"\x1b\[[0-9;]*m")

SCREENS: dict[str, tuple[str, ...]] = {
    "today": ("today",),
    "routines-list": ("routines", "list"),
    "routines-show": ("routines", "show", "neck-trap-knead"),
    "routines-show-exercise": ("routines", "show", "ex-chin-nod"),
    "history": ("history",),
    "streak": ("streak",),
    "report": ("report",),
    "red-flags": ("red-flags",),
    "help": ("--help",),
    "help-log": ("log", "--help"),
}

MINE = """\
practices:
  - id: my-wrist-circles
    name: Wrist circles at the desk
    kind: stretch
    areas: [hands]
    goals: [tension]
    intensity: gentle
    position: sitting
    movements: []
    summary: Slow circles of both wrists, a break from the keyboard.
    steps:
      - text: Circle both wrists slowly, one way and then the other.
        seconds: 30
"""


@pytest.fixture(scope="module")
def lived_in(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with a profile, a fortnight of sessions (ratings, notes, a professional), a rest day
    and a practice of one's own; the same for every screen."""
    home = tmp_path_factory.mktemp("screens") / "home"
    mp = pytest.MonkeyPatch()
    mp.setenv("SELFCARE_HOME", str(home))
    mp.setenv("SELFCARE_NOW", NOW)
    mp.setenv("TZ", "Europe/Paris")
    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(app, list(args), env={"COLUMNS": "80"})
        assert result.exit_code == 0, (args, result.output)

    run(
        "profile",
        "setup",
        "--areas",
        "neck,shoulders",
        "--goals",
        "tension,stress",
        "--minutes",
        "10",
        "--days-per-week",
        "5",
        "--conditions",
        "none",
        "--equipment",
        "tennis-ball",
        "--day-starts-at",
        "04:00",
    )
    (home / "routines").mkdir()
    (home / "routines" / "mine.yaml").write_text(MINE)
    sessions = [
        ("2026-11-13", ["neck-trap-knead", "breath-box"], "6", "4", None),
        ("2026-11-16", ["neck-trap-knead", "ex-chin-nod"], "5", "3", "stiff after a long day at the desk"),
        ("2026-11-17", ["my-wrist-circles"], None, None, None),
        ("2026-11-19", ["neck-trap-knead", "breath-box", "ex-chin-nod"], "5", "2", None),
        ("2026-11-23", ["neck-suboccipital-hold"], "4", "2", "better; the headache went"),
        ("2026-11-25", ["breath-box"], None, None, None),
        ("2026-11-26", ["neck-trap-knead", "ex-chin-nod"], "3", "2", None),
    ]
    for day, ids, before, after, note in sessions:
        args = ["log", *ids, "--date", day]
        if before is not None:
            args += ["--pain-before", before, "--pain-after", str(after)]
        if note:
            args += ["--note", note]
        run(*args)
    run(
        "log",
        "--pro",
        "massage-therapist",
        "--minutes",
        "45",
        "--date",
        "2026-11-20",
        "--note",
        "knots in the trapezius",
    )
    run("rest", "--date", "2026-11-21", "--reason", "travelling")
    # Session ids are random: the same log again under fixed ids, so that history shows the same ids each run.
    exported = runner.invoke(app, ["export"], env={"COLUMNS": "80"}).stdout
    data = json.loads(exported)
    renamed = {s["id"]: f"{n:08x}-0000-4000-8000-{n:012x}" for n, s in enumerate(data["sessions"], 0x5E1FCA12)}
    for s in data["sessions"]:
        s["id"] = renamed[s["id"]]
    for flag in data["flags"]:
        flag["session"] = renamed.get(flag.get("session"), flag.get("session"))
    for leftover in home.glob("selfcare.db*"):
        leftover.unlink()
    backup = home / "fixed-ids.json"
    backup.write_text(json.dumps(data))
    run("import", str(backup))
    mp.undo()
    return home


def show(home: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], width: int, colour: bool) -> Any:
    monkeypatch.setenv("SELFCARE_HOME", str(home))
    env = {"COLUMNS": str(width), "TERM": "xterm-256color", "COLORTERM": ""}
    env.update({"FORCE_COLOR": "1", "NO_COLOR": ""} if colour else {"NO_COLOR": "1", "FORCE_COLOR": ""})
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def _compare(name: str, text: str, update: bool) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if update:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}: run pytest tests/test_screens.py --update-snapshots"
    kept = path.read_text(encoding="utf-8")
    if kept != text:
        diff = "".join(
            difflib.unified_diff(
                kept.splitlines(keepends=True), text.splitlines(keepends=True), f"kept {path.name}", "shown now"
            )
        )
        pytest.fail(f"{name} changed (pytest tests/test_screens.py --update-snapshots keeps it):\n{diff}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_reads_well(lived_in: Path, monkeypatch: pytest.MonkeyPatch, request, screen: str, width: int) -> None:
    update = request.config.getoption("--update-snapshots")
    plain = show(lived_in, monkeypatch, SCREENS[screen], width, colour=False).stdout
    colour = show(lived_in, monkeypatch, SCREENS[screen], width, colour=True).stdout
    _compare(f"{screen}-{width}-plain", plain, update)
    _compare(f"{screen}-{width}-colour", colour, update)
    assert "\x1b" not in plain
    assert ANSI.sub("", colour) == plain  # colour changes how it looks, never where things are
    for line in plain.splitlines():
        assert len(line) <= width, (screen, width, line)  # these screens hold one-cell characters only
        assert line == line.rstrip(), (screen, width, repr(line))


@pytest.mark.parametrize("width", WIDTHS)
def test_every_id_is_whole_at_every_width(lived_in: Path, monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    monkeypatch.setenv("SELFCARE_HOME", str(lived_in))
    ids = [p["id"] for p in json.loads(CliRunner().invoke(app, ["routines", "list", "--json"]).stdout)]
    words = set(show(lived_in, monkeypatch, ("routines", "list"), width, colour=False).stdout.split())
    assert [i for i in ids if i not in words] == []
    assert not any(word.endswith("…") for word in words)


@pytest.mark.parametrize("columns", ["10", "19", "501", "100000", "wide"])
def test_a_width_out_of_bounds_is_taken_as_80(lived_in: Path, monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    monkeypatch.setenv("SELFCARE_HOME", str(lived_in))
    at_80 = show(lived_in, monkeypatch, ("today",), 80, colour=False).stdout
    env = {"COLUMNS": columns, "NO_COLOR": "1"}
    for args in (("today",), ("--help",)):
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == 0
        assert result.stdout == CliRunner().invoke(app, list(args), env={"COLUMNS": "80", "NO_COLOR": "1"}).stdout
    assert CliRunner().invoke(app, ["today"], env=env).stdout == at_80


def test_a_narrow_screen_lists_instead_of_cutting(lived_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 40 columns the plan and the library become blocks: nothing cut short, every word whole."""
    today = show(lived_in, monkeypatch, ("today",), 40, colour=False).stdout
    assert "…" not in today
    assert re.search(r"^1\. \S", today, re.M)  # a block a practice, numbered
    listed = show(lived_in, monkeypatch, ("routines", "list"), 40, colour=False).stdout
    assert re.search(r"^\+ my-wrist-circles$", listed, re.M)  # the mark apart from the id
    assert "Wrist circles at the desk" in listed
