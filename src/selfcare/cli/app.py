"""The Typer application, its command groups, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

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
        _adopt(self)

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


def _adopt(group: TyperGroup) -> None:
    """Give every command and group below `group` selfcare's help and its reader of whole numbers.

    Typer builds plain TyperCommands and TyperGroups for commands registered without a `cls`
    (a sub-application's, say); they take the subclasses here, which add behaviour and no state.
    """
    from .inputs import whole_numbers

    for param in group.params:
        whole_numbers(param)
    for command in group.commands.values():
        if type(command) is TyperCommand:
            command.__class__ = SelfcareCommand
        elif type(command) is TyperGroup:
            command.__class__ = SelfcareGroup
        for param in command.params:
            whole_numbers(param)
        if isinstance(command, TyperGroup):
            _adopt(command)


app = typer.Typer(
    cls=SelfcareGroup,
    name="selfcare",
    help="A terminal self-care coach: short routines of self-massage, stretches, breathing and meditation, "
    "built for your day, guided, and logged on your machine.\n\nExample: selfcare today",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
routines_app = typer.Typer(
    cls=SelfcareGroup,
    help="Browse and check the routine library.\n\nExample: selfcare routines list --area neck",
    no_args_is_help=True,
)
profile_app = typer.Typer(
    cls=SelfcareGroup,
    help="Your areas, goals, time and health conditions.\n\nExample: selfcare profile show",
    no_args_is_help=True,
)
app.add_typer(routines_app, name="routines")
app.add_typer(profile_app, name="profile")


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        print(f"selfcare {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback when something fails.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    state["debug"] = debug
