"""`--help`, laid out to be scanned: usage with its placeholders in capitals, what the
command does, its arguments and options, and its examples last, where the eye
ends; the commands of `selfcare --help` grouped in the order of a day.

Plain text at the width of the screen (at most MAX_WIDTH columns, which reads
better than a line across a wide terminal), broken between words (never at a
hyphen: `massage-therapist` stays whole), with no padding at the end of a line.
On a narrow screen an option's help goes under its name rather than beside it.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from typing import Any

MAX_WIDTH = 100
SIDE_BY_SIDE = 60  # narrower than this, an option's help goes under its name
NAME_COLUMN = 30  # an option or command name longer than this puts its help on the next line

# selfcare --help: the commands in the order of a day. A command not listed here (a new one)
# still shows, under "More".
SECTIONS = (
    ("Daily", ("today", "start", "log", "streak")),
    ("Your log", ("history", "undo", "rest", "report", "export", "import", "sync")),
    ("Library and profile", ("routines", "profile")),
    ("Habit", ("remind", "nudge", "status", "hook")),
    ("Safety and upkeep", ("red-flags", "doctor")),
)
ORDER = [name for _, names in SECTIONS for name in names]


def _wrap(text: str, width: int, indent: int = 0, first: int | None = None) -> list[str]:
    """Lines of `text`, at most `width` wide, the first starting at `first` (default `indent`)."""
    first = indent if first is None else first
    wrapper = textwrap.TextWrapper(
        width=max(10, width),
        initial_indent=" " * first,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return wrapper.wrap(text) or [" " * first]


def split_help(help_text: str | None) -> tuple[list[str], list[str]]:
    """(paragraphs, examples) of a docstring: lines starting 'Example:' are examples."""
    paragraphs: list[str] = []
    examples: list[str] = []
    current: list[str] = []
    for line in inspect.cleandoc(help_text or "").split("\f")[0].splitlines():
        stripped = line.strip()
        if stripped.startswith("Example:"):
            examples.append(stripped.split(":", 1)[1].strip())
            continue
        if not stripped:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs, examples


def summary(help_text: str | None) -> str:
    """The first sentence of a command's help (to its first full stop, else its first
    semicolon), for the list of commands."""
    paragraphs, _ = split_help(help_text)
    if not paragraphs:
        return ""
    first = paragraphs[0]
    for mark in (". ", "; "):
        if mark in first:
            return first.split(mark, 1)[0].rstrip(".") + "."
    return first


def _usage(command: Any, ctx: Any) -> str:
    pieces = []
    for piece in command.collect_usage_pieces(ctx):
        # Typer writes a required argument as {ID} and one without a metavar in lower case.
        piece = re.sub(r"\{([^}]*)\}", r"\1", piece)
        pieces.append(piece if piece.startswith("[OPTIONS") else piece.upper())
    return " ".join([ctx.command_path, *pieces])


def _metavar(param: Any, ctx: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    shown = param.type.get_metavar(param, ctx) if hasattr(param.type, "get_metavar") else None
    if shown:
        return str(shown)
    names = {"integer": "N", "float": "NUMBER", "path": "PATH", "boolean": "BOOL"}
    return names.get(param.type.name, "TEXT")


def _option_record(param: Any, ctx: Any) -> tuple[str, str] | None:
    if getattr(param, "hidden", False):
        return None
    opts = sorted([*param.opts, *param.secondary_opts], key=lambda o: (o.startswith("--"), o))
    name = ", ".join(opts)
    if not param.is_flag and not getattr(param, "count", False):
        name += f" {_metavar(param, ctx)}"
    help_text = " ".join((param.help or "").split())
    default = param.default
    if (
        param.show_default is not False
        and default not in (None, False, "", (), [])
        and not callable(default)
        and not param.is_flag
    ):
        help_text += f" (default: {default})"
    return name, help_text


def _argument_record(param: Any) -> tuple[str, str]:
    name = str(param.metavar or param.name or "").upper()
    name = re.sub(r"\{([^}]*)\}", r"\1", name)
    if param.nargs != 1 and "..." not in name:
        name += "..."
    return name, " ".join((getattr(param, "help", None) or "").split())


def _records(rows: list[tuple[str, str]], width: int, widest: int | None = None) -> list[str]:
    """Names and their help: side by side on a wide screen, the help under the name on a narrow one."""
    lines: list[str] = []
    if width < SIDE_BY_SIDE:
        for name, text in rows:
            lines += _wrap(name, width, indent=4, first=2)
            if text:
                lines += _wrap(text, width, indent=6)
        return lines
    widest = widest if widest is not None else max((len(name) for name, _ in rows), default=0)
    column = min(widest, NAME_COLUMN) + 4
    for name, text in rows:
        if len(name) + 4 > column:
            lines.append(f"  {name}")
            if text:
                lines += _wrap(text, width, indent=column)
            continue
        body = _wrap(text, width, indent=column, first=column) if text else [""]
        body[0] = f"  {name}".ljust(column) + body[0][column:]
        lines += body
    return [line.rstrip() for line in lines]


def _example_lines(examples: list[str], width: int) -> list[str]:
    """'Example: selfcare ...'; on a narrow screen continued with a backslash (it still pastes
    into a shell), an option kept on the line of its value."""
    lines: list[str] = []
    for example in examples:
        text = f"Example: {example}"
        if len(text) <= width:
            lines.append(text)
            continue
        tokens = text.split(" ")
        units: list[str] = []
        for token in tokens:
            if units and units[-1].startswith("-") and " " not in units[-1] and not token.startswith("-"):
                units[-1] += "\xa0" + token  # '--pain-before 5' stays together
            else:
                units.append(token)
        wrapped = _wrap(" ".join(units), width - 2, indent=4, first=0)
        lines += [line.replace("\xa0", " ") + " \\" for line in wrapped[:-1]]
        lines.append(wrapped[-1].replace("\xa0", " "))
    return lines


def render(command: Any, ctx: Any, width: int) -> str:
    """The whole help of `command` (a command or a group) at `width` columns."""
    screen = max(20, width)
    width = min(screen, MAX_WIDTH)
    paragraphs, examples = split_help(command.help)
    out = [*_wrap(f"Usage: {_usage(command, ctx)}", width, indent=4, first=0), ""]
    for paragraph in paragraphs:
        out += _wrap(paragraph, width, indent=2)
        out.append("")
    params = command.get_params(ctx)
    arguments = [_argument_record(p) for p in params if p.param_type_name == "argument"]
    options = [r for p in params if p.param_type_name == "option" and (r := _option_record(p, ctx))]
    subcommands = getattr(command, "commands", None)
    if arguments:
        out += ["Arguments:", *_records(arguments, width), ""]
    if subcommands:
        sections = _sections(command, ctx)
        widest = max((len(name) for _, names in sections for name in names), default=0)  # one column for all
        for title, names in sections:
            rows = [(name, summary(subcommands[name].help)) for name in names]
            out += [f"{title}:", *_records(rows, width, widest), ""]
    if options:
        out += ["Options:", *_records(options, width), ""]
    out += _example_lines(examples, screen)  # a command line is kept whole while the screen allows
    return "\n".join(line.rstrip() for line in out).rstrip("\n")


def _sections(group: Any, ctx: Any) -> list[tuple[str, list[str]]]:
    names = [n for n in group.list_commands(ctx) if not getattr(group.commands[n], "hidden", False)]
    if ctx.parent is not None:  # a group within selfcare: its commands, as registered
        return [("Commands", names)]
    sections = [(title, [n for n in members if n in names]) for title, members in SECTIONS]
    more = [n for n in names if n not in ORDER]
    return [(t, ns) for t, ns in sections if ns] + ([("More", more)] if more else [])
