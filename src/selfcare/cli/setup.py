"""The interactive part of `selfcare profile setup`: prompts and the health screen."""

from __future__ import annotations

from typing import Any

from .. import models, paths
from .. import profile as profiles
from ..errors import SelfcareError
from ..models import Profile
from .common import load_profile

DISCLAIMER = (
    "selfcare suggests gentle self-care; it is not medical advice and does not diagnose "
    "or treat anything. Stop any practice that hurts, makes you dizzy or feels wrong. "
    "If you notice a red flag (new numbness or weakness, chest pain, a sudden severe "
    "headache, pain after a fall, fever with a stiff neck; see 'selfcare red-flags'), "
    "stop and see a clinician."
)


def _ask(prompt: str, key: str, default: str) -> object:
    from rich.prompt import Prompt

    from ..render import _text, console

    while True:
        answer = Prompt.ask(prompt, default=default, console=console())
        try:
            return profiles.parse_value(key, answer)
        except SelfcareError as exc:
            console().print(_text(exc.message, "red"))


def health_screen(current: tuple[str, ...]) -> tuple[str, ...]:
    """Ask each question; 'not sure' counts as yes, to be safe."""
    from rich.prompt import Prompt

    from ..render import console

    out = console()
    out.print("\n[bold]A short health screen[/] (y = yes, n = no, ? = not sure, treated as yes to be safe)")
    found: list[str] = []
    for cid, (_label, question) in models.CONDITIONS.items():
        default = "y" if cid in current else "n"
        answer = Prompt.ask(question, choices=["y", "n", "?"], default=default, console=out)
        if answer in ("y", "?"):
            found.append(cid)
    return tuple(found)


def run_setup(given: dict[str, str | None]) -> Profile:
    from ..render import _text, console

    profile, _ = load_profile()
    out = console()
    values: dict[str, Any] = {}
    for key, value in given.items():
        if value is not None:
            values[key] = profiles.parse_value(key, value)
    if len(values) < len(given):
        out.print(DISCLAIMER, highlight=False)
        out.print()
    prompts = {
        "areas": f"Which areas bother you? ({', '.join(models.AREAS)})",
        "goals": f"What do you want? ({', '.join(models.GOALS)})",
        "minutes": "How many minutes a day?",
        "days_per_week": "How many days a week do you aim for?",
        "day_starts_at": "When does your day start? (a session before this counts for the day before)",
    }
    current = profile.to_dict()
    for key, prompt in prompts.items():
        if key not in values:
            shown = current[key]
            default = ",".join(shown) if isinstance(shown, list) else str(shown)
            values[key] = _ask(prompt, key, default)
    if "conditions" not in values:
        values["conditions"] = health_screen(profile.conditions)
    profile = profile._replace(acknowledged=True, **values)
    profiles.save(paths.config_file(), profile)
    out.print(_text(f"Saved your profile in {paths.config_file()}", "green"))
    if profile.conditions:
        labels = ", ".join(models.CONDITIONS[c][0] for c in profile.conditions)
        out.print(f"Plans will leave out or soften practices for: {labels}.", highlight=False)
    out.print("Next: 'selfcare today'", highlight=False)
    return profile
