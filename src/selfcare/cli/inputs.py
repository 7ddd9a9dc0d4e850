"""How the command line reads what a person types, one way for every command.

- Whole numbers (`--minutes`, `--days`, the 0-10 ratings...): any option whose
  type is an int is read by `selfcare.cli.whole.Whole`, so a bad one is said the
  same way everywhere: "--minutes: 'five' is not a whole number of minutes".
- Words (areas, goals, kinds, conditions, practice ids): any case, and a list
  wherever a list is taken, as repeated options or comma-separated, or both.
- Yes or no: y, yes, n, no, in any case.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

YES = {"y": True, "yes": True, "n": False, "no": False}


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
