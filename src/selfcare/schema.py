"""The routine file format as a JSON Schema, built from the vocabularies in models.py.

routines/schema.json is this module's output (`python -m selfcare.schema`);
a test keeps the two in step, and another checks that the schema accepts
every built-in file.
"""

from __future__ import annotations

import json
from typing import Any

from . import models


def _words(vocab: Any, description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"enum": list(vocab)}, "uniqueItems": True, "description": description}


def _text(limit: int, description: str) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": limit, "description": description}


def _seconds(lo: float, description: str, *, whole: bool = False) -> dict[str, Any]:
    if whole:
        return {"type": "integer", "minimum": lo, "maximum": 3600, "description": description}
    return {"type": "number", "minimum": lo, "maximum": 30, "multipleOf": 0.5, "description": description}


def json_schema() -> dict[str, Any]:
    step = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text", "seconds"],
        "properties": {
            "text": _text(1000, "What to do, in words a person can follow with eyes half closed."),
            "seconds": _seconds(1, "How long the step lasts.", whole=True),
            "side": {"enum": list(models.SIDES), "description": "both: done on the left, then on the right."},
            "repeat": {"type": "integer", "minimum": 1, "maximum": 20, "description": "How many times in a row."},
        },
    }
    pacing = {
        "type": "object",
        "additionalProperties": False,
        "required": ["inhale", "exhale", "cycles"],
        "properties": {
            "inhale": _seconds(0.5, "Seconds breathing in."),
            "top_up": _seconds(0, "Seconds of a second, short inhale (cyclic sighing)."),
            "hold_in": _seconds(0, "Seconds holding after the inhale."),
            "exhale": _seconds(0.5, "Seconds breathing out."),
            "hold_out": _seconds(0, "Seconds holding after the exhale."),
            "cycles": {"type": "integer", "minimum": 1, "maximum": 100, "description": "How many breaths."},
            "min_cycles": {
                "type": "integer",
                "minimum": 1,
                "maximum": 100,
                "description": "The fewest breaths that still make the practice's dose (at most `cycles`); "
                "nothing shortens it below that.",
            },
        },
    }
    reps = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text", "count"],
        "properties": {
            "text": _text(1000, "What one repetition is."),
            "count": {
                "type": "integer",
                "minimum": 1,
                "maximum": 30,
                "description": "Repetitions in a set (on each side, with side: both).",
            },
            "sets": {
                "type": "integer",
                "minimum": 1,
                "maximum": models.MAX_SETS,
                "default": 1,
                "description": "How many sets; two or more need a rest between them.",
            },
            "move": _seconds(0.5, "Seconds moving into the position (default 2)."),
            "hold": _seconds(0, "Seconds holding it (default 0)."),
            "ease": _seconds(0.5, "Seconds easing back (default 2)."),
            "rest": {
                "type": "integer",
                "minimum": 10,
                "maximum": 180,
                "description": "Seconds of rest between sets; only with two or more sets.",
            },
            "side": {"enum": list(models.SIDES), "description": "both: each set on the left, then on the right."},
        },
    }
    caution = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text"],
        "properties": {
            "text": _text(500, "The caution."),
            "conditions": dict(_words(models.CONDITIONS, "The conditions it speaks to."), minItems=1),
            "stop": {"type": "boolean", "default": False, "description": "A stop rule: stop at once if ..."},
        },
    }
    practice = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name", "kind", "areas", "goals", "summary"],
        "anyOf": [{"required": ["steps"]}, {"required": ["pacing"]}, {"required": ["reps"]}],
        "allOf": [
            {
                "if": {"properties": {"kind": {"not": {"const": "breathing"}}}},
                "then": {"not": {"required": ["pacing"]}},
            },
            {
                "if": {"properties": {"kind": {"not": {"const": "exercise"}}}},
                "then": {"not": {"required": ["reps"]}},
            },
            {
                "if": {
                    "properties": {"kind": {"enum": [k for k in models.KINDS if k not in ("breathing", "exercise")]}}
                },
                "then": {"required": ["steps"]},
            },
        ],
        "properties": {
            "id": {
                "type": "string",
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                "maxLength": 64,
                "description": "kebab-case, unique across all libraries; a user practice with a built-in id replaces it.",
            },
            "name": _text(80, "A short name."),
            "kind": {"enum": list(models.KINDS)},
            "areas": dict(_words(models.AREAS, "Body areas."), minItems=1),
            "goals": dict(_words(models.GOALS, "What it serves."), minItems=1),
            "summary": _text(500, "One sentence: what it is and what it is for."),
            "steps": {"type": "array", "items": step, "description": "The steps, in order."},
            "pacing": pacing,
            "reps": reps,
            "intensity": {
                "enum": list(models.INTENSITIES),
                "default": "moderate",
                "description": "Pressure or effort. Left out, it is read as moderate, the safe reading.",
            },
            "position": {
                "enum": [*models.POSITIONS, *models.POSITION_ALIASES],
                "default": "sitting",
                "description": "Where the body is. 'lying', from older files, is read as lying-back.",
            },
            "movements": _words(models.MOVEMENTS, "What it does that some conditions must avoid."),
            "equipment": _words(models.EQUIPMENT, "What you need."),
            "avoid_if": _words(models.CONDITIONS, "Never planned with these conditions."),
            "care_if": _words(models.CONDITIONS, "Planned with care: the gentler variant, or shown with its cautions."),
            "gentler": {
                "type": "string",
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                "description": "Id of a gentler variant.",
            },
            "family": {
                "type": "string",
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                "maxLength": 64,
                "description": "Practices that are variants of one pattern share a family; a session holds one of them.",
            },
            "prefer_if": _words(
                models.CONDITIONS,
                "Conditions it is written for (a daily foot check for diabetes): planned first for people who "
                "have one. Never one of its avoid_if.",
            ),
            "cautions": {
                "oneOf": [
                    _text(500, "A caution."),
                    {"type": "array", "items": {"oneOf": [_text(500, "A caution."), caution]}},
                ],
                "description": "Shown before the practice: texts, or {text, conditions, stop} mappings.",
            },
            "evidence": {
                "type": "object",
                "additionalProperties": False,
                "required": ["note", "source"],
                "properties": {
                    "note": _text(500, "A short, modest statement."),
                    "source": _text(300, "Where it comes from."),
                },
            },
        },
    }
    routine = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "practices"],
        "properties": {
            "name": {
                "type": "string",
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                "maxLength": 64,
                "description": "kebab-case; used as 'selfcare start NAME'. Not a practice's id.",
            },
            "practices": {
                "type": "array",
                "minItems": 1,
                "maxItems": 30,
                "uniqueItems": True,
                "items": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 64},
                "description": "Practice ids, in the order they are played.",
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "selfcare routine file",
        "description": "A list of self-care practices (self-massage, stretches, gentle exercise, breathing "
        "exercises and meditations) and of named routines.",
        "type": "object",
        "additionalProperties": False,
        "anyOf": [{"required": ["practices"]}, {"required": ["routines"]}],
        "properties": {
            "title": _text(200, "A label for the file."),
            "practices": {"type": "array", "items": practice},
            "routines": {"type": "array", "items": routine, "description": "Named routines of practice ids."},
        },
    }


def vocabulary_markdown() -> str:
    """The word lists as routines/README.md shows them."""
    lines = [
        f"- **kinds:** {', '.join(f'`{w}`' for w in models.KINDS)}",
        f"- **areas:** {', '.join(f'`{w}`' for w in models.AREAS)}",
        f"- **goals:** {', '.join(f'`{w}`' for w in models.GOALS)}",
        f"- **conditions:** {', '.join(f'`{w}`' for w in models.CONDITIONS)}",
        f"- **equipment:** {', '.join(f'`{w}`' for w in models.EQUIPMENT)}",
        f"- **intensity:** {', '.join(f'`{w}`' for w in models.INTENSITIES)}",
        f"- **position:** {', '.join(f'`{w}`' for w in models.POSITIONS)}",
        f"- **movements:** {', '.join(f'`{w}`' for w in models.MOVEMENTS)}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(json_schema(), indent=2))
