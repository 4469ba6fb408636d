"""The ``doctor`` subcommand: is the store sound, private and backed up, and what to do if not."""

from __future__ import annotations

import argparse
import sys

from callsheet.tui.cli.common import command, json_flag, print_json

EXAMPLES = """examples:
  callsheet doctor
  callsheet doctor --json --db postgresql://ana@nas.local/callsheet
exit status: 0 healthy, 1 a problem was found (each is named), 3 the store cannot be opened"""


def register(subparsers, common) -> None:
    command(
        subparsers,
        "doctor",
        "check the database: backend, schema, integrity, permissions, backups, size",
        cmd_doctor,
        [json_flag("print one JSON object")],
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
        print("healthy" if health.healthy else f"{len(health.problems)} problem(s) found")
    return 0 if health.healthy else 1
