"""``callsheet sync``: keep callsheet in step with where the user keeps contacts and calendars.

``sync contacts VDIR`` is two-way with a contacts vdir (models/exchange/contact_sync.py does
the work); ``sync calendar VDIR`` logs meetings from a calendar folder and writes follow-ups
into one (models/capture/calendar_vdir.py, models/capture/followups_vdir.py). vdirsyncer keeps
those folders in step with the phone's CardDAV/CalDAV server.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from callsheet.models.values.text import printable
from callsheet.tui.cli.common import arg, command, json_flag


def register(subparsers, common) -> None:
    group = subparsers.add_parser("sync", help=_HELP)
    choices = group.add_subparsers(dest="what", metavar="WHAT", required=True)
    contacts = (
        arg("vdir", nargs="?", metavar="VDIR", help=_CONTACTS_VDIR_HELP),
        arg("--dry-run", action="store_true", help="show what would change; write nothing"),
        arg("--prefer", choices=("callsheet", "vdir"), default=None, help=_PREFER_HELP),
        json_flag("print the report as JSON"),
    )
    parser = command(
        choices, "contacts", _CONTACTS_HELP, cmd_sync_contacts, contacts, parents=[common]
    )
    parser.epilog = "example:\n  callsheet sync contacts ~/.contacts/phone --dry-run"
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    calendar = (
        arg("vdir", nargs="?", metavar="VDIR", default=None, help=_VDIR_HELP),
        arg(
            "--write-followups",
            nargs="?",
            const="",
            default=None,
            metavar="VDIR",
            help=_FOLLOWUPS_HELP,
        ),
        arg("--rescan", action="store_true", help=_RESCAN_HELP),
        arg("--dry-run", action="store_true", help="show what would change; write nothing"),
        json_flag("print the report as JSON"),
    )
    parser = command(
        choices, "calendar", _CALENDAR_HELP, cmd_sync_calendar, calendar, parents=[common]
    )
    parser.epilog = (
        "example:\n  callsheet sync calendar ~/.calendars/work --write-followups "
        "~/.calendars/callsheet"
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter


_HELP = "keep contacts and calendars in step with folders (vdirs) that vdirsyncer syncs"
_CALENDAR_HELP = "log meetings with clients from a calendar folder; write follow-ups into one"
_VDIR_HELP = (
    "a calendar folder with one .ics file per event (default: sync.calendar in config.toml)"
)
_FOLLOWUPS_HELP = (
    'also write the open follow-ups as tasks (VTODO; followups_as = "vevent" in [sync] for '
    "events) into VDIR (default: sync.followups in config.toml, else the calendar folder)"
)
_RESCAN_HELP = "read every file again, not only those changed since the last run"


def cmd_sync_calendar(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.capture.calendar_vdir import sync_calendar
    from callsheet.models.capture.followups_vdir import write_followups
    from callsheet.models.values.validate import InputError
    from callsheet.models.values.when import utcnow
    from callsheet.tui.cli import open_store

    config = open_store(args)
    vdir = args.vdir or config.sync.get("calendar")
    if not vdir:
        raise InputError("VDIR", "give a calendar folder, or set sync.calendar in config.toml")
    if not Path(vdir).expanduser().is_dir():
        raise InputError("VDIR", f"{vdir}: no such folder")
    now = utcnow()
    report = sync_calendar(
        vdir,
        config.my_addresses,
        now=now,
        years=config.calendar_years,
        rescan=args.rescan,
        dry_run=args.dry_run,
    )
    followups = None
    if args.write_followups is not None:
        target = args.write_followups or config.sync.get("followups") or vdir
        if Path(target).expanduser().exists() and not Path(target).expanduser().is_dir():
            raise InputError("--write-followups", f"{target}: not a folder")
        followups = write_followups(
            target,
            now=now,
            as_vevent=config.sync.get("followups_as", "vtodo") == "vevent",
            dry_run=args.dry_run,
        )
    if args.json:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.tui.cli.common import print_json

        print_json(_json(report, followups))
    else:
        _print(report, followups)
    return 0


def _json(report, followups) -> dict:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.capture.store import client_names
    from callsheet.models.values.when import iso

    names = client_names({e.client_id for e in report.logged}) if report.logged else {}
    result: dict = {
        "dry_run": report.dry_run,
        "calendar": report.collection,
        "files": report.files,
        "unchanged": report.unchanged,
        "read": report.read,
        "logged": len(report.logged),
        "updated": report.updated,
        "kept_edited": report.kept_edited,
        "gone": report.gone,
        "without_clients": report.without_clients,
        "problems": report.problems,
        "warnings": report.warnings,
        "entries": [
            {
                "client": names.get(e.client_id, str(e.client_id)),
                "at": iso(e.at),
                "minutes": e.minutes,
                "summary": e.summary,
            }
            for e in report.logged
        ],
    }
    if followups is not None:
        result["followups"] = {
            "folder": followups.folder,
            "written": followups.written,
            "completed": followups.completed,
            "removed": followups.removed,
            "unchanged": followups.unchanged,
        }
    return result


def _print(report, followups) -> None:
    verb = "would log" if report.dry_run else "logged"
    line = (
        f"calendar: {report.files:,} files, {report.read:,} read "
        f"({report.unchanged:,} unchanged): {verb} {len(report.logged):,} meetings"
    )
    if report.updated:
        line += f", updated {report.updated:,} for edited events"
    print(line)
    if report.kept_edited:
        print(f"  {report.kept_edited:,} entries you edited kept as they are (their event changed)")
    if report.gone:
        print(
            f"  {report.gone:,} logged meetings are no longer in the calendar: their entries stay"
        )
    if report.without_clients:
        print(f"  {report.without_clients:,} events without a client")
    for problem in report.problems[:20]:
        print(f"  unreadable, skipped: {printable(problem)}")
    for warning in report.warnings[:20]:
        print(f"  {printable(warning)}")
    if followups is not None:
        verb = "would write" if followups.dry_run else "wrote"
        print(
            f"follow-ups: {verb} {len(followups.written):,} "
            f"({followups.completed:,} done), removed {len(followups.removed):,}, "
            f"{followups.unchanged:,} unchanged in {printable(followups.folder)}"
        )


_CONTACTS_HELP = (
    "sync contacts with a vdir (two-way; vdirsyncer keeps it in step with a CardDAV server)"
)
_CONTACTS_VDIR_HELP = (
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
