"""The listeners: each telephony tool's real events in, one call event out per event.

Reading is tested as pure functions of the frames; each listener is then run against the
real thing: a private dbus-daemon on which the test emits KDE Connect's signal exactly as
kdeconnectd does, a ModemManager of our own exporting the real interfaces on such a bus,
and two real baresip softphones on loopback (one dials the other). Bad input (garbage
frames, huge numbers, a bus that goes away, a refused port) is one line each, and the
listener keeps going.
"""

from __future__ import annotations

import socket
import threading

import pytest

from callsheet.models.capture.telephony import (
    MAX_NUMBER_LENGTH,
    BadEvent,
    CallEvent,
    baresip,
    kdeconnect,
    modemmanager,
)
from callsheet.models.capture.telephony.baresip import BrokenStream, NetstringReader, sip_user
from tests.telephony_parts import (
    MODEM,
    Baresip,
    Calls,
    FakeModemManager,
    Lines,
    PrivateBus,
    ReplayServer,
    emit_kdeconnect_call,
    free_port,
    netstring,
    wait_for,
)

NUMBER = "+40721234567"
DEVICE_PATH = "/modules/kdeconnect/devices/a1b2c3d4e5f60718/telephony"


# --- reading, pure -------------------------------------------------------------------------


def test_kdeconnect_call_received_rings_and_missed_call_is_missed():
    ringing = kdeconnect.call_of_signal(DEVICE_PATH, "sss", ("callReceived", "0721 234 567", "Ion"))
    missed = kdeconnect.call_of_signal(DEVICE_PATH, "sss", ("missedCall", NUMBER, NUMBER))
    assert ringing == CallEvent("0721 234 567", "ringing", "kdeconnect")
    assert missed == CallEvent(NUMBER, "missed", "kdeconnect")
    assert kdeconnect.call_of_signal(DEVICE_PATH, "sss", ("talking", NUMBER, "")) is None


@pytest.mark.parametrize(
    ("path", "signature", "body", "said"),
    [
        ("/modules/kdeconnect/devices/x/sms", "sss", ("callReceived", NUMBER, ""), "not a device"),
        (DEVICE_PATH, "ss", ("callReceived", NUMBER), "(ss), not (sss)"),
        (DEVICE_PATH, "sss", ("callReceived", "9" * 10_000, ""), "10,000 characters"),
    ],
)
def test_kdeconnect_signal_that_is_not_kde_connects_is_bad_input(path, signature, body, said):
    with pytest.raises(BadEvent, match=said.replace("(", r"\(").replace(")", r"\)")):
        kdeconnect.call_of_signal(path, signature, body)


def test_netstrings_are_read_across_pieces_and_broken_framing_is_named():
    reader = NetstringReader()
    stream = netstring(b'{"a":1}') + netstring(b"") + netstring(b'{"b":2}')
    frames = [frame for i in range(len(stream)) for frame in reader.feed(stream[i : i + 1])]
    assert frames == [b'{"a":1}', b"", b'{"b":2}']
    for broken, said in [
        (b"hello world", "not a netstring"),
        (b'7:{"a":1}X', "not ended by a comma"),
        (b"999999999:", "not a netstring"),
        (b"70000:", "at most"),
        (b"-3:abc,", "length"),
    ]:
        with pytest.raises(BrokenStream, match=said):
            list(NetstringReader().feed(broken))


def test_the_number_is_the_user_part_of_the_peers_sip_uri():
    assert sip_user("sip:+40721234567@sip.example.net") == NUMBER
    assert sip_user('"Ion" <sips:0721234567@pbx;transport=tls>') == "0721234567"
    assert sip_user("sip:%2B40721234567;user=phone@host") == NUMBER
    assert sip_user("tel:+40721234567;phone-context=x") == NUMBER
    assert sip_user("sip:anonymous.invalid") == ""
    with pytest.raises(BadEvent, match="not a SIP URI"):
        sip_user("http://example.com")


def _frame(kind: str, call: str = "c1", direction: str = "incoming", peer=f"sip:{NUMBER}@h"):
    return (
        f'{{"event":true,"type":"{kind}","class":"call","direction":"{direction}",'
        f'"peeruri":"{peer}","id":"{call}"}}'
    ).encode()


