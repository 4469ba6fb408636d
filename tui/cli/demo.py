"""The ``demo`` subcommand: fill a database with realistic sample data."""

from __future__ import annotations

import argparse
import sys
import time

from callsheet.tui.cli.common import arg, command


def register(subparsers, common) -> None:
    # defaults are callsheet.models.demo's DEMO_CLIENTS and DEMO_INTERACTIONS, filled in when the
    # command runs: importing the demo module here would slow every other command down
    demo = (
        arg("--clients", type=int, default=None, metavar="N", help=_CLIENTS_HELP),
        arg(
            "--interactions",
            type=int,
            default=None,
            metavar="M",
            help="log entries (default 25,000)",
        ),
        arg("--seed", type=int, default=42, metavar="S", help="random seed (default 42)"),
    )
    command(subparsers, "demo", _HELP, cmd_demo, demo, parents=[common])


_HELP = "fill an empty database with realistic, reproducible sample data"
_CLIENTS_HELP = "number of clients, 3%% of them archived (default 500)"


def cmd_demo(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.demo import DEMO_CLIENTS, DEMO_INTERACTIONS, generate
    from callsheet.models.store.db import database
    from callsheet.models.values.validate import InputError
    from callsheet.tui.cli import open_store

    args.clients = DEMO_CLIENTS if args.clients is None else args.clients
    args.interactions = DEMO_INTERACTIONS if args.interactions is None else args.interactions
    if args.clients < 1 or args.interactions < 0:
        raise InputError("--clients", "needs at least one client and no negative counts")
    open_store(args)
    started = time.perf_counter()
    tty = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        if tty:
            sys.stderr.write(f"\r{stage}: {done:,}/{total:,}   ")
            sys.stderr.flush()

    try:
        counts = generate(args.clients, args.interactions, args.seed, progress=progress)
    except ValueError as error:
        raise InputError("--db", str(error)) from None
    if tty:
        sys.stderr.write("\r" + " " * 60 + "\r")
    elapsed = time.perf_counter() - started
    print(
        f"made {counts['clients']:,} clients ({counts['archived']:,} archived), "
        f"{counts['interactions']:,} interactions, "
        f"{counts['signals']:,} signals, {counts['invoices']:,} invoices in {elapsed:.1f} s "
        f"({database.obj.database})"
    )
    return 0
