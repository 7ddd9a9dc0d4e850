"""The Typer application, its command groups, and the one place errors become exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .guard import guarded, state


class SelfcareGroup(TyperGroup):
    """Maps every failure to one line on stderr: 2 for bad input, 1 for the environment."""

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

        result = guarded(call, (click_exc.UsageError, click_exc.ClickException))
        code = result if isinstance(result, int) else 0
        if standalone_mode:
            raise SystemExit(code)
        return code


app = typer.Typer(
    cls=SelfcareGroup,
    name="selfcare",
    help="A terminal self-care coach: short routines of self-massage, stretches, breathing and meditation, "
    "built for your day, guided, and logged on your machine.\n\nExample: selfcare today",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
routines_app = typer.Typer(
    help="Browse and check the routine library.\n\nExample: selfcare routines list --area neck", no_args_is_help=True
)
profile_app = typer.Typer(
    help="Your areas, goals, time and health conditions.\n\nExample: selfcare profile show", no_args_is_help=True
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
