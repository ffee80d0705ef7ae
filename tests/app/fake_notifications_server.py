"""A stand-in for the desktop's notification service on a private session bus (for test_notify):
it checks the signature the specification gives Notify, as GNOME's and KDE's services do, prints each
call as a line of JSON, and answers Notify with id 5."""

from __future__ import annotations

import json
import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NOTIFY_SIGNATURE = "susssasa{sv}i"


def main() -> None:
    conn = open_dbus_connection(bus="SESSION")
    conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.Notifications"))
    print(json.dumps({"ready": True}), flush=True)
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        member = msg.header.fields.get(HeaderFields.member)
        signature = msg.header.fields.get(HeaderFields.signature, "")
        print(json.dumps({"member": member, "signature": signature, "body": list(msg.body)}), flush=True)
        if member == "GetCapabilities":
            conn.send(new_method_return(msg, "as", (["body", "actions"],)))
        elif member == "Notify" and signature == NOTIFY_SIGNATURE:
            conn.send(new_method_return(msg, "u", (5,)))
        else:
            conn.send(
                new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs", "s", (f"bad call {member} {signature}",))
            )


if __name__ == "__main__":
    sys.exit(main())
