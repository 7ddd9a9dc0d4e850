"""A simulated quarter of practice, as an export file that `selfcare import` reads.

Ninety days to 27 November 2026 for someone with a stiff neck: practice on
most days, a few rest days while travelling, two sessions with professionals,
pain before sessions easing from about 6 to about 3, one week with a single
rated session (a gap in the weekly trends, never a zero) and a red flag for
pain logged at 7/10. Seeded, so every run writes the same file.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

LAST = date(2026, 11, 27)
DAYS = 90
FIRST = LAST - timedelta(days=DAYS - 1)
TRAVEL = {date(2026, 10, 20) + timedelta(days=i) for i in range(3)}
SPARSE_WEEK = date(2026, 10, 12)  # this week has one rated session only
ROUTINES = [
    ("neck-trap-knead", "stretch-chin-tuck", "breath-relaxed"),
    ("neck-fingertip-circles", "stretch-cross-body-shoulder", "med-three-minute"),
    ("shoulders-ball-wall-blades", "stretch-neck-side-bend", "breath-resonance"),
    ("neck-suboccipital-hold", "stretch-thoracic-hug"),
]
SECONDS = {
    "neck-trap-knead": 85,
    "stretch-chin-tuck": 90,
    "breath-relaxed": 205,
    "neck-fingertip-circles": 145,
    "stretch-cross-body-shoulder": 130,
    "med-three-minute": 180,
    "shoulders-ball-wall-blades": 115,
    "stretch-neck-side-bend": 130,
    "breath-resonance": 309,
    "neck-suboccipital-hold": 130,
    "stretch-thoracic-hug": 90,
}
NOTES = {date(2026, 9, 12): "after the long drive", date(2026, 11, 2): "desk moved by the window"}
PROS = [
    (date(2026, 9, 18), "massage-therapist", 60, "tight left trapezius"),
    (date(2026, 10, 30), "physiotherapist", 45, "chin tucks twice a day"),
]
HIGH_PAIN = date(2026, 9, 3)


def _session(n: int, day: date, **fields: Any) -> dict[str, Any]:
    practices = list(fields.pop("practices", ()))
    seconds = [SECONDS[p] for p in practices]
    base = {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "date": day.isoformat(),
        # Evenings, but the morning on the last day: the tests' clock stands at 09:00 on it.
        "logged_at": f"{day.isoformat()}T{'08' if day == LAST else '18'}:30:00+01:00",
        "practices": practices,
        "practice_seconds": seconds,
        "seconds": sum(seconds),
        "pain_before": None,
        "pain_after": None,
        "stress_before": None,
        "stress_after": None,
        "note": None,
        "pro": None,
        "source": "manual",
        "too_intense": [],
        "partial": [],
        "skipped": [],
        "skipped_seconds": [],
    }
    base.update(fields)
    return base


def quarter() -> dict[str, Any]:
    rng = random.Random(18)
    sessions: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for i in range(DAYS):
        day = FIRST + timedelta(days=i)
        if day in TRAVEL or (i > 0 and rng.random() < 0.17 and day not in NOTES):
            continue
        progress = i / (DAYS - 1)
        fields: dict[str, Any] = {"practices": ROUTINES[i % len(ROUTINES)]}
        sparse = SPARSE_WEEK <= day < SPARSE_WEEK + timedelta(days=7)
        if (day == SPARSE_WEEK + timedelta(days=1)) or (not sparse and rng.random() < 0.75):
            before = max(1, min(9, round(6.2 - 3 * progress + rng.uniform(-1, 1))))
            fields["pain_before"] = 7 if day == HIGH_PAIN else before
            fields["pain_after"] = max(0, fields["pain_before"] - rng.choice((1, 2, 2, 3)))
        if not sparse and rng.random() < 0.5:
            stress = max(1, min(9, round(5.5 - 2 * progress + rng.uniform(-1.5, 1.5))))
            fields["stress_before"] = stress
            fields["stress_after"] = max(0, stress - rng.choice((1, 2, 3)))
        if day in NOTES:
            fields["note"] = NOTES[day]
        sessions.append(_session(len(sessions), day, **fields))
        if day == HIGH_PAIN:
            flags.append(
                {
                    "session_id": sessions[-1]["id"],
                    "date": day.isoformat(),
                    "rule": "high-pain",
                    "area": None,
                    "message": "You logged pain of 7/10.",
                }
            )
    for day, pro, minutes, note in PROS:
        sessions.append(_session(len(sessions), day, pro=pro, seconds=minutes * 60, note=note))
        sessions[-1]["logged_at"] = f"{day.isoformat()}T11:00:00+01:00"
    return {
        "format": "selfcare-log",
        "version": 1,
        "exported_at": f"{LAST.isoformat()}T09:00:00+01:00",
        "sessions": sessions,
        "rest_days": [{"date": d.isoformat(), "reason": "travelling"} for d in sorted(TRAVEL)],
        "flags": flags,
    }


def write(path: Path) -> Path:
    path.write_text(json.dumps(quarter(), indent=1))
    return path
