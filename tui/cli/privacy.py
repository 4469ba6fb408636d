"""The ``forget`` subcommand: erase a client from the database and callsheet's own backups."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers, common) -> None:
    forget = subparsers.add_parser(
        "forget",
        parents=[common],
        help="erase a client and everything about them, also from callsheet's backups",
    )
    forget.add_argument("client", help="client id, exact name, or unique prefix of the name")
    forget.add_argument(
        "--yes", action="store_true", help="do not ask to type the name (for scripts)"
    )
    forget.add_argument("--json", action="store_true", help="print what was erased as JSON")
    forget.set_defaults(handler=cmd_forget)


def cmd_forget(args: argparse.Namespace) -> int:
    from models.clients import find_client
    from models.forget import forget_client
    from tui.cli import EXIT_NOTHING, open_store
    from tui.cli.records import _plain

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
        json.dump(report.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
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
