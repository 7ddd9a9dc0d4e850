"""Desktop notifications: the freedesktop service on Linux, Notification Center on macOS.

Linux speaks to org.freedesktop.Notifications on the session bus through
jeepney, a pure-Python D-Bus library (no C extension, no libdbus; keyring and
SecretStorage use it). We chose it over `notify-send` because that program is
a separate package (libnotify-bin) that many systems lack, and because the
reply (a notification id, or the bus's error) says for certain whether the
notification was taken. A scheduler often starts us without
DBUS_SESSION_BUS_ADDRESS, so the user's bus at $XDG_RUNTIME_DIR/bus (or
/run/user/UID/bus) is tried then. macOS uses `osascript`'s `display
notification`. Each returns False when there is no service to show it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .habit import Notice

BUS_TIMEOUT = 5.0  # seconds to wait for the notification service's answer
APP_NAME = "selfcare"


def session_bus(environ: Mapping[str, str], uid: int) -> str | None:
    """The session bus address: the environment's, else the user's bus socket when it exists."""
    address = environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = Path(environ.get("XDG_RUNTIME_DIR") or f"/run/user/{uid}")
    socket = runtime / "bus"
    return f"unix:path={socket}" if socket.exists() else None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def freedesktop(notice: Notice, address: str) -> bool:
    """Show `notice` through org.freedesktop.Notifications; False when no service answers."""
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import DBusErrorResponse
    except ImportError:
        return False
    target = DBusAddress(
        "/org/freedesktop/Notifications",
        bus_name="org.freedesktop.Notifications",
        interface="org.freedesktop.Notifications",
    )
    try:
        with open_dbus_connection(bus=address) as conn:
            caps = conn.send_and_get_reply(new_method_call(target, "GetCapabilities"), timeout=BUS_TIMEOUT)
            if caps.header.message_type.name == "error":
                return False
            markup = "body-markup" in caps.body[0]
            body = f"{notice.body}\n{notice.command}"
            message = new_method_call(
                target,
                "Notify",
                "susssasa{sv}i",
                (APP_NAME, 0, "", notice.title, _escape(body) if markup else body, [], {}, -1),
            )
            reply = conn.send_and_get_reply(message, timeout=BUS_TIMEOUT)
            return bool(reply.header.message_type.name != "error")
    except (OSError, TimeoutError, ValueError, DBusErrorResponse, StopIteration, KeyError):
        return False


def _applescript(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def macos(notice: Notice) -> bool:
    """Show `notice` through Notification Center (osascript)."""
    script = (
        f"display notification {_applescript(notice.body)} "
        f"with title {_applescript(notice.title)} subtitle {_applescript(notice.command)}"
    )
    try:
        # osascript is macOS's own; the text is quoted for AppleScript above.
        done = subprocess.run(["osascript", "-e", script], capture_output=True, timeout=30, check=False)  # noqa: S603, S607
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def send(notice: Notice, environ: Mapping[str, str], platform: str) -> str | None:
    """Show `notice` the way this system does; the name of the way, or None when there is none."""
    if platform == "darwin":
        return "macOS Notification Center" if macos(notice) else None
    address = session_bus(environ, os.getuid())
    if address and freedesktop(notice, address):
        return "the desktop's notification service"
    return None
