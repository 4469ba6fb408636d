"""The ``forget`` subcommand: erase a client from the database and callsheet's own backups."""

from __future__ import annotations

import argparse
import sys

from callsheet.tui.cli.common import arg, client_arg, command, json_flag, print_json


def register(subparsers, common) -> None:
    forget = (
        client_arg(),
        arg("--yes", action="store_true", help="do not ask to type the name (for scripts)"),
        json_flag("print what was erased as JSON"),
    )
    command(subparsers, "forget", _HELP, cmd_forget, forget, parents=[common])


_HELP = "erase a client and everything about them, also from callsheet's backups"


def cmd_forget(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import find_client
    from callsheet.models.book.forget import forget_client
    from callsheet.models.values.text import printable as _plain
    from callsheet.tui.cli import EXIT_NOTHING, open_store

    open_store(args)
    client = find_client(args.client)
    name = _plain(client.name)
    if not args.yes:
        sys.stderr.write(
            f"This erases {name} (#{client.id}) and everything recorded about them from the "
            "database and callsheet's own backups. It cannot be undone.\n"
            "Type the client's name to confirm: "
        )
        sys.stderr.flush()
        typed = sys.stdin.readline()
        if " ".join(typed.split()).casefold() != " ".join(client.name.split()).casefold():
            print("callsheet: the name did not match; nothing was erased", file=sys.stderr)
            return EXIT_NOTHING
    report = forget_client(client)
    if args.json:
        print_json(report.as_json())
    else:
        copies = len(report.files_rewritten)
        print(
            f"forgot {name}: {report.rows} record(s) erased, {copies} backup(s) rewritten"
            + (
                f", {len(report.files_removed)} fact sheet(s) removed"
                if report.files_removed
                else ""
            )
        )
    for problem in report.problems:
        print(f"callsheet: {_plain(problem)}", file=sys.stderr)
    return 0
