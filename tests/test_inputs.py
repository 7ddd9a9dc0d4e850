"""One way to read input: whole numbers, words in any case, lists wherever a list is taken,
yes or no, options that make no sense together, and a profile set up by a script."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("log", "neck-trap-knead", "--minutes", "five"), "--minutes: 'five' is not a whole number of minutes"),
        (("log", "neck-trap-knead", "--minutes", "0"), "--minutes: 0 is out of range; give 1 to 600 minutes"),
        (("log", "neck-trap-knead", "--pain-before", "11"), "--pain-before: 11 is out of range; give 0 to 10"),
        (("log", "neck-trap-knead", "--stress-after", "2.5"), "--stress-after: '2.5' is not a whole number"),
        (("today", "--minutes", "five"), "--minutes: 'five' is not a whole number of minutes"),
        (("history", "--days", "a week"), "--days: 'a week' is not a whole number of days"),
        (("report", "--days", "-3"), "--days: -3 is out of range; give 1 to 3660 days"),
        (("profile", "setup", "--days-per-week", "x"), "--days-per-week: 'x' is not a whole number of days a week"),
    ],
)
def test_a_bad_number_is_said_the_same_way_everywhere(run, args: tuple[str, ...], said: str) -> None:
    assert run.fails(*args) == f"selfcare: {said}"


def test_words_are_read_in_any_case_and_lists_wherever_a_list_is_taken(run) -> None:
    listed = run.json("routines", "list")
    by_area = {p["id"] for p in listed if {"neck", "jaw"} & set(p["areas"])}
    assert {p["id"] for p in run.json("routines", "list", "--area", "Neck,JAW")} == by_area
    assert {p["id"] for p in run.json("routines", "list", "--area", "neck", "--area", "jaw")} == by_area
    massage = {p["id"] for p in listed if p["kind"] == "massage"}
    assert {p["id"] for p in run.json("routines", "list", "--kind", "Massage")} == massage
    two = {p["id"] for p in run.json("routines", "list", "--kind", "massage,stretch")}
    assert two == {p["id"] for p in listed if p["kind"] in ("massage", "stretch")}
    assert "breath-box" in run("routines", "show", "Breath-Box").stdout
    assert [i["id"] for i in run.json("today", "Neck-Trap-Knead,breath-box")["items"]] == [
        "neck-trap-knead",
        "breath-box",
    ]
    logged = run.json("log", "NECK-TRAP-KNEAD,breath-box", "--too-intense", "Breath-Box")
    assert logged["practices"] == ["neck-trap-knead", "breath-box"]
    assert "_selfcare" in run("hook", "BASH").stdout
    assert run("export", "--format", "CSV").stdout.startswith("id,")
    assert "areas: neck, shoulders" in run("profile", "set", "Areas", "Neck,Shoulders").stdout
    line = run.fails("routines", "list", "--kind", "masage")
    assert "did you mean 'massage'" in line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("report", "-o", "r.txt"), "--output writes the summary of --for-therapist"),
        (("report", "--json", "--for-therapist"), "--json and --for-therapist each choose what is printed"),
        (("report", "--include-notes"), "--include-notes puts your notes in --for-therapist or --html"),
        (("report", "--force"), "--force overwrites the file of --output or --html"),
        (("export", "--force"), "--force overwrites the file of --output"),
        (("nudge", "--dry-run", "--quiet"), "--dry-run says what would happen and --quiet prints nothing"),
        (("today", "breath-box", "--minutes", "5"), "--minutes shapes the plan of the day"),
    ],
)
def test_options_that_make_no_sense_together_are_refused(
    run, tmp_path: Path, monkeypatch, args: tuple[str, ...], said: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert said in run.fails(*args)
    assert not (tmp_path / "r.txt").exists()


def test_yes_or_no_takes_the_words_people_type(monkeypatch) -> None:
    from selfcare.cli.inputs import yes_or_no

    for typed, default, wanted in (
        ("YES\n", False, True),
        ("y\n", False, True),
        ("No\n", True, False),
        ("perhaps\nn\n", True, False),
        ("\n", True, True),
        ("\n", False, False),
    ):
        monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
        assert yes_or_no("Log what you did?", default=default) is wanted, typed


def test_the_health_screen_takes_yes_and_no_in_any_case(run) -> None:
    from selfcare import models

    answers = ["neck", "stress", "10", "5", "04:00"] + ["No"] * len(models.CONDITIONS) + ["none"]
    answers[5] = "YES"  # the first question
    out = run("profile", "setup", input="\n".join(answers) + "\n").stdout
    first = next(iter(models.CONDITIONS))
    assert run.json("profile", "show")["conditions"] == [first]
    assert "Plans will leave out or soften practices for" in out


def _selfcare(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SELFCARE_HOME=str(home), COLUMNS="80")
    return subprocess.run(
        [sys.executable, "-m", "selfcare", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,  # a guard against hanging, not a measurement
    )


def test_a_scripted_setup_from_dev_null_names_what_is_missing_and_keeps_nothing(home: Path) -> None:
    done = _selfcare(home, "profile", "setup", "--areas", "neck", "--goals", "stress")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].endswith("or give --conditions (a list, or 'none')")
    assert "Traceback" not in done.stderr
    assert not (home / "config.yaml").exists()
    done = _selfcare(home, "profile", "setup", "--areas", "neck", "--goals", "stress", "--conditions", "none")
    assert done.returncode == 0, done.stderr
    assert "Not given, so kept as they were: minutes 10" in " ".join(done.stdout.split())
    assert "Health conditions: none." in done.stdout


def test_no_conditions_read_back_as_none_everywhere(run) -> None:
    assert run("profile", "set", "conditions", "none").stdout.strip().splitlines()[-1] == "conditions: none"
    assert any(line.split() == ["conditions", "none"] for line in run("profile", "show").stdout.splitlines())
    assert run.json("profile", "show")["conditions"] == []
    assert "Health conditions noted in the profile: none." in run("report", "--for-therapist").stdout
