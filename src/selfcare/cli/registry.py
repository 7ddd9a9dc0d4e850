"""Every command of the command line, declared without Typer.

The table below names each command, the module that holds it, the first
sentence of its help and its panel in `selfcare --help`, so the list of
commands, suggestions for a typo and completion of command names need no
command module at all. A module declares its commands with `command` and
their parameters with `Option` and `Argument`, which take what
`typer.Option` and `typer.Argument` take and only record it: importing a
command module never imports Typer. `selfcare.cli.app` turns a declaration
into a Typer command when one is needed (help, completion, a usage error);
`selfcare.cli.direct` runs an ordinary command line without it. A test checks
the table against the commands built from the declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, TypeVar

from ..records import NamedTuple

F = TypeVar("F", bound=Callable[..., Any])

ROOT_HELP = (
    "A terminal self-care coach: short routines of self-massage, stretches, breathing and meditation, "
    "built for your day, guided, and logged on your machine.\n\nExample: selfcare today"
)


class Entry(NamedTuple):
    module: str  # selfcare.cli.<module> declares it
    summary: str  # the first sentence of its help, for the list of commands


# selfcare --help: the commands in the order of a day, by panel (also the order completion offers them in).
PANELS: tuple[tuple[str, dict[str, Entry]], ...] = (
    (
        "Daily",
        {
            "today": Entry("plan", "Today's routine, built from your profile (or the options given)."),
            "start": Entry(
                "plan",
                "Be guided through today's routine, a routine you saved, or the practices you name: steps, "
                "countdowns, a breathing pacer, repetitions and rests counted.",
            ),
            "log": Entry("log", "Record a session done away from the keyboard (or today's routine)."),
            "streak": Entry(
                "progress", "Your current and longest streak, this week against your target, the last two weeks."
            ),
        },
    ),
    (
        "Your log",
        {
            "history": Entry("log", "Logged sessions, newest first."),
            "undo": Entry("log", "Take back your last change: a session logged, corrected or deleted, or a rest day."),
            "rest": Entry("log", "Mark a planned rest day: it neither breaks nor extends your streak."),
            "report": Entry(
                "progress",
                "How the habit is holding and whether it helps: calendar, minutes, weekly trends, pain and stress.",
            ),
            "export": Entry("transfer", "Write the whole log out, to move it to another machine or a spreadsheet."),
            "import": Entry("transfer", "Add the sessions and rest days of an export file."),
            "sync": Entry(
                "sync",
                "Send this device's changes to the sync folder and merge the other devices' ('sync init' sets it up).",
            ),
        },
    ),
    (
        "Library and profile",
        {
            "routines": Entry("routines", "Browse and check the routine library."),
            "profile": Entry("profile", "Your areas, goals, time and health conditions."),
        },
    ),
    (
        "Habit",
        {
            "remind": Entry(
                "habit",
                "Reminders through your own scheduler: a systemd user timer, a launchd agent, or your crontab.",
            ),
            "nudge": Entry(
                "habit", "Remind you now if a reminder is still needed: what your reminders' schedule runs."
            ),
            "status": Entry(
                "status",
                "One short line for your prompt or status bar: done today or minutes planned, the streak, a red flag.",
            ),
            "hook": Entry("habit", "Print a snippet that adds 'selfcare status' to your prompt."),
        },
    ),
    (
        "Safety and upkeep",
        {
            "red-flags": Entry("care", "The symptoms that mean: stop, and get help — emergency signs first."),
            "doctor": Entry("care", "Check the installation: paths, permissions, the log's schema, routine files."),
        },
    ),
)
COMMANDS: dict[str, Entry] = {name: entry for _, entries in PANELS for name, entry in entries.items()}


class Group(NamedTuple):
    help: str | None  # None: the help is the docstring of the group's own command (`history`)
    no_args_is_help: bool


# The commands that hold commands. A group with help None is also a command of its own: its
# module declares it with `command(name)` and its subcommands with `command(sub, group=name)`.
GROUPS: dict[str, Group] = {
    "routines": Group("Browse and check the routine library.\n\nExample: selfcare routines list --area neck", True),
    "profile": Group("Your areas, goals, time and health conditions.\n\nExample: selfcare profile show", True),
    "remind": Group(
        "Reminders through your own scheduler: a systemd user timer, a launchd agent, or your crontab."
        "\n\nExample: selfcare remind at 08:30",
        True,
    ),
    "history": Group(None, False),
    "sync": Group(None, False),
}

# (group or None, name) -> the function, in the order the modules declare them.
DECLARED: dict[tuple[str | None, str], Callable[..., Any]] = {}


class Param:
    """What a parameter was declared with: the arguments of typer.Option or typer.Argument."""

    kind = ""

    def __init__(self, *decls: str, **settings: Any) -> None:
        self.decls = decls
        self.settings = settings

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self.decls!r}"


class Option(Param):
    kind = "option"


class Argument(Param):
    kind = "argument"


def command(name: str, *, group: str | None = None) -> Callable[[F], F]:
    """Declare `name` (a command of `group`, or of selfcare itself); the function is left as it is."""

    def declare(function: F) -> F:
        DECLARED[(group, name)] = function
        return function

    return declare


def function(name: str, group: str | None = None) -> Callable[..., Any] | None:
    """The function declared for `name` (within `group`), its module imported; None if there is none."""
    top = group or name
    entry = COMMANDS.get(top)
    if entry is None:
        return None
    import_module(f"selfcare.cli.{entry.module}")
    return DECLARED.get((group, name))


def subcommands(group: str) -> list[str]:
    """The commands of `group`, in the order its module declares them."""
    function(group)
    return [name for (owner, name) in DECLARED if owner == group]
