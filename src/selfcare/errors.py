"""The one family of errors selfcare raises on purpose.

Every error is one line a person can act on. The CLI prints it to stderr and
exits with `exit_code`: 2 for bad input, 1 for a fault in the environment
(a read-only folder, a full disk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


class SelfcareError(Exception):
    exit_code = 2

    def __init__(self, message: str) -> None:
        # One line, always: a word echoed from a file or the command line may hold line breaks.
        message = message.replace("\r", "\\r").replace("\n", "\\n")
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class EnvironmentFault(SelfcareError):
    """The machine, not the person, is in the way (permissions, disk)."""

    exit_code = 1


class RoutineError(SelfcareError):
    """A routine file is not valid; says where, in which practice and field."""

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        line: int | None = None,
        practice: str | None = None,
        field: str | None = None,
        routine: str | None = None,
    ) -> None:
        where = f"{path}:{line}" if line else path
        parts = [where]
        if practice:
            parts.append(f"practice '{practice}'")
        if routine:
            parts.append(f"routine '{routine}'")
        if field:
            parts.append(f"field '{field}'")
        super().__init__(f"{', '.join(parts)}: {problem}")
        self.path, self.line, self.practice, self.field, self.routine = path, line, practice, field, routine
        self.problem = problem


class CorruptStore(SelfcareError):
    """The database exists but cannot be read as selfcare's log."""


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown(what: str, word: str, choices: Iterable[str]) -> str:
    """The message for a word outside a vocabulary, with a hint."""
    choices = list(choices)
    hint = suggest(word, choices)
    if hint:
        return f"unknown {what} '{word}'{hint}"
    return f"unknown {what} '{word}'; choose from: {', '.join(choices)}"
