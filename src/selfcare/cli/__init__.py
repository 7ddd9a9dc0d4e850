"""The command line: thin commands over the core (see ../README for the list)."""

from __future__ import annotations

from . import care, log, plan, profile, progress, routines, transfer  # noqa: F401 - registers the commands
from .app import app


def main() -> None:
    app()
