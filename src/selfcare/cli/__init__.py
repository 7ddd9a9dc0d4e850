"""The command line: thin commands over the core.

`main` is the console script. `selfcare today` and `selfcare streak` with no
option (or only --json), run many times a day, go straight to their command
bodies; everything else builds the Typer application first.
"""

from __future__ import annotations

import sys
from typing import Any


def application() -> Any:
    """The Typer app with every command registered."""
    from . import care, log, plan, profile, progress, routines, transfer  # noqa: F401 - registers the commands
    from .app import app

    return app


def main() -> None:
    from .actions import FAST

    args = tuple(sys.argv[1:])
    if args in FAST:
        from .actions import fast

        fast(args)
        return
    application()()
