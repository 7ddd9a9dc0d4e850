"""Routine files: the format, every error naming file, line, practice and field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from selfcare.library import load, parse_text
from selfcare.models import Practice

GOOD = """\
practices:
  - id: my-squeeze
    name: Shoulder squeeze
    kind: massage
    areas: [neck, shoulders]
    goals: [tension]
    summary: Knead the top of each shoulder.
    steps:
      - text: Squeeze and release along the muscle.
        seconds: 30
        side: both
        repeat: 2
      - text: Roll the shoulders back.
        seconds: 15
  - id: my-breath
    name: Slow breath
    kind: breathing
    areas: [chest]
    goals: [stress]
    summary: Six breaths a minute.
    steps:
      - text: Settle.
        seconds: 10
    pacing: {inhale: 4, hold_in: 7, exhale: 8, cycles: 4}
"""


def test_length_is_derived_from_steps_and_pacing() -> None:
    squeeze, breath = parse_text(GOOD, "good.yaml")
    assert squeeze.seconds == 30 * 2 * 2 + 15
    assert breath.pacing is not None and breath.pacing.cycle_seconds == 19  # 4-7-8
    assert breath.seconds == 10 + 4 * 19


def _broken(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    + "practices: *i\n"
)

# (case, file text, words the one-line error must hold)
BROKEN = [
    (
        "wrong type",
        GOOD.replace("seconds: 30", "seconds: thirty"),
        [":10", "my-squeeze", "steps.seconds", "whole number"],
    ),
    (
        "unknown kind",
        GOOD.replace("kind: massage", "kind: masage"),
        [":4", "my-squeeze", "'kind'", "did you mean 'massage'"],
    ),
    ("unknown area", GOOD.replace("[neck, shoulders]", "[nekc, shoulders]"), [":5", "'areas'", "did you mean 'neck'"]),
    ("missing name", GOOD.replace("    name: Shoulder squeeze\n", ""), [":2", "my-squeeze", "'name'", "missing"]),
    ("yaml syntax error", GOOD.replace("areas: [neck, shoulders]", "areas: [neck, shoulders"), [":", "not valid YAML"]),
    ("duplicate id", GOOD.replace("id: my-breath", "id: my-squeeze"), [":15", "my-squeeze", "'id'", "duplicate"]),
    ("negative seconds", GOOD.replace("seconds: 15", "seconds: -5"), [":14", "steps.seconds", "between 1 and 3600"]),
    ("practices not a list", "practices:\n  id: x\n", [":2", "'practices'", "must be a list"]),
    ("empty file", "", ["empty"]),
    ("alias bomb", BOMB, ["anchors and aliases"]),
    (
        "unknown field",
        GOOD.replace("    summary: Six", "    sumary: Six"),
        [":20", "my-breath", "did you mean 'summary'"],
    ),
    (
        "pacing on a stretch",
        GOOD.replace("kind: breathing", "kind: stretch"),
        ["my-breath", "'pacing'", "only breathing"],
    ),
    ("not a mapping", "- just\n- a list\n", [":1", "must be a mapping"]),
    ("bad id", GOOD.replace("id: my-breath", "id: My Breath"), ["kebab-case", "'id'"]),
    ("bool as text", GOOD.replace("name: Slow breath", "name: yes"), ["my-breath", "'name'", "must be text"]),
    ("step without seconds", GOOD.replace("        seconds: 15\n", ""), ["my-squeeze", "steps.seconds"]),
    ("not utf-8", None, ["UTF-8"]),
]


@pytest.mark.parametrize(("case", "text", "words"), BROKEN, ids=[c[0] for c in BROKEN])
def test_broken_file_gets_one_line_naming_file_and_line(
    run, tmp_path: Path, case: str, text: str | None, words: list[str]
) -> None:
    path = tmp_path / "broken.yaml"
    if text is None:
        path.write_bytes(b"practices: [\xff\xfe]\n")
    else:
        path.write_text(text)
    line = run.fails("routines", "validate", str(path))
    assert str(path) in line
    for word in words:
        assert word in line, (case, line)


def test_oversized_and_bomb_files_are_refused_in_a_real_process(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_text("practices:\n" + "  # padding\n" * 200_000)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    for path, words in ((huge, "1 MiB"), (bomb, "aliases")):
        proc = subprocess.run(
            [sys.executable, "-m", "selfcare", "routines", "validate", str(path)],
            capture_output=True,
            text=True,
            timeout=30,  # a guard against hanging, not a measurement
        )
        assert proc.returncode == 2
        assert words in proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_valid_file_passes_validation(run, tmp_path: Path) -> None:
    path = _broken(tmp_path, "mine.yaml", GOOD)
    out = run("routines", "validate", str(path)).stdout
    assert "ok" in out and "2 practices" in out


def test_gentler_must_name_an_existing_practice(run, tmp_path: Path) -> None:
    text = GOOD.replace("    summary: Six", "    gentler: breath-nope\n    summary: Six")
    line = run.fails("routines", "validate", str(_broken(tmp_path, "g.yaml", text)))
    assert "my-breath" in line and "'gentler'" in line


def test_duplicate_ids_across_files_are_errors(run, tmp_path: Path) -> None:
    a = _broken(tmp_path, "a.yaml", GOOD)
    b = _broken(tmp_path, "b.yaml", GOOD)
    result = run("routines", "validate", str(a), str(b), code=2)
    errors = result.stderr.splitlines()
    assert all("duplicate id" in line and "b.yaml" in line for line in errors[:2])
    assert errors[2] == "selfcare: 2 problems in 1 of 2 files"
    assert f"ok  {a}" in result.stdout


def test_user_practice_replaces_builtin_and_is_marked(run, home: Path) -> None:
    builtin = run.json("routines", "list")
    target = builtin[0]["id"]
    folder = home / "routines"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text(
        GOOD.replace("id: my-squeeze", f"id: {target}").replace("Shoulder squeeze", "My own version")
    )
    listed = {p["id"]: p for p in run.json("routines", "list")}
    assert listed[target]["name"] == "My own version"
    assert listed[target]["overrides"] is True
    assert "my-breath" in listed and len(listed) == len(builtin) + 1
    rows = {
        line.split()[1]: line.split()[0]
        for line in run("routines", "list").stdout.splitlines()
        if line[:2] in ("* ", "+ ")
    }
    # The mark stands apart from the id, which stays whole: the id is what 'log' and 'show' take.
    assert rows[target] == "*" and rows["my-breath"] == "+"


def test_broken_user_file_is_named_once_and_skipped(run, home: Path) -> None:
    folder = home / "routines"
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text(GOOD.replace("kind: massage", "kind: masage"))
    (folder / "good.yaml").write_text(GOOD.replace("my-squeeze", "my-other-squeeze").replace("my-breath", "my-other"))
    for args in (["today"], ["today"], ["log", "my-other", "--minutes", "3"], ["history"], ["report"]):
        result = run(*args)
        warnings = [line for line in result.stderr.splitlines() if line.startswith("selfcare: warning")]
        assert len(warnings) == 1, (args, result.stderr)
        assert "bad.yaml:4" in warnings[0] and "did you mean 'massage'" in warnings[0]
    ids = [p["id"] for p in run.json("routines", "list")]
    assert "my-other" in ids and "my-breath" not in ids  # the good file of one's own is there, the bad one out
    assert run.json("history")[0]["practices"] == ["my-other"]


def test_link_outside_the_routines_folder_is_skipped(run, home: Path, tmp_path: Path) -> None:
    outside = _broken(tmp_path, "elsewhere.yaml", GOOD)
    folder = home / "routines"
    folder.mkdir(parents=True)
    (folder / "link.yaml").symlink_to(outside)
    listed = run("routines", "list")
    assert "outside the routines folder" in listed.stderr and "my-squeeze" not in listed.stdout
    assert "outside the routines folder" in run.fails("routines", "validate", str(folder))


def test_cache_sees_a_changed_file_at_once(home: Path, tmp_path: Path) -> None:
    folder = home / "routines"
    folder.mkdir(parents=True)
    mine = folder / "mine.yaml"
    mine.write_text(GOOD)
    cache = tmp_path / "library.json"
    first = load(folder, cache)
    assert first.practices["my-squeeze"].name == "Shoulder squeeze"
    assert cache.exists()
    mine.write_text(GOOD.replace("Shoulder squeeze", "Renamed squeeze"))
    second = load(folder, cache)
    assert second.practices["my-squeeze"].name == "Renamed squeeze"
    (folder / "more.yaml").write_text(GOOD.replace("my-squeeze", "other-squeeze").replace("my-breath", "other-breath"))
    assert "other-squeeze" in load(folder, cache).practices
    (folder / "more.yaml").unlink()
    assert "other-squeeze" not in load(folder, cache).practices


def test_corrupt_cache_is_ignored_and_rebuilt(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "library.json"
    fresh = load(None, cache)
    for junk in (b"{not json", b'{"key": 1}', b"\x00\xff" * 100, b'{"key": [], "practices": [{"id": 3}]}'):
        cache.write_bytes(junk)
        again = load(None, cache)
        assert list(again.practices) == list(fresh.practices)
        assert again.practices == fresh.practices
    assert cache.read_bytes().startswith(b'{"key"')


def test_cached_library_equals_parsed_library(tmp_path: Path) -> None:
    cache = tmp_path / "library.json"
    parsed = load(None, None)
    load(None, cache)
    cached = load(None, cache)
    assert cached.practices == parsed.practices
    assert all(isinstance(p, Practice) for p in cached)


# --- what a practice says about itself: safety fields, structured cautions, families, doses ---

FULL = """\
practices:
  - id: my-side-breath
    name: Side-lying breath
    kind: breathing
    areas: [chest]
    goals: [stress]
    summary: Slow breaths lying on your side.
    intensity: gentle
    position: lying-side
    movements: []
    family: my-slow-breaths
    steps:
      - text: Lie on your side with a cushion under your head.
        seconds: 10
    pacing: {inhale: 4, exhale: 6, cycles: 12, min_cycles: 6}
    cautions:
      - Keep each breath easy.
      - text: After the first 12 weeks of pregnancy, stay on your side.
        conditions: [pregnancy, postpartum]
      - text: Stop if you feel light-headed.
        stop: true
  - id: my-neck-tilt
    name: Neck tilt
    kind: stretch
    areas: [neck]
    goals: [flexibility]
    summary: Ear toward shoulder.
    intensity: gentle
    position: sitting
    movements: [neck-side-bend, end-range]
    steps:
      - text: Tilt and hold while the bar runs.
        seconds: 20
        side: both
