"""`selfcare status`: run before every prompt, so it imports neither Typer, rich nor YAML
(a test checks)."""

from __future__ import annotations

import sys
from typing import Annotated

from .common import load_profile
from .registry import Option, command


@command("status")
def status(
    format: Annotated[
        str | None,
        Option(
            "--format",
            metavar="TEMPLATE",
            help="A line of your own: {streak}, {done}, {minutes}, {minutes_done}, {week}, {flag}, {nudge}, {line}.",
        ),
    ] = None,
    json: Annotated[bool, Option("--json", help="JSON for bars (waybar's text, tooltip, class).")] = False,
) -> None:
    """One short line for your prompt or status bar: done today or minutes planned, the streak, a red flag.

    Example: selfcare status --format '{done} {streak}d'
    """
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
    text = render(result, format)
    sys.stdout.write((to_json(result.to_dict(text), indent=None) if json else clean(text)) + "\n")
