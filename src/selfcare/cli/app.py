"""The Typer side of the command line, built only as far as a command line needs.

`application()` is selfcare itself: a group that knows every command from
selfcare.cli.registry (its name, the first sentence of its help, its panel)
and builds one, from its module's declarations, only when it is asked for.
An ordinary command line does not build even that: `SelfcareRoot.main`, like
the console script, hands it to selfcare.cli.direct first, and Typer answers
only what that declines (help, completion, a mistake to name). `eager()`
builds every command at once, the way the tests compare against.

Errors become exit codes in one place: selfcare.cli.guard.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, get_args, get_origin

import typer
from typer.core import TyperCommand, TyperGroup

from . import registry
from .guard import guarded, state


class SelfcareCommand(TyperCommand):
    """A command whose --help is laid out by selfcare.cli.helptext."""

    def get_help(self, ctx: Any) -> str:
        from .guard import screen_width
        from .helptext import render

        return render(self, ctx, screen_width())


class SelfcareGroup(TyperGroup):
    """Maps every failure to one line on stderr: 2 for bad input, 1 for the environment.

    Shows its help, with exit 0, when called alone. Every command below it gets the same help
    layout and reads whole numbers the same way (see selfcare.cli.inputs).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _adopt(param)
        for command in self.commands.values():
            _adopt(command)

    def summary(self, ctx: Any, name: str) -> str:
        """The first sentence of the help of command `name`, for the list of commands."""
        from .helptext import summary

        command = self.get_command(ctx, name)
        return summary(command.help if command is not None else "")

    def get_help(self, ctx: Any) -> str:
        from .guard import screen_width
        from .helptext import render

        return render(self, ctx, screen_width())

    def list_commands(self, ctx: Any) -> list[str]:
        from .helptext import ORDER

        names = super().list_commands(ctx)
        if ctx.parent is not None:
            return names
        # The order of a day (also the order completion offers them in).
        return sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        # Typer 0.26-0.28 vendors click as typer._click (private); the pin in
        # pyproject.toml (<0.29) keeps this import valid, and a test checks the pin.
        from typer._click import exceptions as click_exc

        def call() -> Any:
            try:
                return super(SelfcareGroup, self).main(
                    args,
                    prog_name,
                    complete_var,
                    standalone_mode=False,
                    windows_expand_args=windows_expand_args,
                    **extra,
                )
            except typer.Abort:
                raise KeyboardInterrupt from None
            except click_exc.NoArgsIsHelpError as exc:
                # `selfcare`, `selfcare routines`...: the help is the answer.
                sys.stdout.write(exc.ctx.get_help() + "\n")
                return 0
            except click_exc.BadParameter as exc:
                if isinstance(exc, click_exc.MissingParameter) or exc.param is None:
                    raise
                from ..errors import SelfcareError
                from .inputs import option_name

                raise SelfcareError(f"{option_name(exc.param)}: {exc.message}") from None

        result = guarded(call, (click_exc.UsageError, click_exc.ClickException))
        code = result if isinstance(result, int) else 0
        if standalone_mode:
            raise SystemExit(code)
        return code


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        print(f"selfcare {__version__}")
        raise typer.Exit()


def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback when something fails.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    state["debug"] = debug


def _adopt(item: Any) -> None:
    """Give a command or group selfcare's help and its reader of whole numbers, all the way down.

    Typer builds plain TyperCommands and TyperGroups for commands registered without a `cls`;
    they take the subclasses here, which add behaviour and no state.
    """
    from .whole import whole_numbers

    if type(item) is TyperCommand:
        item.__class__ = SelfcareCommand
    elif type(item) is TyperGroup:
        item.__class__ = SelfcareGroup
    if hasattr(item, "param_type_name"):  # a parameter
        whole_numbers(item)
        return
    for param in item.params:
        whole_numbers(param)
    for command in getattr(item, "commands", {}).values():
        _adopt(command)


