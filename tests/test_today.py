"""`selfcare today` and `selfcare profile` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from conftest import file_mode


def test_today_without_a_profile_uses_defaults_and_says_so(run) -> None:
    result = run("today")
    assert "No profile yet" in result.stdout and "selfcare profile setup" in result.stdout
    assert "not medical advice" in result.stderr
    assert "not medical advice" not in run("today").stderr  # shown once only
    assert "total" in result.stdout


def test_today_json_shape(run) -> None:
    data = run.json("today", "--minutes", "10", "--area", "neck", "--area", "feet", "--goal", "stress")
    assert set(data) >= {"date", "minutes", "total_seconds", "items"}
    assert data["date"] == "2026-11-27" and data["minutes"] == 10
    assert 450 <= data["total_seconds"] <= 630
    for item in data["items"]:
        assert set(item) >= {"id", "name", "kind", "areas", "goals", "seconds", "reason"}
    assert data["total_seconds"] == sum(i["seconds"] for i in data["items"])
    covered = {a for i in data["items"] for a in i["areas"]}
    assert {"neck", "feet"} <= covered


def test_today_follows_the_profile_and_the_date(run) -> None:
    run("profile", "set", "areas", "feet,hips")
    run("profile", "set", "minutes", "15")
    data = run.json("today")
    assert data["minutes"] == 15
    assert {"feet", "hips"} <= {a for i in data["items"] for a in i["areas"]}
    assert run.json("today", "--date", "2026-12-01")["date"] == "2026-12-01"
    assert run.json("today") == data


def test_conditions_leave_practices_out_and_say_so(run) -> None:
    run("profile", "set", "conditions", "pregnancy,blood-clots")
    out = run("today", "--area", "feet", "--area", "legs").stdout
    assert "left out or swapped for safety" in out and "pregnancy" in out
    listed = {p["id"]: p for p in run.json("routines", "list")}
    for item in run.json("today", "--area", "feet", "--area", "legs")["items"]:
        assert not {"pregnancy", "blood-clots"} & set(listed[item["id"]]["avoid_if"])


def test_bad_options_get_one_line(run) -> None:
    assert "did you mean 'neck'" in run.fails("today", "--area", "nekc")
    assert "unknown goal" in run.fails("today", "--goal", "happiness")
    assert "--minutes" in run.fails("today", "--minutes", "0")
    assert "not a real date" in run.fails("today", "--date", "2026-02-31")
    assert "No such option" in run.fails("today", "--colour")


def test_profile_set_show_and_refusals(run, home) -> None:
    assert run.json("profile", "show")["saved"] is False
    run("profile", "set", "areas", "neck, Shoulders")
    run("profile", "set", "days_per_week", "5")
    run("profile", "set", "day_starts_at", "5:30")
    run("profile", "set", "conditions", "none")
    shown = run.json("profile", "show")
    assert shown["areas"] == ["neck", "shoulders"] and shown["days_per_week"] == 5
    assert shown["day_starts_at"] == "05:30" and shown["conditions"] == []
    config = home / "config.yaml"
    assert file_mode(config) == 0o600
    assert yaml.safe_load(config.read_text())["areas"] == ["neck", "shoulders"]
    before = config.read_bytes()
    assert "did you mean 'minutes'" in run.fails("profile", "set", "minuets", "10")
    assert "from 1 to 7" in run.fails("profile", "set", "days_per_week", "9")
    assert "did you mean 'pregnancy'" in run.fails("profile", "set", "conditions", "pregnacy")
    assert "time like 04:00" in run.fails("profile", "set", "day_starts_at", "25:00")
    assert "choose from" in run.fails("profile", "set", "goals", "")
    assert config.read_bytes() == before


def test_profile_setup_by_flags_and_by_prompts(run) -> None:
    run(
        "profile",
        "setup",
        "--areas",
        "neck",
        "--goals",
        "sleep",
        "--minutes",
        "5",
        "--days-per-week",
        "4",
        "--conditions",
        "none",
        "--day-starts-at",
        "03:00",
    )
    shown = run.json("profile", "show")
    assert (shown["areas"], shown["goals"], shown["minutes"], shown["days_per_week"]) == (["neck"], ["sleep"], 5, 4)
    # Interactively: areas (with one wrong answer first), goals, minutes, days, start, then the health screen.
    answers = (
        ["nekc", "feet,hands", "stress", "12", "7", "04:00"]
        + ["y", "?"]
        + ["n"] * (len(__import__("selfcare.models").models.CONDITIONS) - 2)
    )
    result = run("profile", "setup", input="\n".join(answers) + "\n")
    assert "did you mean 'neck'" in result.stdout
    shown = run.json("profile", "show")
    assert shown["areas"] == ["feet", "hands"] and shown["minutes"] == 12
    assert shown["conditions"] == ["pregnancy", "osteoporosis"]  # "not sure" counts as yes


def test_scripted_setup_takes_what_is_missing_from_the_profile_or_names_it(run, home) -> None:
    # No terminal and no answers (as with </dev/null): the health screen cannot be skipped silently.
    line = run.fails("profile", "setup", "--areas", "neck", "--goals", "stress")
    assert "--conditions" in line
    assert not (home / "config.yaml").exists()
    result = run("profile", "setup", "--areas", "neck", "--goals", "stress", "--conditions", "none")
    assert "kept as they were" in result.stdout and "days_per_week 7" in result.stdout
    shown = run.json("profile", "show")
    assert (shown["areas"], shown["goals"], shown["minutes"], shown["conditions"]) == (["neck"], ["stress"], 10, [])


def test_the_health_screen_takes_yes_and_no_in_words(run) -> None:
    n = len(__import__("selfcare.models").models.CONDITIONS)
    answers = ["neck", "stress", "10", "7", "04:00", "Yes", "maybe", "NO"] + ["no"] * (n - 2)
    result = run("profile", "setup", input="\n".join(answers) + "\n")
    assert "answer y (yes), n (no)" in result.stdout
    assert run.json("profile", "show")["conditions"] == [next(iter(__import__("selfcare.models").models.CONDITIONS))]


def test_damaged_config_is_named_and_kept(run, home) -> None:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "config.yaml"
    for text, words in (
        ("areas: [neck\n", "not valid YAML"),
        ("minutes: lots\n", "minutes"),
        ("- a\n- b\n", "mapping"),
        ("areas: {x: 1}\n", "wrong type"),
    ):
        config.write_text(text)
        line = run.fails("today")
        assert str(config) in line and words in line
        assert config.read_text() == text


def test_unquoted_day_start_in_a_hand_edited_config(run, home) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text("areas: [neck]\nday_starts_at: 04:00\n")
    assert run.json("profile", "show")["day_starts_at"] == "04:00"


def _commands():
    """Every command and group of the real command line, as (words, click command)."""
    import typer.main

    from selfcare.cli.app import eager

    def walk(command, words):
        yield words, command
        for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
            yield from walk(sub, [*words, name])

    return list(walk(typer.main.get_command(eager()), []))


def _examples(help_text: str) -> list[str]:
    return [line.split("Example:", 1)[1].strip() for line in help_text.splitlines() if "Example:" in line]


def test_every_command_and_group_has_help_with_an_example_and_is_in_the_readme(run) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for words, _command in _commands():
        shown = run(*words, "--help").stdout
        assert "Usage" in shown, words
        examples = _examples(shown)
        assert examples, f"selfcare {' '.join(words)} --help has no example"
        assert all(e.startswith("selfcare") for e in examples), examples
        if words:
            assert f"selfcare {words[0]}" in readme, words


def test_every_example_in_the_help_runs(run, home: Path, tmp_path: Path, monkeypatch) -> None:
    import shlex

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    # What the examples refer to: a session whose id starts 3f2a9c, a routine file of one's own.
    ids = [p["id"] for p in run.json("routines", "list")]
    backup = {
        "format": "selfcare-log",
        "version": 1,
        "sessions": [
            {
                "id": "3f2a9c41-0000-4000-8000-000000000001",
                "date": "2026-11-20",
                "logged_at": "2026-11-20T18:00:00+01:00",
                "practices": ids[:1],
                "seconds": 60,
            }
        ],
    }
    (tmp_path / "old-backup.json").write_text(json.dumps(backup))
    run("import", "old-backup.json")
    mine = tmp_path / "my-routines"
    mine.mkdir()
    (mine / "neck.yaml").write_text(
        "practices:\n  - id: my-neck-roll\n    name: Slow neck turn\n    kind: stretch\n    areas: [neck]\n"
        "    goals: [tension]\n    summary: Turn the head slowly.\n    steps: [{text: Turn slowly., seconds: 20}]\n"
    )
    seen = 0
    # Commands that write a file before the ones that read it (`sync init` before `sync`); `start` needs a
    # terminal (tests/test_start.py runs it).
    order = sorted(_commands(), key=lambda wc: (wc[0][:1] == ["import"], "delete" in wc[0], wc[0] == ["sync"]))
    for words, _command in order:
        for example in _examples(run(*words, "--help").stdout):
            args = [str(Path(a).expanduser()) if a.startswith("~") else a for a in shlex.split(example)[1:]]
            # `start` needs a terminal (tests/test_start.py runs it); `remind` changes the user's own
            # scheduler, so tests/test_remind.py runs it for a throwaway user, never the one running the tests.
            if args[:1] in (["start"], ["remind"]):
                continue
            run(*args)
            seen += 1
    assert seen >= 20
