"""The body of `selfcare status`, kept free of Typer: it runs before every prompt.

`main` sends `selfcare status`, `--json` and `--format FMT` straight here; the
Typer command (for --help and anything unusual) calls the same function.
"""

from __future__ import annotations

import sys

from .common import load_profile
from .guard import guarded


def status(fmt: str | None = None, json: bool = False) -> None:
    from .. import paths
    from ..days import now
    from ..nudge import pending, state_file
    from ..safetext import clean, to_json
    from ..status import gather, render
    from .common import pull_first

    pull_first(can_ask=False)  # a prompt cannot ask for a passphrase: without one, the sync is skipped
    profile, _ = load_profile()
    data_dir = paths.data_dir()
    cache = paths.cache_dir() / "status.json"
    result = gather(profile, paths.db_file(), now(), pending(state_file(data_dir)), cache)
    text = render(result, fmt)
    sys.stdout.write((to_json(result.to_dict(text), indent=None) if json else clean(text)) + "\n")


def options(args: tuple[str, ...]) -> tuple[str | None, bool] | None:
    """(format, json) for `status`'s own options; None for anything else (help, typos), which Typer answers."""
    fmt: str | None = None
    json = False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--json" and not json:
            json = True
        elif arg == "--format" and rest and fmt is None:
            fmt = rest.pop(0)
        elif arg.startswith("--format=") and fmt is None:
            fmt = arg.split("=", 1)[1]
        else:
            return None
    return fmt, json


def fast(args: tuple[str, ...]) -> bool:
    """Run `selfcare status ...` without Typer when its options allow; False when they do not."""
    parsed = options(args)
    if parsed is None:
        return False
    guarded(lambda: status(*parsed))
    return True
