"""How the command line reads what a person types, one way for every command.

- Whole numbers (`--minutes`, `--days`, the 0-10 ratings...): any option whose
  type is an int is read by `Whole`, so a bad one is said the same way
  everywhere: "--minutes: 'five' is not a whole number of minutes".
- Words (areas, goals, kinds, conditions, practice ids): any case, and a list
  wherever a list is taken, as repeated options or comma-separated, or both.
- Yes or no: y, yes, n, no, in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Typer 0.26-0.28 vendors click as typer._click (private); the pin in pyproject.toml keeps it valid.
from typer._click import types as click_types

YES = {"y": True, "yes": True, "n": False, "no": False}

# What the numbers of each option count, for the messages ("'five' is not a whole number of minutes").
UNITS = {"minutes": "minutes", "days": "days", "days_per_week": "days a week"}


class Whole(click_types.ParamType):
    """A whole number, optionally within [lo, hi]; what it counts names the unit in messages."""

    name = "integer"

    def __init__(self, lo: int | None = None, hi: int | None = None, unit: str = "") -> None:
        self.lo, self.hi, self.unit = lo, hi, unit

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return "N"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[+-]?[0-9]+", text):  # ASCII digits: int() would read "٣" too
                of = f" of {self.unit}" if self.unit else ""
                self.fail(f"'{value}' is not a whole number{of}", param, ctx)
            number = int(text)
        if (self.lo is not None and number < self.lo) or (self.hi is not None and number > self.hi):
            self.fail(f"{number} is out of range; give {self.span()}", param, ctx)
        return number

    def span(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.lo is not None and self.hi is not None:
            return f"{self.lo} to {self.hi}{unit}"
        if self.lo is not None:
            return f"{self.lo}{unit} or more"
        return f"{self.hi}{unit} or less"


def whole_numbers(param: Any) -> None:
    """Give an int option of any command the one reader of whole numbers (bounds kept)."""
    kind = param.type
    if isinstance(kind, Whole) or not isinstance(kind, click_types.IntParamType):
        return
    lo = getattr(kind, "min", None)
    hi = getattr(kind, "max", None)
    if getattr(kind, "min_open", False) and lo is not None:
        lo += 1
    if getattr(kind, "max_open", False) and hi is not None:
        hi -= 1
    param.type = Whole(lo, hi, UNITS.get(param.name or "", ""))


def option_name(param: Any) -> str:
    """How a person wrote the option in question: its long name, or an argument's metavar."""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")] or list(getattr(param, "opts", []))
    if getattr(param, "param_type_name", "") == "argument":
        return str(param.metavar or param.name or "argument").upper().strip("[]{}.")
    return opts[0] if opts else str(param.name)


def words(values: Iterable[str] | str | None, *, unique: bool = True) -> list[str]:
    """Every word given, lower-cased, whether repeated, comma-separated, or both ('Neck,jaw' -> neck, jaw);
    each once, unless `unique` is False (a practice done twice in a session)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    found: list[str] = []
    for value in values:
        for word in value.split(","):
            word = word.strip().lower()
            if word and (not unique or word not in found):
                found.append(word)
    return found


def vocabulary(values: Iterable[str] | str | None, vocab: Iterable[str], what: str) -> list[str]:
    """`words`, each checked against `vocab`; raises SelfcareError naming the first unknown one."""
    from ..errors import SelfcareError, unknown

    known = list(vocab)
    found = words(values)
    for word in found:
        if word not in known:
            raise SelfcareError(unknown(what, word, known))
    return found


def yes_or_no(question: str, default: bool) -> bool:
    """Ask until the answer is y, yes, n or no (any case); Enter takes the default."""
    from rich.prompt import Prompt

    from ..render import _text, console

    out = console()
    hint = "[Y/n]" if default else "[y/N]"
    while True:
        answer = Prompt.ask(f"{question} [dim]{hint}[/]", default="", show_default=False, console=out)
        answer = answer.strip().lower()
        if not answer:
            return default
        if answer in YES:
            return YES[answer]
        out.print(_text("answer y (yes) or n (no)", "yellow"))
