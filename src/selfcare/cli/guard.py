"""Where failures become one line on stderr and an exit status (no Typer here).

2 for bad input, 1 for a fault in the environment, 130 when stopped; never a
traceback unless --debug was given. Before a command runs, the terminal is
made safe to write to: text it cannot show is replaced (never a
UnicodeEncodeError), and a width below MIN_WIDTH or above MAX_WIDTH columns
is taken as DEFAULT_WIDTH. Cache files are written only if the command
succeeds, so a refused command leaves nothing behind.

Once a command has stored what it was asked to store, a failure while showing
it is a warning with exit 0 (`stored`): the person is never told that a saved
session failed, and never logs it twice.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ..errors import SelfcareError

state = {"debug": False}
MIN_WIDTH, MAX_WIDTH, DEFAULT_WIDTH = 20, 500, 80
INTERRUPTED = 130  # what Typer returns when Ctrl-C ends a command


def fail(message: str, code: int = 2) -> None:
    """Print one clean line to stderr and leave with `code`."""
    from ..render import clean

    sys.stderr.write(f"selfcare: {clean(message)}\n")
    sys.stderr.flush()
    raise SystemExit(code)


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Plain text on stdout (stderr with `err`), flushed."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n" if nl else text)
    stream.flush()


def warn(message: str) -> None:
    """One clean line on stderr; the command goes on."""
    from ..render import clean

    # SelfcareError keeps it to one line whatever it echoes.
    sys.stderr.write(f"selfcare: warning: {clean(SelfcareError(message).message)}\n")
    sys.stderr.flush()


_warned: set[str] = set()  # what this run has warned of already


def warn_once(about: str, message: str) -> None:
    """`warn`, unless this run has warned `about` this already (a file read twice is named once)."""
    if about in _warned:
        return
    _warned.add(about)
    warn(message)


@contextmanager
def stored(what: str) -> Iterator[None]:
    """Around what a command shows after its changes are committed: a failure there is a
    warning naming what was stored, with exit 0."""
    try:
        yield
    except BrokenPipeError:
        _quiet_stdout()
        raise SystemExit(0) from None
    except KeyboardInterrupt:
        fail(f"stopped; {what}", INTERRUPTED)
    except Exception as exc:
        if state["debug"]:
            raise
        detail = exc.message if isinstance(exc, SelfcareError) else f"{type(exc).__name__}: {exc}"
        warn(f"{what}, but showing it failed: {detail}")
        raise SystemExit(0) from None


def _quiet_stdout() -> None:
    # The reader went away (| head): send what is left nowhere, as other tools do.
    devnull = os.open(os.devnull, os.O_WRONLY)
    with suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())


def prepare_terminal() -> None:
    """Replace what the terminal's encoding cannot show, and keep the width sane."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(ValueError, OSError):
                reconfigure(errors="replace")
    # Rich and the help read COLUMNS, else the terminal's size.
    width = _columns()
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        os.environ["COLUMNS"] = str(DEFAULT_WIDTH)
    elif "COLUMNS" in os.environ:
        os.environ["COLUMNS"] = str(width)


def _columns() -> int:
    try:
        return int(os.environ.get("COLUMNS", "").strip())
    except ValueError:
        pass
    # As shutil.get_terminal_size does, without importing shutil (and its compression modules).
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or DEFAULT_WIDTH  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return DEFAULT_WIDTH


def screen_width() -> int:
    """The width the screens are laid out for: COLUMNS, else the terminal's (80 when piped);
    one below MIN_WIDTH or above MAX_WIDTH is taken as DEFAULT_WIDTH."""
    width = _columns()
    return width if MIN_WIDTH <= width <= MAX_WIDTH else DEFAULT_WIDTH


def guarded(call: Callable[[], Any], usage_errors: tuple[type[BaseException], ...] = ()) -> Any:
    """Run `call`, turning every failure into one line and an exit status."""
    from .. import jsoncache

    prepare_terminal()
    _warned.clear()
    jsoncache.hold()
    ok = False
    try:
        result = call()
        if result == INTERRUPTED:
            fail("stopped (Ctrl-C)", INTERRUPTED)
        ok = result in (None, 0)
        return result
    except SystemExit as exc:
        ok = exc.code in (None, 0)
        raise
    except SelfcareError as exc:
        if state["debug"]:
            raise
        fail(exc.message, exc.exit_code)
    except usage_errors as exc:
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx else "selfcare"
        fail(f"{exc.format_message()} (see '{where} --help')", getattr(exc, "exit_code", 2))  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        fail("stopped (Ctrl-C)", INTERRUPTED)
    except BrokenPipeError:
        _quiet_stdout()
        raise SystemExit(1) from None
    except OSError as exc:
        if state["debug"]:
            raise
        # The machine in the way (a name too long, a file that vanished...): name the file.
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}{exc.strerror or exc}", 1)
    except Exception as exc:
        if state["debug"]:
            raise
        fail(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)", 1)
    finally:
        jsoncache.release(keep=ok)
