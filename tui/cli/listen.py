"""``callsheet listen``: a long-running listener that turns a telephony tool's call events
into rings (models/capture/telephony/ does the listening, models/capture/ring.py the rest).

One line on stderr when it starts, one when it is listening, one per call event (with the
caller's name, as ``callsheet ring`` prints it), one per problem; Ctrl+C (or SIGTERM, as
``systemctl --user stop`` sends) stops it with one line and exit 0.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from callsheet.models.values.text import printable
from callsheet.tui.cli.common import arg, command

SOURCES = ("kdeconnect", "baresip", "modemmanager")
_NAMES = {"kdeconnect": "KDE Connect", "baresip": "baresip", "modemmanager": "ModemManager"}


def register(subparsers, common) -> None:
    arguments = (
        arg("source", choices=SOURCES, help="the tool whose calls to listen for"),
        arg("--host", default=None, metavar="HOST", help="baresip: ctrl_tcp's host (127.0.0.1)"),
        arg("--port", default=None, type=int, metavar="PORT", help="baresip: its port (4444)"),
        arg(
            "--bus",
            choices=("session", "system"),
            default=None,
            help="D-Bus: which bus (kdeconnect: session, modemmanager: system)",
        ),
        arg(
            "--address",
            default=None,
            metavar="ADDRESS",
            help="D-Bus: a bus address instead (unix:path=..., as dbus-daemon prints it)",
        ),
    )
    command(
        subparsers,
        "listen",
        _HELP,
        cmd_listen,
        arguments,
        parents=[common],
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


_HELP = "listen for calls (KDE Connect, baresip, ModemManager) and ring every open dashboard"
_EPILOG = """examples:
  callsheet listen kdeconnect                    # a phone paired with KDE Connect
  callsheet listen baresip --port 4444           # baresip with module ctrl_tcp
  callsheet listen modemmanager                  # a modem's voice calls, system bus

Runs until stopped (Ctrl+C, or a systemd user unit: see the README, "When the phone
rings"); reconnects by itself when the tool goes away. Twinkle and Asterisk call
`callsheet ring` themselves: `callsheet ring --help` shows how."""


def cmd_listen(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (the listeners load jeepney)
    from callsheet.models.values.validate import InputError
    from callsheet.tui.cli import open_store

    where = _where(args, InputError)
    config = open_store(args)
    stop = threading.Event()

    def say(line: str) -> None:
        print(printable(line), file=sys.stderr, flush=True)

    def on_call(number: str, event: str, source: str, call: str) -> None:
        _ring(number, event, source, call, config.default_region, say)

    say(
        f"callsheet listen: {_NAMES[args.source]}'s calls on {where} will ring every open "
        "dashboard (Ctrl+C stops)"
    )
    # Ctrl+C and SIGTERM stop it, also when started from a script that ignores SIGINT
    previous = signal.signal(signal.SIGTERM, _interrupt), signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _listener(args)(on_call, say, stop, **_options(args))
    except KeyboardInterrupt:
        stop.set()
        say("callsheet listen: stopped")
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    return 0


def _interrupt(_signal, _frame) -> None:
    raise KeyboardInterrupt


def _where(args: argparse.Namespace, InputError) -> str:
    """Where the listener listens, in words; bad input for options of another source."""
    dbus = args.source != "baresip"
    for option, value, for_dbus in (
        ("--host", args.host, False),
        ("--port", args.port, False),
        ("--bus", args.bus, True),
        ("--address", args.address, True),
    ):
        if value is not None and for_dbus != dbus:
            users = "kdeconnect and modemmanager" if for_dbus else "baresip"
            raise InputError(option, f"is for {users}, not {args.source}")
    if not dbus:
        if args.port is not None and not 0 < args.port < 65536:
            raise InputError("--port", f"{args.port} is not a TCP port (1-65535)")
        return f"ctrl_tcp at {args.host or '127.0.0.1'}:{args.port or 4444}"
    if args.address is not None:
        if "=" not in args.address:
            raise InputError("--address", f"{args.address!r} is not a D-Bus address")
        return f"the bus at {args.address}"
    return f"the {args.bus or _default_bus(args.source)} bus"


def _default_bus(source: str) -> str:
    return "system" if source == "modemmanager" else "session"


def _listener(args: argparse.Namespace):
    # deferred: jeepney and the sockets load only for `listen`
    from callsheet.models.capture.telephony import baresip, kdeconnect, modemmanager

    return {"kdeconnect": kdeconnect, "baresip": baresip, "modemmanager": modemmanager}[
        args.source
    ].listen


def _options(args: argparse.Namespace) -> dict:
    if args.source == "baresip":
        return {"host": args.host or "127.0.0.1", "port": args.port or 4444}
    return {"bus": args.address or args.bus or _default_bus(args.source)}


def _ring(number: str, event: str, source: str, call: str, region, say) -> None:
    """Record one event (record_ring) and say it in one line, with the caller if known."""
    # deferred: each command loads only what it runs
    from callsheet.models.capture.ring import RingNotRecorded, record_ring
    from callsheet.tui.cli.ring import caller_line

    try:
        result = record_ring(None, number, event, source, region=region, call=call)
    except RingNotRecorded as busy:
        say(f"{source}: {event}: {caller_line(busy.result)} (not stored: {busy})")
        return
    say(f"{source}: {result.event}: {caller_line(result)}")
