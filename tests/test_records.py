"""selfcare's records are built without typing.NamedTuple's cost: they must behave as it does."""

from __future__ import annotations

import copy
import types
import typing

import pytest

from selfcare import models, records


def _define(base: object, name: str, body: dict[str, object]) -> type:
    """`class name(base): body`, for a base given as a value."""
    return types.new_class(name, (base,), {}, lambda ns: ns.update(body))


def _twice(self: typing.Any) -> int:
    return self.x * 2


POINT = {
    "__module__": __name__,
    "__qualname__": "Point",
    "__doc__": "A point.",
    "__annotations__": {"x": "int", "y": "str"},
    "y": "d",
    "twice": _twice,
    "shown": property(lambda self: f"{self.x}{self.y}"),
}


@pytest.mark.parametrize("base", [records.NamedTuple, typing.NamedTuple], ids=["selfcare", "typing"])
def test_a_record_is_what_typing_namedtuple_makes(base: object) -> None:
    point = _define(base, "Point", POINT)
    p = point(2)
    assert (p, p.twice(), p.shown, point.__doc__, point._fields, point._field_defaults) == (
        (2, "d"),
        4,
        "2d",
        "A point.",
        ("x", "y"),
        {"y": "d"},
    )
    assert p._replace(y="e") == (2, "e") and p._asdict() == {"x": 2, "y": "d"} and isinstance(p, tuple)
    assert point.__module__ == __name__ and point.__qualname__ == "Point"


@pytest.mark.parametrize("base", [records.NamedTuple, typing.NamedTuple], ids=["selfcare", "typing"])
def test_a_field_without_a_default_after_one_with_is_refused(base: object) -> None:
    with pytest.raises(TypeError):
        _define(base, "Bad", {"__module__": __name__, "__annotations__": {"x": "int", "y": "int"}, "x": 1})


def test_the_records_copy_and_replace_as_tuples() -> None:
    caution = models.Caution("Stop if it hurts.", ("pregnancy",), stop=True)
    assert copy.deepcopy(caution) == caution
    assert type(caution).__module__ == "selfcare.models" and caution._replace(stop=False).stop is False
