"""What the D-Bus listeners share: opening a bus by name or address, subscribing, replies.

jeepney (pure Python, blocking I/O) keeps the listeners free of GLib and of compiled
bindings. A bus is ``session``, ``system`` or a D-Bus address (``unix:path=...``, as
``dbus-daemon --print-address`` prints it).
"""

from __future__ import annotations

from collections import deque

from jeepney import DBusAddress, HeaderFields, MatchRule, MessageType, message_bus, new_method_call
from jeepney.bus import get_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import Message

#: Seconds a method call may take before the listener gives up on it.
REPLY_TIMEOUT = 5.0
#: Seconds between checks of the stop flag while nothing arrives.
POLL = 0.5


def bus_address(bus: str) -> str:
    """jeepney's name for ``bus``: SESSION, SYSTEM, or the address itself."""
    return {"session": "SESSION", "system": "SYSTEM"}.get(bus.lower(), bus)


def label(bus: str) -> str:
    """``bus`` for the user's start line: "session bus", "bus at unix:path=..."."""
    return f"{bus} bus" if bus in ("session", "system") else f"bus at {bus}"


def connect(bus: str) -> DBusConnection:
    """A connection to ``bus`` (OSError or ValueError when there is none to reach)."""
    try:
        return open_dbus_connection(bus_address(bus))
    except KeyError as error:  # no DBUS_SESSION_BUS_ADDRESS in the environment
        raise OSError(f"no D-Bus address: {error} is not set") from None
    except (FileNotFoundError, ConnectionRefusedError):
        raise OSError(f"no D-Bus daemon at {get_bus(bus_address(bus))}") from None


def reply_body(connection: DBusConnection, message: Message) -> tuple:
    """Send a method call and return its reply's body; RuntimeError for an error reply."""
    reply = connection.send_and_get_reply(message, timeout=REPLY_TIMEOUT)
    if reply.header.message_type == MessageType.error:
        name = reply.header.fields.get(HeaderFields.error_name, "an error")
        detail = reply.body[0] if reply.body and isinstance(reply.body[0], str) else ""
        raise RuntimeError(f"{name}: {detail}".rstrip(": "))
    return reply.body


def subscribe(connection: DBusConnection, rule: MatchRule) -> None:
    """Ask the bus to route the signals ``rule`` matches to this connection."""
    reply_body(connection, message_bus.AddMatch(rule))


def next_message(connection: DBusConnection, queue: deque) -> Message | None:
    """The next filtered message, or None after POLL seconds without one (to check stop)."""
    if not queue:
        try:
            connection.recv_messages(timeout=POLL)
        except TimeoutError:
            return None
    return queue.popleft() if queue else None


def get_all(connection: DBusConnection, service: str, path: str, interface: str) -> dict:
    """``org.freedesktop.DBus.Properties.GetAll``: the properties, variants unwrapped."""
    address = DBusAddress(path, bus_name=service, interface="org.freedesktop.DBus.Properties")
    body = reply_body(connection, new_method_call(address, "GetAll", "s", (interface,)))
    values = body[0] if body and isinstance(body[0], dict) else {}
    return {name: value[1] for name, value in values.items() if isinstance(value, tuple)}
