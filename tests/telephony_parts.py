"""Real parts for the listeners' tests: a private D-Bus daemon, a ModemManager of our own on
it, a pair of baresip softphones on loopback, and a TCP server replaying baresip's frames.

Each part is the real program or protocol: Debian's ``dbus-daemon`` (its own socket under a
short temporary folder, so the test can stop it and start it again at the same address), a
service object exporting ModemManager's real interface names and properties over that bus,
and ``baresip`` with ``ctrl_tcp`` (one softphone calling the other with ``/dial``).
"""

from __future__ import annotations

import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from tests.commands import CALLSHEET

WAIT = 20.0  # seconds a test waits for something before it fails (never a timing assertion)


def wait_for(condition: Callable[[], object], what: str | Callable[[], str], timeout=WAIT):
    """Poll ``condition`` until it is truthy; fail naming ``what`` after ``timeout`` seconds.

    ``what`` may be a function, to name the state at the time of failure.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what() if callable(what) else what}")


class Lines:
    """What a listener says, collected in order (its ``say``), thread-safe."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        with self._lock:
            self.lines.append(line)

    def count(self, text: str) -> int:
        with self._lock:
            return sum(text in line for line in self.lines)

    def wait(self, text: str, times: int = 1) -> None:
        wait_for(lambda: self.count(text) >= times, lambda: f"{text!r} x{times}: {self.lines}")


