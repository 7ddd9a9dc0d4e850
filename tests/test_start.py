"""`selfcare start` in a real pseudo-terminal, and refused without one."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from rich.console import Console

from selfcare import library
from selfcare.cli.screen import TerminalKeys, draw, play
from selfcare.guide import Guide

ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\x07]*\x07|\r")


class Terminal:
    """A child process on a pty: send keys, wait for text on the screen."""

    def __init__(self, args: list[str]) -> None:
        # pty.fork makes the pty the child's controlling terminal, so Ctrl-C is a real SIGINT.
        env = dict(os.environ, COLUMNS="100", LINES="30", TERM="xterm-256color")
        pid, self.master = pty.fork()
        if pid == 0:  # the child
            # A test run started in the background has SIGINT ignored, and a child keeps that.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execve(args[0], args, env)
        self.pid = pid
        self.seen = ""

    def expect(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r}; screen so far:\n{self.seen[-2000:]}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    chunk = ""
                self.seen += ANSI.sub("", chunk)
        return self.seen

    def countdown_moves(self) -> None:
        """Wait until the step countdown shows two different times: the clock is running."""
        times: set[str] = set()
        deadline = time.monotonic() + 20
        while len(times) < 2:
            assert time.monotonic() < deadline, "the countdown never moved"
            self.expect("q stop", timeout=5)
            times.update(re.findall(r"│ (\d+:\d\d) ", self.seen))
            if len(times) < 2:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if ready:
                    self.seen += ANSI.sub("", os.read(self.master, 65536).decode("utf-8", "replace"))

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self) -> int:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                # Drain the screen so the child never blocks on a full pty.
                if select.select([self.master], [], [], 0.2)[0]:
                    self.seen += ANSI.sub("", os.read(self.master, 65536).decode("utf-8", "replace"))
            except OSError:
                pass
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                os.close(self.master)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, 9)
        raise AssertionError("selfcare start did not end")


def test_start_asks_guides_stops_on_q_and_logs_what_was_done(run) -> None:
    first = run.json("today", "--minutes", "5")["items"][0]["name"]
    term = Terminal([sys.executable, "-m", "selfcare", "start", "--minutes", "5", "--quiet"])
    term.expect("Pain or tension now?")
    term.send("6\r")
    term.expect("Stress now?")
    term.send("\r")
    # A card before the practice: its stop rule, waiting for a key.
    screen = term.expect("press any key to begin")
    assert first in screen and "Before you begin" in screen
    term.send("x")
    term.countdown_moves()
    term.send("q")
    term.expect("Log what you did")
    term.send("y\r")
    term.expect("Pain or tension now?")
    term.send("4\r")
    term.expect("Stress now?")
    term.send("\r")
    term.expect("A note?")
    term.send("[bold]calm\r")
    term.expect("session logged")
    assert term.wait() == 0
    [session] = run.json("history")
    assert (session["pain_before"], session["pain_after"], session["stress_before"]) == (6, 4, None)
    assert session["source"] == "guided" and session["note"] == "[bold]calm"
    assert "Traceback" not in term.seen


def test_keys_typed_together_each_count_and_an_arrow_key_is_one_press() -> None:
    main, other = pty.openpty()
    try:
        keys = TerminalKeys(os.fdopen(other, "rb", buffering=0, closefd=False))
        with keys.raw():
            os.write(main, b"xN")  # two keys in one read: the second is not dropped
            assert [keys.read(5), keys.read(5)] == ["x", "n"]
            os.write(main, b"\x1b[B")  # the down arrow: one key, not an escape, a "[" and a "b"
            assert keys.read(5) == "\x1b"
            assert keys.read(0) is None
    finally:
        os.close(main)
        os.close(other)


def test_start_without_a_terminal_points_to_today_and_log(run) -> None:
    line = run.fails("start")
    assert "not one" in line and "selfcare today" in line and "selfcare log" in line


@pytest.mark.parametrize("key", ["q", "\x03"], ids=["q", "ctrl-c"])
def test_q_or_ctrl_c_stops_and_asks(run, key: str) -> None:
    term = Terminal([sys.executable, "-m", "selfcare", "start", "--minutes", "5", "--quiet"])
    term.expect("Pain or tension now?")
    term.send("\r")
    term.expect("Stress now?")
    term.send("\r")
    term.expect("press any key to begin")
    term.send("x")
    term.countdown_moves()
    term.send(key)
    term.expect("Log what you did")
    term.send("n\r")
    term.expect("Not logged")
    assert term.wait() == 0
    assert run.json("history") == []


class ScriptedKeys:
    """Keys from a list instead of a terminal; no key is pressed once it runs out."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    @contextmanager
    def raw(self) -> Iterator[ScriptedKeys]:
        yield self

    def read(self, timeout: float) -> str | None:
        return self.keys.pop(0) if self.keys else None


@pytest.mark.parametrize("where", ["draw", "bell"])
@pytest.mark.parametrize("nth", [1, 2, 3])
def test_an_interrupt_at_any_moment_of_the_screen_stops_the_guide_and_asks(where: str, nth: int) -> None:
    practice = library.load().get("neck-trap-knead")
    guide = Guide([practice], start=0.0)
    clock = iter(range(1, 10_000))
    calls = {"draw": 0, "bell": 0}

    def interrupting(what: str):
        calls[what] += 1
        if calls[what] == nth:
            raise KeyboardInterrupt

    def render(view, width):
        if where == "draw":
            interrupting("draw")
        return draw(view, width)

    out = Console(file=io.StringIO(), width=80)
    if where == "bell":
        out.bell = lambda: interrupting("bell")  # type: ignore[method-assign]
    # A step changes every few ticks (each tick is one second here), so the bell rings.
    play(guide, ScriptedKeys(["n"] * 3), quiet=False, now=lambda: float(next(clock)), render=render, out=out)
    assert guide.state == "stopped"
    assert guide.record(), "the time already spent is kept, so the session can be logged"
