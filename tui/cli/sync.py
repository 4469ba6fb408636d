"""``callsheet sync calendar``: meetings from a calendar folder (vdir), follow-ups into one.

models/capture/calendar_vdir.py and models/capture/followups_vdir.py do the work. (``sync
contacts`` joins ``calendar`` here as another subcommand of ``sync``.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from callsheet.models.values.text import printable
from callsheet.tui.cli.common import arg, command, json_flag


def register(subparsers, common) -> None:
    group = subparsers.add_parser("sync", help=_HELP)
    choices = group.add_subparsers(dest="what", metavar="WHAT", required=True)
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


_HELP = "keep callsheet in step with calendar folders (vdirs) that vdirsyncer syncs"
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