class Calls:
    """The events a listener hands on (its ``on_call``), in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, str]] = []
        self.call_ids: list[str] = []

    def __call__(self, number: str, event: str, source: str, call: str = "") -> None:
        self.events.append((number, event, source))
        self.call_ids.append(call)

    def wait(self, count: int) -> list[tuple[str, str, str]]:
        wait_for(lambda: len(self.events) >= count, lambda: f"{count} events: {self.events}")
        return list(self.events)


_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class PrivateBus:
    """A real ``dbus-daemon`` of this test's own, at a fixed unix socket path."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="cs-bus-"))  # short: sun_path is 108 bytes
        self.socket = self.folder / "bus"
        self.address = f"unix:path={self.socket}"
        self.config = self.folder / "bus.conf"
        self.config.write_text(_BUS_CONFIG.format(socket=self.socket))
        self.process: subprocess.Popen | None = None

    def start(self) -> PrivateBus:
        self.process = subprocess.Popen(
            ["dbus-daemon", f"--config-file={self.config}", "--nofork", "--print-address"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        printed = self.process.stdout.readline().strip()
        assert printed.startswith(self.address), printed
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        self.socket.unlink(missing_ok=True)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def connection(self):
        return open_dbus_connection(self.address)


def emit_kdeconnect_call(bus: PrivateBus, event: str, number: str, contact: str, **options):
    """``callReceived`` as kdeconnectd emits it: its bus name, a device path, (sss)."""
    device = options.get("device", "a1b2c3d4e5f60718")
    path = options.get("path", f"/modules/kdeconnect/devices/{device}/telephony")
    signature = options.get("signature", "sss")
    body = options.get("body", (event, number, contact))
    with bus.connection() as connection:
        connection.send_and_get_reply(message_bus.RequestName("org.kde.kdeconnect"), timeout=5)
        where = DBusAddress(path, interface="org.kde.kdeconnect.device.telephony")
        connection.send(new_signal(where, "callReceived", signature, body))
        # a round trip to the bus, so the signal is out before the connection closes
        connection.send_and_get_reply(message_bus.GetId(), timeout=5)


MM = "org.freedesktop.ModemManager1"
MM_VOICE = "org.freedesktop.ModemManager1.Modem.Voice"
MM_CALL = "org.freedesktop.ModemManager1.Call"
MODEM = "/org/freedesktop/ModemManager1/Modem/0"


class FakeModemManager:
    """Our own service on a private bus with ModemManager's name, interfaces and properties.

    ``add_call`` exports a call object (Number, Direction, State, as ``a{sv}`` through
    org.freedesktop.DBus.Properties) and emits Modem.Voice.CallAdded(o); ``set_state``
    emits Call.StateChanged(i old, i new, u reason). One thread owns the connection.
    """

    def __init__(self, bus: PrivateBus) -> None:
        self.bus = bus
        self.calls: dict[str, dict] = {}
        self._todo: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._count = 0

    def start(self) -> FakeModemManager:
        self._thread.start()
        assert self._ready.wait(WAIT)
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(WAIT)

    def add_call(self, number: str, *, direction: int = 1, state: int = 3) -> str:
        self._count += 1
        path = f"/org/freedesktop/ModemManager1/Call/{self._count}"
        self.calls[path] = {"Number": number, "Direction": direction, "State": state}
        self.signal(MODEM, MM_VOICE, "CallAdded", "o", (path,))
        return path

    def set_state(self, path: str, state: int, reason: int = 0) -> None:
        old = self.calls[path]["State"]
        self.calls[path]["State"] = state
        self.signal(path, MM_CALL, "StateChanged", "iiu", (old, state, reason))

    def signal(self, path: str, interface: str, member: str, signature: str, body: tuple):
        done = threading.Event()
        self._todo.put(
            (new_signal(DBusAddress(path, interface=interface), member, signature, body), done)
        )
        assert done.wait(WAIT)

    def _serve(self) -> None:
        with self.bus.connection() as connection:
            connection.send_and_get_reply(message_bus.RequestName(MM), timeout=5)
            self._ready.set()
            while not self._stop.is_set():
                while not self._todo.empty():
                    message, done = self._todo.get()
                    connection.send(message)
                    done.set()
                try:
                    message = connection.receive(timeout=0.05)
                except TimeoutError:
                    continue
                if message.header.message_type == MessageType.method_call:
                    connection.send(self._answer(message))

    def _answer(self, message):
        fields = message.header.fields
        path, member = fields.get(HeaderFields.path), fields.get(HeaderFields.member)
        call = self.calls.get(path)
        if member == "GetAll" and call is not None and message.body == (MM_CALL,):
            properties = {
                "Number": ("s", call["Number"]),
                "Direction": ("i", call["Direction"]),
                "State": ("i", call["State"]),
                "StateReason": ("i", 0),
            }
            return new_method_return(message, "a{sv}", (properties,))
        return new_error(
            message, "org.freedesktop.DBus.Error.UnknownObject", "s", (f"No such object {path}",)
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def netstring(payload: bytes) -> bytes:
    return str(len(payload)).encode() + b":" + payload + b","


class ReplayServer:
    """A TCP server that plays, to each client in turn, the byte strings it was given."""

    def __init__(self, port: int | None = None) -> None:
        self.server = socket.create_server(("127.0.0.1", port or 0))
        self.port = self.server.getsockname()[1]
        self.scripts: queue.Queue = queue.Queue()
        self.clients = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def play(self, *chunks: bytes, close: bool = False) -> None:
        """Send ``chunks`` to the next client (closing after them when ``close``)."""
        self.scripts.put((chunks, close))

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.clients += 1
            chunks, close = self.scripts.get()
            for chunk in chunks:
                client.sendall(chunk)
                time.sleep(0.05)  # separate reads, so frames also arrive in pieces
            if close:
                client.close()
            else:
                self._held = client

    def close(self) -> None:
        self.server.close()


_BARESIP_CONFIG = """poll_method epoll
sip_listen 127.0.0.1:{sip}
call_local_timeout 120
audio_player ausine,nil
audio_source ausine,440
ausrc_srate 48000
auplay_srate 48000
ausrc_channels 2
auplay_channels 2
audio_alert ausine,nil
module_path /usr/lib/baresip/modules
module g711.so
module ausine.so
module ctrl_tcp.so
module account.so
ctrl_tcp_listen 127.0.0.1:{ctrl}
module_app account.so
module_app menu.so
module_app httpd.so
http_listen 127.0.0.1:{http}
"""


class Baresip:
    """A real ``baresip`` softphone, headless, with ctrl_tcp on a port of its own."""

    def __init__(self, folder: Path, user: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True)
        self.sip, self.ctrl, self.http = free_port(), free_port(), free_port()
        self.uri = f"sip:{user}@127.0.0.1:{self.sip}"
        ports = {"sip": self.sip, "ctrl": self.ctrl, "http": self.http}
        (folder / "config").write_text(_BARESIP_CONFIG.format(**ports))
        (folder / "accounts").write_text(f"<{self.uri}>;regint=0\n")
        self.log = folder / "baresip.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Baresip:
        # -v: this release (1.0.0) starts ctrl_tcp reliably with it; the log is the test's
        self.process = subprocess.Popen(
            ["baresip", "-f", str(self.folder), "-v"],
            stdin=subprocess.DEVNULL,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self._listening, f"baresip's ctrl_tcp on port {self.ctrl}")
        return self

    def _listening(self) -> bool:
        # not by connecting: ctrl_tcp takes one client, and a probe could take its place
        return "ctrl_tcp: TCP socket listening" in self.log.read_text(errors="replace")

    def command(self, connection: socket.socket, command: str, params: str = "") -> None:
        payload = f'{{"command":"{command}","params":"{params}","token":"t-{command}"}}'
        connection.sendall(netstring(payload.encode()))

    def accept(self) -> None:
        """Answer the ringing call through the httpd module (ctrl_tcp has its one client)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/?/accept", timeout=10) as page:
            assert b"Answering incoming call" in page.read()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


class Listening:
    """``callsheet listen ...`` in its own process; its stderr read line by line."""

    def __init__(self, *args: str, db) -> None:
        self.process = subprocess.Popen(
            [CALLSHEET, "listen", *args, "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait(self, text: str) -> None:
        wait_for(
            lambda: any(text in line for line in self.lines), lambda: f"{text!r}: {self.lines}"
        )

    def interrupt(self) -> int:
        """Ctrl+C: what the process exits with."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=30)
        self._reader.join(10)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
