"""The interactive part of `selfcare profile setup`: prompts and the health screen."""

from __future__ import annotations

from typing import Any

from .. import models, paths
from .. import profile as profiles
from ..errors import SelfcareError
from ..models import Profile
from .common import disclaimer_once, load_profile

NEEDS_ANSWERS = (
    "the health screen needs an answer to each question: run 'selfcare profile setup' "
    "in a terminal, or give --conditions (a list, or 'none')"
)
ANSWERS = {"y": True, "yes": True, "?": True, "not sure": True, "n": False, "no": False}


_ended: set[str] = set()  # holds "input" once the input has ended in this run: no more questions are shown


def _prompt(question: str, default: str) -> str | None:
    """One answer, or None when the input has ended (a script, or stdin from /dev/null)."""
    from rich.prompt import Prompt

    from ..render import console

    if _ended:
        return None
    try:
        return Prompt.ask(question, default=default, console=console())
    except EOFError:
        console().print()
        _ended.add("input")
        return None


def _ask(prompt: str, key: str, default: str) -> object | None:
    """A checked value for `key`, asked until it is valid; None when the input has ended."""
    from ..render import _text, console

    while True:
        answer = _prompt(prompt, default)
        if answer is None:
            return None
        try:
            value: object = profiles.parse_value(key, answer)
        except SelfcareError as exc:
            console().print(_text(exc.message, "red"))
            continue
        return value


def health_screen(current: tuple[str, ...]) -> tuple[str, ...]:
    """Ask each question; 'not sure' counts as yes, to be safe."""
    from ..render import _text, console

    out = console()
    if _ended:
        raise SelfcareError(NEEDS_ANSWERS)
    out.print("\n[bold]A short health screen[/] (y = yes, n = no, ? = not sure, treated as yes to be safe)")
    found: list[str] = []
    for cid, (_label, question) in models.CONDITIONS.items():
        default = "y" if cid in current else "n"
        while True:
            answer = _prompt(f"{question} [dim](y/n/?)[/]", default)
            if answer is None:
                raise SelfcareError(NEEDS_ANSWERS)
            if answer.strip().lower() in ANSWERS:
                break
            out.print(_text("answer y (yes), n (no) or ? (not sure)", "red"))
        if ANSWERS[answer.strip().lower()]:
            found.append(cid)
    return tuple(found)


def run_setup(given: dict[str, str | None]) -> Profile:
    from ..render import _text, console

    _ended.clear()
    profile, _ = load_profile()
    out = console()
    values: dict[str, Any] = {}
    for key, value in given.items():
        if value is not None:
            values[key] = profiles.parse_value(key, value)
    disclaimer_once(profile.acknowledged)
    prompts = {
        "areas": f"Which areas bother you? ({', '.join(models.AREAS)})",
        "goals": f"What do you want? ({', '.join(models.GOALS)})",
        "minutes": "How many minutes a day?",
        "days_per_week": "How many days a week do you aim for?",
        "day_starts_at": "When does your day start? (a session before this counts for the day before)",
    }
    current = profile.to_dict()
    defaulted: list[str] = []
    for key, prompt in prompts.items():
        if key not in values:
            shown = current[key]
            default = ",".join(shown) if isinstance(shown, list) else str(shown)
            answer = _ask(prompt, key, default)
            if answer is None:  # no more answers: keep what is there, and say so below
                answer = profiles.parse_value(key, default)
                defaulted.append(f"{key} {default}")
            values[key] = answer
    if "conditions" not in values:
        values["conditions"] = health_screen(profile.conditions)
    later = {
        "injured": f"Where is the injury? ({', '.join(models.AREAS)}; Enter if you are not sure)",
        "equipment": f"What do you have to hand? ({', '.join(e for e in models.EQUIPMENT if e not in ('wall', 'chair'))};"
        " a wall and a chair are counted already)",
    }
    for key, prompt in later.items():
        if key in values or (key == "injured" and "recent-injury" not in values["conditions"]):
            continue
        shown = current[key]
        default = ",".join(shown) if shown else "none"
        answer = _ask(prompt, key, default)
        if answer is None:
            answer = profiles.parse_value(key, default)
            defaulted.append(f"{key} {default}")
        values[key] = answer
    if "equipment" in values:
        values["equipment"] = tuple(dict.fromkeys(("wall", "chair", *values["equipment"])))
    profile = profile._replace(acknowledged=True, **values)
    profiles.save(paths.config_file(), profile)
    out.print(_text(f"Saved your profile in {paths.config_file()}", "green"))
    if defaulted:
        out.print(_text(f"Not given, so kept as they were: {'; '.join(defaulted)}.", "yellow"))
    if profile.conditions:
        labels = ", ".join(models.CONDITIONS[c][0] for c in profile.conditions)
        out.print(f"Plans will leave out or soften practices for: {labels}.", highlight=False)
    else:
        out.print("Health conditions: none.", highlight=False)
    out.print("Next: 'selfcare today'", highlight=False)
    return profile
