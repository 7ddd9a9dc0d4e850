"""Help a person can scan, and shell completion that offers what selfcare takes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_today import _commands

DAY = {
    "Daily": ["today", "start", "log", "streak"],
    "Your log": ["history", "undo", "rest", "report", "export", "import", "sync"],
    "Library and profile": ["routines", "profile"],
    "Habit": ["remind", "nudge", "status", "hook"],
    "Safety and upkeep": ["red-flags", "doctor"],
}


def test_commands_are_grouped_in_the_order_of_a_day(run) -> None:
    shown = run("--help").stdout
    sections = re.findall(r"^(\S[^:\n]*):\n((?:  .*\n|\s{6,}.*\n)+)", shown, re.M)
    found = {title: re.findall(r"^  (\S+)", body, re.M) for title, body in sections}
    assert [t for t in found if t in DAY] == list(DAY)
    for title, names in DAY.items():
        assert found[title] == names
    assert shown.index("Daily:") < shown.index("Options:")


@pytest.mark.parametrize("group", [(), ("routines",), ("profile",), ("remind",)])
def test_a_group_alone_shows_its_help_and_succeeds(run, group: tuple[str, ...]) -> None:
    result = run(*group)  # exit 0, checked by run
    assert result.stdout.startswith(f"Usage: {' '.join(('selfcare', *group))} ")
    assert "Example: selfcare" in result.stdout
    assert result.stderr == ""


def test_every_usage_line_has_its_placeholders_in_capitals(run) -> None:
    for words, _command in _commands():
        usage = run(*words, "--help").stdout.split("\n\n")[0]
        pieces = " ".join(usage.split()).removeprefix("Usage: ").split(" ")[len(words) + 1 :]
        assert "{" not in usage and "}" not in usage, usage
        for piece in pieces:
            assert piece == piece.upper(), (words, usage)


def test_an_option_s_help_goes_under_it_on_a_narrow_screen(run) -> None:
    from conftest import app
    from typer.testing import CliRunner

    narrow = CliRunner().invoke(app, ["log", "--help"], env={"COLUMNS": "40"}).stdout
    assert "  --pro WHO\n      A session with a professional:\n      massage-therapist," in narrow
    wide = CliRunner().invoke(app, ["log", "--help"], env={"COLUMNS": "100"}).stdout
    assert re.search(r"^  --pro WHO +A session with a professional: massage-therapist,", wide, re.M)


# --- completion: the real program, asked the way each shell asks -------------------------


def _complete(home: Path, shell: str, line: str) -> list[str]:
    env = dict(os.environ, SELFCARE_HOME=str(home), _SELFCARE_COMPLETE=f"complete_{shell}")
    if shell == "bash":
        words = line.split(" ")
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        env.update(_TYPER_COMPLETE_ARGS=line, _TYPER_COMPLETE_FISH_ACTION="get-args")
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv[0] = 'selfcare'; from selfcare.cli import main; main()"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,  # a guard against hanging, not a measurement
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout.splitlines()


def test_bash_completes_commands_and_practice_ids(home: Path, run) -> None:
    assert _complete(home, "bash", "selfcare ") == [name for names in DAY.values() for name in names]
    ids = [p["id"] for p in run.json("routines", "list")]
    assert _complete(home, "bash", "selfcare log neck-") == [i for i in ids if i.startswith("neck-")]
    assert _complete(home, "bash", "selfcare log neck-trap-knead,breath-b") == [
        f"neck-trap-knead,{i}" for i in ids if i.startswith("breath-b")
    ]


def test_completion_offers_areas_goals_and_conditions(home: Path) -> None:
    assert _complete(home, "bash", "selfcare today --area sh") == ["shoulders"]
    assert _complete(home, "bash", "selfcare routines list --area neck,sh") == ["neck,shoulders"]
    assert _complete(home, "bash", "selfcare today --goal fl") == ["flexibility"]
    assert _complete(home, "bash", "selfcare profile set conditions preg") == ["pregnancy"]
    assert "none" in _complete(home, "bash", "selfcare profile setup --conditions ")
    assert _complete(home, "bash", "selfcare profile set day") == ["days_per_week", "day_starts_at"]
    zsh = " ".join(_complete(home, "zsh", "selfcare routines list --kind mas"))
    assert "massage" in zsh
    assert _complete(home, "fish", "selfcare log neck-trap-k") == ["neck-trap-knead\tTop-of-shoulder knead"]


def test_a_broken_file_of_one_s_own_never_disturbs_completion(home: Path) -> None:
    (home / "routines").mkdir(parents=True)
    (home / "routines" / "bad.yaml").write_text("practices: [\n")
    assert "neck-trap-knead" in _complete(home, "bash", "selfcare log neck-t")


def test_completion_scripts_are_offered_for_bash_zsh_and_fish(run) -> None:
    for shell, words in (("bash", "complete -o default -F"), ("zsh", "compdef"), ("fish", "complete --command")):
        env = dict(os.environ, _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; sys.argv[0] = 'selfcare'; from selfcare.cli import main; main()",
                "--show-completion",
                shell,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 0 and words in proc.stdout, (shell, proc.stdout, proc.stderr)
