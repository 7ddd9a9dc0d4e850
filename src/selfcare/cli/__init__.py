"""The command line: thin commands over the core.

`main` is the console script. An ordinary command line runs its command
straight away (selfcare.cli.direct), without Typer; what that leaves (help,
completion, a mistake to name) goes to the Typer command line, which builds
only the command asked for (selfcare.cli.app).
"""

from __future__ import annotations

import sys
from typing import Any


def application() -> Any:
    """The Typer app: selfcare, each command built when it is needed."""
    from .app import application as lazy

    return lazy()


def main() -> None:
    from .direct import resolve, run

    found = resolve(sys.argv[1:])
    if found is None:
        application()()
    elif code := run(found):
        raise SystemExit(code)
