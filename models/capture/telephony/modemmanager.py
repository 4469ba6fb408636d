"""ModemManager: calls on a USB modem or a phone used as a modem, on the system bus.

A modem with voice support announces each call with
``org.freedesktop.ModemManager1.Modem.Voice.CallAdded(o path)``; the call object at
``path`` has the properties ``Number`` (s), ``Direction`` (i: MMCallDirection, 1 incoming)
and ``State`` (i: MMCallState, 3 ringing-in, 4 active, 6 waiting, 7 terminated), read with
``org.freedesktop.DBus.Properties.GetAll``, and emits
``org.freedesktop.ModemManager1.Call.StateChanged(i old, i new, u reason)``. An incoming
call rings when it is added ringing (or waiting), is answered when it turns active, and on
termination has ended, or was missed when it never turned active.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from jeepney import HeaderFields, MatchRule

from callsheet.models.capture.telephony import (
    ANSWERED,
    ENDED,
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

SOURCE = "modemmanager"
SERVICE = "org.freedesktop.ModemManager1"
VOICE = "org.freedesktop.ModemManager1.Modem.Voice"
CALL = "org.freedesktop.ModemManager1.Call"
INCOMING = 1  # MM_CALL_DIRECTION_INCOMING
RINGING_IN, ACTIVE, WAITING, TERMINATED = 3, 4, 6, 7  # MMCallState


@dataclass
class _Call:
    number: str
    answered: bool = False
    rang: bool = False


class CallTracker:
    """Incoming calls by object path, and the events their states make."""

    def __init__(self) -> None:
        self._calls: dict[str, _Call] = {}

    def added(self, path: str, properties: dict) -> list[CallEvent]:
        """A call was added with ``properties``: its events so far (none for an outgoing one).

        The properties are read after the signal, so a call may already be active (it rang
        first) or over (missed) by then.
        """
        direction, state = properties.get("Direction"), properties.get("State")
        if not isinstance(direction, int) or not isinstance(state, int):
            raise BadEvent(f"the call {path} has no Direction or State")
        if direction != INCOMING:
            return []
        number = checked_number(properties.get("Number", ""))
        self._calls[path] = _Call(number)
        if state in (ACTIVE, TERMINATED):
            rang = [CallEvent(number, RINGING, SOURCE, path)] if state == ACTIVE else []
            self._calls[path].rang = True
            return rang + [e for e in [self.changed(path, state)] if e]
        return [e for e in [self.changed(path, state)] if e]

    def changed(self, path: str, state: int) -> CallEvent | None:
        """The call at ``path`` is in ``state`` now; the event that makes, or None."""
        call = self._calls.get(path)
        if call is None:
            return None
        if state in (RINGING_IN, WAITING) and not call.rang:
            call.rang = True
            return CallEvent(call.number, RINGING, SOURCE, path)
        if state == ACTIVE and not call.answered:
            call.answered = True
            return CallEvent(call.number, ANSWERED, SOURCE, path)
        if state == TERMINATED:
            del self._calls[path]
            return CallEvent(call.number, ENDED if call.answered else MISSED, SOURCE, path)
        return None


def rules() -> tuple[MatchRule, MatchRule]:
    """CallAdded on any modem, StateChanged on any call (the sender is checked by the bus)."""
    added = MatchRule(type="signal", sender=SERVICE, interface=VOICE, member="CallAdded")
    changed = MatchRule(type="signal", sender=SERVICE, interface=CALL, member="StateChanged")
    return added, changed


def listen(on_call: OnCall, say: Say, stop: threading.Event, *, bus: str = "system") -> None:
    """Listen for ModemManager's calls on ``bus`` until ``stop`` is set."""

    def session(connected) -> None:
        with bus_io.connect(bus) as connection:
            added, changed = rules()
            for rule in (added, changed):
                bus_io.subscribe(connection, rule)
            queue: deque = deque()
            # signals come from ModemManager's unique name: match locally without the sender
            local = [
                MatchRule(
                    type="signal",
                    interface=r.header_fields["interface"],
                    member=r.header_fields["member"],
                )
                for r in (added, changed)
            ]
            with connection.filter(local[0], queue=queue), connection.filter(local[1], queue=queue):
                connected()
                say(f"{SOURCE}: listening for calls on the {bus_io.label(bus)}")
                calls = CallTracker()
                while not stop.is_set():
                    message = bus_io.next_message(connection, queue)
                    if message is not None:
                        _handle(connection, calls, message, on_call, say)

    keep_listening(SOURCE, session, say, stop)


def _handle(connection, calls: CallTracker, message, on_call: OnCall, say: Say) -> None:
    member = message.header.fields.get(HeaderFields.member)
    signature = message.header.fields.get(HeaderFields.signature, "")
    try:
        if member == "CallAdded":
            if signature != "o":
                raise BadEvent(f"a CallAdded signal with arguments ({signature}), not (o)")
            path = message.body[0]
            try:
                properties = bus_io.get_all(connection, SERVICE, path, CALL)
            except (RuntimeError, TimeoutError) as error:
                raise BadEvent(f"the call {path} could not be read ({error})") from None
            events = calls.added(path, properties)
        else:
            if signature != "iiu":
                raise BadEvent(f"a StateChanged signal with arguments ({signature}), not (iiu)")
            path = message.header.fields.get(HeaderFields.path, "")
            change = calls.changed(path, message.body[1])
            events = [change] if change else []
    except BadEvent as error:
        tell(say, SOURCE, str(error))
        return
    for event in events:
        deliver(event, on_call, say)
