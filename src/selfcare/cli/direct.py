"""Running an ordinary command line without building the Typer command line.

`resolve` reads the words after `selfcare` against the declarations of the
one command they name (selfcare.cli.registry) and returns the function and
its arguments, read exactly as Typer would read them; `run` calls it inside
the one error handler. It reads only what it is sure of: long and short
options given whole (`--minutes 10`, `--minutes=10`, `-m 10`), flags, and
words in the places the command takes them, each value of the kind declared
(a whole number within its bounds, a path, a word). Anything else is
declined (None) and the Typer command line answers it: help, completion, an
unknown or repeated option, a value Typer would refuse (so the message is
Typer's own), `--`, options bundled together. A test checks, for every
command, that what is read here is what Typer reads.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..records import NamedTuple
from . import registry

_WHOLE = re.compile(r"[+-]?[0-9]+")
_NOT_READ = object()  # a value this module leaves to Typer


class Param(NamedTuple):
    name: str  # the function's parameter
    kind: str  # "option" or "argument"
    opts: tuple[str, ...]  # what switches it on (options)
    off: tuple[str, ...]  # what switches a flag off (--x/--no-x)
    value: str  # "bool", "int", "str" or "path"
    many: bool  # a list: a repeated option, or an argument taking every word left
    required: bool
    default: Any
    lo: int | None
    hi: int | None


_REQUIRED = object()  # a parameter with no default


class _Signature(NamedTuple):
    name: str
    annotation: Any
    default: Any


def params(function: Callable[..., Any]) -> list[Param]:
    """The parameters of a declared command, as Typer makes them.

    Read from the function's code and annotations rather than through `inspect`, whose import
    alone costs more than the rest of this module (commands take keyword parameters only).
    """
    from pathlib import Path
    from types import UnionType
    from typing import Annotated, Union, get_args, get_origin, get_type_hints

    hints = get_type_hints(function, include_extras=True)
    code = function.__code__
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    defaults = dict(
        zip(names[len(names) - len(function.__defaults__ or ()) :], function.__defaults__ or (), strict=True)
    )
    defaults |= function.__kwdefaults__ or {}
    found = []
    for name in names:
        p = _Signature(name, hints[name], defaults.get(name, _REQUIRED))
        declared = None
        annotation = p.annotation
        if get_origin(annotation) is Annotated:
            annotation, *extras = get_args(annotation)
            declared = next((e for e in extras if isinstance(e, registry.Param)), None)
        if get_origin(annotation) in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        many = get_origin(annotation) is list
        if many:
            (annotation,) = get_args(annotation)
        value = {bool: "bool", int: "int", str: "str", Path: "path"}[annotation]
        settings = declared.settings if declared is not None else {}
        kind = declared.kind if declared is not None else "argument"
        opts: tuple[str, ...] = ()
        off: tuple[str, ...] = ()
        if kind == "option":
            decls = declared.decls if declared is not None else ()
            for decl in decls or ("--" + p.name.replace("_", "-"),):
                on, _, no = decl.partition("/")
                opts += (on.strip(),)
                off += (no.strip(),) if no else ()
            if value == "bool" and not decls:
                off += ("--no-" + p.name.replace("_", "-"),)
        required = p.default is _REQUIRED
        found.append(
            Param(
                p.name,
                kind,
                opts,
                off,
                value,
                many,
                required,
                None if required else p.default,
                settings.get("min"),
                settings.get("max"),
            )
        )
    return found


class Found(NamedTuple):
    function: Callable[..., Any]
    kwargs: dict[str, Any]


def resolve(args: Sequence[str]) -> Found | None:
    """The command `args` name and its arguments; None for anything left to Typer."""
    if not args or any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return None
    name, rest = args[0], list(args[1:])
    if name not in registry.COMMANDS:
        return None
    words_allowed = True
    if name in registry.GROUPS:
        if rest and rest[0] in registry.subcommands(name):
            function = registry.function(rest[0], name)
            rest = rest[1:]
        elif registry.GROUPS[name].help is None:  # the group's own command: no word is one of its
            function = registry.function(name)
            words_allowed = False
        else:
            return None
    else:
        function = registry.function(name)
    if function is None:
        return None
    kwargs = read(params(function), rest, words_allowed)
    return None if kwargs is None else Found(function, kwargs)


def read(declared: list[Param], args: list[str], words_allowed: bool = True) -> dict[str, Any] | None:
    """The keyword arguments `args` give the parameters `declared`; None if this module declines them."""
    switches = {opt: (p, True) for p in declared if p.kind == "option" for opt in p.opts}
    switches.update({opt: (p, False) for p in declared if p.kind == "option" for opt in p.off})
    given: dict[str, Any] = {}
    words: list[str] = []
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if not word.startswith("-") or word == "-":
            if not words_allowed:
                return None
            words.append(word)
            continue
        name, eq, attached = word.partition("=") if word.startswith("--") else (word, "", "")
        if name not in switches:
            return None  # unknown, bundled (-qm5), help, `--`: Typer's to answer
        param, on = switches[name]
        if param.value == "bool":
            if eq or (param.name in given and given[param.name] != on):
                return None
            given[param.name] = on
            continue
        if eq:
            text = attached
        elif rest and (not rest[0].startswith("-") or rest[0] == "-"):
            text = rest.pop(0)
        else:
            return None
        value = _value(param, text)
        if value is _NOT_READ:
            return None
        if param.many:
            given.setdefault(param.name, []).append(value)
        elif param.name in given:
            return None
        else:
            given[param.name] = value
    if not _place(declared, words, given):
        return None
    kwargs = {}
    for param in declared:
        if param.name in given:
            kwargs[param.name] = given[param.name]
        elif param.required:
            return None
        else:
            kwargs[param.name] = param.default
    return kwargs


def _place(declared: list[Param], words: list[str], given: dict[str, Any]) -> bool:
    """Put the words in the arguments' places, as click does (one argument may take all that is left)."""
    arguments = [p for p in declared if p.kind == "argument"]
    if sum(p.many for p in arguments) > 1:
        return False
    before = [p for p in arguments[: next((i for i, p in enumerate(arguments) if p.many), len(arguments))]]
    after = arguments[len(before) + 1 :] if len(before) < len(arguments) else []
    if len(words) < len(before) + len(after):
        return False
    for param in before:
        value = _value(param, words.pop(0))
        if value is _NOT_READ:
            return False
        given[param.name] = value
    for param in reversed(after):
        value = _value(param, words.pop())
        if value is _NOT_READ:
            return False
        given[param.name] = value
    if len(before) < len(arguments):
        many = arguments[len(before)]
        values = [_value(many, word) for word in words]
        if any(v is _NOT_READ for v in values):
            return False
        if values:
            given[many.name] = values
        elif many.required:
            return False
    elif words:
        return False  # a word too many: Typer says so
    return True


def _value(param: Param, text: str) -> Any:
    if param.value == "str":
        return text
    if param.value == "int":
        stripped = text.strip()
        if not _WHOLE.fullmatch(stripped):
            return _NOT_READ
        number = int(stripped)
        if (param.lo is not None and number < param.lo) or (param.hi is not None and number > param.hi):
            return _NOT_READ
        return number
    # A path: Typer refuses one that exists but cannot be read, and "" (left to it).
    from pathlib import Path

    if not text:
        return _NOT_READ
    try:
        Path(text).stat()
    except OSError:  # missing, a name too long...: the command says what is wrong, as with Typer
        return Path(text)
    return Path(text) if os.access(text, os.R_OK) else _NOT_READ


def run(found: Found) -> int:
    """Run the command inside the one error handler; its exit status."""
    from .guard import guarded, state

    state["debug"] = False
    result = guarded(lambda: found.function(**found.kwargs))
    return result if isinstance(result, int) else 0