def test_baresip_incoming_call_rings_is_answered_and_ends_or_is_missed():
    calls = baresip.CallTracker()
    events = [
        calls.event_of_frame(frame)
        for frame in (
            _frame("CALL_INCOMING"),
            _frame("CALL_ESTABLISHED"),
            _frame("CALL_CLOSED"),
            _frame("CALL_INCOMING", "c2"),
            _frame("CALL_CLOSED", "c2"),
            _frame("CALL_INCOMING", "c3", direction="outgoing"),
            b'{"response":true,"ok":true,"data":"","token":"t1"}',
            _frame("CALL_RTCP"),
        )
    ]
    assert [(e.event if e else None) for e in events] == [
        "ringing", "answered", "ended", "ringing", "missed", None, None, None,
    ]  # fmt: skip
    assert {e.number for e in events if e} == {NUMBER}
    assert [e.call for e in events if e] == ["c1", "c1", "c1", "c2", "c2"]


@pytest.mark.parametrize(
    ("frame", "said"),
    [
        (b"\xff\xfe garbage", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"event":true,"class":"call","type":"CALL_INCOMING","direction":"incoming"}', "SIP URI"),
        (_frame("CALL_INCOMING", peer="sip:" + "9" * 5000 + "@h"), "5,000 characters"),
        (b"[" * 100_000, "not JSON"),
    ],
)
def test_a_baresip_frame_that_cannot_be_read_is_bad_input(frame, said):
    with pytest.raises(BadEvent, match=said):
        baresip.CallTracker().event_of_frame(frame)


def test_modemmanager_incoming_call_rings_is_answered_and_ends_or_is_missed():
    calls = modemmanager.CallTracker()
    first = calls.added("/c/1", {"Number": NUMBER, "Direction": 1, "State": 3})
    answered = calls.changed("/c/1", 4)
    ended = calls.changed("/c/1", 7)
    assert calls.added("/c/2", {"Number": "0721 234 567", "Direction": 1, "State": 0}) == []
    later = calls.changed("/c/2", 3)
    missed = calls.changed("/c/2", 7)
    assert first + [answered, ended, later, missed] == [
        CallEvent(NUMBER, "ringing", "modemmanager", "/c/1"),
        CallEvent(NUMBER, "answered", "modemmanager", "/c/1"),
        CallEvent(NUMBER, "ended", "modemmanager", "/c/1"),
        CallEvent("0721 234 567", "ringing", "modemmanager", "/c/2"),
        CallEvent("0721 234 567", "missed", "modemmanager", "/c/2"),
    ]
    # read late: already answered (it rang first), already over (missed)
    assert [e.event for e in calls.added("/c/6", {"Direction": 1, "State": 4})] == [
        "ringing", "answered",
    ]  # fmt: skip
    assert [e.event for e in calls.added("/c/7", {"Direction": 1, "State": 7})] == ["missed"]
    assert calls.added("/c/3", {"Number": NUMBER, "Direction": 2, "State": 1}) == []
    assert calls.changed("/c/3", 7) is None
    with pytest.raises(BadEvent, match="no Direction or State"):
        calls.added("/c/4", {"Number": NUMBER})
    with pytest.raises(BadEvent, match="characters long"):
        calls.added("/c/5", {"Number": "1" * (MAX_NUMBER_LENGTH + 1), "Direction": 1, "State": 3})


# --- real parts ----------------------------------------------------------------------------


class Running:
    """A listener in a thread, stopped (and joined) when the test ends."""

    def __init__(self, listen, *args, **options):
        self.lines, self.calls, self.stop = Lines(), Calls(), threading.Event()
        self.thread = threading.Thread(
            target=listen, args=(self.calls, self.lines, self.stop, *args), kwargs=options
        )
        self.thread.start()

    def close(self):
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive(), "the listener did not stop"


@pytest.fixture
def bus():
    bus = PrivateBus().start()
    yield bus
    bus.close()


@pytest.fixture
def running():
    started: list[Running] = []

    def start(listen, *args, **options) -> Running:
        started.append(Running(listen, *args, **options))
        return started[-1]

    yield start
    for listener in started:
        listener.close()


