"""`selfcare status` and `selfcare hook`: the line a prompt shows, and the snippets that show it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from selfcare.nudge import state_file

BIN = Path(sys.executable).parent
SETUP = ("profile", "setup", "--areas", "neck", "--goals", "tension", "--minutes", "10")
SETUP_REST = ("--days-per-week", "5", "--conditions", "none", "--day-starts-at", "04:00")


def profile(run) -> None:
    run(*SETUP, *SETUP_REST)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a prompt runs it."""
    exe = BIN / "selfcare"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "selfcare"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env or dict(os.environ), check=False)


def test_the_line_follows_the_day(run, monkeypatch) -> None:
    profile(run)
    assert run("status").stdout == "10 min planned\n"
    run("log", "--minutes", "5", "--date", "yesterday")
    assert run("status").stdout == "10 min planned · 1-day streak\n"
    run("log", "--minutes", "7")
    assert run("status").stdout == "✓ 7 min today · 2-day streak\n"
    monkeypatch.setenv("SELFCARE_NOW", "2026-11-28T03:30:00+01:00")  # before 04:00: still Friday
    assert run("status").stdout == "✓ 7 min today · 2-day streak\n"
    monkeypatch.setenv("SELFCARE_NOW", "2026-11-28T09:00:00+01:00")
    assert run("status").stdout == "10 min planned · 2-day streak\n"
    run("rest", "--reason", "travelling")
    assert run("status").stdout == "rest day · 2-day streak\n"


def test_a_red_flag_waits_in_the_line_for_a_week(run, monkeypatch) -> None:
    profile(run)
    run("log", "--minutes", "5", "--pain-before", "8", "--pain-after", "7")
    line = run("status").stdout
    assert line.startswith("⚑ red flag · ✓ 5 min today")
    data = json.loads(run("status", "--json").stdout)
    assert data["class"] == "flag" and data["flag"]["date"] == "2026-11-27"
    assert "8/10" in data["tooltip"]
    monkeypatch.setenv("SELFCARE_NOW", "2026-12-04T09:00:00+01:00")  # the 7th day after
    assert "red flag" not in run("status").stdout


def test_format_placeholders(run) -> None:
    profile(run)
    run("log", "--minutes", "5")
    out = run("status", "--format", "{done}{streak}d {minutes_done}/{minutes}m week {week} [{line}]").stdout
    assert out == "✓1d 5/10m week 1/5 [✓ 5 min today · 1-day streak]\n"
    assert run("status", "--format", "{{streak}}={streak:>3}").stdout == "{streak}=  1\n"


@pytest.mark.parametrize("fmt", ["{bad}", "{streak.real}", "{}", "{streak", "{streak!x}"])
def test_bad_formats_fail_in_one_line(run, fmt: str) -> None:
    profile(run)
    err = run.fails("status", "--format", fmt)
    assert "--format" in err


def test_json_for_status_bars(run) -> None:
    data = json.loads(run("status", "--json").stdout)
    assert {"text", "tooltip", "class", "day", "done", "streak", "minutes", "minutes_done", "flag"} <= set(data)
    assert (data["text"], data["class"], data["done"], data["streak"]) == ("10 min planned", "todo", False, 0)
    data = json.loads(run("status", "--json", "--format", "{streak}d").stdout)
    assert data["text"] == "0d"


def test_the_prompt_path_is_the_same_command_without_typer_rich_or_yaml(run, home: Path) -> None:
    """The console script answers `status` itself; its output equals the Typer command's."""
    profile(run)
    run("log", "--minutes", "5")
    cli("status")  # warms the profile and status caches
    probe = (
        "import sys; sys.argv = ['selfcare', 'status', '--format', '{line}|{streak}']\n"
        "from selfcare.cli import main; main()\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'click', 'rich', 'yaml', 'sqlite3'})\n"
        "print(heavy)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=dict(os.environ), check=True
    )
    line, heavy = done.stdout.splitlines()
    assert line == run("status", "--format", "{line}|{streak}").stdout.strip() == "✓ 5 min today · 1-day streak|1"
    assert heavy == "[]"  # a warm run does not even open the log
    assert cli("status", "--json").stdout == run("status", "--json").stdout


