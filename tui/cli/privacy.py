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
    from callsheet.models.book.finding import ClientNotFound
    from callsheet.models.book.forget import finish_pending, forget_client
    from callsheet.models.values.text import printable as _plain
    from callsheet.tui.cli import EXIT_NOTHING, open_store

    open_store(args)
    # An earlier forget cut short (a full disk, a kill) is finished first, whatever the name:
    # its client may be gone from the database already, but not yet from the backups.
    resumed = finish_pending()
    if resumed is not None:
        _report(resumed, args, "finished an earlier, unfinished erasure")
        if resumed.problems:
            return 3
    try:
        client = find_client(args.client)
    except ClientNotFound:
        if resumed is not None:
            return 0  # that was the client the earlier forget was erasing
        raise
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
    _report(report, args, f"forgot {name}")
    # Deleted, but a copy could not be cleaned: not done, and the next forget finishes it.
    return 3 if any("not finished" in problem for problem in report.problems) else 0


def _report(report, args: argparse.Namespace, headline: str) -> None:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.text import printable as _plain

    if args.json:
        print_json(report.as_json())
    else:
        copies = len(report.files_rewritten)
        print(
            f"{headline}: {report.rows} record(s) erased, {copies} backup(s) rewritten"
            + (f", {len(report.files_removed)} file(s) removed" if report.files_removed else "")
        )
        for caveat in report.caveats:
            print(f"note: {_plain(caveat)}")
    for problem in report.problems:
        print(f"callsheet: {_plain(problem)}", file=sys.stderr)