def test_kdeconnect_listener_hears_the_signal_on_a_real_session_bus(bus, running):
    listener = running(kdeconnect.listen, bus=bus.address)
    listener.lines.wait("kdeconnect: listening for calls on the bus at unix:path=")
    emit_kdeconnect_call(bus, "callReceived", "0721 234 567", "Ion Ionescu")
    emit_kdeconnect_call(bus, "missedCall", NUMBER, NUMBER, device="f00d")
    assert listener.calls.wait(2) == [
        ("0721 234 567", "ringing", "kdeconnect"),
        (NUMBER, "missed", "kdeconnect"),
    ]


def test_kdeconnect_listener_outlives_bad_signals_and_a_bus_that_goes_away(bus, running):
    listener = running(kdeconnect.listen, bus=bus.address)
    listener.lines.wait("listening for calls")
    emit_kdeconnect_call(bus, "", "", "", signature="ss", body=("callReceived", NUMBER))
    emit_kdeconnect_call(bus, "callReceived", "9" * 100_000, "")
    emit_kdeconnect_call(bus, "talking", NUMBER, "")
    emit_kdeconnect_call(bus, "callReceived", NUMBER, "")
    assert listener.calls.wait(1) == [(NUMBER, "ringing", "kdeconnect")]
    listener.lines.wait("left out: a callReceived signal with arguments (ss), not (sss)")
    listener.lines.wait("left out: the number is 100,000 characters long")
    listener.lines.wait("left out: event 'talking'")

    bus.stop()  # the session ends, the daemon goes away
    listener.lines.wait("kdeconnect: lost the connection")
    bus.start()  # and comes back at the same address
    listener.lines.wait("listening for calls", times=2)
    emit_kdeconnect_call(bus, "callReceived", "0721 234 567", "")
    assert listener.calls.wait(2)[-1] == ("0721 234 567", "ringing", "kdeconnect")
    assert all("Traceback" not in line for line in listener.lines.lines)


def test_kdeconnect_listener_without_a_bus_says_so_and_keeps_trying(bus, running):
    bus.stop()
    listener = running(kdeconnect.listen, bus=bus.address)
    listener.lines.wait(f"kdeconnect: cannot connect (no D-Bus daemon at {bus.socket})")
    bus.start()
    listener.lines.wait("listening for calls")
    emit_kdeconnect_call(bus, "callReceived", NUMBER, "")
    assert listener.calls.wait(1) == [(NUMBER, "ringing", "kdeconnect")]


def test_modemmanager_listener_follows_real_call_objects_on_a_bus(bus, running):
    modem = FakeModemManager(bus).start()
    try:
        listener = running(modemmanager.listen, bus=bus.address)
        listener.lines.wait("modemmanager: listening for calls on the bus at")
        answered = modem.add_call(NUMBER)
        listener.calls.wait(1)  # the listener has read the call: its state changes now
        modem.set_state(answered, 4)
        modem.set_state(answered, 7)
        listener.calls.wait(3)
        missed = modem.add_call("0721 234 567", state=6)
        listener.calls.wait(4)
        modem.set_state(missed, 7)
        outgoing = modem.add_call("0744 555 010", direction=2, state=1)
        modem.set_state(outgoing, 7)
        assert listener.calls.wait(5) == [
            (NUMBER, "ringing", "modemmanager"),
            (NUMBER, "answered", "modemmanager"),
            (NUMBER, "ended", "modemmanager"),
            ("0721 234 567", "ringing", "modemmanager"),
            ("0721 234 567", "missed", "modemmanager"),
        ]
        # bad input: a call object that is gone, a CallAdded with the wrong arguments
        gone = "/org/freedesktop/ModemManager1/Call/99"
        modem.signal(MODEM, modemmanager.VOICE, "CallAdded", "o", (gone,))
        modem.signal(MODEM, modemmanager.VOICE, "CallAdded", "s", ("x",))
        listener.lines.wait(f"left out: the call {gone} could not be read")
        listener.lines.wait("left out: a CallAdded signal with arguments (s), not (o)")
        modem.add_call("9" * 10_000)
        listener.lines.wait("left out: the number is 10,000 characters long")
        modem.add_call(NUMBER)
        assert listener.calls.wait(6)[-1] == (NUMBER, "ringing", "modemmanager")
    finally:
        modem.stop()


