"""Headless Chromium for the tests, driven over the DevTools protocol through a pipe.

Chromium is Debian's `chromium` package; where it is absent the tests that
need it skip and say so. The protocol goes over `--remote-debugging-pipe`
(commands on the browser's fd 3, answers on its fd 4, each a JSON text ended
by a NUL byte), so nothing listens on a port and no package is needed beyond
the standard library. Every wait has a deadline; nothing sleeps.

Run as a script, it writes the README's screenshot of the page:
    python tests/browser.py PAGE.html docs/report-page.png
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
DEADLINE = 90.0  # seconds for any one answer: generous, for a loaded two-core machine


class BrowserError(RuntimeError):
    pass


def _above_ten(fd: int) -> int:
    import fcntl

    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Browser:
    """One Chromium with a fresh profile folder and one page; `events` keeps what the page reported."""

    def __init__(self, profile: Path) -> None:
        if CHROMIUM is None:
            raise BrowserError("chromium is not installed")
        to_browser, from_us = os.pipe()
        to_us, from_browser = os.pipe()
        to_browser, from_browser = _above_ten(to_browser), _above_ten(from_browser)
        # bash puts the pipe ends on fds 3 and 4, where Chromium looks for them (they sit above 9, so the
        # moves cannot collide).
        script = f'exec "$0" "$@" 3<&{to_browser} 4>&{from_browser} {to_browser}<&- {from_browser}>&-'
        self.proc = subprocess.Popen(
            ["bash", "-c", script, CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(to_browser, from_browser),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._out, self._in = from_us, to_us
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    # --- the protocol -------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._out, data) :]

    def _receive(self, until: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = until - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buffer += chunk
        text, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(text)
        return message

    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self._send(message)
        until = time.monotonic() + DEADLINE
        while True:
            answer = self._receive(until)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            if "method" in answer:
                self.events.append(answer)

    def wait_for(self, method: str) -> dict[str, Any]:
        """The next event `method` (one that came already counts)."""
        until = time.monotonic() + DEADLINE
        for i, event in enumerate(self.events):
            if event["method"] == method:
                return self.events.pop(i)
        while True:
            event = self._receive(until)
            if event.get("method") == method:
                return event
            if "method" in event:
                self.events.append(event)

    # --- what the tests use ------------------------------------------------------------

    def open(self, path: Path) -> None:
        self.call("Page.navigate", session=True, url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:60]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and log errors (a blocked request, a bad resource)."""
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
                found.append(f"log: {params['entry'].get('text')}")
        return found

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def size(self, width: int, height: int, *, media: str = "screen") -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Emulation.setEmulatedMedia", session=True, media=media)

    def screenshot(self, width: int = 900) -> bytes:
        height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
        self.size(width, height)
        data = self.call("Page.captureScreenshot", session=True, format="png", captureBeyondViewport=True)["data"]
        return base64.b64decode(data)

    def pdf(self, width_in: float, height_in: float) -> bytes:
        data = self.call(
            "Page.printToPDF",
            session=True,
            paperWidth=width_in,
            paperHeight=height_in,
            printBackground=True,
            preferCSSPageSize=False,
        )["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        try:
            self._send({"id": self._next + 1, "method": "Browser.close"})
            self.proc.wait(timeout=DEADLINE)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=DEADLINE)
        finally:
            os.close(self._out)
            os.close(self._in)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(page: str, png: str) -> None:
    with tempfile.TemporaryDirectory() as profile, Browser(Path(profile)) as browser:
        browser.size(900, 1200)
        browser.open(Path(page))
        Path(png).write_bytes(browser.screenshot(900))
        for problem in browser.problems():
            print(problem, file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
