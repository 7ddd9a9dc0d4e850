"""The one reader of whole numbers on the command line (the Typer side: built with a
command, never imported by an ordinary command line, which selfcare.cli.direct reads
the same way)."""

from __future__ import annotations

import re
from typing import Any

# Typer 0.26-0.28 vendors click as typer._click (private); the pin in pyproject.toml keeps it valid.
from typer._click import types as click_types

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