def test_modemmanager_listener_comes_back_with_the_bus(bus, running):
    modem = FakeModemManager(bus).start()
    listener = running(modemmanager.listen, bus=bus.address)
    listener.lines.wait("modemmanager: listening for calls")
    modem.stop()
    bus.stop()  # the system bus restarts (an upgrade of dbus, a crash)
    listener.lines.wait("modemmanager: lost the connection")
    bus.start()
    modem = FakeModemManager(bus).start()
    try:
        listener.lines.wait("modemmanager: listening for calls", times=2)
        modem.add_call(NUMBER)
        assert listener.calls.wait(1) == [(NUMBER, "ringing", "modemmanager")]
    finally:
        modem.stop()


def test_baresip_listener_hears_real_calls_between_two_baresips(tmp_path, running):
    callee = Baresip(tmp_path / "callee", "me").start()
    caller = Baresip(tmp_path / "caller", NUMBER).start()
    try:
        listener = running(baresip.listen, port=callee.ctrl)
        listener.lines.wait(f"baresip: listening for calls on ctrl_tcp at 127.0.0.1:{callee.ctrl}")
        with socket.create_connection(("127.0.0.1", caller.ctrl)) as control:
            caller.command(control, "dial", callee.uri)
            listener.calls.wait(1)
            callee.accept()
            listener.calls.wait(2)
            caller.command(control, "hangup")
            listener.calls.wait(3)
            caller.command(control, "dial", callee.uri)  # rings, and the caller gives up
            listener.calls.wait(4)
            caller.command(control, "hangup")
            events = listener.calls.wait(5)
        assert events == [
            (NUMBER, "ringing", "baresip"),
            (NUMBER, "answered", "baresip"),
            (NUMBER, "ended", "baresip"),
            (NUMBER, "ringing", "baresip"),
            (NUMBER, "missed", "baresip"),
        ]
    finally:
        caller.stop()
        callee.stop()


# Frames as baresip 1.0.0's ctrl_tcp sent them to this listener (captured byte for byte).
INCOMING = (
    b'221:{"event":true,"type":"CALL_INCOMING","class":"call","accountaor":"sip:a@127.0.0.1:5071",'
    b'"direction":"incoming","peeruri":"sip:+40721234567@127.0.0.1:5081","id":"e5a99fb79ad66c8d",'
    b'"param":"sip:+40721234567@127.0.0.1:5081"},'
)
CLOSED = (
    b'212:{"event":true,"type":"CALL_CLOSED","class":"call","accountaor":"sip:a@127.0.0.1:5071",'
    b'"direction":"incoming","peeruri":"sip:+40721234567@127.0.0.1:5081","id":"e5a99fb79ad66c8d",'
    b'"param":"Connection reset by peer"},'
)


def test_baresip_listener_outlives_garbage_and_a_refused_port(running):
    port = free_port()
    listener = running(baresip.listen, port=port)
    listener.lines.wait("baresip: cannot connect (")
    assert listener.lines.count("refused") >= 1
    server = ReplayServer(port)
    try:
        huge = _frame("CALL_INCOMING", peer="sip:" + "7" * 1000 + "@h")
        server.play(
            netstring(b"not json at all"),
            netstring(huge),
            INCOMING[:50],
            INCOMING[50:] + CLOSED,
            b"5:this is not,",  # broken framing: the connection starts again
            close=False,
        )
        server.play(INCOMING)
        wait_for(
            lambda: len(listener.calls.events) >= 3, lambda: f"3 events: {listener.lines.lines}"
        )
        assert listener.calls.events == [
            (NUMBER, "ringing", "baresip"),
            (NUMBER, "missed", "baresip"),
            (NUMBER, "ringing", "baresip"),
        ]
        listener.lines.wait("baresip: left out: a frame that is not JSON: b'not json at all'")
        listener.lines.wait("left out: the number is 1,000 characters long")
        listener.lines.wait("baresip: lost the connection (a 5-byte frame not ended by a comma)")
        assert server.clients == 2
    finally:
        server.close()