class SelfcareRoot(SelfcareGroup):
    """selfcare itself, built lazily: every command is listed (in the order of a day, with the
    first sentence of its help, from selfcare.cli.registry) without importing its module, and
    built from its declarations only when it runs, or its help or completion is asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*registry.COMMANDS, *(n for n in self.commands if n not in registry.COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in registry.COMMANDS:
            command = typer.main.get_command(_typer_app([cmd_name], SelfcareGroup)).commands[cmd_name]  # type: ignore[attr-defined]
            self.commands[cmd_name] = command
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # Typer suggests a command for a typo from those built so far; here, from every one.
        from typer._click import exceptions as click_exc

        try:
            return self._click_resolve_command(ctx, args)
        except click_exc.UsageError as exc:
            from difflib import get_close_matches

            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if self.suggest_commands and matches:
                suggestions = ", ".join(f"{m!r}" for m in matches)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def summary(self, ctx: Any, name: str) -> str:
        entry = registry.COMMANDS.get(name)
        return entry.summary if entry is not None else super().summary(ctx, name)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        from . import direct

        found = direct.resolve(sys.argv[1:] if args is None else list(args))
        if found is None:
            return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        code = direct.run(found)
        if standalone_mode:
            raise SystemExit(code)
        return code


def _typer_app(names: Iterable[str], cls: type[SelfcareGroup]) -> typer.Typer:
    """selfcare as a Typer app of `cls`, with the commands `names` (and their subcommands) registered."""
    app = typer.Typer(
        cls=cls,
        name="selfcare",
        help=registry.ROOT_HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name in names:
        group = registry.GROUPS.get(name)
        if group is None:
            app.command(name, cls=SelfcareCommand)(_typed(name))
            continue
        settings: dict[str, Any] = {"no_args_is_help": True} if group.no_args_is_help else {}
        if group.help is not None:  # else Typer takes the group's help from its command's docstring
            settings["help"] = group.help
        sub = typer.Typer(cls=SelfcareGroup, **settings)
        if group.help is None:  # the group is a command too (`history`)
            sub.callback(invoke_without_command=True)(_typed(name, group_body=True))
        for command in registry.subcommands(name):
            sub.command(command, cls=SelfcareCommand)(_typed(command, name))
        app.add_typer(sub, name=name)
    return app


def application() -> typer.Typer:
    """selfcare, each command built only when it is needed."""
    return _typer_app((), SelfcareRoot)


def eager() -> typer.Typer:
    """selfcare with every command built at once, from the same declarations."""
    return _typer_app(registry.COMMANDS, SelfcareGroup)


def _typed(name: str, group: str | None = None, *, group_body: bool = False) -> Callable[..., Any]:
    """The declared function of `name`, as Typer reads a command: its Option and Argument
    declarations made typer.Option and typer.Argument. A group's own command (`group_body`)
    runs only when no subcommand is given."""
    function = registry.function(name, group)
    if function is None:
        raise LookupError(f"{group or ''} {name}: declared in the registry, not by its module")
    signature = inspect.signature(function, eval_str=True)
    params = [p.replace(annotation=_typer_annotation(p.annotation)) for p in signature.parameters.values()]
    if group_body:
        params.insert(0, inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context))

    def command(**kwargs: Any) -> Any:
        ctx = kwargs.pop("ctx", None)
        if ctx is not None and ctx.invoked_subcommand is not None:
            return None
        return function(**kwargs)

    command.__name__ = function.__name__
    command.__doc__ = function.__doc__
    command.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    return command


def _typer_annotation(annotation: Any) -> Any:
    if get_origin(annotation) is not Annotated:
        return annotation
    base, *extras = get_args(annotation)
    made = [_typer_param(extra) if isinstance(extra, registry.Param) else extra for extra in extras]
    return Annotated[(base, *made)]


def _typer_param(declared: registry.Param) -> Any:
    make = typer.Option if declared.kind == "option" else typer.Argument
    return make(*declared.decls, **declared.settings)
