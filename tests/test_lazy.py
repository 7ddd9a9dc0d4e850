"""The command line builds only what runs, and says everything as the whole command line does.

`selfcare.cli.app.eager()` builds every command from the declarations at once;
`application()` (what the console script and the `run` fixture use) builds
only the command asked for, and an ordinary command line runs without Typer
(selfcare.cli.direct). Each pair is compared here: help, typos, completion,
options, and what a command line reads as.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from selfcare.cli import direct, registry
from selfcare.cli.app import application, eager
from selfcare.cli.helptext import summary


def _walk(command: Any, ctx_words: list[str]) -> list[tuple[list[str], Any]]:
    found = [(ctx_words, command)]
    for name in sorted(getattr(command, "commands", {}) or {}):
        found += _walk(command.commands[name], [*ctx_words, name])
    return found


EAGER = _walk(typer.main.get_command(eager()), [])
COMMANDS = [(words, command) for words, command in EAGER if words]


def _both(args: list[str], env: dict[str, str] | None = None) -> tuple[Any, Any]:
    runner = CliRunner()
    env = {"COLUMNS": "100", **(env or {})}
    lazy = runner.invoke(application(), args, env=env, prog_name="selfcare")
    whole = runner.invoke(eager(), args, env=env, prog_name="selfcare")
    return lazy, whole


def _same(lazy: Any, whole: Any) -> None:
    assert (lazy.exit_code, lazy.stdout, lazy.stderr) == (whole.exit_code, whole.stdout, whole.stderr)


def test_the_registry_names_every_command_with_its_panel_and_first_sentence() -> None:
    root = typer.main.get_command(eager())
    assert list(registry.COMMANDS) == sorted(root.commands, key=list(registry.COMMANDS).index)
    assert set(registry.COMMANDS) == set(root.commands)
    for name, entry in registry.COMMANDS.items():
        assert entry.summary == summary(root.commands[name].help), name


@pytest.mark.parametrize("width", ["40", "80", "200"])
def test_every_help_is_the_same_lazy_or_whole(width: str) -> None:
    for words, _command in EAGER:
        for flag in ("--help", "-h"):
            lazy, whole = _both([*words, flag], {"COLUMNS": width})
            assert lazy.exit_code == 0, words
            _same(lazy, whole)


def test_selfcare_alone_lists_every_command_in_its_panel() -> None:
    lazy, whole = _both([])
    _same(lazy, whole)
    for title, entries in registry.PANELS:
        block = lazy.stdout.split(f"{title}:\n", 1)[1].split("\n\n", 1)[0]
        assert [line.split()[0] for line in block.splitlines() if line.startswith("  ") and line[2] != " "] == list(
            entries
        )


@pytest.mark.parametrize(
    "args",
    [
        ["todya"],
        ["histroy"],
        ["routines", "lst"],
        ["profile", "sho"],
        ["remind", "evry"],
        ["history", "foo"],
        ["today", "--minuts", "5"],
        ["log", "--pain-befor", "3"],
        ["today", "--minutes", "five"],
        ["today", "--minutes", "0"],
        ["report", "--days"],
        ["hook"],
        ["routines", "show"],
        ["status", "--bogus"],
        ["streak", "--json", "--json=1"],
        ["--version"],
    ],
)
def test_a_mistake_is_named_the_same_way(args: list[str]) -> None:
    lazy, whole = _both(args)
    _same(lazy, whole)
    if args != ["--version"]:
        assert lazy.exit_code == 2 and lazy.stderr.startswith("selfcare: "), lazy.stderr


def test_a_typo_of_a_command_gets_a_suggestion() -> None:
    lazy, _ = _both(["todya"])
    assert "Did you mean 'today'?" in lazy.stderr


@pytest.mark.parametrize(
    "line",
    [
        "selfcare ",
        "selfcare r",
        "selfcare routines ",
        "selfcare history ",
        "selfcare today --",
        "selfcare today --area sh",
        "selfcare profile set conditions preg",
        "selfcare hook ",
        "selfcare export --format ",
    ],
)
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_is_the_same_lazy_or_whole(shell: str, line: str) -> None:
    env = {"_SELFCARE_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(line.split(" ")) - 1))
    else:
        env.update(_TYPER_COMPLETE_ARGS=line, _TYPER_COMPLETE_FISH_ACTION="get-args")
    lazy, whole = _both([], env)
    _same(lazy, whole)
    assert lazy.stdout.strip(), line


def _spec(command: Any) -> list[tuple[Any, ...]]:
    """What Typer made of each parameter, in the terms selfcare.cli.direct reads them in."""
    kinds = {"BoolParamType": "bool", "Whole": "int", "StringParamType": "str", "TyperPath": "path"}
    rows = []
    for p in command.params:
        if p.name in ("install_completion", "show_completion") or getattr(p, "is_eager", False):
            continue
        rows.append(
            (
                p.name,
                p.param_type_name,
                tuple(o for o in p.opts if p.param_type_name == "option"),
                tuple(p.secondary_opts),
                kinds[type(p.type).__name__],
                p.multiple or p.nargs == -1,
                p.required,
                getattr(p.type, "lo", None),
                getattr(p.type, "hi", None),
            )
        )
    return rows


def _declared(words: list[str]) -> Any:
    group, name = (None, words[0]) if len(words) == 1 else (words[0], words[1])
    return registry.function(name, group)


def test_every_command_s_options_are_read_as_typer_makes_them() -> None:
    checked = 0
    for words, command in COMMANDS:
        function = _declared(words)
        if function is None:  # a group of commands only
            continue
        mine = [
            (p.name, p.kind, p.opts, p.off, p.value, p.many, p.required, p.lo, p.hi) for p in direct.params(function)
        ]
        assert mine == _spec(command), words
        checked += 1
    assert checked == len(registry.DECLARED)


# --- what a command line reads as: without Typer, the same as with it ------------------------


def _typer_reads(words: list[str], args: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any] | None:
    """The keyword arguments the Typer command line gives the command's function, or None if it refuses."""
    group, name = (None, words[0]) if len(words) == 1 else (words[0], words[1])
    original = registry.DECLARED[(group, name)]
    seen: list[dict[str, Any]] = []

    def spy(**kwargs: Any) -> None:
        seen.append(kwargs)

    spy.__wrapped__ = original  # type: ignore[attr-defined]  # the same signature, read through inspect
    spy.__doc__ = original.__doc__
    monkeypatch.setitem(registry.DECLARED, (group, name), spy)
    try:
        result = CliRunner().invoke(eager(), [*words, *args], prog_name="selfcare", env={"COLUMNS": "100"})
    finally:
        monkeypatch.setitem(registry.DECLARED, (group, name), original)
    return seen[0] if result.exit_code == 0 and seen else None


