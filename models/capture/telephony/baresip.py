"""baresip: the ``ctrl_tcp`` module's event stream (netstring-framed JSON over TCP).

baresip's ctrl_tcp (modules/ctrl_tcp/ctrl_tcp.c, "TCP control interface using JSON
payload") sends every event as a netstring, ``<length>:<JSON>,``, such as
``221:{"event":true,"type":"CALL_INCOMING","class":"call","accountaor":"sip:a@...",
"direction":"incoming","peeruri":"sip:+40721234567@127.0.0.1:5081","id":"e5a9...",
"param":"..."},`` (captured from baresip 1.0.0; older releases and the issue's example say
``peer``), and command responses as ``{"response":true,...}``. Only one client may connect.

A call is known by its ``id``: CALL_INCOMING rings, CALL_ESTABLISHED is answered,
CALL_CLOSED ends it, or reports it missed when it was never answered. Outgoing calls are
left alone. The number is the user part of the peer's SIP URI.

netstrings are read here (twenty lines) rather than with a library: none is in the lock,
and reading them is where the bad-input rules (a length too big, a missing comma) live.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from urllib.parse import unquote

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
from callsheet.models.capture.telephony.listening import deliver, keep_listening, tell

SOURCE = "baresip"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 4444
#: The longest frame accepted; baresip's events are a few hundred bytes.
MAX_FRAME = 64 * 1024
_MAX_DIGITS = len(str(MAX_FRAME))


class BrokenStream(ValueError):
    """The byte stream is not netstrings any more; the connection has to start again."""


class NetstringReader:
    """Netstrings out of a byte stream that arrives in pieces."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Every complete frame ``data`` finishes; BrokenStream where the framing breaks."""
        self._buffer += data
        while self._buffer:
            colon = self._buffer.find(b":", 0, _MAX_DIGITS + 1)
            if colon < 0:
                if len(self._buffer) > _MAX_DIGITS or not self._buffer.isdigit():
                    raise BrokenStream(f"not a netstring: {self._buffer[:40]!r}")
                return
            digits = self._buffer[:colon]
            if not digits.isdigit() or (len(digits) > 1 and digits.startswith(b"0")):
                raise BrokenStream(f"not a netstring length: {digits[:40]!r}")
            length = int(digits)
            if length > MAX_FRAME:
                raise BrokenStream(f"a frame of {length:,} bytes (at most {MAX_FRAME:,})")
            end = colon + 1 + length
            if len(self._buffer) <= end:
                return
            if self._buffer[end : end + 1] != b",":
                raise BrokenStream(f"a {length}-byte frame not ended by a comma")
            frame, self._buffer = self._buffer[colon + 1 : end], self._buffer[end + 1 :]
            yield frame


def sip_user(uri: str) -> str:
    """The user part of a SIP URI: ``sip:+40721234567@host;user=phone`` → ``+40721234567``.

    Takes ``"Name" <sip:...>`` too; a URI with no user part (``sip:host``) is withheld ("").
    """
    text = uri.strip()
    if "<" in text and ">" in text:
        text = text[text.index("<") + 1 : text.rindex(">")]
    scheme, colon, rest = text.partition(":")
    if not colon or scheme.lower() not in ("sip", "sips", "tel"):
        raise BadEvent(f"the peer {uri[:80]!r} is not a SIP URI")
    if scheme.lower() == "tel":
        return unquote(rest.split(";")[0])
    user, at, _host = rest.partition("@")
    return unquote(user.split(";")[0]) if at else ""


class CallTracker:
    """baresip's events, one frame at a time, as call events of incoming calls."""

    def __init__(self) -> None:
        self._answered: dict[str, bool] = {}

    def event_of_frame(self, frame: bytes) -> CallEvent | None:
        """The call event a frame is, None for anything else; BadEvent for a frame unread."""
        try:
            message = json.loads(frame)
        except (ValueError, RecursionError):
            raise BadEvent(f"a frame that is not JSON: {frame[:60]!r}") from None
        if not isinstance(message, dict):
            raise BadEvent(f"a frame that is not a JSON object: {frame[:60]!r}")
        if message.get("event") is not True or message.get("class") != "call":
            return None  # command responses, registrations, RTCP reports, ...
        kind, call_id = message.get("type"), str(message.get("id", ""))
        if message.get("direction") != "incoming" or kind not in (
            "CALL_INCOMING",
            "CALL_ESTABLISHED",
            "CALL_CLOSED",
        ):
            return None
        peer = message.get("peeruri", message.get("peer"))
        if not isinstance(peer, str):
            raise BadEvent(f"a {kind} event without the caller's SIP URI")
        number = checked_number(sip_user(peer))
        if kind == "CALL_INCOMING":
            self._answered[call_id] = False
            return CallEvent(number, RINGING, SOURCE, call_id)
        if kind == "CALL_ESTABLISHED":
            self._answered[call_id] = True
            return CallEvent(number, ANSWERED, SOURCE, call_id)
        answered = self._answered.pop(call_id, True)
        return CallEvent(number, ENDED if answered else MISSED, SOURCE, call_id)


def listen(
    on_call: OnCall,
    say: Say,
    stop: threading.Event,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
) -> None:
    """Listen to baresip's ctrl_tcp at ``host:port`` until ``stop`` is set."""

    def session(connected) -> None:
        with socket.create_connection((host, port), timeout=5) as connection:
            connection.settimeout(0.5)
            connected()
            say(f"{SOURCE}: listening for calls on ctrl_tcp at {host}:{port}")
            reader, calls = NetstringReader(), CallTracker()
            while not stop.is_set():
                try:
                    data = connection.recv(65536)
                except TimeoutError:
                    continue
                if not data:
                    raise EOFError("baresip closed the connection")
                for frame in reader.feed(data):
                    _handle(calls, frame, on_call, say)

    keep_listening(SOURCE, session, say, stop)


def _handle(calls: CallTracker, frame: bytes, on_call: OnCall, say: Say) -> None:
    try:
        event = calls.event_of_frame(frame)
    except BadEvent as error:
        tell(say, SOURCE, str(error))
        return
    if event is not None:
        deliver(event, on_call, say)
