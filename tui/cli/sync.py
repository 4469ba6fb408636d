"""``callsheet sync``: keep the clients in step with where the user keeps them.

``sync contacts VDIR`` is two-way with a contacts vdir (models/exchange/contact_sync.py does
the work); vdirsyncer keeps that vdir in step with the phone's CardDAV server.
"""

from __future__ import annotations

import argparse

from callsheet.models.values.text import printable
from callsheet.tui.cli.common import add_arguments, arg, json_flag

_HELP = "sync contacts with a vdir (two-way; vdirsyncer keeps it in step with a CardDAV server)"


def register(subparsers, common) -> None:
    sync = subparsers.add_parser(
        "sync",
        parents=[common],
        help="keep contacts in step with a vdir that vdirsyncer syncs with your phone",
    )
    kinds = sync.add_subparsers(dest="sync_kind", metavar="WHAT", required=True)
    # --- contacts: issue 25 item 1
    contacts = kinds.add_parser(
        "contacts",
        parents=[common],
        help=_HELP,
        epilog="example:\n  callsheet sync contacts ~/.contacts/phone --dry-run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(
        contacts,
        (
            arg("vdir", nargs="?", metavar="VDIR", help=_VDIR_HELP),
            arg("--dry-run", action="store_true", help="show what would change; write nothing"),
            arg("--prefer", choices=("callsheet", "vdir"), default=None, help=_PREFER_HELP),
            json_flag("print the report as JSON"),
        ),
    )
    contacts.set_defaults(handler=cmd_sync_contacts)


_VDIR_HELP = (
    "the contacts vdir: a folder of .vcf files (default: contacts in [sync] of config.toml)"
)
_PREFER_HELP = (
    "settle conflicts (a card changed on both sides, in the same field): whose version wins"
)


def cmd_sync_contacts(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.exchange.contact_sync import sync_contacts
    from callsheet.models.values.validate import InputError
    from callsheet.tui.cli import open_store
    from callsheet.tui.cli.common import Progress

    config = open_store(args)
    folder = args.vdir or getattr(config, "sync_contacts", None)
    if not folder:
        raise InputError("VDIR", "give the contacts vdir, or set contacts in [sync] of config.toml")
    progress = Progress("contacts")
    try:
        report = sync_contacts(
            folder,
            dry_run=args.dry_run,
            prefer=args.prefer,
            region=config.default_region,
            progress=progress,
        )
    finally:
        progress.close()
    if args.json:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.tui.cli.common import print_json

        print_json(report_json(report))
    else:
        print_report(report)
    return 0


def report_json(report) -> dict:
    return {
        "collection": report.collection,
        "dry_run": report.dry_run,
        "cards": report.cards,
        "unchanged": report.unchanged,
        "added": report.added,
        "merged": report.merged,
        "updated": report.updated,
        "archived": report.archived,
        "cards_written": report.written,
        "cards_edited": report.edited,
        "cards_removed": report.removed,
        "files_written": report.files_written,
        "conflicts": [
            {
                "file": c.filename,
                "client_id": c.client_id,
                "client": c.name,
                "fields": c.fields,
            }
            for c in report.conflicts
        ],
        "not_read": report.bad,
    }


def print_report(report) -> None:
    print(printable(report.summary()))
    for title, lines in (
        ("added", report.added),
        ("merged", report.merged),
        ("updated", report.updated),
        ("archived (card deleted)", report.archived),
        ("cards written", report.written),
        ("cards edited", report.edited),
        ("cards removed (client deleted)", report.removed),
    ):
        for line in lines[:50]:
            print(f"  {title}: {printable(line)}")
        if len(lines) > 50:
            print(f"  {title}: ... and {len(lines) - 50:,} more")
    for conflict in report.conflicts:
        who = f"#{conflict.client_id} {conflict.name}" if conflict.client_id else "a deleted client"
        print(f"  conflict: {printable(conflict.filename)} ({printable(who)})")
        for name, sides in conflict.fields.items():
            print(f"    {name}: callsheet {printable(_shown(sides['callsheet']))}")
            print(f"    {' ' * len(name)}  vdir      {printable(_shown(sides['vdir']))}")
    if report.conflicts:
        print("  left as they are: --prefer callsheet or --prefer vdir says whose version wins")
    for line in report.bad:
        print(f"  not read: {printable(line)}")


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return repr(value) if value else "(empty)"
