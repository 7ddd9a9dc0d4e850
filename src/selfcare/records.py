"""`NamedTuple` for selfcare's records, without typing's cost at start-up.

typing.NamedTuple checks each field's annotation twice, and with postponed
annotations each check compiles the annotation's text: about 3 ms of every
command's start for the sixty-odd records selfcare defines, measured with
`python -X importtime`. The records need none of it: their annotations are for
the type checker, which sees typing.NamedTuple itself. At run time a record is
collections.namedtuple with the class body's methods, properties, docstring
and defaults, as typing.NamedTuple makes it, and annotations kept as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from collections import namedtuple

    # Set by collections.namedtuple itself, or not to be copied from the class body.
    _OWN = frozenset(("__module__", "__qualname__", "__annotations__"))
    _REFUSED = frozenset(
        (
            "__new__",
            "__init__",
            "__slots__",
            "__getnewargs__",
            "_fields",
            "_field_defaults",
            "_make",
            "_replace",
            "_asdict",
        )
    )

    class _RecordMeta(type):
        def __new__(cls, typename, bases, ns):
            annotations = ns.get("__annotations__", {})
            defaults = []
            for name in annotations:
                if name in ns:
                    defaults.append(ns[name])
                elif defaults:
                    raise TypeError(f"{typename}: field {name} without a default follows one with a default")
            record = namedtuple(typename, list(annotations), defaults=defaults, module=ns.get("__module__"))
            record.__annotations__ = dict(annotations)
            record.__qualname__ = ns.get("__qualname__", typename)
            for key, value in ns.items():
                if key in _REFUSED:
                    raise AttributeError(f"{typename}: cannot overwrite the record's {key}")
                if key not in _OWN and key not in annotations:
                    setattr(record, key, value)
            return record

    # `class Point(NamedTuple): ...` runs _RecordMeta, which returns the named tuple itself.
    NamedTuple = type.__new__(_RecordMeta, "NamedTuple", (), {})

__all__ = ["NamedTuple"]
