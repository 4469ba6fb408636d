"""``callsheet ring``: a telephony tool's hook says the phone rings (or was answered, ended,
missed); every open dashboard on the store puts the caller's sheet on screen.

Run on every call, so it does as little as ``callsheet who``: no Textual, no risk engine,
one indexed look-up and one short write. It answers (the caller's name and greeting, for a
softphone's display) and exits 0 whether or not a dashboard is watching; a database locked
by another program costs it at most two seconds, after which it says so on stderr and
still exits 0: a ringing phone must never wait on callsheet.
"""

from __future__ import annotations

import argparse
import sys

from callsheet.models.values.text import printable
from callsheet.tui.cli.common import arg, command, json_flag
from callsheet.tui.cli.telephony_hooks import RING_EPILOG

EVENTS = ("ringing", "answered", "ended", "missed")


def register(subparsers, common) -> None:
    arguments = (
        arg(
            "number",
            nargs="?",
            default="",
            help="the caller's number as the tool hands it over: national, +, 00, sip:USER@HOST, "
            'tel:; empty, "-1", "-2" or "anonymous" mean withheld',
        ),
        arg("--event", choices=EVENTS, default="ringing", help="what happened (default ringing)"),
        arg(
            "--source", default="", metavar="NAME", help="which tool says so (kdeconnect, baresip…)"
        ),
        arg("--call", default="", metavar="ID", help="the tool's id of this call, if it has one"),
        json_flag("print the caller and the stored event as one JSON object"),
    )
    command(
        subparsers,
        "ring",
        _HELP,
        cmd_ring,
        arguments,
        parents=[common],
        # the scripts for Twinkle and Asterisk, which call `callsheet ring` themselves
        epilog=RING_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


_HELP = "the phone rings: show the caller's call sheet on every open dashboard"


def cmd_ring(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`ring` answers a ringing phone)
    from callsheet.models.capture.ring import RingNotRecorded, record_ring
    from callsheet.tui.cli import open_store

    config = open_store(args)
    try:
        result = record_ring(
            None,
            args.number,
            args.event,
            args.source,
            region=config.default_region,
            call=args.call,
        )
    except RingNotRecorded as busy:
        print(f"callsheet: {busy}", file=sys.stderr)
        result = busy.result
    if args.json:
        # deferred: each command loads only what it runs (`ring` answers a ringing phone)
        from callsheet.models.values.when import iso
        from callsheet.tui.cli.common import print_json

        client = None
        if result.client_id is not None:
            client = {
                "id": result.client_id,
                "name": result.name,
                "greeting": result.greeting,
                "archived": result.archived,
                "risk": {"score": result.risk_score, "band": result.risk_band},
            }
        answer = {
            "event": result.event,
            "stored": result.ring_id is not None,
            "ring_id": result.ring_id,
            "at": iso(result.at) if result.at else None,
            "number": result.number,
            "e164": result.e164,
            "withheld": result.withheld,
            "source": result.source,
            "client": client,
        }
        print_json(answer, indent=None)
        return 0
    print(printable(caller_line(result)))
    return 0


def caller_line(result) -> str:
    """One line for a softphone's display: who, how to greet them, how risky."""
    if result.withheld:
        return "number withheld"
    if result.client_id is None:
        if result.problem:
            return f"unknown caller {result.dialled or result.number} ({result.problem})"
        return f"unknown caller {result.e164 or result.dialled}"
    archived = " (archived)" if result.archived else ""
    return f"{result.name}{archived} — {result.greeting} — risk {result.risk_band} ({result.risk_score})"
