"""The profile: config.yaml, its keys, and how their values are read.

The same parsers serve `profile set`, `profile setup` and the planning
options of `today`/`start`, so a value is checked one way everywhere.
config.yaml is written atomically and privately (0600); a damaged file is
named and never overwritten behind the person's back.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import models
from .errors import EnvironmentFault, SelfcareError, unknown
from .models import Profile

if TYPE_CHECKING:
    from pathlib import Path

KEYS = (
    "areas",
    "goals",
    "minutes",
    "days_per_week",
    "conditions",
    "day_starts_at",
    "equipment",
    "injured",
    "quiet_hours",
)
MINUTES_RANGE = (1, 120)
MAX_CONFIG_BYTES = 64 * 1024  # a profile is a few hundred bytes
_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")  # ASCII digits only: int() would read "٩" too


def parse_words(
    value: str, vocab: dict[str, Any] | tuple[str, ...], what: str, *, allow_empty: bool
) -> tuple[str, ...]:
    """'neck, shoulders' -> ('neck', 'shoulders'), each checked against vocab."""
    text = value.strip().lower()
    if text in ("", "none", "-"):
        if allow_empty:
            return ()
        raise SelfcareError(f"give at least one {what}; choose from: {', '.join(vocab)}")
    words: list[str] = []
    for raw in text.split(","):
        word = raw.strip()
        if not word:
            continue
        if word not in vocab:
            raise SelfcareError(unknown(what, word, vocab))
        if word not in words:
            words.append(word)
    return tuple(words)


def parse_int(value: str | int, what: str, lo: int, hi: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SelfcareError(f"{what} must be a whole number from {lo} to {hi}, not '{value}'") from None
    if not lo <= number <= hi:
        raise SelfcareError(f"{what} must be from {lo} to {hi}, not {number}")
    return number


def parse_time(value: str, what: str = "day_starts_at") -> str:
    match = _TIME.match(str(value).strip())
    if not match:
        raise SelfcareError(f"{what} must be a time like 04:00, not '{value}'")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_value(key: str, value: str) -> Any:
    """A `profile set KEY VALUE` value, checked; raises SelfcareError."""
    if key == "areas":
        return parse_words(value, models.AREAS, "area", allow_empty=False)
    if key == "goals":
        return parse_words(value, models.GOALS, "goal", allow_empty=False)
    if key == "conditions":
        return parse_words(value, models.CONDITIONS, "condition", allow_empty=True)
    if key == "minutes":
        return parse_int(value, "minutes", *MINUTES_RANGE)
    if key == "days_per_week":
        return parse_int(value, "days_per_week", 1, 7)
    if key == "day_starts_at":
        return parse_time(value)
    if key == "equipment":
        return parse_words(value, models.EQUIPMENT, "equipment", allow_empty=True)
    if key == "injured":
        return parse_words(value, models.AREAS, "area", allow_empty=True)
    if key == "quiet_hours":
        from .habit import parse_quiet_hours

        return parse_quiet_hours(value)
    raise SelfcareError(unknown("key", key, KEYS))


def with_value(profile: Profile, key: str, value: str) -> Profile:
    return profile._replace(**{key: parse_value(key, value)})


# --- config.yaml ------------------------------------------------------------


def load(path: Path, cache: Path | None = None) -> Profile | None:
    """The saved profile, or None when there is none yet.

    With `cache`, the parsed profile is kept as JSON keyed on the file's whole
    text (it is small), so a normal run does not import YAML at all and an edit
    is seen at once, whatever the file system's clock resolution.
    """
    from .bounded import Unreadable, read_bytes

    try:
        raw = read_bytes(path, MAX_CONFIG_BYTES, "profiles")
    except Unreadable as exc:
        if exc.missing:
            return None
        if exc.environment:
            raise EnvironmentFault(f"{path}: {exc.problem}") from None
        raise SelfcareError(
            f"{path}: {exc.problem}; fix it, or move it away and run 'selfcare profile setup'"
        ) from None
    key = [str(path), raw.decode("utf-8", "replace")]
    if cache is not None:
        cached = _read_cache(cache, key)
        if cached is not None:
            return cached
    profile = _parse(path, raw)
    if cache is not None and profile is not None:
        _write_cache(cache, key, profile)
    return profile


def _read_cache(cache: Path, key: list[Any]) -> Profile | None:
    from . import jsoncache

    values = jsoncache.read(cache, key)
    if values is None:
        return None
    try:
        return Profile(
            areas=tuple(values["areas"]),
            goals=tuple(values["goals"]),
            minutes=int(values["minutes"]),
            days_per_week=int(values["days_per_week"]),
            conditions=tuple(values["conditions"]),
            day_starts_at=str(values["day_starts_at"]),
            equipment=tuple(values["equipment"]),
            injured=tuple(values["injured"]),
            quiet_hours=str(values.get("quiet_hours", models.DEFAULT_QUIET_HOURS)),
            acknowledged=bool(values["acknowledged"]),
        )
    except (KeyError, TypeError, ValueError):
        return None  # damaged: read config.yaml


def _write_cache(cache: Path, key: list[Any], profile: Profile) -> None:
    from . import jsoncache

    jsoncache.write(cache, key, dict(profile.to_dict(), acknowledged=profile.acknowledged))


def _parse(path: Path, raw: bytes) -> Profile | None:
    from .bounded import load_yaml

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SelfcareError(f"{path}: is not UTF-8 text (byte {exc.start}); fix it or move it away") from None
    try:
        data = load_yaml(text, str(path))
    except SelfcareError as exc:
        raise SelfcareError(f"{exc.message}; fix it, or move it away and run 'selfcare profile setup'") from None
    if data is None:
        return None
    if not isinstance(data, dict):
        raise SelfcareError(f"{path}: must be a mapping of keys like 'areas:'; fix it or move it away")
    return from_dict(data, path)


def from_dict(data: dict[str, Any], path: Path) -> Profile:
    profile = Profile()
    for key, value in data.items():
        if key == "acknowledged_disclaimer":
            profile = profile._replace(acknowledged=bool(value))
            continue
        if key not in KEYS:
            raise SelfcareError(f"{path}: {unknown('key', str(key), KEYS)}")
        if key == "day_starts_at" and isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 04:00 as the sexagesimal number 240.
            value = "{:02d}:{:02d}".format(*divmod(value, 60)) if 0 <= value < 24 * 60 else str(value)
        if isinstance(value, list):
            text = ",".join(str(v) for v in value)
        elif value is None:
            text = ""
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value)
        else:
            raise SelfcareError(
                f"{path}: '{key}' has a value of the wrong type; fix it or run 'selfcare profile set {key} ...'"
            )
        try:
            profile = profile._replace(**{key: parse_value(key, text)})
        except SelfcareError as exc:
            raise SelfcareError(f"{path}: {key}: {exc.message}") from None
    return profile


def dump(profile: Profile) -> str:
    def words(items: tuple[str, ...]) -> str:
        return "[" + ", ".join(items) + "]"

    lines = [
        "# selfcare profile; change it with 'selfcare profile set KEY VALUE'",
        f"areas: {words(profile.areas)}",
        f"goals: {words(profile.goals)}",
        f"minutes: {profile.minutes}",
        f"days_per_week: {profile.days_per_week}",
        f"conditions: {words(profile.conditions)}",
        f'day_starts_at: "{profile.day_starts_at}"',
        f"equipment: {words(profile.equipment)}",
        f"injured: {words(profile.injured)}",
        f'quiet_hours: "{profile.quiet_hours or "none"}"',
        f"acknowledged_disclaimer: {'true' if profile.acknowledged else 'false'}",
    ]
    return "\n".join(lines) + "\n"


def save(path: Path, profile: Profile) -> None:
    from .paths import atomic_write

    atomic_write(path, dump(profile))
