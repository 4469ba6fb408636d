"""KDE Connect: the desktop daemon's ``callReceived`` signal, on the session bus.

kdeconnectd's telephony plugin emits ``callReceived(s event, s phoneNumber, s
contactName)`` on interface ``org.kde.kdeconnect.device.telephony`` at
``/modules/kdeconnect/devices/<id>/telephony`` for every paired phone; ``event`` is
``callReceived`` while the phone rings and ``missedCall`` when it was not answered (the
phone sends nothing when a call is answered or ends). Numbers come as the phone shows
them ("0721 234 567", "+40721234567"), and ``contactName`` repeats the number when the
phone has no contact for it.
"""

from __future__ import annotations

import re
import threading
from collections import deque

from jeepney import HeaderFields, MatchRule

from callsheet.models.capture.telephony import (
    MISSED,
    RINGING,
    BadEvent,
    CallEvent,
    OnCall,
    Say,
    checked_number,
)
from callsheet.models.capture.telephony import dbus as bus_io
from callsheet.models.capture.telephony.listening import deliver, keep_listening, tell

SOURCE = "kdeconnect"
INTERFACE = "org.kde.kdeconnect.device.telephony"
MEMBER = "callReceived"
DEVICES = "/modules/kdeconnect/devices"
EVENTS = {"callReceived": RINGING, "missedCall": MISSED}
_TELEPHONY_PATH = re.compile(r"^/modules/kdeconnect/devices/[^/]+/telephony$")


def call_of_signal(path: str, signature: str, body: tuple) -> CallEvent | None:
    """The call event a ``callReceived`` signal carries (None for an event that is not one).

    BadEvent when the signal is not what KDE Connect sends: another path, other arguments.
    """
    if not _TELEPHONY_PATH.match(path or ""):
        raise BadEvent(f"a callReceived signal from {path!r}, not a device's telephony")
    if signature != "sss" or len(body) != 3:
        raise BadEvent(f"a callReceived signal with arguments ({signature or 'none'}), not (sss)")
    event, number, _contact = body
    if event not in EVENTS:
        return None
    return CallEvent(checked_number(number), EVENTS[event], SOURCE)


def rule() -> MatchRule:
    """The signal on any device (the bus filters by path namespace)."""
    return MatchRule(type="signal", interface=INTERFACE, member=MEMBER, path_namespace=DEVICES)


def listen(on_call: OnCall, say: Say, stop: threading.Event, *, bus: str = "session") -> None:
    """Listen for KDE Connect's calls on ``bus`` until ``stop`` is set."""

    def session(connected) -> None:
        with bus_io.connect(bus) as connection:
            bus_io.subscribe(connection, rule())
            with connection.filter(rule(), queue=deque()) as queue:
                connected()
                say(f"{SOURCE}: listening for calls on the {bus_io.label(bus)}")
                while not stop.is_set():
                    message = bus_io.next_message(connection, queue)
                    if message is not None:
                        _handle(message, on_call, say)

    keep_listening(SOURCE, session, say, stop)


def _handle(message, on_call: OnCall, say: Say) -> None:
    fields = message.header.fields
    try:
        path, signature = fields.get(HeaderFields.path, ""), fields.get(HeaderFields.signature, "")
        event = call_of_signal(path, signature, message.body)
    except BadEvent as error:
        tell(say, SOURCE, str(error))
        return
    if event is None:
        tell(say, SOURCE, f"event {message.body[0]!r} (not a call ringing or missed)")
        return
    deliver(event, on_call, say)
