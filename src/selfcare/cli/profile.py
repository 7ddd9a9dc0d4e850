"""`selfcare profile setup / show / set`."""

from __future__ import annotations

from typing import Annotated

from .. import paths
from . import complete
from .common import load_profile
from .registry import Argument, Option, command


@command("show", group="profile")
def show(json: Annotated[bool, Option("--json", help="Print JSON.")] = False) -> None:
    """Show your profile (or the defaults, before you set one up).

    Example: selfcare profile show --json
    """
    from .. import render
    from .common import pull_first

    pull_first()  # a key changed on another device shows here
    profile, saved = load_profile()
    if json:
        render.print_json(dict(profile.to_dict(), saved=saved))
    else:
        render.profile_view(profile, str(paths.config_file()), saved)


@command("set", group="profile")
def set_(
    key: Annotated[
        str,
        Argument(
            metavar="KEY",
            help="areas, goals, minutes, days_per_week, conditions, day_starts_at, equipment, injured or quiet_hours.",
            autocompletion=complete.profile_keys,
        ),
    ],
    value: Annotated[
        str,
        Argument(
            metavar="VALUE",
            help="The new value; lists are comma-separated ('neck,shoulders'); 'none' empties conditions or quiet_hours.",
            autocompletion=complete.profile_values,
        ),
    ],
) -> None:
    """Change one setting of your profile.

    Example: selfcare profile set areas neck,shoulders
    """
    from .. import profile as profiles
    from .. import render
    from .common import disclaimer_once

    profile, _ = load_profile()
    key = key.strip().lower().replace("-", "_")  # days-per-week reads as days_per_week
    updated = profiles.with_value(profile, key, value)
    disclaimer_once(profile.acknowledged)
    profiles.save(paths.config_file(), updated._replace(acknowledged=True))
    from .common import pull_first

    pull_first()  # with sync set up, the new value goes to the other devices now
    shown = updated.to_dict()[key]
    text = ", ".join(shown) if isinstance(shown, list) else str(shown)
    render.console().print(render._text(f"{key}: {text or 'none'}"))


@command("setup", group="profile")
def setup(
    areas: Annotated[
        str | None,
        Option(
            metavar="AREAS", help="Body areas, comma-separated (neck,shoulders,feet...).", autocompletion=complete.areas
        ),
    ] = None,
    goals: Annotated[
        str | None,
        Option(
            metavar="GOALS", help="Goals, comma-separated (tension,stress,sleep...).", autocompletion=complete.goals
        ),
    ] = None,
    minutes: Annotated[int | None, Option(help="Minutes a day.")] = None,
    days_per_week: Annotated[int | None, Option("--days-per-week", help="Days a week you aim for (1-7).")] = None,
    conditions: Annotated[
        str | None,
        Option(
            metavar="CONDITIONS",
            help="Health conditions, comma-separated, or 'none'.",
            autocompletion=complete.conditions,
        ),
    ] = None,
    day_starts_at: Annotated[
        str | None, Option("--day-starts-at", metavar="HH:MM", help="When your day starts (default 04:00).")
    ] = None,
    equipment: Annotated[
        str | None,
        Option(
            metavar="THINGS",
            help="What you have to hand, comma-separated (tennis-ball,band...); a wall and a chair count.",
            autocompletion=complete.equipment,
        ),
    ] = None,
    injured: Annotated[
        str | None,
        Option(
            metavar="AREAS",
            help="With a recent injury: the injured areas, comma-separated.",
            autocompletion=complete.areas,
        ),
    ] = None,
) -> None:
    """Set up your profile, asking for what the options do not give.

    Every answer can be given as an option, so it can be scripted.

    Example: selfcare profile setup --areas neck,shoulders --goals tension --minutes 10 --conditions none
    """
    from .setup import run_setup

    given = {
        "areas": areas,
        "goals": goals,
        "minutes": None if minutes is None else str(minutes),
        "days_per_week": None if days_per_week is None else str(days_per_week),
        "conditions": conditions,
        "day_starts_at": day_starts_at,
        "equipment": equipment,
        "injured": injured,
    }
    run_setup(given)
    from .common import pull_first

    pull_first()  # with sync set up, the profile goes to the other devices now
