"""The command line: thin commands over the core.

`main` is the console script. `selfcare today` and `selfcare streak` with no
option (or only --json), run many times a day, and `selfcare status` (run
before every prompt) go straight to their command bodies; everything else
builds the Typer application first.
"""

from __future__ import annotations

import sys
from typing import Any


def application() -> Any:
    """The Typer app with every command registered."""
    from . import care, habit, log, plan, profile, progress, routines, sync, transfer  # noqa: F401 - registers the commands
    from .app import app

    return app


def main() -> None:
    args = tuple(sys.argv[1:])
    if args[:1] == ("status",):
        from .status import fast as status

        if status(args[1:]):
            return
    from .actions import FAST

    if args in FAST:
        from .actions import fast

        fast(args)
        return
    application()()