WORDS = st.sampled_from(["neck", "a,b", "-", "", " 7 ", "x y", "2026-11-20", "--", "-m", "--json", "ü", "12"])


@st.composite
def command_lines(draw: Any) -> tuple[list[str], list[str]]:
    words, command = draw(st.sampled_from([(w, c) for w, c in COMMANDS if _declared(w) is not None]))
    args: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        params = [p for p in command.params if p.name not in ("install_completion", "show_completion")]
        if params and draw(st.booleans()):
            p = draw(st.sampled_from(params))
            if p.param_type_name == "option":
                opt = draw(st.sampled_from([*p.opts, *p.secondary_opts]))
                if p.is_flag:
                    args.append(opt)
                    continue
                value = draw(st.one_of(WORDS, st.integers(-3, 700).map(str)))
                args += [f"{opt}={value}"] if opt.startswith("--") and draw(st.booleans()) else [opt, value]
                continue
        args.append(draw(WORDS))
    return words, args


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command_lines())
def test_a_command_line_reads_the_same_without_typer(monkeypatch: pytest.MonkeyPatch, case: Any) -> None:
    words, args = case
    found = direct.resolve([*words, *args])
    if found is None:
        return  # declined: Typer answers it, as before
    assert found.kwargs == _typer_reads(words, args, monkeypatch), (words, args)