"""


def test_safety_fields_families_doses_and_structured_cautions_parse() -> None:
    breath, tilt = parse_text(FULL, "full.yaml")
    assert (breath.position, breath.family, breath.movements, breath.unstated) == (
        "lying-side",
        "my-slow-breaths",
        (),
        (),
    )
    assert breath.pacing is not None and (breath.pacing.cycles, breath.pacing.min_cycles) == (12, 6)
    plain, tagged, stop = breath.cautions
    assert (plain.text, plain.conditions, plain.stop) == ("Keep each breath easy.", (), False)
    assert tagged.conditions == ("pregnancy", "postpartum") and not tagged.stop
    assert stop.stop and stop.conditions == ()
    # A person with neither condition sees the stop rule; in pregnancy, the stop rule and then the tagged one.
    assert breath.cautions_for(()) == (stop,)
    assert breath.cautions_for(("pregnancy",)) == (stop, tagged)
    assert tilt.movements == ("neck-side-bend", "end-range") and tilt.family is None


def test_a_practice_that_leaves_out_safety_fields_gets_the_safe_reading() -> None:
    text = GOOD.replace("    summary: Knead the top of each shoulder.\n", "    summary: Knead.\n    position: lying\n")
    squeeze, breath = parse_text(text, "old.yaml")
    assert squeeze.intensity == "moderate"  # no intensity: moderate, for the pressure rules
    assert squeeze.position == "lying-back"  # the old word, read the safe way
    assert squeeze.unstated == ("intensity", "movements")
    assert breath.unstated == ("intensity", "position", "movements")
    assert breath.position == "sitting" and breath.movements == ()
    [stated, _] = parse_text(FULL, "full.yaml")
    assert stated.intensity == "gentle" and stated.unstated == ()


def _in_practice(field_lines: str, where: str = "my-neck-tilt") -> str:
    """FULL with lines added to one of its practices, just before `steps:`."""
    head, tail = FULL.split(f"id: {where}\n")
    return head + f"id: {where}\n" + tail.replace("    steps:\n", field_lines + "    steps:\n", 1)


# (case, file text, words the one-line error must hold)
BROKEN_NEW = [
    (
        "unknown movement",
        FULL.replace("neck-side-bend, end-range", "neck-sidebend"),
        [":30", "my-neck-tilt", "'movements'", "did you mean 'neck-side-bend'"],
    ),
    (
        "unknown position",
        FULL.replace("position: lying-side", "position: lying-left"),
        [":9", "my-side-breath", "'position'", "did you mean"],
    ),
    (
        "family not kebab",
        FULL.replace("family: my-slow-breaths", "family: Slow Breaths"),
        [":11", "'family'", "kebab-case"],
    ),
    (
        "min_cycles over cycles",
        FULL.replace("min_cycles: 6", "min_cycles: 20"),
        [":15", "'pacing.min_cycles'", "more than the 12 cycles"],
    ),
    (
        "min_cycles not a number",
        FULL.replace("min_cycles: 6", "min_cycles: six"),
        [":15", "'pacing.min_cycles'", "whole number of cycles"],
    ),
    (
        "stop not true/false",
        FULL.replace("stop: true", "stop: maybe"),
        [":21", "my-side-breath", "'cautions.stop'", "true or false"],
    ),
    (
        "stop tagged as a bool",
        FULL.replace("stop: true", 'stop: !!bool "maybe"'),
        [":21", "'cautions.stop'", "'maybe' is not true or false"],
    ),
    (
        "caution without text",
        FULL.replace("      - text: Stop if you feel", "      - txt: Stop if you feel"),
        [":20", "'txt'", "did you mean 'text'"],
    ),
    (
        "caution condition unknown",
        FULL.replace("[pregnancy, postpartum]", "[pregnant]"),
        [":19", "'cautions.conditions'", "did you mean 'pregnancy'"],
    ),
    (
        "caution conditions empty",
        FULL.replace("[pregnancy, postpartum]", "[]"),
        [":19", "'cautions.conditions'", "at least one"],
    ),
    (
        "cautions as a mapping",
        _in_practice("    cautions: {text: Careful.}\n"),
        [":31", "my-neck-tilt", "'cautions'", "a text or a list"],
    ),
    (
        "caution mapping needs text",
        _in_practice("    cautions:\n      - stop: true\n"),
        [":32", "'cautions.text'", "needs 'text'"],
    ),
    (
        "movements not a list",
        _in_practice("    movements: end-range\n").replace("    movements: [neck-side-bend, end-range]\n", ""),
        ["'movements'", "must be a list"],
    ),
]


@pytest.mark.parametrize(("case", "text", "words"), BROKEN_NEW, ids=[c[0] for c in BROKEN_NEW])
def test_new_fields_are_refused_in_one_line_naming_file_line_and_field(
    run, tmp_path: Path, case: str, text: str, words: list[str]
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    line = run.fails("routines", "validate", str(path))
    assert str(path) in line
    for word in words:
        assert word in line, (case, line)


def test_new_fields_round_trip_through_the_cache(home: Path, tmp_path: Path) -> None:
    folder = home / "routines"
    folder.mkdir(parents=True)
    (folder / "full.yaml").write_text(FULL)
    (folder / "old.yaml").write_text(GOOD)
    cache = tmp_path / "library.json"
    parsed = load(folder, None)
    load(folder, cache)
    cached = load(folder, cache)
    assert cached.practices == parsed.practices
    breath = cached.practices["my-side-breath"]
    assert breath.cautions[2].stop and breath.cautions[1].conditions == ("pregnancy", "postpartum")
    assert breath.pacing is not None and breath.pacing.min_cycles == 6
    assert cached.practices["my-squeeze"].unstated == ("intensity", "position", "movements")


def test_routines_show_puts_stop_rules_first_and_names_each_cautions_conditions(run, home: Path) -> None:
    folder = home / "routines"
    folder.mkdir(parents=True)
    (folder / "full.yaml").write_text(FULL)
    (folder / "old.yaml").write_text(GOOD)
    lines = [line for line in run("routines", "show", "my-side-breath").stdout.splitlines() if line.startswith("!")]
    assert lines[0] == "! Stop rule: Stop if you feel light-headed."
    assert "After the first 12 weeks" in lines[2] and "(for pregnancy, postpartum)" in lines[2]
    shown = run.json("routines", "show", "my-side-breath")
    assert shown["cautions"][1] == {
        "text": "After the first 12 weeks of pregnancy, stay on your side.",
        "conditions": ["pregnancy", "postpartum"],
        "stop": False,
    }
    assert (shown["position"], shown["family"], shown["pacing"]["min_cycles"]) == ("lying-side", "my-slow-breaths", 6)
    old = run.json("routines", "show", "my-squeeze")
    assert (old["intensity"], old["unstated"]) == ("moderate", ["intensity", "position", "movements"])


def test_the_example_in_the_routines_readme_is_a_valid_file() -> None:
    import re

    readme = (Path(__file__).resolve().parent.parent / "routines" / "README.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert example
    first, second = parse_text(example.group(1), "README example")
    assert (first.seconds, second.seconds) == (90, 195)  # the lengths the README works out
    assert first.unstated == () and second.unstated == ()
    assert any(c.stop for c in first.cautions) and all(c.conditions for c in first.cautions[2:])


SIX_MISTAKES = (
    GOOD.replace("kind: massage", "kind: masage")  # 1: line 4
    .replace("[neck, shoulders]", "[neck, elbows]")  # 2: line 5
    .replace("seconds: 30", "seconds: thirty")  # 3: line 10
    .replace("side: both", "side: middle")  # 4: line 11
    .replace("id: my-breath", "id: My Breath")  # 5: line 15
    .replace("exhale: 8", "exhale: 8.3")  # 6: line 24
)


def test_validate_names_every_problem_in_every_file_in_one_run(run, tmp_path: Path) -> None:
    bad = _broken(tmp_path, "six.yaml", SIX_MISTAKES)
    good = _broken(tmp_path, "good.yaml", GOOD.replace("my-squeeze", "my-other").replace("my-breath", "my-slow"))
    syntax = _broken(tmp_path, "syntax.yaml", GOOD.replace("areas: [neck, shoulders]", "areas: [neck, shoulders"))
    result = run("routines", "validate", str(bad), str(good), str(syntax), code=2)
    errors = result.stderr.splitlines()
    six = [line for line in errors if "six.yaml" in line]
    assert [line.split(":")[2].split(",")[0] for line in six] == ["4", "5", "10", "11", "15", "24"]
    for words, line in zip(
        (
            ["'kind'", "did you mean 'massage'"],
            ["'areas'", "elbows"],
            ["steps.seconds", "whole number"],
            ["steps.side", "middle"],
            ["'id'", "kebab-case"],
            ["pacing.exhale", "half seconds"],
        ),
        six,
        strict=True,
    ):
        assert all(word in line for word in words), (words, line)
    # A syntax error stops its own file only, at that error; the good file is ok.
    assert [line for line in errors if "syntax.yaml" in line and "not valid YAML" in line] != []
    assert f"ok  {good}  (2 practices)" in result.stdout
    assert errors[-1] == "selfcare: 7 problems in 2 of 3 files"
    assert "Traceback" not in result.output


def test_a_typo_in_a_field_name_is_one_problem_not_two(run, tmp_path: Path) -> None:
    path = _broken(tmp_path, "typo.yaml", GOOD.replace("    summary: Six", "    sumary: Six"))
    line = run.fails("routines", "validate", str(path))
    assert "did you mean 'summary'" in line and "missing" not in line


def test_a_broken_file_mended_is_read_again_and_no_longer_named(run, home: Path) -> None:
    folder = home / "routines"
    folder.mkdir(parents=True)
    mine = folder / "mine.yaml"
    mine.write_text(GOOD.replace("kind: massage", "kind: masage"))
    first = run("routines", "list", "--json")
    assert "mine.yaml:4" in first.stderr and "my-squeeze" not in first.stdout
    assert "mine.yaml" in run("today").stderr  # the kept plan and library still name it
    assert "mine.yaml" in run("today").stderr
    mine.write_text(GOOD)
    mended = run("routines", "list", "--json")
    assert mended.stderr == "" and "my-squeeze" in mended.stdout
    assert run("today").stderr == ""
