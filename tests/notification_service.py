"""A small org.freedesktop.Notifications service that records every call, for tests.

Run: python notification_service.py BUS_ADDRESS RECORD_FILE
It takes the well-known name on the bus, prints "ready" once it owns it, and
then answers GetCapabilities, GetServerInformation and Notify, appending one
JSON line per Notify call to RECORD_FILE before it replies (so a caller that
got its reply finds the call recorded). It stops when its bus goes away.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.Notifications"


def main() -> int:
    address, record = sys.argv[1], sys.argv[2]
    conn = open_dbus_connection(bus=address)
    reply = conn.send_and_get_reply(message_bus.RequestName(NAME, 4))  # 4: do not queue
    if reply.body[0] != 1:
        print("name taken", flush=True)
        return 1
    print("ready", flush=True)
    next_id = 1
    while True:
        try:
            msg = conn.receive()
        except (ConnectionError, OSError):
            return 0
        if msg.header.message_type != MessageType.method_call:
            continue
        member = msg.header.fields.get(HeaderFields.member)
        if member == "GetCapabilities":
            conn.send(new_method_return(msg, "as", (["body"],)))
        elif member == "GetServerInformation":
            conn.send(new_method_return(msg, "ssss", ("recorder", "selfcare tests", "1", "1.2")))
        elif member == "Notify":
            app, replaces, icon, summary, body, actions, hints, timeout = msg.body
            with Path(record).open("a", encoding="utf-8") as handle:
                handle.write(
                    json.dumps(
                        {
                            "member": "Notify",
                            "app_name": app,
                            "replaces_id": replaces,
                            "app_icon": icon,
                            "summary": summary,
                            "body": body,
                            "actions": list(actions),
                            "hints": sorted(hints),
                            "expire_timeout": timeout,
                        }
                    )
                    + "\n"
                )
            conn.send(new_method_return(msg, "u", (next_id,)))
            next_id += 1
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no method {member}",)))


if __name__ == "__main__":
    sys.exit(main())