@pytest.mark.parametrize(
    "line",
    [
        "today",
        "today --json",
        "today --minutes 10",
        "today -m 10 --area neck,jaw -a shoulders --goal stress",
        "today desk-break",
        "log --minutes 5 --date 2026-11-20",
        "log neck-trap-knead breath-box --pain-before 5 --pain-after 3 --note felt-good",
        "report",
        "report --days 365",
        "report --json",
        "report --for-therapist -o -",
        "history",
        "history --days 7 --json",
        "history edit 3f2a9c --minutes 20",
        "routines list",
        "routines list --area neck --kind stretch --json",
        "routines show breath-box",
        "routines save bedtime breath-relaxed med-body-scan",
        "profile set areas neck,shoulders",
        "profile setup --areas neck --days-per-week 5",
        "streak",
        "streak --as-of 2026-11-01 --json",
        "status --format={line}",
        "export --format csv -o out.csv",
        "import backup.json",
        "remind every 45m --between 09:00-17:00",
        "hook bash",
        "undo",
        "doctor --json",
    ],
)
def test_ordinary_command_lines_run_without_typer(monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    words = line.split()
    width = 2 if words[0] in registry.GROUPS and words[0] != "history" else 1
    if words[0] == "history" and len(words) > 1 and words[1] in ("edit", "delete"):
        width = 2
    found = direct.resolve(words)
    assert found is not None, line
    assert found.kwargs == _typer_reads(words[:width], words[width:], monkeypatch), line


@pytest.mark.parametrize(
    "line", ["", "--debug today", "today --help", "today -h", "today -m10", "start -qm 5", "today -- x", "routines"]
)
def test_what_is_not_plain_is_left_to_typer(line: str) -> None:
    assert direct.resolve(line.split()) is None


def test_completion_is_always_typer_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_SELFCARE_COMPLETE", "complete_bash")
    assert direct.resolve(["today"]) is None


# --- what a command imports -----------------------------------------------------------------


def _modules(args: list[str], home: Path) -> set[str]:
    probe = (
        "import io, sys, contextlib\n"
        f"sys.argv = ['selfcare', *{args!r}]\n"
        "from selfcare.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (None, 0), exc.code\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    env = dict(os.environ, SELFCARE_HOME=str(home))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--json"],
        ["history", "--json"],
        ["today", "--json"],
        ["streak", "--json"],
        ["routines", "list", "--json"],
        ["status"],
    ],
)
def test_json_never_imports_rich_or_typer(run: Any, home: Path, args: list[str]) -> None:
    run("log", "--minutes", "5")
    run("today")  # the notice shown once, before the first plan, is behind us
    loaded = _modules(args, home)
    assert not {m for m in loaded if m.split(".")[0] in ("rich", "typer")}, args


def test_status_imports_neither_typer_rich_nor_yaml(run: Any, home: Path) -> None:
    run("log", "--minutes", "5")
    _modules(["status"], home)  # warms the caches
    loaded = _modules(["status"], home)
    assert not {m for m in loaded if m.split(".")[0] in ("rich", "typer", "yaml")}


@pytest.mark.parametrize("args", [["today"], ["streak"], ["history"], ["report"], ["routines", "list"]])
def test_a_screen_imports_only_the_parts_of_rich_it_uses(run: Any, home: Path, args: list[str]) -> None:
    run("log", "--minutes", "5")
    run("today")
    loaded = _modules(args, home)
    assert "rich.console" in loaded and "typer" not in loaded
    assert not loaded & {"rich.table", "rich.live", "rich.prompt", "rich.panel"}, args


def test_a_command_builds_only_itself(run: Any) -> None:
    from selfcare.cli.app import SelfcareRoot

    root = typer.main.get_command(application())
    assert isinstance(root, SelfcareRoot) and root.commands == {}
    ctx = root.make_context("selfcare", ["streak"])
    assert root.get_command(ctx, "streak") is not None
    assert list(root.commands) == ["streak"]
