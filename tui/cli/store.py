"""The ``doctor`` subcommand: is the store sound, private and backed up, and what to do if not."""

from __future__ import annotations

import argparse
import sys

from callsheet.tui.cli.common import arg, command, json_flag, print_json

_FIX_HELP = (
    "read phone numbers kept as typed (shown with (?)) again in default_region and store "
    "those that read as numbers"
)

EXAMPLES = """examples:
  callsheet doctor
  callsheet doctor --json --db postgresql://ana@nas.local/callsheet
  callsheet doctor --fix      store phone numbers kept as typed once default_region is set
exit status: 0 healthy, 1 a problem was found (each is named), 3 the store cannot be opened"""


def register(subparsers, common) -> None:
    command(
        subparsers,
        "doctor",
        "check the database: backend, schema, integrity, permissions, backups, size",
        cmd_doctor,
        [
            json_flag("print one JSON object"),
            arg("--fix", action="store_true", help=_FIX_HELP),
        ],
        parents=[common],
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _size(size: float | None) -> str:
    if size is None:
        return "unknown"
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return str(size)


def _kept_phones(health, fix: bool) -> str:
    """Name the phone numbers kept as typed in ``health`` (``fix``: store those that read
    now, in one transaction first); returns the line saying what was fixed."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.kept_phones import kept_phones, normalise_kept
    from callsheet.models.config import load_config
    from callsheet.models.store.migrations import CURRENT_VERSION
    from callsheet.models.values.text import counted

    if health.integrity != "ok" and health.backend == "sqlite" or not health.rows:
        return ""  # a damaged file: the problem is named already, nothing is written
    region = load_config().default_region
    fixed = ""
    if fix and region and health.schema_version == CURRENT_VERSION:
        done = normalise_kept(region)
        fixed = (
            f"fixed: {counted(len(done.read), 'phone number')} kept as typed now read in {region}"
        )
    kept = kept_phones(region)
    readable = [k for k in kept if k.why.startswith("reads as a number")]
    if readable:
        health.problems.append(
            f"{counted(len(readable), 'phone number')} kept as typed can be read in {region} "
            "now; until stored, a caller is not found by it: `callsheet doctor --fix`"
        )
    for phone in kept:
        if phone not in readable:
            health.warnings.append(
                f"phone {phone.raw!r} of #{phone.client_id} {phone.client_name} is kept as "
                f"typed: {phone.why}"
            )
    return fixed


def cmd_doctor(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.config import database_setting
    from callsheet.models.store import doctor
    from callsheet.models.store.db import DatabaseError
    from callsheet.models.store.opening import open_store, parse_target
    from callsheet.models.values.text import printable as _plain

    setting = database_setting(getattr(args, "db", None))
    try:
        name = parse_target(setting).describe()
        open_store(setting, create=False, migrate=False)
    except DatabaseError as error:
        if args.json:
            print_json({"healthy": False, "problems": [str(error)]}, indent=None)
        else:
            print(f"callsheet doctor: {_plain(str(error))}", file=sys.stderr)
        return 3
    health = doctor.check(name)
    fixed = _kept_phones(health, args.fix)
    if args.json:
        print_json(health.as_json(), indent=1)
    else:
        age = (
            f"{health.last_backup_age_days:g} days ago ({_plain(health.last_backup or '')})"
            if health.last_backup_age_days is not None
            else "none"
        )
        print(f"store       {_plain(health.store)} ({health.backend})")
        print(
            f"schema      version {health.schema_version} (this callsheet: {health.current_version})"
        )
        print(f"integrity   {_plain(health.integrity)}")
        print(f"size        {_size(health.size_bytes)}")
        print(f"last backup {age}")
        print(
            "rows        " + ", ".join(f"{table} {count:,}" for table, count in health.rows.items())
        )
        for line in health.problems:
            print(f"PROBLEM: {_plain(line)}")
        for line in health.warnings:
            print(f"warning: {_plain(line)}")
        if fixed:
            print(_plain(fixed))
        print("healthy" if health.healthy else f"{len(health.problems)} problem(s) found")
    return 0 if health.healthy else 1
