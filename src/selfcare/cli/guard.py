"""Where failures become one line on stderr and an exit status (no Typer here).

2 for bad input, 1 for a fault in the environment, 130 when stopped; never a
traceback unless --debug was given.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from ..errors import SelfcareError

state = {"debug": False}


def fail(message: str, code: int = 2) -> None:
    """Print one clean line to stderr and leave with `code`."""
    from ..render import clean

    sys.stderr.write(f"selfcare: {clean(message)}\n")
    sys.stderr.flush()
    raise SystemExit(code)


def guarded(call: Callable[[], Any], usage_errors: tuple[type[BaseException], ...] = ()) -> Any:
    """Run `call`, turning every failure into one line and an exit status."""
    try:
        return call()
    except SelfcareError as exc:
        if state["debug"]:
            raise
        fail(exc.message, exc.exit_code)
    except usage_errors as exc:
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx else "selfcare"
        fail(f"{exc.format_message()} (see '{where} --help')", getattr(exc, "exit_code", 2))  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        fail("stopped", 130)
    except BrokenPipeError:
        # The reader went away (| head): leave quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None
    except Exception as exc:
        if state["debug"]:
            raise
        fail(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)", 1)