def test_the_cached_facts_follow_every_change_to_the_log(run, home: Path) -> None:
    profile(run)
    assert cli("status").stdout == "10 min planned\n"
    cli("log", "--minutes", "4")
    assert cli("status").stdout == "✓ 4 min today · 1-day streak\n"
    assert cli("status").stdout == "✓ 4 min today · 1-day streak\n"
    cli("undo")
    assert cli("status").stdout == "10 min planned\n"
    assert (home / "cache" / "status.json").stat().st_mode & 0o777 == 0o600


def test_status_does_not_create_a_log(run, home: Path) -> None:
    run("status")
    assert not (home / "selfcare.db").exists()


def test_a_nudge_left_for_the_status_line(run, home: Path) -> None:
    profile(run)
    path = state_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    pending = {
        "day": "2026-11-27",
        "slot": "x",
        "text": "Nothing logged today — 2 min of practice still counts.",
        "command": "selfcare start --minutes 3",
    }
    path.write_text(json.dumps({"sent": ["x"], "pending": pending}))
    assert run("status").stdout == "Nothing logged today — 2 min of practice still counts\n"
    assert json.loads(run("status", "--json").stdout)["nudge"]["command"] == "selfcare start --minutes 3"
    run("log", "--minutes", "3")
    assert run("status").stdout.startswith("✓ 3 min today")


def test_a_broken_profile_is_one_line(run, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "config.yaml").write_text("minutes: [\n")
    result = cli("status")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "config.yaml" in result.stderr


# --- hooks ------------------------------------------------------------------------


def shell_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_hook_for_an_unknown_shell(run) -> None:
    assert "bash" in run.fails("hook", "tcsh")


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_bash_prompt_shows_the_line_and_keeps_its_own(run, home: Path, tmp_path: Path) -> None:
    profile(run)
    run("log", "--minutes", "5")
    script = (
        'PS1=\'\\u@box \\$ \'; eval "$(selfcare hook bash)"; eval "$(selfcare hook bash)"\n'
        '_selfcare_hook; _selfcare_hook; false; _selfcare_hook; echo "exit=$?"\n'
        'echo "${PS1@P}"; echo "$PROMPT_COMMAND"\n'
    )
    out = subprocess.run(
        ["bash", "--norc", "-c", script], capture_output=True, text=True, env=shell_env(home), check=True
    )
    status, prompt, command = out.stdout.splitlines()
    assert status == "exit=1"  # the hook keeps the last command's exit status
    sign = "#" if os.geteuid() == 0 else "$"
    assert prompt.startswith("[✓ 5 min today · 1-day streak] ") and prompt.endswith(f"@box {sign} ")
    assert prompt.count("[") == 1 and command == "_selfcare_hook"


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_nothing_in_the_line_runs_in_the_prompt(run, home: Path, tmp_path: Path) -> None:
    """A practice name in a nudge comes from the person's own files: the prompt shows it, never runs it."""
    profile(run)
    marker = tmp_path / "ran"
    text = f"$(touch {marker}) `touch {marker}` \\w"
    path = state_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"sent": [], "pending": {"day": "2026-11-27", "text": text, "command": "c"}}))
    script = 'PS1="$ "; eval "$(selfcare hook bash)"; _selfcare_hook; echo "${PS1@P}"'
    out = subprocess.run(
        ["bash", "--norc", "-c", script], capture_output=True, text=True, env=shell_env(home), check=True
    )
    assert out.stdout.strip() == f"[{text}] $"
    assert not marker.exists()


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")
def test_zsh_prompt_shows_the_line(run, home: Path) -> None:
    profile(run)
    script = 'PROMPT="%# "; eval "$(selfcare hook zsh)"; _selfcare_hook; print -rP -- "$PROMPT"'
    out = subprocess.run(["zsh", "-f", "-c", script], capture_output=True, text=True, env=shell_env(home), check=True)
    assert out.stdout.strip() == "[10 min planned] #"


@pytest.mark.skipif(not shutil.which("fish"), reason="fish is not installed")
def test_fish_prompt_shows_the_line(run, home: Path) -> None:
    profile(run)
    script = "function fish_prompt; echo -n '> '; end; selfcare hook fish | source; fish_prompt"
    out = subprocess.run(
        ["fish", "--no-config", "-c", script], capture_output=True, text=True, env=shell_env(home), check=True
    )
    assert out.stdout == "[10 min planned] > "
